"""Loads that lose nothing: atomic writes, a killed load undone, drifted graphs reloaded, no orphan
process, a full disk in one line, and no ``-o`` over an input file."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from cap_ptce.cli import main
from cap_ptce.errors import StoreError
from cap_ptce.store import KnowledgeBase
from kbhelpers import TurtleLoader, count_validator, reference_sources, write_corpus
from servehelpers import CAP_PTCE, cap_ptce_serve

PROJECTS = "SELECT (COUNT(DISTINCT ?p) AS ?n) { GRAPH ?g { ?p a <https://w3id.org/cap-ptce/def#Project> } }"
RECORDS = "SELECT (COUNT(?g) AS ?n) { GRAPH <https://w3id.org/cap-ptce/graphe/provenance> { ?g a <http://www.w3.org/ns/prov#Entity> } }"
COUNTED = "SELECT (COUNT(?p) AS ?n) { GRAPH <https://w3id.org/cap-ptce/graphe/indicateurs> { ?p <https://w3id.org/cap-ptce/def#memberCount> ?c . FILTER(isIRI(?p)) } }"
OLD = 'SELECT (COUNT(DISTINCT ?p) AS ?n) { GRAPH ?g { ?p a <https://w3id.org/cap-ptce/def#Project> } FILTER(CONTAINS(STR(?p), "synthetique-1-")) }'


def small_kb(tmp_path, count=3) -> tuple[KnowledgeBase, Path]:
    corpus = write_corpus(tmp_path / "corpus", count)
    kb = KnowledgeBase.open(tmp_path / "store", workers=1)
    kb.load_reference_graphs(reference_sources())
    kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    return kb, corpus


def number(kb: KnowledgeBase, query: str) -> int:
    return int(kb.select(query)[0]["n"].value)


def changed_kb(tmp_path, members: int) -> tuple[KnowledgeBase, Path, list[str]]:
    """A store of three projects, its quads, and its corpus grown to six (``members`` each) for the next load."""
    kb, corpus = small_kb(tmp_path, 3)
    before = sorted(str(quad) for quad in kb.store)
    kb.close()
    write_corpus(corpus, 6, members=members)
    return KnowledgeBase.open(tmp_path / "store", workers=1), corpus, before


def assert_as_before(kb: KnowledgeBase, tmp_path, before: list[str]) -> None:
    """Closed and opened again, the store holds the quads it held before the load; no copy or marker left."""
    kb.close()
    gc.collect()  # whatever still held the store lets it go now
    with KnowledgeBase.open(tmp_path / "store", workers=1) as again:
        assert sorted(str(quad) for quad in again.store) == before
    assert not list(tmp_path.glob("store.*"))


# --- atomicity ---------------------------------------------------------------------------------


# Three more projects: the changed ones written with their derived facts (members=3); every project
# changed: every graph written again in one bulk write (members=5).
@pytest.mark.parametrize("members", [3, 5])
def test_a_load_that_fails_while_writing_leaves_the_store_as_it_was(tmp_path, monkeypatch, members):
    kb, corpus, before = changed_kb(tmp_path, members)
    real = kb._backend.rewrite

    def failing(*, drop, add):
        lines = (add if isinstance(add, bytes) else b"".join(add)).splitlines(keepends=True)
        real(drop=drop, add=b"".join(lines[: len(lines) // 2]))  # half the quads written, then the disk fails
        raise StoreError("cannot write the store: disk on fire")

    monkeypatch.setattr(kb._backend, "rewrite", failing)
    with pytest.raises(StoreError, match="disk on fire"):
        kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    assert_as_before(kb, tmp_path, before)


def test_a_load_that_fails_once_its_descriptions_are_written_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    kb, corpus, before = changed_kb(
        tmp_path, 5
    )  # every project changed: the descriptions' bulk load, then the derived graphs'
    writes = []
    real = kb._backend.rewrite

    def full_disk(*, drop, add):
        writes.append(drop)
        if len(writes) == 2:
            raise StoreError("no space left on the device")
        real(drop=drop, add=add)

    monkeypatch.setattr(kb._backend, "rewrite", full_disk)
    with pytest.raises(StoreError, match="no space left"):
        kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    assert len(writes) == 2  # the descriptions were written
    assert_as_before(kb, tmp_path, before)


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError])
@pytest.mark.parametrize("held_by", ["a frame", "a closure"])
def test_a_load_stopped_while_something_holds_the_store_leaves_it_as_it_was(tmp_path, monkeypatch, stop, held_by):
    """Ctrl-C, or a failing disk, while the store is in use: the failure's frames (their locals, or a function
    that closes over the store) held it open while its folder was put back, and once they went, RocksDB wrote
    over the copy put back. Frames are cleared, and a store still held is put back by the next open."""
    from cap_ptce.store import local

    kb, corpus, before = changed_kb(tmp_path, 5)  # every project changed: one bulk write
    real = local.bulk_load_pieces

    def stopped(store, pieces, loaders):
        real(store, [next(iter(pieces))], 1)  # a piece written, then the stop

        def closing_over_the_store():  # as a comprehension over ``store`` does
            raise stop(f"stopped with {len(store)} quads")

        if held_by == "a closure":
            closing_over_the_store()
        raise stop("stopped")

    monkeypatch.setattr(local, "bulk_load_pieces", stopped)
    with pytest.raises((KeyboardInterrupt, StoreError)):
        kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    if held_by == "a frame":  # put back at once
        assert not list(tmp_path.glob("store.*"))
    assert_as_before(kb, tmp_path, before)


def test_a_graph_changed_behind_the_knowledge_bases_back_is_loaded_again(tmp_path):
    kb, corpus = small_kb(tmp_path, 3)
    graph = ox.NamedNode("https://w3id.org/cap-ptce/projet/p1/graphe")
    planted = ox.Quad(
        ox.NamedNode("https://w3id.org/cap-ptce/projet/p1"),
        ox.NamedNode("urn:x:note"),
        ox.Literal("texte présent dans aucun fichier"),
        graph,
    )
    kb.store.add(planted)  # as a crash of an older version, or a hand edit, left it
    report = kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    outcomes = {outcome.source: outcome for outcome in report.outcomes}
    assert outcomes["projet-1.ttl"].status == "updated" and "checksum" in outcomes["projet-1.ttl"].note
    assert {outcomes[s].status for s in ("projet-2.ttl", "sous-dossier/projet-0.ttl")} == {"unchanged"}
    assert planted not in kb.store
    again = kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    assert {outcome.status for outcome in again.outcomes} == {"unchanged"}
    kb.close()


def test_every_record_carries_the_checksum_of_its_graph(tmp_path):
    kb, _ = small_kb(tmp_path, 2)
    for record in kb.records():
        assert record.content and len(record.content) == 64
        assert kb._backend.graph_digests([record.graph])[record.graph] == record.content
    kb.close()


def generated_store(tmp_path: Path) -> tuple[Path, Path]:
    """A store of 300 generated descriptions (seed 1), and a corpus of 300 others (seed 2)."""
    assert main(["generate", "300", "--seed", "1", "-o", str(tmp_path / "ancien")]) == 0
    assert main(["generate", "300", "--seed", "2", "-o", str(tmp_path / "nouveau")]) == 0
    assert main(["load", str(tmp_path / "ancien"), "--store", str(tmp_path / "store"), "--no-validate"]) == 0
    return tmp_path / "store", tmp_path / "nouveau"


@pytest.mark.slow
def test_a_load_killed_while_writing_is_undone_and_serve_shows_the_old_corpus_whole(tmp_path):
    store, new_corpus = generated_store(tmp_path)
    marker = store.with_name(store.name + ".before-load.complete")
    load = subprocess.Popen(
        [CAP_PTCE, "load", str(new_corpus), "--store", str(store), "--no-validate", "--replace"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while not marker.exists() and load.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert marker.exists(), "the load never began to write"
    # Killed once it began to write: the reference graphs written again, the descriptions and their derived
    # facts being worked out or written in one bulk write (too short a window to aim at from here).
    assert load.poll() is None, "the load ended before it could be killed in the middle of its writes"
    load.send_signal(signal.SIGKILL)
    load.wait(30)
    assert marker.exists(), "the load was not killed in the middle of its writes"
    with cap_ptce_serve(tmp_path, "--store", str(store), "--set", "WARM_PAGES=false") as live:
        figures = {
            name: int(
                requests.post(live.url + "/sparql", data={"query": query, "format": "csv"}, timeout=60).text.split()[1]
            )
            for name, query in {"projects": PROJECTS, "records": RECORDS, "counted": COUNTED, "old": OLD}.items()
        }
        ready_made = requests.get(live.url + "/requetes/projets-par-maturite.csv", timeout=60).text.splitlines()[1:]
        assert "did not end" in live.log_text()
    # the ready-made queries, which read the indicators, count the same projects as a COUNT over the graphs
    assert sum(int(line.split(",")[2]) for line in ready_made) == 300, ready_made
    assert figures == {"projects": 300, "records": 300, "counted": 300, "old": 300}, figures
    assert not marker.exists() and not store.with_name(store.name + ".before-load").exists()
    # and the next load goes through, whole
    assert main(["load", str(new_corpus), "--store", str(store), "--no-validate", "--replace"]) == 0
    with KnowledgeBase.open(store, workers=1) as kb:
        assert number(kb, PROJECTS) == number(kb, RECORDS) == number(kb, COUNTED) == 300 and number(kb, OLD) == 0

        gc.collect()


# --- processes, disks, outputs ----------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.slow
def test_no_process_outlives_a_load_killed_while_validating(tmp_path):
    assert main(["generate", "60", "--seed", "4", "-o", str(tmp_path / "corpus")]) == 0
    load = subprocess.Popen(
        [CAP_PTCE, "load", str(tmp_path / "corpus"), "--store", str(tmp_path / "store"), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = [
            pid
            for pid in children_of(load.pid)
            if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        ]
        time.sleep(0.2)
    assert len(workers) >= 2, "the load did not start its validating processes"
    time.sleep(2)  # they are validating
    load.kill()
    load.wait(30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not [pid for pid in workers if alive(pid)], "validating processes outlived the killed load"


def test_ctrl_c_ends_the_reading_processes_at_once_not_after_the_batches_handed_to_them():
    """A terminal's Ctrl-C reaches every process of the load. A reading process leaves it to its parent, which
    ends it at once: not after its batch, nor after the batch waiting in its queue (250 files, 4 s each)."""
    from concurrent.futures.process import BrokenProcessPool

    from cap_ptce.validation.processes import process_pool

    with pytest.raises(KeyboardInterrupt):
        with process_pool(1) as pool:
            child = pool.submit(os.getpid).result(timeout=60)
            busy, queued = pool.submit(time.sleep, 60), pool.submit(os.getpid)
            time.sleep(0.5)  # the child is in its batch
            os.kill(child, signal.SIGINT)  # Ctrl-C reaches it too: its parent decides
            time.sleep(0.2)
            assert alive(child) and not busy.done()
            raise KeyboardInterrupt  # the parent's own Ctrl-C
    assert not alive(child)  # ended, not left to sleep its minute
    for future in (busy, queued):  # neither batch read for nothing
        assert future.cancelled() or isinstance(future.exception(timeout=5), BrokenProcessPool)


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_exit_code_2(tmp_path):
    write_corpus(tmp_path / "corpus", 40, members=30)
    (tmp_path / "petit").mkdir()
    script = (
        f"mount -t tmpfs -o size=1m tmpfs {tmp_path / 'petit'} && "
        f"exec {CAP_PTCE} load {tmp_path / 'corpus'} --store {tmp_path / 'petit' / 'store'} --no-validate"
    )
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "unshare" not in done.stderr, f"a private tmpfs needs user namespaces: {done.stderr}"
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no space left on device" in lines[0].lower(), done.stderr[-2000:]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["convert", "{a}", "--to", "yaml", "-o", "{a}"],
        ["convert", "{a}", "--to", "turtle", "-o", "{link}"],
        ["validate", "{a}", "-o", "{a}"],
        ["validate", "{folder}", "--format", "turtle", "-o", "{b}"],
        ["query", "--file", "{q}", "-o", "{q}"],
        ["query", "--corpus", "{folder}", "SELECT * {{}}", "-o", "{b}"],
        ["publish", "{folder}", "--corpus", "{folder}"],
    ],
    ids=["convert", "convert-through-a-link", "validate", "validate-a-folder", "query-file", "query-corpus", "publish"],
)
def test_an_output_is_never_one_of_the_inputs(tmp_path, capsys, command):
    from cap_ptce.resources import data_dir

    folder = tmp_path / "corpus"
    folder.mkdir()
    a = folder / "a.yaml"
    a.write_bytes((data_dir("corpus") / "pole-saveurs-somme.yaml").read_bytes())
    b = folder / "b.ttl"
    assert main(["convert", str(a), "--to", "turtle", "-o", str(b)]) == 0
    q = tmp_path / "q.rq"
    q.write_text("SELECT * { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    (tmp_path / "lien.yaml").symlink_to(a)
    names = {"a": a, "b": b, "q": q, "folder": folder, "link": tmp_path / "lien.yaml"}
    before = {path: path.read_bytes() for path in (a, b, q)}
    capsys.readouterr()
    assert main([part.format(**names) for part in command]) == 2
    assert "input" in capsys.readouterr().err
    assert {path: path.read_bytes() for path in (a, b, q)} == before
    assert sorted(p.name for p in folder.iterdir()) == ["a.yaml", "b.ttl"]


def test_one_oserror_is_one_line(tmp_path, capsys):
    out = tmp_path / "absent" / "sous-dossier"
    assert main(["export", "-o", str(out / "grille.ttl")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_planted_module_guard_reaches_the_validating_processes(tmp_path, monkeypatch):
    """A load with --jobs starts spawned processes in the current folder: a module planted there never runs."""
    marker = tmp_path / "ran"
    planted = tmp_path / "dossier" / "multiprocessing"
    planted.mkdir(parents=True)
    (planted / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n", encoding="utf-8")
    write_corpus(tmp_path / "corpus", 45)
    environ = {name: value for name, value in os.environ.items() if name != "PYTHONSAFEPATH"}
    done = subprocess.run(
        [
            CAP_PTCE,
            "load",
            str(tmp_path / "corpus"),
            "--store",
            str(tmp_path / "store"),
            "--jobs",
            "2",
            "--no-validate",
        ],
        cwd=tmp_path / "dossier",
        capture_output=True,
        text=True,
        timeout=600,
        env=environ,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert not marker.exists()


def test_ctrl_c_while_a_failed_load_puts_the_store_back_waits_for_it(tmp_path, monkeypatch):
    """The store is put back in one go: a Ctrl-C meanwhile waits until it is whole again."""
    from cap_ptce.store import checkpoint

    kb, corpus, before = changed_kb(tmp_path, 5)
    real_restore, real_rewrite = checkpoint.Checkpoint.restore, kb._backend.rewrite

    def restore(self):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C again, in the middle of putting the store back
        time.sleep(0.2)
        real_restore(self)

    def failing(*, drop, add):
        real_rewrite(drop=drop, add=add)
        raise StoreError("cannot write the store: disk on fire")

    monkeypatch.setattr(checkpoint.Checkpoint, "restore", restore)
    monkeypatch.setattr(kb._backend, "rewrite", failing)
    with pytest.raises(StoreError, match="disk on fire"):
        kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    assert_as_before(kb, tmp_path, before)


def test_a_store_rocksdb_finds_damaged_as_a_load_begins_is_one_store_error(tmp_path):
    """RocksDB's own error (an altered block of a file) is the store's error, with what to do: not a traceback."""
    kb, corpus = small_kb(tmp_path, 3)
    real = kb._backend._store

    class Damaged:
        def flush(self):
            raise RuntimeError("Corruption: block checksum mismatch: stored = 1, computed = 2")

        def __getattr__(self, name):
            return getattr(real, name)

    kb._backend._store = Damaged()
    write_corpus(corpus, 4)
    with pytest.raises(StoreError, match="damaged") as caught:
        kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    assert "block checksum mismatch" in str(caught.value) and "cap-ptce load" in caught.value.hint
    kb._backend._store = real
    kb.close()
