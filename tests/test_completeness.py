"""Each question is answered once: by the keys the grid names for it, or by its written answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, URIRef

from cap_ptce.dossier.model import build_dossier
from cap_ptce.grid import load_grid
from cap_ptce.project import data_to_yaml, load_description, to_turtle
from cap_ptce.project.keypaths import rdf_steps
from cap_ptce.rdf.namespaces import CAP, SCHEMA
from cap_ptce.resources import data_dir
from cap_ptce.validation import validate_file
from cap_ptce.validation.completeness import answering_keys

GRID = load_grid()
SAMPLE = data_dir("corpus") / "pole-saveurs-somme.yaml"
WORDS_ONLY = {q.id for q in GRID.questions if not q.fields}


def without_free_texts(data: dict, keep=()) -> dict:
    return {key: value for key, value in data.items() if not re.fullmatch(r"q[0-9]{2}", key) or key in keep}


def write(data: dict, path: Path) -> Path:
    path.write_text(data_to_yaml(data), encoding="utf-8")
    return path


def test_every_key_the_grid_names_is_a_key_of_the_format():
    for question in GRID.questions:
        for key in question.fields:
            assert rdf_steps(key), (question.id, key)
    assert WORDS_ONLY == {"q04", "q05", "q06"}


def test_structured_data_alone_answers_every_question_its_keys_answer(tmp_path):
    data = without_free_texts(load_description(SAMPLE).data)
    report = validate_file(write(data, tmp_path / "sans-textes.yaml"))
    missing = sorted(r.question for r in report.results if "#Answered-" in r.shape)
    assert missing == sorted(WORDS_ONLY)
    assert report.completeness.answered == 15 and not report.conforms


def test_the_written_answers_are_needed_only_where_no_key_answers(tmp_path):
    data = without_free_texts(load_description(SAMPLE).data, keep=WORDS_ONLY)
    report = validate_file(write(data, tmp_path / "trois-textes.yaml"))
    assert report.conforms and report.results == ()
    assert (report.completeness.answered, report.completeness.total) == (18, 18)


def test_a_question_whose_keys_are_empty_names_them_and_its_free_text_line(tmp_path):
    data = without_free_texts(load_description(SAMPLE).data, keep=WORDS_ONLY)
    del data["coordination"]
    path = write(data, tmp_path / "sans-coordination.yaml")
    path.write_text(path.read_text(encoding="utf-8") + 'q16: ""\n', encoding="utf-8")
    report = validate_file(path, lang="fr")
    assert [r.question for r in report.results] == ["q16", "q17"]
    q16 = report.results[0]
    assert "coordination" in q16.message and "« q16: »" in q16.message
    assert q16.line == next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("q16:"))
    assert report.completeness.entries[-1].missing == ("q16", "q17")


def test_a_question_with_no_key_at_all_points_at_its_entry_in_the_file(tmp_path):
    # the verification walk of 2026-12-06: with no key of q16 in the file, its result pointed at line 3 (« fictif: »)
    data = without_free_texts(load_description(SAMPLE).data, keep=WORDS_ONLY)
    del data["coordination"]
    path = write(data, tmp_path / "sans-coordination.yaml")
    report = validate_file(path, lang="fr")
    q16 = next(r for r in report.results if r.question == "q16")
    entry = GRID.entry(GRID.question("q16").entry_id)
    keys = {key.split(".")[0] for q in entry.questions for key in (*q.fields, q.id)}
    line = path.read_text(encoding="utf-8").splitlines()[q16.line - 1]
    assert line.split(":")[0] in keys, line  # a key of the same entry, « Financement prévisionnel »


def test_a_written_answer_still_answers_a_question_without_its_keys(tmp_path):
    data = without_free_texts(load_description(SAMPLE).data, keep=WORDS_ONLY)
    del data["financements"]
    data["q18"] = "La Région et l'État financent le fonctionnement ; la SCIC autofinance le reste."
    report = validate_file(write(data, tmp_path / "texte.yaml"))
    assert report.conforms and report.completeness.answered == 18


def test_another_questions_answer_does_not_answer_this_one(tmp_path):
    data = without_free_texts(load_description(SAMPLE).data, keep=WORDS_ONLY)
    del data["coordination"]
    data["q17"] = "Le poste est créé par la SCIC."
    report = validate_file(write(data, tmp_path / "q17.yaml"))
    assert [r.question for r in report.results] == ["q16"]


@pytest.mark.parametrize(
    "blank", [{}, {"nom": None, "etp": ""}, {"nom": "  ", "fonctions": []}], ids=["braces", "no-values", "spaces"]
)
def test_an_item_left_empty_answers_nothing_and_the_others_keep_their_place(tmp_path, blank):
    # the editor's « Ajouter » leaves such an item when nothing is typed in it: it counted as an answer,
    # while the dossier of the same file said the question had none
    data = without_free_texts(load_description(SAMPLE).data, keep=WORDS_ONLY)
    fundings = data["financements"]
    data["coordination"] = [dict(blank)]
    data["financements"] = [dict(blank), *fundings]
    path = write(data, tmp_path / "vides.yaml")
    description = load_description(path)
    report = validate_file(path, lang="fr")
    assert [r.question for r in report.results] == ["q16", "q17"]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[report.results[0].line - 1] == "coordination:"  # where the carrier left it empty
    assert report.completeness.entries[-1].missing == ("q16", "q17")
    assert build_dossier(description.data, "fr").answered == report.completeness.answered == 16
    graph = description.graph
    assert not list(graph.subjects(RDF.type, CAP.CoordinationPost))
    positions = sorted(int(p) for f in graph.subjects(RDF.type, CAP.Funding) for p in graph.objects(f, SCHEMA.position))
    assert positions == list(range(2, len(fundings) + 2))  # the file's numbering, as the messages give it


@pytest.mark.parametrize("form", ["turtle", "yaml"])
def test_the_counts_and_the_shapes_agree_in_every_form(tmp_path, form):
    data = without_free_texts(load_description(SAMPLE).data, keep={"q05"})
    path = write(data, tmp_path / "x.yaml")
    if form == "turtle":
        turtle = tmp_path / "x.ttl"
        turtle.write_text(to_turtle(load_description(path).graph), encoding="utf-8")
        path = turtle
    report = validate_file(path)
    flagged = {r.question for r in report.results if "#Answered-" in r.shape}
    assert flagged == {"q04", "q06"}
    missing = {q for entry in report.completeness.entries for q in entry.missing}
    assert missing == flagged


def test_answering_keys_name_the_keys_that_hold_a_value():
    description = load_description(SAMPLE)
    project = URIRef(description.iri)
    assert answering_keys(description.graph, project, GRID.question("q10")) == (
        "territoire.communes",
        "territoire.epci",
        "territoire.departements",
        "territoire.regions",
    )
    assert answering_keys(description.graph, project, GRID.question("q04")) == ()


def test_the_format_doc_shows_the_keys_of_each_question_and_the_measure_as_computed():
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("measure_fields", root / "tools" / "measure_fields.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = (root / "docs" / "project-format.md").read_text(encoding="utf-8")
    assert module.questions_table() in doc
    assert module.table() in doc
    totals = module.totals()
    assert totals["AFTER"] < totals["BEFORE"] and totals["TEXTS_AFTER"] < totals["TEXTS_BEFORE"]
    assert f"takes {totals['BEFORE']:,} fields under\nformat 1 and {totals['AFTER']:,} under format 2" in doc
