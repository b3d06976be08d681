"""Web area ``editor``: fill a description in along the grid (``/editeur``, ``/editor`` in English).

One step for the project itself, then one per entry of the grid: its questions,
in the tense of the project's maturity with the grid's examples as hints, each
with its written answer, and the structured keys of that entry, as form
controls drawn from the format's table. Every step is checked as it is sent,
by the loader and the shapes (the same messages as ``cap-ptce validate``),
and each message is shown beside its control. The last step shows the whole
report and the downloads.

Nothing is kept on the server: the description travels in the form itself (a
hidden field holding its YAML) from one step to the next, and is saved only
where the carrier chooses — the YAML downloaded, reopened later by uploading
it (or a Turtle or JSON-LD description), and at most a copy in the browser's
own storage (``static/editor.js``, when the carrier asks for it). The form
works without JavaScript.
"""

from __future__ import annotations

import bisect
import re
import secrets
from collections import Counter
from dataclasses import replace

from flask import Blueprint, Response, g, render_template
from markupsafe import Markup

from ..dossier.checks import (
    SEVERITY_SYMBOLS,
    ShownResult,
    completeness_svg,
    item_named,
    line_paths,
    result_groups,
)
from ..dossier.model import ENTRY_KEYS, FACTS_BLOCK, unnamed_item
from ..errors import InputError
from ..grid import load_grid
from ..i18n import one_language, t
from ..project import data_to_yaml, load_description
from ..project.context import predicate
from ..project.description import format_of
from ..project.schema import PROJECT, SPECS, Kind
from ..project.values import START_FROM_TEMPLATE
from ..rdf.namespaces import PREFIXES
from ..validation import Unreadable, validate_description
from ..validation.report import GENERAL, Report
from ..yamlstrict import load_yaml, scalar_spans
from .cache import check_turn
from .editor_form import as_current, controls, ensure_ids, place_messages, read_fields, step_keys
from .editor_keys import FIX_FIELD, fix_key, unknown_key
from .editor_words import field_label, in_form_words, step_label
from .headers import set_download_name
from .i18n import route_lang
from .submission import Submission, form_fields, limit_megabytes, read_submission
from .validator import DOSSIER_ROUTE, grid_links
from .validator import ROUTES as VALIDATOR_ROUTES

__all__ = ["bp", "ROUTES", "STEPS"]

bp = Blueprint("editor", __name__)

ROUTES = {"fr": "/editeur", "en": "/editor"}
STEPS = ("debut", *ENTRY_KEYS, "fin")
_SOURCE = "description.yaml"
_MADE_BY_THE_EDITOR = frozenset({"format", "id", "maturite"})
_NOT_A_DESCRIPTION = (
    "une description est un bloc de clés (nom:, maturite:, acteurs: …) / a description is a mapping of keys"
)
_EDITION = re.compile(r"[A-Za-z0-9_-]{8,32}")  # a description's edition in a browser tab (see _edition)


@bp.get(ROUTES["fr"])
@bp.get(ROUTES["en"])
def start() -> str:
    """The first step, for a new description."""
    lang = route_lang(ROUTES)
    return _page(lang, "debut", {"maturite": "emergent"}, fresh=True, sent=frozenset())


@bp.post(ROUTES["fr"])
@bp.post(ROUTES["en"])
def step() -> Response | str | tuple[str, int]:
    """Take the step that was shown, then show the one asked for (or download the description); in one of the
    checks' turns (CHECKS): each step checks the description."""
    return check_turn(lambda: _step(route_lang(ROUTES)))


