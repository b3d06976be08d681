"""The editor's form, drawn from the description format's table: fields for people, and back to data.

Every key of :mod:`cap_ptce.project.schema` gets a form control that suits its
kind (a list of concepts as check boxes, an actor reference as a choice among
the actors already named, a list of texts as one line per value…), named by
its path in the description (``acteurs.0.nom``). :func:`read_fields` turns the
submitted controls back into the description's data; what the loader or the
shapes then say about a value is put beside its control (:func:`place_messages`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from werkzeug.datastructures import MultiDict

from ..dossier.values import unknown_place_words
from ..errors import InputError
from ..geo import load_geography
from ..i18n import catalogue, t
from ..project.schema import CURRENT_FORMAT, FREQUENCIES, PLACE_KIND_OF_LEVEL, SECTIONS, SPECS, Field, Kind, NodeSpec
from ..project.values import MAX_DIGITS, SLUG_RE, Unreadable, read_bool, slugify

__all__ = [
    "Control",
    "START_KEYS",
    "controls",
    "read_fields",
    "step_keys",
    "as_current",
    "ensure_ids",
    "place_messages",
]

# The keys asked on the first step, before the grid's entries.
START_KEYS = ("nom", "id", "maturite", "description", "date_creation", "site_web", "courriel", "mise_a_jour")
# Texts that take a paragraph rather than a line.
_LONG_TEXTS = frozenset({"description", "strategie_commune", "experience_cooperation", "identification_axes", "texte"})
_NEWLINES = re.compile(r"\r\n?")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Control:
    """One control of the form: its name (the value's path), label, widget, current value and choices."""

    name: str
    key: str
    label: str
    widget: str  # text, textarea, lines, number, date, url, email, select, checkboxes, bool, items, group, codes
    value: object = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    hint: str | None = None
    items: list[list[Control]] = field(default_factory=list)
    children: list[Control] = field(default_factory=list)
    messages: list = field(default_factory=list)  # results and errors placed here
    item_messages: dict[int, list] = field(default_factory=dict)  # for a list of items: those about an item
    question: dict | None = None  # for a question's free text: its number, wording and the grid's examples
    depths: dict[str, int] = field(default_factory=dict)  # for boxes of a tree: each one's depth in it
    item_label: str = ""  # for a list of items: the name of one item (« Acteur »), numbered in its legend

    @property
    def dom_id(self) -> str:
        return "champ-" + self.name.replace(".", "-")


def step_keys(step: str) -> tuple[str, ...]:
    """The project's keys that a step of the editor asks for: the project's own, or a section's keys and
    the free texts of its questions, in the format's order."""
    if step == "debut":
        return START_KEYS
    return tuple(f.key for section, fields in SECTIONS if section == step for f in fields)


def as_current(data: dict) -> dict:
    """Data of the first version of the format in the shape of the current one: answers under their entry,
    the carrying actor as the list of carriers. Anything else is kept as it is."""
    out = dict(data)
    answers = out.pop("reponses", None)
    if isinstance(answers, Mapping):
        for qid, text in answers.items():
            out.setdefault(str(qid), text)
    carrying = out.get("structure_porteuse")
    if isinstance(carrying, Mapping) and "acteur" in carrying:
        out["structure_porteuse"] = _carriers_as_current(carrying)
    if out.get("format") in (None, "", 1):
        out["format"] = CURRENT_FORMAT
    return out


def _carriers_as_current(carrying: Mapping) -> dict:
    """The first format's carrying actor joined to the carriers (a file may give both: the editor once wrote
    them side by side), so that the porteur is neither lost nor written twice."""
    out = dict(carrying)
    actor = out.pop("acteur")
    carriers = out.get("porteurs")
    carriers = list(carriers) if isinstance(carriers, list) else [carriers] if carriers else []
    if actor and actor not in carriers:
        carriers.append(actor)
    if carriers:
        out["porteurs"] = carriers
    return out


def _written(spec: NodeSpec, key: str) -> Field | None:
    """The field of ``key`` if the current format writes it: the first format's keys are read
    (:func:`as_current`), never offered nor written, as a file that says ``format: 2`` may not hold them."""
    spec_field = spec.field(key)
    return spec_field if spec_field is not None and spec_field.version != 1 else None


def controls(spec: NodeSpec, data: Mapping, keys, prefix: str, context: dict) -> list[Control]:
    """The controls of ``keys`` of a node of ``spec`` holding ``data``; ``context`` has grid, lang, actors."""
    found = []
    for key in keys:
        spec_field = _written(spec, key)
        if spec_field is not None:
            found.append(_control(spec, spec_field, data.get(key), f"{prefix}{key}", context))
    return found


def _name_first(keys) -> list[str]:
    """An item's keys with its name before its identifier, which the form makes from the name when left empty:
    the carrier writes the name first, as the project's first step has it."""
    keys = list(keys)
    if "id" in keys and "nom" in keys:
        keys.remove("id")
        keys.insert(keys.index("nom") + 1, "id")
    return keys


def _label(spec: NodeSpec, key: str, lang: str) -> str:
    return t(f"field.{spec.name}.{key}", lang)


def _misfits(kind: str, value) -> bool:
    """Whether the form has no control for ``value`` of a key of ``kind``: a block for one value, or for a list
    of items one value or a list of anything else (« acteurs: 5 », « acteurs: [1, 2] »), or for a block one value
    (the loader tells what is wrong with it)."""
    if kind == Kind.OBJECTS:
        return value is not None and not (isinstance(value, list) and all(isinstance(v, Mapping) for v in value))
    if kind in (Kind.NEST, Kind.OBJECT):
        return value is not None and not isinstance(value, Mapping)
    if kind in _LISTS:  # « porteurs: 5 », « objectifs: x »: a list of lines, codes or boxes has none to show
        return value is not None and not isinstance(value, list) or _is_block(value)
    return _is_block(value)


# the kinds whose control shows a list (lines, codes, boxes): one value of them is none of its items
_LISTS = (Kind.TEXTS, Kind.ROLES, Kind.SOURCES, Kind.POLES, Kind.MEMBERS, Kind.CODES, Kind.ACTORS, Kind.GEO)


def _control(spec: NodeSpec, spec_field: Field, value, name: str, context: dict) -> Control:
    lang, grid = context["lang"], context["grid"]
    kind = spec_field.kind
    if kind == Kind.ANSWER:
        return _answer_control(spec_field.key, value, name, context)
    control = Control(name, spec_field.key, _label(spec, spec_field.key, lang), "text", _as_text(value))
    if _misfits(kind, value):
        control.widget, control.value = "kept", _summary(value)  # a value the form cannot edit: kept as it is
        control.hint = t("editor.hint_kept", lang)
        return control
    if kind in (Kind.OBJECTS,):
        inner = SPECS[spec_field.arg]
        control.widget = "items"
        control.item_label = t(f"item.{spec.name}.{spec_field.key}", lang)
        control.items = [
            controls(inner, item, _name_first(inner.keys), f"{name}.{n}.", context)
            for n, item in enumerate(value or [])
            if isinstance(item, Mapping)
        ]
    elif kind in (Kind.NEST, Kind.OBJECT):
        inner = SPECS[spec_field.arg]
        control.widget = "group"
        control.children = controls(inner, value or {}, inner.keys, f"{name}.", context)
    elif kind in (Kind.TEXTS, Kind.ROLES, Kind.SOURCES, Kind.POLES):
        control.widget, control.value = "lines", "\n".join(str(v) for v in value or [])
        control.hint = t("editor.hint_lines", lang)
    elif kind in (Kind.CONCEPT, Kind.CONCEPTS, Kind.CONCEPT_SET):
        scheme = grid.scheme(spec_field.arg)
        control.choices = [(c.id, c.label.get(lang)) for c in scheme.concepts]
        control.widget = "select" if kind == Kind.CONCEPT else "checkboxes"
        if control.widget == "checkboxes" and any(c.broader for c in scheme.concepts):
            # a tree (« Entreprise › Entreprise de l'ESS › Coopérative »): each box under its broader one
            control.depths = _depths(scheme)
            own = f"editor.hint_tree.{scheme.id}"  # with an example of the list's own, where there is one
            control.hint = t(own if own in catalogue() else "editor.hint_tree", lang)
        listed = value if isinstance(value, list) else [value] if value else []
        control.value = (value or "") if kind == Kind.CONCEPT else listed
    elif kind == Kind.MEMBERS:
        control.choices = list(context["actors"].items()) + list(context.get("groups", {}).items())
        control.widget, control.value = "checkboxes", list(value or [])
        control.hint = None if control.choices else t("editor.hint_no_actor", lang)
    elif kind == Kind.RELATION:
        control.widget = "select"
        control.choices = [(word, t(f"relation.{word}", lang)) for word in ("membre", "partenaire")]
        control.hint = t("editor.hint_relation", lang)  # what « — » means: the format's default
    elif kind == Kind.CODES:
        control.widget, control.value = "codes", " ".join(str(v) for v in value or [])
    elif kind == Kind.GEO_ONE:
        control.hint = _places_hint(spec_field.arg, [value] if value else [], lang, one=True)
    elif kind == Kind.PUBLIC_SCHEME:
        control.widget = "select"
        control.choices = [(p.id, f"{p.acronym} — {p.label.get(lang)}") for p in grid.public_schemes]
    elif kind in (Kind.ACTOR, Kind.ACTORS):
        control.choices = list(context["actors"].items())
        control.widget = "select" if kind == Kind.ACTOR else "checkboxes"
        control.value = (value or "") if kind == Kind.ACTOR else list(value or [])
        control.hint = None if control.choices else t("editor.hint_no_actor", lang)
    elif kind == Kind.FREQUENCY:
        control.widget = "select"
        control.choices = [(word, t(f"frequency.{word}", lang)) for word in FREQUENCIES]
    elif kind == Kind.BOOL:
        control.widget = "bool"
        control.value = _yes_no(value)
    elif kind in (Kind.INT, Kind.DECIMAL):
        control.widget = "number"
        control.hint = t("editor.hint_euros", lang) if spec_field.key == "montant" else None
    elif kind in (Kind.DATE, Kind.MEMBER_SINCE, Kind.DATE_SPAN, Kind.YEAR):
        control.widget, control.hint = "date", t("editor.hint_date", lang)
    elif kind == Kind.GEO:
        control.widget = "codes"
        control.value = " ".join(str(v) for v in value or [])
        control.hint = _places_hint(spec_field.arg, value or [], lang)
    elif kind == Kind.COMMUNE:
        control.hint = _places_hint("commune", [value] if value else [], lang, one=True)
    elif kind == Kind.SLUG:
        control.hint = t("editor.hint_slug", lang)
    elif kind == Kind.URL:
        control.widget = "url"
    elif kind == Kind.EMAIL:
        control.widget = "email"
    elif kind == Kind.TEXT and spec_field.key in _LONG_TEXTS:
        control.widget = "textarea"
    if control.hint is None and f"editor.hint_code.{spec_field.arg}" in catalogue() and kind == Kind.CODE:
        control.hint = t(f"editor.hint_code.{spec_field.arg}", lang)  # where to find an identifier, what it looks like
    return control


def _answer_control(qid: str, value, name: str, context: dict) -> Control:
    """The free text of a question, with the question in the project's tense and the grid's examples."""
    question = context["grid"].question(qid)
    lang = context["lang"]
    words = {
        "id": qid,
        "number": question.position,
        "text": question.wording(lang, future=context.get("future", False)),
        "examples": [example.label.get(lang) for example in question.examples],
        "open_list": question.open_list,
    }
    label = t("editor.answer_label", lang, number=question.position)
    return Control(name, qid, label, "answer", _as_text(value), question=words)


def _yes_no(value) -> str:
    if value in (None, ""):
        return ""
    try:
        return "true" if read_bool(value) else "false"
    except Unreadable:
        return ""


def _is_block(value) -> bool:
    return isinstance(value, Mapping) or (isinstance(value, list) and any(isinstance(v, Mapping) for v in value))


def _summary(value) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key} : {_summary(inner)}" for key, inner in value.items())
    if isinstance(value, list):
        return " ; ".join(_summary(v) for v in value)
    return _as_text(value)


