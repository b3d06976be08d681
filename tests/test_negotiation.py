"""Content negotiation as a table and a function, without HTTP."""

from __future__ import annotations

import pytest

from cap_ptce.errors import NotFoundError
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
        (FIREFOX, "html"),
        (CHROME, "html"),
        ("*/*", "html"),
        ("", "html"),
        (None, "html"),
        ("text/*", "html"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "json-ld"),
        ("text/html;q=0.1, text/turtle", "turtle"),
        ("application/rdf+xml, */*;q=0.1", "xml"),
        ("text/turtle; charset=utf-8", "turtle"),
    ],
)
def test_accept_header_picks_the_best_by_q_value(accept, expected):
    assert negotiate(accept, None, OFFERED).name == expected


def test_nothing_acceptable_gives_none():
    assert negotiate("image/png, application/pdf", None, OFFERED) is None
    assert negotiate("text/csv", None, representations()) is None


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
