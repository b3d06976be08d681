"""The grid as RDF: the questionnaire, its entries, questions, examples, schemes and public schemes.

The grid's graph is derived from ``grille/`` (:func:`cap_ptce.grid.load_grid`),
never written by hand. Every grid resource has an IRI (no blank nodes), so the
same grid always gives the same triples; :func:`cap_ptce.rdf.serialize.serialize`
then gives the same bytes. The IRI patterns are listed in docs/ontology.md.

:func:`grid_graph` returns a fresh graph that the caller may change freely.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..i18n import LANGUAGES, t, texts
from ..rdf.namespaces import (
    ADMS,
    CAP,
    CAP_PTCE_TEAM,
    DISCO,
    GRID_IRI,
    GRILLE,
    INSTITUT_GODIN,
    ORG,
    VOCAB,
    bind_prefixes,
)
from ..rdf.vocabulary import licence_iri
from ..settings import defaults
from .reader import load_grid

__all__ = [
    "ENTRIES_SCHEME",
    "PUBLIC_SCHEMES",
    "EXAMPLES_SCHEME",
    "SOURCE_DOCUMENT",
    "FRAMING_PROPERTIES",
    "entry_iri",
    "question_iri",
    "example_iri",
    "scheme_iri",
    "concept_iri",
    "public_scheme_iri",
    "grid_graph",
]

ENTRIES_SCHEME = VOCAB["entrees"]
PUBLIC_SCHEMES = VOCAB["dispositifs"]
EXAMPLES_SCHEME = VOCAB["exemples"]
SOURCE_DOCUMENT = GRILLE["source/cap-ptce"]

# The grid's framing (grille.yaml `cadre`) -> the property that carries each part.
FRAMING_PROPERTIES: dict[str, URIRef] = {
    "pourquoi": CAP.purposeNote,
    "quoi": DCTERMS.description,
    "qui": CAP.audienceNote,
    "comment": CAP.methodNote,
    "structure": CAP.structureNote,
    "temps": CAP.tenseNote,
}


def entry_iri(entry_id: str) -> URIRef:
    return GRILLE["entree/" + entry_id]


def question_iri(question_id: str) -> URIRef:
    return GRILLE["question/" + question_id]


def example_iri(example_id: str) -> URIRef:
    return GRILLE["exemple/" + example_id]


def scheme_iri(scheme_id: str) -> URIRef:
    return VOCAB[scheme_id]


def concept_iri(scheme_id: str, concept_id: str) -> URIRef:
    return VOCAB[f"{scheme_id}/{concept_id}"]


def public_scheme_iri(public_scheme_id: str) -> URIRef:
    return VOCAB["dispositifs/" + public_scheme_id]


# --- the grid ---------------------------------------------------------------------


def grid_graph(grid=None, *, license: str | None = None) -> Graph:
    """The grid as RDF: the questionnaire, its entries, questions, examples, concept schemes and public schemes."""
    grid = grid if grid is not None else load_grid()
    graph = bind_prefixes(Graph(bind_namespaces="core"))
    license_iri = licence_iri(license or defaults()["LICENSE"])
    _add_grid(graph, grid, license_iri)
    _add_entries(graph, grid)
    _add_examples_scheme(graph)
    for scheme in grid.schemes:
        _add_concept_scheme(graph, scheme)
    _add_public_schemes(graph, grid.public_schemes)
    _add_scheme_metadata(graph, grid, license_iri)
    return graph


def _add_examples_scheme(graph: Graph) -> None:
    """The grid's examples as one concept scheme, so that every example is in a scheme."""
    graph.add((EXAMPLES_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((EXAMPLES_SCHEME, SKOS.notation, Literal("exemples")))
    _texts(graph, EXAMPLES_SCHEME, SKOS.prefLabel, "grid.examples_scheme")
    graph.add((EXAMPLES_SCHEME, DCTERMS.source, GRID_IRI))


def _add_scheme_metadata(graph: Graph, grid, license: URIRef) -> None:
    """Every concept scheme's title, licence, creator and dates, as vocabulary registries expect.

    The entries and the examples are the Institut Godin's text; the category lists and
    the public schemes' descriptions are ours, drawn from the grid.
    """
    issued = min((item.date for item in grid.history), default=grid.modified)
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme)):
        by_godin = scheme in (ENTRIES_SCHEME, EXAMPLES_SCHEME)
        graph.add((scheme, DCTERMS.creator, _author_iri(grid) if by_godin else CAP_PTCE_TEAM))
        graph.add((scheme, DCTERMS.license, license))
        graph.add((scheme, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date)))
        graph.add((scheme, DCTERMS.modified, Literal(grid.modified.isoformat(), datatype=XSD.date)))
        for label in list(graph.objects(scheme, SKOS.prefLabel)):
            graph.add((scheme, DCTERMS.title, label))


def _text(graph: Graph, subject: URIRef, predicate: URIRef, text) -> None:
    """Add a ``Text`` as one literal per language, French first."""
    for lang in LANGUAGES:
        graph.add((subject, predicate, Literal(text.get(lang), lang=lang)))


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, key: str) -> None:
    """Add a message of the catalogue as one literal per language."""
    for lang, text in texts(key).items():
        graph.add((subject, predicate, Literal(text, lang=lang)))


