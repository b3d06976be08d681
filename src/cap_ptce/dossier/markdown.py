"""The dossier as Markdown: the same sections as the HTML, tables as pipe tables."""

from __future__ import annotations

from ..i18n import t
from .checks import for_the_reader
from .model import Dossier, Fact, Table
from .values import Shown

__all__ = ["to_markdown"]


def _escape(text: str) -> str:
    """Text safe in a Markdown line and a table cell."""
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _values(values: tuple[Shown, ...], colon: str) -> str:
    """The values of a cell or a fact, separated as the language of ``colon`` (its typography.colon) writes it."""
    return _SEMICOLON.get(colon, "; ").join(_escape(v.text) for v in values)


_SEMICOLON = {" :": " ; ", ":": "; "}  # French spaces its colon and semicolon alike; English neither


def _facts(facts: tuple[Fact, ...] | list[Fact], colon: str = ":") -> list[str]:
    lines = []
    for fact in facts:
        if len(fact.values) > 1:
            lines.append(f"- **{_escape(fact.label)}**")
            lines.extend(f"  - {_escape(v.text)}" for v in fact.values)
        else:
            lines.append(f"- **{_escape(fact.label)}**{colon} {_values(fact.values, colon)}")
    return lines


def _table(table: Table, colon: str) -> list[str]:
    lines = [f"**{_escape(table.caption)}**", "", "| " + " | ".join(_escape(c) for c in table.columns) + " |"]
    lines.append("|" + "---|" * len(table.columns))
    details = []
    for row in table.rows:
        lines.append("| " + " | ".join(_values(cell, colon) for cell in row.cells) + " |")
        if row.details:
            name = _values(row.cells[0], colon) if row.cells else ""
            details += [f"*{name}*", *_facts(row.details, colon), ""]
    for f in table.totals:  # a paragraph each: lines one under the other would make one in Markdown
        lines += ["", f"**{_escape(f.label)}**{colon} {_values(f.values, colon)}"]
    if table.summary:
        lines += ["", *_facts(table.summary, colon)]
    return lines + ([""] + details if details else [])


def _answered(dossier: Dossier) -> str:
    """How many questions have an answer, and how many of those answers are written."""
    by_data = dossier.answered - dossier.written
    return t(
        "dossier.answered",
        dossier.lang,
        answered=dossier.answered,
        total=dossier.question_count,
        written=dossier.written,
        by_data=by_data,
    )


def to_markdown(dossier: Dossier, *, annex: dict | None = None) -> str:
    lang = dossier.lang
    colon = t("typography.colon", lang)
    lines = [f"# {_escape(dossier.name)}", "", f"*{t('dossier.kind', lang)}*", ""]
    if dossier.register:
        lines += [f"> {t('dossier.register', lang)}", ""]
    elif dossier.fictional:
        lines += [f"> {t('dossier.fictional', lang)}", ""]
    lines += _facts(dossier.header, colon) + ["", f"## {t('dossier.answers_title', lang)}", ""]
    lines.append(
        t("dossier.tense_future" if dossier.future else "dossier.tense_present", lang) + " " + _answered(dossier)
    )
    for entry in dossier.answers:
        lines += ["", f"### {entry.number}. {_escape(entry.label)}"]
        for q in entry.questions:
            lines += ["", f"**{t('dossier.question_number', lang, number=q.number)} {_escape(q.text)}**", ""]
            if q.answer:
                lines.append(q.answer.strip())
                if q.facts:
                    lines += ["", f"*{t('dossier.see_facts', lang)} {_escape(', '.join(q.facts))}*"]
            elif q.facts:
                lines.append(f"*{t('dossier.answered_by_facts', lang)} {_escape(', '.join(q.facts))}*")
                if q.values:
                    lines += ["", *_facts(q.values, colon)]
            else:
                lines.append(f"*{t('dossier.no_answer', lang)}*")
    lines += ["", f"## {t('dossier.facts_title', lang)}"]
    for block in dossier.blocks:
        if not block.parts:
            continue
        lines += ["", f"### {_escape(block.label)}", ""]
        for part in block.parts:
            lines += _table(part, colon) + [""] if isinstance(part, Table) else _facts([part], colon)
    lines += _annex(dossier, annex)
    lines += ["", "---", "", t("dossier.attribution", lang), ""]
    return "\n".join(lines)


def _annex(dossier: Dossier, annex: dict | None) -> list[str]:
    if not annex:
        return []
    lang = dossier.lang
    lines = ["", f"## {t('dossier.annex_title', lang)}"]
    report = annex.get("report")
    if report is not None:
        done = report.completeness
        lines += ["", f"### {t('dossier.checks_title', lang)}", ""]
        verdict = t("checks.conforms" if report.conforms else "checks.fails", lang)
        counts = t("checks.counts", lang, v=report.count("violation"), w=report.count("warning"))
        percent = round(done.ratio * 100)
        lines.append(
            f"**{verdict}** — {counts} — {t('checks.completeness', lang, answered=done.answered, total=done.total, percent=percent)}"
        )
        lines += [""] + [
            f"- **{t('dossier.origin_' + origin, lang)}** — {t('checks.counts', lang, v=v, w=w)}"
            for origin, v, w in annex["origins"]
        ]
        if not dossier.register:
            lines += ["", f"**{t('dossier.scope_title', lang)}.** {t('dossier.scope', lang)}"]
        colon = t("typography.colon", lang)
        lines += [""] + [f"- {_escape(e.label)}{colon} {e.answered}/{e.total}" for e in done.entries]
        lines += [_result(r, lang) for r in report.results]
    standing = annex.get("standing")
    return lines + (_standing(standing, lang) if standing is not None else [])


def _result(result, lang: str) -> str:
    """A check that remains, with its question; no line of the YAML: the dossier's reader never sees the file."""
    question = f" ({t('checks.question', lang, number=int(result.question[1:]))})" if result.question else ""
    return f"- {t('checks.severity_' + result.severity, lang)}{question} — {_escape(for_the_reader(result))}"


def _standing(standing, lang: str) -> list[str]:
    """The pole among the others: the same words as the HTML, each fictional pole said to be one."""
    lines = ["", f"### {t('standing.title', lang)}", ""]
    if not standing.measures:
        key, values = standing.why_unranked()
        return lines + [t(key, lang, **values)]
    intro = t("standing.intro", lang, count=standing.others)
    if standing.fictional_others:
        intro += " " + t("standing.fictional_others", lang, count=standing.fictional_others)
    if standing.fictional_left_out:
        intro += " " + t("standing.fictional_left_out", lang, count=standing.fictional_left_out)
    lines += [intro, ""]
    lines.append(
        f"| {t('standing.col_measure', lang)} | {t('standing.col_value', lang)} | {t('standing.col_median', lang)} | {t('standing.col_percentile', lang)} |"
    )
    lines.append("|---|---|---|---|")
    lines += [
        f"| {_escape(m.label)} | {m.value_text} | {m.median_text} | {m.percentile_text} |" for m in standing.measures
    ]
    if standing.nearest:
        lines += ["", f"**{t('standing.nearest_title', lang)}**", ""]
        lines += [f"{n}. {_near(p, lang)}" for n, p in enumerate(standing.nearest, 1)]
    return lines


def _near(pole, lang: str) -> str:
    fictional = f" ({t('standing.fictional_example', lang)})" if pole.fictional else ""
    return f"{_escape(pole.name)}{fictional} — {_escape(pole.why)}"