def _step(lang: str) -> Response | str | tuple[str, int]:
    form, files = form_fields()
    if not form and not files:  # every page of the form sends its step and its state: this came from elsewhere
        raise InputError(
            "le formulaire envoyé est vide / the form sent is empty",
            hint="remplissez-le depuis la page du formulaire / fill it in from the form's page",
        )
    if form.get("ouvrir") is not None:
        return _open(lang)
    data, problem = _state(form.get("etat", ""))
    data = as_current(data) if data else data
    shown = form.get("etape") if form.get("etape") in STEPS else None
    if shown is not None:
        data = _merge(data, form, shown)
    if form.get(FIX_FIELD):
        data = fix_key(data, form[FIX_FIELD])
    data = ensure_ids(data, project=False, unnamed=False)
    target = form.get("aller") if form.get("aller") in STEPS else shown or "debut"
    added = None
    if form.get("ajouter"):
        data, added = _add_item(data, form["ajouter"])
    if form.get("retirer"):
        data = _remove_item(data, form["retirer"])
    edition, brought_up_to_date = _edition(form), form.get("a_jour") == "1"
    # a step reached from the report (« Corriger … »), or shown again after the Back button: its results show
    sent = _sent(form, shown, target if brought_up_to_date or shown == "fin" or form.get(FIX_FIELD) else None)
    if form.get("telecharger") is not None:
        if not _has_content(data):  # saved over the carrier's file, it would stand for a lost description
            return _page(lang, target, data, problem, empty_download=True, edition=edition, sent=sent), 400
        return _download(ensure_ids(data), lang)
    return _page(
        lang, target, data, problem, edition=edition, brought_up_to_date=brought_up_to_date, sent=sent, added=added
    )


def _sent(form, *steps: str | None) -> frozenset[str]:
    """The steps the carrier has sent at least once (the form carries them, ``envoyees``), and ``steps``.

    A step's results show once it has been sent: arriving at a step, the
    carrier used to be met by a red « Question q04 sans réponse » for each of
    its questions, before having typed anything.
    """
    carried = (step for step in form.get("envoyees", "").split() if step in STEPS)
    return frozenset(step for step in (*carried, *steps) if step is not None)


def _edition(form) -> str | None:
    """The edition the form carries: the description being written in a browser tab, from the editor's first
    page or the file opened, to each step (None: a new one).

    ``static/editor.js`` keeps each edition's latest state in the tab: a page of
    an earlier step, brought back by the browser's Back button, holds an older
    state, which sent again would take back every answer given since; the
    script shows that step again from the latest state instead (``a_jour``).
    """
    value = form.get("edition", "")
    return value if _EDITION.fullmatch(value) else None


def _open(lang: str) -> str | tuple[str, int]:
    """Reopen a description: an uploaded file, in YAML, Turtle or JSON-LD (or a pasted text, as the browser's
    copy is).

    A file that cannot be read replaces nothing: the form keeps what it held
    (the open form sends it along), or stays a new, empty description, said so
    (400).
    """
    form = form_fields()[0]
    held, _ = _state(form.get("etat", ""))
    held = as_current(held) if held else {}
    if form.get("etape") in STEPS:  # what was typed in the step and not sent yet: kept as well
        held = _merge(held, form, form["etape"])
    held = held if _has_content(held) else {}
    edition = _edition(form) if held else None  # what the form held stays the same description
    sent = _sent(form, form.get("etape") if form.get("etape") in STEPS else None)
    if not _has_upload_or_copy():  # the button pressed before a file was chosen: say so beside the field
        data = held or {"maturite": "emergent"}
        return _page(lang, "debut", data, fresh=not held, no_file=True, edition=edition, sent=sent), 400
    submission = read_submission(text_field="etat_copie", one_of=False)
    data, problem = _opened(submission)
    if problem is None:
        said = None if submission.pasted else _what_was_opened(submission, as_current(data))
        return _page(lang, "debut", as_current(data), just_opened=said, sent=frozenset(STEPS))
    opened = "" if submission.pasted else submission.name  # the browser's copy: no file to correct
    if held:
        return _page(lang, "debut", held, problem, opened=opened, edition=edition, sent=sent), 400
    return _page(lang, "debut", {"maturite": "emergent"}, problem, fresh=True, opened=opened, sent=frozenset()), 400


