"""The editor's wording of a check's message: the form's labels where the message names YAML keys.

The checks speak to whoever writes the YAML file (« La nommer sous
« structure_porteuse: porteurs: [id] » », « (clé « nom ») »); in the editor the
carrier sees labels, not keys. :func:`in_form_words` puts the label of the
field a quoted key stands for in its place (« Structure(s) porteuse(s) »,
« ESS : oui »), with the step it is on when that is another one. A quotation
that is not a key of the format, or whose value the form does not show as
such, is left as it is: a message is never made wrong to be made friendlier.
"""

from __future__ import annotations

import re

from ..dossier.model import FACTS_BLOCK
from ..i18n import catalogue, t
from ..project.schema import PROJECT, SECTIONS, SPECS, Field, Kind, NodeSpec
from .editor_form import START_KEYS

__all__ = ["field_label", "in_form_words", "step_label"]

# A quotation, French or English, and the word before it that says it is a key (or where to write).
_QUOTED = re.compile(
    r"(?:\b(?P<word>clés|clé|keys|key|sous|under)\s+)?(?P<open>[«“]\s*)(?P<inner>[^«»“”]+?)(?P<close>\s*[»”])"
)
_KEY_PATH = re.compile(r"[a-z_][a-z0-9_]*(?:\[\])?(?:\.[a-z_][a-z0-9_]*(?:\[\])?)*")
_QUESTION = re.compile(r"q\d\d")
_BARE_QUESTION = re.compile(r"(?<![\w«“'-])q\d\d(?![\w»”'-])")  # a question's id in the text, not quoted
_NO_VALUE = re.compile(r"|\[\s*(?:id|id, …|id, \.\.\.)?\s*\]")
_NESTED = (Kind.OBJECTS, Kind.NEST, Kind.OBJECT)
# Lists the form shows as one control (boxes to tick, codes in one field): an item of theirs is not a field
_ONE_CONTROL = frozenset({Kind.CONCEPTS, Kind.CONCEPT_SET, Kind.ACTORS, Kind.CODES, Kind.GEO})
_WORDS = {"clé": "field", "key": "field", "clés": "fields", "keys": "fields", "sous": "in", "under": "in"}


def step_label(grid, step: str, lang: str) -> str:
    """The editor's name for a step: « Le projet », « 1. Structure porteuse du projet »…"""
    if step == "debut":
        return t("editor.step_start", lang)
    if step == FACTS_BLOCK:
        return t("editor.step_facts", lang)
    if step == "fin":
        return t("editor.step_end", lang)
    entry = grid.entry(step)
    return f"{entry.position}. {entry.label.get(lang)}"


def field_label(path: tuple, lang: str) -> str | None:
    """The form's name for the value at ``path``: « Financement 1 › Début » for ``("financements", 0, "debut")``,
    an item named as its legend names it; None when a part of the path is no field of the format."""
    spec, words, item, kind = PROJECT, [], None, None
    for part in path:
        if isinstance(part, int):
            if not words:
                return None
            if kind not in _ONE_CONTROL:  # a choice among boxes ticked has no number: « Type d'acteur », not « … 1 »
                words[-1] = f"{item or words[-1]} {part + 1}"  # a list of texts keeps its own name
            item = None
            continue
        spec_field = spec.field(part) if spec is not None else None
        if spec_field is None:
            return None
        if spec is PROJECT and _QUESTION.fullmatch(part):  # a question's answer: its box, as the form calls it
            words.append(t("editor.answer_label", lang, number=int(part[1:])))
        elif (label := _message_or_none(f"field.{spec.name}.{part}", lang)) is not None:
            words.append(label)
        else:  # a key the form shows in no field (format)
            return None
        item = t(f"item.{spec.name}.{part}", lang) if spec_field.kind == Kind.OBJECTS else None
        kind = spec_field.kind
        spec = SPECS.get(spec_field.arg) if spec_field.kind in _NESTED else None
    return " › ".join(words) or None


def _message_or_none(key: str, lang: str) -> str | None:
    return t(key, lang) if key in catalogue() else None


def in_form_words(text: str, path: tuple, step: str, grid, lang: str, value: str | None = None) -> str:
    """``text`` with each quoted key replaced by its field's label.

    ``path`` is where the value the message is about sits in the description, ``value`` that value as the
    message may quote it (a text the carrier wrote is never taken for a key).
    """
    chain = _spec_chain(path)
    named = {step}  # each other step is named once, after its first field
    concepts = _concept_labels(text, grid, lang)

    def replace(match: re.Match) -> str:
        if match["inner"] == value:
            return match[0]
        found = _field_words(match["inner"], chain, match["word"] is not None, grid, lang)
        if found is None:
            concept = None if match["word"] else concepts.get(match["inner"])
            return f"{match['open']}{concept}{match['close']}" if concept else match[0]
        label, field_top = found
        where = _elsewhere(field_top, named, grid, lang)
        word = match["word"]
        lead = t(f"editor.word_{_WORDS[word]}", lang) + " " if word else ""
        return f"{lead}{match['open']}{label}{match['close']}{where}"

    text = _QUOTED.sub(replace, text).replace(t("editor.phrase_remove_key", lang), t("editor.phrase_empty_field", lang))
    text = text.replace(t("editor.phrase_in_quotes", lang), "")  # a field needs none: the file's YAML does
    return _BARE_QUESTION.sub(lambda m: _question_number(m[0], grid), text)


