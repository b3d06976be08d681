"""A description as a dossier: the grid's questions with their answers, then the structured facts as tables.

:func:`build_dossier` lays out the data of a description (``Description.data``,
the YAML's keys) along the grid: first each entry with its questions, in the
tense of the project's maturity, and their answers; then, entry by entry, the
structured facts — lists as tables (actors, governance bodies, actions,
funding with totals in euros), every other value as a labelled line. Every key
of the description is shown somewhere: a key that no entry claims goes to a
last block rather than be dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from ..grid import Grid, load_grid
from ..i18n import t
from ..project.schema import PROJECT, SECTIONS, SPECS, Kind, NodeSpec
from ..project.values import Unreadable, blank, left_empty, read_number
from ..validation.placeholders import is_placeholder_text
from .values import Shown, ValueFormatter, euros, number

__all__ = [
    "Fact",
    "Table",
    "TableRow",
    "Block",
    "Answer",
    "EntryAnswers",
    "Dossier",
    "build_dossier",
    "ENTRY_KEYS",
    "HEADER_KEYS",
    "unnamed_item",
]


def _sections() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """From the format's sections: each block's structured keys, and each question's keys.

    A section lists an entry's structured keys and the free texts of its
    questions in the order a description gives them; the keys just before a
    question's text are the facts that answer that question.
    """
    blocks: dict[str, tuple[str, ...]] = {}
    questions: dict[str, tuple[str, ...]] = {}
    for section, fields in SECTIONS:
        pending: list[str] = []
        keys: list[str] = []
        for spec_field in fields:
            if spec_field.kind == Kind.ANSWER:
                questions[spec_field.key] = tuple(pending)
                pending = []
            else:
                pending.append(spec_field.key)
                keys.append(spec_field.key)
        blocks[section] = tuple(keys)
    return blocks, questions


# The project's keys that each grid entry's structured facts come from (and "faits", the facts beyond the
# grid's questions), in the grid's order; and, for each question, the keys whose values answer it.
ENTRY_KEYS, QUESTION_KEYS = _sections()
FACTS_BLOCK = "faits"
# The project's keys shown at the head of the dossier, before the grid.
HEADER_KEYS = ("description", "maturite", "date_creation", "mise_a_jour", "site_web", "courriel", "id")
# the title, a notice, the format's version, and the answers themselves (version 1 kept them in one block)
_NOT_SHOWN = frozenset({"nom", "fictif", "format", "reponses"}) | {q for q in QUESTION_KEYS}

# The columns of each list's table; its other keys are shown under each row. Empty columns are dropped.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "acteurs": ("nom", "type", "ess", "relation", "roles"),
    "groupes": ("nom", "type", "nombre_membres", "majoritairement_ess", "relation"),
    "chiffres": ("indicateur|indicateur_autre", "valeur", "annee"),
    "reconnaissances": ("type|type_autre", "appel|appel_autre", "annee", "montant"),
    "constats": ("texte", "sources", "partage"),
    "instances": ("nom", "type", "frequence", "participants"),
    "actions": ("nom", "stade", "debut", "fin", "porteurs"),
    "implications": ("membre", "formes", "etp", "montant"),
    "dispositifs": ("dispositif", "nom", "depuis"),
    "coordination": ("nom", "fonctions", "statut", "etp", "employeur"),
    "financements": ("financeur|financeur_acteur", "type_financeur", "montant", "nature", "statut"),
}
# "a|b" in a table's columns: one column, the first of the keys that a row gives (named after the first key).
# Columns summed under their table: amounts in euros and full-time equivalents.
_SUMMED = ("montant", "etp")


@dataclass(frozen=True)
class Fact:
    """A labelled value, or list of values, of the description."""

    key: str
    label: str
    values: tuple[Shown, ...]


@dataclass(frozen=True)
class TableRow:
    anchor: str | None
    cells: tuple[tuple[Shown, ...], ...]
    details: tuple[Fact, ...]


@dataclass(frozen=True)
class Table:
    """A list of the description (actors, actions…) with its columns, rows and totals."""

    key: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    totals: tuple[Fact, ...] = ()
    summary: tuple[Fact, ...] = ()  # what the rows come to (the actors by kind…), told after the table


@dataclass(frozen=True)
class Block:
    """The structured facts of one grid entry: labelled values and tables, in the format's order."""

    entry: str
    label: str
    parts: tuple[Fact | Table, ...]


