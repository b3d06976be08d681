"""The RDF description of one resource: its triples, blank nodes to the end, links into it, labels."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from cap_ptce.rdf.describe import describe

EX = "https://example.org/"


def _graph() -> Graph:
    graph = Graph()
    a, b, c, d = (URIRef(EX + name) for name in "abcd")
    inner, deeper = BNode(), BNode()
    graph.add((a, SKOS.related, b))
    graph.add((a, RDFS.seeAlso, inner))
    graph.add((inner, RDFS.seeAlso, deeper))
    graph.add((deeper, RDFS.comment, Literal("end")))
    graph.add((c, SKOS.broader, a))
    graph.add((b, SKOS.prefLabel, Literal("B", lang="fr")))
    graph.add((c, SKOS.prefLabel, Literal("C", lang="en")))
    graph.add((b, SKOS.related, d))  # beyond the description
    graph.add((BNode(), SKOS.related, a))  # from a blank node: not a link into it
    return graph


def test_description_follows_blank_nodes_and_keeps_links_into_the_resource():
    graph = _graph()
    a = URIRef(EX + "a")
    found = describe(graph, a)
    assert (a, SKOS.related, URIRef(EX + "b")) in found
    assert (None, RDFS.comment, Literal("end")) in found
    assert (URIRef(EX + "c"), SKOS.broader, a) in found
    assert len(found) == 7  # 4 about a and its blank nodes, 1 link in, 2 labels


def test_description_labels_both_ends_but_goes_no_further():
    found = describe(_graph(), URIRef(EX + "a"))
    assert (URIRef(EX + "b"), SKOS.prefLabel, Literal("B", lang="fr")) in found
    assert (URIRef(EX + "c"), SKOS.prefLabel, Literal("C", lang="en")) in found
    assert (URIRef(EX + "b"), SKOS.related, URIRef(EX + "d")) not in found


def test_an_unknown_resource_has_an_empty_description():
    assert len(describe(_graph(), URIRef(EX + "nothing"))) == 0
