"""Benchmark: ``cap-ptce validate`` against pySHACL's own command line, same data, same shapes.

Three cases, each timed as a whole command (a fresh process, so "cold": Python
start-up, imports, parsing the shapes) and reported as the median of several runs:

1. one description of the sample corpus;
2. the whole sample corpus, in one command;
3. 1,000 descriptions written by ``cap-ptce generate 1000 --seed 0``, in one command.
   pySHACL's command line takes several seconds per description here (it parses the
   SPARQL of the check digits again for every value), so it is timed on the
   first 30 of them, beside ``cap-ptce validate`` on the same 30; the per-file
   figures compare the two, and nothing is extrapolated in the table.

Then the batch figures: ``cap-ptce validate`` on all 1,000 files in one process
and with ``--jobs 2``; ``cap-ptce load`` of the 1,000 files into a new store on
disk, with validation (the default, in batches, ``--jobs`` = CPUs) and with
``--no-validate``; and the time from launching ``cap-ptce serve`` (the sample
corpus, validated at start) to its first answered HTTP request.

pySHACL is given what our validation gives it: our merged shapes exported to a
Turtle file, and each description exported to Turtle with the grid's concept
schemes (the "data graph" of ``cap_ptce.validation``); it runs with
``-i none -w`` (no inference, warnings allowed), once per case with
``--validate-each`` so that each file is judged on its own, as we do. Both
tools must reach the same verdict; the benchmark fails otherwise.
"""

from __future__ import annotations

import json
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from cap_ptce.project import load_description
from cap_ptce.resources import data_dir
from cap_ptce.validation import data_graph, shapes_graph  # the exact graphs our validation uses

BIN = Path(sys.executable).parent
GENERATED = 1000
PYSHACL_SUBSET = 30  # generated files that pySHACL's command line is timed on
RUNS = {"one file": 5, "sample corpus": 3, "generated": 1, "serve": 3}


