"""A validation report for people: results grouped by grid entry, each with the lines of the file around it.

The validator page, the editor and the dossier's annex show a report the same
way: the general group first, then each entry of the grid with its answered
questions and its results; a result on a line of a YAML file carries the few
lines around it, so that the reader sees what is wrong without opening the
file; and the completeness per entry is drawn as a chart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from ..charts import bar_chart, to_svg
from ..errors import InputError
from ..i18n import catalogue, t
from ..project.schema import PROJECT, SPECS, Kind
from ..validation.report import GENERAL, Report, Result
from ..yamlstrict import load_yaml
from .model import unnamed_item

__all__ = [
    "ExcerptLine",
    "ShownResult",
    "ResultGroup",
    "SEVERITY_SYMBOLS",
    "excerpt",
    "result_groups",
    "completeness_spec",
    "completeness_svg",
    "line_paths",
    "item_named",
    "items_named",
]

# Severities are told by a symbol and a word, never by colour alone.
SEVERITY_SYMBOLS = {"violation": "✖", "warning": "▲", "info": "ℹ"}
_CONTEXT_LINES = 2


@dataclass(frozen=True)
class ExcerptLine:
    number: int
    text: str
    at_fault: bool


@dataclass(frozen=True)
class ShownResult:
    """A result with the lines of the file around its line (none for Turtle, JSON-LD or a missing key)."""

    result: Result
    excerpt: tuple[ExcerptLine, ...]
    fix: tuple[str, str, str] | None = None  # in the editor: (the step, the field's anchor, its label) to fix it


@dataclass(frozen=True)
class ResultGroup:
    """An entry of the grid (or the description as a whole) with its results and its answered questions."""

    entry: str
    label: str
    answered: int | None
    total: int | None
    results: tuple[ShownResult, ...]


def excerpt(
    lines: list[str], line: int | None, also: Iterable[int | None] = (), *, marked: bool = True
) -> tuple[ExcerptLine, ...]:
    """The lines around ``line`` (1-based), the line itself marked; and those of ``also`` (the same mistake's
    other lines) that are near enough to be shown with it, marked too. Not ``marked``: where a missing answer
    goes, no line of which is at fault."""
    if line is None or not 1 <= line <= len(lines):
        return ()
    near = {n for n in also if n is not None and 0 < n - line <= 2 * _CONTEXT_LINES and n <= len(lines)}
    first, last = max(1, line - _CONTEXT_LINES), min(len(lines), max(near, default=line) + _CONTEXT_LINES)
    at_fault = near | {line} if marked else set()
    return tuple(ExcerptLine(n, lines[n - 1], n in at_fault) for n in range(first, last + 1))


def for_the_reader(result: Result) -> str:
    """A result's message as the dossier's reader reads it: an unanswered question's without what it says to
    do in the file (« Y répondre sous « q05: » », « Remplir « territoire.ressources » »), which the reader of
    an application never sees; the others as they are."""
    if not result.shape.rsplit("#", 1)[-1].startswith("Answered-"):
        return result.message
    for start in _instruction_starts():
        at = result.message.find(start)
        if at != -1:
            return result.message[: at + 1]  # the question's text, quoted, and nothing after it
    return result.message


@cache
def _instruction_starts() -> tuple[str, ...]:
    """What follows the quoted question in the unanswered questions' messages (the completeness catalogue's own
    words, in each language): « » Y », « » Remplir », "” Answer", "” Fill"."""
    starts = set()
    for key in ("completeness.unanswered", "completeness.unanswered_keys"):
        for template in catalogue()[key].values():
            close, word = template.split("{text}", 1)[1].split()[:2]
            starts.add(f"{close} {word} ")
    return tuple(sorted(starts))


def result_groups(report: Report, text: str | None = None) -> list[ResultGroup]:
    """The report's results by group, in grid order, the general group first (only when it has results)."""
    lines = text.splitlines() if text else []

    def shown(results) -> tuple[ShownResult, ...]:
        return tuple(ShownResult(r, excerpt(lines, r.line, (n for n, _ in r.also), marked=not r.near)) for r in results)

    groups = []
    general = [r for r in report.results if r.entry == GENERAL]
    if general:
        groups.append(ResultGroup(GENERAL, general[0].entry_label, None, None, shown(general)))
    for entry in report.completeness.entries:
        results = [r for r in report.results if r.entry == entry.id]
        groups.append(ResultGroup(entry.id, entry.label, entry.answered, entry.total, shown(results)))
    return groups


