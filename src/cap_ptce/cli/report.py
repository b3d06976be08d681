"""Command of the dashboards: ``cap-ptce report [--filter …] --format html|pdf|md -o OUT``.

The dashboards of the corpus, or of the part that the filters keep, as one
document for a report or a board meeting: the date, the corpus's provenance,
the filters, the grid's attribution, and each chart with its table and its
ready-made query. The filters are the explorer's (the query string of its
address): ``--filter region=32 --filter dispositif=pat`` or
``--filter "region=32&dispositif=pat"``.
"""

from __future__ import annotations

from pathlib import Path

import click

from .outputs import document_options, write_output

__all__ = ["COMMANDS", "report"]

EPILOG = """\b
Exemples / examples:
  cap-ptce report --format pdf -o corpus.pdf
  cap-ptce report --filter region=32 --filter dispositif=pat --format html -o hauts-de-france.html
  cap-ptce report --filter "maturite=emergent&q=alimentation" --format md --lang en
  cap-ptce report --store var/store --format pdf -o rapport.pdf
"""

_FORMATS = ("html", "pdf", "md")


@click.command("report", epilog=EPILOG)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="NOM=VALEUR",
    help="Filtre de l'explorateur, répétable (region=32, dispositif=pat, q=mots…) / the explorer's filter, repeatable.",
)
@document_options(_FORMATS)
@click.option(
    "--store",
    metavar="DIR|URL",
    help="Base de connaissances (sinon celle des réglages, ou le corpus d'exemple) / "
    "knowledge base (default: the settings', or the sample corpus).",
)
def report(filters: tuple[str, ...], fmt: str, lang: str, output: Path | None, store: str | None) -> None:
    """Les tableaux de bord en un document / the dashboards as one document.

    Chaque graphique est une requête prête à l'emploi, avec son tableau de
    chiffres ; le document dit sa date, la provenance du corpus et l'auteur de
    la grille (Institut Godin). / Each chart is a ready-made query, with its
    table of figures; the document gives its date, the corpus's provenance and
    the grid's author (Institut Godin).
    """
    from ..explorer import CorpusView, parse_selection
    from ..explorer.report import corpus_report, render_report
    from ..settings import with_environ
    from ..store.build import build_kb

    selection = parse_selection("&".join(filters))
    kb = build_kb(with_environ({"STORE": store}))
    view = CorpusView(kb)
    try:
        data = render_report(corpus_report(view, selection, lang), fmt)
    finally:
        view.close()
        kb.close()
    write_output(data, output)


COMMANDS = [report]
