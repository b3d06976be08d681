"""Commands of the description area: ``new`` (a template), ``convert``, ``upgrade`` and ``generate``.

They stay thin: parse the options, call one function of :mod:`cap_ptce.project`
or :mod:`cap_ptce.generate`, write the result. Errors are the library's
(:mod:`cap_ptce.errors`); :func:`cap_ptce.cli.main` prints them with their file,
line and hint and exits with code 2.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..errors import InputFileError
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..project import FORMATS
from ..project import convert as convert_description
from ..project import upgrade as upgrade_description
from ..project.generate import write_synthetic
from ..project.template import MATURITIES, template
from ..rdf.namespaces import BASE
from ..settings import from_environ
from .outputs import refuse_overwriting

__all__ = ["COMMANDS", "new", "convert", "upgrade", "generate"]

NEW_EPILOG = """\b
Exemples / examples:
  cap-ptce new -o mon-ptce.yaml                     # projet émergent : questions au futur
  cap-ptce new --maturite etabli -o mon-ptce.yaml   # projet établi : questions au présent
  cap-ptce new --lang en > my-ptce.yaml             # comments in English
"""

CONVERT_EPILOG = """\b
Exemples / examples:
  cap-ptce convert mon-ptce.yaml --to turtle -o mon-ptce.ttl
  cap-ptce convert mon-ptce.ttl --to yaml           # Turtle -> YAML des porteurs
  cap-ptce convert mon-ptce.yaml --to json-ld
"""

UPGRADE_EPILOG = """\b
Exemples / examples:
  cap-ptce upgrade ancien.yaml                      # la version 2 sur la sortie standard
  cap-ptce upgrade ancien.yaml -o nouveau.yaml      # dans un autre fichier
  cap-ptce upgrade mon-ptce.yaml -o mon-ptce.yaml   # à la place de l'ancien (les commentaires se perdent)
"""

GENERATE_EPILOG = """\b
Exemples / examples:
  cap-ptce generate 1000 -o /tmp/corpus             # 1 000 descriptions synthétiques
  cap-ptce generate 50 --seed 7 -o /tmp/corpus-7    # même graine, mêmes octets / same seed, same bytes
  cap-ptce generate 200 --incomplete 0.3 --invalid 0.1 -o /tmp/corpus-reel
                       # 30 % laissées incomplètes, 10 % hors de la loi / 30 % incomplete, 10 % outside the law
