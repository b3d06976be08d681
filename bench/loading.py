"""Benchmark: ``cap-ptce load`` against Oxigraph's own bulk loader, on the same generated corpora.

Targets (issue 16, point 1), on 2 cores: 1,000 generated descriptions loaded
into an on-disk store, validation included, in under 8 s; 10,000 in under 60 s.

For each size N (``CAP_PTCE_BENCH_LOAD_SIZES``, default ``1000``; ``1000,10000``
for both targets), in fresh processes, as a user runs them:

- ``cap-ptce generate N --seed 0``, then ``cap-ptce load DIR --store NEW``
  (validation on, ``--jobs`` at its default: every CPU) and the same with
  ``--no-validate``;
- the baseline: the very quads that load wrote (dumped as N-Quads), put into a
  new on-disk store by Oxigraph's bulk loader alone (``Store.bulk_load`` in a
  fresh Python process): what the engine costs, with nothing of ours around it;
- a reload after one file changed, then after one file removed (the
  incremental path: the derived graphs follow the changed description alone),
  and a reload with ``--verify`` (every graph read back and checked against
  its checksum), beside the full load's time.

Wall time depends on what else the machine runs: the load average before and
after is written beside the figures, and so is the CPU time of each command.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.validation import _machine
from bench.validation_engines import _timed

TARGETS = {1000: 8.0, 10000: 60.0}  # seconds, validation included
_BULK = "import sys, pyoxigraph as ox; ox.Store(sys.argv[1]).bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)"

_DUMP = (
    "import sys, pyoxigraph as ox; "
    "ox.Store.read_only(sys.argv[1]).dump(output=sys.argv[2], format=ox.RdfFormat.N_QUADS)"
)


def sizes() -> list[int]:
    return [int(size) for size in os.environ.get("CAP_PTCE_BENCH_LOAD_SIZES", "1000").split(",") if size]


def run(results_dir: Path) -> dict:
    """Time every load of every size; write loading.json and loading.md into ``results_dir``."""
    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "sizes": {},
    }
    for size in sizes():
        figures["sizes"][str(size)] = _one_size(size)
    figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "loading.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    (results_dir / "loading.md").write_text(_markdown(figures), encoding="utf-8")
    return figures


def _one_size(size: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-load-") as tmp:
        folder, work = Path(tmp) / "corpus", Path(tmp)
        _timed(["generate", str(size), "--seed", "0", "-o", str(folder)])
        validated = _timed(["load", str(folder), "--store", str(work / "validated")])
        plain = _timed(["load", str(folder), "--store", str(work / "plain"), "--no-validate"])
        dump = work / "dump.nq"
        _dump(work / "plain", dump)
        engine = _engine_alone(work / "engine", dump)
        first, second = sorted(folder.glob("*.yaml"))[:2]
        first.write_text(first.read_text(encoding="utf-8").replace("ess: true", "ess: false", 1), encoding="utf-8")
        reload = _timed(["load", str(folder), "--store", str(work / "validated")])
        second.unlink()
        removal = _timed(["load", str(folder), "--store", str(work / "validated"), "--replace"])
        verified = _timed(["load", str(folder), "--store", str(work / "validated"), "--verify"])
        quads, by_graph = _quads_by_graph(dump.read_bytes())
    target = TARGETS.get(size)
    return {
        "descriptions": size,
        "quads": quads,
        "quads_by_graph": by_graph,
        "load_validated": _figure(validated, size),
        "load_without_validation": _figure(plain, size),
        "oxigraph_bulk_load_alone": _figure(engine, size),
        "reload_one_changed_file": _figure(reload, 1),
        "reload_one_removed_file": _figure(removal, 1),
        "reload_nothing_changed_verify": _figure(verified, size),
        "ratio_to_engine": round(validated["wall"] / engine["wall"], 1),
        "target_seconds": target,
        "target_met": None if target is None else validated["wall"] < target,
    }


def _quads_by_graph(nquads: bytes) -> tuple[int, dict[str, int]]:
    """How many quads the dump holds, and in which graphs: the descriptions' own graphs counted together."""
    counts: dict[str, int] = {}
    for line in nquads.splitlines():
        graph = line[line.rstrip(b" .").rfind(b" <") + 2 : -3].decode("utf-8") if line else ""
        kind = "descriptions" if graph.endswith("/graphe") and "/graphe/" not in graph else graph
        counts[kind] = counts.get(kind, 0) + 1
    return sum(counts.values()), dict(sorted(counts.items(), key=lambda item: -item[1]))


