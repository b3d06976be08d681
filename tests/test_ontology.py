"""The ontology: its header, its own terms, and the declaration of every term our data uses."""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from cap_ptce.grid.rdf import grid_graph
from cap_ptce.rdf.namespaces import CAP, ONTOLOGY_IRI, VANN
from cap_ptce.rdf.vocabulary import declared_terms, ontology_graph, terms_used, undeclared_terms
from cap_ptce.resources import data_dir
from cap_ptce.validation.shapes import shapes_graph

ONTOLOGY = URIRef(ONTOLOGY_IRI)
DECLARING_TYPES = {
    OWL.Class,
    RDFS.Class,
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
}
AXIOMS = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def declared(ontology) -> frozenset[URIRef]:
    return declared_terms(ontology)


def undeclared(terms, ontology) -> list[str]:
    return undeclared_terms({t for t in terms if isinstance(t, URIRef)}, ontology)


# --- the header -------------------------------------------------------------------


def test_header_says_what_version_who_and_under_which_licence(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    version = ontology.value(ONTOLOGY, OWL.versionInfo)
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(version))
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef("http://spdx.org/licenses/etalab-2.0")
    assert ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix) == Literal("cap")
    assert ontology.value(ONTOLOGY, VANN.preferredNamespaceUri) == Literal(str(CAP))
    for predicate in (DCTERMS.creator, DCTERMS.publisher, DCTERMS.source):
        assert ontology.value(ONTOLOGY, predicate) is not None, predicate
    assert {label.language for label in ontology.objects(ONTOLOGY, RDFS.label)} == {"fr", "en"}


def test_the_ontology_is_declared_once(ontology):
    assert list(ontology.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY]


# --- our own terms ----------------------------------------------------------------


def cap_terms(ontology) -> list[URIRef]:
    return sorted({s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(CAP))})


def test_there_are_grid_terms(ontology):
    names = {str(term).removeprefix(str(CAP)) for term in cap_terms(ontology)}
    assert {
        "Grid",
        "Entry",
        "GridQuestion",
        "Example",
        "PublicScheme",
        "entry",
        "hasQuestion",
        "position",
        "futureText",
        "example",
        "answerScheme",
        "mentionsScheme",
    } <= names


def test_every_cap_term_has_french_and_english_labels_and_definitions(ontology):
    missing = []
    for term in cap_terms(ontology):
        for predicate in (RDFS.label, SKOS.definition):
            languages = {value.language for value in ontology.objects(term, predicate)}
            if not {"fr", "en"} <= languages:
                missing.append(f"{term} {predicate}: {sorted(filter(None, languages))}")
    assert missing == []


def test_every_cap_term_is_typed_and_defined_by_the_ontology(ontology):
    for term in cap_terms(ontology):
        assert set(ontology.objects(term, RDF.type)) & DECLARING_TYPES, term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_every_cap_property_has_a_range(ontology):
    properties = [t for t in cap_terms(ontology) if (t, RDF.type, OWL.Class) not in ontology]
    assert properties
    assert [str(p) for p in properties if ontology.value(p, RDFS.range) is None] == []


def test_inverse_properties_agree(ontology):
    assert (CAP.entry, OWL.inverseOf, CAP.hasQuestion) in ontology
    assert (CAP.hasQuestion, OWL.inverseOf, CAP.entry) in ontology
    assert ontology.value(CAP.entry, RDFS.domain) == ontology.value(CAP.hasQuestion, RDFS.range)
    assert ontology.value(CAP.entry, RDFS.range) == ontology.value(CAP.hasQuestion, RDFS.domain)


def test_grid_classes_specialise_the_reused_vocabularies(ontology):
    disco = "http://rdf-vocabulary.ddialliance.org/discovery#"
    assert (CAP.Grid, RDFS.subClassOf, URIRef(disco + "Questionnaire")) in ontology
    assert (CAP.GridQuestion, RDFS.subClassOf, URIRef(disco + "Question")) in ontology
    for cls in (CAP.Entry, CAP.Example, CAP.PublicScheme):
        assert SKOS.Concept in set(ontology.transitive_objects(cls, RDFS.subClassOf)), cls


# --- declarations of the terms we use ---------------------------------------------


def test_every_term_in_an_axiom_is_declared(ontology):
    used = {o for predicate in AXIOMS for o in ontology.objects(None, predicate)}
    assert undeclared(used, ontology) == []


