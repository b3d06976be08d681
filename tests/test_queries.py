"""Ready-made queries beyond their counts: verdicts as stored, the legal definition, labels and docs.

The counts of every query are checked against the YAML in test_counts.py; here,
what those checks do not reach: the validation outcomes stored at load time,
projects that fail the law's definition, and the headers' labels and docs.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from cap_ptce.grid import load_grid
from cap_ptce.queries import run_query
from cap_ptce.resources import data_dir
from cap_ptce.store import KnowledgeBase
from queries_helpers import corpus, projects
from yaml_counts import legal_gaps

VOCAB = "https://w3id.org/cap-ptce/vocab/"


@pytest.fixture(scope="module")
def kb():
    with KnowledgeBase.open() as base:
        base.load_reference_graphs()
        base.load_corpus(data_dir("corpus"))
        yield base


def dec(value) -> Decimal:
    return Decimal(str(value))


def percent(part, whole) -> Decimal:
    """ROUND(1000 * part / whole) / 10, as the queries compute a share."""
    if not whole:
        return Decimal(0)
    return (Decimal(1000 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 10


def by_project(rows, *columns):
    return {row["projet"]: tuple(row[c] for c in columns) for row in rows}


def test_the_sample_corpus_is_not_trivial():
    """The checks below mean something only if the corpus holds a few described projects."""
    assert len(projects()) >= 1
    assert all(p.get("acteurs") and p.get("financements") for p in projects())


def test_validation_outcomes_are_the_stored_ones(kb):
    rows = run_query(kb, "validation-des-descriptions")
    assert sorted(row["source"] for row in rows) == sorted(corpus())
    stored = {record.source: record.validation for record in kb.records()}
    for row in rows:
        outcome = stored[row["source"]]
        assert (row["conforme"], row["violations"], row["avertissements"]) == (
            outcome.conforms,
            outcome.violations,
            outcome.warnings,
        )
    conforming = run_query(kb, "validation-des-descriptions", {"conforme": "true"})
    assert all(row["conforme"] is True for row in conforming)
    assert len(conforming) == sum(1 for v in stored.values() if v.conforms)


def _variants(sample: dict) -> list[dict]:
    """Descriptions that each miss some of the law's elements, made from a sample description."""
    import copy

    no_sse = copy.deepcopy(sample)
    for actor in no_sse["acteurs"]:  # each a company outside the SSE: an association is in it by its status
        for fact in ("forme_juridique", "rna", "agrement_esus", "statuts_ess"):
            actor.pop(fact, None)
        actor.update(ess=False, type="entreprise-hors-ess", categorie_juridique="5710")
    for group in no_sse.get("groupes") or []:  # a group mostly in the SSE stands for SSE enterprises
        group["majoritairement_ess"] = False
    only_sse = copy.deepcopy(sample)
    for actor in only_sse["acteurs"]:
        actor["ess"] = True
    for group in only_sse.get("groupes") or []:  # a group mostly outside the SSE stands for its firms
        group["majoritairement_ess"] = True
    no_territory = copy.deepcopy(sample)
    no_territory.pop("territoire", None)
    no_territory.pop("strategie_commune", None)
    variants = [no_sse, only_sse, no_territory, copy.deepcopy(sample)]
    for index, variant in enumerate(variants):
        variant["id"] = f"variante-{index}"
        variant["nom"] = f"Variante {index}"
    return variants


@pytest.mark.parametrize("langue", ["fr", "en"])
def test_projects_failing_the_legal_definition(tmp_path, langue):
    import yaml

    variants = _variants(next(iter(corpus().values())))
    for variant in variants:
        (tmp_path / f"{variant['id']}.yaml").write_text(yaml.safe_dump(variant, allow_unicode=True), encoding="utf-8")
    expected = sorted((v["nom"], gap) for v in variants for gap in legal_gaps(v))
    assert {gap for _, gap in expected} == {"entreprise-ess", "entreprise-hors-ess", "territoire", "strategie-commune"}
    with KnowledgeBase.open() as base:
        base.load_reference_graphs()  # the kinds of actor come from the grid's vocabulary
        report = base.load_corpus(tmp_path, validator=None)
        assert report.ok, report.outcomes
        rows = run_query(base, "projets-hors-definition-legale", {"langue": langue})
    assert [(row["nom"], row["manque"]) for row in rows] == expected
    assert all(row["explication"] for row in rows)
    assert ("aucun" in rows[0]["explication"]) == (langue == "fr")


def test_the_sample_corpus_meets_the_legal_definition(kb):
    assert [p["id"] for p in projects() if legal_gaps(p)] == []
    assert run_query(kb, "projets-hors-definition-legale") == []


def test_every_query_is_labelled_linked_and_documented(kb):
    """Each result column has its French and English label, each grid question exists,
    each example value fits, and docs/queries.md describes the query and its parameters."""

    from cap_ptce.queries import list_queries
    from cap_ptce.queries.results import run_table

    doc = (Path(__file__).resolve().parents[1] / "docs" / "queries.md").read_text(encoding="utf-8")
    question_ids = {question.id for question in load_grid().questions}
    for query in list_queries():
        variables, _ = run_table(kb, query.build({}))
        assert set(variables) <= set(query.columns), query.name
        assert set(query.questions) <= question_ids, query.name
        section = doc.split(f"### `{query.name}`\n", 1)[1].split("\n### ", 1)[0]
        for parameter in query.parameters:
            assert f"`{parameter.name}`" in section, (query.name, parameter.name)
            for example in parameter.examples:
                query.build({parameter.name: example})
