"""Command of the validation area: ``cap-ptce validate FILE_OR_DIR...``.

Every file is validated, even after one that cannot be read; the report lists
the unreadable ones as errors, and their messages (file, line, hint) also go to
stderr. Exit codes: 2 a file could not be read (or an option is wrong), else 1
at least one description does not conform (a violation), else 0.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import InputFileError
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..validation import ENGINES, REPORT_FORMATS
from .outputs import refuse_overwriting

__all__ = ["COMMANDS", "validate"]


EPILOG = """\b
Exemples / examples:
  cap-ptce validate mon-ptce.yaml
  cap-ptce validate examples/corpus/                  # chaque .yaml, .yml, .ttl, .jsonld du dossier
  cap-ptce validate mon-ptce.yaml --lang en
  cap-ptce validate projets/ --format json -o rapport.json
  cap-ptce validate mon-ptce.ttl --format html -o rapport.html
  cap-ptce validate corpus/ --jobs 1                  # en un seul processus / in one process
  cap-ptce validate mon-ptce.yaml --engine pyshacl    # le moteur de référence / the reference engine
  cap-ptce validate registre/poles/ --profil registre # fiches du registre des PTCE réels / register records

\b
Codes de sortie / exit codes:
  0  conforme / conforms (les avertissements ne font pas échouer / warnings do not fail)
  1  non conforme / does not conform (au moins une violation / at least one violation)
  2  un fichier illisible (les autres sont quand même validés) ou option invalide /
     a file could not be read (the others are validated all the same) or bad option
"""


@click.command("validate", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, metavar="FILE_OR_DIR...", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Forme du rapport / report format.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="Langue des messages / language of the messages.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier du rapport (sinon la sortie standard) / report file (default: stdout).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=lambda: len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
    show_default="les processeurs / the CPUs",
    help="Processus de validation, à partir de 40 fichiers par processus / "
    "validating processes, from 40 files per process.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Moteur de validation (défaut : réglage VALIDATION_ENGINE, fast) / validation engine "
    "(default: the VALIDATION_ENGINE setting, fast); pyshacl: the reference, slower.",
)
@click.option(
    "--profil",
    "profile",
    type=click.Choice(("candidature", "registre")),
    default="candidature",
    show_default=True,
    help="Profil : une description de projet (candidature) ou une fiche du registre des PTCE réels, où la loi, "
    "le décret et la complétude ne sont qu'informations / profile: a project description, or a record of the "
    "register of real PTCEs, where the law, the decree and completeness are information only.",
)
@click.pass_context
def validate(
    ctx: click.Context,
    paths: tuple[Path, ...],
    fmt: str,
    lang: str,
    output: Path | None,
    jobs: int,
    engine: str | None,
    profile: str,
) -> None:
    """Vérifier des descriptions de PTCE / check PTCE descriptions.

    Chaque description est vérifiée contre les formes SHACL de CAP PTCE :
    structure et formats, loi n° 2014-856 (articles 1 et 9), décret n° 2015-431
    (avertissements) et complétude au regard des 18 questions de la grille.
    Le rapport est groupé par entrée de la grille et donne la ligne du YAML.

    Each description is checked against the CAP PTCE SHACL shapes: structure
    and formats, the law's articles 1 and 9, the decree's eligibility conditions
    (warnings) and completeness against the grid's 18 questions.
    """
    from ..validation import Unreadable
    from ..validation.batch import validate_many
    from ..validation.render import render
    from ..validation.report import expand_paths

    refuse_overwriting(output, [*paths, *(f for f in expand_paths(paths, keep_going=True) if isinstance(f, Path))])
    if profile == "registre":
        from ..validation.registre import validate_record_paths

        reports = validate_record_paths(paths, lang=lang)
    else:
        reports = validate_many(paths, lang=lang, jobs=jobs, engine=engine)
    _write(render(reports, fmt), output)
    unreadable = [report for report in reports if isinstance(report, Unreadable)]
    if fmt != "text" or output is not None:  # the text report on the terminal already says it
        for report in unreadable:
            click.echo(f"Erreur : {report.error}", err=True)
    ctx.exit(2 if unreadable else 0 if all(report.conforms for report in reports) else 1)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(
            f"impossible d'écrire le rapport / cannot write the report: {exc.strerror}",
            source=str(output),
            hint="choisir un autre fichier / choose another file",
        ) from exc


COMMANDS = [validate]
