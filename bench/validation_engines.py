"""Benchmark: the fast validation engine against pySHACL, in one run, on the same files.

Target (issue 16, point 3): ``cap-ptce validate`` checks 1,000 generated files
(``cap-ptce generate 1000 --seed 1``) at 100 files a second or more on 2 cores,
with pySHACL's verdicts and results.

Each figure is one whole command in a fresh process (start-up, imports, shapes
included), run as a user would, ``--jobs`` left at its default (every CPU):

- the 1,000 files with ``--engine fast`` and with ``--engine pyshacl`` (pySHACL
  in batches of 50, as before the fast engine), each as ``--format json``; the
  two JSON reports must be identical, or the benchmark fails;
- one file of the sample corpus, cold, with each engine (median of several runs).

Wall time depends on what else the machine runs: the load average before and
after is written beside the figures, and so is the CPU time of each command
(its own and its workers'), which depends less on it.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.validation import _machine  # the same description of the machine
from cap_ptce.resources import data_dir

BIN = Path(sys.executable).parent
FILES = 1000
SEED = 1
TARGET = 100  # files a second
COLD_RUNS = 5
ENGINES = ("fast", "pyshacl")
BUSY_LOAD = 1.0  # a load average from which the wall times are not those of a quiet machine


def run(results_dir: Path) -> dict:
    """Time both engines, check they agree, write validation_engines.json and .md into ``results_dir``."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-engines-") as tmp:
        folder = Path(tmp) / "generated"
        _command(["generate", str(FILES), "--seed", str(SEED), "-o", str(folder)])
        many = {engine: _timed(["validate", str(folder), "--engine", engine, "--format", "json"]) for engine in ENGINES}
        one = sorted(data_dir("corpus").glob("*.yaml"))[0]
        cold = {
            engine: [_timed(["validate", str(one), "--engine", engine]) for _ in range(COLD_RUNS)] for engine in ENGINES
        }
    if many["fast"]["output"] != many["pyshacl"]["output"]:
        raise RuntimeError("the fast engine and pySHACL gave different reports on the generated files")
    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "files": FILES,
        "seed": SEED,
        "target_files_per_second": TARGET,
        "reports_identical": True,
        "exit_code": many["fast"]["code"],
        "many": {engine: _summary(many[engine], FILES) for engine in ENGINES},
        "cold_one_file": {engine: _cold(cold[engine]) for engine in ENGINES},
    }
    figures["target_met"] = figures["many"]["fast"]["files_per_second"] >= TARGET
    # The load average after the run counts the benchmark's own two processes (about 1.5 after 80 s on
    # 2 cores): only the one before says whether other work shared the machine.
    figures["busy_machine"] = load_before[0] >= BUSY_LOAD
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "validation_engines.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    (results_dir / "validation_engines.md").write_text(_markdown(figures), encoding="utf-8")
    return figures


def _command(arguments: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "cap-ptce"), *arguments], capture_output=True, check=False)


def _timed(arguments: list[str]) -> dict:
    """Wall and CPU seconds (the command's and its workers') of one command, its exit code and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = _command(arguments)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"cap-ptce {' '.join(arguments)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return {"wall": wall, "cpu": cpu, "code": done.returncode, "output": done.stdout}


def _summary(timed: dict, files: int) -> dict:
    return {
        "seconds": round(timed["wall"], 2),
        "cpu_seconds": round(timed["cpu"], 2),
        "files_per_second": round(files / timed["wall"], 1),
        "exit_code": timed["code"],
    }


def _cold(runs: list[dict]) -> dict:
    return {
        "runs": len(runs),
        "median_seconds": round(statistics.median(r["wall"] for r in runs), 2),
        "median_cpu_seconds": round(statistics.median(r["cpu"] for r in runs), 2),
    }


def _markdown(figures: dict) -> str:
    machine, many, cold = figures["machine"], figures["many"], figures["cold_one_file"]
    fast, reference = many["fast"], many["pyshacl"]
    verdict = "met" if figures["target_met"] else "NOT met"
    lines = [
        "# Validation engines / moteurs de validation",
        "",
        f"Date: {figures['date']}. Machine: {machine['cpu']} ({machine['cpus']} CPU), {machine['platform']}, "
        f"Python {machine['python']}, rdflib {machine['rdflib']}, pySHACL {machine['pyshacl']}.",
        f"Load average (1, 5, 15 min) before: {figures['load_average_before']}, after: "
        f"{figures['load_average_after']} (the figure after counts the benchmark's own processes).",
        "",
    ]
    if figures["busy_machine"]:
        lines += [
            f"**Measured on a busy machine** (load average {BUSY_LOAD} or more): the wall times, and so the "
            "verdict, are not a quiet machine's; run it again alone.",
            "",
        ]
    lines += [
        f"**Target: {figures['target_files_per_second']} files a second on `cap-ptce validate` of "
        f"{figures['files']} generated files (`cap-ptce generate {figures['files']} --seed {figures['seed']}`): "
        f"{verdict}** ({fast['files_per_second']} files a second; {fast['cpu_seconds']} CPU seconds in all, "
        f"{round(1000 * fast['cpu_seconds'] / figures['files'], 1)} ms a file).",
        "",
        "Each figure is one command in a fresh process, `--jobs` at its default (every CPU), `--format json`.",
        "The two engines' JSON reports are identical (checked by the benchmark, byte for byte); "
        f"exit code {figures['exit_code']}.",
        "",
        "| command | wall (s) | CPU (s) | files a second |",
        "| --- | ---: | ---: | ---: |",
        f"| `cap-ptce validate DIR --engine fast` | {fast['seconds']} | {fast['cpu_seconds']} | "
        f"{fast['files_per_second']} |",
        f"| `cap-ptce validate DIR --engine pyshacl` (batches of 50) | {reference['seconds']} | "
        f"{reference['cpu_seconds']} | {reference['files_per_second']} |",
        f"| speed-up | {round(reference['seconds'] / fast['seconds'], 1)}× | "
        f"{round(reference['cpu_seconds'] / fast['cpu_seconds'], 1)}× | |",
        "",
        f"CPU time is what the machine's load changes least: {fast['cpu_seconds']} s for {figures['files']} files is "
        f"{round(figures['files'] / (fast['cpu_seconds'] / machine['cpus']))} files a second if the command had its "
        f"{machine['cpus']} CPUs to itself (an upper bound, not a measurement).",
        "",
        f"One file of the sample corpus, cold (a new process), median of {cold['fast']['runs']} runs:",
        "",
        "| engine | wall (s) | CPU (s) |",
        "| --- | ---: | ---: |",
    ]
    for engine in ENGINES:
        lines.append(f"| {engine} | {cold[engine]['median_seconds']} | {cold[engine]['median_cpu_seconds']} |")
    lines += [
        "",
        "Why: the fast engine follows pySHACL's algorithm on a dictionary index of each description instead of",
        "rdflib's graph, writes no result text, and answers the SHACL-SPARQL constraints (SIREN, SIRET, EPCI check",
        "digits) of a whole batch with one Oxigraph query each, given the batch as N-Quads text; it does not import",
        "pySHACL (half a second). Either engine runs Python's cycle collector every 50,000 new objects while it",
        "validates files (700 by default: a fifth of the fast engine's CPU went to it). See docs/validation.md.",
        "",
        "Run again with `python -m bench validation_engines` (part of `make bench`).",
        "",
    ]
    return "\n".join(lines)
