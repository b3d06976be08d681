"""A dossier's PDF drawn in a process of its own, stopped at a time limit.

WeasyPrint takes most of a PDF's time and memory (the largest description a
list allows: 12.8 s and about 500 MB, against 0.6 s for its HTML), holds
Python's lock while it lays pages out, and the memory it took stays with the
process that drew. The server gives each PDF a fresh Python (``-I``: nothing
of the current folder or the environment's Python settings) that reads the
HTML on its standard input, writes the PDF on its standard output and ends:
the server's own process keeps its size and its threads their share of the
processor, and a PDF that takes longer than allowed is stopped. The command
line draws in its own process, as it always did.
"""

from __future__ import annotations

import logging
import subprocess
import sys

from ..errors import CapPtceError, ParameterError, ServerBusyError

__all__ = ["pdf_in_process"]

log = logging.getLogger("cap_ptce.dossier")

_LIBRARIES_MISSING = 3  # the child's exit code when WeasyPrint's system libraries are missing


def pdf_in_process(html: str, *, timeout: float) -> bytes:
    """The PDF of ``html``, drawn by a child process within ``timeout`` seconds."""
    command = [sys.executable, "-I", "-m", "cap_ptce.dossier.pdf_process"]
    try:
        done = subprocess.run(command, input=html.encode("utf-8"), capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:  # run() has killed the child and waited for it
        raise ServerBusyError(
            f"le PDF n’a pas été dessiné en {timeout:g} s / the PDF was not drawn within {timeout:g} s",
            hint="demander le dossier en HTML (le navigateur l’imprime en PDF) ou en Markdown, ou le PDF plus tard "
            "/ ask for the dossier as HTML (a browser prints it to PDF) or Markdown, or for the PDF later",
        ) from exc
    if done.returncode == _LIBRARIES_MISSING:
        raise ParameterError(done.stderr.decode("utf-8", "replace").strip())
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        log.error("the PDF process ended with %s: %s", done.returncode, done.stderr.decode("utf-8", "replace")[-2000:])
        raise ServerBusyError(
            "le PDF n’a pas pu être dessiné / the PDF could not be drawn",
            hint="demander le dossier en HTML ou en Markdown / ask for the dossier as HTML or Markdown",
        )
    return done.stdout


def _main() -> int:
    from .render import pdf_from_html

    html = sys.stdin.buffer.read().decode("utf-8")
    try:
        pdf = pdf_from_html(html)
    except CapPtceError as exc:  # WeasyPrint's system libraries are missing: said as the server says it
        sys.stderr.write(f"{exc.message} ({exc.hint})\n" if exc.hint else f"{exc.message}\n")
        return _LIBRARIES_MISSING
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
