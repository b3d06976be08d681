"""Turn one of our own JSON-LD documents into triples, by the shipped context.

The builder (:mod:`cap_ptce.project.build`) writes documents of a fixed,
small shape: node objects with ``@id`` and ``@type``, keys that are terms of
the context (``@nest`` blocks, one ``@reverse`` term, three property-scoped
redefinitions), expanded IRIs, value objects for dates. For those documents
:func:`document_graph` applies the context's term definitions directly, about
five times faster than rdflib's general JSON-LD processor, which still reads
every JSON-LD file a user gives. A test checks that both give the same graph
for the whole sample corpus and for synthetic descriptions.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.parsers.jsonld import to_rdf

from ..rdf.namespaces import bind_prefixes
from .context import context, expand

__all__ = ["document_graph", "document_triples", "jsonld_graph"]


_TYPE = RDF.type  # rdflib's namespace makes a new term on each access


@cache
def _term(key: str, scope: str | None) -> tuple[str, URIRef | None, bool, str | None, str | None]:
    """``(kind, predicate, reverse, type, language)`` of a term; kind is "nest" or "property"."""
    definition = None
    if scope is not None:
        definition = context()[scope].get("@context", {}).get(key)
    if definition is None:
        definition = context()[key]
    if definition == "@nest":
        return "nest", None, False, None, None
    reverse = "@reverse" in definition
    predicate = expand(definition["@reverse"] if reverse else definition["@id"])
    coerced = definition.get("@type")
    return "property", predicate, reverse, coerced, definition.get("@language")


@cache
def _has_scope(key: str) -> bool:
    definition = context().get(key)
    return isinstance(definition, dict) and "@context" in definition


def document_triples(document: dict) -> list[tuple]:
    """The triples of a document written by :func:`~cap_ptce.project.build.build_document`, in order.

    A list, not a graph: filling an rdflib graph costs more than writing the
    triples, and the fast validation engine does not need one.
    """
    triples: list[tuple] = []
    _Emitter(triples.append).node(document, None)
    return triples


def document_graph(document: dict) -> Graph:
    """The graph of a document written by :func:`~cap_ptce.project.build.build_document`."""
    return graph_of_triples(document_triples(document))


def graph_of_triples(triples) -> Graph:
    """An rdflib graph, with our prefixes, holding ``triples``."""
    graph = bind_prefixes(Graph())
    add = graph.add
    for triple in triples:
        add(triple)
    return graph


def jsonld_graph(document: dict) -> Graph:
    """The same graph through rdflib's general JSON-LD processor (the context passed as an object)."""
    graph = bind_prefixes(Graph())
    to_rdf({"@context": context(), **document}, graph)
    return graph


class _Emitter:
    def __init__(self, add) -> None:
        self.add = add
        self.iris: dict[str, URIRef] = {}  # one term per IRI of the document: made once, compared at once

    def iri(self, text: str) -> URIRef:
        found = self.iris.get(text)
        if found is None:
            found = self.iris[text] = URIRef(text)
        return found

    def node(self, node: dict, scope: str | None) -> URIRef:
        subject = self.iri(node["@id"])
        if "@type" in node:
            self.add((subject, _TYPE, expand(node["@type"])))
        self.properties(subject, node, scope)
        return subject

    def properties(self, subject: URIRef, node: dict, scope: str | None) -> None:
        for key, value in node.items():
            if key.startswith("@"):
                continue
            kind, predicate, reverse, coerced, language = _term(key, scope)
            if kind == "nest":
                self.properties(subject, value, scope)
                continue
            inner = key if _has_scope(key) else scope
            for item in value if isinstance(value, list) else (value,):
                obj = self.value(item, coerced, language, inner)
                self.add((obj, predicate, subject) if reverse else (subject, predicate, obj))

    def value(self, item: Any, coerced: str | None, language: str | None, scope: str | None):
        if isinstance(item, dict):
            if "@value" in item:
                return _literal(str, item["@value"], item["@type"], None)
            return self.node(item, scope)
        if coerced == "@id":
            return self.iri(item)
        if isinstance(item, bool):
            return _literal(bool, item, None, None)
        if coerced is not None:
            return _literal(str, str(item), str(expand(coerced)), None)
        if isinstance(item, int):
            return _literal(int, item, str(XSD.integer), None)
        return _literal(type(item), item, None, language)


@lru_cache(maxsize=8192)
def _literal(kind: type, value: Any, datatype: str | None, language: str | None) -> Literal:
    """A literal, made once for values that come back (booleans, dates, amounts, codes): rdflib's are slow to make.

    ``kind`` keeps apart values that Python holds equal (True, 1 and 1.0).
    """
    return Literal(value, datatype=URIRef(datatype) if datatype else None, lang=language)
