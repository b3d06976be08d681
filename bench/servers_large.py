"""Benchmark, on demand (``make bench-large``): the knowledge base on Oxigraph server at 100,000 descriptions.

Not part of ``make bench``: it needs well over an hour and about 20 GB of disk on 2 cores.
``cap-ptce generate 100000 --seed 0`` writes the corpus; ``cap-ptce load
--no-validate --store URL`` loads it into an Oxigraph server through the Graph
Store Protocol in steps of 10,000 descriptions, each step an incremental load
as a growing observatory would run it (the files already loaded are only
checksummed; provenance and indicators are recomputed over the whole store at
each step). Then every ready-made query with its default parameters is timed
through the server's SPARQL endpoint (median of a few runs after a warm-up).
The figures are written after each step, so a run stopped early still says
how far it went.

Settings (environment): ``CAP_PTCE_BENCH_LARGE_SIZE`` (100000),
``CAP_PTCE_BENCH_LARGE_STEP`` (10000), ``CAP_PTCE_BENCH_LARGE_REPEAT`` (3),
``CAP_PTCE_BENCH_LARGE_TIMEOUT`` (seconds per query, 600).

A shorter route, ``CAP_PTCE_BENCH_LARGE_FROM=STORE``: the on-disk store of a
finished ``cap-ptce load --no-validate`` of ``cap-ptce generate N --seed 0``
(descriptions and derived graphs) is copied until the corpus holds SIZE
descriptions, copy k naming its projects ``synthetique-k-…`` as ``--seed k``
would (their values repeat the first copy's; the grid, ontology, shapes and
places are written once), streamed into ``oxigraph load`` (its bulk loader,
the route Oxigraph server offers for a dump); then the same query medians.
It measures the server at that size, not our loader: the loader's own figures
are in loading.md.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import requests

from cap_ptce.queries import list_queries

from .kb import BIN, _folder_bytes, _machine, _timed_command
from .server_kinds import SERVERS

ON_DEMAND = True  # python -m bench runs it only when named


def settings() -> dict:
    env = os.environ.get
    return {
        "size": int(env("CAP_PTCE_BENCH_LARGE_SIZE", "100000")),
        "step": int(env("CAP_PTCE_BENCH_LARGE_STEP", "10000")),
        "repeat": int(env("CAP_PTCE_BENCH_LARGE_REPEAT", "3")),
        "timeout": float(env("CAP_PTCE_BENCH_LARGE_TIMEOUT", "600")),
        "from": env("CAP_PTCE_BENCH_LARGE_FROM", ""),
    }


def run(results_dir: Path) -> dict:
    config = settings()
    figures = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": _machine(), "settings": config}
    figures["load_average_start"] = [round(x, 2) for x in os.getloadavg()]
    if config["from"]:
        return _run_copied(results_dir, figures, Path(config["from"]))
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-large-") as tmp:
        work = Path(tmp)
        generated = work / "generated"
        figures["generate_s"] = _timed_command("generate", str(config["size"]), "--seed", "0", "-o", str(generated))
        oxigraph = SERVERS["oxigraph"]
        server = oxigraph.serve(work)
        try:
            figures["steps"] = []
            for done in range(config["step"], config["size"] + config["step"], config["step"]):
                figures["steps"].append(_load_step(generated, work / "corpus", server.url, min(done, config["size"])))
                figures["store_bytes"] = _folder_bytes(work / "oxigraph")
                _write(results_dir, figures)
            figures["load_s"] = round(sum(step["seconds"] for step in figures["steps"]), 1)
            figures["queries"] = _query_medians(server.url, config)
        finally:
            oxigraph.stop(server)
    return _finish(results_dir, figures)


# The IRIs of the generated projects (``cap-ptce generate N --seed 0``): a copy takes another seed's.
GENERATED = b"https://w3id.org/cap-ptce/projet/synthetique-0-"


def _run_copied(results_dir: Path, figures: dict, base_store: Path) -> dict:
    """The corpus of ``base_store`` copied up to the size, bulk loaded into Oxigraph server, then queried."""
    config = figures["settings"]
    base = ox.Store.read_only(str(base_store))
    projects = int(next(iter(base.query(PROJECTS)))[0].value)
    copies = -(-config["size"] // projects)
    figures["copied"] = {"base_descriptions": projects, "copies": copies, "base_quads": len(base)}
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-large-") as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        loader = subprocess.Popen(
            [str(BIN / "oxigraph"), "load", "--location", str(work / "oxigraph"), "--format", "nq"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        lines = _copy_lines(base, copies, loader.stdin)
        loader.stdin.close()
        if loader.wait():
            raise RuntimeError(f"oxigraph load failed ({loader.returncode})")
        figures["load_s"] = round(time.perf_counter() - start, 1)
        figures["quads_written"] = lines
        figures["store_bytes"] = _folder_bytes(work / "oxigraph")
        print(f"  large: {copies} copies of {projects} descriptions loaded in {figures['load_s']} s", flush=True)
        _write(results_dir, figures)
        oxigraph = SERVERS["oxigraph"]
        server = oxigraph.serve(work)
        try:
            figures["ready_s"] = round(server.ready_s, 2)
            figures["projects_in_store"] = _count_projects(server.url)
            figures["queries"] = _query_medians(server.url, config)
        finally:
            oxigraph.stop(server)
    return _finish(results_dir, figures)


PROJECTS = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a <https://w3id.org/cap-ptce/def#Project> } }"


def _copy_lines(store: ox.Store, copies: int, out) -> int:
    """Write the store's quads as N-Quads to ``out``: those naming a generated project or a blank node once
    per copy (a blank node's label is the dump's, so each copy takes its own: ``_:`` becomes ``_:c{k}``)."""
    written = 0
    dump = store.dump(format=ox.RdfFormat.N_QUADS)
    for line in dump.splitlines(keepends=True):
        if GENERATED in line or b"_:" in line:
            for k in range(copies):
                copied = line.replace(GENERATED, GENERATED[:-2] + f"{k}-".encode()) if k else line
                out.write(copied.replace(b"_:", f"_:c{k}".encode()) if k else copied)
            written += copies
        else:
            out.write(line)
            written += 1
    return written


def _count_projects(url: str) -> int:
    response = requests.post(
        url, data={"query": PROJECTS}, headers={"Accept": "application/sparql-results+json"}, timeout=3600
    )
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _load_step(generated: Path, corpus: Path, url: str, count: int) -> dict:
    """Link the first ``count`` generated files into the corpus folder, then load it incrementally."""
    corpus.mkdir(exist_ok=True)
    for path in sorted(generated.glob("*.yaml"))[:count]:
        if not (corpus / path.name).exists():
            os.link(path, corpus / path.name)
    load_average = round(os.getloadavg()[0], 2)
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "cap-ptce"), "load", str(corpus), "--store", url, "--no-validate"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = round(time.perf_counter() - start, 1)
    print(f"  large: {count} descriptions loaded, step {seconds} s", flush=True)
    return {"descriptions": count, "seconds": seconds, "load_average": load_average}


def _query_medians(url: str, config: dict) -> list[dict]:
    found = []
    with requests.Session() as session:
        session.trust_env = False
        for query in list_queries():
            load_average, times, rows = round(os.getloadavg()[0], 2), [], None
            try:
                for run in range(config["repeat"] + 1):  # the first is a warm-up
                    start = time.perf_counter()
                    response = session.post(
                        url,
                        data={"query": query.build({})},
                        headers={"Accept": "application/sparql-results+json"},
                        timeout=config["timeout"],
                    )
                    response.raise_for_status()
                    rows = len(response.json()["results"]["bindings"])
                    if run:
                        times.append(time.perf_counter() - start)
                median = round(statistics.median(times), 3)
            except requests.Timeout:
                median = None
            found.append({"name": query.name, "rows": rows, "median_s": median, "load_average": load_average})
    return found


def _finish(results_dir: Path, figures: dict) -> dict:
    """The run's last figures, written."""
    figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    _write(results_dir, figures)
    return figures


