"""Write the section "Les requêtes / The queries" of docs/queries.md from the queries themselves.

Each query's titles, descriptions, grid questions and parameters come from its
header; its example output is its first rows on the sample corpus, as the
command it shows prints them (its CSV: ``true``, ``2026-12-06T05:52:08Z``), with the
register of real PTCEs loaded beside it as the app loads it (the corpus's
queries leave it aside; the ``registre-*`` ones read it alone). Run it with
the project's Python after changing a query, and commit docs/queries.md:

    .venv/bin/python tools/query_docs.py
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from cap_ptce.corpus import record_validator
from cap_ptce.queries import READY_MADE_MAX_ROWS, build, list_queries
from cap_ptce.queries.results import serialise
from cap_ptce.resources import data_dir
from cap_ptce.store import REGISTER_SCOPE, KnowledgeBase

DOC = Path(__file__).resolve().parents[1] / "docs" / "queries.md"
START = "## Les requêtes / The queries\n"
END = "## Performances / Performance\n"
SHORT = {"https://w3id.org/cap-ptce/vocab/": "vocab:", "https://w3id.org/cap-ptce/projet/": "projet:"}
SHOWN_ROWS, CELL = 3, 60


def cell(value) -> str:
    if value is None:
        return ""
    text = str(value).replace("|", "\\|")
    for long, short in SHORT.items():
        text = text.replace(long, short)
    return text if len(text) <= CELL else text[: CELL - 3] + "…"


def example(query) -> dict[str, str]:
    """The first example value of the first parameter that has one (the language aside)."""
    for parameter in query.parameters:
        if parameter.examples:
            return {parameter.name: parameter.examples[0]}
    return {}


def printed_rows(kb, name: str, params: dict[str, str]) -> list[dict[str, str]]:
    """The rows that ``cap-ptce query --name NAME`` prints (its CSV), an empty cell as None."""
    body, _ = serialise(kb, build(name, params), "csv", max_rows=READY_MADE_MAX_ROWS, ready_made=True)
    return [{k: v or None for k, v in row.items()} for row in csv.DictReader(io.StringIO(body.decode("utf-8")))]


def section(kb, query) -> list[str]:
    lines = [f"### `{query.name}`", "", f"**{query.title['fr']}** — *{query.title['en']}*", ""]
    lines += [query.description["fr"], "", f"*{query.description['en']}*", ""]
    if query.questions:
        lines += [f"Questions de la grille / grid questions: {', '.join(query.questions)}.", ""]
    if query.parameters:
        lines += ["| paramètre | type | par défaut | sens / meaning |", "| --- | --- | --- | --- |"]
        for p in query.parameters:
            kind = f"{p.type} (`{p.scheme}`)" if p.scheme else p.type
            kind += ", multiple" if p.multiple else ""
            default = f"`{p.default}`" if p.default is not None else "—"
            lines.append(f"| `{p.name}` | {kind} | {default} | {p.description['fr']} / *{p.description['en']}* |")
        lines.append("")
    params = example(query)
    rows = printed_rows(kb, query.name, params)
    if not rows and params:  # an example that finds nothing here shows less than the defaults
        params, rows = {}, printed_rows(kb, query.name, {})
    arguments = "".join(f" --param {name}={value}" for name, value in params.items())
    lines += ["```console", f"$ cap-ptce query --name {query.name}{arguments}", "```", ""]
    columns = list(rows[0]) if rows else list(query.columns)
    lines += ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for row in rows[:SHOWN_ROWS] or [dict.fromkeys(columns, " ")]:
        lines.append("| " + " | ".join(cell(row[c]) if row[c] != " " else " " for c in columns) + " |")
    if len(rows) > SHOWN_ROWS:
        lines.append("| " + " | ".join("…" for _ in columns) + " |")
    on = "le registre / the register" if query.reads_register else "le corpus d'exemple / the sample corpus"
    lines += ["", f"{len(rows)} ligne(s) sur {on.replace(' / ', ' / row(s) on ')}.", ""]
    return lines


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    intro, tail = rest.split("\n### ", 1)
    tail = END + tail.split(END, 1)[1]
    with KnowledgeBase.open() as kb:
        kb.load_reference_graphs()
        kb.load_corpus(data_dir("corpus"))
        kb.load_corpus(data_dir("registre") / "poles", validator=record_validator, scope=REGISTER_SCOPE)
        body = [line for query in list_queries() for line in section(kb, query)]
    DOC.write_text(head + START + intro + "\n" + "\n".join(body) + tail, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
