"""What a command may write: never over one of the files it reads.

``cap-ptce convert a.yaml -o a.yaml`` used to overwrite its input with the
conversion (or with nothing, if the conversion failed half-way). Every command
with ``-o`` (and ``publish``'s folder) checks its output against its inputs
first: the same file by any name (a symbolic or hard link) is refused with
exit code 2, before anything is read or written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from ..errors import InputFileError
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["refuse_overwriting", "refuse_overlapping", "write_output", "document_options"]


def refuse_overwriting(output: Path | None, inputs: Iterable[Path]) -> None:
    """Refuse ``output`` if it is one of ``inputs`` (the same file, whatever its name)."""
    if output is None or str(output) == "-" or not output.exists():
        return
    for path in inputs:
        if Path(path).exists() and os.path.samefile(output, path):
            raise InputFileError(
                "-o désigne un fichier d'entrée : l'écrire le détruirait / "
                "-o names an input file: writing it would destroy it",
                source=str(output),
                hint="choisissez un autre nom de sortie / choose another output name",
            )


def refuse_overlapping(out_dir: Path, source_dir: Path) -> None:
    """Refuse an output folder that is, holds or lies in a folder the command reads."""
    out, source = Path(out_dir).resolve(), Path(source_dir).resolve()
    if out == source or source in out.parents or out in source.parents:
        raise InputFileError(
            f"le dossier de sortie recouvre le dossier d'entrée {source_dir} / "
            f"the output folder overlaps the input folder {source_dir}",
            source=str(out_dir),
            hint="écrivez ailleurs / write somewhere else",
        )


def write_output(data: bytes, output: Path | None) -> None:
    """Write ``data`` to ``output``, or to standard output when there is none; a failure is one clear error."""
    if output is None:
        sys.stdout.buffer.write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputFileError(
            f"écriture impossible / cannot write the file: {exc.strerror or exc}",
            source=str(output),
            hint="vérifier le dossier / check the folder exists and is writable",
        ) from exc


def document_options(formats: Iterable[str]):
    """The options of a command that writes one document: ``--format``, ``--lang`` and ``-o``."""

    def decorate(command):
        for option in reversed(
            (
                click.option(
                    "--format",
                    "fmt",
                    type=click.Choice(list(formats)),
                    default="html",
                    show_default=True,
                    help="Forme / form.",
                ),
                click.option(
                    "--lang",
                    type=click.Choice(LANGUAGES),
                    default=DEFAULT_LANGUAGE,
                    show_default=True,
                    help="Langue / language.",
                ),
                click.option(
                    "--output",
                    "-o",
                    type=click.Path(dir_okay=False, path_type=Path),
                    help="Fichier à écrire (sinon la sortie standard) / file to write (default: stdout).",
                ),
            )
        ):
            command = option(command)
        return command

    return decorate
