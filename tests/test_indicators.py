"""The per-project indicators: counted at each load from the descriptions, and kept up to date.

The expected counts are worked out here from the YAML data and the grid's
Python objects, never from RDF, so that the counting query and its check
cannot share a mistake.
"""

from __future__ import annotations

from collections import Counter

import pytest
from pyoxigraph import BlankNode

from cap_ptce.store import INDICATORS_GRAPH, KnowledgeBase
from cap_ptce.store.indicators import INDICATOR_PROPERTIES
from queries_helpers import is_under, top_concept
from valid_description import description, write
from yaml_counts import ancestors, answered, answered_questions

PROJECT = "https://w3id.org/cap-ptce/projet/"
CAP = "https://w3id.org/cap-ptce/def#"
CATEGORY_PROPERTIES = {
    "acteur-socio-economique": "socioEconomicMemberCount",
    "reseau": "networkMemberCount",
    "collectivite": "localAuthorityMemberCount",
    "recherche-enseignement-formation": "researchTrainingMemberCount",
    "habitant": "inhabitantMemberCount",
}


def expected(data: dict) -> dict[str, int]:
    """Every indicator of a description, counted from its YAML data."""
    actors = data["acteurs"]
    categories = [top_concept("types-acteurs", actor["type"]) for actor in actors]
    counts = {
        "memberCount": len(actors),
        "untypedMemberCount": sum(1 for actor in actors if not actor.get("type")),
        "sseUnknownMemberCount": sum(1 for actor in actors if actor.get("ess") is None),
        "partnerCount": 0,
        "memberGroupCount": 0,
        "memberKindCount": len({actor["type"] for actor in actors}),
        "memberCategoryCount": len(set(categories)),
        "sseMemberCount": sum(actor.get("ess") is True for actor in actors),
        "nonSseEnterpriseCount": sum(
            actor.get("ess") is False and is_under("types-acteurs", actor["type"], "entreprise") for actor in actors
        ),
        "answerCount": answered(data),  # written answers, and questions that a key answers (grid champs)
    }
    counts.update({prop: categories.count(category) for category, prop in CATEGORY_PROPERTIES.items()})
    return counts


def expected_tallies(data: dict) -> dict[str, tuple[int, int]]:
    """kind of actor -> (members, SSE members), counted from the YAML data: a member counts for its
    kind and every broader one (a cooperative for "entreprise-ess", "entreprise"…)."""
    members, sse = Counter(), Counter()
    for actor in data["acteurs"]:
        for kind in ancestors("types-acteurs", actor["type"]):
            members[kind] += 1
            sse[kind] += actor.get("ess") is True
    return {kind: (count, sse[kind]) for kind, count in members.items()}


def expected_funders(data: dict) -> dict[str, str]:
    """funding IRI -> top category of its funder type, from the YAML data."""
    return {
        f"{PROJECT}{data['id']}/financement/{number}": top_concept("types-financeurs", funding["type_financeur"])
        for number, funding in enumerate(data.get("financements") or [], start=1)
    }


def graph_rows(kb, pattern: str, variables: str) -> list[dict]:
    return kb.select(f"PREFIX cap: <{CAP}> SELECT {variables} {{ GRAPH <{INDICATORS_GRAPH}> {{ {pattern} }} }}")


def indicators(kb) -> dict[str, dict[str, int]]:
    """project id -> indicator name -> value, for the counts of the indicators graph."""
    found: dict[str, dict[str, int]] = {}
    counts = {iri for iri in INDICATOR_PROPERTIES if iri != CAP + "memberKindTally"}
    for row in graph_rows(kb, "?p ?i ?n . FILTER(isLiteral(?n)) ?p cap:memberKindTally []", "DISTINCT ?p ?i ?n"):
        project, name = row["p"].value.removeprefix(PROJECT), row["i"].value.removeprefix(CAP)
        assert row["i"].value in counts and name not in found.get(project, {}), (project, name)
        found.setdefault(project, {})[name] = int(row["n"].value)
    return found


def tallies(kb) -> dict[str, dict[str, tuple[int, int]]]:
    """project id -> kind of actor -> (members, SSE members), from the tallies of the indicators graph."""
    found: dict[str, dict[str, tuple[int, int]]] = {}
    rows = graph_rows(
        kb,
        "?p cap:memberKindTally ?t . ?t a cap:MemberKindTally ; cap:memberKind ?k ; "
        "cap:memberCount ?n ; cap:sseMemberCount ?e",
        "?p ?t ?k ?n ?e",
    )
    for row in rows:
        project, kind = row["p"].value.removeprefix(PROJECT), row["k"].value.rsplit("/", 1)[1]
        assert isinstance(row["t"], BlankNode)
        found.setdefault(project, {})[kind] = (int(row["n"].value), int(row["e"].value))
    return found


def funders(kb) -> dict[str, str]:
    return {
        row["f"].value: row["c"].value.rsplit("/", 1)[1] for row in graph_rows(kb, "?f cap:funderCategory ?c", "?f ?c")
    }


def second() -> dict:
    """Another description: more kinds, a research body and a network, fewer answers."""
    data = description()
    data["id"], data["nom"] = "pole-second", "Pôle second"
    data["acteurs"] += [
        {"id": "labo", "nom": "Laboratoire d'essai", "type": "organisme-recherche", "ess": False},
        {"id": "reseau", "nom": "Réseau d'essai", "type": "reseau", "ess": True},
        {"id": "coop-deux", "nom": "Coopérative deux", "type": "cooperative", "ess": True},
    ]
    data["reponses"] = {qid: text for qid, text in list(data["reponses"].items())[:5]}
    return data


