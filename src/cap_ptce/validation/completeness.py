"""Completeness against the grid: the shapes generated from ``grille/``, and the counts.

The grid is the single source of its questions, so the shapes that report an
unanswered question are never written by hand: :func:`completeness_shapes`
builds one shape per question of :func:`cap_ptce.grid.load_grid`, each naming
its entry and its question. A question is answered once: by one of the keys
that the grid names for it (``champs:``, e.g. ``gouvernance.instances`` for
q08) holding a value, or by its written answer (``q08: …``); the written
answer is needed only where no key is filled. An unanswered question is a
``sh:Violation``: a description answers the grid, and one that leaves a
question out does not conform (docs/validation.md explains the choice).
:func:`completeness` counts the same answers entry by entry for the report,
except texts left blank or as the template wrote them (``À COMPLÉTER``, ``x``…),
and items holding only such texts, which ``capsh:PlaceholderText`` reports at
their line instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from ..grid import Entry, Grid, Question, load_grid
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from ..project.keypaths import holds_items, rdf_steps
from ..rdf.namespaces import CAP, GRID_IRI, GRILLE, SCHEMA, SHAPES, bind_prefixes
from .placeholders import is_left_over

__all__ = [
    "EntryCompleteness",
    "Completeness",
    "completeness_shapes",
    "completeness",
    "unanswered_message",
    "question_iri",
    "entry_iri",
    "answered_questions",
    "answering_keys",
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
    """One shape: the project answers ``question``, by its written answer or by one of its keys.

    The written answer is reached as cap:hasAnswer/cap:answers. A question that
    keys can answer takes, as one alternative path, the written answers and the
    values of its keys: one value that is this question or no grid question at
    all (so a key's value) is enough. SHACL Core only, and flat enough for
    pySHACL's check of the shapes themselves.
    """
    shape = SHAPES[f"Answered-{question.id}"]
    answer_path = BNode(f"path-{question.id}")
    Collection(graph, answer_path, [CAP.hasAnswer, CAP.answers])
    graph.add((shape, RDF.type, SH.PropertyShape))
    graph.add((shape, SH.targetClass, CAP.Project))
    if question.fields:
        paths = [answer_path]
        for n, steps in enumerate(dict.fromkeys(rdf_steps(key) for key in question.fields), start=1):
            paths.append(_shacl_path(graph, f"{question.id}-{n}", steps))
        alternatives = BNode(f"alternatives-{question.id}")
        Collection(graph, alternatives, paths)
        path = BNode(f"answered-by-{question.id}")
        graph.add((path, SH.alternativePath, alternatives))
        graph.add((shape, SH.path, path))
        graph.add((shape, SH.qualifiedValueShape, _answer_value_shape(graph, entry, question)))
        graph.add((shape, SH.qualifiedMinCount, Literal(1)))
    else:
        graph.add((shape, SH.path, answer_path))
        graph.add((shape, SH.hasValue, question_iri(question.id)))
    graph.add((shape, SH.severity, SH.Violation))
    _link(graph, shape, entry, question)
    for lang, texts in _answer_texts(entry, question).items():
        for predicate, text in zip((RDFS.label, SH.description, SH.message), texts):
            graph.add((shape, predicate, Literal(text, lang=lang)))


def _answer_value_shape(graph: Graph, entry: Entry, question: Question) -> URIRef:
    """A value that answers ``question``: anything but another question of the grid."""
    value, others = SHAPES[f"Answered-{question.id}-value"], SHAPES[f"Answered-{question.id}-other"]
    listed = BNode(f"other-questions-{question.id}")
    Collection(graph, listed, [question_iri(q.id) for q in load_grid().questions if q.id != question.id])
    # no rdf:type: shapes only by their use (sh:qualifiedValueShape, sh:not), as the SHACL specification
    # allows, so that the list of shapes counts the question's shape, not its parts (the shapes page still
    # gives each part, by its label, the anchor its IRI points to)
    graph.add((others, SH["in"], listed))
    graph.add((value, SH["not"], others))
    keys = ", ".join(question.fields)
    _describe(graph, value, entry, question, "completeness.value", keys=keys)
    _describe(graph, others, entry, question, "completeness.other")
    return value


def _shacl_path(graph: Graph, name: str, steps):
    """A SHACL path: one predicate, a sequence, and sh:alternativePath where a step has several."""
    nodes = []
    for index, step in enumerate(steps):
        if len(step) == 1:
            nodes.append(step[0])
            continue
        alternatives = BNode(f"alternatives-{name}-{index}")
        Collection(graph, alternatives, list(step))
        node = BNode(f"step-{name}-{index}")
        graph.add((node, SH.alternativePath, alternatives))
        nodes.append(node)
    if len(nodes) == 1:
        return nodes[0]
    sequence = BNode(f"path-{name}")
    Collection(graph, sequence, nodes)
    return sequence


def _describe(graph: Graph, shape, entry: Entry, question: Question, message: str, **values) -> None:
    _link(graph, shape, entry, question)
    for lang in LANGUAGES:
        for predicate, suffix in ((RDFS.label, "label"), (SH.description, "description"), (SH.message, "message")):
            text = t(f"{message}_{suffix}", lang, n=question.id, **values)
            graph.add((shape, predicate, Literal(text, lang=lang)))


def _link(graph: Graph, shape, entry: Entry, question: Question) -> None:
    graph.add((shape, CAP.checksEntry, entry_iri(entry.id)))
    graph.add((shape, CAP.checksQuestion, question_iri(question.id)))


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
    if not question.fields:
        return t("completeness.unanswered", lang, n=question.id, entry=entry, text=text)
    quoted = [f"« {key} »" if lang == "fr" else f"“{key}”" for key in question.fields]
    keys = (" ou " if lang == "fr" else " or ").join(quoted)
    return t("completeness.unanswered_keys", lang, n=question.id, entry=entry, text=text, keys=keys)


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
    answered = set() if project is None else answered_questions(graph, project)
    return Completeness(tuple(_entry_completeness(entry, answered, lang) for entry in load_grid().entries))


def answered_questions(graph: Graph, project: URIRef) -> set[URIRef]:
    """The questions that ``project`` answers, by a written answer or by a key that holds a value.

    The same paths as the completeness shapes, so that the counts and the results agree.
    """
    written = {
        q
        for answer in graph.objects(project, CAP.hasAnswer)
        if not _left_over(graph, graph.objects(answer, SCHEMA.text))
        for q in graph.objects(answer, CAP.answers)
    }
    return written | {
        question_iri(question.id) for question in load_grid().questions if answering_keys(graph, project, question)
    }


def answering_keys(graph: Graph, project: URIRef, question: Question) -> tuple[str, ...]:
    """The keys the grid names for ``question`` that hold a value in the description."""
    return tuple(key for key in question.fields if _holds_value(graph, project, rdf_steps(key), holds_items(key)))


def _holds_value(graph: Graph, project: URIRef, steps, items: bool) -> bool:
    nodes = {project}
    for step in steps:
        nodes = {value for node in nodes for predicate in step for value in graph.objects(node, predicate)}
        if not nodes:
            return False
    return not _left_over(graph, nodes, items)


def _left_over(graph: Graph, values, items: bool = False) -> bool:
    """Whether there are values and every one says nothing: a text left blank or as the template wrote it, or
    an item holding only such texts (:func:`~.placeholders.is_left_over`)."""
    values = list(values)
    return bool(values) and all(is_left_over(graph, value, items) for value in values)


def _entry_completeness(entry: Entry, answered: set, lang: str) -> EntryCompleteness:
    missing = tuple(q.id for q in entry.questions if question_iri(q.id) not in answered)
    total = len(entry.questions)
    return EntryCompleteness(entry.id, entry.label.get(lang), total - len(missing), total, missing)
