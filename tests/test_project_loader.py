"""Loading a description: the graph it gives, the lines it keeps, and what it refuses."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from cap_ptce.errors import InputError, InputFileError, RdfSyntaxError, UnknownKeyError, YamlError
from cap_ptce.i18n import one_language
from cap_ptce.project import load_description
from cap_ptce.rdf.namespaces import CAP, GRILLE, IGEO, ORG, SCHEMA, VOCAB

MINIMAL = """\
fictif: true
id: essai
nom: "Pôle d'essai"
maturite: emergent
structure_porteuse:
  acteur: asso
acteurs:
  - id: asso
    nom: "Association Essai"
    type: association
    ess: true
    siren: "459880001"
    commune: "2A004"
    roles: ["Structure porteuse", "Membre fondateur"]
    depuis: 2024-01-02
  - id: sarl
    nom: "SARL Essai"
    type: entreprise-hors-ess
    ess: false
    siren: "728804832"
territoire:
  communes: ["2A004"]
  epci: ["242010056"]
  departements: ["2A"]
  regions: ["94"]
actions:
  - nom: "Première action"
    stade: etude
    debut: "2025-09"
    porteurs: [asso, sarl]
financements:
  - financeur: "Région"
    type_financeur: region
    montant: 1250.50
    statut: activable
  - financeur_acteur: asso
    montant: 100
reponses:
  q01: "Une réponse."
  q02: ""
