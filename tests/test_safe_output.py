"""What we write is safe to open: links only to web addresses, CSV cells that are never formulas."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from cap_ptce.rdf.weblinks import web_link
from cap_ptce.sparql.csvsafe import neutralise_csv


@pytest.mark.parametrize(
    "iri",
    [
        "https://example.org/",
        "http://example.org/a?b=c#d",
        "HTTPS://EXAMPLE.ORG/x",
        "https://w3id.org/cap-ptce/def#Project",
    ],
)
def test_web_addresses_are_links(iri):
    assert web_link(iri) == iri


@pytest.mark.parametrize(
    "iri",
    [
        "javascript:alert(document.domain)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "urn:isbn:123",
        "mailto:a@example.org",
        "https:alert(1)",
        "http:///nohost",
        'https://example.org/"onmouseover="alert(1)',
        "https://example.org/\nx",
        "//example.org/",
        "",
        None,
    ],
)
def test_anything_else_is_text(iri):
    assert web_link(iri) is None


def sparql_csv(rows: list[tuple[str, str]]) -> bytes:
    values = " ".join(f"({ox.Literal(a)} {ox.Literal(b)})" for a, b in rows)
    return (
        ox.Store()
        .query(f"SELECT ?a ?b {{ VALUES (?a ?b) {{ {values} }} }}")
        .serialize(format=ox.QueryResultsFormat.CSV)
    )


def cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_gets_a_quote_in_front(start):
    data = neutralise_csv(sparql_csv([(f"{start}SUM(1;2)", "texte")]))
    assert cells(data)[1] == [f"'{start}SUM(1;2)", "texte"]


def test_numbers_text_and_quoting_are_kept():
    rows = [("-12.5", "+3"), ("1e-5", 'a "quoted", text'), ("ligne\nsuivante", "=x")]
    data = neutralise_csv(sparql_csv(rows))
    assert cells(data) == [["a", "b"], ["-12.5", "+3"], ["1e-5", 'a "quoted", text'], ["ligne\nsuivante", "'=x"]]
    assert data.endswith(b"\r\n")


def test_clean_results_are_the_same_bytes():
    data = sparql_csv([("Pôle", "https://example.org/"), ("12", "x")])
    assert neutralise_csv(data) is data


def test_the_command_line_neutralises_unless_raw(tmp_path, capsysbinary):
    from cap_ptce.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    query = 'SELECT ?x { BIND("=1+1" AS ?x) }'
    assert main(["query", query, "--corpus", str(corpus)]) == 0
    assert capsysbinary.readouterr().out == b"x\r\n'=1+1\r\n"
    assert main(["query", query, "--corpus", str(corpus), "--raw"]) == 0
    assert capsysbinary.readouterr().out == b"x\r\n=1+1\r\n"