def run(results_dir: Path) -> dict:
    """Run the three cases, write validation.json and validation.md into ``results_dir``."""
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-") as tmp:
        work = Path(tmp)
        shapes = work / "shapes.ttl"
        shapes.write_text(shapes_graph().serialize(format="turtle"), encoding="utf-8")
        corpus = sorted(data_dir("corpus").glob("*.yaml"))
        generated = _generate(work / "generated")
        cases = [
            _case("one file", corpus[:1], work / "one", shapes),
            _case("sample corpus", corpus, work / "corpus", shapes),
            _case("generated", generated[:PYSHACL_SUBSET], work / "generated-ttl", shapes),
        ]
        cases[-1] |= _ours_only(generated)
        batch = _batch_figures(work, generated)
    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "cases": cases,
        "batch": batch,
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "validation.json").write_text(
        json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (results_dir / "validation.md").write_text(_markdown(figures), encoding="utf-8")
    return figures


def _generate(folder: Path) -> list[Path]:
    subprocess.run(
        [str(BIN / "cap-ptce"), "generate", str(GENERATED), "--seed", "0", "-o", str(folder)],
        check=True,
        capture_output=True,
    )
    return sorted(folder.glob("*.yaml"))


def _export(files: list[Path], folder: Path) -> list[Path]:
    """Each description as the Turtle data graph that our validation hands to pySHACL."""
    folder.mkdir(parents=True, exist_ok=True)
    exported = []
    for path in files:
        target = folder / (path.stem + ".ttl")
        target.write_text(data_graph(load_description(path).graph).serialize(format="turtle"), encoding="utf-8")
        exported.append(target)
    return exported


def _case(name: str, files: list[Path], folder: Path, shapes: Path) -> dict:
    exported = _export(files, folder)
    ours = [str(BIN / "cap-ptce"), "validate", *map(str, files)]
    theirs = [str(BIN / "pyshacl"), "-s", str(shapes), "-i", "none", "-w", "--validate-each", *map(str, exported)]
    runs = RUNS[name]
    ours_times, ours_code = _time(ours, runs)
    theirs_times, theirs_code = _time(theirs, runs)
    if ours_code != theirs_code:
        raise RuntimeError(f"{name}: cap-ptce exited {ours_code}, pyshacl {theirs_code}: the verdicts differ")
    return {
        "case": name,
        "files": len(files),
        "triples_per_file": round(sum(_triples(p) for p in exported) / len(exported)),
        "runs": runs,
        "exit_code": ours_code,
        "cap_ptce_seconds": round(statistics.median(ours_times), 2),
        "pyshacl_cli_seconds": round(statistics.median(theirs_times), 2),
        "cap_ptce_seconds_per_file": round(statistics.median(ours_times) / len(files), 3),
        "pyshacl_cli_seconds_per_file": round(statistics.median(theirs_times) / len(files), 3),
        "speed_up": round(statistics.median(theirs_times) / statistics.median(ours_times), 2),
    }


def _ours_only(files: list[Path]) -> dict:
    """cap-ptce validate on every generated file (pySHACL's figures stay those of the subset)."""
    times, code = _time([str(BIN / "cap-ptce"), "validate", *map(str, files)], RUNS["generated"])
    if code != 0:
        raise RuntimeError(f"cap-ptce validate found generated files that do not conform (exit {code})")
    return {
        "all_files": len(files),
        "cap_ptce_all_files_seconds": round(statistics.median(times), 2),
        "cap_ptce_all_files_seconds_per_file": round(statistics.median(times) / len(files), 3),
    }


def _batch_figures(work: Path, generated: list[Path]) -> dict:
    """Validate and load the generated files in batches, and time the web app's start."""
    cap_ptce = str(BIN / "cap-ptce")
    folder = str(generated[0].parent)
    jobs2, code = _time([cap_ptce, "validate", "--jobs", "2", folder], 1)
    if code != 0:
        raise RuntimeError(f"cap-ptce validate --jobs 2 found generated files that do not conform (exit {code})")
    loads = {}
    for name, extra in (("validated", []), ("not_validated", ["--no-validate"])):
        times, code = _time([cap_ptce, "load", folder, "--store", str(work / f"store-{name}"), *extra], 1)
        if code != 0:
            raise RuntimeError(f"cap-ptce load {' '.join(extra)} exited {code}")
        loads[name] = round(times[0], 2)
    serve = [_serve_start() for _ in range(RUNS["serve"])]
    return {
        "files": len(generated),
        "validate_jobs_2_seconds": round(jobs2[0], 2),
        "validate_jobs_2_seconds_per_file": round(jobs2[0] / len(generated), 3),
        "load_validated_seconds": loads["validated"],
        "load_not_validated_seconds": loads["not_validated"],
        "validation_in_load_seconds_per_file": round((loads["validated"] - loads["not_validated"]) / len(generated), 3),
        "serve_runs": RUNS["serve"],
        "serve_first_answer_seconds": round(statistics.median(serve), 2),
    }


def _serve_start() -> float:
    """Seconds from launching ``cap-ptce serve`` (sample corpus) to its first answered request."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"
    start = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "cap-ptce"), "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while time.perf_counter() - start < 120:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("cap-ptce serve did not answer within 120 s")
    finally:
        server.terminate()
        server.wait(30)


def _time(command: list[str], runs: int) -> tuple[list[float], int]:
    times, code = [], None
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(command, capture_output=True).returncode
        times.append(time.perf_counter() - start)
    return times, code


def _triples(path: Path) -> int:
    from rdflib import Graph

    return len(Graph().parse(path, format="turtle"))


def _machine() -> dict:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": len(__import__("os").sched_getaffinity(0)),
        "rdflib": metadata.version("rdflib"),
        "pyshacl": metadata.version("pyshacl"),
        "cap_ptce": metadata.version("cap-ptce"),
    }


def _markdown(figures: dict) -> str:
    machine = figures["machine"]
    lines = [
        "# Validation benchmark / mesure de la validation",
        "",
        f"Date: {figures['date']}. Machine: {machine['cpu']} ({machine['cpus']} CPU), {machine['platform']}, "
        f"Python {machine['python']}, rdflib {machine['rdflib']}, pySHACL {machine['pyshacl']}.",
        "",
        "Wall time of one command (a fresh process: start-up, imports and shapes included), median of the runs.",
        "Same data and shapes for both: pySHACL gets our shapes and each description as Turtle",
        "(`pyshacl -s shapes.ttl -i none -w --validate-each FILE…`). Both reach the same verdict (exit code).",
        "",
        "| case | files | triples/file | runs | cap-ptce validate (s) | pyshacl CLI (s) | speed-up |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case in figures["cases"]:
        lines.append(
            f"| {case['case']} | {case['files']} | {case['triples_per_file']} | {case['runs']} | "
            f"{case['cap_ptce_seconds']} | {case['pyshacl_cli_seconds']} | {case['speed_up']}× |"
        )
    generated = figures["cases"][-1]
    batch = figures["batch"]
    lines += [
        "",
        f"Generated corpus: `cap-ptce validate` on all {generated['all_files']} files took "
        f"{generated['cap_ptce_all_files_seconds']} s ({generated['cap_ptce_all_files_seconds_per_file']} s per file). "
        f"pySHACL's command line was timed on the first {generated['files']} only "
        f"({generated['pyshacl_cli_seconds_per_file']} s per file, against "
        f"{generated['cap_ptce_seconds_per_file']} s for cap-ptce on the same files); at that rate it would need "
        f"about {round(generated['pyshacl_cli_seconds_per_file'] * generated['all_files'] / 60)} minutes for the "
        f"{generated['all_files']} files (an estimate, not a measurement).",
        "",
        "## Batches / par lots",
        "",
        "| what | seconds | per file |",
        "| --- | ---: | ---: |",
        f"| `cap-ptce validate` of the {batch['files']} generated files, one process | "
        f"{generated['cap_ptce_all_files_seconds']} | {generated['cap_ptce_all_files_seconds_per_file']} |",
        f"| `cap-ptce validate --jobs 2`, same files | {batch['validate_jobs_2_seconds']} | "
        f"{batch['validate_jobs_2_seconds_per_file']} |",
        f"| `cap-ptce load` of the same files into a new store, validated (default, `--jobs` = CPUs) | "
        f"{batch['load_validated_seconds']} | {round(batch['load_validated_seconds'] / batch['files'], 3)} |",
        f"| `cap-ptce load --no-validate`, same files | {batch['load_not_validated_seconds']} | "
        f"{round(batch['load_not_validated_seconds'] / batch['files'], 3)} |",
        f"| validation inside `cap-ptce load` (the difference) | "
        f"{round(batch['load_validated_seconds'] - batch['load_not_validated_seconds'], 2)} | "
        f"{batch['validation_in_load_seconds_per_file']} |",
        f"| `cap-ptce serve` (sample corpus, validated at start): launch to first answered request, "
        f"median of {batch['serve_runs']} | {batch['serve_first_answer_seconds']} | |",
        "",
        "Why the gap: pySHACL runs a SHACL-SPARQL constraint (the SIREN and SIRET check digits) once per",
        "focus node, parsing and checking its text each time, and rdflib evaluates its string functions",
        "slowly. `cap_ptce.validation` has Oxigraph run each text once over the data to find the few focus",
        "nodes that can fail, lets rdflib answer only those, checks each text once, and validates many",
        "descriptions per pySHACL run (results split back by focus node, the same as file by file).",
        "The machine is shared (2 CPUs, other jobs running): read the ratios more than the seconds.",
    ]
    lines += ["", "Run again with `make bench` (or `python -m bench validation`).", ""]
    return "\n".join(lines)
