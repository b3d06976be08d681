"""Read and check the grid's three YAML files (their format is in grille/README.md).

:func:`load_grid` reads ``grille/`` once per process. The files are the single
source of the grid, so the reader is strict: a duplicate or unknown key, a
missing French or English text, a duplicate id or a reference to nothing raises
``InputError`` naming the file, the line and the key path.

Beyond what :mod:`cap_ptce.grid.source` checks in each value, this module checks the
grid as a whole: ids are unique, questions are numbered q01… in order, every
reference (an example's concept, a question's public schemes, a scheme's
questions, a concept's broader, a scheme's successor) names something that exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType

from ..i18n import LANGUAGES
from ..resources import data_dir
from .model import (
    FRAMING_KEYS,
    Author,
    Concept,
    ConceptScheme,
    Entry,
    Example,
    Grid,
    HistoryItem,
    PublicScheme,
    Question,
    Text,
)
from .source import (
    Where,
    YamlMap,
    parse_file,
    read_bool,
    read_date,
    read_french,
    read_https,
    read_key,
    read_list,
    read_slug,
    read_string,
    read_text,
    read_version,
)

__all__ = ["GRID_FILE", "VOCAB_FILE", "SCHEMES_FILE", "read_grid"]

_FIELD_PATH = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
GRID_FILE, VOCAB_FILE, SCHEMES_FILE = "grille.yaml", "vocabulaires.yaml", "dispositifs.yaml"

_QID = re.compile(r"q\d{2}")


def read_grid(directory: Path) -> Grid:
    """Read grille.yaml, vocabulaires.yaml and dispositifs.yaml from ``directory`` and check them."""
    public_schemes = _read_public_schemes(*parse_file(Path(directory) / SCHEMES_FILE))
    schemes, named_questions = _read_schemes(*parse_file(Path(directory) / VOCAB_FILE))
    grid = _read_grid(*parse_file(Path(directory) / GRID_FILE), _Context(schemes, public_schemes))
    known = {q.id for q in grid.questions}
    for qid, where in named_questions:
        if qid not in known:
            raise where.error(f"unknown question {qid!r}", hint=f"use one of q01 … q{len(known):02d}")
    return grid


# --- dispositifs.yaml ------------------------------------------------------------------------------


def _read_public_schemes(top: YamlMap, where: Where) -> tuple[PublicScheme, ...]:
    where.mapping(top, required=("dispositifs",))
    schemes = read_list(top, where, "dispositifs", _read_public_scheme, "public scheme id")
    known = [s.id for s in schemes]
    places = where.key(top, "dispositifs").items(top["dispositifs"])
    for scheme, (node, place) in zip(schemes, places, strict=True):
        if scheme.successor is not None and scheme.successor not in known:
            hint = f"known: {', '.join(known)}"
            raise place.key(node, "successeur").error(f"unknown successor {scheme.successor!r}", hint=hint)
    return schemes


def _read_public_scheme(value, where: Where) -> PublicScheme:
    node = where.mapping(
        value,
        required=("id", "sigle", "libelle", "description", "base_legale"),
        optional=("reference", "successeur"),
    )
    return PublicScheme(
        id=read_key(node, where, "id", read_slug),
        acronym=read_key(node, where, "sigle", read_string),
        label=read_key(node, where, "libelle", read_text),
        description=read_key(node, where, "description", read_text),
        legal_basis=read_key(node, where, "base_legale", read_text),
        reference=read_key(node, where, "reference", read_https),
        successor=read_key(node, where, "successeur", read_slug),
    )


# --- vocabulaires.yaml -----------------------------------------------------------------------------


def _read_schemes(top: YamlMap, where: Where) -> tuple[tuple[ConceptScheme, ...], list[tuple[str, Where]]]:
    """The concept schemes, and the question ids they name (checked once the grid is read)."""
    where.mapping(top, required=("schemas",))
    schemes = read_list(top, where, "schemas", _read_scheme, "concept scheme id")
    named = []
    for scheme, (node, place) in zip(schemes, where.key(top, "schemas").items(top["schemas"]), strict=True):
        named.extend((qid, place.key(node, "questions")) for qid in scheme.questions)
    return schemes, named


def _read_scheme(value, where: Where) -> ConceptScheme:
    node = where.mapping(value, required=("id", "libelle", "definition", "questions", "liste_ouverte", "concepts"))
    scheme_id = read_key(node, where, "id", read_slug)
    concepts = read_list(node, where, "concepts", lambda v, w: _read_concept(v, w, scheme_id), "concept id")
    _check_broader(concepts, where.key(node, "concepts").items(node["concepts"]))
    return ConceptScheme(
        id=scheme_id,
        label=read_key(node, where, "libelle", read_text),
        definition=read_key(node, where, "definition", read_text),
        questions=tuple(_question_id(v, w) for v, w in where.key(node, "questions").items(node["questions"])),
        open_list=read_key(node, where, "liste_ouverte", read_bool),
        concepts=concepts,
    )


def _question_id(value, where: Where) -> str:
    if not isinstance(value, str) or not _QID.fullmatch(value):
        raise where.error(f"{value!r} is not a question id", hint="write q01 … q18")
    return value


def _read_concept(value, where: Where, scheme_id: str) -> Concept:
    node = where.mapping(value, required=("id", "libelle"), optional=("definition", "broader"))
    return Concept(
        id=read_key(node, where, "id", read_slug),
        scheme_id=scheme_id,
        label=read_key(node, where, "libelle", read_text),
        definition=read_key(node, where, "definition", read_text),
        broader=read_key(node, where, "broader", read_slug),
    )


def _check_broader(concepts: tuple[Concept, ...], places) -> None:
    """Every ``broader`` names a concept of the same scheme, and no chain of them loops."""
    parents = {c.id: c.broader for c in concepts}
    for concept, (node, where) in zip(concepts, places, strict=True):
        seen, current = {concept.id}, concept.broader
        while current is not None:
            if current not in parents:
                raise where.key(node, "broader").error(f"unknown concept {current!r} in this scheme")
            if current in seen:
                raise where.key(node, "broader").error(f"the broader chain of {concept.id!r} loops")
            seen.add(current)
            current = parents[current]


# --- grille.yaml -----------------------------------------------------------------------------------

_GRID_KEYS = (
    "id",
    "version",
    "modifie",
    "titre",
    "sous_titre",
    "auteur",
    "projet",
    "source",
    "cadre",
    "historique",
    "entrees",
)


@dataclass
class _Context:
    """What the questions may point at, and how many questions were read so far."""

    schemes: tuple[ConceptScheme, ...]
    public_schemes: tuple[PublicScheme, ...]
    entries_read: int = 0
    questions_read: int = 0

    def schemes_of(self, qid: str) -> tuple[str, ...]:
        return tuple(s.id for s in self.schemes if qid in s.questions)

    def public_scheme_refs(self, value, where: Where) -> tuple[str, ...]:
        """The list ``value`` of public scheme ids, each one known."""
        known = [s.id for s in self.public_schemes]
        for ref, place in where.items(value):
            if ref not in known:
                raise place.error(f"unknown public scheme {ref!r}", hint=f"known: {', '.join(known)}")
        return tuple(value)

    def has_concept(self, ref: str) -> bool:
        scheme_id, _, concept_id = ref.partition("/")
        return any(s.id == scheme_id and any(c.id == concept_id for c in s.concepts) for s in self.schemes)


def _read_grid(top: YamlMap, where: Where, context: _Context) -> Grid:
    node = where.mapping(top, required=_GRID_KEYS)
    version = read_key(node, where, "version", read_version)
    history = read_list(node, where, "historique", _read_history_item, "version", attrgetter("version"))
    if version not in {item.version for item in history}:
        raise where.key(node, "version").error(
            f"the history has no item for version {version}", hint="add one at the top of historique"
        )
    framing = read_key(node, where, "cadre", _read_framing)
    project = where.key(node, "projet")
    project_node = project.mapping(node["projet"], required=("nom", "texte"))
    return Grid(
        id=read_key(node, where, "id", read_slug),
        version=version,
        modified=read_key(node, where, "modifie", read_date),
        title=read_key(node, where, "titre", read_text),
        subtitle=read_key(node, where, "sous_titre", read_text),
        framing=MappingProxyType({key: text for key, (_, text) in framing.items()}),
        history=history,
        entries=read_list(node, where, "entrees", lambda v, w: _read_entry(v, w, context), "entry id"),
        schemes=context.schemes,
        public_schemes=context.public_schemes,
        framing_titles=MappingProxyType({key: title for key, (title, _) in framing.items()}),
        author=read_key(node, where, "auteur", _read_author),
        project_name=read_key(project_node, project, "nom", read_string),
        project_text=read_key(project_node, project, "texte", read_text),
        source=read_key(node, where, "source", read_text),
    )


def _read_history_item(value, where: Where) -> HistoryItem:
    node = where.mapping(value, required=("version", "date", "note"))
    return HistoryItem(
        version=read_key(node, where, "version", read_version),
        date=read_key(node, where, "date", read_date),
        note=read_key(node, where, "note", read_text),
    )


def _read_framing(value, where: Where) -> dict[str, tuple[Text, Text]]:
    """Each part of the source's presentation as (title, text)."""
    node = where.mapping(value, required=FRAMING_KEYS)
    parts = {}
    for key in FRAMING_KEYS:
        place = where.key(node, key)
        part = place.mapping(node[key], required=("titre", "texte"))
        parts[key] = (read_key(part, place, "titre", read_text), read_key(part, place, "texte", read_text))
    return parts


