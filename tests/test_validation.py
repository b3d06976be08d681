"""Validating descriptions: the verdict, the results by grid entry, the YAML lines, completeness."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from cap_ptce.errors import InputFileError, ParameterError
from cap_ptce.grid import load_grid
from cap_ptce.project import convert, load_description
from cap_ptce.rdf.namespaces import CAP, SCHEMA, SHAPES
from cap_ptce.resources import data_dir
from cap_ptce.validation import validate_description, validate_file, validate_graph, validate_paths
from valid_description import COOP_SIRET, description, line_of, unanswered, write

ARTICLE_9_FR = "article 9 de la loi n° 2014-856 du 31 juillet 2014"


def shapes_of(report) -> list[str]:
    return [result.shape.removeprefix(str(SHAPES)) for result in report.results]


def corpus_files() -> list[Path]:
    return sorted(data_dir("corpus").glob("*.yaml"))


def test_there_is_a_sample_corpus():
    assert corpus_files()


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_sample_file_conforms(path):
    report = validate_file(path)
    assert report.conforms, [(r.line, r.message) for r in report.results]
    assert report.count("violation") == 0


def test_the_test_description_conforms_without_any_result(tmp_path):
    report = validate_file(write(description(), tmp_path / "ok.yaml"))
    assert report.conforms and report.results == ()
    assert (report.completeness.answered, report.completeness.total, report.completeness.ratio) == (18, 18, 1.0)


# --- the law: violations that name article 9 --------------------------------------------


def test_no_ess_enterprise_is_a_violation_of_article_9(tmp_path):
    data = description()
    coop, asso = data["acteurs"][0], data["acteurs"][1]
    coop.update(type="entreprise-hors-ess", ess=False)  # an SAS (5710) declared outside the ESS
    asso.update(type="entreprise-hors-ess", ess=False, categorie_juridique="5499")
    del asso["rna"]
    report = validate_file(write(data, tmp_path / "sans-ess.yaml"))
    assert not report.conforms
    [result] = [r for r in report.results if r.shape.endswith("#Art9EssEnterprise")]
    assert result.severity == "violation" and ARTICLE_9_FR in result.message
    assert (result.entry, result.question) == ("acteurs-impliques", "q07")
    assert result.line == line_of(tmp_path / "sans-ess.yaml", "acteurs:")


def test_no_enterprise_outside_the_ess_is_a_violation_of_article_9(tmp_path):
    data = description()
    sas = data["acteurs"][2]
    sas.update(ess=True, type="societe-commerciale-ess")
    report = validate_file(write(data, tmp_path / "sans-hors-ess.yaml"), lang="en")
    assert not report.conforms
    [result] = [r for r in report.results if r.shape.endswith("#Art9NonEssEnterprise")]
    assert "article 9 of law no. 2014-856" in result.message and ARTICLE_9_FR in result.message


def test_a_non_ess_actor_of_an_ess_kind_is_not_an_enterprise_outside_the_ess(tmp_path):
    data = description()
    data["acteurs"][2]["type"] = "cooperative"  # ess: false, but a cooperative is an ESS family
    shapes = shapes_of(validate_file(write(data, tmp_path / "x.yaml")))
    assert "Art9NonEssEnterprise" in shapes and "EssDeniedByStatus" in shapes


def test_no_territory_and_no_common_strategy_are_violations(tmp_path):
    data = description()
    del data["territoire"], data["strategie_commune"]
    report = validate_file(write(data, tmp_path / "x.yaml"))
    assert {"Art9Territory", "Art9CommonStrategy"} <= set(shapes_of(report))
    assert not report.conforms


# --- the décret: warnings, which do not fail ---------------------------------------------


def test_eligibility_conditions_are_warnings_that_do_not_fail(tmp_path):
    data = description()
    coop, asso, sas, agglo = data["acteurs"]
    for person in (asso, agglo):  # two residents: natural persons, neither legal persons nor public bodies
        for key in ("siren", "rna", "categorie_juridique"):
            person.pop(key, None)
        person.update(type="habitant", ess=False)
    data["structure_porteuse"]["acteur"] = "agglo-essai"
    report = validate_file(write(data, tmp_path / "x.yaml"))
    warnings = {r.shape.rsplit("#", 1)[1] for r in report.results if r.severity == "warning"}
    assert warnings == {
        "EligibilityLegalPersons",
        "EligibilityPublicOrKnowledgeActor",
        "EligibilityCarryingStructurePrivateLaw",
    }
    assert report.conforms and report.count("violation") == 0
    assert all("décret n° 2015-431" in r.message for r in report.results)


def test_a_public_body_cannot_be_the_carrying_structure(tmp_path):
    data = description()
    data["structure_porteuse"]["acteur"] = "agglo-essai"
    report = validate_file(write(data, tmp_path / "x.yaml"))
    [result] = report.results
    assert result.shape.endswith("#EligibilityCarryingStructurePrivateLaw")
    assert (result.entry, result.question, result.severity) == ("structure-porteuse", "q01", "warning")
    assert "7348 (Communauté d'agglomération)" in result.message


# --- structure: formats, and the YAML line --------------------------------------------------


def test_a_bad_siret_check_digit_fails_at_its_yaml_line(tmp_path):
    data = description()
    bad = COOP_SIRET[:-1] + str((int(COOP_SIRET[-1]) + 1) % 10)
    data["acteurs"][0]["siret"] = bad
    path = write(data, tmp_path / "siret.yaml")
    report = validate_file(path)
    [result] = report.results
    assert not report.conforms
    assert result.shape.endswith("#SiretCheckDigit") and result.value == bad
    assert result.line == line_of(path, bad)
    assert bad in result.message and "Luhn" in result.message


def test_a_negative_amount_is_refused_before_or_by_the_shapes(tmp_path):
    """The loader refuses it (exit 2); a Turtle file gets past the loader, so the shape refuses it."""
    graph = load_description(write(description(), tmp_path / "x.yaml")).graph
    funding = next(graph.subjects(RDF.type, CAP.Funding))
    graph.set((funding, SCHEMA.amount, Literal("-5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    assert shapes_of(validate_graph(graph)) == ["FundingAmount"]


def test_an_insee_code_result_points_at_the_key_that_lists_it(tmp_path):
    data = description()
    data["territoire"]["communes"] = ["80021", "20004"]  # Ajaccio's code before 1976
    path = write(data, tmp_path / "x.yaml")
    report = validate_file(path)
    [result] = report.results
    assert result.shape.endswith("#CommuneIsCurrent") and result.value == "20004"
    assert result.line == line_of(path, "20004") and "2A004 (Ajaccio)" in result.message


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_postal_code_given_as_a_commune_is_told_with_the_communes_it_serves(tmp_path, engine):
    """A carrier's walk of 2026-12-06: « 80000 », Amiens's postal code and no INSEE code, was said « unknown to the
    COG »."""
    data = description()
    data["acteurs"][0]["commune"] = "80000"
    path = write(data, tmp_path / "x.yaml")
    report = validate_file(path, engine=engine)
    [found] = [r for r in report.results if r.value == "80000"]
    assert found.shape.endswith("#CommuneCodeIsNoPostalCode") and found.severity == "violation"
    assert "c'est un code postal" in found.message and "Il dessert Amiens (80021)" in found.message
    assert found.line == line_of(path, "80000")


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_commune_code_that_is_also_a_postal_code_is_a_warning_naming_both_communes(tmp_path, engine):
    """A carrier's report: « 26100 », Romans-sur-Isère's postal code, typed as a seat and in the territory, was
    « conforme — 0 avertissement » and the dossier said « Siège : Combovin (26100) »: 26100 is Combovin's INSEE
    code too. A warning, not a violation (Combovin may be meant), saying what to write for each reading."""
    data = description()
    data["acteurs"][0]["commune"] = "26100"
    data["territoire"].update(communes=["26100"], departements=["26"], regions=["84"])
    del data["territoire"]["epci"]
    path = write(data, tmp_path / "x.yaml")
    report = validate_file(path, engine=engine)
    [result] = report.results
    assert report.conforms and result.severity == "info" and result.value == "26100"
    assert result.shape.endswith("#CommuneCodeIsAlsoPostalCode")
    assert result.line == line_of(path, "commune: '26100'")  # the first line that names it: the seat
    assert "désigne Combovin" in result.message and "qui dessert Romans-sur-Isère (26281)" in result.message
    assert "si vous vouliez dire Romans-sur-Isère, écrire 26281 ; si c'est bien Combovin" in result.message
    [english] = validate_file(path, engine=engine, lang="en").results
    assert "if you meant Romans-sur-Isère, write 26281; if you do mean Combovin" in english.message


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_commune_code_that_is_the_postal_code_of_several_communes_lists_them(tmp_path, engine):
    """Fismes's INSEE code, 51250, is the postal code of Sermaize-les-Bains and three more communes."""
    data = description()
    data["acteurs"][0]["commune"] = "51250"
    data["territoire"].update(communes=["51250"], departements=["51"], regions=["44"])
    del data["territoire"]["epci"]
    [result] = validate_file(write(data, tmp_path / "x.yaml"), engine=engine).results
    assert result.shape.endswith("#CommuneCodeIsAlsoPostalCode") and result.severity == "info"
    assert "Alliancelles (51006), Cheminon (51144), Sermaize-les-Bains (51531), Villers-le-Sec (51635)" in (
        result.message
    )
    assert "écrire son code INSEE" in result.message and "si c'est bien Fismes" in result.message