@dataclass(frozen=True)
class Answer:
    """A question of the grid, in the tense of the project's maturity, with its written answer and the facts
    of the description that answer it (neither: unanswered)."""

    id: str
    number: int
    text: str
    answer: str | None
    examples: tuple[str, ...]
    facts: tuple[str, ...] = ()  # labels of the structured keys given that answer the question
    # the values of those keys that are not in a list of items (axes, communes…), shown with the question
    values: tuple[Fact, ...] = ()

    @property
    def answered(self) -> bool:
        return bool(self.answer or self.facts)


@dataclass(frozen=True)
class EntryAnswers:
    id: str
    number: int
    label: str
    questions: tuple[Answer, ...]


@dataclass(frozen=True)
class Dossier:
    """A description laid out for people, in ``lang``."""

    id: str
    name: str
    lang: str
    future: bool
    fictional: bool
    header: tuple[Fact, ...]
    answers: tuple[EntryAnswers, ...]
    blocks: tuple[Block, ...]
    register: bool = False  # a record of the register of real PTCEs (public sources), not an application
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def answered(self) -> int:
        """The questions with an answer, written or given by the description's data."""
        return sum(1 for entry in self.answers for q in entry.questions if q.answered)

    @property
    def written(self) -> int:
        """The questions with a written answer (the others that are answered are answered by data)."""
        return sum(1 for entry in self.answers for q in entry.questions if q.answer)

    @property
    def question_count(self) -> int:
        return sum(len(entry.questions) for entry in self.answers)


def build_dossier(data: Mapping, lang: str, *, grid: Grid | None = None, register: bool = False) -> Dossier:
    """The dossier of the description ``data`` (as ``Description.data`` holds it) in ``lang``.

    ``register``: ``data`` is a record of the register of real PTCEs (the knowledge base's provenance
    or the file's folder says so; the record itself cannot), and the dossier says what that means.
    """
    grid = grid or load_grid()
    actors = {
        item.get("id"): (item.get("nom") or item.get("id"), f"{SPECS[key].segment}-{item.get('id')}")
        for key in ("acteurs", "groupes")
        if key in SPECS
        for item in data.get(key) or []
        if isinstance(item, Mapping)
    }
    builder = _Builder(ValueFormatter(grid, lang, actors), lang)
    future = data.get("maturite") == "emergent"
    return Dossier(
        id=str(data.get("id") or ""),
        name=str(data.get("nom") or data.get("id") or ""),
        lang=lang,
        future=future,
        fictional=bool(data.get("fictif")),
        header=tuple(builder.facts(PROJECT, data, HEADER_KEYS)),
        answers=tuple(_answers(grid, data, builder, future)),
        blocks=tuple(_blocks(grid, builder, data)),
        register=register,
    )


def answer_text(data: Mapping, qid: str) -> str | None:
    """The written answer to ``qid``: under its entry (format 2), or in the ``reponses`` block (format 1); None
    for a text left blank or as the template wrote it (« À COMPLÉTER »), which answers nothing."""
    text = data.get(qid)
    if text in (None, ""):
        text = (data.get("reponses") or {}).get(qid) if isinstance(data.get("reponses"), Mapping) else None
    if text in (None, "") or says_nothing(text):
        return None
    return str(text).strip()


# An item's keys that say nothing of it: its identifier (its IRI), its place among the project's members or partners.
_NOT_SAID = frozenset({"id", "relation"})


def says_nothing(value: Any, depth: int = 1) -> bool:
    """Whether ``value`` answers nothing, as completeness counts it
    (:func:`~cap_ptce.validation.placeholders.is_left_over`): a blank value, a text left as the template wrote it,
    or an item whose values all say nothing, a block of its own (a funding's funder) looked into ``depth`` deep."""
    if isinstance(value, str):
        return is_placeholder_text(value)
    if blank(value):
        return True
    if isinstance(value, list):
        return all(says_nothing(item, depth) for item in value)
    if isinstance(value, Mapping):
        held = [v for k, v in value.items() if k not in _NOT_SAID and not blank(v)]
        return bool(held) and all(_item_value_says_nothing(v, depth) for v in held)
    return False