def _read_author(value, where: Where) -> Author:
    node = where.mapping(value, required=("nom", "ville"), optional=("iri", "site"))
    return Author(
        name=read_key(node, where, "nom", read_string),
        city=read_key(node, where, "ville", read_string),
        iri=read_key(node, where, "iri", read_https),
        homepage=read_key(node, where, "site", read_https),
    )


def _read_entry(value, where: Where, context: _Context) -> Entry:
    node = where.mapping(value, required=("id", "libelle", "definition", "questions"))
    context.entries_read += 1
    entry_id = read_key(node, where, "id", read_slug)
    places = where.key(node, "questions").items(node["questions"])
    if not places:
        raise where.key(node, "questions").error("an entry needs at least one question")
    return Entry(
        id=entry_id,
        position=context.entries_read,
        label=read_key(node, where, "libelle", read_text),
        definition=read_key(node, where, "definition", read_text),
        questions=tuple(_read_question(v, w, entry_id, context) for v, w in places),
    )


def _read_question(value, where: Where, entry_id: str, context: _Context) -> Question:
    node = where.mapping(
        value,
        required=("id", "texte", "futur", "exemples", "liste_ouverte"),
        optional=("texte_corrige", "dispositifs", "champs"),
    )
    context.questions_read += 1
    position = context.questions_read
    qid = read_key(node, where, "id", read_string)
    if qid != f"q{position:02d}":
        expected = f"q{position:02d}"
        message = f"expected {expected}: questions are numbered in the source's order"
        raise where.key(node, "id").error(message)
    text, future = read_key(node, where, "texte", read_text), read_key(node, where, "futur", read_text)
    if future.fr == text.fr or future.en == text.en:
        raise where.key(node, "futur").error("the future-tense form repeats the present-tense text")
    return Question(
        id=qid,
        position=position,
        entry_id=entry_id,
        text=text,
        corrected=read_key(node, where, "texte_corrige", read_french),
        future=future,
        examples=_read_examples(node, where, qid, context),
        open_list=read_key(node, where, "liste_ouverte", read_bool),
        schemes=context.schemes_of(qid),
        public_schemes=read_key(node, where, "dispositifs", context.public_scheme_refs, ()),
        fields=read_key(node, where, "champs", _read_fields, ()),
    )


