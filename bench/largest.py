"""Benchmark: the largest descriptions a list allows, validated, against one description of the sample corpus.

A list of a description holds at most ``MAX_ITEMS`` items (500). Each case is
``cap-ptce validate`` on one file in a fresh process, as a carrier's upload is
validated by the web app (in its own process, with a thread per request):
wall time, CPU time and the process's peak memory (its maximum resident set),
as the median of a few runs, and as ratios to the baseline, a real-sized
description of the sample corpus.

The large cases are written to be hard for the checks of a project against
each of its members (the legal and eligibility shapes): 500 members whose
facts leave their status unknown, 500 members of one kind with groups,
actions and fundings naming them, and 500 members that are all local
authorities. Before the shapes were rewritten (and the cap set), the second
case took 36 s; 1,000 untyped members 4.4 s and 1.0 GB; 3,000, 78 s and 9.9 GB
in the server, and 6,000 had it killed for want of memory.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cap_ptce.project.build import MAX_ITEMS
from cap_ptce.resources import data_dir

BIN = Path(sys.executable).parent
RUNS = 3
TARGET_SECONDS, TARGET_MIB = 10.0, 500  # what one upload may cost the server at most


def _head(name: str) -> list[str]:
    return ["format: 2", f"id: {name}", f'nom: "Pôle {name}"', "maturite: etabli", "acteurs:"]


def _untyped() -> str:
    return "\n".join(_head("inconnus") + [f'  - {{id: a{i}, nom: "Membre {i}"}}' for i in range(MAX_ITEMS)]) + "\n"


def _every_list() -> str:
    lines = _head("listes")
    lines += [
        f'  - {{id: a{i}, nom: "Association {i}", type: association, ess: true, roles: ["Membre {i % 7}"]}}'
        for i in range(MAX_ITEMS)
    ]
    lines += ["groupes:"] + [f'  - {{id: g{i}, nom: "Groupe {i}", membres: [a{i}]}}' for i in range(MAX_ITEMS)]
    lines += ["actions:"] + [
        f'  - {{nom: "Action {i}", porteurs: [a{i}, a{(i + 1) % MAX_ITEMS}]}}' for i in range(MAX_ITEMS)
    ]
    lines += ["financements:"] + [f"  - {{financeur_acteur: a{i}, montant: {1000 + i}}}" for i in range(MAX_ITEMS)]
    return "\n".join(lines) + "\n"


def _authorities() -> str:
    lines = _head("collectivites") + [
        f'  - {{id: c{i}, nom: "Commune {i}", type: collectivite-territoriale}}' for i in range(MAX_ITEMS)
    ]
    return "\n".join(lines) + "\n"


def _measure(path: Path) -> dict:
    """Median wall time, CPU time and peak memory of ``cap-ptce validate path`` in a fresh process."""
    runs = []
    for _ in range(RUNS):
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(BIN / "cap-ptce"), "validate", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: the file does not conform, as expected
            raise RuntimeError(f"cap-ptce validate {path.name} failed ({status})")
        runs.append((wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024))
    return {
        "bytes": path.stat().st_size,
        "wall_s": round(statistics.median(r[0] for r in runs), 2),
        "cpu_s": round(statistics.median(r[1] for r in runs), 2),
        "peak_mib": round(statistics.median(r[2] for r in runs)),
    }


def run(results_dir: Path) -> dict:
    """Measure each case, write largest.json and largest.md into ``results_dir``."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-") as tmp:
        work = Path(tmp)
        cases = {"one description of the sample corpus (baseline)": data_dir("corpus") / "pole-saveurs-somme.yaml"}
        for label, text in (
            (f"{MAX_ITEMS} members whose status is unknown", _untyped()),
            (f"{MAX_ITEMS} members, groups, actions and fundings", _every_list()),
            (f"{MAX_ITEMS} local authorities", _authorities()),
        ):
            path = work / (label.split()[1] + ".yaml")
            path.write_text(text, encoding="utf-8")
            cases[label] = path
        figures = {label: _measure(path) for label, path in cases.items()}
    baseline = next(iter(figures.values()))
    for values in figures.values():
        values["wall_ratio"] = round(values["wall_s"] / baseline["wall_s"], 1)
        values["peak_ratio"] = round(values["peak_mib"] / baseline["peak_mib"], 1)
    data = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}",
        "load_before": [round(x, 2) for x in load_before],
        "max_items": MAX_ITEMS,
        "cases": figures,
    }
    (results_dir / "largest.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (results_dir / "largest.md").write_text(_markdown(data), encoding="utf-8")
    return data


def _markdown(data: dict) -> str:
    lines = [
        "# The largest descriptions / les plus grandes descriptions",
        "",
        f"Date: {data['date']}. Machine: {data['machine']}. Load average before: {data['load_before']}.",
        "",
        f"`cap-ptce validate` on one file, in a fresh process, median of {RUNS} runs; a list holds at most "
        f"{data['max_items']} items. Ratios are to the baseline, measured in the same run.",
        "",
        "| file | bytes | wall (s) | CPU (s) | peak memory (MiB) | wall ÷ baseline | memory ÷ baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, v in data["cases"].items():
        lines.append(
            f"| {label} | {v['bytes']} | {v['wall_s']} | {v['cpu_s']} | {v['peak_mib']} | "
            f"{v['wall_ratio']} | {v['peak_ratio']} |"
        )
    worst_wall = max(v["wall_s"] for v in data["cases"].values())
    worst_mib = max(v["peak_mib"] for v in data["cases"].values())
    met = worst_wall < TARGET_SECONDS and worst_mib < TARGET_MIB
    lines += [
        "",
        "## Target",
        "",
        f"- Every case under {TARGET_SECONDS:.0f} s and {TARGET_MIB} MiB: **{'met' if met else 'NOT met'}** "
        f"(at most {worst_wall} s and {worst_mib} MiB).",
        "",
    ]
    return "\n".join(lines)