"""
BASE = "https://w3id.org/cap-ptce/"
P = URIRef(BASE + "projet/essai")


def load(text: str, **kwargs):
    return load_description(text, source="essai.yaml", **kwargs)


def replaced(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1)


def refusal(text: str, error=InputError):
    with pytest.raises(error) as caught:
        load(text)
    return caught.value


# --- the graph ---------------------------------------------------------------------


def test_the_project_and_its_nodes_get_stable_iris():
    graph = load(MINIMAL).graph
    assert (P, RDF.type, CAP.Project) in graph
    assert (P, ORG.hasMember, URIRef(f"{P}/acteur/asso")) in graph
    assert (P, CAP.carryingStructure, URIRef(f"{P}/acteur/asso")) in graph
    assert (P, CAP.action, URIRef(f"{P}/action/1")) in graph
    assert (P, SCHEMA.funding, URIRef(f"{P}/financement/2")) in graph
    assert (P, CAP.hasAnswer, URIRef(f"{P}/reponse/q01")) in graph
    assert (P, CAP.territory, URIRef(f"{P}/territoire")) in graph


def test_the_base_iri_is_configurable():
    description = load(MINIMAL, base="https://example.org/ptce/")
    assert description.iri == URIRef("https://example.org/ptce/projet/essai")
    assert load(MINIMAL, base="https://example.org/ptce").iri == description.iri


def test_values_get_the_ontology_terms_and_datatypes():
    graph = load(MINIMAL).graph
    actor = URIRef(f"{P}/acteur/asso")
    assert (actor, CAP.siren, Literal("459880001")) in graph
    assert (actor, CAP.isESS, Literal(True)) in graph
    assert (actor, ORG.classification, URIRef(str(VOCAB) + "types-acteurs/association")) in graph
    assert (P, CAP.maturity, URIRef(str(VOCAB) + "maturites/emergent")) in graph
    assert (P, SCHEMA.name, Literal("Pôle d'essai", lang="fr")) in graph
    amount = graph.value(URIRef(f"{P}/financement/1"), SCHEMA.amount)
    assert amount.datatype == XSD.decimal and amount.toPython() == Decimal("1250.5")
    start = graph.value(URIRef(f"{P}/action/1"), SCHEMA.startDate)
    assert start == Literal("2025-09", datatype=XSD.gYearMonth)


@pytest.mark.parametrize(("written", "code"), [("[07]", "07"), ("[012]", "012"), ("[26, 07]", "07")])
def test_a_code_written_with_a_leading_zero_keeps_it(written, code):
    """YAML 1.1 reads an unquoted 012 as the octal number 10: the file said Aveyron, or nothing, and the
    description held the Aube, silently. An unquoted 07 lost its zero and was refused."""
    graph = load(replaced('departements: ["2A"]', f"departements: {written}")).graph
    assert (URIRef("http://id.insee.fr/geo/departement/" + code), RDF.type, IGEO.Departement) in graph
    assert (URIRef("http://id.insee.fr/geo/departement/10"), RDF.type, IGEO.Departement) not in graph


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("departements: [7]", 'le code s\'écrit "07"'),
        ("communes: [1053]", 'le code s\'écrit "01053"'),
        ("communes: [123456]", "ce nombre a 6 chiffres"),
    ],
)
def test_a_code_of_the_wrong_length_is_told_how_to_write_it(written, hint):
    key = written.split(":")[0]
    old = next(line.strip() for line in MINIMAL.splitlines() if line.strip().startswith(key + ":"))
    error = refusal(replaced(old, written))
    assert hint in error.hint


def test_territories_are_insee_iris_that_carry_their_code():
    graph = load(MINIMAL).graph
    territory = URIRef(f"{P}/territoire")
    for path, code, cls in (
        ("commune/2A004", "2A004", IGEO.Commune),
        ("intercommunalite/242010056", "242010056", IGEO.Intercommunalite),
        ("departement/2A", "2A", IGEO.Departement),
        ("region/94", "94", IGEO.Region),
    ):
        area = URIRef("http://id.insee.fr/geo/" + path)
        assert (territory, CAP.coversArea, area) in graph
        assert (area, IGEO.codeINSEE, Literal(code)) in graph
        assert (area, RDF.type, cls) in graph


def test_memberships_hold_the_roles_and_the_start_date():
    graph = load(MINIMAL).graph
    membership = URIRef(f"{P}/adhesion/asso")
    assert (membership, RDF.type, ORG.Membership) in graph
    assert (membership, ORG.member, URIRef(f"{P}/acteur/asso")) in graph
    assert (membership, ORG.organization, P) in graph
    role = URIRef(f"{P}/role/structure-porteuse")
    assert (membership, ORG.role, role) in graph
    assert (role, SKOS.prefLabel, Literal("Structure porteuse", lang="fr")) in graph
    assert graph.value(membership, SCHEMA.startDate) == Literal("2024-01-02", datatype=XSD.date)


def test_a_funder_is_a_named_node_or_an_actor():
    graph = load(MINIMAL).graph
    funder = graph.value(URIRef(f"{P}/financement/1"), SCHEMA.funder)
    assert funder == URIRef(f"{P}/financement/1/financeur")
    assert graph.value(funder, SCHEMA.name) == Literal("Région", lang="fr")
    assert graph.value(URIRef(f"{P}/financement/2"), SCHEMA.funder) == URIRef(f"{P}/acteur/asso")


def test_answers_point_at_grid_questions_and_empty_ones_are_unanswered():
    graph = load(MINIMAL).graph
    answer = URIRef(f"{P}/reponse/q01")
    assert (answer, CAP.answers, GRILLE["question/q01"]) in graph
    assert (answer, SCHEMA.text, Literal("Une réponse.", lang="fr")) in graph
    assert (URIRef(f"{P}/reponse/q02"), None, None) not in graph


def test_list_items_keep_their_rank():
    graph = load(MINIMAL).graph
    assert graph.value(URIRef(f"{P}/acteur/sarl"), SCHEMA.position) == Literal(2)


def test_empty_values_count_as_absent():
    graph = load(replaced('nom: "Pôle d\'essai"', 'nom: ""\ndescription:')).graph
    assert graph.value(P, SCHEMA.name) is None and graph.value(P, SCHEMA.description) is None


# --- lines --------------------------------------------------------------------------


def test_line_for_points_at_the_value_behind_a_triple():
    description = load(MINIMAL)
    actor = URIRef(f"{P}/acteur/sarl")
    assert description.line_for(actor, CAP.siren) == 20
    assert description.line_for(actor) == 16
    assert description.line_for(URIRef(f"{P}/reponse/q01"), SCHEMA.text) == 39
    assert description.line_for(URIRef("http://id.insee.fr/geo/region/94"), IGEO.codeINSEE) == 25
    assert description.line_for(URIRef(f"{P}/adhesion/asso"), ORG.role) == 14


def test_line_for_falls_back_to_the_node_then_to_none():
    description = load(MINIMAL)
    actor = URIRef(f"{P}/acteur/sarl")
    assert description.line_for(actor, CAP.rna) == 16
    assert description.line_for(URIRef("https://example.org/other")) is None


def test_an_empty_answer_still_has_a_line_to_write_it_on():
    assert load(MINIMAL).line_for(URIRef(f"{P}/reponse/q02")) == 40


# --- refusals -------------------------------------------------------------------------


def test_an_unknown_key_names_the_nearest_valid_key_and_its_line():
    error = refusal(replaced("maturite:", "nmo: x\nmaturite:"), UnknownKeyError)
    assert error.line == 4 and error.hint.endswith("did you mean 'nom'?")


def test_an_unknown_nested_key_is_found_in_its_own_node():
    error = refusal(replaced('    siren: "728804832"', '    sirne: "728804832"'), UnknownKeyError)
    assert error.line == 20 and "'siren'" in error.hint and error.key == "acteurs.1.sirne"


def test_an_unknown_key_without_a_near_one_lists_the_allowed_keys():
    error = refusal(replaced("reponses:", "zzzz: 1\nreponses:"), UnknownKeyError)
    assert "strategie_commune" in error.hint


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        ('nom: "Pôle d\'essai"', "nom: [a, b]", 3, "a text"),
        ("    ess: false", '    ess: "peut-être"', 19, "oui, non"),
        ('    siren: "728804832"', "    siren: 72880483", 20, "8 digits: check the code"),
        ('    debut: "2025-09"', '    debut: "septembre 2025"', 29, "date"),
        ("    montant: 100", '    montant: "cent"', 37, "number"),
        ("id: essai", "id: Essai Un", 2, "lowercase"),
        ('  communes: ["2A004"]', '  communes: ["2A 004"]', 22, "letters and digits"),
        ("    porteurs: [asso, sarl]", "    porteurs: asso", 30, "list"),
    ],
)
def test_wrong_types_are_refused_with_their_line(old, new, line, words):
    error = refusal(replaced(old, new), YamlError)
    assert error.line == line
    assert words in f"{error.message} {error.hint}"


def test_a_reference_to_an_unknown_actor_names_the_nearest_one():
    error = refusal(replaced("  acteur: asso", "  acteur: assoc"), YamlError)
    assert error.line == 6 and error.hint.endswith("did you mean 'asso'?")


def test_two_actors_with_one_id_are_refused():
    error = refusal(replaced("  - id: sarl", "  - id: asso"), YamlError)
    assert error.line == 16 and error.message.endswith("two actors have the id 'asso'")


def test_an_unknown_concept_names_the_nearest_concept():
    error = refusal(replaced("    stade: etude", "    stade: etudes"), UnknownKeyError)
    assert error.line == 28 and error.hint.endswith("did you mean 'etude'?")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("laureat", "selection-etat"),  # a carrier's word: « Lauréat d'un appel… » is how the list defines it
        ("Lauréate", "selection-etat"),
        ("labellisé", "label"),
        ("selection", "selection-etat"),
        ("pri", "prix"),  # no word of the list's: the nearest id, as before
    ],
)
def test_an_unknown_concept_names_the_concept_whose_words_it_uses(written, meant):
    """A carrier wrote « type: laureat » for a selection in the State's call and was offered « autre »,
    the id nearest in letters: the concept whose label or definition holds the word comes first."""
    text = MINIMAL + f"reconnaissances:\n  - type: {written}\n    appel: ami-ptce-2021\n    annee: 2021\n"
    error = refusal(text, UnknownKeyError)
    assert f"did you mean '{meant}'?" in error.hint


def test_an_unknown_question_is_refused():
    error = refusal(replaced('  q02: ""', '  q19: ""'), UnknownKeyError)
    assert error.line == 40 and error.hint.endswith("did you mean 'q18'?")


def test_an_unknown_public_scheme_is_refused():
    error = refusal(MINIMAL + "dispositifs:\n  - dispositif: patt\n    nom: x\n", UnknownKeyError)
    assert error.line == 42 and error.hint.endswith("did you mean 'pat'?")


def test_two_roles_that_only_differ_by_accents_are_refused():
    error = refusal(replaced('"Membre fondateur"]', '"Membre fondateur", "Membre fondâteur"]'), YamlError)
    assert error.line == 14


def test_a_description_must_be_a_mapping():
    assert "cap-ptce new" in refusal("- a\n- b\n", YamlError).hint


def test_the_project_id_is_required():
    assert "'id'" in refusal(MINIMAL.replace("id: essai\n", ""), YamlError).message


def test_a_string_is_text_never_a_path_to_read(tmp_path: Path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(MINIMAL)
    error = refusal(str(secret), YamlError)
    assert "mapping" in error.message


# --- other formats ------------------------------------------------------------------------


def test_rdf_xml_is_refused_by_suffix_and_by_content(tmp_path: Path):
    path = tmp_path / "p.rdf"
    path.write_text("<rdf:RDF/>")
    with pytest.raises(RdfSyntaxError) as caught:
        load_description(path)
    assert "Turtle" in caught.value.hint
    with pytest.raises(RdfSyntaxError):
        load_description('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]><rdf:RDF/>')


def test_turtle_with_a_triple_outside_the_format_is_refused():
    from cap_ptce.project import to_turtle

    turtle = to_turtle(load(MINIMAL).graph)
    extra = turtle + f'\n<{P}> <http://example.org/unknown> "x" .\n'
    with pytest.raises(UnknownKeyError) as caught:
        load_description(extra, format="turtle")
    assert caught.value.key == "http://example.org/unknown"


def test_a_relative_iri_is_refused_by_name_never_resolved_against_the_machines_folder_nor_dropped(tmp_path):
    """An operator's finding of 2026-12-07: <site-relatif> in Turtle became file:///the/server's/folder/site-relatif
    in the dossier; in JSON-LD, the site's address was dropped without a word."""
    from cap_ptce.project import convert

    site = "https://batir-circulaire.example.org/"
    source = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "batir-circulaire-lyon.yaml"
    for fmt, relative in (("turtle", "<site-relatif>"), ("json-ld", '"site-relatif"')):
        text = convert(source, fmt)
        whole = f"<{site}>" if fmt == "turtle" else f'"{site}"'
        assert whole in text
        with pytest.raises(RdfSyntaxError) as caught:
            load_description(text.replace(whole, relative), format=fmt)
        assert "<site-relatif>" in caught.value.message and "file:" not in str(caught.value)
        assert str(Path.cwd()) not in str(caught.value) and "@base" in caught.value.hint
    based = "@base <https://exemple.org/> .\n" + convert(source, "turtle").replace(f"<{site}>", "<site-relatif>")
    assert "https://exemple.org/site-relatif" in load_description(based, format="turtle").data["site_web"]


