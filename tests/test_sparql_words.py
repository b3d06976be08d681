"""A misspelt keyword is named with the keyword it is near, where the engine listed what it expected instead."""

from __future__ import annotations

import pyoxigraph
import pytest

from cap_ptce.sparql.syntax import KEYWORDS, syntax_error


def _refused(query: str):
    with pytest.raises(SyntaxError) as caught:
        pyoxigraph.Store().query(query)
    return syntax_error(caught.value, query)


@pytest.mark.parametrize(
    "query, word, meant, line, column",
    [
        # a researcher's: « expected one of HAVING, OFFSET, OPTIONAL, VALUES », LIMIT not among them
        ("SELECT * WHERE { ?s ?p ?o } LIMT 3", "LIMT", "LIMIT", 1, 29),
        ("SELECT * WHERE { ?s ?p ?o }\nORDER BY ?s\nOFSET 2", "OFSET", "OFFSET", 3, 1),
        ("SELECT * WHERE { ?s ?p ?o FILTR(?o = 1) }", "FILTR", "FILTER", 1, 27),
        ("SELECT * WHERE { ?s ?p ?o OPTINAL { ?o ?q ?r } }", "OPTINAL", "OPTIONAL", 1, 27),
    ],
)
def test_a_misspelt_keyword_is_named_with_the_one_it_is_near(query, word, meant, line, column):
    error = _refused(query)
    assert f"« {word} »" in error.message and f"« {meant} »" in error.message
    assert f"'{word}'" in error.message and f"'{meant}'" in error.message  # in English too
    assert (error.line, error.column) == (line, column)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o } ORDER ?s",  # BY missing: every word is a keyword
        "SELECT * WHERE { ?s ?p ?o FILTER(STRSTARTS(?o, 'a') }",  # a bracket: said as such
        "SELECT * WHERE { ?s ?p ?o } LIMIT x",  # a word far from every keyword
        'SELECT * WHERE { ?s ?p "x"@fr- }',  # a language tag is no keyword (« fr » is near FROM)
    ],
)
def test_other_errors_are_not_said_to_be_a_misspelt_keyword(query):
    assert "vouliez-vous dire" not in _refused(query).message


def test_the_keywords_are_those_the_engine_reads():
    # each one parses where the grammar allows it: none of the list is made up
    for word in ("LIMIT", "OFFSET", "FILTER", "OPTIONAL", "STRSTARTS", "GROUP_CONCAT", "LANGMATCHES"):
        assert word in KEYWORDS
    store = pyoxigraph.Store()
    store.query("SELECT (GROUP_CONCAT(?o; SEPARATOR=',') AS ?c) WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?o), 'a')) }")


def test_a_mistyped_prefix_and_an_ungrouped_variable_are_pointed_at_where_they_stand():
    # the verification walk of 2026-12-06: the prefix was pointed after its name (column 35 for a name at 25),
    # the variable past the end of the line
    query = "PREFIX schema: <https://schema.org/>\nSELECT ?n WHERE { ?p shema:name ?n }"
    error = _refused(query)
    assert "« shema: »" in error.message and (error.line, error.column) == (2, 22)
    query = "SELECT ?s (COUNT(?o) AS ?n)\nWHERE { ?s ?p ?o }"
    error = _refused(query)
    assert "?s" in error.message and (error.line, error.column) == (1, 8)
