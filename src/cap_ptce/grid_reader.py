"""Read and check the grid's YAML files (used by ``cap_ptce.grid``; the format is in grille/README.md).

The files are the single source of the grid, so reading is strict: duplicate keys,
aliases, unknown keys, a missing French or English text, duplicate ids and
references to nothing are refused with the file, the line and the key path.
"""

from __future__ import annotations

import difflib
import re
from operator import attrgetter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

import yaml

from .errors import InputError, InputFileError, UnknownKeyError, YamlError
from .grid import (
    FRAMING_KEYS,
    LANGUAGES,
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

__all__ = ["GRID_FILE", "VOCAB_FILE", "SCHEMES_FILE", "read_grid"]

GRID_FILE, VOCAB_FILE, SCHEMES_FILE = "grille.yaml", "vocabulaires.yaml", "dispositifs.yaml"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SEMVER = re.compile(r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)")
_QID = re.compile(r"q\d{2}")


def read_grid(directory: Path) -> Grid:
    """Read grille.yaml, vocabulaires.yaml and dispositifs.yaml from ``directory`` and check them."""
    public_schemes = _read_public_schemes(*_parse(Path(directory) / SCHEMES_FILE))
    schemes, named_questions = _read_schemes(*_parse(Path(directory) / VOCAB_FILE))
    grid = _read_grid(*_parse(Path(directory) / GRID_FILE), _Context(schemes, public_schemes))
    known = {q.id for q in grid.questions}
    for qid, where in named_questions:
        if qid not in known:
            raise where.error(f"unknown question {qid!r}", hint=f"use one of q01 … q{len(known):02d}")
    return grid


# --- strict YAML that remembers lines ----------------------------------------------------------


class _Map(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int | None = None
    key_lines: dict


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loading that refuses aliases (and, through _construct_map, duplicate and merge keys)."""

    def construct_object(self, node, deep=False):
        # An alias is the same node met twice: the only way to see it with the C parser. Its
        # mark is the anchor's; _construct_map reports aliases used as values at their key.
        if node in self.constructed_objects:
            raise YamlError(
                f"aliases are not allowed in the grid files (alias of the anchor at line {_line(node)})",
                source=self.name,
                line=_line(node),
            )
        return super().construct_object(node, deep=deep)


def _construct_map(loader: _StrictLoader, node: yaml.MappingNode):
    data = _Map()
    data.line, data.key_lines = _line(node), {}
    yield data
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise YamlError(f"the key {key!r} is not a text", source=loader.name, line=_line(key_node))
        if key == "<<" or key in data:
            raise YamlError(f"duplicate key {key!r}", source=loader.name, line=_line(key_node), key=key)
        if value_node in loader.constructed_objects:
            message = "aliases are not allowed in the grid files"
            raise YamlError(message, source=loader.name, line=_line(key_node), key=key)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = _line(key_node)


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _parse(path: Path) -> tuple[_Map, _Where]:
    """The top mapping of a grid file, and its place."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read the grid file: {exc}", source=str(path)) from exc
    loader = _StrictLoader(text)
    loader.name = path.name
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlError(f"invalid YAML: {exc.problem}", source=path.name, line=line) from exc
    finally:
        loader.dispose()
    where = _Where(path.name, "", 1)
    if not isinstance(data, _Map):
        raise where.error("the file must hold a mapping of keys to values")
    return data, where


# --- places and checked values ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """A place in a grid file: the file, the key path from the top and the line."""

    source: str
    path: str = ""
    line: int | None = None

    def key(self, node: _Map, key: str) -> _Where:
        """The place of ``node[key]``."""
        path = f"{self.path}.{key}" if self.path else key
        return _Where(self.source, path, node.key_lines.get(key, node.line))

    def error(self, message: str, *, cls=InputError, hint: str | None = None) -> InputError:
        return cls(message, source=self.source, line=self.line, key=self.path or None, hint=hint)

    def mapping(self, value, required=(), optional=()) -> _Map:
        """``value`` as a mapping with all of ``required`` and nothing outside ``optional``."""
        if not isinstance(value, _Map):
            raise self.error("expected a mapping of keys to values")
        allowed = (*required, *optional)
        for key in value:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean {near[0]!r}?" if near else f"allowed keys: {', '.join(allowed)}"
                raise self.key(value, str(key)).error(f"unknown key {key!r}", cls=UnknownKeyError, hint=hint)
        for key in required:
            if key not in value:
                raise _Where(self.source, self.path, value.line).error(f"missing key {key!r}")
        return value

    def items(self, value) -> list[tuple[object, _Where]]:
        """The items of the list ``value``, each with its place."""
        if not isinstance(value, list):
            raise self.error("expected a list")
        places = []
        for i, item in enumerate(value):
            line = item.line if isinstance(item, _Map) else self.line
            places.append((item, _Where(self.source, f"{self.path}[{i}]", line)))
        return places


def _field(node: _Map, where: _Where, key: str, read, default=None):
    """``read`` applied to ``node[key]`` at its place, or ``default`` when the key is absent."""
    return read(node[key], where.key(node, key)) if key in node else default


def _string(value, where: _Where) -> str:
    if not isinstance(value, str) or not value.strip():
        raise where.error("expected a non-empty text")
    if value != value.strip():
        raise where.error("remove the spaces at the start or the end of this text")
    return value


def _slug(value, where: _Where) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise where.error(f"{value!r} is not an id", hint="use lowercase ASCII words joined by '-'")
    return value


def _bool(value, where: _Where) -> bool:
    if not isinstance(value, bool):
        raise where.error("expected true or false")
    return value


def _version(value, where: _Where) -> str:
    if not isinstance(value, str) or not _SEMVER.fullmatch(value):
        raise where.error(f"{value!r} is not a version", hint='write a quoted semantic version, e.g. "1.0.0"')
    return value


def _date(value, where: _Where) -> date:
    if not isinstance(value, date):
        raise where.error(f"{value!r} is not a date", hint="write it as YYYY-MM-DD")
    return value


def _text(value, where: _Where) -> Text:
    """A ``{fr, en}`` mapping."""
    node = where.mapping(value, required=LANGUAGES)
    return Text(_field(node, where, "fr", _string), _field(node, where, "en", _string))


def _french(value, where: _Where) -> str:
    """A ``{fr}`` mapping (a correction of the French source text has no English twin)."""
    return _field(where.mapping(value, required=("fr",)), where, "fr", _string)


def _read_list(node: _Map, where: _Where, key: str, read, what: str, id_of=attrgetter("id")) -> tuple:
    """The list ``node[key]``, each item read by ``read(value, place)``; no two items share an id."""
    seen: set[str] = set()
    items = []
    for value, place in where.key(node, key).items(node[key]):
        item = read(value, place)
        if id_of(item) in seen:
            raise place.error(f"duplicate {what} {id_of(item)!r}")
        seen.add(id_of(item))
        items.append(item)
    return tuple(items)


# --- dispositifs.yaml ------------------------------------------------------------------------------


def _read_public_schemes(top: _Map, where: _Where) -> tuple[PublicScheme, ...]:
    where.mapping(top, required=("dispositifs",))
    schemes = _read_list(top, where, "dispositifs", _read_public_scheme, "public scheme id")
    known = [s.id for s in schemes]
    places = where.key(top, "dispositifs").items(top["dispositifs"])
    for scheme, (node, place) in zip(schemes, places, strict=True):
        if scheme.successor is not None and scheme.successor not in known:
            hint = f"known: {', '.join(known)}"
            raise place.key(node, "successeur").error(f"unknown successor {scheme.successor!r}", hint=hint)
    return schemes


def _read_public_scheme(value, where: _Where) -> PublicScheme:
    node = where.mapping(
        value,
        required=("id", "sigle", "libelle", "description", "base_legale"),
        optional=("reference", "successeur"),
    )
    return PublicScheme(
        id=_field(node, where, "id", _slug),
        acronym=_field(node, where, "sigle", _string),
        label=_field(node, where, "libelle", _text),
        description=_field(node, where, "description", _text),
        legal_basis=_field(node, where, "base_legale", _text),
        reference=_field(node, where, "reference", _https),
        successor=_field(node, where, "successeur", _slug),
    )


# --- vocabulaires.yaml -----------------------------------------------------------------------------


def _read_schemes(top: _Map, where: _Where) -> tuple[tuple[ConceptScheme, ...], list[tuple[str, _Where]]]:
    """The concept schemes, and the question ids they name (checked once the grid is read)."""
    where.mapping(top, required=("schemas",))
    schemes = _read_list(top, where, "schemas", _read_scheme, "concept scheme id")
    named = []
    for scheme, (node, place) in zip(schemes, where.key(top, "schemas").items(top["schemas"]), strict=True):
        named.extend((qid, place.key(node, "questions")) for qid in scheme.questions)
    return schemes, named


def _read_scheme(value, where: _Where) -> ConceptScheme:
    node = where.mapping(
        value, required=("id", "libelle", "definition", "questions", "liste_ouverte", "concepts")
    )
    scheme_id = _field(node, where, "id", _slug)
    concepts = _read_list(node, where, "concepts", lambda v, w: _read_concept(v, w, scheme_id), "concept id")
    _check_broader(concepts, where.key(node, "concepts").items(node["concepts"]))
    return ConceptScheme(
        id=scheme_id,
        label=_field(node, where, "libelle", _text),
        definition=_field(node, where, "definition", _text),
        questions=tuple(_question_id(v, w) for v, w in where.key(node, "questions").items(node["questions"])),
        open_list=_field(node, where, "liste_ouverte", _bool),
        concepts=concepts,
    )


def _question_id(value, where: _Where) -> str:
    if not isinstance(value, str) or not _QID.fullmatch(value):
        raise where.error(f"{value!r} is not a question id", hint="write q01 … q18")
    return value


def _read_concept(value, where: _Where, scheme_id: str) -> Concept:
    node = where.mapping(value, required=("id", "libelle"), optional=("definition", "broader"))
    return Concept(
        id=_field(node, where, "id", _slug),
        scheme_id=scheme_id,
        label=_field(node, where, "libelle", _text),
        definition=_field(node, where, "definition", _text),
        broader=_field(node, where, "broader", _slug),
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
    "id", "version", "modifie", "titre", "sous_titre", "auteur", "projet", "source", "cadre", "historique",
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

    def public_scheme_refs(self, value, where: _Where) -> tuple[str, ...]:
        """The list ``value`` of public scheme ids, each one known."""
        known = [s.id for s in self.public_schemes]
        for ref, place in where.items(value):
            if ref not in known:
                raise place.error(f"unknown public scheme {ref!r}", hint=f"known: {', '.join(known)}")
        return tuple(value)

    def has_concept(self, ref: str) -> bool:
        scheme_id, _, concept_id = ref.partition("/")
        return any(s.id == scheme_id and any(c.id == concept_id for c in s.concepts) for s in self.schemes)


def _read_grid(top: _Map, where: _Where, context: _Context) -> Grid:
    node = where.mapping(top, required=_GRID_KEYS)
    version = _field(node, where, "version", _version)
    history = _read_list(node, where, "historique", _read_history_item, "version", attrgetter("version"))
    if version not in {item.version for item in history}:
        raise where.key(node, "version").error(
            f"the history has no item for version {version}", hint="add one at the top of historique"
        )
    framing = _field(node, where, "cadre", _read_framing)
    project = where.key(node, "projet")
    project_node = project.mapping(node["projet"], required=("nom", "texte"))
    return Grid(
        id=_field(node, where, "id", _slug),
        version=version,
        modified=_field(node, where, "modifie", _date),
        title=_field(node, where, "titre", _text),
        subtitle=_field(node, where, "sous_titre", _text),
        framing=MappingProxyType({key: text for key, (_, text) in framing.items()}),
        history=history,
        entries=_read_list(node, where, "entrees", lambda v, w: _read_entry(v, w, context), "entry id"),
        schemes=context.schemes,
        public_schemes=context.public_schemes,
        framing_titles=MappingProxyType({key: title for key, (title, _) in framing.items()}),
        author=_field(node, where, "auteur", _read_author),
        project_name=_field(project_node, project, "nom", _string),
        project_text=_field(project_node, project, "texte", _text),
        source=_field(node, where, "source", _text),
    )


def _read_history_item(value, where: _Where) -> HistoryItem:
    node = where.mapping(value, required=("version", "date", "note"))
    return HistoryItem(
        version=_field(node, where, "version", _version),
        date=_field(node, where, "date", _date),
        note=_field(node, where, "note", _text),
    )


def _read_framing(value, where: _Where) -> dict[str, tuple[Text, Text]]:
    """Each part of the source's presentation as (title, text)."""
    node = where.mapping(value, required=FRAMING_KEYS)
    parts = {}
    for key in FRAMING_KEYS:
        place = where.key(node, key)
        part = place.mapping(node[key], required=("titre", "texte"))
        parts[key] = (_field(part, place, "titre", _text), _field(part, place, "texte", _text))
    return parts


def _read_author(value, where: _Where) -> Author:
    node = where.mapping(value, required=("nom", "ville"), optional=("iri", "site"))
    return Author(
        name=_field(node, where, "nom", _string),
        city=_field(node, where, "ville", _string),
        iri=_field(node, where, "iri", _https),
        homepage=_field(node, where, "site", _https),
    )


def _https(value, where: _Where) -> str:
    if not _string(value, where).startswith("https://"):
        raise where.error(f"{value!r} is not an https:// address")
    return value


def _read_entry(value, where: _Where, context: _Context) -> Entry:
    node = where.mapping(value, required=("id", "libelle", "definition", "questions"))
    context.entries_read += 1
    entry_id = _field(node, where, "id", _slug)
    places = where.key(node, "questions").items(node["questions"])
    if not places:
        raise where.key(node, "questions").error("an entry needs at least one question")
    return Entry(
        id=entry_id,
        position=context.entries_read,
        label=_field(node, where, "libelle", _text),
        definition=_field(node, where, "definition", _text),
        questions=tuple(_read_question(v, w, entry_id, context) for v, w in places),
    )


def _read_question(value, where: _Where, entry_id: str, context: _Context) -> Question:
    node = where.mapping(
        value,
        required=("id", "texte", "futur", "exemples", "liste_ouverte"),
        optional=("texte_corrige", "dispositifs"),
    )
    context.questions_read += 1
    position = context.questions_read
    qid = _field(node, where, "id", _string)
    if qid != f"q{position:02d}":
        expected = f"q{position:02d}"
        message = f"expected {expected}: questions are numbered in the source's order"
        raise where.key(node, "id").error(message)
    text, future = _field(node, where, "texte", _text), _field(node, where, "futur", _text)
    if future.fr == text.fr or future.en == text.en:
        raise where.key(node, "futur").error("the future-tense form repeats the present-tense text")
    return Question(
        id=qid,
        position=position,
        entry_id=entry_id,
        text=text,
        corrected=_field(node, where, "texte_corrige", _french),
        future=future,
        examples=_read_examples(node, where, qid, context),
        open_list=_field(node, where, "liste_ouverte", _bool),
        schemes=context.schemes_of(qid),
        public_schemes=_field(node, where, "dispositifs", context.public_scheme_refs, ()),
    )


def _read_examples(node: _Map, where: _Where, qid: str, context: _Context) -> tuple[Example, ...]:
    examples: list[Example] = []
    for value, place in where.key(node, "exemples").items(node["exemples"]):
        examples.append(_read_example(value, place, qid, examples, context))
    return tuple(examples)


def _read_example(value, where: _Where, qid: str, earlier: list[Example], context: _Context) -> Example:
    node = where.mapping(value, required=LANGUAGES, optional=("concept", "precision", "detaille"))
    concept = _field(node, where, "concept", _string)
    if concept is not None and not context.has_concept(concept):
        hint = "write scheme-id/concept-id, as in vocabulaires.yaml"
        raise where.key(node, "concept").error(f"unknown concept {concept!r}", hint=hint)
    details = _field(node, where, "detaille", _string)
    if details is not None and details not in {e.id for e in earlier}:
        raise where.key(node, "detaille").error(f"{details!r} is not an earlier example of this question")
    return Example(
        id=f"{qid}-{len(earlier) + 1}",
        position=len(earlier) + 1,
        label=Text(_field(node, where, "fr", _string), _field(node, where, "en", _string)),
        concept=concept,
        precision=_field(node, where, "precision", _bool, False),
        details=details,
    )
