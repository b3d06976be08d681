"""Content negotiation as a table and a function, without HTTP."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from cap_ptce.errors import NotFoundError
from cap_ptce.rdf.accept import GREATER, NOT_ACCEPTABLE, media_type_ranges, preference
from cap_ptce.rdf.negotiation import (
    CSV,
    HTML,
    by_suffix,
    link_header,
    negotiate,
    rdf_representations,
    representations,
    split_document_name,
)
from cap_ptce.rdf.serialize import FORMATS

OFFERED = representations(csv=True)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
COMUNICA = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,"
    "text/turtle;q=0.6,application/rdf+xml;q=0.5,application/json;q=0.45,text/n3;q=0.35,application/xml;q=0.3,"
    "image/svg+xml;q=0.3,text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18,text/shaclc;q=0.1,"
    "text/shaclc-ext;q=0.05"
)


def test_every_rdf_serialisation_is_offered_once():
    assert [rep.media_type for rep in rdf_representations()] == [fmt.media_type for fmt in FORMATS if fmt.is_rdf]
    suffixes = [rep.suffix for rep in OFFERED]
    assert len(suffixes) == len(set(suffixes))
    assert OFFERED[0] is HTML and CSV in OFFERED


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
        ("text/csv", "csv"),
        ("application/x-turtle", "turtle"),
        ("application/json", "json-ld"),
        ("text/n3", "turtle"),  # a publisher's of 2026-12-07: 406, though Turtle is N3
        ("application/xml", "xml"),  # and RDF/XML is XML
        ("application/xml, text/html;q=0.9", "xml"),
        (FIREFOX, "html"),  # application/xml;q=0.9 below text/html
        (CHROME, "html"),
        ("*/*", "html"),
        ("", "html"),
        (None, "html"),
        ("text/*", "html"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "json-ld"),
        ("text/html;q=0.1, text/turtle", "turtle"),
        ("application/rdf+xml, */*;q=0.1", "xml"),
        ("text/turtle; charset=utf-8", "turtle"),
        ("text/plain", "nt"),  # rdflib's Accept for N-Triples
        ("text/plain, */*;q=0.1", "nt"),
        # Comunica's default: JSON-LD (0.9) above Turtle (0.6) and far above HTML (0.2)
        (COMUNICA, "json-ld"),
        ("text/html;q=0.5, text/turtle;q=0.5", "html"),  # a tie goes to the first of the table
        ("text/turtle;q=0.5, text/html;q=0.5", "html"),
        ("*/*, text/turtle", "turtle"),  # the same q: the more specific range wins
        ("text/*, application/ld+json", "json-ld"),
        ("text/turtle;q=0, */*", "html"),  # the exact range decides for its type, even at 0
        ("text/turtle;q=abc, application/rdf+xml;q=0.5", "xml"),  # an invalid q: the element is ignored
        ("text/turtle;q=0.5555, application/rdf+xml;q=0.5", "xml"),
        ("TEXT/Turtle ; Q=0.4 ; ext=1, application/rdf+xml;q=0.3", "turtle"),
        ("text/turtle;q=0.050, application/n-triples;q=0.05", "turtle"),
    ],
)
def test_accept_header_picks_the_best_by_q_value(accept, expected):
    assert negotiate(accept, None, OFFERED).name == expected


def test_nothing_acceptable_gives_none():
    assert negotiate("image/png, application/pdf", None, OFFERED) is None
    assert negotiate("text/csv", None, representations()) is None
    assert negotiate("text/turtle;q=0, text/html;q=0", None, representations(rdf=False)) is None


@pytest.mark.parametrize("q", ["0", "0.", "1", "1.", "1.0", "1.000", "0.5", "0.05", "0.005", "0.55", "0.555", "0.100"])
@pytest.mark.parametrize("level", [0, 1, 2])
def test_the_key_rules_give_the_q_value_in_thousandths_and_the_level(q, level):
    """The rules the static servers apply, read here by Python, give what arithmetic gives."""
    millis = round(Decimal(q.rstrip(".") or "0") * 1000)
    expected = NOT_ACCEPTABLE if millis == 0 else f"{millis:04d}{level}"
    media_type = {2: "text/turtle", 1: "text/*", 0: "*/*"}[level]
    assert preference(f"{media_type};q={q}", media_type_ranges("text/turtle")) == expected


def test_greater_compares_keys_as_numbers():
    keys = ["00000", "00010", "00012", "05000", "05002", "09992", "10000", "10002"]
    for a in keys:
        for b in keys:
            assert bool(re.search(GREATER, f"{a}:{b}")) == (int(b) > int(a)), (a, b)


def test_suffix_wins_over_accept_header():
    assert negotiate("text/html", "ttl", OFFERED).name == "turtle"
    assert negotiate(None, "jsonld", OFFERED).name == "json-ld"


def test_unknown_suffix_is_not_found_and_names_the_known_ones():
    with pytest.raises(NotFoundError) as caught:
        by_suffix("pdf", OFFERED)
    assert ".ttl" in caught.value.hint and ".html" in caught.value.hint
    with pytest.raises(NotFoundError):
        by_suffix("csv", representations())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("q01", ("q01", None, None)),
        ("q01.ttl", ("q01", "ttl", None)),
        ("q01.en.html", ("q01", "html", "en")),
        ("index.fr.html", ("index", "html", "fr")),
    ],
)
def test_document_names_split_into_stem_suffix_and_language(name, expected):
    assert split_document_name(name) == expected


def test_link_header_lists_each_alternate():
    header = link_header(
        [("q01.ttl", "alternate", "text/turtle", None), ("q01.en.html", "alternate", "text/html", "en")]
    )
    assert (
        header
        == '<q01.ttl>; rel="alternate"; type="text/turtle", <q01.en.html>; rel="alternate"; type="text/html"; hreflang="en"'
    )


def test_one_canonical_copy_serves_every_format_with_the_same_bytes():
    """The site labels a part's blank nodes once and writes each format from that copy: the bytes do not change."""
    from rdflib import BNode, Graph, Literal, URIRef

    from cap_ptce.rdf.serialize import canonical_graph, serialize

    graph = Graph()
    for n in range(3):
        node = BNode()
        graph.add((URIRef(f"http://example.org/s{n}"), URIRef("http://example.org/p"), node))
        graph.add((node, URIRef("http://example.org/v"), Literal(n)))
    canonical = canonical_graph(graph)
    for fmt in ("turtle", "nt", "json-ld", "xml"):
        assert serialize(graph, fmt, canonical=canonical) == serialize(graph, fmt), fmt