def _write(results_dir: Path, figures: dict) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures, indent=2, ensure_ascii=False) + "\n"
    (results_dir / "servers_large.json").write_text(text, encoding="utf-8")
    (results_dir / "servers_large.md").write_text(markdown(figures), encoding="utf-8")


def markdown(figures: dict) -> str:
    """The figures as a Markdown page (servers_large.md)."""
    config, steps = figures["settings"], figures.get("steps", [])
    loaded = steps[-1]["descriptions"] if steps else 0
    lines = [
        f"# The knowledge base on Oxigraph server: {config['size']:,} descriptions",
        "",
        f"Started {figures['date']} by `python -m bench servers_large` on {figures['machine']['cpu']} "
        f"({figures['machine']['cores']} cores, {figures['machine']['memory_mib']} MiB), "
        f"{figures['machine']['oxigraph_server']}; load average (1, 5, 15 min) {figures['load_average_start']} "
        f"at the start"
        + (f" and {figures['load_average_end']} at the end" if "load_average_end" in figures else "")
        + ": other work shared the machine, so the figures carry that noise.",
    ]
    notes = [f"- {note}" for note in figures.get("notes", [])]  # what the run's own figures cannot say
    lines += ["", *notes] if notes else []
    if "copied" in figures:
        return "\n".join(lines + _copied_lines(figures)) + "\n"
    lines += [
        "",
        f"- Corpus written by `cap-ptce generate {config['size']} --seed 0` in {figures['generate_s']} s.",
        f"- Loaded so far: **{loaded:,} of {config['size']:,}** descriptions, by `cap-ptce load --no-validate "
        f"--store URL` (Graph Store Protocol) in steps of {config['step']:,}: "
        f"{sum(step['seconds'] for step in steps):.0f} s in all; the server's folder holds "
        f"{figures.get('store_bytes', 0) / 2**30:.1f} GiB.",
        "",
        "| descriptions | step (s) | load average |",
        "| ---: | ---: | ---: |",
        *[f"| {s['descriptions']:,} | {s['seconds']} | {s['load_average']} |" for s in steps],
    ]
    return "\n".join(lines + _query_lines(figures, loaded)) + "\n"


