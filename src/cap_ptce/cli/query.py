"""``cap-ptce query``: run a ready-made query, a SPARQL text or a ``.rq`` file."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..errors import InputFileError, ParameterError, QueryMemoryError, QuerySyntaxError
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, both
from ..queries import ReadyQuery, get_query, list_queries, read_query
from .outputs import refuse_overwriting

__all__ = ["COMMANDS", "query"]

RESULT_FORMATS = ("csv", "json", "tsv", "xml")

EPILOG = """\b
Exemples / examples:
  cap-ptce query --list
  cap-ptce query --name projets-par-dispositif --param dispositif=pat
  cap-ptce query --name projets-par-region --format json
  cap-ptce query "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
  cap-ptce query --file ma-requete.rq --store var/store
  cap-ptce query --name couverture-par-question --store http://127.0.0.1:7878/query
\b
Sans --store ni --corpus (ni CAP_PTCE_STORE, CAP_PTCE_CORPUS), la requête porte
sur le corpus d'exemple et le registre embarqués.
Without --store or --corpus (or CAP_PTCE_STORE, CAP_PTCE_CORPUS), the query runs
on the embedded sample corpus and register.
"""


@click.command("query", epilog=EPILOG)
@click.argument("sparql", required=False)
@click.option(
    "--name", "-n", "name", metavar="NAME", help="Nom d'une requête prête à l'emploi / a ready-made query's name."
)
@click.option(
    "--file", "-f", "file", type=click.Path(dir_okay=False), help="Fichier .rq à exécuter / a .rq file to run."
)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="K=V",
    help="Paramètre de la requête (répétable) / a query parameter (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default="csv",
    show_default=True,
    help="Format des résultats / result format.",
)
@click.option(
    "--raw",
    is_flag=True,
    help="CSV : les cellules telles quelles, sans neutraliser les formules de tableur / "
    "CSV: cells as they are, spreadsheet formulas not neutralised.",
)
@click.option(
    "--store",
    metavar="DIR|URL",
    help="Base sur disque ou URL d'un point SPARQL / an on-disk store or a SPARQL endpoint URL.",
)
@click.option(
    "--corpus",
    type=click.Path(file_okay=False),
    help="Dossier de descriptions à charger en mémoire / descriptions to load in memory.",
)
@click.option(
    "--list", "list_only", is_flag=True, help="Lister les requêtes prêtes à l'emploi / list the ready-made queries."
)
@click.option("--show", is_flag=True, help="Afficher le SPARQL sans l'exécuter / print the SPARQL without running it.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="Langue de --list / language of --list.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default="-",
    help="Fichier de sortie / output file.",
)
def query(sparql, name, file, params, fmt, raw, store, corpus, list_only, show, lang, output) -> int:
    """Interroger le corpus en SPARQL / query the corpus in SPARQL.

    Exécute une requête prête à l'emploi (--name), un texte SPARQL ou un
    fichier .rq, et écrit les résultats en CSV, JSON, TSV ou XML.
    Runs a ready-made query, a SPARQL text or a .rq file, and writes the
    results as CSV, JSON, TSV or XML.
    """
    if list_only:
        return _write(_listing(fmt, lang).encode("utf-8"), output)
    refuse_overwriting(output, _inputs(file, corpus))
    chosen = _chosen_query(sparql, name, file)
    text = chosen.build(_parse_params(params))
    if show:
        return _write(text.encode("utf-8"), output)
    try:
        written = text if name is not None else chosen.as_written(text)  # a user's query: at its own lines
        results = _run(written, fmt, store, corpus, ready_made=name is not None)
    except QuerySyntaxError as exc:
        if file and exc.source is None:  # the line and column are the file's: say which file
            exc.source = file
        raise
    if fmt == "csv" and not raw:
        from ..sparql.csvsafe import neutralise_csv

        results = neutralise_csv(results)
    return _write(results, output)


def _inputs(file: str | None, corpus: str | None) -> list[Path]:
    """The files the command reads: the query's, and the corpus's descriptions."""
    found = [Path(file)] if file else []
    if corpus and Path(corpus).is_dir():
        from ..corpus import corpus_files

        found += corpus_files(Path(corpus)).values()
    return found


def _write(data: bytes, output: Path) -> int:
    """``data`` to the output file, or to standard output for ``-``."""
    if str(output) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputFileError(
            f"écriture impossible / cannot write: {exc.strerror or exc}",
            source=str(output),
            hint="vérifier le dossier et les droits / check the folder and permissions",
        ) from exc
    return 0


def _run(text: str, fmt: str, store: str | None, corpus: str | None, *, ready_made: bool) -> bytes:
    """Results of ``text`` on the knowledge base that --store and --corpus name, as ``fmt``.

    A ready-made query gives every row, as on the web; another, at most MAX_RESULT_ROWS.
    """
    # Imported here: opening the store and the endpoint's modules is slow, and --list needs neither.
    from ..queries import READY_MADE_MAX_ROWS
    from ..queries.results import serialise
    from ..settings import defaults, with_environ
    from ..store.build import build_kb

    given = {"STORE": store, "CORPUS": corpus, "QUERY_WORKERS": 1, "WORKERS_IN_MEMORY": False}
    config = {**defaults(), "QUERY_MEMORY_MB": _half_the_memory(), **with_environ(given)}
    max_rows = READY_MADE_MAX_ROWS if ready_made else int(config["MAX_RESULT_ROWS"])
    with build_kb(config) as kb, _workers_quiet():
        if store and kb.derived_facts_outdated():
            click.echo(both("load.derived_outdated", store=store), err=True)
        timeout = None if kb.is_remote else _NO_TIME_LIMIT
        try:
            rows = serialise(kb, text, fmt, max_rows=max_rows, ready_made=ready_made, timeout=timeout)[0]
        except QueryMemoryError as exc:  # on one's own copy already: what to change is the cap
            raise QueryMemoryError(
                exc.message,
                hint="ajoutez LIMIT ou restreignez les motifs, ou relevez la limite : CAP_PTCE_QUERY_MEMORY_MB=… "
                "(en Mio) / add LIMIT or narrow its patterns, or raise the cap: CAP_PTCE_QUERY_MEMORY_MB=… (MiB)",
            ) from None
        unread = len(kb.unread_files()) if store else 0  # the rows leave them out: said beside them, as pages do
        if unread:  # after the rows are made: beside a refused query, it would only be in the way
            click.echo(both("load.unread_files", count=unread, store=store), err=True)
        return rows


@contextmanager
def _workers_quiet():
    """The worker's own words (the engine's panic, its memory cap) are the server's log lines: here the error
    message says them, once."""
    logger = logging.getLogger("cap_ptce.sparql.pool")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(before)


# On a store of one's own, a query runs in a worker process, as on the server, but without its time limit and with
# half the machine's memory (unless CAP_PTCE_QUERY_MEMORY_MB says otherwise): a query the engine gives up on (a
# panic: ORDER BY over values of different kinds) or one that would take the machine's memory (the engine on a
# damaged store) ends the worker, and the command says why, instead of dying with a Rust backtrace.
_NO_TIME_LIMIT = 7 * 24 * 3600.0


def _half_the_memory() -> int:
    """Half of this machine's memory, in MiB (0, no cap, where the system does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**21
    except (ValueError, OSError, AttributeError):
        return 0


