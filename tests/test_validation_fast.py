"""The fast engine gives pySHACL's results: on our shapes and data, and component by component.

pySHACL stays the reference. Every comparison takes the SHACL report graphs
that the two engines write and compares, result by result, focus node, path,
value, source shape, constraint component, severity, source constraint,
messages (with their language) and nested ``sh:detail`` results, and the
report's ``sh:conforms``; for our data, the :class:`Report` objects too.
"""

from __future__ import annotations

import logging

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, XSD

from cap_ptce.project import load_description
from cap_ptce.project.generate import write_synthetic
from cap_ptce.rdf.namespaces import CAP, IGEO, SCHEMA
from cap_ptce.resources import data_dir
from cap_ptce.validation.batch import validate_descriptions, validate_graphs
from cap_ptce.validation.engine import run_pyshacl, set_messages
from cap_ptce.validation.fast import FastEngine, fast_problems, validate_batch
from cap_ptce.validation.report import _path_text
from test_shapes_identifiers import (
    COMMUNES_BAD_FORM,
    COMMUNES_NOT_IN_COG,
    COMMUNES_OK,
    geo_graph,
    numbers_graph,
    sample_numbers,
)
from test_validation_batch import BAD_EPCI, broken_files
from valid_description import COOP_SIRET, EPCI_SIREN, description, write

# --- comparing two SHACL reports --------------------------------------------------------------------


def _result(graph: Graph, node) -> tuple:
    value = graph.value
    return (
        value(node, SH.focusNode),
        _path_text(graph, value(node, SH.resultPath)),
        value(node, SH.value),
        value(node, SH.sourceShape),
        value(node, SH.sourceConstraintComponent),
        value(node, SH.resultSeverity),
        value(node, SH.sourceConstraint),
        frozenset((str(m), m.language) for m in graph.objects(node, SH.resultMessage)),
        frozenset(_result(graph, detail) for detail in graph.objects(node, SH.detail)),
    )


def shacl_results(report: Graph) -> tuple:
    """The report's verdict and its results (a multiset: pySHACL may repeat one), comparable across engines."""
    results = sorted((_result(report, node) for node in report.objects(None, SH.result)), key=repr)
    return report.value(None, SH.conforms), results


def fast_report(triples) -> Graph:
    [done] = validate_batch([tuple(triples)])
    assert done is not None, "the fast engine left this description to pySHACL"
    return done[0]


def assert_same_as_pyshacl(graphs: list[Graph]) -> None:
    done = validate_batch([tuple(graph) for graph in graphs])
    for graph, found in zip(graphs, done, strict=True):
        assert found is not None
        assert shacl_results(found[0]) == shacl_results(run_pyshacl(graph))


# --- our shapes, our data ------------------------------------------------------------------------------


def test_the_fast_engine_runs_all_our_shapes():
    assert fast_problems() == []


def report_key(report) -> tuple:
    results = tuple(
        (r.severity, r.focus, r.path, r.message, r.line, r.value, r.shape, r.entry, r.question) for r in report.results
    )
    return report.source, report.conforms, report.completeness, results


def test_the_sample_corpus_gets_pyshacls_results():
    descriptions = [load_description(path) for path in sorted(data_dir("corpus").glob("*.yaml"))]
    assert len(descriptions) >= 10
    assert_same_as_pyshacl([d.graph for d in descriptions])
    fast = validate_descriptions(descriptions, engine="fast")
    reference = validate_descriptions(descriptions, engine="pyshacl")
    assert [report_key(r) for r in fast] == [report_key(r) for r in reference]


def _variants() -> dict[str, dict]:
    """The test description broken one way at a time, as the validation tests break it."""
    cases = {"valid": description()}
    no_ess = description()
    for actor in no_ess["acteurs"]:
        actor["ess"] = False
    cases["no-ess"] = no_ess
    only_ess = description()
    for actor in only_ess["acteurs"]:
        actor["ess"] = True
    cases["only-ess"] = only_ess
    declared_both = description()  # "ess: true" and "entreprise-hors-ess": unknown status, facts that disagree
    declared_both["acteurs"][2]["ess"] = True
    cases["declared-both"] = declared_both
    not_said = description()  # "ess: false" but nothing says what it is
    not_said["acteurs"][1].update(type="reseau", ess=False)
    not_said["acteurs"][2].update(type="reseau")
    for actor in not_said["acteurs"][1:3]:
        actor.pop("categorie_juridique", None), actor.pop("rna", None)
    cases["ess-false-unknown"] = not_said
    bare = description()
    del bare["territoire"], bare["strategie_commune"]
    cases["no-territory-no-strategy"] = bare
    few = description()
    few["acteurs"] = few["acteurs"][:2]
    cases["two-actors"] = few
    unanswered = description()
    unanswered["maturite"] = "emergent"
    for question in ("q02", "q03", "q18"):
        del unanswered["reponses"][question]
    cases["unanswered"] = unanswered
    dates = description()
    dates["date_creation"] = "2024-13"
    cases["bad-date"] = dates
    return cases


