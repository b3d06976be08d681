"""The header format of a ready-made query, and the safe binding of its parameters."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cap_ptce.errors import InputError, NotFoundError, ParameterError
from cap_ptce.queries import get_query, parse_query, read_query

HEADER = """\
# title:
#   fr: Projets par nom
#   en: Projects by name
# description:
#   fr: Les projets qui portent un nom donné.
#   en: The projects that bear a given name.
# parameters:
#   nom:
#     type: literal
#     description: {fr: Le nom, en: The name}
#   minimum:
#     type: integer
#     default: 1
#     description: {fr: Nombre minimal de membres, en: Smallest number of members}
#   projet:
#     type: iri
#     description: {fr: Un projet, en: A project}
#   dispositif:
#     type: concept
#     scheme: dispositifs
#     multiple: true
#     description: {fr: Dispositifs, en: Public schemes}
# columns:
#   projet: {fr: Projet, en: Project}
"""

BODY = """
PREFIX ex: <http://example.org/>
SELECT ?projet ?nom ?membres WHERE {
  VALUES ?nom { UNDEF }
  VALUES ?minimum { UNDEF }
  VALUES ?projet { UNDEF }
  VALUES ?dispositif { UNDEF }
  ?projet ex:nom ?nom ; ex:membres ?membres ; ex:dispositif ?dispositif .
  FILTER(?membres >= ?minimum)
}
ORDER BY ?projet
"""

EX = "http://example.org/"
PAT = "https://w3id.org/cap-ptce/vocab/dispositifs/pat"
CTE = "https://w3id.org/cap-ptce/vocab/dispositifs/cte"


@pytest.fixture
def query():
    return parse_query(HEADER + BODY, "projets-par-nom", source="test.rq")


@pytest.fixture
def store():
    """Three projects: a, b (named with a quote and braces) and c, with 1, 3 and 5 members."""
    store = ox.Store()
    for name, label, members, scheme in (("a", "Alpha", 1, PAT), ("b", 'B"} UNION {', 3, CTE), ("c", "Gamma", 5, PAT)):
        node = ox.NamedNode(EX + name)
        store.add(ox.Quad(node, ox.NamedNode(EX + "nom"), ox.Literal(label)))
        store.add(
            ox.Quad(
                node,
                ox.NamedNode(EX + "membres"),
                ox.Literal(str(members), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            )
        )
        store.add(ox.Quad(node, ox.NamedNode(EX + "dispositif"), ox.NamedNode(scheme)))
    return store


def projects(store, sparql):
    return [solution["projet"].value.removeprefix(EX) for solution in store.query(sparql)]


def test_header_gives_texts_parameters_and_columns(query):
    assert query.title == {"fr": "Projets par nom", "en": "Projects by name"}
    assert [p.name for p in query.parameters] == ["nom", "minimum", "projet", "dispositif"]
    assert query.parameter("minimum").default == "1"
    assert query.columns["projet"]["en"] == "Project"
    assert query.sparql.startswith("PREFIX ex:")


def test_query_as_written_runs_with_every_value_free(query, store):
    assert projects(store, query.sparql.replace("FILTER(?membres >= ?minimum)", "")) == ["a", "b", "c"]


def test_defaults_apply_when_a_parameter_is_left_out(query, store):
    assert projects(store, query.build({})) == ["a", "b", "c"]
    assert projects(store, query.build({"minimum": "3"})) == ["b", "c"]
    assert query.build({"minimum": " "}) == query.build({})


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"nom": "Alpha"}, ["a"]),
        ({"nom": 'B"} UNION {'}, ["b"]),
        ({"projet": EX + "c"}, ["c"]),
        ({"dispositif": "pat"}, ["a", "c"]),
        ({"dispositif": "pat,cte"}, ["a", "b", "c"]),
        ({"dispositif": CTE}, ["b"]),
    ],
)
def test_each_type_binds_its_value(query, store, params, expected):
    assert projects(store, query.build(params)) == expected


@pytest.mark.parametrize(
    "attempt",
    [
        '" } ?projet ?p ?o . { "',
        'Alpha" } UNION { ?projet ?p ?o }\n#',
        "Alpha\\",
        "x' } . ?projet ?p ?o . { '",
        "VALUES ?minimum { UNDEF }",
        '""" ; ?projet ?p ?o """',
    ],
)
def test_a_literal_cannot_change_the_shape_of_the_query(query, store, attempt):
    sparql = query.build({"nom": attempt})
    assert projects(store, sparql) == []
    assert sparql.count("VALUES ?nom {") == 1
    assert f"VALUES ?nom {{ {ox.Literal(attempt)} }}" in sparql


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("projet", "http://example.org/a> } ?s ?p ?o {"),
        ("projet", "not an iri"),
        ("projet", "http://exa mple.org/"),
        ("minimum", "1 } UNION { ?s ?p ?o }"),
        ("minimum", "3.5"),
        ("minimum", "deux"),
        ("dispositif", "pat> } {"),
        ("dispositif", "../secret"),
        ("dispositif", "https://w3id.org/cap-ptce/vocab/autre/pat"),
    ],
)
def test_a_value_that_does_not_fit_its_type_is_refused(query, name, value):
    with pytest.raises(ParameterError) as caught:
        query.build({name: value})
    assert caught.value.key == name


def test_an_integer_too_long_is_said_to_be_one(query):
    """A researcher's finding: « maximum=99999999999999999999999 » was refused as « not an integer »."""
    with pytest.raises(ParameterError, match="too long") as caught:
        query.build({"minimum": "99999999999999999999999"})
    assert "18" in str(caught.value) and "pas un entier" not in str(caught.value)


