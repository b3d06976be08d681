"""The SHACL shapes: the files of ``shapes/`` and the completeness shapes generated from the grid."""

from __future__ import annotations

from rdflib import Graph

from ..rdf.vocabulary import folder_triples, graph_of
from .completeness import completeness_shapes

__all__ = ["shapes_graph"]


def shapes_graph() -> Graph:
    """Every shape the validation uses, as a fresh graph that the caller may change."""
    graph = graph_of(folder_triples("shapes"))
    graph += completeness_shapes()
    return graph