def _chosen_query(sparql: str | None, name: str | None, file: str | None) -> ReadyQuery:
    given = [flag for flag, value in (("SPARQL", sparql), ("--name", name), ("--file", file)) if value]
    if len(given) != 1:
        got = f" (got {', '.join(given)})" if given else ""
        raise ParameterError(
            "donnez une seule requête : un texte SPARQL, --name NOM ou --file Q.rq / "
            "give exactly one query: a SPARQL text, --name NAME or --file Q.rq" + got,
            hint="« cap-ptce query --list » montre les requêtes prêtes / shows the ready-made queries",
        )
    if name:
        return get_query(name)
    if file:
        return read_query(file)
    if not any(ch.isspace() or ch in "{}" for ch in sparql.strip()) and sparql.strip().endswith(".rq"):
        raise ParameterError(  # a file's name given as the query's text: the engine would say « expected SELECT »
            f"« {sparql} » est un nom de fichier, pas une requête / is a file name, not a query",
            hint=f"lire le fichier avec / read the file with: cap-ptce query --file {sparql}",
        )
    from ..queries import parse_query

    return parse_query(sparql, "query", source="<argument>", require_header=False)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(
                f"--param {pair!r} n'est pas de la forme nom=valeur / is not of the form name=value",
                hint="par ex. / e.g. --param dispositif=pat",
            )
        if key.strip() in params:
            raise ParameterError(
                f"--param {key.strip()!r} est donné deux fois / is given twice",
                key=key.strip(),
                hint="séparez les valeurs par des virgules / separate several values with commas",
            )
        params[key.strip()] = value
    return params


def _listing(fmt: str, lang: str) -> str:
    queries = list_queries()
    if fmt == "json":
        return json.dumps([_summary(q) for q in queries], ensure_ascii=False, indent=2) + "\n"
    lines = []
    for ready in queries:
        names = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in ready.parameters)
        lines.append(f"{ready.name}\t{ready.text(lang)}" + (f"\t[{names}]" if names else ""))
    return "\n".join(lines) + "\n"


def _summary(ready: ReadyQuery) -> dict:
    return {
        "name": ready.name,
        "title": ready.title,
        "description": ready.description,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
            for p in ready.parameters
        ],
    }


COMMANDS = [query]