def _dump(store: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-c", _DUMP, str(store), str(out)], check=True)


def _engine_alone(store: Path, dump: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _BULK, str(store), str(dump)], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "cpu": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, "code": 0}


def _figure(timed: dict, files: int) -> dict:
    return {
        "seconds": round(timed["wall"], 2),
        "cpu_seconds": round(timed["cpu"], 2),
        "files_per_second": round(files / timed["wall"], 1),
    }


def _markdown(figures: dict) -> str:
    machine = figures["machine"]
    lines = [
        "# Loading / chargement",
        "",
        f"Date: {figures['date']}. Machine: {machine['cpu']} ({machine['cpus']} CPU), {machine['platform']}, "
        f"Python {machine['python']}.",
        f"Load average (1, 5, 15 min) before: {figures['load_average_before']}, after: "
        f"{figures['load_average_after']} (the figure after counts the benchmark's own processes)"
        + (
            "; other work shared the machine: read the CPU seconds too."
            if figures["load_average_before"][0] >= 1.0
            else "; nothing else ran before it."
        ),
        "",
        "Each figure is one command in a fresh process; `cap-ptce load` into a new on-disk store, `--jobs` at "
        "its default (every CPU). The baseline is Oxigraph's bulk loader alone on the quads that load wrote.",
        "",
        "| descriptions | quads | command | wall (s) | CPU (s) | descriptions a second |",
        "| ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for size, one in figures["sizes"].items():
        for label, key in (
            ("`cap-ptce load` (validated)", "load_validated"),
            ("`cap-ptce load --no-validate`", "load_without_validation"),
            ("Oxigraph `bulk_load` alone (baseline)", "oxigraph_bulk_load_alone"),
        ):
            f = one[key]
            lines.append(
                f"| {size} | {one['quads']} | {label} | {f['seconds']} | {f['cpu_seconds']} | {f['files_per_second']} |"
            )
        for label, key in (
            ("reload, one file changed", "reload_one_changed_file"),
            ("reload, one file removed", "reload_one_removed_file"),
            ("reload, nothing changed, `--verify`", "reload_nothing_changed_verify"),
        ):
            f = one[key]
            lines.append(f"| {size} | | {label} | {f['seconds']} | {f['cpu_seconds']} | |")
    lines += ["", "## Targets", ""]
    for size, one in figures["sizes"].items():
        if one["target_seconds"] is None:
            continue
        verdict = "met" if one["target_met"] else "NOT met"
        lines.append(
            f"- {size} descriptions, validated, under {one['target_seconds']} s: **{verdict}** "
            f"({one['load_validated']['seconds']} s; {one['ratio_to_engine']}× the engine's bulk load alone)."
        )
    lines += ["", "## What the quads are", ""]
    for size, one in figures["sizes"].items():
        parts = ", ".join(
            f"{graph.rsplit('/', 1)[-1] or graph} {count} ({count / int(size):.0f} a description)"
            for graph, count in one["quads_by_graph"].items()
        )
        lines.append(f"- {size} descriptions, {one['quads']} quads: {parts}.")
    lines += ["", "## Incremental reload", ""]
    for size, one in figures["sizes"].items():
        full, reload = one["load_validated"]["seconds"], one["reload_one_changed_file"]["seconds"]
        lines.append(
            f"- {size} descriptions: one changed file reloaded in {reload} s, "
            f"{round(100 * reload / full)} % of the full validated load ({full} s)."
        )
    return "\n".join(lines) + "\n"
