"""What the RDF description of one resource is.

Dereferencing an IRI returns a symmetric concise bounded description of it
(after the W3C member submission "CBD"): every triple whose subject is the
resource, following blank-node objects to the end; the triples that point at it
from a named resource (so that an entry lists its questions even when only the
questions name their entry); and the labels of every named resource either side,
so that a client can show a link without dereferencing it.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from .namespaces import DISCO, IGEO, SCHEMA, bind_prefixes

__all__ = ["LABEL_PROPERTIES", "describe", "add_labels"]

# How a resource is named, in order of preference (a grid question is named by its text).
LABEL_PROPERTIES = (
    SKOS.prefLabel,
    RDFS.label,
    DCTERMS.title,
    FOAF.name,
    SCHEMA.name,
    DISCO.questionText,
    IGEO.nom,  # an INSEE place, named in the knowledge base's places graph
)


def describe(source: Graph, iri: URIRef) -> Graph:
    """The description of ``iri`` in ``source``: its CBD, the links into it, and the labels of both ends."""
    out = bind_prefixes(Graph())
    _add_cbd(source, iri, out, seen=set())
    for subject, predicate in source.subject_predicates(iri):
        if isinstance(subject, URIRef):
            out.add((subject, predicate, iri))
    add_labels(source, out)
    return out


def _add_cbd(source: Graph, node: URIRef | BNode, out: Graph, seen: set) -> None:
    """Add every triple about ``node``, recursing into blank nodes (each one once)."""
    seen.add(node)
    for predicate, obj in source.predicate_objects(node):
        out.add((node, predicate, obj))
        if isinstance(obj, BNode) and obj not in seen:
            _add_cbd(source, obj, out, seen)


def add_labels(source: Graph, out: Graph) -> Graph:
    """Copy into ``out`` the labels that ``source`` gives for the named resources of ``out``."""
    named = {node for triple in out for node in (triple[0], triple[2]) if isinstance(node, URIRef)}
    for node in named:
        for prop in LABEL_PROPERTIES:
            for label in source.objects(node, prop):
                if isinstance(label, Literal):
                    out.add((node, prop, label))
    return out
