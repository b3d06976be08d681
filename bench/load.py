"""Benchmark: a public endpoint under load, then under load with two hostile clients.

A store of ``DESCRIPTIONS`` generated descriptions (loaded with validation) is
served by ``cap-ptce serve`` with its default settings, on 127.0.0.1. Once the
server has drawn its pages, ``CLIENTS`` clients, each from its own address
(127.0.1.N: the server shares its work per address, as it would between users),
send requests one after the other for ``SECONDS`` seconds, each picked at random
from a mix:

- SPARQL: a small SELECT, a ready-made query's text, an ASK, through ``/sparql``;
- pages: project pages, grid pages, the home page, a ready-made query's page;
- downloads: a ready-made query's CSV, a part of the dataset;
- validations: the validation report of the descriptions (``validation-des-descriptions``).

Then the same again while two more clients (127.0.2.1 and .2) send cross-product
queries (``?a ?b ?c . ?d ?e ?f``) without pause, each a new one as soon as the
last is answered. Reported for each phase: requests per second, latency
percentiles, statuses other than 2xx/3xx/304 of the normal clients, 503s, and the
resident memory of the server and its workers (the highest seen).

Targets on 2 cores with the load generator on the same machine: the mix at 100
requests a second or more with a p95 under 1 s and no error; with the two
hostile clients, everyone else's p95 under 1 s and no 503 for them.

Settings (environment): ``CAP_PTCE_BENCH_LOAD_CLIENTS`` (50),
``CAP_PTCE_BENCH_LOAD_SECONDS`` (60), ``CAP_PTCE_BENCH_LOAD_DESCRIPTIONS`` (300).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

BIN = Path(sys.executable).parent
P95_TARGET = 1.0
RATE_TARGET = 100.0
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f }"
SMALL_SELECT = "SELECT ?p ?label { GRAPH ?g { ?p a <https://w3id.org/cap-ptce/def#Project> ; ?x ?label } } LIMIT 20"
READY_MADE = ["projets-par-region", "projets-par-maturite", "acteurs-par-type", "financement-par-projet"]


def settings() -> dict:
    env = os.environ.get
    return {
        "clients": int(env("CAP_PTCE_BENCH_LOAD_CLIENTS", "50")),
        "seconds": float(env("CAP_PTCE_BENCH_LOAD_SECONDS", "60")),
        "descriptions": int(env("CAP_PTCE_BENCH_LOAD_DESCRIPTIONS", "300")),
    }


# --- the server -----------------------------------------------------------------------------


def _store(folder: Path, descriptions: int) -> Path:
    corpus, store = folder / "corpus", folder / "store"
    subprocess.run([BIN / "cap-ptce", "generate", str(descriptions), "--seed", "1", "-o", corpus], check=True)
    subprocess.run([BIN / "cap-ptce", "load", corpus, "--store", store], check=True, stdout=subprocess.DEVNULL)
    return store


def _serve(store: Path, log: Path) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen(
        [BIN / "cap-ptce", "serve", "--host", "127.0.0.1", "--port", "0", "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        start_new_session=True,
    )
    for line in process.stdout:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", line)
        if found:
            return process, int(found.group(1))
    raise RuntimeError(f"cap-ptce serve did not start: {log.read_text()[-2000:]}")


def _wait_for_pages(log: Path, timeout: float = 900) -> float:
    """Seconds until the server has drawn every page in the background (its log says so)."""
    start = time.monotonic()
    while "pages drawn" not in log.read_text(errors="replace"):
        if time.monotonic() - start > timeout:
            break
        time.sleep(1)
    return time.monotonic() - start


def _resident_mib(pid: int) -> float:
    """The resident memory of a process and its children, in MiB."""
    total = 0
    for candidate in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(") ", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


# --- the clients ----------------------------------------------------------------------------


def _mix(projects: list[str]) -> list[tuple[str, str, str, bytes | None]]:
    """(kind, method, path, body) of the requests the normal clients pick from."""
    sparql = [
        ("sparql", "POST", "/sparql", urlencode({"query": text, "format": "json"}).encode())
        for text in (SMALL_SELECT, "ASK { ?s ?p ?o }", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s a ?t } }")
    ]
    pages = [("page", "GET", path, None) for path in projects[:40]]
    pages += [("page", "GET", path, None) for path in ("/index.fr.html", "/grille/question/q01.fr.html", "/requetes")]
    downloads = [("download", "GET", f"/requetes/{name}.csv", None) for name in READY_MADE]
    downloads.append(("download", "GET", "/requetes/projets-par-region.json", None))
    validations = [("validation", "GET", "/requetes/validation-des-descriptions.json", None)]
    return sparql * 4 + pages + downloads * 3 + validations * 3


def _request(connection, method: str, path: str, body: bytes | None) -> int:
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.getheader("Connection", "").lower() == "close":
        connection.close()
    return response.status


def _client(port: int, address: str, choose, until: float, results: list, timeout: float = 60) -> None:
    """One client: a keep-alive connection from ``address``, a request after another until ``until``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(address, 0))
    while time.monotonic() < until:
        kind, method, path, body = choose()
        start = time.monotonic()
        try:
            status = _request(connection, method, path, body)
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            connection.close()
        results.append((kind, status, time.monotonic() - start, start))
    connection.close()