def test_every_external_declaration_says_where_it_comes_from(ontology, declared):
    for term in declared:
        assert ontology.value(term, RDFS.isDefinedBy) is not None, term
        assert ontology.value(term, RDFS.label) is not None, term


def test_every_external_term_has_a_french_and_an_english_label():
    """So that neither language's pages fall back to a prefixed name like ``dcterms:created``."""
    external = Graph().parse(data_dir("ontology") / "external.ttl")
    terms = set(external.subjects(RDFS.isDefinedBy, None))
    assert len(terms) > 100
    for term in terms:
        languages = {label.language for label in external.objects(term, RDFS.label)}
        assert {"fr", "en"} <= languages, f"{term}: labels in {sorted(filter(None, languages))}"


def test_external_declarations_are_sorted_by_prefix_then_term():
    text = (data_dir("ontology") / "external.ttl").read_text(encoding="utf-8")
    names = re.findall(r"^([a-z]+):(\S+) a ", text, flags=re.MULTILINE)
    assert names, "external.ttl declares nothing"
    prefixes = [prefix for prefix, _ in names]
    assert prefixes == sorted(prefixes), "blocks must be sorted by prefix"
    for prefix in set(prefixes):
        terms = [term for p, term in names if p == prefix]
        assert terms == sorted(terms), f"terms of {prefix}: must be sorted"


def test_every_term_of_the_grid_is_declared(ontology):
    assert undeclared(terms_used(grid_graph()), ontology) == []


def shape_terms(shapes: Graph) -> set[URIRef]:
    """The classes and properties that the shapes name: targets, sh:class, and every IRI in a path."""
    found = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"]))
    found |= set(shapes.objects(None, SH.targetSubjectsOf)) | set(shapes.objects(None, SH.targetObjectsOf))
    for path in shapes.objects(None, SH.path):
        found |= path_iris(shapes, path)
    return found


def path_iris(shapes: Graph, path) -> set[URIRef]:
    """The IRIs of a SHACL property path: an IRI, a list (sequence) or a node with one path operator."""
    if isinstance(path, URIRef):
        return {path}
    if (path, RDF.first, None) in shapes:
        return set().union(*(path_iris(shapes, step) for step in Collection(shapes, path)))
    found: set[URIRef] = set()
    for _, inner in shapes.predicate_objects(path):
        found |= path_iris(shapes, inner)
    return found