"""


def _base_iri() -> str:
    return from_environ().get("BASE_IRI") or BASE


def _write_text(text: str, output: Path | None, force: bool = True) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists() and not force:
        raise InputFileError(
            "le fichier existe déjà / the file already exists",
            source=str(output),
            hint="choisir un autre nom ou ajouter --force / choose another name, or add --force",
        )
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(
            f"écriture impossible / cannot write the file: {exc.strerror or exc}",
            source=str(output),
            hint="vérifier le dossier / check the folder exists and is writable",
        ) from exc


@click.command("new", epilog=NEW_EPILOG)
@click.option(
    "--maturite",
    type=click.Choice(MATURITIES),
    default="emergent",
    show_default=True,
    help="Maturité du projet ; « emergent » pose les questions au futur / "
    "project maturity; 'emergent' asks the questions in the future tense.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="Langue des commentaires et des questions / language of comments and questions.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier à créer (sinon la sortie standard) / file to create (default: stdout).",
)
@click.option("--force", is_flag=True, help="Remplacer le fichier s'il existe / replace the file if it exists.")
def new(maturite: str, lang: str, output: Path | None, force: bool) -> None:
    """Écrire une description à remplir / write a description to fill in.

    Chaque question de la grille y figure en commentaire, au bon temps, avec ses
    exemples ; les valeurs à remplacer commencent par « À COMPLÉTER ». /
    Every grid question is there as a comment, in the right tense, with its examples;
    values to replace start with "À COMPLÉTER" ("TO COMPLETE" in English).
    """
    _write_text(template(maturite, lang), output, force=force)


_FORMAT_NAMES = (*FORMATS, "jsonld")  # the suffix's spelling, as the carrier may type it


def _format_name(_context, _parameter, value: str | None) -> str | None:
    return "json-ld" if value == "jsonld" else value


@click.command("convert", epilog=CONVERT_EPILOG)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--to",
    "to",
    type=click.Choice(_FORMAT_NAMES),
    callback=_format_name,
    required=True,
    help="Format de sortie / output format.",
)
@click.option(
    "--from",
    "source_format",
    type=click.Choice(_FORMAT_NAMES),
    callback=_format_name,
    help="Format d'entrée, si l'extension ne le dit pas / input format, if the suffix does not tell.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier de sortie (sinon la sortie standard) / output file (default: stdout).",
)
def convert(file: Path, to: str, source_format: str | None, output: Path | None) -> None:
    """Convertir une description entre YAML, Turtle et JSON-LD / convert a description.

    La conversion garde toutes les données : YAML -> Turtle -> YAML redonne le
    même graphe. Une liste de textes ou d'identifiants (objectifs, compétences,
    communes, participants…) y est un ensemble : elle revient triée ; les listes
    de blocs (acteurs, actions…) gardent leur ordre. Les commentaires ne sont pas
    gardés. / All the data is kept: YAML -> Turtle -> YAML gives the same graph
    back. A list of texts or identifiers (objectives, skills, communes,
    participants…) is a set there: it comes back sorted; lists of blocks (actors,
    actions…) keep their order. Comments are not kept.
    """
    refuse_overwriting(output, [file])
    text = convert_description(file, to, base=_base_iri(), format=source_format)
    _write_text(text, output)


@click.command("upgrade", epilog=UPGRADE_EPILOG)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier à écrire, le même que FILE pour le remplacer (sinon la sortie standard) / "
    "file to write, FILE itself to replace it (default: stdout).",
)
def upgrade(file: Path, output: Path | None) -> None:
    """Réécrire une description dans la version 2 du format / rewrite a description in format version 2.

    Rien n'est perdu : la description réécrite donne le même graphe RDF. Les
    réponses rédigées passent sous leur entrée (q01: …) ; les commentaires ne
    sont pas gardés. / Nothing is lost: the rewritten description gives the
    same RDF graph. Written answers move under their entry; comments are not kept.
    """
    _write_text(upgrade_description(file, base=_base_iri()), output)


@click.command("generate", epilog=GENERATE_EPILOG)
@click.argument("count", metavar="N", type=click.IntRange(0, 1_000_000))
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Graine : la même graine donne les mêmes fichiers / seed: the same seed gives the same files.",
)
@click.option(
    "--output",
    "-o",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier où écrire les fichiers / folder to write the files into.",
)
@click.option(
    "--incomplete",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Part des descriptions laissées incomplètes (1 à 4 questions sans réponse) / "
    "share of descriptions left incomplete (1 to 4 questions unanswered).",
)
@click.option(
    "--invalid",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Part des descriptions hors de la définition légale (loi n° 2014-856, art. 9) / "
    "share of descriptions outside the legal definition (law no. 2014-856, art. 9).",
)
def generate(count: int, seed: int, directory: Path, incomplete: float, invalid: float) -> None:
    """Écrire N descriptions synthétiques / write N synthetic descriptions.

    Valides par défaut, variées comme les pôles réels (collèges, co-portages,
    conventions, fédérations, partenaires, territoires sur deux départements) ;
    chaque fichier est marqué fictif. / Valid by default, varied as real poles
    are; every file is marked fictional.
    """
    started = time.perf_counter()
    try:
        paths = write_synthetic(count, directory, seed, incomplete=incomplete, invalid=invalid)
    except OSError as exc:
        raise InputFileError(
            f"écriture impossible dans le dossier / cannot write into the folder: {exc.strerror or exc}",
            source=str(directory),
            hint="vérifier les droits / check the folder is writable",
        ) from exc
    elapsed = time.perf_counter() - started
    click.echo(
        f"{len(paths)} descriptions écrites dans {directory} en {elapsed:.1f} s / "
        f"{len(paths)} descriptions written to {directory} in {elapsed:.1f} s",
        err=True,
    )


COMMANDS = [new, convert, upgrade, generate]
