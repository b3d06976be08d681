"""The SHACL shapes: the files of ``shapes/``, and those generated from the grid and from the template's placeholders."""

from __future__ import annotations

from rdflib import Graph

from ..rdf.vocabulary import folder_triples, graph_of
from .completeness import completeness_shapes
from .placeholders import placeholder_shapes

__all__ = ["shapes_graph"]


def shapes_graph() -> Graph:
    """Every shape the validation uses, as a fresh graph that the caller may change."""
    graph = graph_of(folder_triples("shapes"))
    graph += completeness_shapes()
    graph += placeholder_shapes()
    return graph
