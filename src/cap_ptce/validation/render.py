"""Render validation reports: text for people, JSON for programs, Turtle, HTML.

Every renderer takes a list of :class:`cap_ptce.validation.Report` (one per
file), where a file that could not be read is a :class:`cap_ptce.validation.Unreadable`,
and returns a ``str``. The JSON form is stable and described by
``validation-report.schema.json`` (shipped in the package, documented in
docs/validation.md); the Turtle form is the SHACL validation report graph of
each file; the text and HTML forms group the results by grid entry, in the
reports' language, with the completeness of every entry.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH

from .. import i18n
from ..errors import ParameterError
from ..grid import load_grid
from ..i18n import DEFAULT_LANGUAGE
from ..rdf.namespaces import bind_prefixes
from ..resources import tool_version
from . import REPORT_FORMATS
from .origins import origin_counts, shape_origin
from .report import GENERAL, Report, Result, Unreadable

__all__ = ["RENDERERS", "JSON_FORMAT_VERSION", "render", "to_text", "to_json", "to_turtle", "to_html", "report_data"]

JSON_FORMAT_VERSION = 1


def _words(reports: list[Report]) -> dict[str, str]:
    """The report's wording in the language of its reports (message catalogue, area ``report``)."""
    lang = reports[0].lang if reports else DEFAULT_LANGUAGE
    return {
        **i18n.words("report", lang),
        "colon": i18n.t("typography.colon", lang),
        "semicolon": i18n.t("typography.semicolon", lang),
    }


def _where(report: Report, result: Result, words: dict[str, str]) -> str:
    """``mon-ptce.yaml:54``, ``mon-ptce.yaml:54,55`` for a mistake at two lines, ``mon-ptce.yaml, près de la
    ligne 23`` for a missing answer whose key the file lacks, the file alone without a line."""
    if result.near and result.line is not None:
        return f"{report.source}, {words['near'].format(line=result.line)}"
    return f"{report.source}:{','.join(map(str, result.lines))}" if result.lines else report.source


def _percent(ratio: float) -> str:
    return f"{round(ratio * 100)} %"


def _by_origin(report: Report, words: dict[str, str]) -> list[str]:
    """One sentence per severity that has results: how many come from each origin (law, décret, grid…)."""
    sentences = []
    for severity in ("violation", "warning"):
        counts = origin_counts(report.results, severity)
        if counts:
            parts = (words["semicolon"] + " ").join(f"{count} {words['origin_' + origin]}" for origin, count in counts)
            sentences.append(words["by_origin_" + severity].format(colon=words["colon"], parts=parts))
    return sentences


def _counts(report: Report, words: dict[str, str]) -> str:
    return words["counts"].format(v=report.count("violation"), w=report.count("warning"))


def _groups(report: Report) -> list[tuple[str, str, str | None, list[Result]]]:
    """(entry id, label, "answered/total" or None, results) in grid order, the general group first."""
    groups = []
    general = [r for r in report.results if r.entry == GENERAL]
    if general:
        groups.append((GENERAL, general[0].entry_label, None, general))
    for entry in report.completeness.entries:
        results = [r for r in report.results if r.entry == entry.id]
        groups.append((entry.id, entry.label, f"{entry.answered}/{entry.total}", results))
    return groups


# --- text ------------------------------------------------------------------------------


def to_text(reports: list[Report]) -> str:
    """The human report: per file, the verdict, then each grid entry with its results."""
    words = _words(reports)
    blocks = [
        _text_unreadable(report, words) if isinstance(report, Unreadable) else _text_file(report, words)
        for report in reports
    ]
    if len(reports) > 1:
        ok = sum(report.conforms for report in reports)
        errors = sum(isinstance(report, Unreadable) for report in reports)
        summary = words["summary"].format(n=len(reports), ok=ok, ko=len(reports) - ok - errors)
        blocks.append(summary + (words["unreadable_count"].format(e=errors) if errors else ""))
    return "\n\n".join(blocks) + "\n"


def _text_unreadable(unreadable: Unreadable, words: dict[str, str]) -> str:
    """The file's name and why it cannot be read: each value that cannot be, where it is and what to do."""
    lines = []
    for error in unreadable.error.every:
        where = error.where or unreadable.source
        lines.append(
            f"{unreadable.source}{words['colon']} {words['unreadable']} — {where}" if not lines else f"  — {where}"
        )
        lines.append(f"  {error.message}" + (f"\n  → {error.hint}" if error.hint else ""))
    return "\n".join(lines)


