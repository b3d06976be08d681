"""The situations of real poles can be written: each sample says what examples/situations/README.md says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from cap_ptce.geo import load_geography
from cap_ptce.project import description_to_yaml, load_description, to_turtle
from cap_ptce.rdf.namespaces import CAP, ORG, SCHEMA, VOCAB
from cap_ptce.validation import validate_file

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "situations"
FILES = sorted(FOLDER.glob("*.yaml"))


def load(name: str):
    return load_description(FOLDER / f"{name}.yaml")


def canonical(name: str) -> dict:
    """The situation's data as the writer gives it back (oui → true, 5499 → "5499"…)."""
    return load_description(description_to_yaml(load(name).graph)).data


def kind(scheme: str, concept: str) -> URIRef:
    return VOCAB[f"{scheme}/{concept}"]


def value(graph, figure) -> Decimal:
    return graph.value(figure, RDF.value).toPython()


def test_every_situation_of_the_issue_has_its_file():
    assert {p.stem for p in FILES} == {
        "scic-cinq-colleges",
        "convention-quinze-signataires",
        "holding-sas-associations",
        "grappe-entreprises-creatives",
        "federation-batiment",
    }
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    assert all(f"({p.name})" in readme for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_situation_loads_goes_back_to_yaml_without_loss_and_is_complete(path: Path):
    description = load_description(path)
    assert description.data["fictif"] is True and "DESCRIPTION FICTIVE" in path.read_text(encoding="utf-8")
    again = load_description(description_to_yaml(description.graph))
    assert isomorphic(again.graph, description.graph)
    assert isomorphic(load_description(to_turtle(description.graph), format="turtle").graph, description.graph)
    report = validate_file(path)
    assert (report.completeness.answered, report.completeness.total) == (18, 18)
    assert not [
        r for r in report.results if r.severity == "violation" and not r.shape.rsplit("#")[1].startswith("Art9")
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_places_of_a_situation_are_real_and_consistent(path: Path):
    geo, territory = load_geography(), load_description(path).data["territoire"]
    for code in territory.get("communes", []):
        commune = geo.commune(code)
        assert commune is not None and commune.departement in territory["departements"], code
    for siren in territory.get("epci", []):
        assert geo.epci(siren) is not None, siren
    for departement in territory["departements"]:
        assert any(geo.departement_in_region(departement, region) for region in territory["regions"])


def test_a_scic_whose_members_sit_in_five_colleges_one_with_an_epci():
    description = load("scic-cinq-colleges")
    graph, project = description.graph, description.iri
    scic = graph.value(project, CAP.carryingStructure)
    assert (scic, ORG.classification, kind("types-acteurs", "cooperative")) in graph
    colleges = list(graph.subjects(ORG.subOrganizationOf, scic))
    assert len(colleges) == 5
    assert all((c, ORG.classification, kind("types-groupes", "college")) in graph for c in colleges)
    members = {m for c in colleges for m in graph.objects(c, ORG.hasMember)}
    assert any((m, ORG.classification, kind("types-acteurs", "epci")) in graph for m in members)
    growth = sorted(
        (int(str(graph.value(f, CAP.year))), value(graph, f))
        for f in graph.objects(project, CAP.figure)
        if (f, CAP.indicator, kind("indicateurs", "membres")) in graph
    )
    assert growth == [(2015, 48), (2024, 70)]
    assert (project, CAP.yearFrom, Literal("2002", datatype=XSD.gYear)) in graph


def test_an_insertion_company_that_is_a_sarl_with_the_esus_approval():
    for name, actor in (("scic-cinq-colleges", "vesle-insertion"), ("federation-batiment", "batir-insertion")):
        data = next(a for a in canonical(name)["acteurs"] if a["id"] == actor)
        assert "structure-insertion" in data["type"] and data["categorie_juridique"] == "5499"
        assert data["agrement_esus"] is True and data["ess"] is True


def test_a_territory_over_two_departements_of_two_regions():
    territory = load("scic-cinq-colleges").data["territoire"]
    assert territory["departements"] == ["02", "51"] and territory["regions"] == ["32", "44"]
    assert [part["departement"] for part in territory["parties"]] == ["02", "51"]


def test_a_consortium_agreement_with_fifteen_signatories_four_of_them_named():
    description = load("convention-quinze-signataires")
    graph, project = description.graph, description.iri
    assert graph.value(project, CAP.carryingStructure) is None
    assert (project, CAP.carryingArrangement, kind("portages", "convention-consortium")) in graph
    agreement = graph.value(project, CAP.consortiumAgreement)
    named = set(graph.objects(agreement, CAP.signatory))
    count = graph.value(agreement, CAP.signatoryCount)
    assert len(named) == 4 and value(graph, count) == 15 and (count, CAP.approximate, Literal(True)) in graph
    public = {kind("types-acteurs", "epci"), kind("types-acteurs", "collectivite-territoriale")}
    assert sum(bool(set(graph.objects(s, ORG.classification)) & public) for s in named) == 2
    report = validate_file(FOLDER / "convention-quinze-signataires.yaml")
    assert report.conforms and any(r.severity == "warning" and r.question == "q01" for r in report.results)


def test_an_sas_holding_carries_the_pole_with_associations():
    data = canonical("holding-sas-associations")
    carrier = next(a for a in data["acteurs"] if a["id"] in data["structure_porteuse"]["porteurs"])
    assert carrier["categorie_juridique"] == "5710" and carrier["ess"] is False
    associations = [a for a in data["acteurs"] if a["type"] == "association" and a.get("relation") != "partenaire"]
    assert len(associations) == 3
    assert validate_file(FOLDER / "holding-sas-associations.yaml").conforms


def test_a_cluster_of_twenty_to_twenty_five_creative_firms_without_documented_ess_status():
    description = load("grappe-entreprises-creatives")
    graph = description.graph
    [cluster] = list(graph.subjects(ORG.classification, kind("types-groupes", "grappe")))
    count = graph.value(cluster, CAP.groupMemberCount)
    assert (graph.value(count, SCHEMA.minValue).toPython(), graph.value(count, SCHEMA.maxValue).toPython()) == (20, 25)
    assert graph.value(cluster, CAP.mostlyESS) is None
    assert all(graph.value(m, CAP.isESS) is None for m in graph.objects(cluster, ORG.hasMember))


def test_a_building_federation_is_the_only_link_to_enterprises_outside_the_ess():
    description = load("federation-batiment")
    graph, data = description.graph, description.data
    [federation] = list(graph.subjects(ORG.classification, kind("types-groupes", "federation")))
    assert (federation, CAP.mostlyESS, Literal(False)) in graph
    assert graph.value(federation, CAP.groupOrganization) == URIRef(f"{description.iri}/acteur/federation-btp-12")
    assert not any("entreprise-hors-ess" in str(a["type"]) for a in data["acteurs"])
    count = graph.value(federation, CAP.groupMemberCount)
    assert value(graph, count) == 180 and (count, CAP.approximate, Literal(True)) in graph
