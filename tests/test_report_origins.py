"""The validation report states its true verdict first, and each result's origin: law, décret, grid or format."""

from __future__ import annotations

import json
import re

import pytest

from cap_ptce.cli import main
from cap_ptce.validation import validate_file
from valid_description import COOP_SIRET, description, write


def run(capsys, *args: str) -> str:
    main(["validate", *args])
    return capsys.readouterr().out


@pytest.fixture
def bad(tmp_path):
    """A wrong SIRET check digit (format), no ESS enterprise (law, art. 9), an unanswered question (grid)."""
    data = description()
    data["acteurs"][0]["siret"] = COOP_SIRET[:-1] + str((int(COOP_SIRET[-1]) + 1) % 10)
    for actor in data["acteurs"][:2]:
        actor.update(type="entreprise-hors-ess", ess=False, categorie_juridique="5499")
        actor.pop("rna", None)
    del data["reponses"]["q04"]
    return write(data, tmp_path / "mauvais.yaml")


@pytest.fixture
def short_answer(tmp_path):
    """A conforming description whose only warning is the grid's: a one-word answer."""
    data = description()
    data["reponses"]["q05"] = "Emplois"
    return write(data, tmp_path / "courte.yaml")


def test_the_html_report_of_a_file_that_fails_opens_with_its_verdict_and_counts(capsys, bad):
    report = validate_file(bad, lang="fr")
    violations = report.count("violation")
    assert violations >= 3 and not report.conforms
    html = run(capsys, str(bad), "--format", "html")
    assert "Conforme" not in html  # neither as a verdict nor as a legend read as one
    first = re.search(r"<h1>.*?</h1>\s*<p[^>]*>(.*?)</p>", html, re.S).group(1)
    assert first == f"Non conforme — {violations} violation(s), {report.count('warning')} avertissement(s)"


def test_the_html_report_of_a_conforming_file_says_so_first(capsys, short_answer):
    html = run(capsys, str(short_answer), "--format", "html", "--lang", "en")
    first = re.search(r"<h1>.*?</h1>\s*<p[^>]*>(.*?)</p>", html, re.S).group(1)
    assert first == "Conforms — 0 violation(s), 1 warning(s)"


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_the_html_report_says_which_project_when_and_by_what_and_each_entry_without_results(
    capsys, short_answer, engine
):
    from datetime import date
    from html import escape

    from cap_ptce.grid import load_grid

    html = run(capsys, str(short_answer), "--format", "html", "--engine", engine)
    name = description()["nom"]
    assert f"<p>Projet décrit : <strong>{escape(name)}</strong></p>" in html
    assert f"Vérification du {date.today().isoformat()} par CAP PTCE " in html
    assert f"(grille CAP PTCE {load_grid().version})" in html
    assert html.count("<p>Rien à signaler.</p>") == len(load_grid().entries) - 1  # all but q05's entry


def test_a_grid_warning_is_not_said_to_come_from_the_decree(capsys, short_answer):
    report = validate_file(short_answer, lang="fr")
    assert report.conforms and [r.severity for r in report.results] == ["warning"]
    html = run(capsys, str(short_answer), "--format", "html")
    assert "avertissements (décret" not in html.lower()
    assert "<p>Avertissements : 1 grille CAP PTCE.</p>" in html
    assert re.search(r'<td class="warning">avertissement</td><td>grille CAP PTCE</td><td>q05</td>', html)
    text = run(capsys, str(short_answer))
    assert "  Avertissements : 1 grille CAP PTCE." in text and "avertissement q05 (grille CAP PTCE)" in text
    assert "décret" not in text


def test_each_result_names_the_origin_of_its_shape(capsys, bad):
    data = json.loads(run(capsys, str(bad), "--format", "json"))
    origins = {r["shape"].rsplit("#", 1)[-1]: r["origin"] for r in data["files"][0]["results"]}
    assert origins["SiretCheckDigit"] == "format"
    assert origins["Art9EssEnterprise"] == "law"
    assert origins["Answered-q04"] == "grid"
    text = run(capsys, str(bad), "--lang", "en")
    assert re.search(
        r"Violations: (\d+ structure and formats; )?\d+ law no\. 2014-856 \(art\. 9\); \d+ CAP PTCE grid\.", text
    )


def test_each_check_of_the_law_is_labelled_with_its_article(capsys, tmp_path):
    """Article 1 says who belongs to the SSE, article 9 what makes a PTCE (finding: ess and type contradicting
    each other were labelled art. 9)."""
    from cap_ptce.validation.origins import shape_origin

    data = description()
    data["acteurs"][2]["ess"] = True  # « ess: true » and « type: entreprise-hors-ess »
    del data["strategie_commune"]
    path = write(data, tmp_path / "contradiction.yaml")
    report = validate_file(path, lang="fr")
    assert {r.shape.rsplit("#", 1)[1]: shape_origin(r.shape) for r in report.results} == {
        "EssDeclaredOutsideKind": "law-art1",
        "EssStatusUnknownNoNonEss": "law",  # the only enterprise outside the ESS: article 9 has none known
        "Art9CommonStrategy": "law",
    }
    text = run(capsys, str(path))
    assert "Violations : 1 loi n° 2014-856 (art. 1) ; 1 loi n° 2014-856 (art. 9)." in text  # one mistake, once
    assert "Avertissements : 1 loi n° 2014-856 (art. 9)." in text
    assert re.search(
        r"violation q07 \(loi n° 2014-856 \(art\. 1\)\) — .*\n +SAS d'essai : « ess », qui dit oui, et « type: entreprise-hors-ess » se contredisent",
        text,
    )


def test_a_decree_condition_is_a_warning_of_the_decree(capsys, tmp_path):
    data = description()
    data["acteurs"] = [a for a in data["acteurs"] if a["id"] != "agglo-essai"]  # no local authority, no research
    path = write(data, tmp_path / "sans-collectivite.yaml")
    report = validate_file(path, lang="fr")
    results = json.loads(run(capsys, str(path), "--format", "json"))["files"][0]["results"]
    decree = [r for r in results if r["origin"] == "decree"]
    assert [r["shape"].rsplit("#", 1)[-1] for r in decree] == ["EligibilityPublicOrKnowledgeActor"]
    assert decree[0]["severity"] == "warning" and report.conforms
    assert "Avertissements : 1 décret n° 2015-431." in run(capsys, str(path))


def test_the_validators_html_report_download_opens_with_the_verdict(client, bad):
    response = client.post("/valider", data={"texte": bad.read_text(encoding="utf-8"), "rapport": "html"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Conforme" not in html
    assert re.search(r'<p class="verdict ko">Non conforme — \d+ violation\(s\), \d+ avertissement\(s\)</p>', html)
