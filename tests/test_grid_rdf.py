"""The grid's RDF, checked against the grid's YAML and against the source document's structure."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import BNode, Graph, Literal, URIRef, namespace
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS

from cap_ptce.errors import ParameterError
from cap_ptce.grid import load_grid
from cap_ptce.grid.rdf import (
    ENTRIES_SCHEME,
    FRAMING_PROPERTIES,
    PUBLIC_SCHEMES,
    concept_iri,
    entry_iri,
    example_iri,
    grid_graph,
    public_scheme_iri,
    question_iri,
    scheme_iri,
)
from cap_ptce.publish.parts import dataset_parts
from cap_ptce.rdf.namespaces import CAP, DISCO, GRID_IRI
from cap_ptce.rdf.serialize import serialize
from cap_ptce.rdf.vocabulary import ontology_graph

# The source document's table, read from the seed: each entry with the number of
# its questions, in the document's order (1 + 5 + 1 + 2 + 2 + 1 + 1 + 2 + 3 = 18).
SEED_QUESTIONS_PER_ENTRY = [1, 5, 1, 2, 2, 1, 1, 2, 3]


@pytest.fixture(scope="module")
def grid():
    return load_grid()


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The grid as exported in Turtle and read back, as a consumer sees it."""
    return Graph().parse(data=serialize(grid_graph(), "turtle").decode("utf-8"), format="turtle")


def by_position(graph: Graph, cls: URIRef) -> list[URIRef]:
    items = list(graph.subjects(RDF.type, cls))
    return sorted(items, key=lambda item: graph.value(item, CAP.position).toPython())


def texts(graph: Graph, subject, predicate) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for value in graph.objects(subject, predicate):
        found.setdefault(value.language, []).append(str(value))
    return found


def test_nine_entries_and_eighteen_questions(graph, grid):
    assert len(set(graph.subjects(RDF.type, CAP.Entry))) == 9 == len(grid.entries)
    assert len(set(graph.subjects(RDF.type, CAP.GridQuestion))) == 18 == len(grid.questions)


def test_each_entry_holds_the_seeds_questions_in_order(graph):
    entries = by_position(graph, CAP.Entry)
    counts = [len(list(graph.objects(entry, CAP.hasQuestion))) for entry in entries]
    assert counts == SEED_QUESTIONS_PER_ENTRY
    questions = by_position(graph, CAP.GridQuestion)
    owners = [graph.value(question, CAP.entry) for question in questions]
    expected = [entry for entry, count in zip(entries, SEED_QUESTIONS_PER_ENTRY) for _ in range(count)]
    assert owners == expected


def test_each_question_is_under_the_entry_the_yaml_gives(graph, grid):
    for entry in grid.entries:
        for question in entry.questions:
            assert list(graph.objects(question_iri(question.id), CAP.entry)) == [entry_iri(entry.id)]
            assert (entry_iri(entry.id), CAP.hasQuestion, question_iri(question.id)) in graph


def test_positions_follow_the_seed_order(graph, grid):
    assert by_position(graph, CAP.Entry) == [entry_iri(entry.id) for entry in grid.entries]
    assert by_position(graph, CAP.GridQuestion) == [question_iri(f"q{n:02d}") for n in range(1, 19)]
    positions = [graph.value(q, CAP.position) for q in by_position(graph, CAP.GridQuestion)]
    assert positions == [Literal(n, datatype=namespace.XSD.positiveInteger) for n in range(1, 19)]
    for question in grid.questions:
        examples = list(graph.objects(question_iri(question.id), CAP.example))
        ranked = sorted(examples, key=lambda example: graph.value(example, CAP.position).toPython())
        assert ranked == [example_iri(example.id) for example in question.examples], question.id
        ranks = [graph.value(example, CAP.position).toPython() for example in ranked]
        assert ranks == list(range(1, len(examples) + 1)), question.id


def test_the_grid_lists_every_question(graph, grid):
    assert set(graph.objects(GRID_IRI, DISCO.question)) == {question_iri(q.id) for q in grid.questions}


def test_french_question_text_is_the_yaml_text_verbatim(graph, grid):
    for question in grid.questions:
        found = texts(graph, question_iri(question.id), DISCO.questionText)
        assert found == {"fr": [question.text.fr], "en": [question.text.en]}, question.id


def test_every_question_has_its_future_form_in_both_languages(graph, grid):
    for question in grid.questions:
        found = texts(graph, question_iri(question.id), CAP.futureText)
        assert found == {"fr": [question.future.fr], "en": [question.future.en]}, question.id
        assert found["fr"] != texts(graph, question_iri(question.id), DISCO.questionText)["fr"], question.id