def _what_was_opened(submission: Submission, data: dict) -> dict:
    """What the page says of a file just opened: its name, its format, and whether it had comments of its own,
    which the form does not keep (it keeps the data, and writes its YAML with its own titles)."""
    text = submission.text or ""
    fmt = submission.format or format_of(text)
    own = _commented(text) - _commented(data_to_yaml(data))
    return {"name": submission.name, "format": fmt, "comments": bool(own) and fmt != "json-ld"}


def _commented(text: str) -> set[str]:
    """The lines of a YAML or Turtle text that hold a comment, whole (« # NOTE ») or after a value
    (« maturite: emergent  # à revoir »): a « # » at the start or after a space, outside quotes and, in YAML,
    outside every text (a line of a block, or of a quoted text over two lines, may start with « # »). What is
    left the caller compares with the form's own YAML."""
    texts = scalar_spans(text)
    found, start = set(), 0
    for line in text.splitlines(keepends=True):
        if texts is None:
            commented = bool(_HASH.search(_QUOTED.sub("", line)))
        else:
            commented = any(not _inside(start + hit.end() - 1, texts) for hit in _HASH.finditer(line))
        if commented:
            found.add(line.strip())
        start += len(line)
    return found


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    at = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return at >= 0 and spans[at][0] <= offset < spans[at][1]


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'')
_HASH = re.compile(r"(?:^|\s)#")


def _opened(submission: Submission) -> tuple[dict, InputError | None]:
    """The description sent to be reopened, as the form's data, or why it cannot be.

    YAML is read as it is written (an earlier format version included: the
    form brings it to the current one); Turtle and JSON-LD through the loader,
    which gives the data of the current format.
    """
    text = submission.text
    if text is None or not text.strip():  # the loader says what it is (a PDF, an empty file…) and what to do
        try:
            load_description(submission.content, source=submission.name, format=submission.format)
        except InputError as exc:
            return {}, exc
        return {}, InputError("le fichier n’est pas en UTF-8 / the file is not UTF-8", source=submission.name)
    if (submission.format or format_of(text)) == "yaml":
        data, problem = _state(text, source=submission.name)
    else:
        try:
            data, problem = load_description(text, source=submission.name, format=submission.format).data, None
        except InputError as exc:
            data, problem = {}, exc
    if problem is None and not data:
        problem = InputError(_NOT_A_DESCRIPTION, source=submission.name, hint=START_FROM_TEMPLATE)
    return data, problem


def _has_upload_or_copy() -> bool:
    """Whether the open form brought a file, or the browser's copy brought a text."""
    form, files = form_fields()
    upload = files.get("fichier")
    return bool(upload is not None and upload.filename) or bool(form.get("etat_copie", "").strip())


def _state(text: str, source: str = _SOURCE) -> tuple[dict, InputError | None]:
    """The description carried by the form, as data; a state that cannot be read starts afresh, with why."""
    if not text.strip():
        return {}, None
    try:
        data, _ = load_yaml(text, source=source)
    except InputError as exc:
        return {}, exc
    return (data if isinstance(data, dict) else {}), None


def _has_content(value, key: str | None = None) -> bool:
    """Whether the description holds anything the carrier wrote: the format, the ids the editor makes and
    the maturity it starts with do not count."""
    if key in _MADE_BY_THE_EDITOR:
        return False
    if isinstance(value, dict):
        return any(_has_content(inner, str(name)) for name, inner in value.items())
    if isinstance(value, list):
        return any(_has_content(inner) for inner in value)
    return value not in (None, "")


def _merge(data: dict, form, shown: str) -> dict:
    return read_fields(PROJECT, form, step_keys(shown), "", data)


def _walk(data: dict, name: str):
    """The list at a control's name (``acteurs``, ``gouvernance.instances``) and its item spec, or (None, None)."""
    node, spec = data, PROJECT
    parts = name.split(".")
    for depth, part in enumerate(parts):
        spec_field = spec.field(part) if spec is not None else None
        if spec_field is None or not isinstance(node, dict):
            return None, None
        if depth == len(parts) - 1:
            if spec_field.kind != Kind.OBJECTS or not isinstance(node.setdefault(part, []), list):
                return None, None  # « acteurs: 5 »: kept as it is, no item to add or remove
            return node[part], SPECS[spec_field.arg]
        node = node.setdefault(part, {})
        spec = SPECS.get(spec_field.arg)
    return None, None


