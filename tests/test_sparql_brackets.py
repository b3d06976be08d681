"""The bracket count that points at a missing ``)`` or ``}`` where the engine pointed a line later."""

from __future__ import annotations

import pytest

from cap_ptce.sparql.brackets import Bracket, Unbalanced, find_unbalanced


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<3) }",  # « < » then no « > » before a space: a comparison
        "SELECT * WHERE { ?s <http://example.org/a(b> ?o }",  # a bracket inside an IRI
        'SELECT * WHERE { ?s ?p "(" , \'[\' , \'\'\'{\n\'\'\' , """a \\""" ) """ }',  # inside strings
        "SELECT * WHERE { ?s ?p ?o # ( [ {\n}",  # inside a comment
        "SELECT * WHERE { ?s ?p [ ?q ( 1 2 ) ] }",
    ],
)
def test_balanced_brackets_are_not_reported(query):
    assert find_unbalanced(query) is None


@pytest.mark.parametrize(
    "query, found",
    [
        # the researcher's query: the engine said « expected NOT » a line later
        (
            'SELECT ?p WHERE {\n  ?p <http://schema.org/name> ?nom .\n  FILTER(CONTAINS(?nom, "Pôle")\n}',
            Unbalanced("unclosed", Bracket("(", 3, 9)),
        ),
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  OPTIONAL { ?s ?q ?r }\n", Unbalanced("unclosed", Bracket("{", 1, 16))),
        ("SELECT * WHERE { ?s ?p ?o } }", Unbalanced("unopened", Bracket("}", 1, 29))),
        (
            "SELECT * WHERE { ?s ?p [ ?q ?r ) }",
            Unbalanced("mismatched", Bracket(")", 1, 32), opened=Bracket("[", 1, 24)),
        ),
        ("SELECT * WHERE { ?s <http://a/> ?o FILTER(?o < 3 }", Unbalanced("unclosed", Bracket("(", 1, 42))),
    ],
)
def test_the_first_unbalanced_bracket_is_found_where_it_stands(query, found):
    assert find_unbalanced(query) == found


def test_a_string_left_open_leaves_the_engine_to_say_it():
    assert find_unbalanced('SELECT * WHERE { ?s ?p "( }') is None