def test_an_impossible_iri_written_as_it_is_has_its_line_and_a_backslash_stays_one():
    """A retest: « <https://celea figeac.example.org> » had no line; « a\\b » was quoted « a\\\\b »."""
    text = (
        "@prefix cap: <https://w3id.org/cap-ptce/def#> .\n<https://w3id.org/cap-ptce/projet/x> a cap:Project ;\n"
        "  cap:y <https://celea figeac.example.org> ;\n  cap:z <https://example.org/a\\b> .\n"
    )
    with pytest.raises(RdfSyntaxError) as caught:
        load_description(text, format="turtle", source="p.ttl")
    assert caught.value.line == 3 and "a\\\\b" not in caught.value.message  # not doubled
    assert "https://example.org/a\\b" in caught.value.message


@pytest.mark.parametrize("inline", [True, False], ids=["context-inline", "context-of-the-format"])
def test_a_web_address_with_a_space_in_json_ld_is_refused_as_such_not_as_relative(inline):
    """« "site_web": "https://celea figeac.example.org" » was told « IRI relative(s) <> … déclarer @base »: false
    of a whole address. It is an impossible IRI, by name."""
    from cap_ptce.project import convert

    source = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "batir-circulaire-lyon.yaml"
    document = json.loads(convert(source, "json-ld"))
    document["site_web"] = "https://batir circulaire.example.org/"
    if not inline:
        del document["@context"]
    with pytest.raises(RdfSyntaxError) as caught:
        load_description(json.dumps(document), format="json-ld", source="p.jsonld")
    assert "IRI impossible(s) : https://batir circulaire.example.org/" in caught.value.message
    assert "relative" not in caught.value.message


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_a_reference_to_another_host_without_its_scheme_is_refused_too(fmt):
    """« <//ailleurs.example/x> » resolved against the https base to https://ailleurs.example/x, unsaid."""
    if fmt == "turtle":
        body = (
            "@prefix cap: <https://w3id.org/cap-ptce/def#> .\n<https://w3id.org/cap-ptce/projet/x> a cap:Project ;"
            " cap:y <//ailleurs.example/x> ."
        )
    else:
        node = {
            "@id": "https://w3id.org/cap-ptce/projet/x",
            "@type": "cap:Project",
            "cap:y": {"@id": "//ailleurs.example/x"},
        }
        body = json.dumps({"@context": {"cap": "https://w3id.org/cap-ptce/def#"}, "@graph": [node]})
    with pytest.raises(RdfSyntaxError) as caught:
        load_description(body, format=fmt, source="p")
    assert "<//ailleurs.example/x>" in caught.value.message and "https://ailleurs" not in caught.value.message