def _add_item(data: dict, name: str) -> tuple[dict, tuple | None]:
    """``data`` with an empty item added to the list ``name``, and the item's path (None if none was added)."""
    items, _ = _walk(data, name)
    if items is None or len(items) >= 200:
        return data, None
    items.append({})
    return data, (*(int(part) if part.isdigit() else part for part in name.split(".")), len(items) - 1)


def _remove_item(data: dict, name: str) -> dict:
    owner, _, index = name.rpartition(".")
    items, _ = _walk(data, owner)
    if items is not None and index.isdigit() and int(index) < len(items):
        del items[int(index)]
    return data


def _download(data: dict, lang: str) -> Response:
    """The description as a YAML file, its entries' titles in the carrier's language (its keys are French)."""
    response = Response(data_to_yaml(data, lang), mimetype="application/yaml")
    name = f"{data.get('id') or 'mon-ptce'}.yaml"
    return set_download_name(response, name)


# --- checking and drawing a step ---------------------------------------------------------


def _check(data: dict):
    """(report or None, loader error or None, the YAML, line -> path) for the description as it stands."""
    text = data_to_yaml(data)
    try:
        paths = line_paths(text, _SOURCE)
    except InputError as exc:
        return None, exc, text, {}
    try:
        description = load_description(text, source=_SOURCE, format="yaml")
    except InputError as exc:
        return None, exc, text, paths
    lang = g.get("lang", "fr")
    return validate_description(description, lang=lang), None, text, paths


def in_form_report(report: Report, text: str, data: dict, lang: str) -> Report:
    """``report`` of the YAML ``text`` (``data``), its messages in the form's words as the last step shows them.

    For the dossier asked from the editor: its annex then speaks of the fields the carrier filled in, not of
    the keys of a file the carrier never saw.
    """
    grid = load_grid()
    try:
        paths = line_paths(text, _SOURCE)
    except InputError:
        return report  # not the editor's YAML: its keys are the words the sender knows
    worded = (_in_form_words(ShownResult(result, ()), paths, grid, data, lang).result for result in report.results)
    return replace(report, results=tuple(worded))


def _page(
    lang: str,
    step: str,
    data: dict,
    problem: InputError | None = None,
    *,
    fresh: bool = False,
    opened: str | None = None,
    empty_download: bool = False,
    no_file: bool = False,
    just_opened: dict | None = None,
    edition: str | None = None,
    brought_up_to_date: bool = False,
    sent: frozenset[str],
    added: tuple | None = None,
) -> str:
    """A step of the editor.

    ``fresh``: a new, empty description, which must not replace the browser's
    copy; ``opened``: the file that could not be read ("": the browser's copy);
    ``empty_download``: a download refused, as the carrier has written nothing;
    ``no_file``: the open form sent without a file, said beside its field; ``just_opened``: the file just
    opened (:func:`_what_was_opened`), said so; ``edition``: the description's edition (:func:`_edition`; a
    new one if None); ``brought_up_to_date``: a page of an earlier step shown again from the latest state,
    said so; ``sent``: the steps sent at least once (:func:`_sent`: a file opened counts as every step sent),
    whose results show; ``added``: the path of the item just added, which shows none until it is sent.
    """
    data = ensure_ids(data, project=False, unnamed=False)
    grid = load_grid()
    checked = ensure_ids(data)  # the ids the messages name: an unnamed item's is made for the check
    report, error, text, paths = _check(checked)
    future = data.get("maturite") == "emergent"
    context = {"grid": grid, "lang": lang, "future": future}
    context.update(actors=_names(data, "acteurs", lang), groups=_names(data, "groupes", lang))
    fields = controls(PROJECT, data, step_keys(step), "", context) if step != "fin" else []
    said = None if fresh else report  # a new description: no result before the carrier has sent anything
    found = _messages(said, error, paths, step, grid, checked, lang)
    if error is None:  # what cannot be read is always said: nothing else can be checked until it is mended
        found = [(path, message) for path, message in found if step in sent and not _under(path, added)]
    loose = place_messages(fields, found)
    return render_template(
        "editor.html",
        routes=ROUTES,
        grid=grid,
        steps=_steps(grid, said, paths, lang),
        step=step,
        fresh=fresh,
        entry=grid.entry(step) if step in ENTRY_KEYS and step != FACTS_BLOCK else None,
        fields=fields,
        loose=loose,
        problem=problem,
        problem_where=_where(problem, opened, lang),
        opened=opened,
        empty_download=empty_download,
        no_file=no_file,
        just_opened=just_opened,
        edition=edition or secrets.token_urlsafe(12),
        page_id=secrets.token_urlsafe(9),  # this page, which editor.js tells from another of the same step
        brought_up_to_date=brought_up_to_date,
        sent=sorted(sent, key=STEPS.index),
        error=error,
        report=report,
        state=data_to_yaml(data) if data else "",
        checked=text,
        future=future,
        switch_url=ROUTES["en" if lang == "fr" else "fr"].lstrip("/"),
        limit_mb=limit_megabytes(),
        symbols=SEVERITY_SYMBOLS,
        validator_route=VALIDATOR_ROUTES[lang],
        dossier_route=DOSSIER_ROUTE,
        **_final(step, report, paths, grid, checked, lang),
        **grid_links(lang),
    )


