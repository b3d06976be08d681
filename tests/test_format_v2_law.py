"""What the law and the décret make of format 2: groups of members, consortium agreements, ranges of figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from cap_ptce.project import load_description
from cap_ptce.rdf.namespaces import CAP, SCHEMA, VOCAB
from cap_ptce.validation import validate_description, validate_file, validate_graph
from valid_description import description, write

SITUATIONS = Path(__file__).resolve().parents[1] / "examples" / "situations"


def shapes_of(report) -> set[str]:
    return {result.shape.rsplit("#", 1)[1] for result in report.results}


def with_group(tmp_path: Path, name: str, *, non_ess_firm: bool = True, ess_actors: bool = True, **group) -> Path:
    """The test description (no format key: both versions' keys) with a group of members, written to ``name``."""
    data = description()
    for actor in data["acteurs"]:
        if actor["type"] == "entreprise-hors-ess" and not non_ess_firm:
            actor.update(type="societe-commerciale-ess", ess=True)
        if not ess_actors and actor["type"] in ("association", "cooperative"):
            # companies outside the ESS: an association or a cooperative is in the ESS by its status (art. 1)
            actor.update(type="entreprise-hors-ess", ess=False, categorie_juridique="5499")
    data["groupes"] = [{"id": "groupe-essai", "nom": "Groupe d'essai", "type": "federation", **group}]
    return write(data, tmp_path / name)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_consortium_agreement_gets_the_decrees_warning_about_legal_personality(lang):
    report = validate_file(SITUATIONS / "convention-quinze-signataires.yaml", lang=lang)
    assert report.conforms and report.count("violation") == 0
    [result] = [r for r in report.results if r.shape.endswith("#EligibilityConsortiumAgreement")]
    assert result.severity == "warning" and result.question == "q01" and result.line is not None
    words = ("personnalité morale", "2015-431", "convention de consortium")
    words = words if lang == "fr" else ("legal personality", "2015-431", "consortium agreement")
    assert all(word in result.message for word in words), result.message


def test_a_carrying_legal_person_gets_no_consortium_warning():
    for name in ("scic-cinq-colleges", "holding-sas-associations", "federation-batiment"):
        assert "EligibilityConsortiumAgreement" not in shapes_of(validate_file(SITUATIONS / f"{name}.yaml"))


def test_a_building_federation_satisfies_the_non_ess_condition_of_the_law_and_the_decree():
    path = SITUATIONS / "federation-batiment.yaml"
    data = load_description(path).data
    assert not any(a.get("ess") in (False, "non") for a in data["acteurs"] if "entreprise" in str(a.get("type")))
    report = validate_file(path)
    assert report.conforms and not {"Art9NonEssEnterprise", "Art9EssEnterprise"} & shapes_of(report)
    assert report.count("warning") == 0, [r.message for r in report.results]


def test_a_group_mostly_outside_the_ess_counts_as_enterprises_outside_the_ess(tmp_path):
    assert "Art9NonEssEnterprise" not in shapes_of(validate_file(with_group(tmp_path, "tel-quel.yaml")))
    alone = shapes_of(validate_file(with_group(tmp_path, "seul.yaml", non_ess_firm=False)))
    # the group's make-up is unknown: it may be the enterprises outside the ESS, so it is asked, not said to fail
    assert "Art9NonEssEnterprise" not in alone and "GroupEssStatusUnknown" in alone
    grouping = with_group(tmp_path, "groupement.yaml", non_ess_firm=False, majoritairement_ess="non")
    assert "Art9NonEssEnterprise" not in shapes_of(validate_file(grouping))
    mostly_ess = with_group(tmp_path, "ess.yaml", non_ess_firm=False, majoritairement_ess="oui")
    assert "Art9NonEssEnterprise" in shapes_of(validate_file(mostly_ess))


def test_a_partner_group_does_not_count_for_the_law(tmp_path):
    partner = with_group(
        tmp_path, "partenaire.yaml", non_ess_firm=False, majoritairement_ess="non", relation="partenaire"
    )
    assert "Art9NonEssEnterprise" in shapes_of(validate_file(partner))


def test_a_group_mostly_in_the_ess_counts_as_ess_enterprises(tmp_path):
    outside = with_group(tmp_path, "a.yaml", ess_actors=False, majoritairement_ess="non")
    assert "Art9EssEnterprise" in shapes_of(validate_file(outside))
    unknown = shapes_of(validate_file(with_group(tmp_path, "b.yaml", ess_actors=False)))
    assert "Art9EssEnterprise" not in unknown and "GroupEssStatusUnknown" in unknown
    network = with_group(tmp_path, "c.yaml", ess_actors=False, type="reseau", majoritairement_ess="oui")
    assert "Art9EssEnterprise" not in shapes_of(validate_file(network))


def figure_graph(**values):
    """The SCIC situation's graph with one more figure of the project holding ``values``."""
    found = load_description(SITUATIONS / "scic-cinq-colleges.yaml")
    graph, figure = found.graph, URIRef(found.iri + "/chiffre/99")
    graph.add((found.iri, CAP.figure, figure))
    graph.add((figure, RDF.type, CAP.Figure))
    graph.add((figure, CAP.indicator, VOCAB["indicateurs/emplois"]))
    for name, number in values.items():
        predicate = RDF.value if name == "value" else SCHEMA[name]
        graph.add((figure, predicate, Literal(Decimal(number), datatype=XSD.decimal)))
    return graph


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_figure_has_a_value_or_an_ordered_range_never_both(engine):
    def shapes(**values):
        return shapes_of(validate_graph(figure_graph(**values), engine=engine))

    assert not {"FigureValue", "FigureRangeOrder"} & shapes(value=12)
    assert not {"FigureValue", "FigureRangeOrder"} & shapes(minValue=20, maxValue=25)
    assert "FigureValue" in shapes(value=12, minValue=20, maxValue=25)
    assert "FigureValue" in shapes()
    assert "FigureRangeOrder" in shapes(minValue=25, maxValue=20)
    assert "FigureRangeOrder" in shapes(minValue=20, maxValue=20)


def test_the_fast_engine_takes_every_shape_of_format_2(caplog):
    report = validate_description(load_description(SITUATIONS / "federation-batiment.yaml"), engine="fast")
    assert report.conforms and "pySHACL validates instead" not in caplog.text