@pytest.mark.parametrize(("text", "fmt"), [("", "yaml"), ("  \n\n", "turtle"), ("\n", "json-ld"), (" ", None)])
def test_an_empty_file_is_said_empty_in_every_format(text, fmt):
    """« une description est un bloc de clés » (YAML), « ce graphe en a 0 » (Turtle): neither said it was empty."""
    with pytest.raises(InputFileError) as caught:
        load_description(text if fmt != "yaml" else text.encode(), format=fmt, source="vide")
    assert caught.value.message == "le fichier est vide / the file is empty" and "cap-ptce new" in caught.value.hint


def test_turtle_must_describe_exactly_one_project():
    two = (
        "@prefix cap: <https://w3id.org/cap-ptce/def#> .\n"
        "<https://w3id.org/cap-ptce/projet/a> a cap:Project .\n"
        "<https://w3id.org/cap-ptce/projet/b> a cap:Project .\n"
    )
    with pytest.raises(InputError) as caught:
        load_description(two, format="turtle")
    assert "exactly one project" in caught.value.message


def test_bad_turtle_is_a_syntax_error():
    with pytest.raises(RdfSyntaxError):
        load_description("@prefix cap: <https://w3id.org/cap-ptce/def#> .\n<a> cap:x ", format="turtle")


def test_bad_turtle_names_the_line_and_column_where_the_parser_stopped():
    text = (
        "@prefix cap: <https://w3id.org/cap-ptce/def#> .\n"
        "<https://w3id.org/cap-ptce/projet/x> a cap:Project ;\n"
        '  cap:nom "x" ;\n'
        '  cap:objectif "un" "deux" .\n'
    )
    with pytest.raises(RdfSyntaxError) as caught:
        load_description(text, format="turtle", source="projet.ttl")
    error = caught.value
    assert (error.line, error.column) == (4, text.splitlines()[3].index('"deux"') + 1)
    reason = "expected '.' or '}' or ']' at end of statement"
    assert error.message == f"Turtle invalide : {reason} / invalid Turtle: {reason}"
    assert str(error).startswith("projet.ttl:4:")


def test_bad_turtle_has_its_own_line_after_values_written_on_several_lines():
    """The parser's own count gained a line at each value list broken over lines: an unclosed string on line 303
    of a converted description was said to be on line 312, past the end of the file."""
    head = "@prefix cap: <https://w3id.org/cap-ptce/def#> .\n<https://w3id.org/cap-ptce/projet/x> a cap:Project ;\n"
    lists = "".join(f'  cap:objectif "un {n}",\n    "deux {n}",\n    "trois {n}" ;\n' for n in range(5))
    text = head + lists + '  cap:nom "sans fin ;\n  cap:autre "x" .\n'
    with pytest.raises(RdfSyntaxError) as caught:
        load_description(text, format="turtle", source="projet.ttl")
    assert caught.value.line == text.splitlines().index('  cap:nom "sans fin ;') + 1


