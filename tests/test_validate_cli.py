"""``cap-ptce validate``: exit codes, the four report forms, languages, output file."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF, SH

from cap_ptce.cli import main
from cap_ptce.resources import data_dir
from valid_description import COOP_SIRET, description, line_of, write


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run the command line in-process as the console script does: (exit code, stdout, stderr)."""
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def good(tmp_path) -> Path:
    return write(description(), tmp_path / "bon.yaml")


@pytest.fixture
def bad(tmp_path) -> Path:
    data = description()
    data["acteurs"][0]["siret"] = COOP_SIRET[:-1] + str((int(COOP_SIRET[-1]) + 1) % 10)
    for actor in data["acteurs"][:2]:  # no ESS enterprise left: two companies declared outside the ESS
        actor.update(type="entreprise-hors-ess", ess=False, categorie_juridique="5499")
        actor.pop("rna", None)
    del data["reponses"]["q04"]
    return write(data, tmp_path / "mauvais.yaml")


def report_schema() -> dict:
    text = resources.files("cap_ptce.validation").joinpath("validation-report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


# --- exit codes ------------------------------------------------------------------------------


def test_the_sample_corpus_conforms_exit_0(capsys):
    code, out, _ = run(capsys, str(data_dir("corpus")))
    assert code == 0
    for path in sorted(data_dir("corpus").glob("*.yaml")):
        assert f"{data_dir('corpus') / path.name} : conforme" in out


def test_a_description_that_does_not_conform_exit_1_with_file_and_line(capsys, bad):
    code, out, _ = run(capsys, str(bad))
    assert code == 1
    assert "non conforme" in out and "article 9 de la loi n° 2014-856 du 31 juillet 2014" in out
    assert f"{bad}:{line_of(bad, 'siret:')}" in out
    assert "Acteurs impliqués  [1/1]" in out and "Objectifs et vision stratégique  [4/5]" in out
    assert "Complétude : 17/18 questions (94 %)" in out


def test_one_bad_file_among_good_ones_exit_1(capsys, good, bad):
    code, out, _ = run(capsys, str(good), str(bad))
    assert code == 1 and "2 fichier(s) : 1 conforme(s), 1 non conforme(s)" in out


def test_an_unknown_key_exit_2_with_the_nearest_key(capsys, tmp_path):
    data = description()
    data["nmo"] = data.pop("nom")
    path = write(data, tmp_path / "cle.yaml")
    code, out, err = run(capsys, str(path))
    assert code == 2 and f"{path} : illisible — {path}:" in out and "'nom'" in out
    assert "Traceback" not in out + err


def test_a_missing_file_exit_2(capsys, tmp_path):
    code, out, _ = run(capsys, str(tmp_path / "absent.yaml"))
    assert code == 2 and f"{tmp_path / 'absent.yaml'} : illisible" in out and "introuvable" in out


def test_a_folder_without_descriptions_exit_2(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("rien", encoding="utf-8")
    code, out, _ = run(capsys, str(tmp_path))
    assert code == 2 and f"{tmp_path} : illisible" in out and "aucune description" in out and ".yaml" in out


@pytest.fixture
def unreadable(tmp_path) -> Path:
    data = description()
    data["nmo"] = data.pop("nom")
    return write(data, tmp_path / "illisible.yaml")


def test_an_unreadable_file_does_not_stop_the_others_exit_2(capsys, good, unreadable, bad):
    code, out, err = run(capsys, str(good), str(unreadable), str(bad))
    assert code == 2  # an unreadable file outweighs a description that does not conform
    assert f"{good} : conforme" in out and f"{bad} : non conforme" in out
    assert f"{unreadable} : illisible — {unreadable}:{line_of(unreadable, 'nmo')}" in out
    assert "3 fichier(s) : 1 conforme(s), 1 non conforme(s), 1 illisible(s)" in out
    assert err == ""  # the report on the terminal already says it


@pytest.mark.parametrize("fmt", ["json", "turtle", "html"])
def test_every_format_names_the_unreadable_file(capsys, fmt, good, unreadable):
    code, out, err = run(capsys, str(unreadable), str(good), "--format", fmt)
    assert code == 2 and str(good) in out and str(unreadable) in out and "nmo" in out
    assert f"{unreadable}:{line_of(unreadable, 'nmo')}" in err  # a report read by a program: stderr says it too


def test_json_gives_the_unreadable_file_an_error_entry(capsys, good, unreadable, bad):
    _, out, _ = run(capsys, str(good), str(unreadable), str(bad), "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, report_schema())
    assert [f["file"] for f in data["files"]] == [str(good), str(unreadable), str(bad)]
    entry = data["files"][1]
    assert entry["conforms"] is False and entry["results"] == [] and "completeness" not in entry
    assert entry["error"]["line"] == line_of(unreadable, "nmo") and "nmo" in entry["error"]["message"]
    assert "nom" in entry["error"]["hint"] and data["conforms"] is False
    del entry["error"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema())


def test_turtle_gives_the_unreadable_file_a_report_that_does_not_conform(capsys, unreadable):
    _, out, _ = run(capsys, str(unreadable), "--format", "turtle")
    graph = Graph().parse(data=out, format="turtle")
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert str(graph.value(report, DCTERMS.source)) == str(unreadable)
    assert graph.value(report, SH.conforms).toPython() is False and "nmo" in str(
        graph.value(report, DCTERMS.description)
    )


def test_jobs_give_the_same_report(capsys, tmp_path):
    from cap_ptce.project.generate import write_synthetic

    folder = tmp_path / "many"
    write_synthetic(90, folder, seed=1)
    (folder / "zz-illisible.yaml").write_text("nmo: x\n", encoding="utf-8")
    one = run(capsys, str(folder), "--format", "json")
    two = run(capsys, str(folder), "--format", "json", "--jobs", "2")
    assert one == two and one[0] == 2 and len(json.loads(one[1])["files"]) == 91


def test_an_unknown_format_exit_2(capsys, good):
    code, _, err = run(capsys, str(good), "--format", "pdf")
    assert code == 2 and "pdf" in err


def test_the_installed_command_returns_the_exit_codes(good, bad):
    command = [str(Path(sys.executable).parent / "cap-ptce"), "validate"]
    assert subprocess.run([*command, str(good)], capture_output=True).returncode == 0
    assert subprocess.run([*command, str(bad)], capture_output=True).returncode == 1


# --- forms -------------------------------------------------------------------------------------


def test_json_follows_its_published_schema(capsys, good, bad):
    code, out, _ = run(capsys, str(good), str(bad), "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, report_schema())
    assert code == 1 and data["conforms"] is False and data["version"] == 1
    first, second = data["files"]
    assert first["conforms"] is True and first["results"] == [] and first["completeness"]["ratio"] == 1.0
    by_shape = {r["shape"].rsplit("#", 1)[1]: r for r in second["results"]}
    assert by_shape["SiretCheckDigit"]["line"] == line_of(bad, "siret:")
    assert by_shape["Answered-q04"]["question"] == "q04"
    assert by_shape["Answered-q04"]["entry"] == "objectifs-vision-strategique"
    assert second["completeness"]["answered"] == 17


def test_the_schema_rejects_a_report_missing_a_field(capsys, good):
    _, out, _ = run(capsys, str(good), "--format", "json")
    data = json.loads(out)
    del data["files"][0]["completeness"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema())


def test_turtle_is_the_shacl_report_of_each_file(capsys, good, bad):
    code, out, _ = run(capsys, str(good), str(bad), "--format", "turtle")
    graph = Graph().parse(data=out, format="turtle")
    reports = {str(graph.value(r, DCTERMS.source)): r for r in graph.subjects(RDF.type, SH.ValidationReport)}
    assert set(reports) == {str(good), str(bad)}
    assert graph.value(reports[str(bad)], SH.conforms).toPython() is False
    assert len(list(graph.objects(reports[str(bad)], SH.result))) == 3  # SIRET, no ESS enterprise, q04


def test_html_is_a_standalone_escaped_page(capsys, tmp_path):
    data = description()
    data["courriel"] = "<b>@x"
    path = write(data, tmp_path / "a<b>&c.yaml")
    code, out, _ = run(capsys, str(path), "--format", "html")
    assert code == 1 and out.startswith("<!DOCTYPE html>") and '<html lang="fr">' in out
    assert "a&lt;b&gt;&amp;c.yaml" in out and "a<b>&c.yaml" not in out
    assert "<script" not in out and "http" not in out.split("<body>")[0]  # nothing fetched


def test_english_report(capsys, bad):
    code, out, _ = run(capsys, str(bad), "--lang", "en")
    assert code == 1 and "does not conform" in out and "Completeness: 17/18 questions" in out
    assert "article 9 of law no. 2014-856" in out


def test_output_file(capsys, tmp_path, bad):
    target = tmp_path / "rapport.json"
    code, out, _ = run(capsys, str(bad), "--format", "json", "-o", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["files"][0]["conforms"] is False


def test_an_unwritable_output_exit_2(capsys, tmp_path, good):
    code, _, err = run(capsys, str(good), "-o", str(tmp_path / "absent" / "rapport.txt"))
    assert code == 2 and "rapport.txt" in err


def test_the_options_offer_every_renderer_and_language():
    from cap_ptce.cli.validate import validate
    from cap_ptce.i18n import LANGUAGES
    from cap_ptce.validation.render import RENDERERS

    choices = {param.name: tuple(param.type.choices) for param in validate.params if hasattr(param.type, "choices")}
    assert choices["fmt"] == tuple(RENDERERS) and choices["lang"] == LANGUAGES


def test_help_shows_examples_and_exit_codes(cap_ptce):
    result = cap_ptce("validate", "--help")
    assert result.exit_code == 0
    assert "cap-ptce validate mon-ptce.yaml" in result.output and "--format json" in result.output
    assert "2  un fichier illisible" in result.output and "--jobs" in result.output


def test_turtle_messages_keep_their_language(capsys, bad):
    _, out, _ = run(capsys, str(bad), "--format", "turtle")
    graph = Graph().parse(data=out, format="turtle")
    messages = list(graph.objects(None, SH.resultMessage))
    assert messages and all(m.language in ("fr", "en") for m in messages)
    assert any(m.language == "fr" and "SIRET" in m and "Luhn" in m for m in messages)


def test_an_impossible_iri_is_said_once_in_the_carriers_words(tmp_path):
    """A retest: rdflib's own warning, in English (« … does not look like a valid URI, trying to serialize this
    will break »), came on stderr before the message about the same IRI."""
    path = tmp_path / "pole.ttl"
    path.write_text(
        "@prefix cap: <https://w3id.org/cap-ptce/def#> .\n"
        "<https://w3id.org/cap-ptce/projet/x> a cap:Project ; cap:y <https://celea\\u0020figeac.example.org> .\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, "-m", "cap_ptce", "validate", str(path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "IRI impossible" in done.stdout + done.stderr and "does not look like" not in done.stdout + done.stderr