def _copied_lines(figures: dict) -> list[str]:
    copied, config = figures["copied"], figures["settings"]
    lines = [
        "",
        f"Route `CAP_PTCE_BENCH_LARGE_FROM`: the store of `cap-ptce load --no-validate` of "
        f"`cap-ptce generate {copied['base_descriptions']:,} --seed 0` ({copied['base_quads']:,} quads, derived graphs "
        f"included) copied {copied['copies']} times, copy k naming its projects `synthetique-k-…` (their values "
        "repeat the first copy's; the grid, the ontology, the shapes and the places once), streamed into "
        "`oxigraph load` (bulk). It measures Oxigraph server at this size, not our loader (loading.md).",
        "",
    ]
    if "load_s" in figures:
        lines.append(
            f"- {figures['quads_written']:,} quads copied and bulk loaded in **{figures['load_s']} s**; "
            f"the server's folder holds {figures['store_bytes'] / 2**30:.1f} GiB."
        )
    if "projects_in_store" in figures:
        lines.append(
            f"- Oxigraph server answered {figures['ready_s']} s after start; projects in the store: "
            f"**{figures['projects_in_store']:,}** (target size {config['size']:,})."
        )
    return lines + _query_lines(figures, figures.get("projects_in_store", 0))


def _query_lines(figures: dict, loaded: int) -> list[str]:
    config, lines = figures["settings"], []
    if "queries" in figures:
        lines += [
            "",
            f"## Ready-made queries at {loaded:,} descriptions, through Oxigraph server's endpoint",
            "",
            f"Median of {config['repeat']} runs after a warm-up; a query past {config['timeout']:g} s is marked so.",
            "",
            "| query | rows | median (s) | load average |",
            "| --- | ---: | ---: | ---: |",
        ]
        for q in figures["queries"]:
            median = "timed out" if q["median_s"] is None else q["median_s"]
            lines.append(f"| `{q['name']}` | {q['rows']} | {median} | {q['load_average']} |")
    return lines
