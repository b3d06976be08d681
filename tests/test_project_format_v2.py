"""Format version 2: every new key loads into its terms, goes back to YAML, and is refused with its line when wrong."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from cap_ptce.errors import InputError, UnknownKeyError, YamlError
from cap_ptce.grid import load_grid
from cap_ptce.project import description_to_yaml, load_description, to_jsonld, to_turtle
from cap_ptce.project.build import build_document
from cap_ptce.project.graph import document_graph, jsonld_graph
from cap_ptce.rdf.namespaces import CAP, DCTERMS, IGEO, ORG, SCHEMA, VOCAB
from cap_ptce.validation.completeness import answering_keys
from cap_ptce.yamlstrict import load_yaml

BASE = "https://w3id.org/cap-ptce/"
P = URIRef(BASE + "projet/essai-v2")

# Each block is numbered by its line in the comments below, so that the tests can name lines.
V2 = """\
fictif: true
format: 2
id: essai-v2
nom: "Pôle d'essai"
maturite: etabli
date_creation: "2002 ou 2004"
structure_porteuse:
  portage: convention-consortium
  porteurs: [scic]
  convention:
    date: 15/03/2019
    signataires: [scic, college-elus]
    nombre_signataires: "environ 15"
    source: "https://exemple.org/convention.pdf"
q01: "Une réponse libre."
acteurs:
  - id: scic
    nom: "SCIC Essai"
    type: [cooperative, structure-insertion]
    ess: oui
    agrement_esus: oui
    statuts_ess: vrai
    siren: "459 880 001"
    chiffres:
      - indicateur: etp
        valeur: "145,5"
        annee: 2023
        source: "Rapport d'activité 2023"
  - id: agglo
    nom: "Agglo"
    type: epci
    ess: non
    siren: 248000531
  - id: ea
    nom: "EA"
    relation: partenaire
    type: autre
    type_autre: "Entreprise adaptée"
    roles: ["Partenaire technique"]
    depuis: 2021
groupes:
  - id: college-elus
    nom: "Collège des collectivités"
    type: college
    au_sein_de: scic
    membres: [agglo]
    nombre_membres: 3
  - id: grappe
    nom: "Grappe créative"
    type: grappe
    relation: partenaire
    nombre_membres: "20 à 25"
    majoritairement_ess: non
  - id: federation
    nom: "Fédération du bâtiment"
    type: federation
    personne_morale: agglo
    nombre_membres:
      valeur: 48
      annee: 2015
      source: "Rapport d'activité 2023"
territoire:
  departements: [80, "60"]
  regions: ["32"]
  qpv: ["QN08001M"]
  petr: ["PETR du Grand Amiénois"]
  parties:
    - departement: "60"
      description: "le nord du département"
  population: "environ 26 000"
  evolutions:
    - annee: 2018
      description: "Extension à l'Oise"
      departements: ["60"]
financements:
  - financeur: "Région"
    montant: "12 000,50 €"
chiffres:
  - indicateur: emplois
    valeur: "environ 300"
    annee: "2002-2004"
    source:
      titre: "Étude"
      editeur: "Avise"
      date: 2022
      url: "https://exemple.org/etude"
  - indicateur: autre
    indicateur_autre: "Tonnes de déchets évitées"
    valeur: 120
reconnaissances:
  - type: selection-etat
    appel: ami-ptce-2021
    phase: 2
    annee: 2021
    montant: "100 000 €"
    source: "Rapport d'activité 2023"
poles_lies:
  - autre-ptce
  - nom: "Pôle externe"
    site_web: "https://pole.example.org"
sources:
  - "https://exemple.org/convention.pdf"
