"""The per-project indicators: counted at each load from the descriptions, and kept up to date.

The expected counts are worked out here from the YAML data and the grid's
Python objects, never from RDF, so that the counting query and its check
cannot share a mistake.
"""

from __future__ import annotations

import pytest
from queries_helpers import is_under, top_concept
from valid_description import description, write

from cap_ptce.store import INDICATORS_GRAPH, KnowledgeBase
from cap_ptce.store.indicators import INDICATOR_PROPERTIES

PROJECT = "https://w3id.org/cap-ptce/projet/"
CAP = "https://w3id.org/cap-ptce/def#"
CATEGORY_PROPERTIES = {
    "acteur-socio-economique": "socioEconomicMemberCount", "reseau": "networkMemberCount",
    "collectivite": "localAuthorityMemberCount", "recherche-enseignement-formation": "researchTrainingMemberCount",
    "habitant": "inhabitantMemberCount",
}


def expected(data: dict) -> dict[str, int]:
    """Every indicator of a description, counted from its YAML data."""
    actors = data["acteurs"]
    categories = [top_concept("types-acteurs", actor["type"]) for actor in actors]
    counts = {
        "memberCount": len(actors),
        "memberKindCount": len({actor["type"] for actor in actors}),
        "memberCategoryCount": len(set(categories)),
        "sseMemberCount": sum(actor.get("ess") is True for actor in actors),
        "nonSseEnterpriseCount": sum(actor.get("ess") is False and is_under("types-acteurs", actor["type"], "entreprise")
                                     for actor in actors),
        "answerCount": sum(bool(str(text).strip()) for text in (data.get("reponses") or {}).values()),
    }
    counts.update({prop: categories.count(category) for category, prop in CATEGORY_PROPERTIES.items()})
    return counts


def indicators(kb) -> dict[str, dict[str, int]]:
    """project id -> indicator name -> value, as the indicators graph holds them."""
    rows = kb.select(f"SELECT ?p ?i ?n {{ GRAPH <{INDICATORS_GRAPH}> {{ ?p ?i ?n }} }}")
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        project = row["p"].value.removeprefix(PROJECT)
        name = row["i"].value.removeprefix(CAP)
        assert name not in found.get(project, {}), f"two values of {name} for {project}"
        found.setdefault(project, {})[name] = int(row["n"].value)
    return found


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
    assert {CAP + name for name in found["pole-second"]} == set(INDICATOR_PROPERTIES)
    assert found["pole-second"]["networkMemberCount"] == 1 and found["pole-second"]["answerCount"] == 5


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


def test_an_empty_corpus_leaves_an_empty_indicators_graph(kb, tmp_path):
    write(description(), tmp_path / "premier.yaml")
    kb.load_corpus(tmp_path, validator=None)
    (tmp_path / "premier.yaml").unlink()
    kb.load_corpus(tmp_path, validator=None)
    assert indicators(kb) == {}


def test_refresh_counts_descriptions_loaded_graph_by_graph(kb, tmp_path):
    from cap_ptce.project import load_description

    data = description()
    loaded = load_description(write(data, tmp_path / "premier.yaml"))
    kb.load_graph(f"{loaded.iri}/graphe", loaded.graph.serialize(format="nt"), "application/n-triples")
    assert indicators(kb) == {}
    assert kb.refresh_indicators() == len(INDICATOR_PROPERTIES)
    assert indicators(kb) == {"pole-essai": expected(data)}