def _text_file(report: Report, words: dict[str, str]) -> str:
    verdict = words["conforms"] if report.conforms else words["fails"]
    done = report.completeness
    colon = words["colon"]  # French puts a space before the colon
    lines = [f"{report.source}{colon} {verdict} — {_counts(report, words)}"]
    lines += [f"  {sentence}" for sentence in _by_origin(report, words)]
    for _entry_id, label, answered, results in _groups(report):
        lines.append(f"  {label}" + (f"  [{answered}]" if answered else ""))
        for result in results:
            question = f" {result.question}" if result.question else ""
            origin = words["origin_" + shape_origin(result.shape)]
            lines.append(f"    {words[result.severity]}{question} ({origin}) — {_where(report, result, words)}")
            lines.append(f"      {result.message}")
    lines.append(
        f"  {words['completeness']}{colon} {done.answered}/{done.total} {words['questions']} ({_percent(done.ratio)})"
    )
    return "\n".join(lines)


# --- JSON ------------------------------------------------------------------------------


def report_data(report: Report | Unreadable) -> dict:
    """One file's report as plain data: the stable JSON structure (see the JSON Schema)."""
    if isinstance(report, Unreadable):
        return _unreadable_data(report)
    done = report.completeness
    return {
        "file": report.source,
        "conforms": report.conforms,
        "results": [_result_data(result) for result in report.results],
        "completeness": {
            "entries": [
                {"id": e.id, "label": e.label, "answered": e.answered, "total": e.total, "missing": list(e.missing)}
                for e in done.entries
            ],
            "answered": done.answered,
            "total": done.total,
            "ratio": round(done.ratio, 4),
        },
    }


def _unreadable_data(unreadable: Unreadable) -> dict:
    """A file that could not be read: no results, the error (message, line, column, hint), and the others."""
    first, *others = (
        {"message": error.message, "line": error.line, "column": error.column, "hint": error.hint}
        for error in unreadable.error.every
    )
    return {"file": unreadable.source, "conforms": False, "results": [], "error": first, "others": others}


def _result_data(result: Result) -> dict:
    return {
        "severity": result.severity,
        "entry": result.entry,
        "entry_label": result.entry_label,
        "question": result.question,
        "message": result.message,
        "line": result.line,
        "lines": result.lines,
        "near": result.near,
        "focus": result.focus,
        "path": result.path,
        "value": result.value,
        "shape": result.shape,
        "origin": shape_origin(result.shape),
    }


def to_json(reports: list[Report]) -> str:
    """``{"version", "lang", "conforms", "files": [...]}``, one object per file."""
    data = {
        "version": JSON_FORMAT_VERSION,
        "lang": reports[0].lang if reports else DEFAULT_LANGUAGE,
        "conforms": all(report.conforms for report in reports),
        "files": [report_data(report) for report in reports],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- Turtle ----------------------------------------------------------------------------


def to_turtle(reports: list[Report]) -> str:
    """The SHACL validation report graphs, each report linked to its file by dcterms:source."""
    graph = bind_prefixes(Graph())
    for report in reports:
        if isinstance(report, Unreadable):
            _turtle_unreadable(graph, report)
            continue
        for triple in report.graph:
            graph.add(triple)
        for node in report.graph.subjects(predicate=None, object=URIRef("http://www.w3.org/ns/shacl#ValidationReport")):
            graph.add((node, DCTERMS.source, Literal(report.source)))
    return graph.serialize(format="turtle")


def _turtle_unreadable(graph: Graph, unreadable: Unreadable) -> None:
    """A report that does not conform, with no result, whose dcterms:description says why the file was not read."""
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(False)))
    graph.add((node, DCTERMS.source, Literal(unreadable.source)))
    graph.add((node, DCTERMS.description, Literal(str(unreadable.error))))


