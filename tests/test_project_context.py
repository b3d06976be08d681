"""The format table, the JSON-LD context and the ontology say the same thing."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from cap_ptce.project.context import context, predicate, terms
from cap_ptce.project.schema import SPECS, Kind
from cap_ptce.rdf.namespaces import CAP, ORG, SCHEMA
from cap_ptce.resources import data_dir, package_file

# Keys the builder adds to the JSON-LD document and that no one writes in YAML.
INTERNAL_TERMS = {
    "adhesion",
    "organisation",
    "libelle",
    "code_insee",
    "question",
    "position",
    "partenaires",
    "partenariat",
    "partenariat_de",
    "roles_partenaire",
    "annee_debut",
    "annee_fin",
    "valeur_min",
    "valeur_max",
    "reponses",
}
PREFIXES = {"cap", "dcterms", "igeo", "org", "rdf", "schema", "skos", "xsd"}
# Keys that give no triple of their own: blocks whose keys go on the parent, the format's version,
# the relation (told by the predicate that links the node), the free texts (cap:Answer nodes).
NO_TERM = {Kind.NEST, Kind.FORMAT, Kind.RELATION, Kind.ANSWER, Kind.ANSWERS}


def mapped_fields():
    return [(spec, field) for spec in SPECS.values() for field in spec.fields if field.kind not in NO_TERM]


def project_ontology() -> Graph:
    return Graph().parse(data_dir("ontology") / "project.ttl")


def test_the_context_ships_inside_the_package_as_an_object():
    assert package_file("project", "context.jsonld").is_file()
    assert isinstance(context(), dict) and context()["@version"] == 1.1


def test_every_key_of_the_format_is_a_term_of_the_context():
    for spec, field in mapped_fields():
        assert predicate(field.key, spec.scope) is not None, (spec.name, field.key)


def test_the_context_defines_nothing_the_format_does_not_use():
    keys = {field.key for _, field in mapped_fields()} | {"structure_porteuse", "gouvernance"}
    assert terms() - PREFIXES - INTERNAL_TERMS == keys


def test_scoped_terms_map_the_same_key_to_different_predicates():
    assert predicate("formes") == CAP.governanceForm
    assert predicate("formes", "implications") == CAP.involvementForm
    assert predicate("statut", "coordination") == CAP.resourceStatus
    assert predicate("statut", "financements") == CAP.fundingStatus
    assert predicate("type") == ORG.classification
    assert predicate("type", "reconnaissances") == CAP.recognitionType
    assert predicate("porteurs") == CAP.carryingStructure
    assert predicate("porteurs", "actions") == SCHEMA.agent
    assert predicate("sources") == DCTERMS.source
    assert predicate("sources", "constats") == CAP.findingSource


def test_every_cap_term_the_context_uses_is_declared_with_french_and_english_text():
    ontology = project_ontology() + Graph().parse(data_dir("ontology") / "cap.ttl")
    used = {predicate(f.key, s.scope) for s, f in mapped_fields()}
    used |= {predicate(t) for t in INTERNAL_TERMS}
    for term in sorted(t for t in used if str(t).startswith(str(CAP))):
        assert (term, RDF.type, None) in ontology, term
        for lang in ("fr", "en"):
            assert any(text.language == lang for text in ontology.objects(term, RDFS.label)), (term, lang)
            assert any(text.language == lang for text in ontology.objects(term, SKOS.definition)), (term, lang)


def test_every_class_of_the_format_is_declared_in_the_ontology():
    ontology = project_ontology()
    for spec in SPECS.values():
        if spec.rdf_type and spec.rdf_type.startswith("cap:"):
            term = URIRef(str(CAP) + spec.rdf_type[4:])
            assert (term, RDF.type, OWL.Class) in ontology, term


def test_the_project_class_is_a_schema_project_and_an_org_collaboration():
    ontology = project_ontology()
    supers = set(ontology.objects(CAP.Project, RDFS.subClassOf))
    assert {
        URIRef("https://schema.org/Project"),
        URIRef("http://www.w3.org/ns/org#OrganizationalCollaboration"),
    } <= supers


def test_every_term_of_project_ttl_has_labels_and_definitions_in_both_languages():
    ontology = project_ontology()
    for term in set(ontology.subjects(RDFS.isDefinedBy, URIRef("https://w3id.org/cap-ptce/def"))):
        labels = {text.language for text in ontology.objects(term, RDFS.label) if isinstance(text, Literal)}
        labels |= {text.language for text in ontology.objects(term, SKOS.prefLabel) if isinstance(text, Literal)}
        assert {"fr", "en"} <= labels, term


def test_the_complete_example_of_the_format_doc_loads_and_conforms(tmp_path):
    import re

    from cap_ptce.project import load_description
    from cap_ptce.validation import validate_file

    doc = (Path(__file__).resolve().parents[1] / "docs" / "project-format.md").read_text(encoding="utf-8")
    example = re.search(r"## Complete example.*?```yaml\n(.*?)```", doc, re.S).group(1)
    path = tmp_path / "exemple.yaml"
    path.write_text(example, encoding="utf-8")
    assert sum(key.startswith("q") for key in load_description(path).data) == 18
    report = validate_file(path, lang="en")
    assert report.conforms and report.count("warning") == 0, [r.message for r in report.results]


def test_the_fast_path_gives_the_graph_of_rdflibs_json_ld_processor():
    from rdflib.compare import isomorphic

    from cap_ptce.project.build import build_document
    from cap_ptce.project.generate import synthetic_files
    from cap_ptce.project.graph import document_graph, jsonld_graph
    from cap_ptce.yamlstrict import load_yaml

    texts = [p.read_text(encoding="utf-8") for p in sorted(data_dir("corpus").glob("*.yaml"))]
    texts += [text for _, text in synthetic_files(30, seed=12)]
    for text in texts:
        document = build_document(load_yaml(text)[0]).document
        assert isomorphic(document_graph(document), jsonld_graph(document))


def test_the_format_doc_lists_every_sample_description():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "project-format.md").read_text(encoding="utf-8")
    for path in data_dir("corpus").glob("*.yaml"):
        assert f"(../examples/corpus/{path.name})" in doc, path.name


def test_the_format_doc_documents_every_key_its_rdf_term_and_every_ontology_term():
    import json

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "project-format.md").read_text(encoding="utf-8")
    specs = list(SPECS.values())
    assert len(specs) > 15
    assert [f"{s.name}.{f.key}" for s in specs for f in s.fields if f"`{f.key}`" not in doc] == []

    def mapped_terms(context: dict):
        for value in context.values():
            if isinstance(value, dict):
                yield value.get("@id", "")
                yield from mapped_terms(value.get("@context", {}))
            elif isinstance(value, str):
                yield value

    context = json.loads((root / "src" / "cap_ptce" / "project" / "context.jsonld").read_text(encoding="utf-8"))
    mapped = {t for t in mapped_terms(context["@context"]) if t.startswith(("cap:", "org:", "schema:", "dcterms:"))}
    assert "cap:mostlyESS" in mapped and [t for t in sorted(mapped) if f"`{t}`" not in doc] == []
    ontology = Graph().parse(root / "ontology" / "project.ttl")
    ours = {str(s).split("#")[1] for s in ontology.subjects(RDFS.isDefinedBy, URIRef("https://w3id.org/cap-ptce/def"))}
    assert "MemberGroup" in ours and [t for t in sorted(ours) if f"`cap:{t}`" not in doc] == []
