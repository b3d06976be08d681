"""The ``cap-ptce`` command line: a click group, one module per area.

Owns: the commands. Each module named in :data:`COMMAND_MODULES` exposes
``COMMANDS``, a list of click commands, imported when one of them runs.
Commands stay thin: parse options, call one library function, render.
:func:`main` maps the library's errors to exit codes: 0 success, 1 a negative
verdict (for example a description that does not conform), 2 bad input or a
command that cannot run. May import: every stage (it is an edge); nothing
imports it.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from .. import __version__
from ..errors import CapPtceError, StoreDamagedError, is_damage
from .usage import show_usage_error

__all__ = ["cli", "main"]

# Command name -> module of this package that defines it. Modules are imported
# only when their command runs (or help lists it), so that `cap-ptce validate`
# does not pay for importing the web server and the store.
COMMAND_MODULES = {
    "grid": "grid",
    "export": "grid",
    "new": "project",
    "convert": "project",
    "upgrade": "project",
    "generate": "project",
    "validate": "validate",
    "dossier": "dossier",
    "report": "report",
    "load": "kb",
    "serve": "kb",
    "query": "query",
    "publish": "publish",
}

EPILOG = """\b
Examples:
  cap-ptce grid --lang fr
  cap-ptce export --what grid --format turtle -o grille.ttl
  cap-ptce new --maturite emergent -o mon-ptce.yaml
  cap-ptce validate mon-ptce.yaml
  cap-ptce serve --corpus examples/corpus
"""


class LazyGroup(click.Group):
    """A click group that imports a command's module only when the command is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(name)
        if module_name is None:
            return None
        module = importlib.import_module(f"{__name__}.{module_name}")
        return next((c for c in module.COMMANDS if c.name == name), None)


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cap-ptce")
def cli() -> None:
    """CAP PTCE: the grid for Pôles Territoriaux de Coopération Économique as linked data.

    Describe a PTCE project, check it against the grid and the law, and query a
    corpus of projects in SPARQL.
    """


def main(argv: list[str] | None = None) -> int:
    """Run the command line; library errors become a message on stderr and exit code 2."""
    # rdflib warns in English of a term it finds odd (« … does not look like a valid URI, trying to serialize
    # this will break », eight lines of the file with it) before the loader says, in the carrier's words, what
    # is wrong with it
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    try:
        result = cli.main(args=argv, prog_name="cap-ptce", standalone_mode=False)
    except click.UsageError as exc:  # click's refusal of the command line, in English only: both languages
        show_usage_error(exc)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Interrompu / interrupted.", err=True)
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
    except OSError as exc:  # a full disk, a folder that vanished…: one line, not a traceback
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"Erreur : {exc.strerror or exc}{where}", err=True)
        return 2
    except RuntimeError as exc:  # RocksDB's word on a damaged store, met by a read the store did not wrap
        if not is_damage(exc):
            raise
        click.echo(f"Erreur : {StoreDamagedError.of(exc)}", err=True)
        return 2
    return result if isinstance(result, int) else 0