def _under(path: tuple, item: tuple | None) -> bool:
    """Whether ``path`` is the path of ``item`` or of something in it."""
    return item is not None and path[: len(item)] == item


def _where(problem: InputError | None, opened: str | None, lang: str) -> str:
    """`` (« e05.yaml », ligne 6)``: where the reopened file cannot be read (the form's own state: nowhere
    a carrier could look)."""
    if problem is None or not opened:
        return ""
    if problem.line is None:
        return t("editor.where_file", lang, source=opened)
    return t("editor.where_line", lang, source=opened, line=problem.line)


def _names(data: dict, key: str, lang: str) -> dict[str, str]:
    """The actors (or groups) already named: id -> name, for the controls that refer to them; one without a
    name as its legend calls it (« Acteur 4 (sans nom) »), not by the id the editor may have made for it."""
    return {
        item["id"]: item.get("nom") or unnamed_item(f"item.projet.{key}", n, lang)
        for n, item in enumerate(data.get(key) if isinstance(data.get(key), list) else [], start=1)
        if isinstance(item, dict) and item.get("id")
    }


def _messages(report, error, paths: dict, step: str, grid, data: dict, lang: str) -> list[tuple[tuple, dict]]:
    """The step's messages, each with the path of the value it is about (an unanswered question: its text),
    in the form's words (its labels, not the file's keys). A description that cannot be read: a message for
    each value that cannot be, beside its field or naming its step."""
    if error is not None:
        found = []
        for each in error.every:
            unknown = unknown_key(each, data, lang)
            if unknown is not None:
                found.append((unknown["path"], _unknown_key_message(each, unknown, step, grid, lang)))
                continue
            path = paths.get(each.line, ())
            found.append((path, _elsewhere(_error_message(each, lang), path, step, grid, lang)))
        return found
    if report is None or step == "fin":  # the last step's report shows every result, under its entry
        return []
    found = []
    for each in report.results:
        for line, value_path in each.places:  # a contradiction: beside each field that it involves
            result = replace(each, line=line, path=value_path)
            path = _result_path(result, paths)
            if _result_step(each, path) != step:
                continue
            text = item_named(in_form_words(result.message, path, step, grid, lang, result.value), path, data, lang)
            found.append((path, {"severity": result.severity, "text": text, "question": result.question}))
    return found


