"""Each ready-made query answers what it says, checked against the sample corpus read as YAML.

The expected figures are computed in Python from the YAML files and the grid
(see queries_helpers), never with SPARQL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from cap_ptce.grid import load_grid
from cap_ptce.queries import run_query
from cap_ptce.resources import data_dir
from cap_ptce.store import KnowledgeBase
from queries_helpers import answered, corpus, iri, is_under, projects, top_concept

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


@pytest.mark.parametrize("maturite", [None, "etabli", "emergent"])
def test_projects_by_region(kb, maturite):
    chosen = [p for p in projects() if maturite in (None, p["maturite"])]
    expected = Counter(code for p in chosen for code in set(p.get("territoire", {}).get("regions", [])))
    rows = run_query(kb, "projets-par-region", {"maturite": maturite} if maturite else {})
    assert {row["code_region"]: row["projets"] for row in rows} == dict(expected)
    assert [row["projets"] for row in rows] == sorted((row["projets"] for row in rows), reverse=True)
    names = {row["code_region"]: row["nom_region"] for row in rows}
    assert names.get("32", "Hauts-de-France") == "Hauts-de-France"


@pytest.mark.parametrize("region", [None, "32", "84"])
def test_projects_by_departement(kb, region):
    chosen = [p for p in projects() if region is None or region in p.get("territoire", {}).get("regions", [])]
    expected = Counter(code for p in chosen for code in set(p.get("territoire", {}).get("departements", [])))
    rows = run_query(kb, "projets-par-departement", {"region": region} if region else {})
    assert {row["code_departement"]: row["projets"] for row in rows} == dict(expected)


def test_engagement_in_public_schemes(kb):
    total = len(projects())
    engaged = Counter(d for p in projects() for d in {x.get("dispositif") for x in p.get("dispositifs", [])} if d)
    rows = run_query(kb, "engagement-dispositifs")
    assert {row["sigle"]: row["projets"] for row in rows} == {
        scheme.acronym: engaged.get(scheme.id, 0) for scheme in load_grid().public_schemes
    }
    assert all(row["total"] == total for row in rows)
    assert all(row["part"] == percent(row["projets"], total) for row in rows)


@pytest.mark.parametrize("dispositif", [None, "pat", "pat,cte", "tzcld"])
def test_projects_by_public_scheme(kb, dispositif):
    wanted = set(dispositif.split(",")) if dispositif else None
    expected = sorted(
        (p["nom"], d["dispositif"].upper(), d["nom"])
        for p in projects()
        for d in p.get("dispositifs", [])
        if d.get("dispositif") and (wanted is None or d["dispositif"] in wanted)
    )
    rows = run_query(kb, "projets-par-dispositif", {"dispositif": dispositif} if dispositif else {})
    assert [(row["nom"], row["sigle"], row["declinaison"]) for row in rows] == expected


def test_heterogeneity_of_the_consortium(kb):
    expected = {}
    for p in projects():
        types = [a["type"] for a in p["acteurs"] if a.get("type")]
        categories = Counter(top_concept("types-acteurs", t) for t in types)
        expected[iri(p)] = (
            len(p["acteurs"]),
            len(set(types)),
            len(categories),
            categories["acteur-socio-economique"],
            categories["reseau"],
            categories["collectivite"],
            categories["recherche-enseignement-formation"],
            categories["habitant"],
        )
    rows = run_query(kb, "heterogeneite-consortium")
    columns = (
        "acteurs",
        "types",
        "categories",
        "socio_economiques",
        "reseaux",
        "collectivites",
        "recherche_formation",
        "habitants",
    )
    assert by_project(rows, *columns) == expected
    most = max(value[2] for value in expected.values())
    assert {row["projet"] for row in run_query(kb, "heterogeneite-consortium", {"minimum": str(most)})} == {
        key for key, value in expected.items() if value[2] >= most
    }


def test_actors_by_kind(kb):
    actors = [(p["id"], a) for p in projects() for a in p["acteurs"] if a.get("type")]
    expected = {
        VOCAB + "types-acteurs/" + kind: (
            sum(1 for _, a in actors if a["type"] == kind),
            sum(1 for _, a in actors if a["type"] == kind and a.get("ess") is True),
            len({pid for pid, a in actors if a["type"] == kind}),
        )
        for kind in {a["type"] for _, a in actors}
    }
    rows = run_query(kb, "acteurs-par-type")
    assert {row["type"]: (row["acteurs"], row["acteurs_ess"], row["projets"]) for row in rows} == expected
    labels = {c.id: c.label.en for c in load_grid().scheme("types-acteurs").concepts}
    english = run_query(kb, "acteurs-par-type", {"langue": "en"})
    assert {row["libelle"] for row in english} == {labels[row["type"].rsplit("/", 1)[1]] for row in english}


def test_sse_and_non_sse_members(kb):
    expected = {}
    for p in projects():
        ess = sum(1 for a in p["acteurs"] if a.get("ess") is True)
        outside = sum(
            1 for a in p["acteurs"] if a.get("ess") is False and is_under("types-acteurs", a.get("type"), "entreprise")
        )
        members = len(p["acteurs"])
        expected[iri(p)] = (members, ess, outside, members - ess - outside, percent(ess, members))
    rows = run_query(kb, "membres-ess")
    assert by_project(rows, "membres", "ess", "hors_ess", "autres", "part_ess") == expected


@pytest.mark.parametrize("statut", [None, "active", "activable"])
def test_funding_mix_by_project(kb, statut):
    expected = {}
    for p in projects():
        sums, count = defaultdict(Decimal), 0
        for f in p.get("financements", []):
            if "montant" in f and f.get("type_financeur") and statut in (None, f.get("statut")):
                sums[top_concept("types-financeurs", f["type_financeur"])] += dec(f["montant"])
                count += 1
        if count:
            total = sum(sums.values())
            expected[iri(p)] = (
                count,
                sums["public"],
                sums["prive"],
                sums["autofinancement"],
                total,
                percent(sums["public"], total),
            )
    rows = run_query(kb, "financement-par-projet", {"statut": statut} if statut else {})
    columns = ("financements", "public", "prive", "autofinancement", "total", "part_publique")
    assert by_project(rows, *columns) == expected


@pytest.mark.parametrize("nature", [None, "fonctionnement", "investissement"])
def test_fundings_by_type_of_funder(kb, nature):
    amounts = defaultdict(list)
    for p in projects():
        for f in p.get("financements", []):
            if "montant" in f and f.get("type_financeur") and nature in (None, f.get("nature")):
                amounts[f["type_financeur"]].append((p["id"], dec(f["montant"])))
    rows = run_query(kb, "financements-par-type-de-financeur", {"nature": nature} if nature else {})
    got = {row["type"].rsplit("/", 1)[1]: (row["financements"], row["projets"], row["montant_total"]) for row in rows}
    assert got == {kind: (len(v), len({pid for pid, _ in v}), sum(a for _, a in v)) for kind, v in amounts.items()}


def test_coordination_staff(kb):
    expected = {}
    for p in projects():
        posts = p.get("coordination", [])
        fte = [(dec(c.get("etp", 0)), c.get("statut"), c.get("valorisation")) for c in posts]
        expected[iri(p)] = (
            len(posts),
            sum((f for f, _, _ in fte), Decimal(0)),
            sum((f for f, s, _ in fte if s == "salariee"), Decimal(0)),
            sum((f for f, s, _ in fte if s == "benevole"), Decimal(0)),
            sum((f for f, _, v in fte if v == "creation-poste"), Decimal(0)),
        )
    rows = run_query(kb, "coordination-par-projet")
    assert by_project(rows, "postes", "etp_total", "etp_salarie", "etp_benevole", "etp_postes_crees") == expected


@pytest.mark.parametrize("axe", [None, "circuits-courts-alimentaires", "mobilite-durable"])
def test_stages_of_the_action_plan(kb, axe):
    actions = [
        (p["id"], a)
        for p in projects()
        for a in p.get("actions", [])
        if a.get("stade") and (axe is None or axe in a.get("axes", []))
    ]
    rows = run_query(kb, "stades-plan-action", {"axe": axe} if axe else {})
    assert [row["stade"].rsplit("/", 1)[1] for row in rows] == [
        "idee",
        "etude",
        "experimentation",
        "concretisation",
        "fonctionnement",
    ]
    for row in rows:
        stage = row["stade"].rsplit("/", 1)[1]
        assert row["actions"] == sum(1 for _, a in actions if a["stade"] == stage)
        assert row["projets"] == len({pid for pid, a in actions if a["stade"] == stage})


@pytest.mark.parametrize("maximum", [None, "17", "0"])
def test_grid_coverage_by_project(kb, maximum):
    limit = 18 if maximum is None else int(maximum)
    expected = {
        iri(p): (len(answered(p)), 18, percent(len(answered(p)), 18)) for p in projects() if len(answered(p)) <= limit
    }
    rows = run_query(kb, "couverture-par-projet", {"maximum": maximum} if maximum else {})
    assert by_project(rows, "reponses", "questions", "taux") == expected


def test_grid_coverage_by_question(kb):
    grid = load_grid()
    rows = run_query(kb, "couverture-par-question", {"langue": "en"})
    assert [row["numero"] for row in rows] == [q.id for q in grid.questions]
    for row, question in zip(rows, grid.questions):
        answering = sum(1 for p in projects() if question.id in answered(p))
        assert (row["projets_repondants"], row["projets"]) == (answering, len(projects()))
        assert row["texte"] == question.text.en
        assert row["entree"] == grid.entry(question.entry_id).label.en


def test_projects_by_maturity(kb):
    rows = run_query(kb, "projets-par-maturite")
    groups = defaultdict(list)
    for p in projects():
        groups[p["maturite"]].append(p)
    got = {row["maturite"].rsplit("/", 1)[1]: row for row in rows}
    assert set(got) == set(groups)
    for maturity, members in groups.items():
        assert got[maturity]["projets"] == len(members)
        mean_actors = Decimal(sum(len(p["acteurs"]) for p in members)) / len(members)
        assert got[maturity]["acteurs_moyen"] == (10 * mean_actors).quantize(1, ROUND_HALF_UP) / 10


def test_thematic_axes(kb):
    rows = run_query(kb, "axes-thematiques")
    scheme = [c.id for c in load_grid().scheme("axes-thematiques").concepts]
    got = {row["axe"].rsplit("/", 1)[1]: (row["projets"], row["actions"]) for row in rows}
    assert set(got) == set(scheme)
    for axis in scheme:
        chosen = sum(1 for p in projects() if axis in p.get("axes", []))
        serving = sum(1 for p in projects() for a in p.get("actions", []) if axis in a.get("axes", []))
        assert got[axis] == (chosen, serving)


def test_forms_of_governance(kb):
    rows = run_query(kb, "formes-gouvernance")
    concepts = {c.id: c for c in load_grid().scheme("formes-gouvernance").concepts}
    got = {row["forme"].rsplit("/", 1)[1]: row for row in rows}
    assert set(got) == set(concepts)
    for form, row in got.items():
        assert row["projets"] == sum(1 for p in projects() if form in p.get("gouvernance", {}).get("formes", []))
        parent = concepts[form].broader
        assert row["forme_parente"] == (concepts[parent].label.fr if parent else None)


def test_forms_of_involvement(kb):
    rows = run_query(kb, "formes-implication")
    got = {row["forme"].rsplit("/", 1)[1]: row for row in rows}
    for form in (c.id for c in load_grid().scheme("formes-implication").concepts):
        items = [(p["id"], i) for p in projects() for i in p.get("implications", []) if form in i.get("formes", [])]
        row = got[form]
        assert (row["implications"], row["membres"], row["projets"]) == (
            len(items),
            len({(pid, i["membre"]) for pid, i in items}),
            len({pid for pid, _ in items}),
        )
        assert row["montant_total"] == sum((dec(i.get("montant", 0)) for _, i in items), Decimal(0))
        assert row["etp_total"] == sum((dec(i.get("etp", 0)) for _, i in items), Decimal(0))


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


def _legal_gaps(project: dict) -> set[str]:
    """What art. 9 of law 2014-856 asks for and the description does not show (computed in Python)."""
    actors = project.get("acteurs", [])
    territory = project.get("territoire", {})
    gaps = set()
    if not any(a.get("ess") is True for a in actors):
        gaps.add("entreprise-ess")
    if not any(a.get("ess") is False and is_under("types-acteurs", a.get("type"), "entreprise") for a in actors):
        gaps.add("entreprise-hors-ess")
    if not any(territory.get(key) for key in ("communes", "epci", "departements", "regions")):
        gaps.add("territoire")
    if not project.get("strategie_commune"):
        gaps.add("strategie-commune")
    return gaps


def _variants(sample: dict) -> list[dict]:
    """Descriptions that each miss some of the law's elements, made from a sample description."""
    import copy

    no_sse = copy.deepcopy(sample)
    for actor in no_sse["acteurs"]:
        actor["ess"] = False
    only_sse = copy.deepcopy(sample)
    for actor in only_sse["acteurs"]:
        actor["ess"] = True
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
    expected = sorted((v["nom"], gap) for v in variants for gap in _legal_gaps(v))
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
    assert [p["id"] for p in projects() if _legal_gaps(p)] == []
    assert run_query(kb, "projets-hors-definition-legale") == []


def test_every_query_is_labelled_linked_and_documented(kb):
    """Each result column has its French and English label, each grid question exists,
    each example value fits, and docs/queries.md describes the query and its parameters."""
    from pathlib import Path

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


def test_the_region_names_of_the_queries_are_those_of_the_cog():
    """A query that names régions names every région of the COG, as the COG names it (no name typed apart)."""
    import re

    from cap_ptce.geo import load_geography

    geo = load_geography()
    text = (Path(__file__).resolve().parents[1] / "src/cap_ptce/queries/projets-par-region.rq").read_text("utf-8")
    named = dict(re.findall(r'\("(\w+)" "([^"]+)"\)', text))
    regions = {code: geo.region(code).name for code in (f"{n:02d}" for n in range(100)) if geo.region(code)}
    assert named == regions, f"{geo.source}: {set(named.items()) ^ set(regions.items())}"