def _concept_labels(text: str, grid, lang: str) -> dict[str, str]:
    """The label of each concept id quoted in ``text`` (« collectivite-territoriale » → « Collectivité
    territoriale »), as the form's lists show it. An id of several lists (« epci »: a kind of actor, a kind
    of funder) takes the list of every id the message quotes, when there is one; else only an id of one
    label is told."""
    quoted = {match["inner"] for match in _QUOTED.finditer(text) if not match["word"]}
    held = {scheme: {concept.id for concept in scheme.concepts} & quoted for scheme in grid.schemes}
    concepts = set().union(*held.values())  # the quotations that are concepts' ids
    whole = [scheme for scheme, ids in held.items() if concepts and ids == concepts]
    if len(whole) == 1:
        return {c.id: c.label.get(lang) for c in whole[0].concepts if c.id in concepts}
    labels: dict[str, set[str]] = {}
    for scheme, ids in held.items():
        for concept in scheme.concepts:
            if concept.id in ids:
                labels.setdefault(concept.id, set()).add(concept.label.get(lang))
    return {cid: found.pop() for cid, found in labels.items() if len(found) == 1}


def _question_number(qid: str, grid) -> str:
    """« Q1 » for ``q01``, as the form numbers its questions; an id the grid does not have, as it is."""
    return f"Q{grid.question(qid).position}" if qid in {q.id for q in grid.questions} else qid


def _spec_chain(path: tuple) -> list[tuple[NodeSpec, str | None]]:
    """The nodes along ``path``, innermost first, each with the project's key it is under."""
    chain: list[tuple[NodeSpec, str | None]] = [(PROJECT, None)]
    spec = PROJECT
    for part in path:
        if not isinstance(part, str):
            continue
        spec_field = spec.field(part)
        if spec_field is None or spec_field.kind not in _NESTED:
            break
        spec = SPECS[spec_field.arg]
        chain.append((spec, str(path[0])))
    return chain[::-1]


def _field_words(inner: str, chain, keyed: bool, grid, lang: str) -> tuple[str, str | None] | None:
    """(the label, with its value in words, and the project's key it is under) of a quoted key, or None.

    A bare word (« ess ») is taken for a key only where the message's own node has it, or after « clé » or
    « sous »; a path (« territoire.epci », « ess: true », « structure_porteuse: porteurs: [id] ») anywhere.
    """
    qid = inner.rstrip(":").strip()
    if _QUESTION.fullmatch(qid):
        if qid not in {q.id for q in grid.questions}:
            return None
        return t("editor.answer_label", lang, number=grid.question(qid).position), qid
    parts = [part.strip() for part in inner.split(":")]
    if not _KEY_PATH.fullmatch(parts[0]):
        return None
    names = parts[0].replace("[]", "").split(".")
    start = _start(names[0], chain, anywhere=keyed or len(parts) > 1 or inner != names[0])
    if start is None:
        return None
    spec, field_top = start
    tokens, fields = names + parts[1:], []
    while len(fields) < len(tokens) and spec is not None:
        spec_field = spec.field(tokens[len(fields)])
        if spec_field is None or spec_field.version == 1:
            break
        fields.append((spec, spec_field))
        spec = SPECS[spec_field.arg] if spec_field.kind in _NESTED else None
    rest = tokens[len(fields) :]
    if len(fields) < len(names) or len(rest) > 1:
        return None
    label = _label(fields, rest[0] if rest else "", grid, lang)
    return None if label is None else (label, field_top or names[0])


def _start(name: str, chain, *, anywhere: bool) -> tuple[NodeSpec, str | None] | None:
    """The node whose key ``name`` is: the nearest along the message's path, else (``anywhere``) the one
    node of the format that has it."""
    for spec, top in chain:
        if spec.field(name) is not None:
            return spec, top
    having = [spec for spec in SPECS.values() if spec.field(name) is not None]
    return (having[0], "?") if anywhere and len(having) == 1 else None


def _label(fields: list[tuple[NodeSpec, Field]], value: str, grid, lang: str) -> str | None:
    spec, last = fields[-1]
    try:
        label = t(f"field.{spec.name}.{last.key}", lang)
        if len(fields) > 1 and fields[-2][1].kind == Kind.OBJECTS:  # « Nom » alone: of what?
            parent_spec, parent = fields[-2]
            label = f"{t(f'field.{parent_spec.name}.{parent.key}', lang)} › {label}"
    except KeyError:
        return None
    if _NO_VALUE.fullmatch(value):
        return label
    shown = _value_words(last, value, grid, lang)
    return None if shown is None else f"{label} : {shown}" if lang == "fr" else f"{label}: {shown}"


def _value_words(spec_field: Field, value: str, grid, lang: str) -> str | None:
    """A value as the form shows it (« oui », the concept's label), or None when the form has no word for it."""
    if spec_field.kind == Kind.BOOL and value in ("true", "false"):
        return t("value.yes" if value == "true" else "value.no", lang)
    if spec_field.kind == Kind.RELATION and value in ("membre", "partenaire"):
        return t(f"relation.{value}", lang)  # as the form's choice says it
    if spec_field.kind in (Kind.CONCEPT, Kind.CONCEPTS, Kind.CONCEPT_SET):
        concepts = {c.id: c for c in grid.scheme(spec_field.arg).concepts}
        return concepts[value].label.get(lang) if value in concepts else None
    return None


def _elsewhere(field_top: str | None, named: set[str], grid, lang: str) -> str:
    """`` (étape « … »)`` when the field is on a step not yet ``named`` (the one shown is); else nothing."""
    steps = [("debut", START_KEYS)] + [(section, tuple(f.key for f in fields)) for section, fields in SECTIONS]
    for section, keys in steps:
        if field_top in keys and section not in named:
            named.add(section)
            return " (" + t("editor.on_step", lang, step=step_label(grid, section, lang)) + ")"
    return ""