@pytest.mark.parametrize("iri", ["https://example.org/con<tat", "https://example.org/a b", 'https://example.org/"q"'])
@pytest.mark.parametrize("where", ["object", "subject"])
def test_an_iri_that_turtle_forbids_is_refused_by_name(iri, where):
    """rdflib's parser lets « <https://…/con<tat/1> » through, then could not write it in the message about it: a
    traceback on the command line, a 500 on the web."""
    escaped = iri.replace(" ", "\\u0020").replace('"', "\\u0022")  # Turtle's escapes let them through too
    triple = (
        f"<{escaped}> a cap:Thing ."
        if where == "subject"
        else f"<https://w3id.org/cap-ptce/projet/x> cap:y <{escaped}> ."
    )
    text = (
        "@prefix cap: <https://w3id.org/cap-ptce/def#> .\n<https://w3id.org/cap-ptce/projet/x> a cap:Project .\n"
        + triple
    )
    for fmt, body in (("turtle", text), ("json-ld", None)):
        if body is None:
            node = (
                {"@id": iri, "@type": "cap:Thing"}
                if where == "subject"
                else {"@id": "https://w3id.org/cap-ptce/projet/x", "cap:y": {"@id": iri}}
            )
            body = json.dumps(
                {
                    "@context": {"cap": "https://w3id.org/cap-ptce/def#"},
                    "@graph": [{"@id": "https://w3id.org/cap-ptce/projet/x", "@type": "cap:Project"}, node],
                }
            )
        with pytest.raises(RdfSyntaxError) as caught:
            load_description(body, format=fmt, source="projet." + ("ttl" if fmt == "turtle" else "jsonld"))
        assert "IRI" in caught.value.message and iri in caught.value.message, (fmt, caught.value.message)


@pytest.mark.parametrize(
    "context",
    [
        '"https://example.org/context.jsonld"',
        '"file:///etc/passwd"',
        '["https://example.org/c.jsonld", {}]',
        '{"@import": "https://example.org/c.jsonld"}',
        '{"acteurs": {"@id": "org:hasMember", "@context": "https://example.org/scoped.jsonld"}}',
    ],
)
def test_json_ld_that_would_fetch_a_context_is_refused_before_parsing(context):
    document = '{"@context": ' + context + ', "@id": "https://w3id.org/cap-ptce/projet/x"}'
    with pytest.raises(RdfSyntaxError) as caught:
        load_description(document, format="json-ld")
    assert "@" in (caught.value.key or "")


def test_json_ld_duplicate_and_unknown_keys_are_refused():
    with pytest.raises(RdfSyntaxError):
        load_description('{"nom": "a", "nom": "b"}', format="json-ld")
    with pytest.raises(UnknownKeyError) as caught:
        load_description('{"@id": "https://w3id.org/cap-ptce/projet/x", "nmo": "a"}', format="json-ld")
    assert caught.value.hint.endswith("did you mean 'nom'?")


def test_json_ld_without_context_is_read_with_ours():
    document = textwrap.dedent("""\
        {"@id": "https://w3id.org/cap-ptce/projet/x", "@type": "cap:Project",
         "id": "x", "nom": "Pôle X", "maturite": "https://w3id.org/cap-ptce/vocab/maturites/etabli"}
    """)
    description = load_description(document, format="json-ld")
    assert description.data == {"format": 2, "id": "x", "nom": "Pôle X", "maturite": "etabli"}


def test_a_missing_file_is_reported_with_its_name(tmp_path: Path):
    with pytest.raises(InputFileError) as caught:
        load_description(tmp_path / "absent.yaml")
    assert caught.value.source.endswith("absent.yaml")


def test_hand_written_turtle_without_identifiers_takes_them_from_the_iris():
    turtle = textwrap.dedent("""\
        @prefix cap: <https://w3id.org/cap-ptce/def#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix schema: <https://schema.org/> .
        <https://w3id.org/cap-ptce/projet/a-la-main> a cap:Project ;
            schema:name "Pôle écrit à la main"@fr ;
            org:hasMember <https://w3id.org/cap-ptce/projet/a-la-main/acteur/asso> .
        <https://w3id.org/cap-ptce/projet/a-la-main/acteur/asso> a cap:Actor ;
            schema:name "Association"@fr .
    """)
    description = load_description(turtle, format="turtle")
    assert description.data["id"] == "a-la-main"
    assert description.data["acteurs"][0]["id"] == "asso"


def test_a_number_of_thousands_of_digits_is_refused_with_its_line_not_a_traceback():
    """Python refuses to convert an integer of over 4,300 digits: the JSON reader said so in a traceback (500)."""
    huge = "9" * 5000
    with pytest.raises(RdfSyntaxError, match="18 chiffres") as found:
        load_description('{"id": "x", "nom": "y",\n "annee_creation": ' + huge + "}", format="json-ld")
    assert found.value.line == 2
    for written in (huge, "12 345 678 901 234 567 890"):
        with pytest.raises(InputError, match="18 chiffres"):
            load_description(f"id: x\nnom: y\nterritoire:\n  population: '{written}'\n")


def test_a_turtle_integer_too_long_for_python_is_refused_in_our_words():
    huge = "9" * 5000
    text = f"@prefix cap: <https://w3id.org/cap-ptce/def#> .\n<https://w3id.org/cap-ptce/projet/x>\n  cap:population {huge} .\n"
    with pytest.raises(RdfSyntaxError, match="4 300 chiffres") as found:
        load_description(text, format="turtle")
    assert found.value.line == 3 and "set_int_max_str_digits" not in str(found.value)


