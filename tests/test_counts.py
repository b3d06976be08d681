"""Counts a researcher can trust: every ready-made query gives the rows counted straight from the YAML.

The expected rows come from tests/yaml_counts.py, which reads the descriptions,
the grid's vocabularies and the COG table as plain data, without cap_ptce. Three
corpora: the sample corpus, 300 generated descriptions (``cap-ptce generate``),
and descriptions whose optional fields are missing, one field at a time and at
random. Every query keeps every project when no filter is set.
"""

from __future__ import annotations

import copy
import random
from collections import Counter
from pathlib import Path

import pytest
import yaml

from cap_ptce.cli import cli
from cap_ptce.queries import list_queries, run_query
from cap_ptce.resources import data_dir
from cap_ptce.store import KnowledgeBase
from yaml_counts import EXPECTED, expected, groups, iri, is_enterprise, members


def read_corpus(folder: Path) -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))]


def write_corpus(folder: Path, projects: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for project in projects:
        text = yaml.safe_dump(project, allow_unicode=True, sort_keys=False)
        (folder / f"{project['id']}.yaml").write_text(text, encoding="utf-8")
    return folder


def loaded(folder: Path) -> KnowledgeBase:
    kb = KnowledgeBase.open()
    kb.load_reference_graphs()
    report = kb.load_corpus(folder, validator=None)
    assert report.ok, [outcome for outcome in report.outcomes if outcome.status == "failed"]
    return kb


def cases() -> list[tuple[str, dict[str, str]]]:
    """Each query with its defaults, with each example value of each parameter, and in English."""
    found = []
    for query in list_queries():
        found.append((query.name, {}))
        for parameter in query.parameters:
            found += [(query.name, {parameter.name: example}) for example in parameter.examples]
            if parameter.type == "lang":
                found.append((query.name, {parameter.name: "en"}))
    return found


CASES = [case for case in cases() if case[0] in EXPECTED]


def _normal(rows: list[dict], columns) -> Counter:
    return Counter(tuple((column, row.get(column)) for column in columns) for row in rows)


def assert_same_rows(kb: KnowledgeBase, projects: list[dict], name: str, params: dict[str, str]) -> None:
    want = expected(name, projects, params)
    got = run_query(kb, name, params)
    columns = sorted(want[0]) if want else sorted(got[0]) if got else []
    missing = _normal(want, columns) - _normal(got, columns)
    extra = _normal(got, columns) - _normal(want, columns)
    assert not missing and not extra, f"{name} {params}: missing {list(missing)[:3]}, unexpected {list(extra)[:3]}"


# ---------------------------------------------------------------------------------------------
# the corpora


@pytest.fixture(scope="module")
def sample():
    projects = read_corpus(data_dir("corpus"))
    with loaded(data_dir("corpus")) as kb:
        yield kb, projects


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("generated")
    result = CliRunner().invoke(cli, ["generate", "300", "--seed", "12", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    with loaded(folder) as kb:
        yield kb, read_corpus(folder)


REFERENCES = {  # keys that name an actor of the description, and whether they hold a list
    ("structure_porteuse", "acteur"): False,
    ("structure_porteuse", "porteurs"): True,
    ("implications", "membre"): False,
    ("coordination", "employeur"): False,
    ("financements", "financeur_acteur"): False,
    ("actions", "porteurs"): True,
    ("groupes", "membres"): True,
    ("groupes", "personne_morale"): False,
    ("groupes", "au_sein_de"): False,
}


def _holders(node) -> list[dict]:
    return [item for item in (node if isinstance(node, list) else [node]) if isinstance(item, dict)]


def drop_dangling(project: dict) -> dict:
    """Remove the references to actors that are no longer described (the loader would refuse them)."""
    ids = {actor["id"] for actor in project.get("acteurs") or []}
    for (owner, key), many in REFERENCES.items():
        for holder in _holders(project.get(owner)):
            if many and key in holder:
                holder[key] = [ref for ref in holder[key] if ref in ids] or None
            if holder.get(key) is None or (not many and holder.get(key) not in ids):
                holder.pop(key, None)
    bodies = (project.get("gouvernance") or {}).get("instances") or []
    agreement = (project.get("structure_porteuse") or {}).get("convention")
    for holder, key in [
        *((body, "participants") for body in _holders(bodies)),
        *((a, "signataires") for a in _holders(agreement)),
    ]:
        kept = [ref for ref in holder.get(key) or [] if ref in ids]
        holder.pop(key, None) if not kept else holder.__setitem__(key, kept)
    return project


def without_at_random(project: dict, rng: random.Random, chance: float = 0.3) -> dict:
    """The description with each optional key (ids aside) removed with the given chance, at every level."""

    def strip(node):
        if isinstance(node, dict):
            for key in [k for k in node if k != "id"]:
                if rng.random() < chance:
                    del node[key]
                else:
                    strip(node[key])
        elif isinstance(node, list):
            for item in node:
                strip(item)

    project = copy.deepcopy(project)
    strip(project)
    return drop_dangling(project)


def field_paths(project: dict) -> list[tuple[str, ...]]:
    """Every optional key of a description: ("nom",), ("acteurs", "ess"), ("territoire", "regions")…"""
    paths = []
    for key, value in project.items():
        if key in {"id", "fictif"}:
            continue
        paths.append((key,))
        items = value if isinstance(value, list) else [value]
        inner = sorted({k for item in items if isinstance(item, dict) for k in item if k != "id"})
        paths += [(key, k) for k in inner]
    return paths


def without_field(project: dict, path: tuple[str, ...]) -> dict:
    project = copy.deepcopy(project)
    if len(path) == 1:
        project.pop(path[0], None)
    else:
        holder = project.get(path[0])
        for item in holder if isinstance(holder, list) else [holder]:
            if isinstance(item, dict):
                item.pop(path[1], None)
    project["id"] = f"{project['id']}-sans-{'-'.join(path).replace('_', '-')}"
    return drop_dangling(project)


@pytest.fixture(scope="module")
def gappy(tmp_path_factory):
    """The sample corpus, one copy of a full description per optional field without it, and
    generated descriptions with fields missing at random."""
    sample = read_corpus(data_dir("corpus"))
    full = next(p for p in sample if p["id"] == "pole-saveurs-somme")
    variants = [without_field(full, path) for path in field_paths(full)]
    rng = random.Random(2026)
    from cap_ptce.project.generate import synthetic_description

    randomised = [without_at_random(synthetic_description(3, index), rng) for index in range(1, 81)]
    randomised += [without_at_random(project, rng) | {"id": project["id"] + "-lacunaire"} for project in sample]
    projects = sample + variants + randomised
    folder = write_corpus(tmp_path_factory.mktemp("gappy"), projects)
    with loaded(folder) as kb:
        yield kb, read_corpus(folder)


def format_2_variants(base: dict) -> list[dict]:
    """Descriptions that use what format 2 adds and the counts must read truthfully: an actor with
    two kinds, one of kind "autre", a partner, groups of members with approximate sizes or a range, a
    group as the only link to firms outside the SSE, part of a département, a change of territory."""
    first = copy.deepcopy(base)
    first["id"], actors = "v2-partenaires-et-groupes", first["acteurs"]
    actors[0]["type"] = ["cooperative", "structure-insertion"]
    actors[1]["relation"] = "partenaire"
    actors[2]["type"], actors[2]["type_autre"] = ["autre"], "Entreprise adaptée"
    first["groupes"] = [
        {"id": "college", "nom": "Collège des salariés", "type": "college", "nombre_membres": "environ 15"},
        {
            "id": "grappe",
            "nom": "Grappe créative",
            "type": "grappe",
            "nombre_membres": "20 à 25",
            "majoritairement_ess": False,
            "membres": [actors[3]["id"]],
        },
        {
            "id": "federation",
            "nom": "Fédération du bâtiment",
            "type": "federation",
            "relation": "partenaire",
            "nombre_membres": {"valeur": 48, "annee": 2023},
        },
    ]
    first["territoire"]["parties"] = [{"departement": "60", "description": "l'ouest de l'Oise"}]
    first["territoire"]["evolutions"] = [{"annee": 2024, "description": "Entrée de Rouen", "communes": ["76540"]}]
    second = copy.deepcopy(base)
    second["id"] = "v2-une-federation-pour-les-entreprises"
    for actor in second["acteurs"]:
        actor["ess"] = actor.get("ess") or is_enterprise(actor)  # no member is an enterprise outside the SSE…
    second["groupes"] = [{"id": "fede", "nom": "Fédération", "type": "federation", "majoritairement_ess": False}]
    second["territoire"] = {"nom": "Ouest de la Somme", "parties": [{"departement": "80"}]}  # … but a group is
    third = copy.deepcopy(base)
    third["id"] = "v2-un-college-pour-l-ess"
    for actor in third["acteurs"]:
        actor["ess"] = False  # no member is an SSE enterprise…
    third["groupes"] = [{"id": "college-ess", "nom": "Collège ESS", "type": "college", "majoritairement_ess": True}]
    return [first, second, third]  # … but a group mostly in the SSE stands for them


@pytest.fixture(scope="module")
def format_2(tmp_path_factory):
    sample = read_corpus(data_dir("corpus"))
    projects = sample + format_2_variants(next(p for p in sample if p["id"] == "pole-saveurs-somme"))
    folder = write_corpus(tmp_path_factory.mktemp("format-2"), projects)
    with loaded(folder) as kb:
        yield kb, read_corpus(folder)


# ---------------------------------------------------------------------------------------------
# the rows


CASE_IDS = [name + "".join(f"-{k}={v}" for k, v in params.items()) for name, params in CASES]


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_the_sample_corpus_gives_the_yaml_counts(sample, name, params):
    assert_same_rows(*sample, name, params)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_300_generated_descriptions_give_the_yaml_counts(generated, name, params):
    assert_same_rows(*generated, name, params)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_descriptions_with_missing_fields_give_the_yaml_counts(gappy, name, params):
    assert_same_rows(*gappy, name, params)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_what_format_2_adds_is_counted_as_the_yaml_says(format_2, name, params):
    assert_same_rows(*format_2, name, params)


def test_partners_groups_and_parts_of_territory_are_read_as_documented(format_2):
    kb, _ = format_2
    row = next(
        r for r in run_query(kb, "heterogeneite-consortium") if r["projet"].endswith("/v2-partenaires-et-groupes")
    )
    assert (row["partenaires"], row["groupes"]) == (2, 2)  # the partner federation is a partner, no member group
    groups = {r["nom"]: r for r in run_query(kb, "groupes-de-membres")}
    assert (groups["Collège des salariés"]["effectif"], groups["Collège des salariés"]["environ"]) == (15, True)
    assert (groups["Grappe créative"]["effectif_min"], groups["Grappe créative"]["effectif_max"]) == (20, 25)
    assert groups["Fédération du bâtiment"]["relation"] == "partenaire"
    gaps = {(r["projet"].rsplit("/", 1)[1], r["manque"]) for r in run_query(kb, "projets-hors-definition-legale")}
    assert not any(project.startswith("v2-") for project, _ in gaps)
    regions = {r["code_region"] for r in run_query(kb, "projets-par-region") if r["projets"]}
    assert {"28"} <= regions  # Rouen, added by a change of territory, is in Normandie


def answered_for_validation(projects: list[dict]) -> dict[str, int]:
    """Each project's IRI -> how many questions validation's completeness counts it answering."""
    from rdflib import URIRef

    from cap_ptce.project import load_description
    from cap_ptce.validation.completeness import answered_questions

    counted = {}
    for project in projects:
        text = yaml.safe_dump(project, allow_unicode=True, sort_keys=False)
        graph = load_description(text, source=f"{project['id']}.yaml", format="yaml").graph
        counted[iri(project)] = len(answered_questions(graph, URIRef(iri(project))))
    return counted


def test_coverage_counts_the_answers_that_validation_counts(gappy):
    """A question answered by one of its keys (grid 1.1.0, ``champs:``) is answered for the coverage
    queries as for the completeness that validation reports: on descriptions with fields missing,
    the two counts agree project by project."""
    kb, projects = gappy
    coverage = {row["projet"]: row["reponses"] for row in run_query(kb, "couverture-par-projet")}
    assert coverage == answered_for_validation(projects)
    assert sum(1 for n in coverage.values() if n < 18) >= 20, "the corpus should leave questions out"


def test_a_text_left_as_the_template_wrote_it_answers_no_question_in_the_counts(tmp_path):
    """A researcher's finding of 2026-12-07: validation gave a description with « TODO » for q01's key and
    « À COMPLÉTER » as q04's answer 4 questions of 18, the coverage queries 6 (they took any value for an answer),
    and every count of answers built on them (by question, by maturity, the dashboard's charts) was off."""
    full = next(p for p in read_corpus(data_dir("corpus")) if p["id"] == "pole-saveurs-somme")
    left_over = copy.deepcopy(full) | {"id": "restes-du-modele", "q04": "À COMPLÉTER", "q05": "  TODO "}
    left_over["structure_porteuse"] = left_over["structure_porteuse"] | {
        "experience_cooperation": "TODO",
        "cooperations_engagees": ["À COMPLÉTER"],
    }
    left_over["effets_attendus"] = ["x", "..."]  # q14's only key, as fillers
    half = copy.deepcopy(full) | {"id": "reste-et-reponse"}  # one key left over, the other answers: answered
    half["structure_porteuse"] = half["structure_porteuse"] | {"experience_cooperation": "TODO"}
    projects = [full, left_over, half]
    with loaded(write_corpus(tmp_path / "corpus", projects)) as kb:
        coverage = {row["projet"]: row["reponses"] for row in run_query(kb, "couverture-par-projet")}
        by_question = {
            row["question"].rsplit("/", 1)[-1]: row["projets_repondants"]
            for row in run_query(kb, "couverture-par-question")
        }
    assert coverage == answered_for_validation(projects)
    assert coverage[iri(full)] - coverage[iri(left_over)] == 4 and coverage[iri(half)] == coverage[iri(full)]
    assert (by_question["q01"], by_question["q04"], by_question["q05"], by_question["q14"]) == (2, 2, 2, 2)


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_the_same_left_over_text_under_two_questions_is_reported_under_each(tmp_path, engine):
    """A researcher's finding: « À COMPLÉTER » for q01's ``experience_cooperation`` and as q14's only expected
    effect made one result under q01, « lignes 11, 68 », and q14's entry listed no reason for its missing answer:
    one result per question, each at its own line; and, the retest found, per entry (the name and the common
    strategy, of no question, were one result « lignes 4, 5 » under the description as a whole)."""
    from cap_ptce.validation import validate_file

    full = next(p for p in read_corpus(data_dir("corpus")) if p["id"] == "pole-saveurs-somme")
    left_over = copy.deepcopy(full)
    left_over["structure_porteuse"] |= {"experience_cooperation": "À COMPLÉTER", "cooperations_engagees": []}
    left_over["effets_attendus"] = ["À COMPLÉTER"]
    left_over |= {"nom": "À COMPLÉTER", "strategie_commune": "À COMPLÉTER"}  # the retest's: two entries, no question
    path = write_corpus(tmp_path, [left_over]) / f"{left_over['id']}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    keys = ("nom:", "strategie_commune:", "  experience_cooperation:", "effets_attendus:")
    at = {key.strip(): [n for n, line in enumerate(lines, 1) if line.startswith(key)] for key in keys}
    report = validate_file(path, engine=engine)
    left = ("PlaceholderText", "Art9CommonStrategy")  # the law's shape says a left-over strategy is none
    placed = sorted((r.entry, r.question or "", r.lines) for r in report.results if r.shape.endswith(left))
    assert placed == [
        ("general", "", at["nom:"]),
        ("objectifs-vision-strategique", "", at["strategie_commune:"]),
        ("politiques-publiques", "q14", at["effets_attendus:"]),
        ("structure-porteuse", "q01", at["experience_cooperation:"]),
    ]


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_an_item_whose_every_text_is_left_over_answers_no_question(tmp_path, engine):
    """A carrier's finding: a constat holding only « À COMPLÉTER » made q02 answered, 18 questions of 18 (100 %),
    beside the violation that said the text was no answer. An item of a question's list that holds nothing but
    left-over texts answers nothing, in the report's completeness and the knowledge base's counts alike; one
    that says anything else (a real source, a post's functions and full-time equivalent) still answers."""
    from cap_ptce.validation import validate_file

    full = next(p for p in read_corpus(data_dir("corpus")) if p["id"] == "pole-saveurs-somme")
    left_over = copy.deepcopy(full) | {"id": "constat-du-modele", "constats": [{"texte": "À COMPLÉTER"}]}
    left_over["coordination"] = [
        {"nom": "TODO", "fonctions": ["animation"], "etp": 1, "valorisation": "creation-poste"}
    ]
    sourced = copy.deepcopy(full) | {
        "id": "constat-source",
        "constats": [{"texte": "TODO", "sources": ["Diagnostic 2019"]}],
        "financements": [{"financeur": "TODO", "montant": 5000}],
    }
    left_over["financements"] = [{"financeur": "À COMPLÉTER"}]  # the researcher's: a funder's name, on its own node
    projects = [full, left_over, sourced]
    folder = write_corpus(tmp_path / "corpus", projects)
    report = validate_file(folder / "constat-du-modele.yaml", engine=engine)
    entry = next(e for e in report.completeness.entries if e.id == "objectifs-vision-strategique")
    funding = next(e for e in report.completeness.entries if e.id == "financement-previsionnel")
    assert (entry.missing, funding.missing, report.completeness.answered) == (("q02",), ("q18",), 16)
    placed = sorted((r.question, r.value) for r in report.results if r.shape.endswith("PlaceholderText"))
    assert placed == [("q02", "À COMPLÉTER"), ("q16", "TODO"), ("q18", "À COMPLÉTER")]  # each at its line, once
    assert not [r for r in report.results if r.shape.endswith(("Answered-q02", "Answered-q18"))]
    with loaded(folder) as kb:
        coverage = {row["projet"]: row["reponses"] for row in run_query(kb, "couverture-par-projet")}
        by_question = {
            row["question"].rsplit("/", 1)[-1]: row["projets_repondants"]
            for row in run_query(kb, "couverture-par-question")
        }
    assert coverage == answered_for_validation(projects)
    assert (coverage[iri(full)] - coverage[iri(left_over)], coverage[iri(sourced)]) == (2, coverage[iri(full)])
    assert (by_question["q02"], by_question["q16"], by_question["q18"]) == (2, 3, 2)  # a post named TODO answers


def test_every_query_is_counted_here():
    """A new ready-made query gets its count from the YAML here (validation-des-descriptions
    reports the validator's verdicts: test_validation_rows_keep_every_description checks it;
    bilan-des-validations sums them: tests/test_dashboard.py checks it against those rows). The
    registre-* queries read the register of real PTCEs, not a corpus: tests/test_registre.py and
    tests/test_registre_views.py count them from registre/poles/."""
    corpus_queries = {query.name for query in list_queries() if not query.reads_register}
    assert corpus_queries - set(EXPECTED) == {
        "validation-des-descriptions",
        "bilan-des-validations",
    }


# Queries with one row per project (at least one for projets-par-dispositif), and queries where
# each project is counted in exactly one row (its maturity) or at least one (its régions…).
PER_PROJECT = {
    "coordination-par-projet",
    "couverture-par-projet",
    "financement-par-projet",
    "heterogeneite-consortium",
    "membres-ess",
    "projets-par-dispositif",
    "validation-des-descriptions",
}
PARTITIONS = {"projets-par-maturite"}
COVERS = {"projets-par-region", "projets-par-departement", "formes-gouvernance"}


@pytest.mark.parametrize("name", sorted(PER_PROJECT | PARTITIONS | COVERS))
def test_no_query_drops_a_project_when_no_filter_is_set(gappy, name):
    kb, projects = gappy
    rows = run_query(kb, name)
    everyone = {iri(p) for p in projects}
    if name in PER_PROJECT:
        assert {row["projet"] for row in rows} == everyone
    elif name in PARTITIONS:
        assert sum(row["projets"] for row in rows) == len(everyone)
    else:
        assert sum(row["projets"] for row in rows) >= len(everyone)
        assert [row for row in rows if row["projets"] == 0] == [] or name == "formes-gouvernance"


def test_each_optional_field_was_left_out_somewhere(gappy):
    """The corpus above does hold a description without each optional field of a full one."""
    _, projects = gappy
    ids = {p["id"] for p in projects}
    full = next(p for p in projects if p["id"] == "pole-saveurs-somme")
    for path in field_paths(full):
        assert f"pole-saveurs-somme-sans-{'-'.join(path).replace('_', '-')}" in ids, path


def test_validation_rows_keep_every_description(sample, tmp_path):
    kb, projects = sample
    rows = run_query(kb, "validation-des-descriptions")
    assert {row["projet"]: row["nom"] for row in rows} == {iri(p): p.get("nom") for p in projects}
    assert all(row["conforme"] is None for row in rows)  # loaded without validation: no verdict, still there
    with KnowledgeBase.open() as validated:
        validated.load_reference_graphs()
        validated.load_corpus(write_corpus(tmp_path / "c", projects[:3]))
        rows = run_query(validated, "validation-des-descriptions", {"conforme": "true"})
        stored = {record.source: record.validation for record in validated.records()}
    assert {row["source"] for row in rows} == {source for source, v in stored.items() if v.conforms}


def _measures_from_the_yaml(project: dict) -> dict[str, float | None]:
    """A project's page and dossier measures of its consortium, counted from the YAML."""
    row = next(iter(expected("heterogeneite-consortium", [project], {})))
    consortium = len(members(project))
    sse = sum(1 for actor in members(project) if actor.get("ess") is True)
    return {
        "membres": consortium,
        "part_ess": sse / consortium if consortium else None,
        "part_collectivites": row["collectivites"] / consortium if consortium else None,
        "part_recherche_formation": row["recherche_formation"] / consortium if consortium else None,
    }


def test_the_pole_among_the_others_counts_the_members_the_queries_count(format_2):
    """The project page's and the dossier's « Membres du consortium », « Part des membres de l'ESS »
    and shares of categories count the members that cap:memberCount, the ready-made queries and the
    YAML count: a group of members (a college) and a partner are no members."""
    from cap_ptce.dossier.compare import corpus_profiles, profile_of_graph
    from cap_ptce.project import load_description

    kb, projects = format_2
    consortium = {row["projet"]: row["acteurs"] for row in run_query(kb, "heterogeneite-consortium")}
    sse_share = {row["projet"]: row["part_ess"] for row in run_query(kb, "membres-ess")}
    page = {profile.iri: profile.values for profile in corpus_profiles(kb)}
    assert set(page) == {iri(p) for p in projects}
    for project in projects:
        want = _measures_from_the_yaml(project)
        text = yaml.safe_dump(project, allow_unicode=True, sort_keys=False)
        dossier = profile_of_graph(load_description(text, source=f"{project['id']}.yaml", format="yaml").graph)
        for measured in (page[iri(project)], dossier.values):
            assert {key: measured[key] for key in want} == pytest.approx(want), project["id"]
        assert consortium[iri(project)] == want["membres"]
        assert float(sse_share[iri(project)]) == pytest.approx(100 * want["part_ess"], abs=0.05)
    saveurs = next(p for p in projects if p["id"] == "pole-saveurs-somme")
    assert (len(members(saveurs)), len(groups(saveurs))) == (8, 3)  # the case the researcher found


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_left_over_text_of_a_questions_key_is_reported_under_that_question(tmp_path, engine):
    """A researcher's finding of 2026-12-07: « TODO » for ``structure_porteuse.experience_cooperation`` (a key of
    q01) was filed under « Description du projet », while q01 stood at 0 of 1 with no reason given."""
    from cap_ptce.validation import validate_file

    full = next(p for p in read_corpus(data_dir("corpus")) if p["id"] == "pole-saveurs-somme")
    left_over = copy.deepcopy(full)
    left_over["structure_porteuse"] |= {"experience_cooperation": "TODO", "cooperations_engagees": ["x"]}
    left_over["effets_attendus"] = ["À COMPLÉTER"]
    # the retest: in an item of a question's list, a constat's text or a coordination post's name
    left_over["constats"][0]["texte"] = "TODO"
    left_over["coordination"][0]["nom"] = "À COMPLÉTER"
    path = write_corpus(tmp_path, [left_over]) / f"{left_over['id']}.yaml"
    report = validate_file(path, engine=engine)
    placed = sorted((r.question, r.entry, r.value) for r in report.results if r.shape.endswith("PlaceholderText"))
    assert placed == [
        ("q01", "structure-porteuse", "TODO"),
        ("q01", "structure-porteuse", "x"),
        ("q02", "objectifs-vision-strategique", "TODO"),
        ("q14", "politiques-publiques", "À COMPLÉTER"),
        ("q16", "financement-previsionnel", "À COMPLÉTER"),
    ]


# For each element of article 9 about members: the condition's violation, and the warnings of a member of unknown
# status when no member meets it (docs/validation.md); a group of unknown make-up warns for both conditions at once.
_ART9_SHAPES = {
    "entreprise-ess": {"Art9EssEnterprise", "EssStatusUnknownNoEss"},
    "entreprise-hors-ess": {"Art9NonEssEnterprise", "EssStatusUnknownNoNonEss"},
}


def test_the_legal_definition_query_reads_each_member_as_validation_does(gappy):
    """A researcher's finding of 2026-12-07: ``projets-hors-definition-legale`` read the declared ``ess`` alone, while
    validation reads each member's legal status (category, kind, ``ess``, evidence). A pole whose firms say
    ``type: entreprise-hors-ess`` without ``ess:`` passed validation and was listed as having no enterprise outside
    the SSE. Now, description by description, the query lists an element exactly when validation reports it
    missing (a violation) or not established (the warnings of members or groups of unknown status)."""
    from cap_ptce.project import load_description
    from cap_ptce.validation import validate_description

    kb, projects = gappy
    listed = {(row["projet"], row["manque"]) for row in run_query(kb, "projets-hors-definition-legale")}
    disagree, shown = [], Counter()
    for project in projects:
        text = yaml.safe_dump(project, allow_unicode=True, sort_keys=False)
        report = validate_description(load_description(text, source=f"{project['id']}.yaml", format="yaml"))
        shapes = {result.shape.rsplit("#", 1)[-1] for result in report.results}
        for element, said in _ART9_SHAPES.items():
            in_query = (iri(project), element) in listed
            shown[in_query, bool(shapes & said)] += 1
            if bool(shapes & said) != in_query and not (in_query and "GroupEssStatusUnknown" in shapes):
                disagree.append((project["id"], element, sorted(shapes & (said | {"GroupEssStatusUnknown"}))))
    assert disagree == []
    assert shown[True, True] >= 5 and shown[False, False] >= 100, "the corpus should hold both cases"


def test_members_give_their_status_by_their_facts_without_ess(tmp_path):
    """The same pole with every member's ``ess:`` removed: its associations and cooperatives are SSE enterprises
    by their status, its firms of kind « entreprise-hors-ess » enterprises outside the SSE, so it lacks neither,
    for the query as for validation (which the old query contradicted on both)."""
    full = next(p for p in read_corpus(data_dir("corpus")) if p["id"] == "pole-saveurs-somme")
    silent = copy.deepcopy(full) | {"id": "sans-ess-dit"}
    for actor in silent["acteurs"]:
        actor.pop("ess", None)
    with loaded(write_corpus(tmp_path / "corpus", [full, silent])) as kb:
        assert run_query(kb, "projets-hors-definition-legale") == []
        sse = {row["projet"]: (row["ess"], row["hors_ess"]) for row in run_query(kb, "membres-ess")}
    assert sse[iri(silent)] == (0, 0)  # membres-ess counts what the members declare, as its description says


def test_a_common_strategy_left_as_the_template_wrote_it_is_none(tmp_path):
    """A researcher's finding of 2026-12-07: ``strategie_commune: "À COMPLÉTER"`` met article 9, for validation (whose
    dossier then said the law found nothing, beside the grid's left-over text) and for the query alike. Now both say
    the strategy is missing; a real strategy beside nothing else still meets it."""
    from cap_ptce.project import load_description
    from cap_ptce.validation import validate_description

    full = next(p for p in read_corpus(data_dir("corpus")) if p["id"] == "pole-saveurs-somme")
    left = [
        copy.deepcopy(full) | {"id": f"strategie-{n}", "strategie_commune": text}
        for n, text in enumerate(("À COMPLÉTER", "  TODO ", "x", "   "))
    ]
    projects = [full, *left]
    with loaded(write_corpus(tmp_path / "corpus", projects)) as kb:
        listed = {(row["projet"], row["manque"]) for row in run_query(kb, "projets-hors-definition-legale")}
    assert listed == {(iri(project), "strategie-commune") for project in left}
    for project in projects:
        text = yaml.safe_dump(project, allow_unicode=True, sort_keys=False)
        for engine in ("fast", "pyshacl"):
            report = validate_description(load_description(text, source="p.yaml", format="yaml"), engine=engine)
            law = [r for r in report.results if r.shape.endswith("#Art9CommonStrategy")]
            assert len(law) == (project is not full), (project["id"], engine)
            line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("strategie_commune:"))
            assert all(r.line == line and "Pas de stratégie commune" in r.message for r in law), law