def completeness_spec(report: Report, lang: str) -> dict:
    """The Vega-Lite bar chart of the answered share of each entry's questions."""
    rows = [
        {"label": e.label, "value": e.answered / e.total if e.total else 1.0, "text": f"{e.answered}/{e.total}"}
        for e in report.completeness.entries
    ]
    done = report.completeness
    return bar_chart(
        rows,
        title=t("checks.chart_title", lang),
        description=t("checks.chart_description", lang, answered=done.answered, total=done.total),
        percent=True,
    )


def completeness_svg(report: Report, lang: str) -> str:
    """The completeness chart as SVG text (drawn on the server: no script needed to see it)."""
    return to_svg(completeness_spec(report, lang))


# --- which item a result is about ---------------------------------------------------------------


def line_paths(text: str, source: str = "description.yaml") -> dict[int, tuple]:
    """Line -> the path of the deepest value on it, in the YAML ``text`` (an InputError, which names
    ``source``, if it cannot be read)."""
    _, line_map = load_yaml(text, source=source)
    paths: dict[int, tuple] = {}
    for path, line in line_map.lines.items():
        if len(path) >= len(paths.get(line, ())):
            paths[line] = path
    return paths


def item_named(text: str, path: tuple, data: dict, lang: str, *, named: bool = False) -> str:
    """``text``, a message about the value at ``path`` of ``data``, saying which item of a list it is about.

    An item without a name is called as the dossier's table and the editor call it (« Acteur 2 (sans nom) »),
    in place of its identifier, which its carrier may never have typed (the editor makes one). With
    ``named``, the item's name (or that one) comes before a message that does not name it: in a list of
    results away from the item, « Code de commune 80000 : … » said nothing of whose seat it was.
    """
    found = _first_item(path, data)
    if found is None:
        return text
    list_name, number, item = found
    name = str(item.get("nom") or "").strip()
    if name:
        return t("dossier.about_item", lang, name=name, text=text) if named and name not in text else text
    if list_name not in catalogue():  # a list of another kind (sources): not an item of the form
        return text
    label = unnamed_item(list_name, number, lang)
    if label in text:  # named already (the editor's words, then the dossier's)
        return text
    item_id = re.compile(rf"(?<![\w-]){re.escape(str(item.get('id') or ''))}(?![\w-])")
    if item.get("id") and item_id.search(text):
        return item_id.sub(label, text)
    return t("dossier.about_item", lang, name=label, text=text) if named else text


def _first_item(path: tuple, data: dict) -> tuple[str, int, dict] | None:
    """The first item of a list along ``path`` (an actor, an instance of the governance): the message key of
    one item's name (``item.gouvernance.instances``), its number from 1, the item; None when there is none."""
    spec, node = PROJECT, data
    for position, part in enumerate(path):
        if isinstance(part, int):
            if position == 0 or not isinstance(node, list) or part >= len(node) or not isinstance(node[part], dict):
                return None
            return f"item.{spec.name}.{path[position - 1]}", part + 1, node[part]
        if not isinstance(node, dict):
            return None
        spec_field = spec.field(part) if spec is not None else None
        node = node.get(part)
        if spec_field is not None and spec_field.kind in (Kind.NEST, Kind.OBJECT):
            spec = SPECS.get(spec_field.arg)
    return None


def items_named(report: Report, text: str, data: dict, lang: str) -> Report:
    """``report`` of the YAML ``text`` (``data``), each result about an item of a list saying which one
    (:func:`item_named`); a description of another syntax, whose lines are not the data's, as it is."""
    try:
        paths = line_paths(text)
    except InputError:
        return report
    results = tuple(
        replace(r, message=item_named(r.message, paths.get(r.line, ()), data, lang, named=True)) for r in report.results
    )
    return replace(report, results=results)