def _read_fields(value, where: Where) -> tuple[str, ...]:
    """Key paths of a description (``gouvernance.instances``); the format checks that each exists."""
    fields = []
    for path, place in where.items(value):
        if not isinstance(path, str) or not _FIELD_PATH.fullmatch(path):
            raise place.error(
                f"{path!r} is not a key path", hint="write keys joined by dots: coordination.valorisation"
            )
        if path in fields:
            raise place.error(f"{path!r} is given twice")
        fields.append(path)
    return tuple(fields)


def _read_examples(node: YamlMap, where: Where, qid: str, context: _Context) -> tuple[Example, ...]:
    examples: list[Example] = []
    for value, place in where.key(node, "exemples").items(node["exemples"]):
        examples.append(_read_example(value, place, qid, examples, context))
    return tuple(examples)


def _read_example(value, where: Where, qid: str, earlier: list[Example], context: _Context) -> Example:
    node = where.mapping(value, required=LANGUAGES, optional=("concept", "precision", "detaille"))
    concept = read_key(node, where, "concept", read_string)
    if concept is not None and not context.has_concept(concept):
        hint = "write scheme-id/concept-id, as in vocabulaires.yaml"
        raise where.key(node, "concept").error(f"unknown concept {concept!r}", hint=hint)
    details = read_key(node, where, "detaille", read_string)
    if details is not None and details not in {e.id for e in earlier}:
        raise where.key(node, "detaille").error(f"{details!r} is not an earlier example of this question")
    return Example(
        id=f"{qid}-{len(earlier) + 1}",
        position=len(earlier) + 1,
        label=Text(read_key(node, where, "fr", read_string), read_key(node, where, "en", read_string)),
        concept=concept,
        precision=read_key(node, where, "precision", read_bool, False),
        details=details,
    )


@cache
def load_grid() -> Grid:
    """The grid shipped with the package (read once, then cached)."""
    return load_grid_from(data_dir("grille"))


def load_grid_from(directory: Path) -> Grid:
    """Read and check the grid in ``directory`` (grille.yaml, vocabulaires.yaml, dispositifs.yaml)."""
    return read_grid(Path(directory))