def _item_value_says_nothing(value: Any, depth: int) -> bool:
    if isinstance(value, list):
        return all(_item_value_says_nothing(item, depth) for item in value)
    if isinstance(value, Mapping):
        return depth > 0 and says_nothing(value, depth - 1)
    return isinstance(value, str) and is_placeholder_text(value)


def _answers(grid: Grid, data: Mapping, builder: _Builder, future: bool):
    lang = builder.lang
    for entry in grid.entries:
        questions = []
        for q in entry.questions:
            given = [path for path in q.fields if _holds(data, path.split("."))]
            questions.append(
                Answer(
                    q.id,
                    q.position,
                    q.wording(lang, future=future),
                    answer_text(data, q.id),
                    tuple(example.label.get(lang) for example in q.examples),
                    tuple(_counted(builder.path_label(path), data, path) for path in given),
                    tuple(fact for path in given if (fact := builder.path_fact(data, path)) is not None),
                )
            )
        yield EntryAnswers(entry.id, entry.position, entry.label.get(lang), tuple(questions))


def _counted(label: str, data: Mapping, path: str) -> str:
    """« Acteurs (4) » for a list of items, whose values are in its table further on (a carrier saw the
    question answered by « Acteurs » and nothing under it); other keys' values come with the question."""
    value: Any = data
    for key in path.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    items = _items(value)
    return f"{label} ({len(items)})" if items else label


def _items(value: Any) -> list[tuple[int, Mapping]]:
    """The items of a list with their numbers in it, but those left empty, which say nothing (as in the checks)."""
    if not isinstance(value, list):
        return []
    return [(n, item) for n, item in enumerate(value, start=1) if isinstance(item, Mapping) and not left_empty(item)]


def _holds(data, path: list[str]) -> bool:
    """Whether the description gives a value at ``path`` (through lists: in any of their items), as the checks
    count it: an item left empty, a text of spaces or left as the template wrote it, or an item of such texts
    alone (:func:`says_nothing`), gives none."""
    if isinstance(data, list):
        return any(_holds(item, path) for item in data if not left_empty(item))
    if not path:
        return not blank(data) and not left_empty(data) and not says_nothing(data)
    return isinstance(data, Mapping) and _holds(data.get(path[0]), path[1:])


def _blocks(grid: Grid, builder: _Builder, data: Mapping):
    claimed = set(HEADER_KEYS) | _NOT_SHOWN
    for entry in grid.entries:
        keys = ENTRY_KEYS.get(entry.id, ())
        claimed |= set(keys)
        parts = builder.parts(PROJECT, data, keys)
        yield Block(entry.id, entry.label.get(builder.lang), tuple(parts))
    facts = ENTRY_KEYS.get(FACTS_BLOCK, ())
    claimed |= set(facts)
    if any(data.get(key) not in (None, "", [], {}) for key in facts):
        yield Block(FACTS_BLOCK, t("dossier.facts_beyond", builder.lang), tuple(builder.parts(PROJECT, data, facts)))
    others = [key for key in PROJECT.keys if key not in claimed and data.get(key) not in (None, "", [], {})]
    if others:
        yield Block("autres", t("dossier.other_facts", builder.lang), tuple(builder.parts(PROJECT, data, others)))