def test_the_test_descriptions_get_pyshacls_results(tmp_path):
    files = broken_files(tmp_path / "broken")
    for name, data in _variants().items():
        try:
            files.append(write(data, tmp_path / f"{name}.yaml"))
        except Exception:  # a variant the loader refuses is not a description
            continue
    descriptions = []
    for path in files:
        try:
            descriptions.append(load_description(path))
        except Exception:
            continue
    assert len(descriptions) >= 10
    assert any(not r.conforms for r in validate_descriptions(descriptions, engine="fast"))
    assert_same_as_pyshacl([d.graph for d in descriptions])
    fast = validate_descriptions(descriptions, engine="fast")
    reference = validate_descriptions(descriptions, engine="pyshacl")
    assert [report_key(r) for r in fast] == [report_key(r) for r in reference]


def test_identifiers_and_insee_codes_get_pyshacls_results():
    sirens = numbers_graph(CAP.siren, sample_numbers(9, 60, seed=11) + ["12345678", "1234567890", "abcdefghi"])
    sirets = numbers_graph(CAP.siret, sample_numbers(14, 60, seed=12) + ["35600000000048", "356000000000\n48"])
    epcis = geo_graph(IGEO.Intercommunalite, [EPCI_SIREN, BAD_EPCI, "24800053", "248000531\n"])
    communes = geo_graph(IGEO.Commune, COMMUNES_OK + COMMUNES_BAD_FORM + COMMUNES_NOT_IN_COG + ["20004"])
    both = numbers_graph(CAP.siret, [COOP_SIRET, COOP_SIRET[:-1] + "0"])
    for node in set(both.subjects()):
        both.add((node, CAP.siren, Literal(COOP_SIRET[:9])))
    graphs = [sirens, sirets, epcis, communes, both]
    assert_same_as_pyshacl(graphs)
    assert all(shacl_results(fast_report(g))[1] for g in graphs)  # each of them has results


def test_two_hundred_generated_descriptions_get_pyshacls_results(tmp_path):
    files = sorted(write_synthetic(200, tmp_path, seed=7))
    descriptions = [load_description(path) for path in files]
    fast = validate_descriptions(descriptions, engine="fast")
    reference = validate_descriptions(descriptions, engine="pyshacl")  # pySHACL, in batches of 50
    assert [report_key(r) for r in fast] == [report_key(r) for r in reference]
    assert [shacl_results(r.graph) for r in fast] == [shacl_results(r.graph) for r in reference]
    assert_same_as_pyshacl([d.graph for d in descriptions[:20]])  # and pySHACL alone, file by file


def test_the_engines_give_the_same_reports_through_validate_graphs(tmp_path):
    path = write(_variants()["no-ess"], tmp_path / "x.yaml")
    graph = load_description(path).graph
    [fast] = validate_graphs([(graph, "x", None)], engine="fast")
    [reference] = validate_graphs([(graph, "x", None)], engine="pyshacl")
    assert report_key(fast) == report_key(reference) and not fast.conforms


# --- what the engine cannot hold exactly goes to pySHACL -------------------------------------------------


def test_a_description_with_a_literal_oxigraph_would_rewrite_goes_to_pyshacl():
    graph = numbers_graph(CAP.siren, ["732829320"])
    graph.add((URIRef("http://example.org/org/0"), CAP.siren, Literal("1.50", datatype=XSD.decimal)))
    [done] = validate_batch([tuple(graph)])
    assert done is None  # a SIREN goes to Oxigraph, and "1.50" would come back as "1.5"
    other = numbers_graph(CAP.siren, ["732829320"])
    other.add((URIRef("http://example.org/org/0"), CAP.population, Literal("1.50", datatype=XSD.decimal)))
    assert validate_batch([tuple(other)]) != [None]  # a population never goes to Oxigraph
    [report] = validate_graphs([(graph, "x", None)], engine="fast")
    [reference] = validate_graphs([(graph, "x", None)], engine="pyshacl")
    assert report_key(report) == report_key(reference)


def test_blank_nodes_go_to_pyshacl():
    graph = Graph().parse(
        format="turtle",
        data="@prefix cap: <https://w3id.org/cap-ptce/def#> . [] cap:siren '123' .",
    )
    assert validate_batch([tuple(graph)]) == [None]


# --- component by component, on shapes of the test's own -------------------------------------------------

EX = Namespace("http://example.org/")
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""


