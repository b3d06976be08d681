"""The IRIs of the reference graphs: the ontology, the grid and the SHACL shapes (see :mod:`cap_ptce.store`)."""

from __future__ import annotations

__all__ = ["ONTOLOGY_GRAPH", "GRID_GRAPH", "SHAPES_GRAPH", "REFERENCE_GRAPHS"]

ONTOLOGY_GRAPH = "https://w3id.org/cap-ptce/def"
GRID_GRAPH = "https://w3id.org/cap-ptce/grille/cap-ptce"
SHAPES_GRAPH = "https://w3id.org/cap-ptce/shapes"
REFERENCE_GRAPHS = {"ontology": ONTOLOGY_GRAPH, "grid": GRID_GRAPH, "shapes": SHAPES_GRAPH}
