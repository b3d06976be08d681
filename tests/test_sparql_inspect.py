"""Reading a request before it runs: its form, and what it would reach outside the store."""

from __future__ import annotations

import pytest

from cap_ptce.errors import QueryRefusedError, QuerySyntaxError
from cap_ptce.sparql import inspect_query, is_update


@pytest.mark.parametrize(
    "text, form",
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("select * { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://example.org/> BASE <http://b/> ASK { ex:a ?p ?o }", "ASK"),
        ("# a comment with INSERT\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://example.org/>", "DESCRIBE"),
    ],
)
def test_the_form_is_the_first_keyword_after_the_prologue(text, form):
    assert inspect_query(text).form == form


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <a> <b> <c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/> WITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "LOAD <file:///etc/passwd>",
        "CLEAR ALL",
        "DROP GRAPH <g>",
        "CREATE GRAPH <g>",
        "ADD <a> TO <b>",
        "MOVE <a> TO <b>",
        "COPY <a> TO <b>",
        "load <http://example.org/data.ttl> INTO GRAPH <g>",
    ],
)
def test_every_update_is_refused_as_read_only(update):
    assert is_update(update)
    with pytest.raises(QueryRefusedError, match="update") as caught:
        inspect_query(update)
    assert "read-only" in caught.value.hint


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { service silent <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o.SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",  # Jena decodes escapes first
        "SELECT * { FILTER(?a<?b)}SERVICE<http://example.org/>{}",
    ],
)
def test_service_is_refused_wherever_it_hides(text):
    with pytest.raises(QueryRefusedError, match="SERVICE"):
        inspect_query(text)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE <http://example.org/>" }',
        "SELECT * { ?s ?p '''multi\nline SERVICE''' }",
        "SELECT * { ?s <http://example.org/SERVICE> ?o } # SERVICE in a comment",
        "PREFIX ex: <http://example.org/> SELECT * { ?s ex:SERVICE ?service }",
    ],
)
def test_the_word_service_in_data_is_not_a_service_call(text):
    assert inspect_query(text).form == "SELECT"


def test_from_clauses_are_read_with_prefixes_and_base():
    info = inspect_query(
        "BASE <http://example.org/base/> PREFIX g: <http://example.org/g/>\n"
        "SELECT * FROM g:one FROM <two> FROM NAMED <http://example.org/three> { ?s ?p ?o }"
    )
    assert info.from_graphs == ("http://example.org/g/one", "http://example.org/base/two")
    assert info.from_named_graphs == ("http://example.org/three",)


def test_relative_from_resolves_against_the_endpoint():
    info = inspect_query("SELECT * FROM <data> {}", base_iri="http://127.0.0.1/sparql")
    assert info.from_graphs == ("http://127.0.0.1/data",)


@pytest.mark.parametrize("text", ["", "   # only a comment", "HELLO { }"])
def test_no_query_form_is_a_syntax_error(text):
    with pytest.raises(QuerySyntaxError) as caught:
        inspect_query(text)
    assert caught.value.line == 1


@pytest.mark.parametrize("opening, closing", [("{", "}"), ("(", ")"), ("[", "]")])
def test_nesting_deeper_than_the_engine_can_parse_is_refused(opening, closing):
    from cap_ptce.errors import QueryTooComplexError
    from cap_ptce.sparql.inspect import MAX_NESTING

    deep = f"SELECT * {{ FILTER({opening * 5000}1{closing * 5000}) }}"
    with pytest.raises(QueryTooComplexError, match="nested"):
        inspect_query(deep)
    fine = f"SELECT * {{ FILTER({'(' * (MAX_NESTING - 2)}1{')' * (MAX_NESTING - 2)}) }}"
    assert inspect_query(fine).form == "SELECT"


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert inspect_query('SELECT * { ?s ?p "' + "{" * 5000 + '" }').form == "SELECT"


# Shapes that made the engine recurse once per term, with the length (on an 8 MiB stack) where it crashed.
CHAINS = {
    "addition (7,000 terms crashed a worker)": lambda n: "SELECT (" + "+".join(["1"] * n) + " AS ?x) {}",
    "disjunction": lambda n: "SELECT * { BIND(1 AS ?a) FILTER(" + "||".join(["?a=1"] * n) + ") }",
    "union": lambda n: "SELECT * {" + " UNION ".join(["{BIND(1 AS ?a)}"] * n) + "}",
    "optional": lambda n: "SELECT * { BIND(1 AS ?a) " + " ".join(["OPTIONAL {BIND(1 AS ?b)}"] * n) + "}",
    "bind": lambda n: "SELECT * { " + " ".join(f"BIND(1 AS ?v{i})" for i in range(n)) + "}",
    "negation": lambda n: "SELECT (" + "!" * n + "true AS ?x) {}",
    "path": lambda n: "SELECT * { ?s " + "|".join(["<urn:p>"] * n) + " ?o }",
    "calls": lambda n: "SELECT (" + "STR(" * n + "1" + ")" * n + " AS ?x) {}",
    "chains in nested groups": lambda n: "SELECT * " + "{ BIND(1 AS ?a) OPTIONAL " * n + "{}" + "}" * n,
}


@pytest.mark.parametrize("shape", CHAINS, ids=list(CHAINS))
def test_chains_past_the_depth_limit_are_refused_at_every_length_a_request_may_have(shape):
    from cap_ptce.errors import QueryTooComplexError
    from cap_ptce.sparql.inspect import MAX_DEPTH

    per_term = len(CHAINS[shape](1000)) / 1000
    request_sized = int(1_000_000 / per_term)  # as many terms as MAX_REQUEST_BYTES holds
    for length in (MAX_DEPTH + 1, 7000, request_sized):
        with pytest.raises(QueryTooComplexError, match="deep"):
            inspect_query(CHAINS[shape](length))
    assert inspect_query(CHAINS[shape](MAX_DEPTH // 4)).form == "SELECT"


def test_chains_add_up_along_one_path_of_nested_groups_but_not_across_siblings():
    from cap_ptce.errors import QueryTooComplexError

    chain = " UNION ".join(["{}"] * 600)
    with pytest.raises(QueryTooComplexError):
        inspect_query(f"SELECT * {{ {chain} UNION {{ {chain} }} }}")  # the second chain hangs below the first
    assert inspect_query(f"SELECT * {{ {{ {chain} }} UNION {{ {chain} }} }}").form == "SELECT"


def test_long_flat_lists_are_not_chains():
    values = " ".join(f'"{i}"' for i in range(50_000))
    assert inspect_query(f"SELECT * {{ VALUES ?x {{ {values} }} }}").form == "SELECT"
    members = ", ".join(str(i) for i in range(50_000))
    assert inspect_query(f"SELECT * {{ BIND(1 AS ?a) FILTER(?a IN ({members})) }}").form == "SELECT"
    assert inspect_query("SELECT * { " + " . ".join(f"?s <urn:p> ?o{i}" for i in range(3000)) + " }")