class _Builder:
    """Turns a node's data into facts and tables, following its spec in the format's table."""

    def __init__(self, values: ValueFormatter, lang: str) -> None:
        self.values = values
        self.lang = lang

    def label(self, spec: NodeSpec, key: str) -> str:
        return t(f"field.{spec.name}.{key}", self.lang)

    def path_label(self, path: str) -> str:
        """The label of a key path of the grid's ``champs`` (``territoire.communes`` → « Communes »)."""
        spec = PROJECT
        keys = path.split(".")
        for key in keys[:-1]:
            spec_field = spec.field(key)
            spec = SPECS.get(spec_field.arg) if spec_field is not None else None
            if spec is None:
                return path
        return self.label(spec, keys[-1])

    def path_fact(self, data: Mapping, path: str) -> Fact | None:
        """The fact at a key path of the grid's ``champs``, if no list of items lies on the way (a list's
        values are in its table)."""
        spec, keys = PROJECT, path.split(".")
        for key in keys[:-1]:
            spec_field = spec.field(key)
            if spec_field is None or spec_field.kind not in (Kind.NEST, Kind.OBJECT):
                return None
            spec, data = SPECS[spec_field.arg], data.get(key)
            if not isinstance(data, Mapping):
                return None
        spec_field = spec.field(keys[-1])
        if spec_field is None or spec_field.kind in (Kind.OBJECTS, Kind.NEST, Kind.OBJECT):
            return None
        found = self.facts(spec, data, [keys[-1]])
        return found[0] if found else None

    def facts(self, spec: NodeSpec, data: Mapping, keys) -> list[Fact]:
        found = []
        for key in keys:
            field_ = spec.field(key)
            shown = self.values.show(field_, data.get(key)) if field_ else []
            if shown:
                found.append(Fact(key, self.label(spec, key), tuple(shown)))
        return found

    def parts(self, spec: NodeSpec, data: Mapping, keys) -> list[Fact | Table]:
        """Each key's facts: a nested block's keys in place, a list of objects as a table."""
        parts: list[Fact | Table] = []
        for key in keys:
            field_ = spec.field(key)
            value = data.get(key)
            if field_ is None or value in (None, "", [], {}):
                continue
            if field_.kind == Kind.OBJECTS:
                if _items(value):
                    parts.append(self.table(SPECS[field_.arg], value, self.label(spec, key), f"item.{spec.name}.{key}"))
            elif field_.kind in (Kind.NEST, Kind.OBJECT):
                inner = SPECS[field_.arg]
                parts.extend(self.parts(inner, value, inner.keys))
            else:
                parts.extend(self.facts(spec, data, [key]))
        return parts

    def table(self, spec: NodeSpec, items: list, caption: str, row_name: str) -> Table:
        """The list ``items`` as a table; ``row_name``: the message of one row's name (``item.projet.acteurs``)."""
        numbered = _items(items)
        items = [item for _position, item in numbered]
        wanted = [tuple(column.split("|")) for column in TABLE_COLUMNS.get(spec.name, spec.keys)]
        columns = [keys for keys in wanted if any(_given(item, k) for item in items for k in keys if spec.field(k))]
        shown = {key for keys in columns for key in keys}
        rows = []
        for position, item in numbered:  # the file's numbering, which the checks' messages give
            cells = tuple(self.cell(spec, item, keys) for keys in columns)
            if columns and columns[0][0] == "nom" and not cells[0]:  # a row of no name is still one of the list
                cells = ((Shown(unnamed_item(row_name, position, self.lang)),), *cells[1:])  # as the editor says it
            rest = [k for k in spec.keys if k not in shown and k != "id"]
            rows.append(TableRow(_anchor(spec, item, position), cells, tuple(self.facts(spec, item, rest))))
        labels = tuple(self.label(spec, keys[0]) for keys in columns)
        totals = self.totals(spec, items, [keys[0] for keys in columns])
        return Table(spec.name, caption, labels, tuple(rows), tuple(totals), tuple(self.composition(spec, items)))

    def cell(self, spec: NodeSpec, item: Mapping, keys: tuple[str, ...]) -> tuple[Shown, ...]:
        """The values of the first of ``keys`` that the row gives; a yes or no left unsaid says so (« non
        précisé »), where an empty cell would leave the reader to guess between no and not said."""
        for key in keys:
            if spec.field(key) and _given(item, key):
                return tuple(self.values.show(spec.field(key), item.get(key)))
        first = spec.field(keys[0])
        if first is not None and first.kind == Kind.RELATION:  # the format's default: a member
            return tuple(self.values.show(first, _MEMBER))
        if first is not None and first.kind == Kind.BOOL:
            if keys[0] == "ess" and self.outside_the_ess(item):
                return (Shown(t("dossier.not_applicable", self.lang)),)
            return (Shown(t("dossier.not_said", self.lang)),)
        return ()

    def outside_the_ess(self, item: Mapping) -> bool:
        """Whether an actor's kinds are all of a public body or an inhabitant: the ESS is no question for it."""
        kinds = item.get("type")
        kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
        return bool(kinds) and all(kind in self.no_ess_question for kind in kinds)

    @cached_property
    def no_ess_question(self) -> frozenset[str]:
        """The kinds of actor under « collectivité » or « habitant »: public bodies and people, never in the ESS."""
        scheme = {concept.id: concept for concept in self.values.grid.scheme("types-acteurs").concepts}

        def top(concept_id: str) -> str:
            while scheme[concept_id].broader:
                concept_id = scheme[concept_id].broader
            return concept_id

        return frozenset(cid for cid in scheme if top(cid) in ("collectivite", "habitant"))

    def composition(self, spec: NodeSpec, items: list) -> list[Fact]:
        """The actors counted by relation, by kind and in the ESS: the consortium at a glance (« 4 membres : 2 de
        l'ESS… »), which a table of rows leaves to the reader to count."""
        if spec.name != "acteurs" or len(items) < 2:
            return []
        found = []
        for key in ("relation", "type"):
            # an actor that does not say is a member: counted so once one says it (else every one is, unsaid)
            default = _MEMBER if key == "relation" and any(item.get(key) for item in items) else None
            shown = [one for item in items for one in self.values.show(spec.field(key), item.get(key) or default)]
            if shown:
                label = t("dossier.count_by", self.lang, label=self.label(spec, key))
                found.append(Fact(f"{key}-counts", label, _counts(shown)))
        ess = sum(1 for item in items if item.get("ess") is True)
        said = sum(1 for item in items if item.get("ess") in (True, False))
        if said:
            # as the table has it: a public body or an inhabitant is « sans objet », not « non précisé »
            unknown = sum(
                1 for item in items if item.get("ess") not in (True, False) and not self.outside_the_ess(item)
            )
            text = t("dossier.ess_count", self.lang, count=ess, total=len(items))
            text += t("dossier.ess_unknown", self.lang, unknown=unknown) if unknown else ""
            found.append(Fact("ess-count", self.label(spec, "ess"), (Shown(text),)))
        return found

    def totals(self, spec: NodeSpec, items: list, columns: list[str]) -> list[Fact]:
        found = []
        for key in _SUMMED:
            if key in columns and len(items) > 1:
                total = sum((_amount(item.get(key)) for item in items), Decimal(0))
                text = (
                    euros(total, self.lang)
                    if key == "montant"
                    else f"{number(total, self.lang)} {t('value.fte', self.lang)}"
                )
                found.append(Fact(key, t("dossier.total", self.lang, label=self.label(spec, key)), (Shown(text),)))
        return found