def compare(shapes_text: str, data_text: str) -> list:
    """The fast engine's results on the data, checked equal to pySHACL's; returns them."""
    shapes = Graph().parse(data=PREFIXES + shapes_text, format="turtle")
    data = Graph().parse(data=PREFIXES + data_text, format="turtle")
    engine = FastEngine(shapes)
    assert engine.problems == []
    [done] = engine.validate_batch([tuple(data)])
    assert done is not None
    _conforms, reference, _text = pyshacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_infos=True,
        allow_warnings=True,
        advanced=False,
        meta_shacl=False,
    )
    set_messages(reference, shapes)
    fast = shacl_results(done[0])
    assert fast == shacl_results(reference)
    return fast[1]


COMPONENTS = {
    "class, with a subclass": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:P ; sh:path ex:knows ; sh:class ex:Person ; sh:message 'm'@en .",
        "ex:a a ex:P ; ex:knows ex:b . ex:b a ex:Student . ex:Student rdfs:subClassOf ex:Person .",
        "ex:a a ex:P ; ex:knows ex:c , 'text' . ex:c a ex:Thing .",
    ),
    "datatype": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:d ; sh:path ex:d ; sh:datatype xsd:date ; sh:message 'm'@en .",
        "ex:a ex:d '2024-03-15'^^xsd:date .",
        "ex:a ex:d '2024-02-30'^^xsd:date , '2024' , ex:x .",
    ),
    "datatype xsd:string, plain and tagged": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:d ; sh:path ex:d ; sh:datatype xsd:string ; sh:message 'm'@en .",
        "ex:a ex:d 'plain' .",
        "ex:a ex:d 'tagged'@fr , 3 .",
    ),
    "nodeKind": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:u ; sh:path ex:u ; sh:nodeKind sh:IRI ; sh:message 'm'@en .",
        "ex:a ex:u ex:b .",
        "ex:a ex:u 'http://example.org/b' .",
    ),
    "minCount": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:P ; sh:path ex:name ; sh:minCount 2 ; sh:message 'm'@en .",
        "ex:a a ex:P ; ex:name 'x' , 'y' .",
        "ex:a a ex:P ; ex:name 'x' . ex:b a ex:P .",
    ),
    "maxCount": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:P ; sh:path ex:name ; sh:maxCount 1 ; sh:message 'm'@en .",
        "ex:a a ex:P ; ex:name 'x' .",
        "ex:a a ex:P ; ex:name 'x' , 'y' .",
    ),
    "minInclusive": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:n ; sh:path ex:n ; sh:minInclusive 0 ; sh:message 'm'@en .",
        "ex:a ex:n 0 , 2.5 .",
        "ex:a ex:n -1 , 'abc'^^xsd:decimal , 'ten' , ex:x .",
    ),
    "minLength and maxLength": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:t ; sh:path ex:t ; sh:minLength 2 ; sh:maxLength 4 ;"
        " sh:message 'm'@en .",
        "ex:a ex:t 'ab' , 'abcd' , 12 .",
        "ex:a ex:t 'a' , 'abcde' , ex:x .",
    ),
    "pattern, with flags and a final newline": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:c ; sh:path ex:c ; sh:pattern '^ab[0-9]+$' ;"
        " sh:flags 'i' ; sh:message 'm'@en .",
        "ex:a ex:c 'AB12' , 'ab1\\n' .",
        "ex:a ex:c 'abc' , 'x ab1' .",
    ),
    "in": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:k ; sh:path ex:k ; sh:in ( ex:x ex:y 1 ) ; sh:message 'm'@en .",
        "ex:a ex:k ex:x , 1 .",
        "ex:a ex:k ex:z , '1' .",
    ),
    "hasValue": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:P ; sh:path ex:k ; sh:hasValue true ; sh:message 'm'@en .",
        "ex:a a ex:P ; ex:k true , false .",
        "ex:a a ex:P ; ex:k false . ex:b a ex:P .",
    ),
    "node, with details": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:d ; sh:path ex:d ; sh:node ex:Date ; sh:message 'm'@en ."
        " ex:Date a sh:NodeShape ; sh:datatype xsd:date ; sh:message 'not a date'@en .",
        "ex:a ex:d '2024-01-02'^^xsd:date .",
        "ex:a ex:d '2024' .",
    ),
    "property": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:P ; sh:property ex:Name ; sh:message 'm'@en ."
        " ex:Name a sh:PropertyShape ; sh:path ex:name ; sh:minCount 1 ; sh:message 'name'@en .",
        "ex:a a ex:P ; ex:name 'x' .",
        "ex:a a ex:P .",
    ),
    "not": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:P ; sh:not ex:Named ; sh:message 'm'@en ."
        " ex:Named a sh:PropertyShape ; sh:path ex:name ; sh:minCount 1 .",
        "ex:a a ex:P .",
        "ex:a a ex:P ; ex:name 'x' .",
    ),
    "or": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:d ; sh:path ex:d ; sh:or ( ex:D ex:Y ) ; sh:message 'm'@en ."
        " ex:D sh:datatype xsd:date . ex:Y sh:datatype xsd:gYear .",
        "ex:a ex:d '2024'^^xsd:gYear , '2024-01-02'^^xsd:date .",
        "ex:a ex:d '2024' .",
    ),
    "xone, a member listed twice counting twice": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:d ; sh:path ex:d ; sh:xone ( ex:D ex:Y ) ;"
        " sh:message 'm'@en . ex:T a sh:NodeShape ; sh:targetClass ex:P ; sh:xone ( ex:A ex:A ) ; sh:message 't'@en ."
        " ex:D sh:datatype xsd:date . ex:Y sh:datatype xsd:gYear . ex:A sh:path ex:a ; sh:minCount 1 .",
        "ex:a ex:d '2024'^^xsd:gYear , '2024-01-02'^^xsd:date .",
        "ex:a ex:d '2024' . ex:p a ex:P ; ex:a 1 .",  # ex:p conforms to ex:A twice: not exactly once
    ),
    "lessThan, numbers, dates, strings and IRIs": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:min ; sh:path ex:min ; sh:lessThan ex:max ;"
        " sh:message 'm'@en .",
        "ex:a ex:min 2 ; ex:max 3 , 2.5 . ex:b ex:min '2024-01-01'^^xsd:date ; ex:max '2024-02-01'^^xsd:date ."
        " ex:c ex:min 'abc' ; ex:max 'abd' . ex:d ex:min ex:a ; ex:max ex:b . ex:e ex:min 1 .",
        "ex:a ex:min 3 ; ex:max 3 , 2 , 'x' . ex:b ex:min '2024-02-01'^^xsd:date ; ex:max '2024-01-01'^^xsd:date ."
        " ex:c ex:min 'b' ; ex:max 'a' , ex:z .",
    ),
    "and": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:P ; sh:and ( ex:A ex:B ) ; sh:message 'm'@en ."
        " ex:A sh:path ex:a ; sh:minCount 1 . ex:B sh:path ex:b ; sh:minCount 1 .",
        "ex:x a ex:P ; ex:a 1 ; ex:b 2 .",
        "ex:x a ex:P ; ex:a 1 .",
    ),
    "qualifiedValueShape, minimum and maximum": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:P ; sh:path ex:member ; sh:qualifiedValueShape ex:Ess ;"
        " sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 2 ; sh:message 'm'@en ."
        " ex:Ess a sh:PropertyShape ; sh:path ex:ess ; sh:hasValue true .",
        "ex:p a ex:P ; ex:member ex:a , ex:b . ex:a ex:ess true .",
        "ex:p a ex:P ; ex:member ex:a . ex:a ex:ess false . ex:q a ex:P ; ex:member ex:b , ex:c , ex:d ."
        " ex:b ex:ess true . ex:c ex:ess true . ex:d ex:ess true .",
    ),
    "qualifiedValueShapesDisjoint": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:P ; sh:property ex:Q1 , ex:Q2 ; sh:message 'm'@en ."
        " ex:Q1 sh:path ex:m ; sh:qualifiedValueShape ex:A ; sh:qualifiedMinCount 1 ;"
        " sh:qualifiedValueShapesDisjoint true ; sh:message 'q1'@en ."
        " ex:Q2 sh:path ex:m ; sh:qualifiedValueShape ex:B ; sh:qualifiedMinCount 1 ;"
        " sh:qualifiedValueShapesDisjoint true ; sh:message 'q2'@en ."
        " ex:A sh:path ex:a ; sh:minCount 1 . ex:B sh:path ex:b ; sh:minCount 1 .",
        "ex:p a ex:P ; ex:m ex:x , ex:y . ex:x ex:a 1 . ex:y ex:b 1 .",
        "ex:p a ex:P ; ex:m ex:x . ex:x ex:a 1 ; ex:b 1 .",
    ),
    "paths: sequence, inverse, alternative, zero-or-more, one-or-more, zero-or-one": (
        "ex:S1 a sh:PropertyShape ; sh:targetClass ex:P ; sh:path ( ex:a [ sh:zeroOrMorePath ex:broader ] ) ;"
        " sh:hasValue ex:top ; sh:message 'm1'@en ."
        " ex:S2 a sh:PropertyShape ; sh:targetClass ex:P ; sh:path [ sh:inversePath ex:member ] ; sh:minCount 1 ;"
        " sh:message 'm2'@en ."
        " ex:S3 a sh:PropertyShape ; sh:targetClass ex:P ; sh:path [ sh:alternativePath ( ex:x ex:y ) ] ;"
        " sh:maxCount 1 ; sh:message 'm3'@en ."
        " ex:S4 a sh:PropertyShape ; sh:targetClass ex:P ; sh:path [ sh:oneOrMorePath ex:broader ] ;"
        " sh:maxCount 2 ; sh:message 'm4'@en ."
        " ex:S5 a sh:PropertyShape ; sh:targetClass ex:P ; sh:path [ sh:zeroOrOnePath ex:broader ] ;"
        " sh:maxCount 2 ; sh:message 'm5'@en .",
        "ex:p a ex:P ; ex:a ex:k ; ex:x 1 . ex:k ex:broader ex:top . ex:g ex:member ex:p .",
        "ex:p a ex:P ; ex:a ex:k ; ex:x 1 ; ex:y 2 ; ex:broader ex:b1 . ex:b1 ex:broader ex:b2 . ex:b2 ex:broader ex:b3 .",
    ),
    "targets: subjects of, objects of, node, implicit class": (
        "ex:S1 a sh:NodeShape ; sh:targetObjectsOf ex:link ; sh:nodeKind sh:Literal ; sh:message 'm1'@en ."
        " ex:S2 a sh:NodeShape ; sh:targetNode ex:n ; sh:class ex:C ; sh:message 'm2'@en ."
        " ex:Impl a sh:NodeShape , rdfs:Class ; sh:property ex:Name ; sh:message 'm3'@en ."
        " ex:Name sh:path ex:name ; sh:minCount 1 ; sh:message 'm4'@en .",
        "ex:a ex:link 'x' . ex:n a ex:C . ex:i a ex:Impl ; ex:name 'y' .",
        "ex:a ex:link ex:b . ex:i a ex:Impl .",
    ),
    "severity and a warning inside sh:node and sh:or": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:d ; sh:path ex:d ; sh:node ex:W ; sh:or ( ex:W ) ;"
        " sh:severity sh:Warning ; sh:message 'm'@en ."
        " ex:W a sh:NodeShape ; sh:datatype xsd:date ; sh:severity sh:Warning ; sh:message 'w'@en .",
        "ex:a ex:d '2024-01-02'^^xsd:date .",
        "ex:a ex:d 'x' .",
    ),
    "deactivated": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:P ; sh:path ex:name ; sh:minCount 1 ; sh:deactivated true ;"
        " sh:message 'm'@en . ex:T a sh:PropertyShape ; sh:targetClass ex:P ; sh:path ex:d ; sh:node ex:Off ;"
        " sh:message 't'@en . ex:Off a sh:NodeShape ; sh:deactivated true ; sh:datatype xsd:date ; sh:message 'off'@en .",
        "ex:a a ex:P ; ex:d 'x' .",
        None,
    ),
    "SHACL-SPARQL: $this, $PATH, {?value} and another variable": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:code ; sh:path ex:code ; sh:sparql ex:Q ;"
        " sh:message 'shape'@en . ex:Q a sh:SPARQLConstraint ; sh:message 'code {?value} of {$this}: {?other}'@en ;"
        " sh:prefixes ex:ont ; sh:select '''SELECT $this ?value ?other WHERE { $this $PATH ?value ."
        " $this ex:other ?other . FILTER (!REGEX(STR(?value), \"^[0-9]+$\") || STRSTARTS(?other, STR(?value))) }''' ."
        " ex:ont a owl:Ontology ; sh:declare [ sh:prefix 'ex' ; sh:namespace 'http://example.org/'^^xsd:anyURI ] .",
        "ex:a ex:code '123' ; ex:other 'x' . ex:b ex:code '45\\n' ; ex:other 'y' .",
        "ex:a ex:code '12a' ; ex:other 'x' . ex:b ex:code '45' ; ex:other '456' .",
    ),
    "SHACL-SPARQL: REPLACE with a regular expression, REGEX with flags": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:code ; sh:path ex:code ; sh:sparql ex:Q ;"
        " sh:message 'shape'@en . ex:Q a sh:SPARQLConstraint ; sh:message 'bad {?value}'@en ;"
        ' sh:select """SELECT $this ?value WHERE { $this $PATH ?value .'
        ' FILTER (STRLEN(REPLACE(STR(?value), "[0-9]", "")) > 0 && !REGEX(STR(?value), "^X", "i")) }""" .',
        "ex:a ex:code '123' , 'x12' .",
        "ex:a ex:code '12a' .",
    ),
    "SHACL-SPARQL: a predicate variable that a filter restricts (given to Oxigraph as VALUES)": (
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:code ; sh:sparql ex:Q ; sh:message 'shape'@en ."
        " ex:Q a sh:SPARQLConstraint ; sh:message '{?path}: {?value}'@en ; sh:prefixes ex:ont ;"
        ' sh:select """SELECT $this ?path ?value WHERE { $this ?path ?value .'
        ' FILTER (?path IN (ex:code, ex:label)) FILTER (STRLEN(STR(?value)) < 2) }""" .'
        " ex:ont a owl:Ontology ; sh:declare [ sh:prefix 'ex' ; sh:namespace 'http://example.org/'^^xsd:anyURI ] .",
        "ex:a ex:code '123' ; ex:label 'ab' ; ex:other 'x' .",
        "ex:a ex:code '1' ; ex:label 'b' ; ex:other 'x' . ex:b ex:code 'ok' ; ex:other 'y' .",
    ),
    "SHACL-SPARQL: type patterns (the batch's store leaves out the types that no query reads)": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql ex:Q ; sh:message 'shape'@en ."
        " ex:Q a sh:SPARQLConstraint ; sh:message '{?o}'@en ; sh:prefixes ex:ont ;"
        ' sh:select """SELECT $this ?o WHERE { $this ex:p ?o . FILTER NOT EXISTS { ?o a ex:C } }""" .'
        " ex:ont a owl:Ontology ; sh:declare [ sh:prefix 'ex' ; sh:namespace 'http://example.org/'^^xsd:anyURI ] .",
        "ex:a a ex:T ; ex:p ex:x . ex:x a ex:C , ex:D .",
        "ex:a a ex:T ; ex:p ex:x , ex:y . ex:x a ex:D . ex:y a ex:C .",
    ),
    "minExclusive, maxInclusive, maxExclusive": (
        "ex:S a sh:PropertyShape ; sh:targetSubjectsOf ex:n ; sh:path ex:n ; sh:minExclusive 0 ; sh:maxInclusive 10 ;"
        " sh:message 'm'@en . ex:T a sh:PropertyShape ; sh:targetSubjectsOf ex:d ; sh:path ex:d ;"
        " sh:maxExclusive '2030-01-01'^^xsd:date ; sh:message 't'@en .",
        "ex:a ex:n 1 , 10 , 0.5 ; ex:d '2024-01-01'^^xsd:date .",
        "ex:a ex:n 0 , 11 , 'x' ; ex:d '2030-01-01'^^xsd:date , '2031' .",
    ),
    "SHACL-SPARQL: UNION, BIND to ?path, OPTIONAL, COALESCE, STRAFTER and NOW": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:Actor ; sh:sparql ex:Q ; sh:message 'shape'@en ."
        " ex:Q a sh:SPARQLConstraint ; sh:message '{?name} ({?today}): {?path}'@en ; sh:prefixes ex:ont ;"
        ' sh:select """SELECT $this ?path ?name ?today WHERE { $this ex:ess true ; ex:kind ex:company .'
        " { BIND (ex:ess AS ?path) } UNION { $this ex:basis ?path }"
        " OPTIONAL { $this ex:name ?given }"
        ' BIND (COALESCE(STR(?given), STRAFTER(STR($this), "example.org/")) AS ?name)'
        ' BIND (SUBSTR(STR(NOW()), 1, 4) AS ?today) FILTER (?today > "2000") }""" .'
        " ex:ont a owl:Ontology ; sh:declare [ sh:prefix 'ex' ; sh:namespace 'http://example.org/'^^xsd:anyURI ] .",
        "ex:a a ex:Actor ; ex:ess false ; ex:kind ex:company .",
        "ex:a a ex:Actor ; ex:ess true ; ex:kind ex:company ; ex:basis ex:statute ."
        " ex:b a ex:Actor ; ex:ess true ; ex:kind ex:company ; ex:name 'Bee' .",
    ),
}


