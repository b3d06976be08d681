"""The SPARQL servers that bench/servers.py and bench/servers_large.py compare: how each loads, starts and stops.

Every server listens on a free port of 127.0.0.1 and keeps its files in the
benchmark's temporary folder. Those that read N-Quads take the dump of our own
store (``corpus.nq``), so that all hold the same quads.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from .kb import BIN, _free_port, _timed_command, _wait_until_workers_idle

# A throwaway Virtuoso: both ports on 127.0.0.1, an empty ServerRoot (else its own files are served),
# no cap on the rows of a result (Debian's sample ini cuts CONSTRUCTs at 10,000 without a word)
VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = www
[SPARQL]
ResultSetMaxRows = 0
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


@dataclass
class Started:
    """A running server: its process, query URL, and what loading and starting took."""

    process: subprocess.Popen
    url: str
    load_s: float
    ready_s: float


def wait_for_answer(url: str, process: subprocess.Popen, limit: float = 1800) -> float:
    """Seconds until ``url`` answers ``ASK {}`` (a server that loads at start answers once loaded)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped before answering")
        try:
            response = requests.post(url, data={"query": "ASK {}"}, timeout=(1, limit))
            if response.status_code == 200:
                return round(time.perf_counter() - start, 2)
            if response.status_code != 503:  # 503: still starting; anything else will not change
                raise RuntimeError(f"{url} answered {response.status_code} to ASK {{}}")
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {limit:g} s")


def _popen(args: list[str], **options) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options)


_LOAD_SECONDS: dict[Path, float] = {}


def our_store(work: Path, corpus: Path) -> tuple[Path, float]:
    """``cap-ptce load --no-validate`` into a folder (once); the folder and the seconds it took."""
    store = work / "ours-store"
    if store not in _LOAD_SECONDS:
        _LOAD_SECONDS[store] = _timed_command("load", str(corpus), "--store", str(store), "--no-validate")
    return store, _LOAD_SECONDS[store]


def nquads(work: Path, corpus: Path) -> Path:
    """Our store's quads as one N-Quads file, for the servers that load files."""
    dump = work / "corpus.nq"
    if not dump.exists():
        store, _ = our_store(work, corpus)
        ox.Store.read_only(str(store)).dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    return dump


class Server:
    label = route = missing = ""

    def available(self) -> bool:
        return True

    def stop(self, started: Started) -> None:
        started.process.terminate()
        try:
            started.process.wait(10)
        except subprocess.TimeoutExpired:  # uvicorn waits for the request in progress: rdflib may take minutes
            started.process.kill()
            started.process.wait(10)

    def restart(self, started: Started, work: Path) -> Started:
        self.stop(started)
        again = self.serve(work)
        return Started(again.process, again.url, started.load_s, again.ready_s)


class Ours(Server):
    label, route = "our endpoint (`cap-ptce serve`)", "`cap-ptce load --no-validate` (YAML → RDF → store)"

    def start(self, work: Path, corpus: Path) -> Started:
        _, load_s = our_store(work, corpus)
        started = self.serve(work)
        return Started(started.process, started.url, load_s, started.ready_s)

    def serve(self, work: Path) -> Started:
        port = _free_port()
        start = time.perf_counter()
        # a time limit as long as the client's: the default (10 s) would answer 503 on a busy machine
        serve = [str(BIN / "cap-ptce"), "serve", "--store", str(work / "ours-store"), "--port", str(port)]
        process = _popen([*serve, "--timeout", "60"])
        url = f"http://127.0.0.1:{port}/sparql"
        wait_for_answer(url, process)
        ready = _wait_until_workers_idle(process.pid) - start  # every query worker holds the store
        return Started(process, url, 0.0, round(ready, 2))


class Oxigraph(Server):
    label, route = "Oxigraph server", "`oxigraph load` (bulk) of the N-Quads dump"

    def start(self, work: Path, corpus: Path) -> Started:
        dump = nquads(work, corpus)
        start = time.perf_counter()
        subprocess.run(
            [str(BIN / "oxigraph"), "load", "--location", str(work / "oxigraph"), "--file", str(dump)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        load_s = round(time.perf_counter() - start, 2)
        started = self.serve(work)
        return Started(started.process, started.url, load_s, started.ready_s)

    def serve(self, work: Path) -> Started:
        port = _free_port()
        process = _popen(
            [str(BIN / "oxigraph"), "serve", "--location", str(work / "oxigraph")]
            + ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
        )
        url = f"http://127.0.0.1:{port}/query"
        return Started(process, url, 0.0, wait_for_answer(url, process))


class RdflibEndpoint(Server):
    label, route = "rdflib-endpoint", "parses the N-Quads dump at start (rdflib's memory store)"
    missing = "rdflib-endpoint is not installed (it is in the dev extras: pip install -e '.[dev]')"

    def available(self) -> bool:
        return (BIN / "rdflib-endpoint").exists()

    def start(self, work: Path, corpus: Path) -> Started:
        nquads(work, corpus)
        started = self.serve(work)
        return Started(started.process, started.url, started.ready_s, started.ready_s)

    def serve(self, work: Path) -> Started:
        port = _free_port()
        process = _popen(
            [str(BIN / "rdflib-endpoint"), "serve", str(work / "corpus.nq"), "--host", "127.0.0.1", "--port", str(port)]
        )
        url = f"http://127.0.0.1:{port}/"  # its endpoint is its root
        return Started(process, url, 0.0, wait_for_answer(url, process))


class Virtuoso(Server):
    label, route = "Virtuoso 7", "`cap-ptce load --no-validate` through its Graph Store (Digest)"
    missing = "virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource-7-bin)"

    def available(self) -> bool:
        return shutil.which("virtuoso-t") is not None

    def start(self, work: Path, corpus: Path) -> Started:
        started = self.serve(work)
        crud = started.url.replace("http://", "http://dba:dba@") + "-graph-crud-auth"
        load_s = _timed_command("load", str(corpus), "--store", started.url, "--graph-store", crud, "--no-validate")
        return Started(started.process, started.url, load_s, started.ready_s)

    def serve(self, work: Path) -> Started:
        folder = work / "virtuoso"
        (folder / "www").mkdir(parents=True, exist_ok=True)
        http_port = _free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(sql_port=_free_port(), http_port=http_port), encoding="utf-8")
        process = _popen([shutil.which("virtuoso-t"), "+foreground", "+configfile", str(ini)], cwd=folder)
        url = f"http://127.0.0.1:{http_port}/sparql"
        return Started(process, url, 0.0, wait_for_answer(url, process))


SERVERS = {"ours": Ours(), "oxigraph": Oxigraph(), "rdflib-endpoint": RdflibEndpoint(), "virtuoso": Virtuoso()}
