"""The RDF graphs of CAP PTCE: the ontology, the grid and the shapes.

The grid's graph is derived from ``grille/`` (:func:`cap_ptce.grid.load_grid`),
never written by hand. Every grid resource has an IRI (no blank nodes), so the
same grid always gives the same triples; :func:`cap_ptce.serialize.serialize`
then gives the same bytes. The IRI patterns are listed in docs/ontology.md.

Each function returns a fresh graph that the caller may change freely.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

from .errors import ParameterError, RdfSyntaxError
from .namespaces import ADMS, BASE, CAP, DISCO, GRID_IRI, GRILLE, ONTOLOGY_IRI, ORG, VOCAB, bind_prefixes
from .resources import data_dir
from .settings import defaults

__all__ = [
    "ENTRIES_SCHEME",
    "PUBLIC_SCHEMES",
    "INSTITUT_GODIN",
    "SOURCE_DOCUMENT",
    "FRAMING_PROPERTIES",
    "entry_iri",
    "question_iri",
    "example_iri",
    "scheme_iri",
    "concept_iri",
    "public_scheme_iri",
    "ontology_graph",
    "grid_graph",
    "shapes_graph",
    "dataset_parts",
    "declared_terms",
    "terms_used",
    "undeclared_terms",
]

_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")

ENTRIES_SCHEME = VOCAB["entrees"]
PUBLIC_SCHEMES = VOCAB["dispositifs"]
INSTITUT_GODIN = URIRef(BASE + "organisation/institut-godin")
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


# --- ontology and shapes: the Turtle files of a data folder ---------------------------


def ontology_graph(*, license: str | None = None) -> Graph:
    """The ontology: every ``ontology/*.ttl`` merged into one graph, under ``license``.

    The licence is the deployment's, as for the grid (default: the LICENSE
    setting); ``cap.ttl`` holds the default so that the file read alone says it too.
    """
    graph = _graph(_folder_triples("ontology"))
    graph.set((URIRef(ONTOLOGY_IRI), DCTERMS.license, _licence_iri(license or defaults()["LICENSE"])))
    return graph


def shapes_graph() -> Graph:
    """The SHACL shapes: ``shapes/*.ttl`` and the completeness shapes generated from the grid."""
    graph = _graph(_folder_triples("shapes"))
    generated = _completeness_shapes()
    if generated is not None:
        graph += generated
    return graph


def dataset_parts(*, license: str | None = None) -> dict[str, Graph]:
    """The published parts of the dataset, by name: ontology and grid (under ``license``), shapes."""
    return {"ontology": ontology_graph(license=license), "grid": grid_graph(license=license),
            "shapes": shapes_graph()}


# Types that declare a term; the modelling languages' own terms need no declaration.
_DECLARING_TYPES = (OWL.Class, RDFS.Class, RDF.Property,
                    OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
_BUILT_IN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD, SH))


def declared_terms(ontology: Graph | None = None) -> frozenset[URIRef]:
    """The classes and properties that the ontology declares (ours and the reused ones)."""
    ontology = ontology if ontology is not None else ontology_graph()
    return frozenset(s for t in _DECLARING_TYPES for s in ontology.subjects(RDF.type, t) if isinstance(s, URIRef))


def terms_used(graph: Graph) -> set[URIRef]:
    """The terms a graph uses: its predicates and the classes it uses with ``rdf:type``."""
    return {t for t in set(graph.predicates()) | set(graph.objects(None, RDF.type)) if isinstance(t, URIRef)}


def undeclared_terms(terms: Iterable[URIRef], ontology: Graph | None = None) -> list[str]:
    """The ``terms`` that the ontology does not declare (the modelling languages' own excepted), sorted."""
    declared = declared_terms(ontology)
    return sorted({str(t) for t in terms if not str(t).startswith(_BUILT_IN) and t not in declared})


@cache
def _folder_triples(kind: str) -> tuple:
    """The triples of every ``*.ttl`` of a data folder, parsed once per process."""
    graph = Graph()
    for path in sorted(data_dir(kind).glob("*.ttl")):
        _parse_into(graph, path)
    return tuple(graph)


def _parse_into(graph: Graph, path: Path) -> None:
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        raise RdfSyntaxError(
            f"fichier Turtle illisible / unreadable Turtle file: {exc}",
            source=str(path),
            hint="corriger la syntaxe Turtle du fichier / fix the file's Turtle syntax",
        ) from exc


def _graph(triples) -> Graph:
    graph = bind_prefixes(Graph(bind_namespaces="core"))
    for triple in triples:
        graph.add(triple)
    return graph


def _completeness_shapes() -> Graph | None:
    """The validation area's generated shapes, when that module is there (imported late: it may use us)."""
    if importlib.util.find_spec("cap_ptce.validation") is None:
        return None
    module = importlib.import_module("cap_ptce.validation")
    generate = getattr(module, "completeness_shapes", None)
    return generate() if generate is not None else None


# --- the grid ---------------------------------------------------------------------


def grid_graph(grid=None, *, license: str | None = None) -> Graph:
    """The grid as RDF: the questionnaire, its entries, questions, examples, concept schemes and public schemes."""
    from .grid import load_grid

    grid = grid if grid is not None else load_grid()
    graph = bind_prefixes(Graph(bind_namespaces="core"))
    _add_grid(graph, grid, _licence_iri(license or defaults()["LICENSE"]))
    _add_entries(graph, grid)
    for scheme in grid.schemes:
        _add_concept_scheme(graph, scheme)
    _add_public_schemes(graph, grid.public_schemes)
    return graph


def _licence_iri(value: str) -> URIRef:
    """The licence as an IRI; refuse what would make the published Turtle invalid."""
    if not _ABSOLUTE_IRI.fullmatch(value):
        raise ParameterError(
            f"licence invalide / invalid licence {value!r}: une IRI absolue est attendue / an absolute IRI is expected",
            key="LICENSE",
            hint="par exemple / for example https://spdx.org/licenses/etalab-2.0.html",
        )
    return URIRef(value)


def _text(graph: Graph, subject: URIRef, predicate: URIRef, text) -> None:
    """Add a ``Text`` as one literal per language, French first."""
    graph.add((subject, predicate, Literal(text.fr, lang="fr")))
    graph.add((subject, predicate, Literal(text.en, lang="en")))


def _add_grid(graph: Graph, grid, license: URIRef) -> None:
    graph.add((GRID_IRI, RDF.type, CAP.Grid))
    graph.add((GRID_IRI, RDF.type, DISCO.Questionnaire))
    _text(graph, GRID_IRI, DCTERMS.title, grid.title)
    _text(graph, GRID_IRI, DISCO.subtitle, grid.subtitle)
    graph.add((GRID_IRI, SKOS.notation, Literal(grid.id)))
    graph.add((GRID_IRI, OWL.versionInfo, Literal(grid.version)))
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
        for lang, colon in (("fr", " :"), ("en", ":")):
            note = f"{item.version} ({item.date.isoformat()}){colon} {getattr(item.note, lang)}"
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
    for lang in ("fr", "en"):
        graph.add((iri, SKOS.prefLabel, Literal(name, lang=lang)))


def _add_source_document(graph: Graph, grid) -> None:
    """The Institut Godin's document that the grid's content comes from."""
    graph.add((SOURCE_DOCUMENT, RDF.type, FOAF.Document))
    graph.add((SOURCE_DOCUMENT, RDF.type, PROV.Entity))
    graph.add((SOURCE_DOCUMENT, DCTERMS.creator, _author_iri(grid)))
    for lang in ("fr", "en"):
        title = f"{getattr(grid.title, lang)} — {getattr(grid.subtitle, lang)}"
        graph.add((SOURCE_DOCUMENT, DCTERMS.title, Literal(title, lang=lang)))
    if grid.source is not None:
        _text(graph, SOURCE_DOCUMENT, DCTERMS.description, grid.source)
    if grid.project_text is not None:
        _text(graph, SOURCE_DOCUMENT, SKOS.note, grid.project_text)


def _add_entries(graph: Graph, grid) -> None:
    graph.add((ENTRIES_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((ENTRIES_SCHEME, SKOS.prefLabel, Literal("Entrées de la grille CAP PTCE", lang="fr")))
    graph.add((ENTRIES_SCHEME, SKOS.prefLabel, Literal("Entries of the CAP PTCE grid", lang="en")))
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
    for example in question.examples:
        graph.add((iri, CAP.example, example_iri(example.id)))
        _add_example(graph, example)


def _add_example(graph: Graph, example) -> None:
    iri = example_iri(example.id)
    graph.add((iri, RDF.type, CAP.Example))
    graph.add((iri, RDF.type, SKOS.Concept))
    if example.precision:
        graph.add((iri, RDF.type, CAP.Precision))
    if example.details:
        graph.add((iri, CAP.details, example_iri(example.details)))
    graph.add((iri, SKOS.notation, Literal(example.id)))
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
    graph.add((PUBLIC_SCHEMES, SKOS.prefLabel, Literal("Dispositifs publics cités par la grille", lang="fr")))
    graph.add((PUBLIC_SCHEMES, SKOS.prefLabel, Literal("Public schemes named by the grid", lang="en")))
    graph.add((PUBLIC_SCHEMES, DCTERMS.source, GRID_IRI))
    for public_scheme in public_schemes:
        _add_public_scheme(graph, public_scheme)


def _add_public_scheme(graph: Graph, public_scheme) -> None:
    iri = public_scheme_iri(public_scheme.id)
    graph.add((iri, RDF.type, CAP.PublicScheme))
    _add_skos_concept(graph, iri, PUBLIC_SCHEMES, public_scheme.id, top=True)
    _text(graph, iri, SKOS.prefLabel, public_scheme.label)
    for lang in ("fr", "en"):
        graph.add((iri, SKOS.altLabel, Literal(public_scheme.acronym, lang=lang)))
    _text(graph, iri, SKOS.definition, public_scheme.description)
    _text(graph, iri, CAP.legalBasis, public_scheme.legal_basis)
    if public_scheme.successor:
        graph.add((iri, CAP.successor, public_scheme_iri(public_scheme.successor)))
    if public_scheme.reference:
        graph.add((iri, RDFS.seeAlso, URIRef(public_scheme.reference)))
