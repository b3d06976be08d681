"""Commands of the knowledge base: ``load`` a corpus into a store, ``serve`` the SPARQL endpoint."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

import click

from ..corpus import DESCRIPTION_SUFFIXES, corpus_files, default_validator, record_validator
from ..corpus.reading import why_ignored
from ..errors import LoadRefusedError, StoreError
from ..i18n import both
from ..settings import from_environ
from ..store import REGISTER_SCOPE, KnowledgeBase, LoadReport
from .progress import ProgressLine

__all__ = ["COMMANDS", "load", "serve", "render_report", "serving_lines"]

LOAD_EPILOG = """\b
Exemples / examples:
  cap-ptce load examples/corpus --store var/store           # dossier Oxigraph / Oxigraph folder
  cap-ptce load autre-corpus/ --store var/store --add       # à côté du premier / beside the first
  cap-ptce load registre/poles --store var/store --registre # le registre des PTCE réels / the register
  cap-ptce load corpus/ --store http://127.0.0.1:7878/query  # serveur SPARQL / SPARQL server
  CAP_PTCE_STORE_TIMEOUT=3600 cap-ptce load …      # serveur lent / slow server (600 s)
"""
_LISTED = 10  # descriptions named before "… and N more"

SERVE_EPILOG = """\b
Exemples / examples:
  cap-ptce serve                                 # grille + corpus d'exemple / grid + sample corpus
  cap-ptce serve --store var/store               # redémarre en une seconde / restarts in a second
  cap-ptce serve --corpus corpus/ --timeout 10
  cap-ptce serve --set TRUSTED_PROXY=127.0.0.1 --set CONNECTIONS_PER_CLIENT=16   # derrière nginx / behind nginx
  cap-ptce serve --port 0                        # un port libre, affiché / a free port, printed

\b
Réglages (docs/settings.md) / settings: --set NAME=VALUE, or CAP_PTCE_NAME=VALUE.

