"""PTCE project descriptions: load YAML, Turtle or JSON-LD; convert between them.

See docs/project-format.md for the format. The public API:

- :func:`load_description` → :class:`Description` (graph, IRI, source, format,
  data, and the YAML line of every value: :meth:`Description.line_for`);
- :func:`description_to_yaml`, :func:`to_turtle`, :func:`to_jsonld`, :func:`convert`;
- :func:`graph_to_data` and :func:`data_to_graph` for code that works on the data.

Owns: the description format (:mod:`.schema`), YAML → JSON-LD → RDF and back,
the JSON-LD context, the template to fill in (:mod:`.template`) and synthetic
corpora (:mod:`.generate`). May import: the foundations, ``rdf`` and ``grid``;
never ``validation`` or the stages above it.
"""

from __future__ import annotations

from rdflib import Graph

from ..rdf.namespaces import BASE
from .build import build_document
from .description import (
    DESCRIPTION_SUFFIXES,
    FORMATS,
    Description,
    convert,
    description_to_yaml,
    load_description,
    to_jsonld,
    to_turtle,
    upgrade,
)
from .emit import data_to_yaml
from .graph import document_graph
from .readback import find_project, graph_to_data

__all__ = [
    "Description",
    "FORMATS",
    "DESCRIPTION_SUFFIXES",
    "load_description",
    "description_to_yaml",
    "to_turtle",
    "to_jsonld",
    "convert",
    "upgrade",
    "graph_to_data",
    "data_to_graph",
    "data_to_yaml",
    "find_project",
]


def data_to_graph(data: dict, *, base: str = BASE) -> Graph:
    """The graph of description ``data`` (as :attr:`Description.data` holds it)."""
    return document_graph(build_document(data, base=base).document)