def unnamed_item(list_name: str, number: int, lang: str) -> str:
    """« Acteur 4 (sans nom) »: an item without a name, as the dossier's table, its annex and the editor call it
    (``list_name``: the message of one item's name, ``item.projet.acteurs``; ``number`` from 1)."""
    return t("dossier.unnamed", lang, item=t(list_name, lang), number=number)


_MEMBER = "membre"  # the relation of an actor or a group that gives none (docs/project-format.md)


def _counts(shown: list[Shown]) -> tuple[Shown, ...]:
    """« Coopérative (3) », … : each value shown, with how many times, the most frequent first."""
    counted = Counter(one.text for one in shown)
    return tuple(Shown(f"{text} ({n})") for text, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))


def _amount(value) -> Decimal:
    """An amount as written (``12 000,50 €``) as a number; what is not one counts for nothing in a total."""
    try:
        return read_number(value) if value not in (None, "") else Decimal(0)
    except Unreadable:
        return Decimal(0)


def _given(item: Mapping, key: str) -> bool:
    return item.get(key) not in (None, "", [])


def _anchor(spec: NodeSpec, item: Mapping, position: int) -> str | None:
    """The row's anchor, the same as the project page's for that part of the description (``acteur-x``, ``action-2``)."""
    if spec.segment is None:
        return None
    if spec.field("id") is not None and item.get("id"):
        return f"{spec.segment}-{item['id']}"
    return f"{spec.segment}-{position}"
