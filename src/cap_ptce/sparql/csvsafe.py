"""CSV results that a spreadsheet opens without running anything (OWASP's "CSV injection").

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is a formula to Excel, LibreOffice and Google Sheets: a description whose name
is ``=HYPERLINK("http://…", "…")`` would act in the researcher's spreadsheet.
As OWASP advises, such a cell gets a single quote in front (``'=HYPERLINK…``),
which spreadsheets show and never evaluate; a cell that is a plain number
(``-12.5``, ``+3``) is left as it is, since it cannot be a formula. The raw
values stay one option away (``raw=true`` on the endpoint and the ready-made
queries, ``--raw`` on the command line), for programs that read CSV.
"""

from __future__ import annotations

import csv
import io
import re

__all__ = ["neutralise_csv", "needs_neutralising"]

_DANGEROUS_START = re.compile(rb'(?:^|[,\n])"?[=+\-@\t\r]')
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def needs_neutralising(cell: str) -> bool:
    """Whether a spreadsheet could read ``cell`` as a formula."""
    return cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell)


def neutralise_csv(data: bytes) -> bytes:
    """SPARQL CSV results with every cell that could be a formula neutralised (see the module's docstring)."""
    if not _DANGEROUS_START.search(data):
        return data  # the usual case, found at C speed: nothing to rewrite
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        writer.writerow(["'" + cell if needs_neutralising(cell) else cell for cell in row])
    return out.getvalue().encode("utf-8")
