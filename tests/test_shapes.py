"""The shapes themselves: named, described and linked to the grid, portable, generated where they must be."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from cap_ptce.grid import load_grid
from cap_ptce.rdf.namespaces import CAP, GRID_IRI, SHAPES
from cap_ptce.resources import data_dir
from cap_ptce.validation import shapes_graph
from cap_ptce.validation.completeness import completeness_shapes, entry_iri, question_iri

SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


def all_shapes(graph: Graph) -> set:
    """Every node declared as a shape, or used where SHACL expects one."""
    found = {s for t in SHAPE_TYPES for s in graph.subjects(RDF.type, t)}
    for predicate in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        found |= set(graph.objects(None, predicate))
    for predicate in (SH["or"], SH["and"], SH.xone):
        for head in graph.objects(None, predicate):
            found |= set(graph.items(head))
    return found


def languages(graph: Graph, node, predicate) -> set:
    return {literal.language for literal in graph.objects(node, predicate)}


def test_there_are_shapes_from_every_file_and_the_grid(shapes):
    names = {str(s).removeprefix(str(SHAPES)) for s in all_shapes(shapes)}
    assert {"SiretCheckDigit", "Art9EssEnterprise", "EligibilityLegalPersons", "Answered-q01", "Answered-q18"} <= names


def test_every_shape_has_an_iri_under_the_shapes_namespace(shapes):
    assert sorted(str(s) for s in all_shapes(shapes) if not str(s).startswith(str(SHAPES))) == []


@pytest.mark.parametrize("predicate", [RDFS.label, SH.description, SH.message])
def test_every_shape_speaks_french_and_english(shapes, predicate):
    missing = [str(s) for s in all_shapes(shapes) if not {"fr", "en"} <= languages(shapes, s, predicate)]
    assert missing == []


def test_every_sparql_constraint_has_french_and_english_messages(shapes):
    constraints = set(shapes.objects(None, SH.sparql))
    assert constraints
    for constraint in constraints:
        assert {"fr", "en"} <= languages(shapes, constraint, SH.message), constraint
        assert {"fr", "en"} <= languages(shapes, constraint, RDFS.label), constraint


def test_every_shape_links_to_a_grid_entry_question_or_the_grid(shapes):
    grid = load_grid()
    entries = {entry_iri(e.id) for e in grid.entries}
    questions = {question_iri(q.id): q for q in grid.questions}
    for shape in all_shapes(shapes):
        entry, question = shapes.value(shape, CAP.checksEntry), shapes.value(shape, CAP.checksQuestion)
        if entry is None:
            assert question is None and (shape, RDFS.seeAlso, GRID_IRI) in shapes, shape
            continue
        assert entry in entries, shape
        if question is not None:  # the question belongs to the entry named
            assert entry_iri(questions[question].entry_id) == entry, shape


def test_the_legal_shapes_name_article_9_and_the_decree_in_both_languages(shapes):
    for shape in all_shapes(shapes):
        name = str(shape).removeprefix(str(SHAPES))
        messages = {m.language: str(m) for m in shapes.objects(shape, SH.message)}
        if name.startswith("Art9"):
            assert "article 9 de la loi n° 2014-856 du 31 juillet 2014" in messages["fr"]
            assert "article 9 of law no. 2014-856" in messages["en"]
            assert shapes.value(shape, SH.severity) == SH.Violation
        if name.startswith("Eligibility"):
            assert "décret n° 2015-431 du 15 avril 2015" in messages["fr"]
            assert shapes.value(shape, SH.severity) == SH.Warning


# --- portability: SHACL Core and SHACL-SPARQL only, nothing that reaches out ------------

ADVANCED = [
    SH.target,
    SH.SPARQLTarget,
    SH.SPARQLTargetType,
    SH.rule,
    SH.SPARQLRule,
    SH.TripleRule,
    SH.SPARQLFunction,
    SH.Function,
    SH.JSConstraint,
    SH.JSFunction,
    SH.js,
    SH.shapesGraph,
    SH.entailment,
    SH.condition,
    SH.expression,
    URIRef("http://www.w3.org/2002/07/owl#imports"),
]


def test_no_advanced_feature_and_no_import(shapes):
    used = set(shapes.predicates()) | set(shapes.objects(None, RDF.type))
    assert [str(term) for term in ADVANCED if term in used] == []


def sparql_texts(graph: Graph) -> list[str]:
    return [str(text) for p in (SH.select, SH.ask, SH.construct, SH.update) for text in graph.objects(None, p)]


def test_sparql_reaches_nothing_and_can_be_pre_bound_by_any_engine(shapes):
    texts = sparql_texts(shapes)
    assert len(texts) >= 3
    for text in texts:
        # SERVICE, FROM and LOAD reach outside the data; VALUES, MINUS and sub-queries
        # break the pre-binding of $this that the SHACL specification requires
        assert not re.search(r"\b(SERVICE|FROM|LOAD|VALUES|MINUS)\b", text, re.IGNORECASE), text
        # the keywords, not the words that hold them (the concept reconnaissances/selection-etat)
        assert len(re.findall(r"\bSELECT\b|\bASK\s*\{", text, re.IGNORECASE)) <= 1, text


def test_the_shapes_graph_is_valid_shacl():
    # SHACL-SHACL: pySHACL checks the shapes graph against the shapes for shapes
    conforms, _graph, text = validate(
        Graph(), shacl_graph=shapes_graph(), meta_shacl=True, advanced=False, inference="none"
    )
    assert conforms, text


def test_the_shape_files_are_ours_and_none_is_generated_by_hand():
    files = sorted(p.name for p in data_dir("shapes").glob("*.ttl"))
    assert files == ["eligibility.ttl", "geography.ttl", "legal.ttl", "structure.ttl"]
    for path in data_dir("shapes").glob("*.ttl"):
        assert "Answered-" not in path.read_text(encoding="utf-8"), path


# --- completeness, generated from the grid ---------------------------------------------


def test_one_completeness_shape_per_question_of_the_grid():
    graph = completeness_shapes()
    grid = load_grid()
    for question in grid.questions:
        shape = SHAPES[f"Answered-{question.id}"]
        assert graph.value(shape, CAP.checksQuestion) == question_iri(question.id)
        assert graph.value(shape, CAP.checksEntry) == entry_iri(question.entry_id)
        assert graph.value(shape, SH.severity) == SH.Violation
        message = {m.language: str(m) for m in graph.objects(shape, SH.message)}
        assert question.wording("fr") in message["fr"] and question.wording("en") in message["en"]  # typos corrected
        if not question.fields:  # only a written answer answers it
            assert graph.value(shape, SH.hasValue) == question_iri(question.id)
            continue
        assert all(key in message["fr"] and key in message["en"] for key in question.fields)
        paths = list(graph.items(graph.value(graph.value(shape, SH.path), SH.alternativePath)))
        assert list(graph.items(paths[0])) == [CAP.hasAnswer, CAP.answers] and len(paths) > 1
        value = graph.value(shape, SH.qualifiedValueShape)
        assert graph.value(shape, SH.qualifiedMinCount).toPython() == 1
        others = set(graph.items(graph.value(graph.value(value, SH["not"]), SH["in"])))
        assert others == {question_iri(q.id) for q in grid.questions} - {question_iri(question.id)}
    answered = set(graph.subjects(SH.targetClass, CAP.Project))
    assert len(answered) == len(grid.questions) == 18
    assert sum(bool(q.fields) for q in grid.questions) == 15, "q04, q05 and q06 have no key: only words answer them"


def test_completeness_shapes_follow_the_grid_when_it_changes(monkeypatch):
    """Generated, not written: a grid with one question less gives one shape less."""
    from dataclasses import replace

    import cap_ptce.validation.completeness as module

    grid = load_grid()
    first = grid.entries[0]
    smaller = replace(grid, entries=(replace(first, questions=()),) + grid.entries[1:])
    monkeypatch.setattr(module, "load_grid", lambda: smaller)
    module._completeness_triples.cache_clear()
    try:
        graph = module.completeness_shapes()
        assert (SHAPES["Answered-q01"], None, None) not in graph
        assert (SHAPES["Answered-q02"], RDF.type, SH.PropertyShape) in graph
    finally:
        module._completeness_triples.cache_clear()


def test_docs_list_every_shape(shapes):
    text = (Path(__file__).resolve().parents[1] / "docs" / "validation.md").read_text(encoding="utf-8")
    names = {str(s).removeprefix(str(SHAPES)) for s in all_shapes(shapes)}
    missing = sorted(n for n in names if not n.startswith("Answered-") and f"`capsh:{n}`" not in text)
    assert missing == []
    assert "`capsh:Answered-q01` … `capsh:Answered-q18`" in text


def test_every_sparql_constraint_binds_this_in_a_triple_pattern(shapes):
    """The engine's pre-pass runs each text with $this free and keeps the nodes it binds (engine._failing):
    a text that only mentions $this in a filter would be skipped for every node."""
    pattern = re.compile(r"(\$this\s+(a|[\w-]*:[\w-]+|\$PATH|\?\w+)\s)|(\S+\s+\$this\s*[.;])")
    for text in sparql_texts(shapes):
        where = text.split("WHERE", 1)[1]
        first_level = re.sub(r"FILTER\s+(NOT\s+)?EXISTS\s*\{[^{}]*(\{[^{}]*\}[^{}]*)*\}", "", where)
        assert pattern.search(first_level), text