def test_every_value_that_cannot_be_read_is_told_at_once_in_the_files_order():
    """The carrier's walk of 2026-12-06: a web address without https:// hid every other check of the file."""
    text = replaced('nom: "Pôle d\'essai"', 'nom: "Pôle d\'essai"\nsite_web: "www.essai.fr"')
    text = text.replace('    debut: "2025-09"', '    debut: "septembre 2025"').replace(
        "    montant: 100", '    montant: "cent"'
    )
    error = refusal(text, YamlError)
    assert [(e.line, e.key) for e in error.every] == [
        (4, "site_web"),
        (30, "actions.0.debut"),
        (38, "financements.1.montant"),
    ]
    assert "https://" in error.message and "date" in str(error.others[0]) and "number" in str(error.others[1])
    assert str(error).count("\n") == 2  # the load's report, the command line: each one on its line
    assert [other["line"] for other in error.to_dict()["others"]] == [30, 38]


def test_an_error_that_stops_the_reading_is_told_with_those_found_before_it():
    text = replaced('nom: "Pôle d\'essai"', "nom: [a, b]").replace("  acteur: asso", "  acteur: assoc")
    text = text.replace("    montant: 100", '    montant: "cent"')  # after the stop: not read
    error = refusal(text, YamlError)
    assert [e.line for e in error.every] == [3, 6]
    assert "a text" in error.message and error.others[0].hint.endswith("did you mean 'asso'?")


@pytest.mark.parametrize(
    "written, advice",
    [
        ("www.essai.fr", "écrire « https://www.essai.fr »"),
        ("contact@essai.fr", "la mettre dans « courriel »"),
        ("essai", "voir docs/project-format.md"),
    ],
)
def test_a_web_address_that_is_not_one_says_what_to_write(written, advice):
    """The carrier's walk of 2026-12-06: « voir docs/project-format.md » for a missing https://."""
    error = refusal(replaced('nom: "Pôle d\'essai"', f'nom: "Pôle d\'essai"\nsite_web: "{written}"'), YamlError)
    assert error.line == 4 and advice in error.hint


def test_a_communes_name_where_its_code_goes_is_told_with_the_code():
    """The carrier's walk of 2026-12-06: « Dieppe » in « Communes » gave « Dieppe = ? » and a check of the code's
    form that named no value."""
    error = refusal(replaced('  communes: ["2A004"]', '  communes: ["2A004", "Dieppe", "arques la bataille"]'))
    assert [e.line for e in error.every] == [22, 22]
    assert "« Dieppe » est le nom d'une commune" in error.message and "« 76217 » (Dieppe, 76)" in error.hint
    assert "« 76026 » (Arques-la-Bataille, 76)" in error.others[0].hint
    several = refusal(replaced('  communes: ["2A004"]', '  communes: ["Saint-Denis"]'))
    assert "la bonne commune" in several.hint and "« 93066 » (Saint-Denis, 93)" in several.hint
    unknown = refusal(replaced('  communes: ["2A004"]', '  communes: ["Nulle part"]'))  # the code's form, as before
    assert unknown.others == () and "lettres et de chiffres" in unknown.message


@pytest.mark.parametrize(
    ("key", "written", "said", "code"),
    [
        ("departements", "Drôme", "« Drôme » est le nom d'un département", "« 26 » (Drôme)"),
        ("departements", "cotes d armor", "« cotes d armor » est le nom d'un département", "« 22 » (Côtes-d'Armor)"),
        ("regions", "Bretagne", "« Bretagne » est le nom d'une région", "« 53 » (Bretagne)"),
        ("regions", "ile de france", "« ile de france » est le nom d'une région", "« 11 » (Île-de-France)"),
        (
            "epci",
            "Valence Romans Agglo",
            "« Valence Romans Agglo » est le nom d'un EPCI, pas son SIREN",
            "« 200068781 »",
        ),
    ],
)
def test_a_places_name_where_its_code_goes_is_told_with_the_code(key, written, said, code):
    """A carrier's report: « Drôme » in the territory's départements gave « Attendu : un code fait de lettres et de
    chiffres (retirer les signes et les espaces) », where a commune's name is told with its code."""
    line = {"departements": '  departements: ["2A"]', "regions": '  regions: ["94"]', "epci": '  epci: ["242010056"]'}
    error = refusal(replaced(line[key], f'  {key}: ["{written}"]'))
    assert said in error.message and code in error.hint
    assert code in one_language(error.hint, "fr") and code in one_language(error.hint, "en")


def test_a_communes_name_is_told_in_one_language_on_a_page():
    """A carrier's report: the French editor said « … (écrire son code / write its code: « 26281 » …) »."""
    one = refusal(replaced('  communes: ["2A004"]', '  communes: ["Romans-sur-Isère"]'))
    several = refusal(replaced('  communes: ["2A004"]', '  communes: ["Saint-Denis"]'))
    for error, fr, en in (
        (one, "écrire son code : « 26281 » (Romans-sur-Isère, 26)", "write its code: « 26281 » (Romans-sur-Isère, 26)"),
        (several, "écrire le code de la bonne commune : « 11339 »", "write the right one's code: « 11339 »"),
    ):
        assert one_language(error.hint, "fr").startswith(fr) and "write" not in one_language(error.hint, "fr")
        assert one_language(error.hint, "en").startswith(en) and "écrire" not in one_language(error.hint, "en")
        assert "is a commune's name" in one_language(error.message, "en")
        assert "est le nom" not in one_language(error.message, "en")