\b
Arrêt / stopping: Ctrl-C, SIGTERM (systemd, docker stop) ou SIGHUP (terminal
fermé) : le store, ses processus et les fichiers qu'ils lisent sont fermés /
Ctrl-C, SIGTERM (systemd, docker stop) or SIGHUP (a terminal closed): the
store, its processes and the files they read are closed.
"""

_SYMBOLS = {"added": "+", "updated": "~", "unchanged": "=", "renamed": ">", "removed": "-", "failed": "!"}
_WORDS = {  # one file's
    "added": "ajouté / added",
    "updated": "mis à jour / updated",
    "unchanged": "inchangé / unchanged",
    "renamed": "renommé / renamed",
    "removed": "retiré / removed",
    "failed": "en échec / failed",
}
_LABELS = {  # two or more files' (in French, 0 and 1 take the singular: « 1 ajouté », « 0 retiré »)
    "added": "ajoutés / added",
    "updated": "mis à jour / updated",
    "unchanged": "inchangés / unchanged",
    "renamed": "renommés / renamed",
    "removed": "retirés / removed",
    "failed": "en échec / failed",
}


def _validation_text(validation) -> str:
    if validation is None:
        return ""
    verdict = "conforme / conforms" if validation.conforms else "non conforme / does not conform"
    text = f"{verdict}, {validation.violations} violation(s), {validation.warnings} avertissement(s) / warning(s)"
    if validation.completeness is not None:
        text += f", complétude / completeness {validation.completeness:.0%}"
    return text


def render_report(report: LoadReport, *, unchanged: bool = False) -> str:
    """The load report as lines of text: one per file (unchanged ones only with ``unchanged``), then the counts."""
    lines = []
    for outcome in report.outcomes:
        if outcome.status == "unchanged" and not unchanged:
            continue
        detail = outcome.error if outcome.status == "failed" else _validation_text(outcome.validation)
        detail = detail.replace("\n", "\n    ") if detail else detail  # a description's every unreadable value
        if outcome.note:
            detail = f"{detail}; {outcome.note}" if detail else outcome.note
        lines.append(
            f"{_SYMBOLS[outcome.status]} {_WORDS[outcome.status]:<20} {outcome.source}"
            + (f"  ({detail})" if detail else "")
        )
    lines += [_ignored_line(name) for name in report.ignored]
    counts = report.counts
    total = ", ".join(f"{counts[status]} {(_LABELS if counts[status] > 1 else _WORDS)[status]}" for status in _LABELS)
    if report.ignored:
        total += f", {len(report.ignored)} " + ("ignorés / ignored" if len(report.ignored) > 1 else "ignoré / ignored")
    lines.append(total)
    return "\n".join(lines)


def _ignored_line(name: str) -> str:
    """A file of the folder that the load did not read, and what would have it read."""
    return f"? {'ignoré / ignored':<20} {name}  ({why_ignored(name)})"


@click.command(epilog=LOAD_EPILOG)
@click.argument("corpus", type=click.Path(path_type=Path))  # not a folder: our own message, in both languages
@click.option(
    "--store",
    required=True,
    metavar="DIR|URL",
    help="Dossier du store Oxigraph, ou URL d'un point d'accès SPARQL 1.1 / "
    "Oxigraph store folder, or URL of a SPARQL 1.1 endpoint.",
)
@click.option(
    "--graph-store",
    metavar="URL",
    help="URL du Graph Store Protocol du serveur (sinon déduite) / the server's Graph Store URL.",
)
@click.option("--no-validate", is_flag=True, help="Ne pas valider les descriptions / do not validate.")
@click.option(
    "--add",
    is_flag=True,
    help="Garder ce que le store contient déjà et y ajouter ce dossier, rangé sous son nom / "
    "keep what the store holds and add this folder beside it, under the folder's name.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Retirer sans demander les descriptions que le dossier n'a plus / "
    "remove without asking the descriptions the folder no longer holds.",
)
@click.option(
    "--registre",
    "register",
    is_flag=True,
    help="Charger ce dossier comme le registre des PTCE réels, à côté du corpus, ses fiches validées sous le profil "
    "du registre / load this folder as the register of real PTCEs, beside the corpus, its records validated under "
    "the register's profile.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Relire chaque graphe et le comparer à sa somme de contrôle, pas seulement à sa taille (4 s pour 1 000 "
    "descriptions) / read every graph back and compare it with its checksum, not only its size.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="CPUs",
    help="Processus pour lire et valider / processes that read and validate.",
)
@click.option(
    "--all",
    "list_all",
    is_flag=True,
    help="Lister aussi les fichiers inchangés (sinon seulement comptés) / "
    "list the unchanged files too (otherwise only counted).",
)
def load(
    corpus: Path,
    store: str,
    graph_store: str | None,
    no_validate: bool,
    add: bool,
    replace: bool,
    register: bool,
    verify: bool,
    jobs: int,
    list_all: bool,
) -> int:
    """Charger un corpus de descriptions dans un store / load a corpus of descriptions into a store.

    Only files whose checksum changed are read again. A store mirrors one
    folder: before removing descriptions that the folder no longer holds (files
    deleted, or another folder loaded before, or a file whose identifier changed),
    load reads the changed files, lists them and asks, or, when it cannot ask,
    stops with exit code 2 (--replace removes them, --add keeps them and adds
    this folder beside them); a file renamed or moved, even edited, is no
    removal. With --registre, the folder is
    the register of real PTCEs: loaded beside the corpus under its own name, never
    removed by a load of the corpus. At a terminal, the standard error tells as
    it goes how many files were read and validated, then that the store is
    being written. The report lists each file added, updated, renamed, removed
    or failed, and counts the unchanged ones (--all lists them). Exit code 0 when every file
    was loaded (conforming or not), 1 when some file could not be read, 2 when
    the store cannot be used or the load is refused (nothing is loaded then;
    a folder with no description into a store with none is refused too),
    130 when interrupted (Ctrl-C: the store stays as it was).
    """
    scope = REGISTER_SCOPE if register else corpus.resolve().name if add else None
    if scope == REGISTER_SCOPE and not register:  # the register's name is taken: its records are not applications
        click.echo(both("load.register_scope", folder=corpus), err=True)
        return 2
    validator = None if no_validate else record_validator if register else default_validator
    files = corpus_files(corpus)  # a folder that is not there: said before a store is made
    if not files and "://" not in store and not Path(store).exists():
        return _empty(corpus, scope)
    if "://" not in store:  # « --store var/store » in a new checkout: the folder it goes in is made too
        _make_parent(Path(store))
    with KnowledgeBase.open(store, graph_store=graph_store, store_timeout=from_environ().get("STORE_TIMEOUT")) as kb:
        if not files and not kb.removals(corpus, scope=scope):  # nothing to load, nothing loaded: the wrong folder
            return _empty(corpus, scope)
        if not files and replace:  # removes every description it loaded: said, though asked for
            click.echo(both("load.no_description", folder=corpus), err=True)
        progress = _progress(validator is not None) if sys.stderr.isatty() else None
        removals = None if replace else _Removals(corpus, progress, empty=not files)
        if removals is not None and removals.refused_unread(kb, files, scope):
            click.echo(both("load.refused_added" if add else "load.refused"), err=True)
            return 2
        try:
            report = kb.load_corpus(
                corpus,
                validator=validator,
                jobs=jobs,
                scope=scope,
                with_references=True,  # all in one atomic write: the old knowledge base or the new one
                license=from_environ().get("LICENSE"),
                verify=verify,
                progress=progress,
                confirm=removals,
            )
        except LoadRefusedError:
            click.echo(both("load.refused_added" if add else "load.refused"), err=True)
            return 2
        finally:
            if progress is not None:
                progress.end()
    if register:
        click.echo(both("load.as_register", folder=corpus))
    elif scope:
        click.echo(both("load.added_as", folder=corpus, scope=scope))
    click.echo(render_report(report, unchanged=list_all))
    return 0 if report.ok else 1


def _make_parent(store: Path) -> None:
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"dossier du store impossible à créer / cannot make the store's folder: {exc.strerror}",
            source=str(store.parent),
            hint="choisissez un --store dans un dossier où vous pouvez écrire / choose a --store in a folder you can "
            "write to",
        ) from None


def _progress(validating: bool) -> ProgressLine:
    """How far a load is: the files read (and validated), then the store written."""
    read = "load.progress.read" if validating else "load.progress.read_only"
    return ProgressLine(
        lambda step, done, total: both(read if step == "read" else f"load.progress.{step}", done=done, total=total)
    )


# Libraries that tell each step at INFO: WeasyPrint wrote seven lines for every PDF a visitor downloaded.
_CHATTY_LOGGERS = ("weasyprint", "fontTools")


def configure_logging() -> None:
    """What ``cap-ptce serve`` prints: our INFO lines (start, requests refused, pages drawn), libraries' warnings;
    each message on one line."""
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


class OneLineFormatter(logging.Formatter):
    """A message's line breaks and other control characters written out (``\\n``): a path a client sent
    (``/a%0A2026-12-07 … ERROR forged``) cannot make a line of the log that the server did not write. A
    traceback after the message keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        record.message = record.message.translate(_CONTROLS)
        return super().formatMessage(record)