@pytest.fixture
def kb():
    with KnowledgeBase.open() as base:
        base.load_reference_graphs()
        yield base


def test_each_project_gets_every_indicator_counted_from_its_description(kb, tmp_path):
    first, other = description(), second()
    write(first, tmp_path / "premier.yaml")
    write(other, tmp_path / "second.yaml")
    kb.load_corpus(tmp_path, validator=None)
    found = indicators(kb)
    assert found == {"pole-essai": expected(first), "pole-second": expected(other)}
    derived = {CAP + "memberKindTally", CAP + "answersQuestion"}  # the tallies, and the questions answered
    assert {CAP + name for name in found["pole-second"]} | derived == set(INDICATOR_PROPERTIES)
    # five written answers, and the members, the communes and the funding answer q07, q10 and q18
    assert found["pole-second"]["networkMemberCount"] == 1 and found["pole-second"]["answerCount"] == 8
    assert tallies(kb) == {"pole-essai": expected_tallies(first), "pole-second": expected_tallies(other)}
    assert tallies(kb)["pole-second"]["cooperative"] == (2, 2)
    assert tallies(kb)["pole-second"]["entreprise-ess"][0] >= 2  # rolled up
    assert funders(kb) == {**expected_funders(first), **expected_funders(other)}


def test_each_funding_gets_the_top_category_of_its_funder_type(kb, tmp_path):
    data = description()
    data["financements"] = [
        {"financeur": "Région", "type_financeur": "region", "montant": 1000, "statut": "active"},
        {"financeur": "Fondation", "type_financeur": "fondations", "montant": 2000, "statut": "activable"},
        {"financeur": "Membres", "type_financeur": "autofinancement", "montant": 300, "statut": "active"},
    ]
    write(data, tmp_path / "premier.yaml")
    kb.load_corpus(tmp_path, validator=None)
    assert funders(kb) == expected_funders(data)
    assert sorted(funders(kb).values()) == ["autofinancement", "prive", "public"]


def test_a_reload_counts_again_and_a_removed_description_takes_its_indicators_along(kb, tmp_path):
    other = second()
    write(description(), tmp_path / "premier.yaml")
    write(other, tmp_path / "second.yaml")
    kb.load_corpus(tmp_path, validator=None)
    other["acteurs"] = [actor for actor in other["acteurs"] if actor["ess"] is not True or actor["id"] == "coop-essai"]
    write(other, tmp_path / "second.yaml")
    (tmp_path / "premier.yaml").unlink()
    report = kb.load_corpus(tmp_path, validator=None)
    assert report.counts["updated"] == 1 and report.counts["removed"] == 1
    assert indicators(kb) == {"pole-second": expected(other)}
    assert indicators(kb)["pole-second"]["sseMemberCount"] == 1
    assert tallies(kb) == {"pole-second": expected_tallies(other)}
    assert set(funders(kb)) == set(expected_funders(other))


def test_an_empty_corpus_leaves_an_empty_indicators_graph(kb, tmp_path):
    write(description(), tmp_path / "premier.yaml")
    kb.load_corpus(tmp_path, validator=None)
    (tmp_path / "premier.yaml").unlink()
    kb.load_corpus(tmp_path, validator=None)
    assert indicators(kb) == {} and tallies(kb) == {} and funders(kb) == {}
    [size] = kb.select(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{INDICATORS_GRAPH}> {{ ?s ?p ?o }} }}")
    assert size["n"].value == "0"


def test_refresh_counts_descriptions_loaded_graph_by_graph(kb, tmp_path):
    from cap_ptce.project import load_description

    data = description()
    loaded = load_description(write(data, tmp_path / "premier.yaml"))
    kb.load_graph(f"{loaded.iri}/graphe", loaded.graph.serialize(format="nt"), "application/n-triples")
    assert indicators(kb) == {}
    written = kb.refresh_indicators()
    assert indicators(kb) == {"pole-essai": expected(data)}
    assert tallies(kb) == {"pole-essai": expected_tallies(data)}
    [size] = kb.select(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{INDICATORS_GRAPH}> {{ ?s ?p ?o }} }}")
    areas = kb.select(
        f"PREFIX cap: <{CAP}> SELECT ?a {{ GRAPH <{INDICATORS_GRAPH}> {{ ?p cap:inRegion|cap:inDepartement ?a }} }}"
    )
    counted = 15 + 5 * len(expected_tallies(data)) + len(expected_funders(data)) + len(areas)
    counted += len(answered_questions(data))  # one cap:answersQuestion per question answered
    counted += len(data["acteurs"])  # one cap:essStatus per actor
    assert int(size["n"].value) == counted
    [everything] = kb.select(
        "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } "
        "FILTER(?g IN (<https://w3id.org/cap-ptce/graphe/lieux>, <https://w3id.org/cap-ptce/graphe/indicateurs>, "
        "<https://w3id.org/cap-ptce/graphe/organisations>)) }"
    )
    assert written == int(everything["n"].value)
    [tallies_typed] = kb.select(
        f"PREFIX cap: <{CAP}> SELECT (COUNT(*) AS ?n) {{ GRAPH <{INDICATORS_GRAPH}> {{ ?t a cap:MemberKindTally }} }}"
    )
    assert int(tallies_typed["n"].value) == len(expected_tallies(data))  # no tally without a kind
