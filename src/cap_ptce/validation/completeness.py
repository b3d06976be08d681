"""Completeness against the grid: the shapes generated from ``grille/``, and the counts.

The grid is the single source of its questions, so the shapes that report an
unanswered question are never written by hand: :func:`completeness_shapes`
builds one shape per question of :func:`cap_ptce.grid.load_grid`, each naming
its entry and its question. An unanswered question is a ``sh:Violation``: a
description answers the grid, and one that leaves a question out does not
conform (docs/validation.md explains the choice). :func:`completeness` counts
the same answers entry by entry for the report, except those left blank or as
the template wrote them, which ``capsh:PlaceholderText`` reports instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from ..grid import Entry, Grid, Question, load_grid
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from ..rdf.namespaces import CAP, GRID_IRI, GRILLE, SCHEMA, SHAPES, bind_prefixes
from .placeholders import is_placeholder_text

__all__ = [
    "EntryCompleteness",
    "Completeness",
    "completeness_shapes",
    "completeness",
    "unanswered_message",
    "question_iri",
    "entry_iri",
]


@dataclass(frozen=True)
class EntryCompleteness:
    """How many of an entry's questions a description answers, and which are missing."""

    id: str
    label: str
    answered: int
    total: int
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Completeness:
    """Answered questions per grid entry, and overall."""

    entries: tuple[EntryCompleteness, ...]

    @property
    def answered(self) -> int:
        return sum(entry.answered for entry in self.entries)

    @property
    def total(self) -> int:
        return sum(entry.total for entry in self.entries)

    @property
    def ratio(self) -> float:
        """Share of the grid's questions answered, from 0.0 to 1.0."""
        return self.answered / self.total if self.total else 1.0


def question_iri(qid: str) -> URIRef:
    return GRILLE[f"question/{qid}"]


def entry_iri(entry_id: str) -> URIRef:
    return GRILLE[f"entree/{entry_id}"]


def completeness_shapes() -> Graph:
    """The completeness shapes generated from the grid, as a new graph."""
    graph = bind_prefixes(Graph())
    for triple in _completeness_triples():
        graph.add(triple)
    return graph


@cache
def _completeness_triples() -> tuple:
    graph = Graph()
    grid = load_grid()
    for entry in grid.entries:
        for question in entry.questions:
            _add_answer_shape(graph, entry, question)
    _add_answer_question_shape(graph, grid)
    return tuple(graph)


def _add_answer_shape(graph: Graph, entry: Entry, question: Question) -> None:
    """One shape: the project answers ``question``, reached as cap:hasAnswer/cap:answers."""
    shape = SHAPES[f"Answered-{question.id}"]
    path = BNode(f"path-{question.id}")
    Collection(graph, path, [CAP.hasAnswer, CAP.answers])
    graph.add((shape, RDF.type, SH.PropertyShape))
    graph.add((shape, SH.targetClass, CAP.Project))
    graph.add((shape, SH.path, path))
    graph.add((shape, SH.hasValue, question_iri(question.id)))
    graph.add((shape, SH.severity, SH.Violation))
    graph.add((shape, CAP.checksEntry, entry_iri(entry.id)))
    graph.add((shape, CAP.checksQuestion, question_iri(question.id)))
    for lang, texts in _answer_texts(entry, question).items():
        for predicate, text in zip((RDFS.label, SH.description, SH.message), texts):
            graph.add((shape, predicate, Literal(text, lang=lang)))


def _answer_texts(entry: Entry, question: Question) -> dict[str, tuple[str, str, str]]:
    """Label, description and message of a completeness shape, in every language."""
    n = question.id
    return {
        lang: (
            t("completeness.answer_label", lang, n=n),
            t("completeness.answer_description", lang, n=n, entry=entry.label.get(lang), text=question.wording(lang)),
            unanswered_message(question, lang),
        )
        for lang in LANGUAGES
    }


def unanswered_message(question: Question, lang: str, *, future: bool = False) -> str:
    """What the report says of an unanswered question; ``future`` asks it as to an emerging project."""
    entry = load_grid().entry(question.entry_id).label.get(lang)
    text = question.wording(lang, future=future)
    return t("completeness.unanswered", lang, n=question.id, entry=entry, text=text)


def _add_answer_question_shape(graph: Graph, grid: Grid) -> None:
    """Every answer answers exactly one question of the grid."""
    shape = SHAPES.AnswerQuestion
    questions = BNode("questions-of-the-grid")
    Collection(graph, questions, [question_iri(q.id) for q in grid.questions])
    graph.add((shape, RDF.type, SH.PropertyShape))
    graph.add((shape, SH.targetClass, CAP.Answer))
    graph.add((shape, SH.path, CAP.answers))
    graph.add((shape, SH.minCount, Literal(1)))
    graph.add((shape, SH.maxCount, Literal(1)))
    graph.add((shape, SH["in"], questions))
    graph.add((shape, RDFS.seeAlso, GRID_IRI))
    first, last = grid.questions[0].id, grid.questions[-1].id
    texts = {
        lang: (
            t("completeness.answer_question_label", lang),
            t("completeness.answer_question_description", lang, first=first, last=last),
            t("completeness.answer_question_message", lang, first=first, last=last),
        )
        for lang in LANGUAGES
    }
    for lang, (label, description, message) in texts.items():
        graph.add((shape, RDFS.label, Literal(label, lang=lang)))
        graph.add((shape, SH.description, Literal(description, lang=lang)))
        graph.add((shape, SH.message, Literal(message, lang=lang)))


def completeness(graph: Graph, project: URIRef | None, lang: str = DEFAULT_LANGUAGE) -> Completeness:
    """Count the grid questions that ``project`` answers in ``graph``, entry by entry (none without a project)."""
    # the same path as the completeness shapes; an answer left as the template wrote it
    # is not counted, and capsh:PlaceholderText reports it at its line instead
    answered = (
        set()
        if project is None
        else {
            question
            for answer in graph.objects(project, CAP.hasAnswer)
            if not _left_over(graph, answer)
            for question in graph.objects(answer, CAP.answers)
        }
    )
    return Completeness(tuple(_entry_completeness(entry, answered, lang) for entry in load_grid().entries))


def _left_over(graph: Graph, answer) -> bool:
    """Whether every text of ``answer`` is blank or left over from the template."""
    texts = [str(text) for text in graph.objects(answer, SCHEMA.text)]
    return bool(texts) and all(is_placeholder_text(text) for text in texts)


def _entry_completeness(entry: Entry, answered: set, lang: str) -> EntryCompleteness:
    missing = tuple(q.id for q in entry.questions if question_iri(q.id) not in answered)
    total = len(entry.questions)
    return EntryCompleteness(entry.id, entry.label.get(lang), total - len(missing), total, missing)