def test_path_walker_reads_sequences_and_inverse_paths():
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S sh:property [ sh:path ( ex:a [ sh:inversePath ex:b ] [ sh:zeroOrMorePath ex:c ] ) ] .
        ex:T sh:targetClass ex:K ; sh:property [ sh:path ex:d ; sh:class ex:L ] .
        """,
        format="turtle",
    )
    names = {str(term).rsplit("/", 1)[1] for term in shape_terms(shapes)}
    assert names == {"a", "b", "c", "d", "K", "L"}


def test_every_term_of_the_shapes_is_declared(ontology):
    assert undeclared(shape_terms(shapes_graph()), ontology) == []


def corpus_files() -> list[Path]:
    return sorted(data_dir("corpus").glob("*.yaml"))


def test_every_term_of_the_sample_corpus_is_declared(ontology):
    files = corpus_files()
    if not files:
        return  # nothing to check yet: the grid and shapes tests above still run
    assert importlib.util.find_spec("cap_ptce.project") is not None, (
        f"examples/corpus holds {len(files)} descriptions but cap_ptce.project (the loader) is missing"
    )
    load_description = importlib.import_module("cap_ptce.project").load_description
    problems = {}
    for path in files:
        missing = undeclared(terms_used(load_description(path).graph), ontology)
        if missing:
            problems[path.name] = missing
    assert problems == {}


def test_the_check_catches_an_undeclared_term(ontology):
    graph = Graph()
    graph.add((BNode(), URIRef("http://example.org/made-up"), Literal("x")))
    graph.add((BNode(), RDF.type, SKOS.Concept))
    graph.add((BNode(), RDF.type, URIRef("http://example.org/MadeUp")))
    graph.add((BNode(), RDFS.label, Literal("built-in terms need no declaration")))
    assert undeclared(terms_used(graph), ontology) == ["http://example.org/MadeUp", "http://example.org/made-up"]


def test_a_broken_ontology_file_is_reported_with_its_path(monkeypatch, tmp_path):
    import cap_ptce.rdf.vocabulary as rdf
    from cap_ptce.errors import RdfSyntaxError

    (tmp_path / "broken.ttl").write_text("cap:Thing a owl:Class .\n", encoding="utf-8")
    monkeypatch.setattr(rdf, "data_dir", lambda kind: tmp_path)
    rdf.folder_triples.cache_clear()
    try:
        with pytest.raises(RdfSyntaxError) as caught:
            rdf.ontology_graph()
    finally:
        rdf.folder_triples.cache_clear()
    assert caught.value.source.endswith("broken.ttl")


def test_every_term_of_the_dcat_void_catalogue_is_declared(ontology):
    from datetime import date

    from cap_ptce.publish.catalog import Part, Publication, catalog_graph
    from cap_ptce.publish.parts import dataset_parts

    parts = tuple(
        Part(
            name, {"fr": name, "en": name}, {"fr": name, "en": name}, graph, by_godin=name == "grid", csv=name == "grid"
        )
        for name, graph in dataset_parts().items()
    )
    publication = Publication(
        site="https://w3id.org/cap-ptce/",
        license="http://spdx.org/licenses/etalab-2.0",
        publisher="CAP PTCE",
        issued=date(2026, 11, 26),
        modified=date(2026, 11, 26),
        sparql_endpoint="https://w3id.org/cap-ptce/sparql",
    )
    graph = catalog_graph(parts, publication, files=lambda part_id, fmt: b"")
    assert undeclared(terms_used(graph), ontology) == []


def sparql_cap_terms(text: str) -> set[URIRef]:
    """The cap: terms a SPARQL text names (its prefix checked, comments left out)."""
    assert "PREFIX cap: <https://w3id.org/cap-ptce/def#>" in text
    code = "\n".join(
        line.split("#", 1)[0] if not line.lstrip().startswith("PREFIX") else "" for line in text.splitlines()
    )
    return {CAP[name] for name in re.findall(r"\bcap:([A-Za-z][\w-]*)", code)}


def test_every_cap_term_of_the_queries_and_the_indicators_is_declared(ontology):
    from cap_ptce.queries import list_queries
    from cap_ptce.store.indicators import INDICATOR_PROPERTIES, indicators_query

    texts = {query.name: query.build() for query in list_queries()}
    texts["indicators.rq"] = indicators_query()
    problems = {name: undeclared(sparql_cap_terms(text), ontology) for name, text in texts.items()}
    assert {name: missing for name, missing in problems.items() if missing} == {}
    assert sparql_cap_terms(indicators_query()) >= {URIRef(iri) for iri in INDICATOR_PROPERTIES}


def test_the_query_check_catches_a_misspelt_cap_term(ontology):
    text = "PREFIX cap: <https://w3id.org/cap-ptce/def#>\nSELECT * { ?p cap:memberCount ?n ; cap:memberCuont ?m }"
    assert undeclared(sparql_cap_terms(text), ontology) == [str(CAP["memberCuont"])]


def test_each_term_is_declared_in_one_file_with_one_label_and_definition_a_language():
    """A publisher's test of 2026-12-06 found « in region » and « in région » for cap:inRegion, in turns: it was
    declared in two files, with two labels, two definitions and two domains (a commune's and a project's, so that
    OWL made every subject both); cap:legalBasis too, whose second domain (sh:Shape) made every public scheme a
    shape."""
    files: dict[URIRef, list[str]] = {}
    for path in sorted(data_dir("ontology").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for term in set(graph.subjects(RDF.type, None)):
            if isinstance(term, URIRef) and term.startswith(str(CAP)):
                files.setdefault(term, []).append(path.name)
    assert {term: names for term, names in files.items() if len(names) > 1} == {}
    graph = ontology_graph()
    for prop in (RDFS.label, SKOS.definition, SKOS.prefLabel):
        twice = []
        for term in set(graph.subjects(prop, None)):
            if isinstance(term, URIRef) and term.startswith(str(CAP)):
                languages = [value.language for value in graph.objects(term, prop)]
                twice += [(str(term), lang) for lang in set(languages) if languages.count(lang) > 1]
        assert twice == [], prop
    for term in (CAP.inRegion, CAP.inDepartement, CAP.legalBasis):
        assert graph.value(term, RDFS.domain) is None, term
