"""How many fields a carrier fills for a complete description, under format 1 and under format 2.

Measured on the fifteen sample descriptions as the first format wrote them
(``tests/data/format-v1/``), whose structured data is the same in both formats:

- a *field* is a key of the YAML that holds a value: a text, a number, a date,
  a concept, or a list of such values counts once; a list of blocks (actors,
  actions…) counts the fields of each block; each written answer counts once;
  ``fictif`` and ``format``, which describe the file, do not count;
- *complete* means every question of the grid answered.

Format 1 counted a question as answered only by its written answer: the
structured fields plus all 18 answers. Format 2 counts it answered by one of
the keys the grid names for it or by its written answer: the structured fields
plus the answers to the questions that none of the description's keys answers.

Usage: ``python tools/measure_fields.py`` prints the table that
docs/project-format.md shows (``tests/test_completeness.py`` checks that the
two agree).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from cap_ptce.grid import load_grid
from cap_ptce.project import load_description
from cap_ptce.validation.completeness import answering_keys

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "data" / "format-v1"
_NOT_FIELDS = {"fictif", "format", "reponses"}


def fields(value) -> int:
    """The fields in a value: 1 for a value or a list of values, the fields of each block otherwise."""
    if isinstance(value, dict):
        return sum(fields(inner) for key, inner in value.items() if key not in _NOT_FIELDS)
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return sum(fields(item) for item in value)
    return 0 if value in (None, "", [], {}) else 1


def measure(path: Path) -> tuple[int, int, int, int, int]:
    """Structured fields; written answers and all fields for completeness under format 1, then format 2."""
    description = load_description(path)
    structured = fields(description.data)
    questions = load_grid().questions
    words = sum(1 for q in questions if not answering_keys(description.graph, URIRef(description.iri), q))
    return structured, len(questions), structured + len(questions), words, structured + words


def table() -> str:
    rows = [(path.stem, *measure(path)) for path in sorted(SAMPLES.glob("*.yaml"))]
    lines = [
        "| description | champs structurés / structured fields | réponses rédigées, format 1 / written answers | "
        "champs à remplir, format 1 / fields to fill | réponses rédigées, format 2 | champs à remplir, format 2 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += ["| `" + name + "` | " + " | ".join(str(n) for n in numbers) + " |" for name, *numbers in rows]
    totals = [sum(row[i] for row in rows) for i in range(1, 6)]
    lines.append(f"| **total ({len(rows)})** | " + " | ".join(f"**{n}**" for n in totals) + " |")
    return "\n".join(lines)


def questions_table() -> str:
    """Which keys answer each question (from grille/grille.yaml), as docs/project-format.md shows it."""
    grid = load_grid()
    lines = ["| question | entrée / entry | clés qui y répondent / answering keys |", "| --- | --- | --- |"]
    for question in grid.questions:
        keys = ", ".join(f"`{key}`" for key in question.fields) or "— (texte seulement / words only)"
        lines.append(f"| `{question.id}` | {grid.entry(question.entry_id).label.fr} | {keys} |")
    return "\n".join(lines)


def totals() -> dict[str, int]:
    rows = [measure(path) for path in sorted(SAMPLES.glob("*.yaml"))]
    return {
        "BEFORE": sum(r[2] for r in rows),
        "AFTER": sum(r[4] for r in rows),
        "SAVED": sum(r[2] - r[4] for r in rows),
        "TEXTS_BEFORE": sum(r[1] for r in rows),
        "TEXTS_AFTER": sum(r[3] for r in rows),
    }


if __name__ == "__main__":
    print(questions_table(), table(), sep="\n\n")
