"""The template of ``cap-ptce new``: every question in the right tense, placeholders, answers to fill."""

from __future__ import annotations

import re

import pytest

from cap_ptce.errors import ParameterError
from cap_ptce.grid import load_grid
from cap_ptce.project import load_description
from cap_ptce.project.template import PLACEHOLDERS, is_placeholder, question_text, strip_placeholders, template

GRID = load_grid()


def comment_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_emerging_project_gets_every_question_in_the_future_tense(lang):
    comments = comment_lines(template("emergent", lang))
    for question in GRID.questions:
        assert question.future.get(lang) in comments, question.id
        assert question.text.get(lang) not in comments or question.text.get(lang) == question.future.get(lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_established_project_gets_every_question_in_the_present_tense(lang):
    comments = comment_lines(template("etabli", lang))
    for question in GRID.questions:
        assert question_text(question, "etabli", lang) in comments, question.id
        assert question.future.get(lang) not in comments, question.id


def test_the_french_present_tense_uses_the_corrected_wording_where_the_source_has_a_typo():
    corrected = [q for q in GRID.questions if q.corrected]
    assert corrected, "the grid corrects at least one typo of the source"
    assert all(question_text(q, "etabli", "fr") == q.corrected for q in corrected)


def test_each_question_comes_with_its_examples_as_hints():
    comments = comment_lines(template("emergent", "fr"))
    for question in GRID.questions:
        for example in question.examples:
            assert example.label.fr in comments, example.id


def test_each_entry_heads_its_section():
    text = template("emergent", "en")
    positions = [text.index(f"Entry {e.position} — {e.label.en}") for e in GRID.entries]
    assert positions == sorted(positions)


def test_the_template_loads_and_has_an_empty_answer_for_each_question():
    description = load_description(template("emergent", "fr"))
    assert {key: value for key, value in description.data.items() if re.fullmatch(r"q[0-9]{2}", key)} == {
        q.id: "" for q in GRID.questions
    }
    assert description.data["maturite"] == "emergent" and description.data["format"] == 2


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_question_comes_once_with_its_keys_and_its_free_text_after_them(lang):
    text = template("etabli", lang)
    lines = text.splitlines()
    for question in GRID.questions:
        assert sum(line.startswith(f"# {question.id.upper()}. ") for line in lines) == 1, question.id
        [answer] = [n for n, line in enumerate(lines) if line.startswith(f"{question.id}: ")]
        heading = next(n for n, line in enumerate(lines) if line.startswith(f"# {question.id.upper()}. "))
        assert heading < answer, "the question comes before its free text"
        for key in question.fields:  # each key that answers it is shown between the question and its free text
            last = key.split(".")[-1]
            shown = rf"\s*(#\s*)?(- )?{last}:"
            assert any(re.match(shown, line) for line in lines[heading:answer]), (question.id, key)
        required = "aucune clé" if lang == "fr" else "no key"
        assert (required in lines[answer]) is not bool(question.fields), question.id


def test_the_example_blocks_load_once_their_comment_signs_are_removed():
    uncommented = re.sub(r"(?m)^(\s+)# (?=\s*(- |[a-z_]+:))", r"\1", template("etabli", "fr"))
    data = load_description(uncommented).data
    assert data["acteurs"][0]["id"] == "structure-porteuse" and data["groupes"][0]["type"] == "college"
    assert data["structure_porteuse"]["convention"] is not None and data["chiffres"][0]["indicateur"] == "etp"


def test_every_identifier_key_is_shown():
    text = template("emergent", "fr")
    for key in ("siren:", "siret:", "rna:", "categorie_juridique:", "commune:", "epci:", "qpv:"):
        assert key in text, key


def test_placeholders_are_recognisable_and_can_be_removed():
    text = template("etabli", "fr")
    data = load_description(text).data
    assert is_placeholder(data["nom"]) and data["nom"].startswith(PLACEHOLDERS["fr"])
    stripped = strip_placeholders(text)
    values = [line for line in stripped.splitlines() if not line.lstrip().startswith("#")]
    assert values and not any(PLACEHOLDERS["fr"] in line for line in values)
    assert load_description(stripped).data.get("nom") in (None, "")


def test_the_template_without_placeholders_reports_each_unanswered_question(tmp_path):
    from cap_ptce.validation import validate_file

    path = tmp_path / "vide.yaml"
    path.write_text(strip_placeholders(template("emergent", "fr")), encoding="utf-8")
    report = validate_file(path, lang="fr")
    assert not report.conforms
    assert (report.completeness.answered, report.completeness.total) == (0, 18)
    flagged = {r.question for r in report.results if r.severity == "violation" and r.question}
    assert flagged == {q.id for q in GRID.questions}
    assert all(r.line for r in report.results if r.question in flagged)


def test_unknown_maturity_or_language_is_a_parameter_error():
    with pytest.raises(ParameterError):
        template("mature", "fr")
    with pytest.raises(ParameterError):
        template("emergent", "de")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_group_s_head_count_is_hinted_as_a_count_not_an_amount(lang):
    """A carrier's finding of 2026-12-08: « nombre_membres » was hinted « 145, "environ 150", "20 à 25", "12 000 €" »,
    a sum of money among the examples of a number of members."""
    (line,) = (line for line in template("etabli", lang).splitlines() if "nombre_membres:" in line)
    assert "145" in line and "€" not in line
    chiffre = next(line for line in template("etabli", lang).splitlines() if "valeur:" in line)
    assert "€" in chiffre  # a figure of the pole may be an amount