# --- HTML ------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}
.ok{color:#18753c}.ko{color:#ce0500}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.verdict{font-size:1.15rem;font-weight:600}
.violation{color:#ce0500;font-weight:600}.warning{color:#b34000}.info{color:#0063cb}
code{font-size:.9em}
"""


def to_html(reports: list[Report]) -> str:
    """A standalone page (no script, no external resource), every value escaped."""
    words = _words(reports)
    lang = reports[0].lang if reports else DEFAULT_LANGUAGE
    body = "\n".join(
        _html_unreadable(report, words) if isinstance(report, Unreadable) else _html_file(report, words)
        for report in reports
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(words['title'])}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(words['title'])}</h1>\n{_html_verdict(reports, words)}\n{_html_about(reports, words)}"
        f"<p>{escape(words['legend'])}</p>\n{body}\n</body>\n</html>\n"
    )


def _html_about(reports: list[Report], words: dict[str, str]) -> str:
    """What a report read alone (attached to an application) must say: which project, when, checked by what."""
    named = [report.name for report in reports if isinstance(report, Report) and report.name]
    project = (
        f"<p>{escape(words['project'] + words['colon'])} <strong>{escape(named[0])}</strong></p>\n"
        if len(reports) == 1 and named
        else ""
    )
    made = words["made"].format(date=date.today().isoformat(), version=tool_version(), grid=load_grid().version)
    return f"{project}<p>{escape(made)}</p>\n"


def _html_verdict(reports: list[Report], words: dict[str, str]) -> str:
    """The verdict first: the one file's, with its counts, or how many of the files conform."""
    if len(reports) == 1 and not isinstance(reports[0], Unreadable):
        report = reports[0]
        css, verdict = ("ok", words["conforms_title"]) if report.conforms else ("ko", words["fails_title"])
        return f'<p class="verdict {css}">{escape(verdict)} — {escape(_counts(report, words))}</p>'
    ok = sum(report.conforms for report in reports)
    errors = sum(isinstance(report, Unreadable) for report in reports)
    summary = words["summary"].format(n=len(reports), ok=ok, ko=len(reports) - ok - errors)
    summary += words["unreadable_count"].format(e=errors) if errors else ""
    return f'<p class="verdict {"ok" if ok == len(reports) else "ko"}">{escape(summary)}</p>'


def _html_file(report: Report, words: dict[str, str]) -> str:
    verdict_class, verdict = ("ok", words["conforms"]) if report.conforms else ("ko", words["fails"])
    done = report.completeness
    parts = [
        f"<section>\n<h2><code>{escape(report.source)}</code> — "
        f'<span class="{verdict_class}">{escape(verdict)}</span></h2>',
        f"<p>{escape(words['completeness'] + words['colon'])} {done.answered}/{done.total} {escape(words['questions'])} "
        f"({escape(_percent(done.ratio))}) — "
        f"{escape(_counts(report, words))}</p>",
        *(f"<p>{escape(sentence)}</p>" for sentence in _by_origin(report, words)),
    ]
    for _entry_id, label, answered, results in _groups(report):
        suffix = f" <small>({escape(answered)})</small>" if answered else ""
        parts.append(f"<h3>{escape(label)}{suffix}</h3>")
        parts.append(_html_table(report, results, words) if results else f"<p>{escape(words['nothing'])}</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _html_unreadable(unreadable: Unreadable, words: dict[str, str]) -> str:
    error = unreadable.error
    hint = f"<br>{escape(error.hint)}" if error.hint else ""
    return (
        f"<section>\n<h2><code>{escape(unreadable.source)}</code> — "
        f'<span class="ko">{escape(words["unreadable"])}</span></h2>\n'
        f"<p><code>{escape(error.where or unreadable.source)}</code> {escape(error.message)}{hint}</p>\n</section>"
    )


def _html_table(report: Report, results: list[Result], words: dict[str, str]) -> str:
    head = "".join(f"<th>{escape(words[key])}</th>" for key in ("severity", "origin", "question", "where", "message"))
    rows = [
        f'<tr><td class="{escape(r.severity)}">{escape(words[r.severity])}</td>'
        f"<td>{escape(words['origin_' + shape_origin(r.shape)])}</td><td>{escape(r.question or '')}</td><td><code>{escape(_where(report, r, words))}</code></td>"
        f"<td>{escape(r.message)}</td></tr>"
        for r in results
    ]
    return f"<table>\n<tr>{head}</tr>\n" + "\n".join(rows) + "\n</table>"


RENDERERS = dict(zip(REPORT_FORMATS, (to_text, to_json, to_turtle, to_html), strict=True))


def render(reports: list[Report], format: str = "text") -> str:
    """Render ``reports`` in ``format`` (text, json, turtle or html)."""
    renderer = RENDERERS.get(format)
    if renderer is None:
        raise ParameterError(
            f"format inconnu / unknown format {format!r}", key="format", hint=f"utiliser / use {', '.join(RENDERERS)}"
        )
    return renderer(reports)
