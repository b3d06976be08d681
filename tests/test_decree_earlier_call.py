"""Décret n° 2015-431 lets a PTCE answer a State call for projects only if no earlier one supported it.

Reported by a carrier: the file recorded the pole's selection in the State's 2013 call for projects, and a
State funding, yet the dossier's annex said "Décret n° 2015-431 … 0 avertissement". A selection in one of the
State's PTCE calls for projects (2013, 2015) is now a warning of the décret that names the call and the year the
file gives. The AMI PTCE (calls for expressions of interest, not calls for projects), another kind of
recognition and another call say nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cap_ptce.validation import validate_file
from cap_ptce.validation.origins import shape_origin
from test_checks_v2 import shapes, validated
from valid_description import line_of

SHAPE = "EligibilityNoEarlierCallForProjects"
STATE_FUNDING = {
    "financeur": "État",
    "type_financeur": "etat",
    "montant": 50000,
    "nature": "fonctionnement",
    "statut": "active",
}


def recognised(*recognitions: dict, funded: bool = False):
    def change(data: dict) -> None:
        data.setdefault("reconnaissances", []).extend(recognitions)
        if funded:
            data["financements"].append(dict(STATE_FUNDING))

    return change


LAUREATE_2013 = {"type": "selection-etat", "appel": "aap-ptce-2013", "annee": 2014, "nom": "Lauréat"}
LAUREATE_2015 = {"type": "selection-etat", "appel": "aap-ptce-2015"}

# Neither is a selection in a State call for projects: the décret's condition says nothing of them.
NOT_A_CALL_FOR_PROJECTS = {
    "ami-2021-phase-2": {"type": "selection-etat", "appel": "ami-ptce-2021", "phase": 2, "annee": 2021},
    "ami-2022-phase-1": {"type": "selection-etat", "appel": "ami-ptce-2022", "phase": 1, "annee": 2022},
    "ami-2025": {"type": "selection-etat", "appel": "ami-ptce-2025", "annee": 2025},
    "a-label-that-names-the-2013-call": {"type": "label", "appel": "aap-ptce-2013", "annee": 2013},
    "a-prize": {"type": "prix", "annee": 2014, "nom": "Prix de l'innovation sociale"},
    "a-regional-call": {
        "type": "selection-etat",
        "appel": "autre",
        "appel_autre": "Appel à projets régional ESS 2014",
        "annee": 2014,
    },
}


def test_a_laureate_of_the_2013_call_for_projects_is_told_a_new_application_would_not_be_eligible(tmp_path):
    path, report = validated(tmp_path, recognised(LAUREATE_2013, funded=True))
    [result] = report.results
    assert result.shape.endswith("#" + SHAPE) and result.severity == "warning" and report.conforms
    assert result.line == line_of(path, "appel: aap-ptce-2013")
    assert shape_origin(result.shape) == "decree"  # the dossier's annex counts it under the décret
    message = result.message
    # what the file says, with its keys; the call and the year it gives
    assert "l'État a retenu le pôle en 2014 à son appel à projets PTCE de 2013" in message
    assert "(« type: selection-etat », « appel: aap-ptce-2013 »)" in message
    # what the décret asks, and what it means for the carrier
    assert "décret n° 2015-431 du 15 avril 2015" in message
    assert "déjà bénéficié d'un soutien de l'État dans le cadre d'un précédent appel à projets" in message
    assert "Une nouvelle candidature du pôle à un appel à projets de l'État régi par ce décret ne serait" in message
    # a carrier answering an AMI PTCE read « pas éligible » (finding of 2026-12-07): the message says what it covers
    assert "Un AMI PTCE (appel à manifestation d'intérêt, comme ceux de 2021 à 2025) n'est pas un appel à projets " in (
        message
    )
    assert "ce message ne dit rien de l'éligibilité à un AMI" in message


def test_the_warning_speaks_english_too(tmp_path):
    path, _report = validated(tmp_path, recognised(LAUREATE_2013))
    [result] = validate_file(path, lang="en").results
    assert "the State selected the pole in 2014 in its 2013 PTCE call for projects" in result.message
    assert "(“type: selection-etat”, “appel: aap-ptce-2013”)" in result.message
    assert "A new application of the pole to a State call for projects under this decree would" in result.message


def test_without_a_year_the_call_names_its_own(tmp_path):
    _path, report = validated(tmp_path, recognised(LAUREATE_2015))
    [result] = report.results
    assert "l'État a retenu le pôle à son appel à projets PTCE de 2015 (« type: selection-etat »" in result.message


def test_a_span_of_years_is_given_as_such(tmp_path):
    _path, report = validated(tmp_path, recognised({**LAUREATE_2013, "annee": "2013-2014"}))
    [result] = report.results
    assert "l'État a retenu le pôle entre 2013 et 2014 à son appel à projets PTCE de 2013" in result.message


def test_each_selection_in_a_call_for_projects_is_named_at_its_line(tmp_path):
    path, report = validated(tmp_path, recognised(LAUREATE_2013, {**LAUREATE_2015, "annee": 2016}))
    assert shapes(report) == [SHAPE, SHAPE]
    lines = {result.line: result.message for result in report.results}
    assert "appel à projets PTCE de 2013" in lines[line_of(path, "appel: aap-ptce-2013")]
    assert "en 2016 à son appel à projets PTCE de 2015" in lines[line_of(path, "appel: aap-ptce-2015")]


@pytest.mark.parametrize("name", sorted(NOT_A_CALL_FOR_PROJECTS))
def test_an_ami_another_recognition_or_another_call_says_nothing(name, tmp_path):
    _path, report = validated(tmp_path, recognised(NOT_A_CALL_FOR_PROJECTS[name], funded=True))
    assert report.results == (), [(r.shape, r.message) for r in report.results]


def test_an_ami_besides_a_call_for_projects_adds_nothing(tmp_path):
    _path, report = validated(tmp_path, recognised(LAUREATE_2013, NOT_A_CALL_FOR_PROJECTS["ami-2021-phase-2"]))
    assert shapes(report) == [SHAPE]


def test_the_samples_laureates_of_a_call_for_projects_are_told(tmp_path):
    """The SCIC of five colleges (2013 call for projects, 2021 AMI) and Fil solidaire (2015 call for projects)."""
    root = Path(__file__).resolve().parents[1] / "examples"
    for path, call in (
        (root / "situations" / "scic-cinq-colleges.yaml", "aap-ptce-2013"),
        (root / "corpus" / "fil-solidaire-metropole-lilloise.yaml", "aap-ptce-2015"),
    ):
        [result] = [r for r in validate_file(path).results if r.shape.endswith("#" + SHAPE)]
        assert result.line == line_of(path, f"appel: {call}") and f"« appel: {call} »" in result.message


# For tests/test_message_claims.py, which reads each message against its description.
FAULTS = {
    "laureate-of-2013": recognised(LAUREATE_2013, funded=True),
    "laureates-of-2013-and-2015": recognised(LAUREATE_2013, LAUREATE_2015, NOT_A_CALL_FOR_PROJECTS["ami-2021-phase-2"]),
}