_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, 0x85)} | {
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def _empty(corpus: Path, scope: str | None) -> int:
    """Refuse a folder with no description when the store has none of it either: the wrong folder."""
    key = "load.empty" if scope is None else "load.empty_added"
    click.echo(both(key, folder=corpus, scope=scope, suffixes=" ".join(DESCRIPTION_SUFFIXES)), err=True)
    return 2


class _Removals:
    """A load's ``confirm``: say which descriptions it would remove, then ask at a terminal (no when no one can
    answer).

    Someone answers when both the standard input and the standard error, where
    the question goes, are a terminal: with the error sent to a file, the
    question would wait for an answer no one saw.
    """

    def __init__(self, corpus: Path, progress: ProgressLine | None, *, empty: bool) -> None:
        self.corpus, self.progress, self.empty = corpus, progress, empty

    def __call__(self, stale) -> bool:
        self.tell(stale)
        if not self.someone_answers():
            return False
        while True:
            click.echo(both("load.confirm") + ": ", err=True, nl=False)
            try:
                line = input()
            except EOFError:  # Ctrl-D: no answer, nothing removed
                click.echo(err=True)
                return False
            answer = _ANSWERS.get(line.strip().lower() or "n")
            if answer is not None:
                return answer
            click.echo(both("load.answer"), err=True)

    def tell(self, stale, at_least: int | None = None) -> None:
        """Say which descriptions the load would remove (``at_least`` of them, when the files are not read yet)."""
        if self.progress is not None:
            self.progress.end()
        if self.empty:
            click.echo(both("load.no_description", folder=self.corpus), err=True)
        if at_least is None or at_least == len(stale):
            click.echo(both("load.will_remove", count=len(stale), folder=self.corpus), err=True)
        else:
            click.echo(both("load.will_remove_some", count=len(stale), least=at_least, folder=self.corpus), err=True)
        for record in sorted(stale, key=lambda record: record.source)[:_LISTED]:
            click.echo(f"  - {record.source}  <{record.project or record.graph}>", err=True)
        if len(stale) > _LISTED:
            click.echo("  " + both("load.and_more", count=len(stale) - _LISTED), err=True)

    @staticmethod
    def someone_answers() -> bool:
        return sys.stdin.isatty() and sys.stderr.isatty()

    def refused_unread(self, kb: KnowledgeBase, files: dict, scope: str | None) -> bool:
        """Whether the load is refused before reading the files: no one can answer, and more of the store's
        descriptions are gone from the folder than it has files (each file describes one project, so some go
        whatever the files say). Told as a refusal after reading would be; the wrong folder given to a large
        store is refused at once, not after minutes of reading."""
        if self.someone_answers():
            return False
        gone = kb.removals(self.corpus, scope=scope)
        if len(gone) <= len(files):
            return False
        self.tell(gone, at_least=len(gone) - len(files))
        return True


# An answer in French or English; nothing (Enter) is no.
_ANSWERS = {"o": True, "oui": True, "y": True, "yes": True, "n": False, "non": False, "no": False}


@click.command(epilog=SERVE_EPILOG)
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute / address to listen on.")
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0 : un port libre / a free port).",
)
@click.option(
    "--store", metavar="DIR|URL", help="Store à servir (sinon en mémoire) / store to serve (default: memory)."
)
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    help="Corpus à charger au démarrage / corpus to load at start-up.",
)
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Secondes par requête SPARQL / seconds per query.")
@click.option("--workers", type=click.IntRange(min=1), help="Processus de requête / query worker processes.")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Un réglage de docs/settings.md (répétable) / a setting of docs/settings.md (repeatable).",
)
def serve(
    host: str,
    port: int,
    store: str | None,
    corpus: Path | None,
    timeout: float | None,
    workers: int | None,
    assignments: tuple[str, ...],
) -> int:
    """Servir le point d'accès SPARQL et les pages / serve the SPARQL endpoint and the pages."""
    from ..web import create_app
    from ..web.export import stop_warming, warm_in_background
    from ..web.server import make_server
    from ..web.sparql import get_kb

    configure_logging()
    overrides = {**_assigned(assignments), "STORE": store, "CORPUS": str(corpus) if corpus else None}
    overrides.update(QUERY_TIMEOUT=timeout, QUERY_WORKERS=workers)
    app = create_app({name: value for name, value in overrides.items() if value is not None})
    received: list[int] = []  # the signal that stopped the server: waitress's loop ends quietly on _Stopped

    def stop_serving(signum: int, frame: object) -> None:
        received.append(signum)
        # the store first, here: the queries still running end at once, as the server stopping (an answer each),
        # before waitress waits 5 s for their threads and closes their connections; closed after, they wrote to
        # closed sockets (a traceback in the log)
        stop_warming(app)
        if kb is not None:
            kb.close()
        raise _Stopped(0)

    kb = None
    # from here on, the store is closed before exit (see _Stopped); SIGHUP too, as a terminal closed sends it to
    # « make run »: its default ended the process on the spot, leaving the store's copy and checkpoint behind
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, stop_serving)
    try:
        with app.app_context():
            kb = get_kb()  # load now, so that errors show at start and the first query is fast
            if store and kb.derived_facts_outdated():
                click.echo(both("load.derived_outdated", store=store), err=True)
            kb.start_workers(wait=120)  # listen once a worker has the store open: the first client waits no more
            # graphs, not triples: counting the triples reads the whole store (1.5 s at 10,000 descriptions)
            counts = f"{len(kb.graph_names())} graphes / graphs"
        server = make_server(app, host, port)
        if app.config["WARM_PAGES"]:
            warm_in_background(app)
        for line in serving_lines(host, server.effective_port, counts):
            click.echo(line)
        try:
            server.run()
        finally:
            stop_warming(app)
            server.close()
    except _Stopped:  # before the server listened (waitress's loop ends quietly on it)
        pass
    finally:
        if received:
            name = signal.Signals(received[0]).name
            click.echo(f"arrêté ({name}) / stopped ({name})", err=True)
        # here, not at exit: the files the readers read are removed at exit too, and must outlive them
        if kb is not None:
            kb.close()
    return 0


