"""The ``cap-ptce`` command line: a click group, one module per area.

Each module listed in :data:`_MODULES` exposes ``COMMANDS``, a list of click
commands. Commands stay thin: parse options, call one library function, render.
:func:`main` maps the library's errors to exit codes: 0 success, 1 a negative
verdict (for example a description that does not conform), 2 bad input or a
command that cannot run.
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__
from ..errors import CapPtceError

__all__ = ["cli", "main"]

_MODULES = ("grid", "project", "validate", "kb", "query", "publish")

EPILOG = """\b
Examples:
  cap-ptce grid --lang fr
  cap-ptce export --what grid --format turtle -o grille.ttl
  cap-ptce new --maturite emergent -o mon-ptce.yaml
  cap-ptce validate mon-ptce.yaml
  cap-ptce serve --corpus examples/corpus
"""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cap-ptce")
def cli() -> None:
    """CAP PTCE: the grid for Pôles Territoriaux de Coopération Économique as linked data.

    Describe a PTCE project, check it against the grid and the law, and query a
    corpus of projects in SPARQL.
    """


for _name in _MODULES:
    _module = importlib.import_module(f"{__name__}.{_name}")
    for _command in getattr(_module, "COMMANDS", ()):
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; library errors become a message on stderr and exit code 2."""
    try:
        result = cli.main(args=argv, prog_name="cap-ptce", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrompu.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except CapPtceError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        return 2
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    return result if isinstance(result, int) else 0