# --- completeness --------------------------------------------------------------------------


def test_one_result_per_unanswered_question_and_counts_per_entry(tmp_path):
    data = unanswered(description(), "q02", "q03", "q18")
    report = validate_file(write(data, tmp_path / "x.yaml"))
    missing = [(r.entry, r.question) for r in report.results if r.shape.rsplit("#", 1)[1].startswith("Answered-")]
    assert missing == [
        ("objectifs-vision-strategique", "q02"),
        ("objectifs-vision-strategique", "q03"),
        ("financement-previsionnel", "q18"),
    ]
    assert not report.conforms
    entries = {e.id: (e.answered, e.total, e.missing) for e in report.completeness.entries}
    assert entries["objectifs-vision-strategique"] == (3, 5, ("q02", "q03"))
    assert entries["financement-previsionnel"] == (2, 3, ("q18",))
    assert (report.completeness.answered, report.completeness.total) == (15, 18)


def test_the_template_with_its_placeholders_removed_fails_once_per_question(tmp_path):
    from cap_ptce.cli import main
    from cap_ptce.project.template import strip_placeholders

    template = tmp_path / "nouveau.yaml"
    assert main(["new", "--maturite", "emergent", "-o", str(template)]) == 0
    template.write_text(strip_placeholders(template.read_text(encoding="utf-8")), encoding="utf-8")
    report = validate_file(template)
    grid = load_grid()
    unanswered = [r for r in report.results if "#Answered-" in r.shape]
    assert [r.question for r in unanswered] == [q.id for q in grid.questions]
    for result, question in zip(unanswered, grid.questions):
        assert result.entry == question.entry_id
        assert question.future.fr in result.message  # an emerging project is asked in the future tense
    assert report.completeness.answered == 0 and not report.conforms


