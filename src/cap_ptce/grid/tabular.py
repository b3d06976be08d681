"""The grid as a table: one row per question, in French and English, for spreadsheets, R and pandas."""

from __future__ import annotations

import csv
import io

from .reader import load_grid

__all__ = ["GRID_CSV_COLUMNS", "grid_csv"]


GRID_CSV_COLUMNS: tuple[str, ...] = (
    "entry_position",
    "entry_id",
    "entry_fr",
    "entry_en",
    "question_position",
    "question_id",
    "question_fr",
    "question_en",
    "future_fr",
    "future_en",
    "examples_fr",
    "examples_en",
    "open_list",
)


def grid_csv(grid=None) -> bytes:
    """The grid as CSV, one row per question in the grid's order (UTF-8, header first)."""
    grid = grid or load_grid()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(GRID_CSV_COLUMNS)
    for entry in grid.entries:
        for question in entry.questions:
            writer.writerow(_csv_row(entry, question))
    return buffer.getvalue().encode("utf-8")


def _csv_row(entry, question) -> list[str]:
    return [
        str(entry.position),
        entry.id,
        entry.label.fr,
        entry.label.en,
        str(question.position),
        question.id,
        question.text.fr,
        question.text.en,
        question.future.fr,
        question.future.en,
        " | ".join(example.label.fr for example in question.examples),
        " | ".join(example.label.en for example in question.examples),
        "true" if question.open_list else "false",
    ]
