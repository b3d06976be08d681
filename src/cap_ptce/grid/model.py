"""The grid as immutable dataclasses: entries, questions, examples, vocabularies, public schemes.

:func:`cap_ptce.grid.load_grid` builds them from ``grille/``; this module only
defines them and imports nothing of the grid's readers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from ..errors import NotFoundError, ParameterError
from ..i18n import LANGUAGES
from ..i18n.suggest import nearest

__all__ = [
    "FRAMING_KEYS",
    "Text",
    "Author",
    "HistoryItem",
    "Example",
    "Question",
    "Entry",
    "Concept",
    "ConceptScheme",
    "PublicScheme",
    "Grid",
]

FRAMING_KEYS = ("pourquoi", "quoi", "qui", "comment", "structure", "temps")


@dataclass(frozen=True)
class Text:
    """A text in French and in English."""

    fr: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` ("fr" or "en")."""
        if lang not in LANGUAGES:
            raise ParameterError(f"unknown language {lang!r}", key="lang", hint="use fr or en")
        return getattr(self, lang)


@dataclass(frozen=True)
class Author:
    """Who made the grid: ``iri`` identifies them (when one is certain), ``homepage`` is their web site."""

    name: str
    city: str
    iri: str | None
    homepage: str | None = None


@dataclass(frozen=True)
class HistoryItem:
    version: str
    date: date
    note: Text


@dataclass(frozen=True)
class Example:
    """An example or precision of a question; ``details`` is the id of the example it details."""

    id: str
    position: int
    label: Text
    concept: str | None
    precision: bool
    details: str | None


@dataclass(frozen=True)
class Question:
    id: str
    position: int
    entry_id: str
    text: Text
    corrected: str | None
    future: Text
    examples: tuple[Example, ...]
    open_list: bool
    schemes: tuple[str, ...]
    public_schemes: tuple[str, ...]
    fields: tuple[str, ...] = ()  # the description's keys that answer it (docs/project-format.md), as key paths

    def wording(self, lang: str, *, future: bool = False) -> str:
        """What a reader is shown: the future form, else the corrected form of a seed typo, else the text."""
        if future:
            return self.future.get(lang)
        if lang == "fr" and self.corrected:
            return self.corrected
        return self.text.get(lang)


@dataclass(frozen=True)
class Entry:
    id: str
    position: int
    label: Text
    definition: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Concept:
    id: str
    scheme_id: str
    label: Text
    definition: Text | None
    broader: str | None

    @property
    def ref(self) -> str:
        """``scheme-id/concept-id``, the form the grid uses to point at a concept."""
        return f"{self.scheme_id}/{self.id}"


@dataclass(frozen=True)
class ConceptScheme:
    id: str
    label: Text
    definition: Text
    questions: tuple[str, ...]
    open_list: bool
    concepts: tuple[Concept, ...]

    def concept(self, concept_id: str) -> Concept:
        return _find(self.concepts, concept_id, f"concept of {self.id}")

    def suggestion(self, written: str) -> str | None:
        """The id of the concept ``written`` most likely means, or None: the one concept whose label or
        definition, in either language, holds a word of ``written`` (« laureat »: « Lauréat d'un appel… » defines
        ``selection-etat``), else the id nearest in letters (« etudes »: ``etude``)."""
        meant = {concept_id for word in _words(written) if len(word) > 3 for concept_id in self._by_word.get(word, ())}
        return meant.pop() if len(meant) == 1 else nearest(written, [concept.id for concept in self.concepts])

    @cached_property
    def _by_word(self) -> dict[str, tuple[str, ...]]:
        """Each word of the concepts' labels and definitions (without accents or case), and the concepts using it."""
        found: dict[str, dict[str, None]] = {}
        for concept in self.concepts:
            for text in (concept.label, concept.definition):
                for lang in LANGUAGES if text else ():
                    for word in _words(text.get(lang)):
                        found.setdefault(word, {})[concept.id] = None
        return {word: tuple(ids) for word, ids in found.items()}


@dataclass(frozen=True)
class PublicScheme:
    id: str
    acronym: str
    label: Text
    description: Text
    legal_basis: Text
    reference: str | None
    successor: str | None


@dataclass(frozen=True, eq=False)
class Grid:
    """The whole grid. ``framing`` holds the source's presentation, keyed by FRAMING_KEYS."""

    id: str
    version: str
    modified: date
    title: Text
    subtitle: Text
    framing: Mapping[str, Text]
    history: tuple[HistoryItem, ...]
    entries: tuple[Entry, ...]
    schemes: tuple[ConceptScheme, ...]
    public_schemes: tuple[PublicScheme, ...]
    framing_titles: Mapping[str, Text]
    author: Author
    project_name: str
    project_text: Text
    source: Text

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """The 18 questions in the source's order."""
        return tuple(q for entry in self.entries for q in entry.questions)

    def question(self, qid: str) -> Question:
        return _find(self.questions, qid, "question")

    def entry(self, entry_id: str) -> Entry:
        return _find(self.entries, entry_id, "entry")

    def scheme(self, scheme_id: str) -> ConceptScheme:
        return _find(self.schemes, scheme_id, "concept scheme")

    def concept(self, ref: str) -> Concept:
        """The concept named ``scheme-id/concept-id``."""
        scheme_id, _, concept_id = ref.partition("/")
        return self.scheme(scheme_id).concept(concept_id)

    def public_scheme(self, scheme_id: str) -> PublicScheme:
        return _find(self.public_schemes, scheme_id, "public scheme")


def _find(items, item_id: str, what: str):
    for item in items:
        if item.id == item_id:
            return item
    raise NotFoundError(f"no {what} {item_id!r}", hint=f"known: {', '.join(i.id for i in items)}")


def _words(text: str) -> list[str]:
    """The words of ``text`` in lower case and without accents (« Lauréat » → « laureat »)."""
    bare = unicodedata.normalize("NFKD", text.casefold())
    return re.findall(r"[a-z0-9]+", "".join(char for char in bare if not unicodedata.combining(char)))