def test_a_list_holds_at_most_max_items_more_is_refused_before_any_check():
    """An operator's test of 2026-12-06: 3,000 actors in an 82 kB file took 78 s and 9.9 GB to validate, and
    6,000 took the server down."""
    from cap_ptce.project.build import MAX_ITEMS

    def actors(n: int) -> str:
        items = "".join(f"  - {{id: a{i}, nom: n{i}}}\n" for i in range(n))
        return "fictif: true\nid: essai\nnom: Essai\nacteurs:\n" + items

    assert len(load(actors(MAX_ITEMS)).data["acteurs"]) == MAX_ITEMS
    error = refusal(actors(MAX_ITEMS + 1), YamlError)
    assert error.line == 4 and f"{MAX_ITEMS + 1} items: a list holds at most {MAX_ITEMS}" in error.message
    communes = ", ".join(f'"{80000 + i}"' for i in range(MAX_ITEMS + 1))
    error = refusal(replaced('  communes: ["2A004"]', f"  communes: [{communes}]"), YamlError)
    assert error.line == 22 and error.key == "territoire.communes" and "departements:" in error.hint


def test_an_approximate_figure_that_cannot_be_read_is_quoted_as_written():
    """The carrier's walk of 2026-12-06: « environ 80 000 habitants » was quoted « et non '80 000 habitants' »."""
    error = refusal(
        replaced('  regions: ["94"]', '  regions: ["94"]\n  population: environ 80 000 habitants'), YamlError
    )
    assert error.line == 26 and "et non 'environ 80 000 habitants'" in error.message


@pytest.mark.parametrize(
    "old, new",
    [
        ("    type: association", "    type: scop"),  # an open list, no near concept
        ("    stade: etude", "    stade: zzzzzz"),
        ("reponses:", "dispositifs:\n  - dispositif: zzzz\nreponses:"),
    ],
)
def test_a_choice_that_does_not_exist_is_told_with_a_hint_a_page_can_show_in_one_language(old, new):
    """The carrier's walk of 2026-12-06: the hint « au choix / one of: … ; la liste est ouverte … / … » was
    shown in both languages, its separators too many to cut it."""
    from cap_ptce.i18n import one_language

    error = refusal(replaced(old, new))
    assert error.hint.count(" / ") == 1
    assert one_language(error.hint, "fr").startswith("au choix : ")
    assert one_language(error.hint, "en").startswith("one of: ")


ODD_VALUES = ["5", "true", "2024-01-01", "[1, 2]", "{a: 1}", "[[1]]", "null", "[]", "{}", "[{a: 1}]", "[{nom: X}]"]
ODD_VALUES += ["-1", "1.5", "[true]", "[null]", "{nom: [1]}", "[{id: 5}]", "[x, y]", "[{}]", "'x'", "[[pat]]"]


def _key_lines(spec, depth: int = 0):
    """A line (or a block of lines) for each key of the format and of its blocks, « {v} » where the value goes."""
    from cap_ptce.project.schema import SPECS, Kind

    for key in spec.keys:
        field = spec.field(key)
        yield [f"{key}: {{v}}"]
        inner = SPECS.get(field.arg) if field.kind in (Kind.OBJECTS, Kind.NEST, Kind.OBJECT) else None
        if inner is not None and depth < 2:
            for lines in _key_lines(inner, depth + 1):
                bullet = field.kind == Kind.OBJECTS
                yield [
                    f"{key}:",
                    *(
                        ("  - " if bullet and not n else "    " if bullet else "  ") + line
                        for n, line in enumerate(lines)
                    ),
                ]


def test_no_value_of_any_shape_under_any_key_makes_the_loader_fail():
    """An operator's fuzzing of 2026-12-07: a governance body's « frequence: [1] » gave a traceback (unhashable
    list) in the validator, the dossier, the form and the command line. Every key, nested ones included, given
    values of every shape: a clear error or a description, never another exception."""
    from cap_ptce.project.schema import PROJECT

    for lines in _key_lines(PROJECT):
        for value in ODD_VALUES:
            text = "format: 2\nid: x-y\nnom: X\nmaturite: emergent\n" + "\n".join(lines).replace("{v}", value) + "\n"
            try:
                load_description(text, format="yaml")
            except InputError:
                pass