def _depths(scheme) -> dict[str, int]:
    """Each concept of ``scheme``'s depth in its tree: 0 for a top concept."""
    broader = {concept.id: concept.broader for concept in scheme.concepts}

    def depth(concept_id: str) -> int:
        return 0 if not broader.get(concept_id) else 1 + depth(broader[concept_id])

    return {concept_id: depth(concept_id) for concept_id in broader}


def _as_text(value) -> str:
    if value is None or isinstance(value, (list, dict)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _places_hint(level: str, codes: list, lang: str, *, one: bool = False) -> str:
    """The codes' official names, so that a carrier sees what each code stands for; ``one``: a field of a
    single place (an actor's seat), whose hint asks for one code."""
    geo = load_geography()
    kind = PLACE_KIND_OF_LEVEL.get(level, "commune")
    names = [_place_words(geo, kind, str(code), lang) for code in codes]
    hint = t(f"editor.hint_code_{kind}" if one else f"editor.hint_codes_{kind}", lang)
    return hint + (" " + ", ".join(names) if names else "")


def _place_words(geo, kind: str, code: str, lang: str) -> str:
    """« 80021 = Amiens »; for a code that names no place, what it is (:func:`unknown_place_words`): « 80000 : un
    code postal, pas le code INSEE d'une commune actuelle ; il dessert Amiens (80021) »."""
    name = geo.place_name(kind, code)
    if name and kind == "commune":
        # an INSEE code is often another commune's postal code too (« 69001 »: Affoux, and a postal code of
        # Lyon): said beside the name, no fault (Lille's own 59350 is one), for the carrier who meant the other
        others = [c for c in geo.communes_of_postal_code(code) if c.code != code]
        if others:
            served = ", ".join(commune.named for commune in others)
            return f"{code} = {name} ({t('place.also_postal_code', lang, communes=served)})"
    if name:
        return f"{code} = {name}"
    return f"{code}{t('typography.colon', lang)} {unknown_place_words(kind, code, lang)}"


# --- back to data ----------------------------------------------------------------------


def read_fields(spec: NodeSpec, form: MultiDict, keys, prefix: str, data: dict) -> dict:
    """``data`` with the values of ``keys`` taken from the form (a key whose control is empty is removed)."""
    return _fields(spec, form, keys, prefix, data, _items_sent(form))


def _fields(spec: NodeSpec, form: MultiDict, keys, prefix: str, data: dict, sent: dict[str, int]) -> dict:
    out = dict(data)
    for key in keys:
        spec_field = _written(spec, key)
        if spec_field is None:
            continue
        value = _read(spec_field, form, f"{prefix}{key}", data.get(key), sent)
        if value in (None, "", [], {}):
            out.pop(key, None)
        else:
            out[key] = value
    return out


def _read(spec_field: Field, form: MultiDict, name: str, old, sent: dict[str, int]):
    kind = spec_field.kind
    checkboxes = kind in (Kind.CONCEPTS, Kind.CONCEPT_SET, Kind.ACTORS, Kind.MEMBERS)
    if _misfits(kind, old) or kind not in (Kind.OBJECTS, Kind.NEST, Kind.OBJECT) and not _shown(form, name, checkboxes):
        return old  # a value the form does not edit (its control says « kept »), or a key it did not show: as it was
    if kind == Kind.OBJECTS:
        inner = SPECS[spec_field.arg]
        old_items = old if isinstance(old, list) else []
        count = min(_count(form.get(f"{name}.__n")), max(len(old_items), sent.get(name, 0)))
        items = []
        for n in range(count):
            previous = old_items[n] if n < len(old_items) and isinstance(old_items[n], Mapping) else {}
            items.append(_fields(inner, form, inner.keys, f"{name}.{n}.", dict(previous), sent))
        return items
    if kind in (Kind.NEST, Kind.OBJECT):
        inner = SPECS[spec_field.arg]
        return _fields(inner, form, inner.keys, f"{name}.", dict(old) if isinstance(old, Mapping) else {}, sent)
    if checkboxes:
        chosen = [v for v in form.getlist(name) if v]
        if kind == Kind.CONCEPT_SET and len(chosen) == 1 and not isinstance(old, list):
            return chosen[0]  # one kind is written as one value, as people write it
        return chosen
    # a browser sends a text area's lines with CRLF: the description (and the RDF made of it) has LF alone
    raw = _NEWLINES.sub("\n", form.get(name) or "").strip()
    if kind in (Kind.TEXTS, Kind.ROLES, Kind.SOURCES, Kind.POLES):
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if kind == Kind.GEO:
        return _places_written(raw, spec_field.arg)
    if kind == Kind.CODES:
        return [code for code in re.split(r"[\s,;]+", raw) if code]
    if kind == Kind.BOOL:
        return {"true": True, "false": False}.get(raw)
    if kind == Kind.INT:
        return _number(raw, whole=True)
    if kind in (Kind.DECIMAL, Kind.QUANTITY, Kind.FIGURE):
        return _number(raw, whole=False)  # "environ 15", "20 à 25" stay as written: the loader reads them
    if kind in (Kind.DATE, Kind.MEMBER_SINCE, Kind.DATE_SPAN):
        return _date(raw)
    if kind == Kind.YEAR:
        return int(raw) if raw.isdigit() and len(raw) <= MAX_DIGITS else raw or None
    return raw


_SIREN_IN_THREES = re.compile(r"(?<![0-9])([0-9]{3})\s+([0-9]{3})\s+([0-9]{3})(?![0-9])")


def _places_written(raw: str, level: str) -> list[str]:
    """The codes of a field of places, apart at spaces, commas or semicolons (an EPCI's SIREN written in threes,
    « 200 068 781 », is one code); words without digits that together name a place of the field (« Grand Est », « Valence Romans Agglo ») stay one value, which the loader says
    is a name and gives its code for, rather than a word at a time."""
    geo, kind = load_geography(), PLACE_KIND_OF_LEVEL.get(level, "commune")
    if kind == "epci":  # a SIREN written in threes, as the template and the Sirene notices write it: one code
        raw = _SIREN_IN_THREES.sub(r"\1\2\3", raw)
    values: list[str] = []
    for part in re.split(r"[,;]+", raw):
        run: list[str] = []  # the words of a name, so far
        for word in [*part.split(), "0"]:  # a last code ends the last run
            if not any(char.isdigit() for char in word):
                run.append(word)
                continue
            name = " ".join(run)
            values += [name] if len(run) > 1 and geo.places_named(kind, name) else run
            run = []
            values.append(word)
        values.pop()
    return values


def _shown(form: MultiDict, name: str, checkboxes: bool) -> bool:
    """Whether the form had a control for ``name`` (a group of check boxes says so with a marker)."""
    return f"{name}.__vu" in form if checkboxes else name in form


def _items_sent(form: MultiDict) -> dict[str, int]:
    """For each list of the form (« acteurs », « acteurs.3.chiffres »), one more than the highest item number
    that one of the form's fields names (« acteurs.3.chiffres.1.valeur »: 4 actors, 2 figures of the fourth).

    A list's ``__n`` alone is no item: a step of a few kilobytes that asked for 200 actors of 200 figures each
    (``acteurs.__n``, then each ``acteurs.K.chiffres.__n``) had the server make and draw 40,000 empty items (56
    s, up to 2 GB). A list has the items it had and those the form sends fields for, up to its ``__n``.
    """
    found: dict[str, int] = {}
    for key in form.keys():
        parts = key.split(".")
        for at in range(1, len(parts) - 1):
            if parts[at].isdigit():
                name = ".".join(parts[:at])
                found[name] = max(found.get(name, 0), int(parts[at]) + 1)
    items = sum(found.values())
    if items > MAX_FORM_ITEMS:  # 900 kB of empty fields named 28,500 figures: 32 s, 1 GB kept, a 78 MB page
        raise InputError(
            f"le formulaire envoyé compte {items} éléments de listes, plus que les {MAX_FORM_ITEMS} que l'éditeur "
            f"affiche / the form sent holds {items} list items, more than the {MAX_FORM_ITEMS} the editor shows",
            hint="une description aussi longue se vérifie en fichier : cap-ptce validate FICHIER, ou la page "
            "« Vérifier une description » / a description this long is checked as a file: cap-ptce validate FILE, "
            "or the page “Check a description”",
        )
    return found


MAX_FORM_ITEMS = 5_000  # items of every list of one step together (500 actors of 9 figures each: 5,000)


def _count(raw) -> int:
    try:
        return max(0, min(int(raw), 500))
    except (TypeError, ValueError):
        return 0


def _number(raw: str, *, whole: bool):
    """A number as people type it (``0,5``, ``30 000``); anything else is kept as typed, for the loader to refuse."""
    cleaned = raw.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return raw
    if not number.is_finite() or abs(number.adjusted()) > MAX_DIGITS:
        return raw
    if whole:
        return int(number) if number == number.to_integral_value() else raw
    return int(number) if number == number.to_integral_value() else float(number)


def _date(raw: str):
    if _FULL_DATE.match(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return raw
    return raw or None


def ensure_ids(data: dict, *, project: bool = True, unnamed: bool = True) -> dict:
    """Give each actor and group (and the project, with ``project``) an identifier made from its name when it has none.

    The loader needs them (IRIs are made of them); a carrier should not have to
    invent slugs. Ids already given are kept as they are. The project's own id
    is made only to check and download the description, so that it follows the
    name until the carrier writes one; so is an unnamed actor's ``acteur-N``
    (without ``unnamed``, the form's own state), so that the actor's id is made
    from the name it is given next, not kept as ``acteur-N`` for good.
    """
    out = dict(data)
    if project and not out.get("id"):
        out["id"] = slugify(str(out.get("nom") or "")) or "mon-ptce"
    for key in _NAMED_ITEMS:  # actors and groups: each list its own ids (their IRIs are apart)
        if isinstance(out.get(key), list) and out[key]:  # not a list (« acteurs: 5 »): the loader says so
            out[key] = _items_with_ids(out[key], SPECS[key].segment, unnamed)
    return out


_NAMED_ITEMS = ("acteurs", "groupes")  # the lists whose items have an id, which others refer to


def _items_with_ids(items, segment: str, unnamed: bool) -> list:
    """``items`` each with an id made from its name (``{segment}-N`` for an unnamed one) when it has none."""
    taken: set[str] = set()
    found = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):  # « acteurs: [1, 2] »: kept as it is, for the loader to say what it is
            found.append(item)
            continue
        item = dict(item)
        given = str(item.get("id") or "")
        if not given and not unnamed and not item.get("nom"):
            found.append(item)  # no name to make it from yet
            continue
        if not SLUG_RE.match(given) or given in taken:
            base = slugify(str(item.get("nom") or "")) or f"{segment}-{n}"
            given, k = base, 2
            while given in taken:
                given, k = f"{base}-{k}", k + 1
            item["id"] = given
        taken.add(given)
        found.append(item)
    return found


# --- messages beside their controls -----------------------------------------------------


def all_controls(items: list[Control]):
    for control in items:
        yield control
        yield from all_controls(control.children)
        for item in control.items:
            yield from all_controls(item)


def place_messages(items: list[Control], messages: list[tuple[tuple, object]]) -> list:
    """Put each (path, message) beside the control of its path, or its nearest ancestor's; return the others."""
    by_name = {control.name: control for control in all_controls(items)}
    return [message for path, message in messages if not _place(by_name, path, message)]


def _place(by_name: dict[str, Control], path: tuple, message) -> bool:
    """Put ``message`` beside the control of ``path`` or of its nearest ancestor (an item of a list: in the
    item's own fieldset, beside its name); False when no control of the step is on its path."""
    while path:
        target = by_name.get(".".join(str(p) for p in path))
        if target is not None:
            target.messages.append(message)
            return True
        owner = by_name.get(".".join(str(p) for p in path[:-1])) if isinstance(path[-1], int) else None
        if owner is not None and owner.widget == "items" and path[-1] < len(owner.items):
            owner.item_messages.setdefault(path[-1], []).append(message)
            return True
        path = path[:-1]
    return False