@pytest.mark.parametrize("name", COMPONENTS)
def test_each_component_gives_pyshacls_results(name):
    shapes, conforming, failing = COMPONENTS[name]
    assert compare(shapes, conforming) == []
    if failing is not None:
        assert compare(shapes, failing) != []


# --- what the fast engine refuses ---------------------------------------------------------------------------

REFUSED = {
    "lessThanOrEquals": "ex:S sh:targetClass ex:P ; sh:path ex:a ; sh:lessThanOrEquals ex:b ; sh:message 'm'@en .",
    "closed": "ex:S a sh:NodeShape ; sh:targetClass ex:P ; sh:closed true ; sh:message 'm'@en .",
    "languageIn": "ex:S sh:targetClass ex:P ; sh:path ex:l ; sh:languageIn ( 'fr' ) ; sh:message 'm'@en .",
    "a shape without a message": "ex:S sh:targetClass ex:P ; sh:path ex:l ; sh:minCount 1 .",
    "a SPARQL sub-query": "ex:S sh:targetClass ex:P ; sh:message 'm'@en ; sh:sparql [ sh:message 'q'@en ;"
    " sh:select 'SELECT $this WHERE { { SELECT $this WHERE { $this ?p ?o } } }' ] .",
    "a SPARQL function that may differ": "ex:S sh:targetClass ex:P ; sh:message 'm'@en ; sh:sparql [ sh:message"
    " 'q'@en ; sh:select 'SELECT $this WHERE { $this ?p ?o FILTER (UCASE(STR(?o)) = \"A\") }' ] .",
    "SPARQL targets": "ex:S sh:target [ sh:select 'SELECT ?this WHERE { ?this ?p ?o }' ] ; sh:message 'm'@en .",
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_feature_the_engine_does_not_evaluate_is_refused_by_name(name, caplog):
    shapes = Graph().parse(data=PREFIXES + REFUSED[name], format="turtle")
    with caplog.at_level(logging.WARNING, logger="cap_ptce.validation"):
        engine = FastEngine(shapes)
    assert engine.problems and "pySHACL validates instead" in caplog.text
    assert engine.validate_batch([()]) == [None]  # every description goes to pySHACL


def test_refused_shapes_send_the_validation_to_pyshacl(monkeypatch, tmp_path):
    from cap_ptce.validation import fast

    refused = FastEngine(Graph().parse(data=PREFIXES + REFUSED["closed"], format="turtle"))
    monkeypatch.setattr(fast, "default_engine", lambda: refused)
    path = write(_variants()["no-ess"], tmp_path / "x.yaml")
    [report] = validate_descriptions([load_description(path)], engine="fast")
    [reference] = validate_descriptions([load_description(path)], engine="pyshacl")
    assert report_key(report) == report_key(reference) and not report.conforms


def test_the_engine_setting_and_an_unknown_engine(monkeypatch, tmp_path):
    from cap_ptce.errors import ParameterError
    from cap_ptce.validation.engines import engine_choice

    assert engine_choice() == "fast"
    monkeypatch.setenv("CAP_PTCE_VALIDATION_ENGINE", "pyshacl")
    assert engine_choice() == "pyshacl"
    with pytest.raises(ParameterError):
        engine_choice("jena")


def test_the_command_line_offers_both_engines(tmp_path):
    from click.testing import CliRunner

    from cap_ptce.cli import cli

    path = write(_variants()["no-ess"], tmp_path / "x.yaml")
    outputs = []
    for engine in ("fast", "pyshacl"):
        result = CliRunner().invoke(cli, ["validate", str(path), "--engine", engine, "--format", "json"])
        assert result.exit_code == 1
        outputs.append(result.output)
    assert outputs[0] == outputs[1]
    assert CliRunner().invoke(cli, ["validate", str(path), "--engine", "jena"]).exit_code == 2


def test_the_fast_engine_does_not_import_pyshacl():
    import subprocess
    import sys

    one = sorted(data_dir("corpus").glob("*.yaml"))[0]
    code = (
        "import sys; from cap_ptce.validation import validate_file; "
        f"assert validate_file({str(one)!r}, engine='fast').conforms; print('pyshacl' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"  # half a second of a cold start saved


def test_regular_expressions_run_in_python_and_plain_replacements_in_oxigraph():
    shapes_text, _ok, _ko = COMPONENTS["SHACL-SPARQL: REPLACE with a regular expression, REGEX with flags"]
    engine = FastEngine(Graph().parse(data=PREFIXES + shapes_text, format="turtle"))
    [(_shape, query)] = engine.constraints
    assert "<urn:cap-ptce:fn:replace>(" in query.query and "<urn:cap-ptce:fn:regex>(" in query.query
    from cap_ptce.validation.fast import default_engine

    luhn = next(q for s, q in default_engine().constraints if s.node.endswith("#SirenCheckDigit"))
    assert "fn:replace" not in luhn.query and "REPLACE" in luhn.query  # REPLACE(?kept, "0", "") stays Oxigraph's
    assert luhn.predicates == frozenset({str(CAP.siren)})  # the batch's store holds only SIRENs for it


def test_a_predicate_variable_that_a_top_level_filter_restricts_names_its_predicates():
    from cap_ptce.validation.fast import default_engine
    from cap_ptce.validation.fastsparql import compile_constraint
    from cap_ptce.validation.placeholders import text_predicates

    queries = {s.node.rsplit("#", 1)[-1]: q for s, q in default_engine().constraints}
    # every text but the common strategy, which the law's shape reports left over (placeholders.left_over_law_shapes)
    assert queries["PlaceholderText"].predicates == frozenset(map(str, text_predicates())) - {str(CAP.commonStrategy)}
    assert queries["FoundingDateNotFuture"].predicates == frozenset({str(SCHEMA.foundingDate), str(CAP.yearFrom)})
    shape = FastEngine(Graph().parse(data=PREFIXES + COMPONENTS["not"][0], format="turtle")).shapes[EX.S]
    bodies = {
        "$this ?p ?o . FILTER (?p IN (ex:a, ex:b))": {"http://example.org/a", "http://example.org/b"},
        "$this ?p ?o . FILTER (?p = ex:a || ?p = ex:b)": {"http://example.org/a", "http://example.org/b"},
        # the patterns after a FILTER or a BIND count too
        "$this ex:a ?x . FILTER (STR(?x) != '') BIND (1 AS ?n) $this ex:b ?y": {
            "http://example.org/a",
            "http://example.org/b",
        },
        "$this ?p ?o . FILTER (?p IN (ex:a) || true)": None,  # not a plain restriction
        "$this ex:a ?x . OPTIONAL { ?x ?p ?o } FILTER (?p IN (ex:b))": None,  # the pattern is not top-level
        "$this ?p ?o . FILTER (?q IN (ex:a))": None,  # another variable
        "$this ?p ?o . FILTER NOT EXISTS { FILTER (?p IN (ex:a)) }": None,  # not in the top-level group
    }
    for body, expected in bodies.items():
        node = BNode()
        graph = Graph().parse(data=PREFIXES, format="turtle")
        graph.add((node, SH.select, Literal(f"PREFIX ex: <http://example.org/> SELECT $this WHERE {{ {body} }}")))
        graph.add((node, SH.message, Literal("m")))
        compiled, problems = compile_constraint(graph, shape, node)
        assert problems == [] and compiled.predicates == (None if expected is None else frozenset(expected)), body
        # a top-level ?p restricted by its filter is given to Oxigraph as inline data, which reads those triples only
        given = "VALUES ?p { <http://example.org/a> <http://example.org/b> }" in compiled.query
        assert given == (body in list(bodies)[:2]), body
    assert "VALUES ?path {" in queries["PlaceholderText"].query


def test_the_batch_store_holds_only_the_type_triples_that_a_query_reads():
    from cap_ptce.validation.fast import _needed_classes, default_engine
    from cap_ptce.validation.fastsparql import compile_constraint

    queries = {s.node.rsplit("#", 1)[-1]: q for s, q in default_engine().constraints}
    assert queries["LegalNatureUnknown"].classes == frozenset({str(CAP.Project)})
    assert CAP.Actor in _needed_classes(default_engine().constraints)
    shape = FastEngine(Graph().parse(data=PREFIXES + COMPONENTS["not"][0], format="turtle")).shapes[EX.S]
    bodies = {
        "$this a ex:C ; ex:p ?o . ?o a ex:D .": {"http://example.org/C", "http://example.org/D"},
        "$this ex:p ?o . FILTER NOT EXISTS { ?o a ex:C }": {"http://example.org/C"},
        "$this ex:p ?o .": set(),
        "$this a ?class .": None,  # any class
        "$this a ex:C , ex:D .": None,  # an object list: not followed
        "$this rdf:type ex:C .": None,  # written out: not followed
        "$this ex:p/a ex:C .": None,  # in a path
        "$this ?p ex:C . FILTER (?p IN (rdf:type))": None,  # a variable that may be rdf:type
    }
    for body, expected in bodies.items():
        node = BNode()
        graph = Graph().parse(data=PREFIXES, format="turtle")
        text = f"PREFIX ex: <http://example.org/> PREFIX rdf: <{RDF}> SELECT $this WHERE {{ {body} }}"
        graph.add((node, SH.select, Literal(text)))
        graph.add((node, SH.message, Literal("m")))
        compiled, problems = compile_constraint(graph, shape, node)
        assert problems == [] and compiled.classes == (None if expected is None else frozenset(expected)), body


def test_the_fast_engine_sees_the_data_graph_that_pyshacl_sees(tmp_path):
    from cap_ptce.validation.engine import data_graph, vocabulary_triples
    from cap_ptce.validation.fast import default_engine

    paths = sorted(data_dir("corpus").glob("*.yaml"))[:5] + sorted(write_synthetic(5, tmp_path, seed=9))
    for path in paths:
        description = load_description(path)
        index = default_engine().index(description.triples)
        seen = set(description.triples) | set(vocabulary_triples()) | set(index.derived)
        assert seen == set(data_graph(description.graph))


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (("regex", "Saint-Paul", "^saint", "i"), "true"),
        (("regex", "Saint-Paul", "^saint"), "false"),
        (("regex", "Saint-Paul", "("), None),  # not a pattern: an error, as in rdflib
        (("replace", "a1b2", "[0-9]", ""), "ab"),
        (("replace", "a1b2", "([a-z])([0-9])", "$2$1"), "1a2b"),
        (("replace", "a1b2", "[0-9]", "$2"), None),  # a group the pattern does not have
    ],
)
def test_the_python_regex_functions_answer_as_rdflib(call, expected):
    """REGEX and REPLACE run in Python for the fast engine: rdflib's results, errors as unbound."""
    import pyoxigraph as ox

    from cap_ptce.validation.fastsparql import custom_functions

    name, *arguments = call
    function = custom_functions()[ox.NamedNode(f"urn:cap-ptce:fn:{name}")]
    answer = function(*(ox.Literal(argument) for argument in arguments))
    assert (None if answer is None else answer.value) == expected