def _add_grid(graph: Graph, grid, license: URIRef) -> None:
    graph.add((GRID_IRI, RDF.type, CAP.Grid))
    graph.add((GRID_IRI, RDF.type, DISCO.Questionnaire))
    _text(graph, GRID_IRI, DCTERMS.title, grid.title)
    _text(graph, GRID_IRI, DISCO.subtitle, grid.subtitle)
    graph.add((GRID_IRI, SKOS.notation, Literal(grid.id)))
    graph.add((GRID_IRI, OWL.versionInfo, Literal(grid.version)))
    # The grid at this version answers at its own IRI (…/grille/cap-ptce/1.0.0), as the ontology's does.
    graph.add((GRID_IRI, DCTERMS.hasVersion, URIRef(f"{GRID_IRI}/{grid.version}")))
    graph.add((GRID_IRI, DCTERMS.modified, Literal(grid.modified.isoformat(), datatype=XSD.date)))
    graph.add((GRID_IRI, DCTERMS.license, license))
    for predicate in (DCTERMS.creator, PROV.wasAttributedTo):
        graph.add((GRID_IRI, predicate, _author_iri(grid)))
    for predicate in (DCTERMS.source, PROV.wasDerivedFrom):
        graph.add((GRID_IRI, predicate, SOURCE_DOCUMENT))
    for key, text in grid.framing.items():
        _text(graph, GRID_IRI, FRAMING_PROPERTIES[key], text)
    _add_history(graph, grid)
    for question in grid.questions:
        graph.add((GRID_IRI, DISCO.question, question_iri(question.id)))
    _add_author(graph, grid)
    _add_source_document(graph, grid)


def _add_history(graph: Graph, grid) -> None:
    """The changelog as dated change notes; the current version's note also as ADMS version notes."""
    for item in grid.history:
        for lang in LANGUAGES:
            note = f"{item.version} ({item.date.isoformat()}){t('typography.colon', lang)} {item.note.get(lang)}"
            graph.add((GRID_IRI, SKOS.changeNote, Literal(note, lang=lang)))
        if item.version == grid.version:
            _text(graph, GRID_IRI, ADMS.versionNotes, item.note)


def _author_iri(grid) -> URIRef:
    """The grid's author: the IRI that ``grille.yaml`` gives, else ours for the Institut Godin."""
    if grid.author is not None and grid.author.iri:
        return URIRef(grid.author.iri)
    return INSTITUT_GODIN


def _add_author(graph: Graph, grid) -> None:
    iri = _author_iri(grid)
    name = grid.author.name if grid.author is not None else "Institut Godin"
    graph.add((iri, RDF.type, FOAF.Organization))
    graph.add((iri, RDF.type, ORG.Organization))
    graph.add((iri, FOAF.name, Literal(name)))
    for lang in LANGUAGES:
        graph.add((iri, SKOS.prefLabel, Literal(name, lang=lang)))


def _add_source_document(graph: Graph, grid) -> None:
    """The Institut Godin's document that the grid's content comes from."""
    graph.add((SOURCE_DOCUMENT, RDF.type, FOAF.Document))
    graph.add((SOURCE_DOCUMENT, RDF.type, PROV.Entity))
    graph.add((SOURCE_DOCUMENT, DCTERMS.creator, _author_iri(grid)))
    for lang in LANGUAGES:
        title = f"{getattr(grid.title, lang)} — {getattr(grid.subtitle, lang)}"
        graph.add((SOURCE_DOCUMENT, DCTERMS.title, Literal(title, lang=lang)))
    if grid.source is not None:
        _text(graph, SOURCE_DOCUMENT, DCTERMS.description, grid.source)
    if grid.project_text is not None:
        _text(graph, SOURCE_DOCUMENT, SKOS.note, grid.project_text)


def _add_entries(graph: Graph, grid) -> None:
    graph.add((ENTRIES_SCHEME, RDF.type, SKOS.ConceptScheme))
    _texts(graph, ENTRIES_SCHEME, SKOS.prefLabel, "grid.entries_scheme")
    graph.add((ENTRIES_SCHEME, DCTERMS.source, GRID_IRI))
    for entry in grid.entries:
        _add_entry(graph, entry)


def _add_skos_concept(graph: Graph, iri: URIRef, scheme: URIRef, notation: str, *, top: bool) -> None:
    """``iri`` as a concept of ``scheme`` with its notation; a top concept links both ways."""
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.inScheme, scheme))
    graph.add((iri, SKOS.notation, Literal(notation)))
    if top:
        graph.add((iri, SKOS.topConceptOf, scheme))
        graph.add((scheme, SKOS.hasTopConcept, iri))


def _add_entry(graph: Graph, entry) -> None:
    iri = entry_iri(entry.id)
    graph.add((iri, RDF.type, CAP.Entry))
    _add_skos_concept(graph, iri, ENTRIES_SCHEME, entry.id, top=True)
    graph.add((iri, CAP.position, Literal(entry.position, datatype=XSD.positiveInteger)))
    _text(graph, iri, SKOS.prefLabel, entry.label)
    _text(graph, iri, SKOS.definition, entry.definition)
    for question in entry.questions:
        graph.add((iri, CAP.hasQuestion, question_iri(question.id)))
        _add_question(graph, question)