def test_entries_and_examples_have_french_and_english_labels(graph):
    for cls in (CAP.Entry, CAP.Example):
        for item in graph.subjects(RDF.type, cls):
            labels = texts(graph, item, SKOS.prefLabel)
            assert sorted(labels) == ["en", "fr"] and all(len(v) == 1 for v in labels.values()), item
    for entry in graph.subjects(RDF.type, CAP.Entry):
        assert sorted(texts(graph, entry, SKOS.definition)) == ["en", "fr"], entry


def test_corrected_text_only_where_the_seed_has_a_typo(graph, grid):
    for question in grid.questions:
        corrected = list(graph.objects(question_iri(question.id), CAP.correctedText))
        expected = [Literal(question.corrected, lang="fr")] if question.corrected else []
        assert corrected == expected, question.id
    assert any(question.corrected for question in grid.questions)


def test_open_lists_are_booleans(graph, grid):
    for question in grid.questions:
        assert graph.value(question_iri(question.id), CAP.openList) == Literal(question.open_list)


def test_no_blank_nodes_in_the_grid():
    assert not [t for t in grid_graph() if any(isinstance(term, BNode) for term in t)]


def test_same_grid_same_graph_and_same_bytes():
    first, second = grid_graph(), grid_graph()
    assert isomorphic(first, second)
    assert serialize(first, "turtle") == serialize(second, "turtle")


# --- concept schemes and public schemes -------------------------------------------