class _Stopped(SystemExit):
    """SIGTERM, as systemd or ``docker stop`` sends it (or SIGHUP, a terminal closed), received by ``serve``.

    Python's own answer to SIGTERM ends the process on the spot: the store was
    not closed, and the N-Quads copy of a memory store (up to gigabytes in the
    temporary folder) or the readers' checkpoint beside a folder stayed behind.
    Raised in the main thread instead, it ends ``serve`` as Ctrl-C does, and
    ``serve`` closes the knowledge base before it returns (its workers and copy
    stopped, then their files removed: at exit, the files would go first). A
    SystemExit, so that nothing on the way takes it: waitress's handlers let
    only SystemExit and KeyboardInterrupt through (they logged any other and
    went on serving), and its loop then ends quietly.
    """


def _assigned(assignments: tuple[str, ...]) -> dict:
    """``--set NAME=VALUE`` options as settings, converted and checked."""
    from ..errors import ParameterError
    from ..settings import parse_setting

    found = {}
    for assignment in assignments:
        name, sep, raw = assignment.partition("=")
        if not sep:
            raise ParameterError(
                f"--set {assignment!r} n'est pas de la forme NOM=VALEUR / is not of the form NAME=VALUE",
                hint="par ex. / e.g. --set QUERY_TIMEOUT=10",
            )
        found[name.strip()] = parse_setting(name.strip(), raw, origin=f"--set {name.strip()}")
    return found


def serving_lines(host: str, port: int, counts: str) -> list[str]:
    """What ``serve`` prints once it listens: the home page's address first, then the other ways in."""
    shown = f"[{host}]" if ":" in host else host
    root = f"http://{shown}:{port}/"
    return [
        f"CAP PTCE : {root}  (accueil / home page; Ctrl-C pour arrêter / to stop)",
        f"  remplir une description / fill a description in : {root}editeur",
        f"  vérifier une description / check a description : {root}valider",
        f"  point d'accès SPARQL / SPARQL endpoint : {root}sparql",
        f"  {counts}",
    ]


COMMANDS = [load, serve]