"""


def load(text: str = V2, **kwargs):
    return load_description(text, source="essai.yaml", **kwargs)


def replaced(old: str, new: str, text: str = V2) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def refusal(text: str, error=InputError):
    with pytest.raises(error) as caught:
        load(text)
    return caught.value


def line_of(needle: str, text: str = V2) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.fixture(scope="module")
def graph():
    return load().graph


def node(path: str) -> URIRef:
    return URIRef(f"{P}/{path}")


def concept(scheme: str, concept_id: str) -> URIRef:
    return VOCAB[f"{scheme}/{concept_id}"]


# --- round trips ---------------------------------------------------------------------------


def test_every_new_key_goes_to_rdf_and_back_without_loss():
    description = load()
    text = description_to_yaml(description.graph)
    again = load_description(text)
    assert isomorphic(again.graph, description.graph)
    assert description_to_yaml(again.graph) == text, "the writer's output is a fixed point"
    assert again.data == load_description(description_to_yaml(again.graph)).data


def test_turtle_and_json_ld_of_the_new_keys_round_trip():
    description = load()
    assert isomorphic(load_description(to_turtle(description.graph), format="turtle").graph, description.graph)
    assert isomorphic(load_description(to_jsonld(description.graph), format="json-ld").graph, description.graph)


def test_the_fast_path_and_rdflibs_json_ld_processor_agree_on_the_new_keys():
    document = build_document(load_yaml(V2)[0]).document
    assert isomorphic(document_graph(document), jsonld_graph(document))


def test_forgiving_values_are_written_back_in_their_canonical_form():
    data = load_description(description_to_yaml(load().graph)).data
    scic = data["acteurs"][0]
    assert (scic["ess"], scic["agrement_esus"], scic["siren"]) == (True, True, "459880001")
    assert scic["chiffres"][0]["valeur"] == 145.5
    assert data["acteurs"][1]["siren"] == "248000531"
    assert data["date_creation"] == "2002-2004"
    assert data["structure_porteuse"]["convention"]["nombre_signataires"] == {"valeur": 15, "environ": True}
    assert data["structure_porteuse"]["convention"]["date"].isoformat() == "2019-03-15"
    assert data["financements"][0]["montant"] == 12000.5
    assert data["territoire"]["population"] == 26000
    assert data["groupes"][1]["nombre_membres"] == "20 à 25"
    assert data["chiffres"][0]["valeur"] == 300 and data["chiffres"][0]["environ"] is True


# --- actors ----------------------------------------------------------------------------------


def test_a_partner_is_not_a_member_and_keeps_its_roles_on_a_partnership(graph):
    ea = node("acteur/ea")
    assert (P, CAP.hasPartner, ea) in graph and (P, ORG.hasMember, ea) not in graph
    link = node("partenariat/ea")
    assert (link, RDF.type, CAP.Partnership) in graph and (link, CAP.partner, ea) in graph
    assert (link, CAP.partnershipOf, P) in graph
    assert (link, CAP.partnerRole, node("role/partenaire-technique")) in graph
    assert (link, SCHEMA.startDate, Literal("2021", datatype=XSD.gYear)) in graph
    assert not list(graph.subjects(URIRef("http://www.w3.org/ns/org#member"), ea))


def test_a_member_is_the_default_relation(graph):
    assert (P, ORG.hasMember, node("acteur/scic")) in graph
    assert (node("adhesion/scic"), RDF.type, ORG.Membership) in graph


def test_an_actor_may_have_several_kinds_and_ess_evidence(graph):
    scic = node("acteur/scic")
    kinds = set(graph.objects(scic, ORG.classification))
    assert kinds == {concept("types-acteurs", "cooperative"), concept("types-acteurs", "structure-insertion")}
    assert (scic, CAP.isESS, Literal(True)) in graph
    assert (scic, CAP.esusApproval, Literal(True)) in graph and (scic, CAP.essStatutes, Literal(True)) in graph
    assert (scic, CAP.siren, Literal("459880001")) in graph


def test_an_open_list_takes_autre_with_its_label(graph):
    ea = node("acteur/ea")
    assert (ea, ORG.classification, concept("types-acteurs", "autre")) in graph
    assert (ea, CAP.otherLabel, Literal("Entreprise adaptée", lang="fr")) in graph


def test_an_unknown_kind_in_an_open_list_explains_autre():
    error = refusal(replaced("    type: autre\n", "    type: entreprise-adaptee\n"), UnknownKeyError)
    assert error.line == line_of("    type: autre")
    assert "type_autre" in error.hint and "open" in error.hint


def test_autre_needs_its_label_and_a_label_needs_autre():
    error = refusal(replaced('    type_autre: "Entreprise adaptée"\n', ""), YamlError)
    assert error.line == line_of("    type: autre") and "type_autre" in error.hint
    error = refusal(replaced("    type: autre\n", "    type: association\n"), YamlError)
    assert error.line == line_of("type_autre") and "autre" in error.hint


def test_a_closed_list_has_no_autre():
    error = refusal(replaced("  portage: convention-consortium", "  portage: autre"), UnknownKeyError)
    assert error.line == line_of("  portage:") and "open" not in error.hint


def test_an_unknown_relation_names_the_nearest():
    error = refusal(replaced("    relation: partenaire\n    type: autre", "    relation: partenair\n    type: autre"))
    assert error.line == line_of("    relation: partenaire") and "'partenaire'" in error.hint


# --- groups of members ----------------------------------------------------------------------


def test_groups_are_member_groups_with_their_count_and_members(graph):
    college = node("groupe/college-elus")
    assert (P, ORG.hasMember, college) in graph and (college, RDF.type, CAP.MemberGroup) in graph
    assert (college, ORG.classification, concept("types-groupes", "college")) in graph
    assert (college, ORG.subOrganizationOf, node("acteur/scic")) in graph
    assert (college, ORG.hasMember, node("acteur/agglo")) in graph
    count = graph.value(college, CAP.groupMemberCount)
    assert (count, RDF.type, CAP.Figure) in graph and graph.value(count, RDF.value).toPython() == Decimal(3)
    assert (count, CAP.indicator, concept("indicateurs", "membres")) in graph


def test_a_group_count_may_be_a_range_and_the_group_a_partner(graph):
    grappe = node("groupe/grappe")
    assert (P, CAP.hasPartner, grappe) in graph and (P, ORG.hasMember, grappe) not in graph
    assert (grappe, CAP.mostlyESS, Literal(False)) in graph
    count = graph.value(grappe, CAP.groupMemberCount)
    assert graph.value(count, SCHEMA.minValue).toPython() == Decimal(20)
    assert graph.value(count, SCHEMA.maxValue).toPython() == Decimal(25)


def test_a_group_may_be_a_legal_person_and_its_count_a_dated_sourced_figure(graph):
    federation = node("groupe/federation")
    assert (federation, CAP.groupOrganization, node("acteur/agglo")) in graph
    count = graph.value(federation, CAP.groupMemberCount)
    assert (count, CAP.year, Literal("2015", datatype=XSD.gYear)) in graph
    assert (count, DCTERMS.source, node("source/2")) in graph


def test_an_id_shared_by_an_actor_and_a_group_is_refused():
    error = refusal(replaced("  - id: grappe", "  - id: agglo"))
    assert error.line == line_of("  - id: grappe") and "group" in error.message


def test_group_members_must_be_actors():
    error = refusal(replaced("    membres: [agglo]", "    membres: [agglo, grappe]"))
    assert error.line == line_of("    membres: [agglo]") and "grappe" in error.message


# --- the carrying structure --------------------------------------------------------------------


def test_a_consortium_agreement_names_its_signatories_and_counts_them(graph):
    agreement = node("convention")
    assert (P, CAP.carryingArrangement, concept("portages", "convention-consortium")) in graph
    assert (P, CAP.consortiumAgreement, agreement) in graph and (agreement, RDF.type, CAP.ConsortiumAgreement) in graph
    assert (agreement, DCTERMS.date, Literal("2019-03-15", datatype=XSD.date)) in graph
    assert set(graph.objects(agreement, CAP.signatory)) == {node("acteur/scic"), node("groupe/college-elus")}
    count = graph.value(agreement, CAP.signatoryCount)
    assert graph.value(count, RDF.value).toPython() == Decimal(15)
    assert (count, CAP.approximate, Literal(True)) in graph


def test_co_carriers_are_several_carrying_structures():
    text = replaced("  porteurs: [scic]", "  porteurs: [scic, agglo]")
    graph = load(replaced("  portage: convention-consortium", "  portage: co-portage", text)).graph
    assert set(graph.objects(P, CAP.carryingStructure)) == {node("acteur/scic"), node("acteur/agglo")}


def test_version_1_keys_are_refused_in_a_version_2_file_with_the_way_to_write_them():
    error = refusal(replaced("  porteurs: [scic]", "  acteur: scic"), UnknownKeyError)
    assert error.line == line_of("  porteurs:") and "porteurs" in error.hint and "upgrade" in error.hint
    error = refusal(V2 + 'reponses:\n  q02: "x"\n', UnknownKeyError)
    assert error.line == len(V2.splitlines()) + 1 and "q01" in error.hint


def test_without_a_format_key_both_versions_keys_are_read():
    text = replaced("format: 2\n", "").replace("  porteurs: [scic]", "  acteur: scic")
    graph = load(text + 'reponses:\n  q02: "x"\n').graph
    assert (P, CAP.carryingStructure, node("acteur/scic")) in graph
    assert (P, CAP.hasAnswer, node("reponse/q02")) in graph and (P, CAP.hasAnswer, node("reponse/q01")) in graph


def test_one_answer_twice_is_refused():
    text = replaced("format: 2\n", "") + 'reponses:\n  q01: "encore"\n'
    error = refusal(text)
    assert "twice" in error.message and error.line == len(text.splitlines())


def test_an_unknown_format_version_is_refused():
    error = refusal(replaced("format: 2", "format: 3"))
    assert error.line == 2 and "format: 2" in error.hint


# --- figures, years and sources ------------------------------------------------------------------


def test_figures_of_the_project_and_of_an_actor(graph):
    jobs = node("chiffre/1")
    assert (P, CAP.figure, jobs) in graph and (jobs, CAP.indicator, concept("indicateurs", "emplois")) in graph
    assert (jobs, CAP.approximate, Literal(True)) in graph
    assert (jobs, CAP.yearFrom, Literal("2002", datatype=XSD.gYear)) in graph
    assert (jobs, CAP.yearTo, Literal("2004", datatype=XSD.gYear)) in graph
    fte = node("acteur/scic/chiffre/1")
    assert (node("acteur/scic"), CAP.figure, fte) in graph
    assert graph.value(fte, RDF.value).toPython() == Decimal("145.5")
    other = node("chiffre/2")
    assert (other, CAP.otherLabel, Literal("Tonnes de déchets évitées", lang="fr")) in graph


def test_a_founding_date_known_within_a_span(graph):
    assert (P, CAP.yearFrom, Literal("2002", datatype=XSD.gYear)) in graph
    assert (P, CAP.yearTo, Literal("2004", datatype=XSD.gYear)) in graph
    assert graph.value(P, SCHEMA.foundingDate) is None


def test_sources_are_one_node_each_numbered_in_the_formats_order(graph):
    sources = sorted(graph.subjects(RDF.type, CAP.Source), key=str)
    assert [str(s).rsplit("/", 1)[1] for s in sources] == ["1", "2", "3"]
    assert (node("source/1"), SCHEMA.url, URIRef("https://exemple.org/convention.pdf")) in graph
    assert (P, DCTERMS.source, node("source/1")) in graph
    assert (node("convention"), DCTERMS.source, node("source/1")) in graph
    report = node("source/2")
    assert (report, DCTERMS.title, Literal("Rapport d'activité 2023", lang="fr")) in graph
    assert (node("reconnaissance/1"), DCTERMS.source, report) in graph
    assert (node("acteur/scic/chiffre/1"), DCTERMS.source, report) in graph
    study = node("source/3")
    assert graph.value(graph.value(study, DCTERMS.publisher), SCHEMA.name) == Literal("Avise", lang="fr")


def test_a_quoted_date_in_year_month_day_order_is_read_as_a_date():
    graph = load_description(replaced("    date: 15/03/2019", '    date: "2019-03-15"')).graph
    assert Literal("2019-03-15", datatype=XSD.date) in set(graph.objects())


def test_the_order_of_the_keys_in_the_file_does_not_change_the_sources_iris():
    data = load_yaml(V2)[0]
    reordered = dict(reversed(list(data.items())))
    assert isomorphic(document_graph(build_document(reordered).document), load().graph)


@pytest.mark.parametrize(
    "old, new, words",
    [
        ('    valeur: "145,5"', '    valeur: "beaucoup"', "number"),
        ('    valeur: "145,5"', '    valeur: "12.000"', "unambiguous"),
        ('    valeur: "145,5"', '    valeur: "25 à 20"', "rising"),
        ("        annee: 2023", '        annee: "vers 2020"', "span of years"),
        ('  montant: "12 000,50 €"', '  montant: "-5"', "number"),
        ("    ess: non", '    ess: "peut-être"', "yes or no"),
        ("    siren: 248000531", "    siren: 24800053", "8 digits: check the code"),
        ('    siren: "459 880 001"', '    siren: "459-880-001"', "letters and digits"),
        ("    date: 15/03/2019", "    date: 31/02/2019", "exists"),
        ("    date: 15/03/2019", "    date: 31/02/2019", "il n'y a pas de 31 février 2019"),
        ("    date: 15/03/2019", '    date: "2019-13-15"', "le mois 13 n'existe pas"),
        ('    source: "https://exemple.org/convention.pdf"', "    source: {editeur: ''}", "title or a URL"),
        ('  population: "environ 26 000"', '  population: "20 à 30 000"', "inhabitants"),
    ],
)
def test_values_that_still_cannot_be_read_are_refused_at_their_line(old, new, words):
    error = refusal(replaced(old, new), YamlError)
    assert error.line == line_of(new.strip(), replaced(old, new))
    assert words in f"{error.message} {error.hint}"


# --- recognitions, related poles, territory --------------------------------------------------------


def test_a_recognition_with_its_call_phase_year_and_amount(graph):
    recognition = node("reconnaissance/1")
    assert (P, CAP.recognition, recognition) in graph
    assert (recognition, CAP.recognitionType, concept("reconnaissances", "selection-etat")) in graph
    assert (recognition, CAP.call, concept("appels", "ami-ptce-2021")) in graph
    assert (recognition, CAP.phase, Literal(2)) in graph
    assert graph.value(recognition, SCHEMA.amount).toPython() == Decimal(100000)


def test_related_poles_are_projects_of_the_base_or_external_poles(graph):
    assert (P, CAP.relatedPole, URIRef(BASE + "projet/autre-ptce")) in graph
    external = node("pole-lie/1")
    assert (P, CAP.relatedPole, external) in graph and (external, RDF.type, CAP.ExternalPole) in graph
    error = refusal(replaced("  - autre-ptce", "  - essai-v2"))
    assert error.line == line_of("  - autre-ptce")


def test_the_territory_takes_qpv_parts_petr_and_changes(graph):
    territory = node("territoire")
    assert (territory, CAP.qpv, Literal("QN08001M")) in graph
    assert (territory, CAP.petr, Literal("PETR du Grand Amiénois")) in graph
    part = node("territoire/partie/1")
    assert (territory, CAP.partOf, part) in graph
    assert (part, CAP.ofArea, URIRef("http://id.insee.fr/geo/departement/60")) in graph
    change = node("territoire/evolution/1")
    assert (territory, CAP.territoryChange, change) in graph
    assert (change, CAP.coversArea, URIRef("http://id.insee.fr/geo/departement/60")) in graph
    assert (URIRef("http://id.insee.fr/geo/departement/80"), IGEO.codeINSEE, Literal("80")) in graph
    assert (territory, CAP.population, Literal(26000)) in graph


# --- lines ---------------------------------------------------------------------------------------


def test_the_new_nodes_keep_the_line_of_their_values():
    description = load()
    assert description.line_for(node("groupe/grappe"), CAP.mostlyESS) == line_of("majoritairement_ess")
    assert description.line_for(node("convention"), CAP.signatory) == line_of("signataires")
    assert description.line_for(node("chiffre/1"), CAP.yearFrom) == line_of('annee: "2002-2004"')
    assert description.line_for(node("acteur/ea"), CAP.otherLabel) == line_of("type_autre")
    assert description.line_for(node("reponse/q01")) == line_of("q01:")


# --- the sample corpus, the shapes and the command line ------------------------------------------


def test_the_sample_corpus_shows_the_variety_of_format_2():
    from cap_ptce.resources import data_dir

    samples = [load_description(p).data for p in sorted(data_dir("corpus").glob("*.yaml"))]
    assert all(d["format"] == 2 and d["fictif"] is True for d in samples)
    arrangements = {d["structure_porteuse"].get("portage") for d in samples}
    assert {"personne-morale", "co-portage", "convention-consortium"} <= arrangements
    groups = {g["type"] for d in samples for g in d.get("groupes", [])}
    assert {"college", "groupement", "grappe"} <= groups
    assert any(a.get("relation") == "partenaire" for d in samples for a in d["acteurs"])
    assert any(len(d["territoire"]["regions"]) == 2 for d in samples)
    kinds = {a["type"] for d in samples for a in d["acteurs"]}
    assert {"epci", "habitant"} <= kinds
    assert any(d.get("chiffres") for d in samples) and any(d.get("reconnaissances") for d in samples)
    assert any(d.get("poles_lies") for d in samples)
    texts_only = 0
    for path in sorted(data_dir("corpus").glob("*.yaml")):
        description = load_description(path)
        texts = {key for key in description.data if re.fullmatch(r"q[0-9]{2}", key)}
        needed = {q.id for q in load_grid().questions if not answering_keys(description.graph, description.iri, q)}
        texts_only += texts == needed
    assert texts_only >= 5, "several samples answer in words only the questions that no key answers"


def test_a_figure_must_say_what_it_measures(tmp_path):
    from cap_ptce.validation import validate_file

    path = tmp_path / "chiffre.yaml"
    text = replaced("  - indicateur: emplois\n", "  - description: sans indicateur\n")
    path.write_text(text, encoding="utf-8")
    [result] = [r for r in validate_file(path).results if r.shape.endswith("#FigureIndicator")]
    assert result.focus == str(node("chiffre/1")) and result.line == line_of("  - description: sans indicateur", text)


def test_the_new_structures_of_the_test_description_meet_their_shapes(tmp_path):
    from cap_ptce.validation import validate_file

    path = tmp_path / "v2.yaml"
    path.write_text(V2, encoding="utf-8")
    structural = {
        "FigureIndicator",
        "FigureValue",
        "MemberGroupName",
        "MemberGroupCount",
        "MemberGroupOrganization",
        "RecognitionKind",
        "AreaPartArea",
        "ExternalPoleName",
        "CarryingArrangement",
        "CarryingStructureIsAnActor",
    }
    found = [r.shape.rsplit("#", 1)[1] for r in validate_file(path).results]
    assert not structural & set(found), found


def test_an_unknown_value_of_another_open_list_explains_autre_too():
    text = replaced("  - indicateur: emplois", "  - indicateur: tonnes")
    error = refusal(text, UnknownKeyError)
    assert "indicateur_autre" in error.hint and error.line == line_of("  - indicateur: tonnes", text)


def test_the_generate_command_takes_the_shares_of_incomplete_and_invalid_descriptions(tmp_path, capsys):
    from cap_ptce.cli import main

    assert main(["generate", "6", "--seed", "3", "--incomplete", "1", "-o", str(tmp_path / "a")]) == 0
    texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "a").glob("*.yaml"))]
    assert len(texts) == 6 and all("format: 2" in text for text in texts)
    assert main(["generate", "2", "--invalid", "1.5", "-o", str(tmp_path / "b")]) == 2
    assert "1.5" in capsys.readouterr().err


def test_an_rna_number_is_read_with_spaces_and_in_small_letters():
    text = replaced(
        '    roles: ["Partenaire technique"]', '    rna: "w 802 004 512"\n    roles: ["Partenaire technique"]'
    )
    assert (node("acteur/ea"), CAP.rna, Literal("W802004512")) in load(text).graph
