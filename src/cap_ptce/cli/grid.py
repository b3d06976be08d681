"""Commands of the grid area: ``export`` (the grid, ontology and shapes as RDF or CSV) and ``grid`` (read it)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import click
from rdflib import Graph

from .. import i18n
from ..errors import InputFileError, ParameterError
from ..grid import Grid, load_grid
from ..grid.rdf import grid_graph
from ..grid.tabular import grid_csv
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..publish.parts import dataset_parts
from ..rdf.namespaces import bind_prefixes
from ..rdf.serialize import EXPORT_FORMATS, get_format, serialize
from ..rdf.vocabulary import ontology_graph
from ..settings import from_environ
from ..validation.shapes import shapes_graph

__all__ = ["COMMANDS", "export", "grid", "render_grid"]

PARTS = ("grid", "ontology", "shapes", "all")

EXPORT_EPILOG = """\b
Exemples / examples:
  cap-ptce export                                   # la grille en Turtle / the grid as Turtle
  cap-ptce export --what ontology --format json-ld -o cap.jsonld
  cap-ptce export --what all --format nt -o cap-ptce.nt
  cap-ptce export --format csv -o grille.csv        # une ligne par question / one row per question
"""

GRID_EPILOG = """\b
Exemples / examples:
  cap-ptce grid
  cap-ptce grid --future            # les questions au futur / questions in the future tense
  cap-ptce grid --lang en | less
"""


def _format_option(ctx, param, value: str):
    """Check ``--format`` against the serialisation table, with a bilingual message."""
    try:
        return get_format(value)
    except ParameterError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


@click.command("export", epilog=EXPORT_EPILOG)
@click.option(
    "--what",
    type=click.Choice(PARTS),
    default="grid",
    show_default=True,
    help="Quoi exporter : grille, ontologie, formes SHACL ou tout / what to export.",
)
@click.option(
    "--format",
    "fmt",
    default="turtle",
    show_default=True,
    callback=_format_option,
    metavar="|".join(fmt.name for fmt in EXPORT_FORMATS),
    help="Format de sortie (csv : grille seulement) / output format (csv: grid only).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier de sortie (sinon la sortie standard) / output file (default: stdout).",
)
def export(what: str, fmt, output: Path | None) -> None:
    """Exporter la grille, l'ontologie ou les formes / export the grid, the ontology or the shapes.

    La même entrée donne toujours les mêmes octets. / The same input always gives the same bytes.
    """
    if not fmt.is_rdf and what != "grid":
        raise click.UsageError(
            f"--format {fmt.name} ne vaut que pour la grille (--what grid), pas pour --what {what} / "
            f"--format {fmt.name} is for the grid only (--what grid), not --what {what}"
        )
    data = grid_csv() if not fmt.is_rdf else serialize(_part_graph(what), fmt)
    _write(data, output)


def _part_graph(what: str):
    """The graph of one part, or of all; the licence of the grid and the ontology follows ``CAP_PTCE_LICENSE`` when set."""
    license = from_environ().get("LICENSE")
    if what == "grid":
        return grid_graph(license=license)
    if what == "ontology":
        return ontology_graph(license=license)
    if what == "shapes":
        return shapes_graph()
    merged = Graph()
    for graph in dataset_parts(license=license).values():
        merged += graph
    return bind_prefixes(merged)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stdout untouched
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputFileError(
            f"impossible d'écrire / cannot write: {exc.strerror}",
            source=str(output),
            hint="vérifier le dossier et les droits / check the folder and permissions",
        ) from exc


@click.command("grid", epilog=GRID_EPILOG)
@click.option(
    "--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, show_default=True, help="Langue / language."
)
@click.option(
    "--future",
    is_flag=True,
    help="Questions au futur, pour un projet émergent / questions in the future tense, for an emerging project.",
)
def grid(lang: str, future: bool) -> None:
    """Afficher la grille dans le terminal / show the grid in the terminal."""
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    click.echo(render_grid(load_grid(), lang=lang, future=future, width=width))


# --- the grid as text ------------------------------------------------------------------


def render_grid(the_grid: Grid, *, lang: str = DEFAULT_LANGUAGE, future: bool = False, width: int = 100) -> str:
    """The grid as text: entries as headings, numbered questions, examples as bullets, wrapped to ``width``."""
    width = max(width, 40)
    lines = _heading_lines(the_grid, lang, future, width)
    for entry in the_grid.entries:
        title = f"{entry.position}. {entry.label.get(lang).upper()}"
        lines += ["", *textwrap.wrap(title, width), "=" * min(len(title), width)]
        for question in entry.questions:
            lines += _question_lines(question, lang, future, width)
    return "\n".join(lines)


def _heading_lines(the_grid: Grid, lang: str, future: bool, width: int) -> list[str]:
    words = i18n.words("grid_text", lang)
    title = f"{the_grid.title.get(lang)} — {the_grid.subtitle.get(lang)}"
    author = the_grid.author.name if the_grid.author else "Institut Godin"
    credit = f"{author}, {words['version']} {the_grid.version} ({the_grid.modified.isoformat()})"
    lines = [*textwrap.wrap(title, width), credit]
    if future:
        lines.append(f"[{words['future']}]")
    return lines


def _question_lines(question, lang: str, future: bool, width: int) -> list[str]:
    number = f"  {question.position:>2}. "
    lines = [""] + textwrap.wrap(
        question.wording(lang, future=future), width, initial_indent=number, subsequent_indent=" " * len(number)
    )
    for example in question.examples:
        indent = " " * (len(number) + (2 if example.details else 0))
        lines += textwrap.wrap(
            example.label.get(lang), width, initial_indent=indent + "• ", subsequent_indent=indent + "  "
        )
    if question.open_list:
        lines.append(" " * len(number) + "• " + i18n.t("grid_text.open", lang))
    return lines


COMMANDS = [export, grid]