def _add_question(graph: Graph, question) -> None:
    iri = question_iri(question.id)
    graph.add((iri, RDF.type, CAP.GridQuestion))
    graph.add((iri, RDF.type, DISCO.Question))
    graph.add((iri, SKOS.notation, Literal(question.id)))
    graph.add((iri, CAP.position, Literal(question.position, datatype=XSD.positiveInteger)))
    graph.add((iri, CAP.entry, entry_iri(question.entry_id)))
    _text(graph, iri, DISCO.questionText, question.text)
    _text(graph, iri, CAP.futureText, question.future)
    if question.corrected:
        graph.add((iri, CAP.correctedText, Literal(question.corrected, lang="fr")))
    graph.add((iri, CAP.openList, Literal(question.open_list)))
    for scheme_id in question.schemes:
        graph.add((iri, CAP.answerScheme, scheme_iri(scheme_id)))
    for public_scheme_id in question.public_schemes:
        graph.add((iri, CAP.mentionsScheme, public_scheme_iri(public_scheme_id)))
    for field in question.fields:
        graph.add((iri, CAP.answeringKey, Literal(field)))
    for example in question.examples:
        graph.add((iri, CAP.example, example_iri(example.id)))
        _add_example(graph, example)


def _add_example(graph: Graph, example) -> None:
    iri = example_iri(example.id)
    graph.add((iri, RDF.type, CAP.Example))
    _add_skos_concept(graph, iri, EXAMPLES_SCHEME, example.id, top=True)
    if example.precision:
        graph.add((iri, RDF.type, CAP.Precision))
    if example.details:
        graph.add((iri, CAP.details, example_iri(example.details)))
    graph.add((iri, CAP.position, Literal(example.position, datatype=XSD.positiveInteger)))
    _text(graph, iri, SKOS.prefLabel, example.label)
    if example.concept:
        scheme_id, _, concept_id = example.concept.partition("/")
        graph.add((iri, SKOS.related, concept_iri(scheme_id, concept_id)))


def _add_concept_scheme(graph: Graph, scheme) -> None:
    iri = scheme_iri(scheme.id)
    graph.add((iri, RDF.type, SKOS.ConceptScheme))
    graph.add((iri, SKOS.notation, Literal(scheme.id)))
    graph.add((iri, CAP.openList, Literal(scheme.open_list)))
    graph.add((iri, DCTERMS.source, GRID_IRI))
    _text(graph, iri, SKOS.prefLabel, scheme.label)
    _text(graph, iri, SKOS.definition, scheme.definition)
    for question_id in scheme.questions:
        graph.add((question_iri(question_id), CAP.answerScheme, iri))
    for concept in scheme.concepts:
        _add_concept(graph, scheme.id, concept)


def _add_concept(graph: Graph, scheme_id: str, concept) -> None:
    scheme = scheme_iri(scheme_id)
    iri = concept_iri(scheme_id, concept.id)
    _add_skos_concept(graph, iri, scheme, concept.id, top=not concept.broader)
    _text(graph, iri, SKOS.prefLabel, concept.label)
    if concept.definition is not None:
        _text(graph, iri, SKOS.definition, concept.definition)
    if concept.broader:
        broader = concept_iri(scheme_id, concept.broader)
        graph.add((iri, SKOS.broader, broader))
        graph.add((broader, SKOS.narrower, iri))


def _add_public_schemes(graph: Graph, public_schemes) -> None:
    graph.add((PUBLIC_SCHEMES, RDF.type, SKOS.ConceptScheme))
    graph.add((PUBLIC_SCHEMES, SKOS.notation, Literal("dispositifs")))
    _texts(graph, PUBLIC_SCHEMES, SKOS.prefLabel, "grid.public_schemes")
    graph.add((PUBLIC_SCHEMES, DCTERMS.source, GRID_IRI))
    for public_scheme in public_schemes:
        _add_public_scheme(graph, public_scheme)


def _add_public_scheme(graph: Graph, public_scheme) -> None:
    iri = public_scheme_iri(public_scheme.id)
    graph.add((iri, RDF.type, CAP.PublicScheme))
    _add_skos_concept(graph, iri, PUBLIC_SCHEMES, public_scheme.id, top=True)
    _text(graph, iri, SKOS.prefLabel, public_scheme.label)
    for lang in LANGUAGES:
        graph.add((iri, SKOS.altLabel, Literal(public_scheme.acronym, lang=lang)))
    _text(graph, iri, SKOS.definition, public_scheme.description)
    _text(graph, iri, CAP.legalBasis, public_scheme.legal_basis)
    if public_scheme.successor:
        graph.add((iri, CAP.successor, public_scheme_iri(public_scheme.successor)))
    if public_scheme.reference:
        graph.add((iri, RDFS.seeAlso, URIRef(public_scheme.reference)))