def test_an_established_project_is_asked_in_the_present_tense(tmp_path):
    data = description()
    del data["reponses"]["q12"]
    [result] = validate_file(write(data, tmp_path / "x.yaml")).results
    assert load_grid().question("q12").text.fr in result.message


# --- languages, formats, safety -------------------------------------------------------------


def test_english_messages_and_labels(tmp_path):
    data = description()
    del data["reponses"]["q04"]
    [result] = validate_file(write(data, tmp_path / "x.yaml"), lang="en").results
    assert (
        result.entry_label
        == load_grid().entry("objectifs-vision-strategique").label.en
        != load_grid().entry("objectifs-vision-strategique").label.fr
    )
    assert "is unanswered" in result.message and load_grid().question("q04").text.en in result.message


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(ParameterError):
        validate_file(write(description(), tmp_path / "x.yaml"), lang="de")


@pytest.mark.parametrize("target", ["turtle", "json-ld"])
def test_turtle_and_json_ld_forms_give_the_same_results(tmp_path, target):
    data = description()
    del data["strategie_commune"], data["reponses"]["q05"]
    source = write(data, tmp_path / "x.yaml")
    other = tmp_path / ("x.ttl" if target == "turtle" else "x.jsonld")
    other.write_text(convert(source, target), encoding="utf-8")
    key = lambda report: sorted((r.shape, r.focus, r.severity, r.value) for r in report.results)  # noqa: E731
    assert key(validate_file(other)) == key(validate_file(source))
    assert len(key(validate_file(source))) == 2