def test_an_unknown_parameter_is_refused_with_the_nearest_name(query):
    with pytest.raises(ParameterError, match="no parameter 'nim'") as caught:
        query.build({"nim": "Alpha"})
    assert "nom" in caught.value.hint


def test_an_unknown_query_names_the_nearest_ones():
    with pytest.raises(NotFoundError) as caught:
        get_query("projets-par-dispositiff")
    assert "projets-par-dispositif" in caught.value.hint


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("# title: {fr: T, en: T}\n# description: {fr: D, en: D}\n# sujet: x\n", "unknown key 'sujet'"),
        ("# title: {fr: T}\n# description: {fr: D, en: D}\n", "needs a French and an English"),
        ("# title: {fr: T, en: T}\n", "missing key"),
        (
            "# title: {fr: T, en: T}\n# description: {fr: D, en: D}\n# columns:\n#   n: {fr: Issue (a, b), en: Outcome}\n",
            "cut by a comma",
        ),
        (
            "# title: {fr: T, en: T}\n# description: {fr: D, en: D}\n# parameters:\n#   x: {type: texte, description: {fr: a, en: b}}\n",
            "unknown type",
        ),
        (
            "# title: {fr: T, en: T}\n# description: {fr: D, en: D}\n# parameters:\n#   absent: {type: literal, description: {fr: a, en: b}}\n",
            "exactly one",
        ),
        (
            "# title: {fr: T, en: T}\n# description: {fr: D, en: D}\n# parameters:\n#   n: {type: integer, default: deux, description: {fr: a, en: b}}\n",
            "not an integer",
        ),
    ],
)
def test_a_wrong_header_is_refused_with_its_source(header, message):
    with pytest.raises((InputError, ParameterError), match=message):
        parse_query(header + "SELECT * WHERE { VALUES ?n { UNDEF } ?s ?p ?o }", "q", source="q.rq")


def test_no_label_of_a_ready_made_query_is_cut_by_a_comma():
    """bilan-des-validations once labelled its first column « Issue (conforme »: YAML had split the text."""
    assert get_query("bilan-des-validations").columns["issue"] == {
        "fr": "Issue (conforme, non-conforme, non-validee)",
        "en": "Outcome (conforme, non-conforme, non-validee)",
    }
    assert get_query("heterogeneite-consortium").columns["recherche_formation"]["fr"] == (
        "Membres : recherche, enseignement, formation"
    )


def test_a_users_file_without_header_is_a_plain_query(tmp_path):
    path = tmp_path / "mienne.rq"
    path.write_text("# Ma requête à moi\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    query = read_query(path)
    assert query.title["fr"] == "mienne"
    assert query.parameters == ()
    assert query.build({}) == "SELECT * WHERE { ?s ?p ?o } LIMIT 1\n"


def test_an_unreadable_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_query(tmp_path / "absente.rq")


def test_the_category_columns_of_heterogeneite_consortium_say_they_count_members():
    """They count the consortium's members only (partners have their own column): testers read « Acteurs … »."""
    columns = get_query("heterogeneite-consortium").columns
    for key in ("socio_economiques", "reseaux", "collectivites", "recherche_formation", "habitants"):
        assert columns[key]["fr"].startswith("Membres : ") and columns[key]["en"].startswith("Members: "), key


def test_axes_cooccurrences_says_each_pair_has_a_row_in_both_orders():
    """Its rows are the matrix's two halves (tests/yaml_counts.py counts ordered pairs, checked by test_counts):
    summing them counts each pair of distinct axes twice, which a reader must be told."""
    query = get_query("axes-cooccurrences")
    assert "dans les deux ordres" in query.text("fr", "description")
    assert "in both orders" in query.text("en", "description")
