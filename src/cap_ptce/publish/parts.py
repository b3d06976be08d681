"""The published parts of the dataset: the ontology, the grid and the shapes, each a graph."""

from __future__ import annotations

from rdflib import Graph

from ..grid.rdf import grid_graph
from ..rdf.vocabulary import ontology_graph
from ..validation.shapes import shapes_graph

__all__ = ["dataset_parts"]


def dataset_parts(*, license: str | None = None) -> dict[str, Graph]:
    """The published parts of the dataset, by name: ontology and grid (under ``license``), shapes."""
    return {"ontology": ontology_graph(license=license), "grid": grid_graph(license=license), "shapes": shapes_graph()}