def _phase(port: int, pid: int, clients: int, seconds: float, projects: list[str], hostile: int) -> dict:
    mix = _mix(projects)
    rng = random.Random(14)
    normal: list = []
    hostile_results: list = []
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(port, f"127.0.1.{n + 1}", lambda: rng.choice(mix), until, normal))
        for n in range(clients)
    ]
    cross = ("cross-product", "POST", "/sparql", urlencode({"query": CROSS_PRODUCT, "format": "json"}).encode())
    threads += [
        threading.Thread(target=_client, args=(port, f"127.0.2.{n + 1}", lambda: cross, until, hostile_results))
        for n in range(hostile)
    ]
    memory = [0.0]

    def watch() -> None:
        while time.monotonic() < until:
            memory[0] = max(memory[0], _resident_mib(pid))
            time.sleep(2)

    threads.append(threading.Thread(target=watch))
    load_before = os.getloadavg()[0]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures = _figures(normal, seconds)
    figures.update(memory_mib=round(memory[0], 1), load_average_before=load_before)
    if hostile:
        figures["hostile"] = _statuses(hostile_results)
    return figures


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _statuses(results: list) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _kind, status, _took, _start in results:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return dict(sorted(counts.items()))


def _figures(results: list, seconds: float) -> dict:
    latencies = [took for _k, _s, took, _t in results]
    errors = [r for r in results if not (isinstance(r[1], int) and (r[1] < 400))]
    by_kind = {}
    for kind in sorted({r[0] for r in results}):
        took = [r[2] for r in results if r[0] == kind]
        by_kind[kind] = {
            "requests": len(took),
            "p50": round(_percentile(took, 0.5), 3),
            "p95": round(_percentile(took, 0.95), 3),
        }
    return {
        "requests": len(results),
        "per_second": round(len(results) / seconds, 1),
        "p50": round(_percentile(latencies, 0.5), 3),
        "p95": round(_percentile(latencies, 0.95), 3),
        "p99": round(_percentile(latencies, 0.99), 3),
        "max": round(max(latencies, default=float("nan")), 3),
        "mean": round(statistics.fmean(latencies), 3) if latencies else None,
        "statuses": _statuses(results),
        "errors": len(errors),
        "503": sum(1 for r in results if r[1] == 503),
        "by_kind": by_kind,
    }


# --- the run --------------------------------------------------------------------------------