def test_entries_form_a_concept_scheme(graph, grid):
    assert (ENTRIES_SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    tops = set(graph.objects(ENTRIES_SCHEME, SKOS.hasTopConcept))
    assert tops == {entry_iri(entry.id) for entry in grid.entries}
    for entry in tops:
        assert (entry, SKOS.topConceptOf, ENTRIES_SCHEME) in graph
        assert (entry, SKOS.inScheme, ENTRIES_SCHEME) in graph


def test_every_concept_is_in_its_scheme_with_a_consistent_hierarchy(graph, grid):
    for scheme in grid.schemes:
        assert (scheme_iri(scheme.id), RDF.type, SKOS.ConceptScheme) in graph
        for concept in scheme.concepts:
            iri = concept_iri(scheme.id, concept.id)
            assert (iri, SKOS.inScheme, scheme_iri(scheme.id)) in graph
            assert graph.value(iri, SKOS.notation) == Literal(concept.id)
            if concept.broader:
                broader = concept_iri(scheme.id, concept.broader)
                assert (iri, SKOS.broader, broader) in graph and (broader, SKOS.narrower, iri) in graph
                assert (iri, SKOS.topConceptOf, scheme_iri(scheme.id)) not in graph
            else:
                assert (scheme_iri(scheme.id), SKOS.hasTopConcept, iri) in graph


def test_at_most_one_preferred_label_per_language(graph):
    counts = Counter((s, o.language) for s, o in graph.subject_objects(SKOS.prefLabel))
    assert [key for key, n in counts.items() if n > 1] == []


def test_links_from_questions_and_examples_reach_resources_of_the_graph(graph):
    for example, concept in graph.subject_objects(SKOS.related):
        assert (concept, RDF.type, SKOS.Concept) in graph, (example, concept)
    for question, scheme in graph.subject_objects(CAP.answerScheme):
        assert (scheme, RDF.type, SKOS.ConceptScheme) in graph, (question, scheme)
    for question, public_scheme in graph.subject_objects(CAP.mentionsScheme):
        assert (public_scheme, RDF.type, CAP.PublicScheme) in graph, (question, public_scheme)
    assert next(graph.subject_objects(SKOS.related), None), "no example is linked to a concept"


def test_public_schemes_named_by_the_grid(graph):
    for scheme_id, acronym in (("pat", "PAT"), ("cte", "CTE"), ("crte", "CRTE"), ("tzcld", "TZCLD")):
        iri = public_scheme_iri(scheme_id)
        assert (iri, RDF.type, CAP.PublicScheme) in graph
        assert (iri, SKOS.inScheme, PUBLIC_SCHEMES) in graph
        assert Literal(acronym, lang="fr") in set(graph.objects(iri, SKOS.altLabel))
        assert sorted(texts(graph, iri, CAP.legalBasis)) == ["en", "fr"]
    assert graph.value(public_scheme_iri("cte"), CAP.successor) == public_scheme_iri("crte")
    named = set(graph.objects(question_iri("q15"), CAP.mentionsScheme))
    assert {public_scheme_iri(s) for s in ("cte", "tzcld", "pat")} <= named


# --- the grid's metadata ----------------------------------------------------------


def test_the_grid_is_a_questionnaire_attributed_to_the_institut_godin(graph, grid):
    assert (GRID_IRI, RDF.type, CAP.Grid) in graph and (GRID_IRI, RDF.type, DISCO.Questionnaire) in graph
    creator = graph.value(GRID_IRI, DCTERMS.creator)
    assert isinstance(creator, URIRef) and (creator, RDF.type, FOAF.Organization) in graph
    assert graph.value(creator, FOAF.name) == Literal("Institut Godin")
    assert graph.value(GRID_IRI, OWL.versionInfo) == Literal(grid.version)
    assert graph.value(GRID_IRI, DCTERMS.modified) == Literal(grid.modified.isoformat(), datatype=namespace.XSD.date)
    assert graph.value(GRID_IRI, DCTERMS.license) == URIRef("http://spdx.org/licenses/etalab-2.0")
    assert graph.value(GRID_IRI, DCTERMS.source) is not None


def test_the_changelog_is_published_one_dated_note_per_version_and_language(graph, grid):
    notes = texts(graph, GRID_IRI, SKOS.changeNote)
    for item in grid.history:
        for lang in ("fr", "en"):
            dated = [note for note in notes[lang] if note.startswith(f"{item.version} ({item.date.isoformat()})")]
            assert len(dated) == 1 and getattr(item.note, lang) in dated[0], (item.version, lang)


def test_the_ontology_credits_the_grids_author(graph):
    ontology = ontology_graph()
    header = URIRef("https://w3id.org/cap-ptce/def")
    assert ontology.value(header, DCTERMS.contributor) == graph.value(GRID_IRI, DCTERMS.creator)
    assert ontology.value(header, DCTERMS.source) == GRID_IRI


def test_every_part_of_the_framing_is_published(graph, grid):
    assert set(grid.framing) <= set(FRAMING_PROPERTIES)
    for key, text in grid.framing.items():
        assert Literal(text.fr, lang="fr") in set(graph.objects(GRID_IRI, FRAMING_PROPERTIES[key])), key


def test_the_licence_can_be_changed():
    other = "https://creativecommons.org/licenses/by/4.0/"
    assert grid_graph(license=other).value(GRID_IRI, DCTERMS.license) == URIRef(other)


@pytest.mark.parametrize("bad", ["Licence Ouverte", "<https://x>", "https://a b"])
def test_a_licence_that_is_not_an_iri_is_refused(bad):
    with pytest.raises(ParameterError) as caught:
        grid_graph(license=bad)
    assert caught.value.key == "LICENSE"


def test_dataset_parts_are_the_three_published_graphs():
    parts = dataset_parts()
    assert list(parts) == ["ontology", "grid", "shapes"]
    assert (GRID_IRI, RDF.type, CAP.Grid) in parts["grid"]
    assert (CAP.Grid, RDF.type, OWL.Class) in parts["ontology"]


# --- the grid under the ontology's semantics ---------------------------------------


def owl_rl_closure(graph: Graph) -> Graph:
    import owlrl  # installed with pyshacl

    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def inconsistencies(closure: Graph) -> list[str]:
    from owlrl.Namespaces import ERRNS

    found = [str(closure.value(m, namespace.RDFS.comment)) for m in closure.subjects(RDF.type, ERRNS.ErrorMessage)]
    found += [f"{s} is owl:Nothing" for s in closure.subjects(RDF.type, OWL.Nothing)]
    found += [f"{s} = {o}" for s, o in closure.subject_objects(OWL.sameAs) if s != o]
    return found


@pytest.fixture(scope="module")
def closure() -> Graph:
    return owl_rl_closure(ontology_graph() + grid_graph())


def test_the_grid_is_consistent_with_the_ontology_under_owl_rl(closure):
    assert inconsistencies(closure) == []


def test_the_consistency_check_sees_a_question_under_two_entries():
    broken = ontology_graph() + grid_graph()
    broken.add((question_iri("q01"), CAP.entry, entry_iri("acteurs-impliques")))
    assert inconsistencies(owl_rl_closure(broken))


def test_entailment_keeps_one_question_text_per_language(closure, grid):
    # Why cap:futureText and cap:correctedText are not sub-properties of disco:questionText.
    for question in grid.questions:
        found = texts(closure, question_iri(question.id), DISCO.questionText)
        assert sorted(found) == ["en", "fr"] and all(len(v) == 1 for v in found.values()), question.id


def test_entailment_links_questions_to_their_entry_concept(closure, grid):
    for question in grid.questions:
        iri = question_iri(question.id)
        assert (iri, RDF.type, SKOS.Concept) in closure
        assert (iri, DISCO.concept, entry_iri(question.entry_id)) in closure
