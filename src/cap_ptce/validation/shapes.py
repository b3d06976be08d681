"""The SHACL shapes: the files of ``shapes/``, those generated from the grid and from the template's placeholders,
and the law's constraint on a common strategy left as the template wrote it."""

from __future__ import annotations

from rdflib import Graph

from ..rdf.vocabulary import folder_triples, graph_of
from .completeness import completeness_shapes
from .placeholders import left_over_law_shapes, placeholder_shapes

__all__ = ["shapes_graph"]


def shapes_graph() -> Graph:
    """Every shape the validation uses, as a fresh graph that the caller may change."""
    graph = graph_of(folder_triples("shapes"))
    graph += completeness_shapes()
    graph += placeholder_shapes()
    graph += left_over_law_shapes()
    return graph