def run(results_dir: Path) -> dict:
    config = settings()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-load-") as folder:
        store = _store(Path(folder), config["descriptions"])
        log = Path(folder) / "serve.log"
        process, port = _serve(store, log)
        try:
            pages_drawn = _wait_for_pages(log)
            # generate names each file after its project
            projects = sorted(
                f"/projet/{quote(path.stem)}.fr.html" for path in (Path(folder) / "corpus").glob("*.yaml")
            )
            phases = {
                "mix": _phase(port, process.pid, config["clients"], config["seconds"], projects, hostile=0),
                "mix_and_two_hostile_clients": _phase(
                    port, process.pid, config["clients"], config["seconds"], projects, hostile=2
                ),
            }
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)
    figures = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "python": platform.python_version(),
        "settings": config,
        "pages_drawn_after_s": round(pages_drawn, 1),
        "phases": phases,
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "load.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    (results_dir / "load.md").write_text(_markdown(figures), encoding="utf-8")
    return figures


def _verdict(phase: dict, hostile: bool) -> str:
    fast = phase["p95"] < P95_TARGET
    if hostile:
        return "**met**" if fast and phase["503"] == 0 else "**not met**"
    return "**met**" if fast and phase["errors"] == 0 and phase["per_second"] >= RATE_TARGET else "**not met**"


def _markdown(figures: dict) -> str:
    mix, hostile = figures["phases"]["mix"], figures["phases"]["mix_and_two_hostile_clients"]
    config = figures["settings"]
    lines = [
        "# A public endpoint under load",
        "",
        f"Measured {figures['measured']} by `python -m bench load` in {figures['seconds']} s on {figures['machine']}, "
        f"Python {figures['python']}; the load generator (threads of one Python process) on the same machine. "
        f"{config['descriptions']} generated descriptions, loaded with validation; `cap-ptce serve` with its "
        f"default settings; every page drawn {figures['pages_drawn_after_s']} s after start, before the runs. "
        f"{config['clients']} clients, each from its own address, for {config['seconds']:.0f} s per phase. "
        f"Load average before each phase: {mix['load_average_before']:.1f} and {hostile['load_average_before']:.1f} "
        "(other work shared the machine).",
        "",
        "## Targets",
        "",
        f"- The mix at {RATE_TARGET:.0f} requests a second or more, p95 under {P95_TARGET:.0f} s, no error: "
        f"{_verdict(mix, False)} ({mix['per_second']} requests a second, p95 {mix['p95']} s, {mix['errors']} errors).",
        f"- With two clients sending cross-product queries, everyone else's p95 under {P95_TARGET:.0f} s and no 503 "
        f"for them: {_verdict(hostile, True)} (p95 {hostile['p95']} s, {hostile['503']} answers 503).",
        "",
        "## Figures",
        "",
        "| phase | requests | per second | p50 | p95 | p99 | max | statuses | memory (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for name, phase in figures["phases"].items():
        statuses = ", ".join(f"{status}: {count}" for status, count in phase["statuses"].items())
        lines.append(
            f"| {name} | {phase['requests']} | {phase['per_second']} | {phase['p50']} | {phase['p95']} | "
            f"{phase['p99']} | {phase['max']} | {statuses} | {phase['memory_mib']} |"
        )
    hostile_statuses = ", ".join(f"{status}: {count}" for status, count in hostile.get("hostile", {}).items())
    lines += [
        "",
        f"The two hostile clients' answers: {hostile_statuses}.",
        "",
        "## By kind of request (p50 / p95, s)",
        "",
    ]
    lines += ["| kind | mix | with hostile clients |", "| --- | --- | --- |"]
    for kind in mix["by_kind"]:
        a, b = mix["by_kind"][kind], hostile["by_kind"].get(kind, {})
        lines.append(
            f"| {kind} | {a['p50']} / {a['p95']} ({a['requests']}) | {b.get('p50')} / {b.get('p95')} ({b.get('requests')}) |"
        )
    return "\n".join(lines) + "\n"