def _result_step(result, path: tuple) -> str:
    """The step that shows a result: its grid entry's; for a result of no entry, the step of the key its value
    is under (a recognition without its kind: the facts' step, where « Corriger » leads), else the first."""
    if result.entry != GENERAL:
        return result.entry
    return _step_of(path[0]) if path and isinstance(path[0], str) else "debut"


def _first_step(result, paths: dict) -> str:
    """The step that shows ``result`` at its first place (what the list of steps counts)."""
    if not result.places:
        return _result_step(result, ())
    line, value_path = result.places[0]
    return _result_step(result, _result_path(replace(result, line=line, path=value_path), paths))


def _result_path(result, paths: dict) -> tuple:
    """The path of the value a result is about: an unanswered question's text, else the value its line and
    its predicate name (:func:`_value_path`)."""
    if result.question and result.shape.rsplit("#", 1)[-1].startswith("Answered-"):
        return (result.question,)
    if result.near:  # a key of the project the file leaves out: its line is where it goes, another key's
        found = _value_path(("",), result.path)
        return () if found == ("",) else found
    return _value_path(paths.get(result.line, ()), result.path)


def _value_path(line_path: tuple, result_path: str | None) -> tuple:
    """The path of the value a result is about, from the path of its line.

    A missing key has no line: its result points at its node's first line, whose
    path names another key (``acteurs.0.id`` for an actor without ``nom``). The
    key of the node that the result's predicate is written with is the one to mark:
    of a path of several steps, the first (``cap:territory/cap:coversArea``: the
    territory); a key of a block written on the node itself, in its block
    (``cap:carryingStructure``: ``structure_porteuse.porteurs``).
    """
    prefix, _, local = (result_path or "").split("/", 1)[0].partition(":")
    namespace = PREFIXES.get(prefix)
    if not line_path or namespace is None or not local:  # no path
        return line_path
    predicate_iri = str(namespace) + local
    owner, spec = line_path[:-1], PROJECT
    for part in owner:
        spec_field = spec.field(part) if isinstance(part, str) else None
        if isinstance(part, str) and (spec_field is None or spec_field.arg not in SPECS):
            return line_path
        spec = SPECS[spec_field.arg] if spec_field is not None else spec
    for spec_field in spec.fields:
        if _predicate_iri(spec_field.key, spec.scope) == predicate_iri:
            return (*owner, spec_field.key)
    for block in (f for f in spec.fields if f.kind == Kind.NEST):
        inner = SPECS[block.arg]
        for spec_field in inner.fields:
            if _predicate_iri(spec_field.key, inner.scope) == predicate_iri:
                return (*owner, block.key, spec_field.key)
    return line_path


def _predicate_iri(key: str, scope: str | None) -> str | None:
    try:
        return str(predicate(key, scope))
    except KeyError:  # a key that names no predicate (``id``, a relation's kind)
        return None


def _error_message(error: InputError, lang: str) -> dict:
    # the reader writes « français / English »; the form speaks the page's language, a sentence of its own
    # (« Violation Expected: a date… », not « Violation expected: … », which read as one phrase)
    text, hint = one_language(error.message, lang), one_language(error.hint, lang)
    return {"severity": "violation", "text": text[:1].upper() + text[1:], "hint": hint, "question": None}


def _elsewhere(message: dict, path: tuple, step: str, grid, lang: str) -> dict:
    """A loader's message about a value of another step: the field and the step it is on, and a way there
    (the step shown has no control to put it beside)."""
    home = _step_of(str(path[0])) if path else step
    if home == step:
        return message
    where = step_label(grid, home, lang)
    field = field_label(path, lang)
    place = t("editor.in_field", lang, field=field, step=where) if field else t("editor.on_step", lang, step=where)
    message["text"] += " (" + place + ")"
    message["go"] = (home, t("editor.fix_step", lang, step=where))
    return message