@pytest.mark.parametrize(
    ("to", "said", "suffix"), [("turtle", "est du Turtle", ".ttl"), ("json-ld", "est du JSON-LD", ".jsonld")]
)
def test_turtle_or_json_ld_saved_as_yaml_is_told_for_what_it_is(tmp_path, to, said, suffix):
    """A carrier's finding of 2026-12-07: Turtle saved under a .yaml name (the command line, the web validator's
    upload, the editor's « Reprendre ») was « YAML invalide : un caractère qui ne peut pas commencer une valeur »
    with a hint about tabs and « @ »; pasted, the same text was read as Turtle."""
    from cap_ptce.project.description import convert

    sample = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "pole-saveurs-somme.yaml"
    misnamed = tmp_path / "pole.yaml"
    misnamed.write_text(convert(sample, to), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_description(misnamed)
    assert said in caught.value.message and f"renommer le fichier en {suffix}" in caught.value.hint
    assert caught.value.line is not None and "YAML invalide" not in caught.value.message


def test_plain_json_with_the_format_keys_is_read_as_the_yaml_form():
    """A carrier's finding of 2026-12-07: pasted in the validator, {"nom": "Pôle Sud", "maturite": "etabli"} was
    refused as JSON-LD with « IRI relative(s) <etabli> … déclarer @base ». A JSON object without « @context » or any
    « @ » key is the YAML form's data in JSON: it reads as such, concepts by their ids."""
    text = '{\n  "id": "pole-sud",\n  "nom": "Pôle Sud",\n  "maturite": "etabli",\n  "format": 2\n}\n'
    description = load_description(text, source="pole.json", format="json-ld")
    assert description.data["maturite"] == "etabli" and str(description.iri).endswith("/projet/pole-sud")
    assert (description.iri, CAP.maturity, VOCAB["maturites/etabli"]) in description.graph
    with pytest.raises(InputError) as caught:
        load_description('{"nom": "Pôle Sud", "maturite": "etabli"}', source="p.json", format="json-ld")
    assert "'id'" in caught.value.message and "IRI relative" not in caught.value.message


def test_a_project_downloaded_from_the_site_is_read_back_as_its_description(client):
    """A carrier's finding of 2026-12-08: a project's Turtle or JSON-LD downloaded from its page was refused by the
    site's own checker (« 168 triplet(s) hors du format »): the page adds the names of the grid's terms, of the
    places and of the organisations, and each actor's link to its organisation, which the knowledge base works out
    again. They are read past; a label given to the project or its actors, or anything else, is still refused."""
    from cap_ptce.i18n import one_language as one

    source = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "pole-saveurs-somme.yaml"
    own = load_description(source).graph
    for suffix, fmt in (("ttl", "turtle"), ("jsonld", "json-ld")):
        page = client.get(f"/projet/pole-saveurs-somme.{suffix}")
        assert page.status_code == 200
        read = load_description(page.data, source=f"pole-saveurs-somme.{suffix}", format=fmt)
        assert set(read.graph) == set(own), fmt
    served = client.get("/projet/pole-saveurs-somme.ttl").get_data(as_text=True)
    project = "https://w3id.org/cap-ptce/projet/pole-saveurs-somme"
    for extra in (
        f'<{project}> <http://www.w3.org/2000/01/rdf-schema#label> "Un autre nom" .',  # the project's own: refused
        '<https://example.org/x> <http://example.org/p> "x" .',
    ):
        with pytest.raises(UnknownKeyError) as caught:
            load_description(served + "\n" + extra + "\n", format="turtle")
        french = one(caught.value.message, "fr")
        assert one(caught.value.message, "en").startswith("1 triple(s) outside")  # the count in each half
        assert "docs/project-format.md" in one(caught.value.hint, "fr") and "par ex. <" in french  # halves whole


def test_an_unknown_reference_or_concept_is_named_in_each_language():
    """A carrier's finding of 2026-12-08: « aucun acteur n'a l'id / no actor has the id 'x' » gave the id in English
    only, so the French page showed both languages; each half now names it."""
    for broken, value in (
        (MINIMAL.replace("  acteur: asso", "  acteur: assoc"), "assoc"),
        (MINIMAL.replace("  acteur: asso", "  acteur: inconnu-total"), "inconnu-total"),  # no id near it
        (MINIMAL.replace("type: association", "type: scic"), "scic"),
    ):
        with pytest.raises(InputError) as caught:
            load(broken)
        message, hint = caught.value.message, caught.value.hint
        french, english = one_language(message, "fr"), one_language(message, "en")
        assert f"« {value} »" in french and f"'{value}'" in english and " / " not in french, message
        assert hint.count(" / ") == 1, hint  # one separator: a page shows its own half (the retest's finding)


def test_an_id_that_is_no_slug_is_given_the_slug_to_write():
    """A carrier's finding of 2026-12-08: « id: Pôle Alimentaire » was told to see docs/project-format.md, which a
    carrier in the browser does not have; the hint now gives the id to write."""
    with pytest.raises(InputError) as caught:
        load(MINIMAL.replace("id: essai", "id: Pôle d'Essai"))
    assert "écrire « pole-d-essai »" in caught.value.hint and "write 'pole-d-essai'" in caught.value.hint
    with pytest.raises(InputError) as caught:
        load(MINIMAL.replace("id: essai", "id: Maîtrise d’Œuvre"))
    assert "écrire « maitrise-d-oeuvre »" in caught.value.hint  # a ligature is no accent: « Œ » is written oe


@pytest.mark.parametrize(
    ("text", "fmt", "said"),
    [
        ("id: " + "[" * 5000 + "]" * 5000 + "\n", "yaml", "trop de niveaux d'imbrication"),
        ("@prefix : <http://x/> . :a :b " + "( " * 5000 + ")" * 5000 + " .\n", "turtle", "Turtle trop imbriqué"),
    ],
)
def test_text_nested_past_the_parsers_bounds_is_told_so_in_each_language(text, fmt, said):
    """The retest's finding of 2026-12-08: 5,000 nested lists were told « maximum recursion depth exceeded »
    (Python's words) in Turtle, and « exceeded maximum nesting depth » alone in YAML."""
    with pytest.raises(InputError) as caught:
        load_description(text, format=fmt)
    french = one_language(caught.value.message, "fr")
    assert said in french and "recursion" not in caught.value.message and " / " not in french
