"""Result formats: one table per kind of result, chosen by parameter or by Accept."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cap_ptce.errors import ParameterError
from cap_ptce.sparql import GRAPH_FORMATS, TABLE_FORMATS, QueryRequest, choose_format, execute, inspect_query


@pytest.mark.parametrize(
    "form, accept, expected",
    [
        ("SELECT", None, "json"),
        ("SELECT", "*/*", "json"),
        ("SELECT", "application/sparql-results+xml", "xml"),
        ("SELECT", "text/csv", "csv"),
        ("SELECT", "text/tab-separated-values", "tsv"),
        ("SELECT", "text/csv;q=0.5, text/tab-separated-values;q=0.9", "tsv"),
        ("SELECT", "application/sparql-results+json,application/json,text/javascript", "json"),
        ("ASK", "application/xml", "xml"),
        ("SELECT", "image/png", "json"),  # nothing we offer: the default answers
        ("CONSTRUCT", None, "turtle"),
        ("CONSTRUCT", "application/n-triples", "ntriples"),
        ("CONSTRUCT", "application/ld+json", "jsonld"),
        ("CONSTRUCT", "application/rdf+xml;q=1, text/turtle;q=0.2", "rdfxml"),
        ("DESCRIBE", "application/json", "jsonld"),
        ("DESCRIBE", "text/plain", "ntriples"),
    ],
)
def test_accept_chooses_by_q_value(form, accept, expected):
    assert choose_format(form, accept).name == expected


@pytest.mark.parametrize(
    "form, names, expected",
    [
        ("SELECT", ["csv"], "csv"),
        ("SELECT", ["json", "json"], "json"),  # SPARQLWrapper repeats format and output
        ("SELECT", ["xml", "application/sparql-results+xml"], "xml"),
        ("CONSTRUCT", ["xml"], "rdfxml"),  # "xml" means RDF/XML for a graph
        ("CONSTRUCT", ["json-ld"], "jsonld"),
        ("CONSTRUCT", ["application/ld+json,application/x-json+ld"], "jsonld"),  # as SPARQLWrapper sends it
        ("CONSTRUCT", ["turtle"], "turtle"),
        ("CONSTRUCT", ["nt"], "ntriples"),
    ],
)
def test_a_format_parameter_wins_over_accept(form, names, expected):
    assert choose_format(form, "text/tab-separated-values", names).name == expected


def test_disagreeing_format_parameters_are_refused():
    with pytest.raises(ParameterError, match="disagree"):
        choose_format("SELECT", None, ["json", "csv"])


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(ParameterError) as caught:
        choose_format("SELECT", None, ["turtle"])
    assert "json, xml, csv, tsv" in caught.value.hint


@pytest.fixture(scope="module")
def store():
    store = ox.Store()
    graph = ox.NamedNode("http://example.org/g")
    for index in range(5):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://example.org/s{index}"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal(f'valeur\t{index}, "é"', language="fr"),
                graph,
            )
        )
    return store


@pytest.mark.parametrize("fmt", TABLE_FORMATS, ids=lambda fmt: fmt.name)
def test_every_table_format_is_written_by_pyoxigraph_and_reads_back(store, fmt):
    text = "SELECT ?s ?o { ?s ?p ?o } ORDER BY ?s"
    info = inspect_query(text)
    result = execute(store, QueryRequest(text), info, fmt, max_rows=10)
    assert result.count == 5
    expected = store.query(text, use_default_graph_as_union=True).serialize(format=fmt.oxigraph)
    assert result.body == expected


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda fmt: fmt.name)
def test_every_graph_format_reads_back(store, fmt):
    text = "CONSTRUCT WHERE { ?s ?p ?o }"
    result = execute(store, QueryRequest(text), inspect_query(text), fmt, max_rows=10)
    assert len(list(ox.parse(result.body, format=fmt.oxigraph))) == 5


def test_a_result_over_the_row_cap_is_refused_not_truncated(store):
    from cap_ptce.errors import QueryTooLargeError

    text = "SELECT * { ?s ?p ?o }"
    with pytest.raises(QueryTooLargeError, match="more than 4 rows") as caught:
        execute(store, QueryRequest(text), inspect_query(text), TABLE_FORMATS[0], max_rows=4)
    assert "LIMIT" in caught.value.hint
    assert execute(store, QueryRequest(text), inspect_query(text), TABLE_FORMATS[0], max_rows=5).count == 5


def test_a_newline_inside_a_literal_is_one_row_not_two():
    store = ox.Store()
    for index in range(3):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://example.org/s{index}"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal(f"ligne 1\nligne 2\r\nligne {index}"),
            )
        )
    text = "SELECT ?o { ?s ?p ?o } ORDER BY ?o"
    result = execute(store, QueryRequest(text), inspect_query(text), TABLE_FORMATS[0], max_rows=3)
    assert result.count == 3
    assert [row[0].value for row in ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON)] == [
        f"ligne 1\nligne 2\r\nligne {index}" for index in range(3)
    ]


def test_the_row_cap_stops_a_huge_result_instead_of_building_it(store):
    from cap_ptce.errors import QueryTooLargeError

    # 1,000 values five times over: 10^15 rows, which only a writer stopped at the cap gets through
    values = " ".join(str(n) for n in range(1000))
    text = (
        f"SELECT * {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} "
        f"VALUES ?d {{ {values} }} VALUES ?e {{ {values} }} }}"
    )
    with pytest.raises(QueryTooLargeError, match="more than 10000 rows"):
        execute(store, QueryRequest(text), inspect_query(text), TABLE_FORMATS[2], max_rows=10_000)


def test_the_triple_cap_holds_for_construct(store):
    from cap_ptce.errors import QueryTooLargeError

    text = "CONSTRUCT WHERE { ?s ?p ?o }"
    with pytest.raises(QueryTooLargeError, match="triples"):
        execute(store, QueryRequest(text), inspect_query(text), GRAPH_FORMATS[0], max_rows=2)