def _unknown_key_message(error: InputError, unknown: dict, step: str, grid, lang: str) -> dict:
    """An unknown key of the file opened, in the form's words: the key and its value (not the loader's list of
    the keys the file may have, which the form shows as fields), the actor (or item) that holds it, the step
    where it is when that is another one, and the form's ways out."""
    message = _error_message(error, lang)
    message["text"] = t("editor.unknown_key", lang, name=unknown["name"], value=unknown["value"])
    message["hint"] = None
    if unknown["holder"]:
        message["text"] = t("editor.about_item", lang, name=unknown["holder"], text=message["text"])
    home = _step_of(str(unknown["path"][0]))
    if home != step:
        message["text"] += " (" + t("editor.on_step", lang, step=step_label(grid, home, lang)) + ")"
    message["fixes"] = unknown["fixes"]
    return message


def _step_of(key: str) -> str:
    """The step of the editor that shows a project's key (the first, for a key no step shows)."""
    return next((section for section in STEPS if key in step_keys(section)), "debut")


def _steps(grid, report, paths: dict, lang: str) -> list[dict]:
    done = {e.id: e for e in report.completeness.entries} if report is not None else {}
    shown_at = Counter(_first_step(result, paths) for result in report.results) if report is not None else Counter()
    steps = [{"id": "debut", "label": step_label(grid, "debut", lang), "count": None, "problems": shown_at["debut"]}]
    for entry in grid.entries:
        counts = done.get(entry.id)
        steps.append(
            {
                "id": entry.id,
                "label": step_label(grid, entry.id, lang),
                "count": f"{counts.answered}/{counts.total}" if counts else None,
                "problems": shown_at[entry.id],
            }
        )
    if FACTS_BLOCK in STEPS:
        facts = {"id": FACTS_BLOCK, "label": step_label(grid, FACTS_BLOCK, lang), "count": None}
        steps.append({**facts, "problems": shown_at[FACTS_BLOCK]})
    steps.append({"id": "fin", "label": step_label(grid, "fin", lang), "count": None})
    return steps


def _final(step: str, report, paths: dict, grid, data: dict, lang: str) -> dict:
    """The last step's report, its messages in the form's words like those beside the fields."""
    if step != "fin" or report is None or isinstance(report, Unreadable):
        return {"groups": None, "chart": None, "fix_steps": {}}
    groups = [
        replace(group, results=tuple(_in_form_words(shown, paths, grid, data, lang) for shown in group.results))
        for group in result_groups(report)
    ]
    # each group's step of the form, where its results are fixed: an entry's own, the first for the rest
    fix_steps = {entry: entry for entry in ENTRY_KEYS} | {GENERAL: "debut"}
    return {"groups": groups, "chart": Markup(completeness_svg(report, lang)), "fix_steps": fix_steps}


def _in_form_words(shown: ShownResult, paths: dict, grid, data: dict, lang: str) -> ShownResult:
    result = shown.result
    path = (result.question,) if result.question and not paths.get(result.line) else paths.get(result.line, ())
    step = result.entry if result.entry in STEPS else "debut"  # shown under its entry: other steps are named
    message = in_form_words(result.message, path, step, grid, lang, result.value)
    message = item_named(message, path, data, lang, named=True)  # not beside its item here: say which
    return replace(shown, result=replace(result, message=message), fix=_fix(_result_path(result, paths), grid, lang))


def _fix(path: tuple, grid, lang: str) -> tuple[str, str, str] | None:
    """(the step, the anchor of the field, its label) where the value at ``path`` is written, if a field has it."""
    if path and path[-1] == "id":  # a node's first line, where a result of no key of its own points: the item
        path = path[:-1]
    if not path:
        return None  # the project's own: its entry's button leads to the step
    if len(path) == 1 and path[0] in {question.id for question in grid.questions}:  # a question's own answer
        label = t("editor.answer_label", lang, number=grid.question(path[0]).position)
        return _step_of(path[0]), f"reponse-{path[0]}", label  # the answer's box, its question just above
    try:
        label = field_label(path, lang)
    except KeyError:  # a value the form has no label for
        return None
    if label is None:
        return None
    return _step_of(str(path[0])), "champ-" + "-".join(str(part) for part in path), label