def test_data_never_acts_as_shapes(tmp_path):
    """Shapes inside a description are data: they add no constraint."""
    description_ = load_description(write(description(), tmp_path / "x.yaml"))
    graph = description_.graph
    evil = URIRef("http://example.org/evil-shape")
    graph.add((evil, RDF.type, SH.NodeShape))
    graph.add((evil, SH.targetClass, CAP.Project))
    graph.add((evil, SH.maxCount, Literal(0)))
    graph.add((evil, SH.path, SCHEMA.name))
    assert validate_graph(graph).results == ()


def test_validate_description_uses_the_lines_of_the_description(tmp_path):
    data = description()
    data["courriel"] = "pas-une-adresse"
    path = write(data, tmp_path / "x.yaml")
    [result] = validate_description(load_description(path)).results
    assert result.shape.endswith("#EmailAddress") and result.line == line_of(path, "pas-une-adresse")


def test_validate_paths_expands_folders_in_order(tmp_path):
    write(description(), tmp_path / "b.yaml")
    write(description(), tmp_path / "a.yml")
    (tmp_path / "notes.txt").write_text("pas une description", encoding="utf-8")
    reports = validate_paths([tmp_path])
    assert [Path(r.source).name for r in reports] == ["a.yml", "b.yaml"]
    with pytest.raises(InputFileError):
        validate_paths([tmp_path / "absent.yaml"])


def test_results_come_in_grid_order(tmp_path):
    data = description()
    del data["reponses"]["q18"], data["reponses"]["q01"], data["strategie_commune"]
    data["courriel"] = "x"
    report = validate_file(write(data, tmp_path / "x.yaml"))
    positions = {"general": 0} | {e.id: e.position for e in load_grid().entries}
    order = [positions[r.entry] for r in report.results]
    assert order == sorted(order) and report.results[0].entry == "general"


def test_a_graph_without_a_project_answers_nothing():
    graph = Graph()
    answer = URIRef("http://example.org/answer")
    graph.add((URIRef("http://example.org/not-a-project"), CAP.hasAnswer, answer))
    graph.add((answer, CAP.answers, URIRef("https://w3id.org/cap-ptce/grille/question/q01")))
    report = validate_graph(graph)
    assert report.completeness.answered == 0 and report.completeness.total == 18


def test_plain_pyshacl_on_the_exported_data_and_shapes_agrees(tmp_path):
    """What another engine would do with `cap-ptce export --what shapes` and the data graph."""
    from pyshacl import validate

    from cap_ptce.validation import data_graph, shapes_graph

    data = description()
    data["acteurs"][0]["siret"] = COOP_SIRET[:-1] + str((int(COOP_SIRET[-1]) + 1) % 10)
    del data["reponses"]["q09"]
    path = write(data, tmp_path / "x.yaml")
    ours = validate_file(path)
    plain_data = Graph().parse(
        data=data_graph(load_description(path).graph).serialize(format="turtle"), format="turtle"
    )
    plain_shapes = Graph().parse(data=shapes_graph().serialize(format="turtle"), format="turtle")
    conforms, report, _ = validate(plain_data, shacl_graph=plain_shapes, inference="none", allow_warnings=True)
    theirs = {
        (str(report.value(r, SH.sourceShape)), str(report.value(r, SH.focusNode)))
        for r in report.objects(None, SH.result)
    }
    assert theirs == {(r.shape, r.focus) for r in ours.results}
    assert conforms is ours.conforms is False and len(theirs) == 2


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_former_code_that_is_a_postal_code_is_told_as_both(tmp_path, engine):
    """The English carrier's walk of 2026-12-06: a seat « 75001 », Paris's postal code, was told only « its
    territory is now part of the commune 94002 (Alfortville). Give the code 94002 », the code it had until 1968."""
    data = description()
    data["territoire"]["communes"] = ["80021", "75001"]
    report = validate_file(write(data, tmp_path / "x.yaml"), engine=engine)
    [result] = report.results
    assert result.shape.endswith("#CommuneIsCurrent") and result.severity == "warning"
    assert "c'est un code postal, qui dessert Paris (75056)" in result.message
    assert "94002 (Alfortville)" in result.message and "Donner le code 94002" not in result.message
