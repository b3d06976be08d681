"""The Turtle files of the data folders, and the ontology that declares every term we use.

:func:`ontology_graph` merges ``ontology/*.ttl``; :func:`folder_triples` parses
any data folder once per process; :func:`declared_terms` and
:func:`undeclared_terms` let tests check that every term a graph uses is declared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, XSD

from ..errors import ParameterError, RdfSyntaxError
from ..resources import data_dir
from ..settings import defaults
from .namespaces import ONTOLOGY_IRI, bind_prefixes

__all__ = [
    "ontology_graph",
    "folder_triples",
    "graph_of",
    "licence_iri",
    "declared_terms",
    "terms_used",
    "undeclared_terms",
]

_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")


def ontology_graph(*, license: str | None = None) -> Graph:
    """The ontology: every ``ontology/*.ttl`` merged into one graph, under ``license``.

    The licence is the deployment's, as for the grid (default: the LICENSE
    setting); ``cap.ttl`` holds the default so that the file read alone says it too.
    """
    graph = graph_of(folder_triples("ontology"))
    graph.set((URIRef(ONTOLOGY_IRI), DCTERMS.license, licence_iri(license or defaults()["LICENSE"])))
    return graph


# Types that declare a term; the modelling languages' own terms need no declaration.
_DECLARING_TYPES = (
    OWL.Class,
    RDFS.Class,
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
)
_BUILT_IN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD, SH))


def declared_terms(ontology: Graph | None = None) -> frozenset[URIRef]:
    """The classes and properties that the ontology declares (ours and the reused ones)."""
    ontology = ontology if ontology is not None else ontology_graph()
    return frozenset(s for t in _DECLARING_TYPES for s in ontology.subjects(RDF.type, t) if isinstance(s, URIRef))


def terms_used(graph: Graph) -> set[URIRef]:
    """The terms a graph uses: its predicates and the classes it uses with ``rdf:type``."""
    return {t for t in set(graph.predicates()) | set(graph.objects(None, RDF.type)) if isinstance(t, URIRef)}


def undeclared_terms(terms: Iterable[URIRef], ontology: Graph | None = None) -> list[str]:
    """The ``terms`` that the ontology does not declare (the modelling languages' own excepted), sorted."""
    declared = declared_terms(ontology)
    return sorted({str(t) for t in terms if not str(t).startswith(_BUILT_IN) and t not in declared})


@cache
def folder_triples(kind: str) -> tuple:
    """The triples of every ``*.ttl`` of a data folder, parsed once per process."""
    graph = Graph()
    for path in sorted(data_dir(kind).glob("*.ttl")):
        _parse_into(graph, path)
    return tuple(graph)


def _parse_into(graph: Graph, path: Path) -> None:
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        raise RdfSyntaxError(
            f"fichier Turtle illisible / unreadable Turtle file: {exc}",
            source=str(path),
            hint="corriger la syntaxe Turtle du fichier / fix the file's Turtle syntax",
        ) from exc


def graph_of(triples) -> Graph:
    graph = bind_prefixes(Graph(bind_namespaces="core"))
    for triple in triples:
        graph.add(triple)
    return graph


def licence_iri(value: str) -> URIRef:
    """The licence as an IRI; refuse what would make the published Turtle invalid."""
    if not _ABSOLUTE_IRI.fullmatch(value):
        raise ParameterError(
            f"licence invalide / invalid licence {value!r}: une IRI absolue est attendue / an absolute IRI is expected",
            key="LICENSE",
            hint="par exemple / for example http://spdx.org/licenses/etalab-2.0",
        )
    return URIRef(value)
