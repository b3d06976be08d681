"""The reference graphs, their IRIs and what builds them: the ontology, the grid and the SHACL shapes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

__all__ = ["ONTOLOGY_GRAPH", "GRID_GRAPH", "SHAPES_GRAPH", "REFERENCE_GRAPHS", "reference_sources"]

ONTOLOGY_GRAPH = "https://w3id.org/cap-ptce/def"
GRID_GRAPH = "https://w3id.org/cap-ptce/grille/cap-ptce"
SHAPES_GRAPH = "https://w3id.org/cap-ptce/shapes"
REFERENCE_GRAPHS = {"ontology": ONTOLOGY_GRAPH, "grid": GRID_GRAPH, "shapes": SHAPES_GRAPH}


def reference_sources(license: str | None = None) -> dict[str, Callable[[], Any]]:
    """For each reference graph's name, the function that builds it (rdflib), the ontology and grid under ``license``."""
    from ..grid.rdf import grid_graph  # late: the grid and the shapes load rdflib and pySHACL's helpers
    from ..rdf.vocabulary import ontology_graph
    from ..validation.shapes import shapes_graph

    return {
        "ontology": partial(ontology_graph, license=license),
        "grid": partial(grid_graph, license=license),
        "shapes": shapes_graph,
    }
