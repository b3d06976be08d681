"""Helpers for the ready-made query tests: every query's cases, the sample corpus read as plain YAML, an Oxigraph server.

The expected answers of the queries are computed here from the YAML files and
the grid's Python objects, never from RDF or SPARQL, so that a query and its
check cannot share a mistake.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests
import yaml

from cap_ptce.grid import load_grid
from cap_ptce.queries import list_queries
from cap_ptce.resources import data_dir

PROJECT = "https://w3id.org/cap-ptce/projet/"
VOCAB = "https://w3id.org/cap-ptce/vocab/"


def query_cases() -> list[tuple[str, dict[str, str]]]:
    """Each query without parameters, then with the first example of each parameter."""
    cases = []
    for query in list_queries():
        cases.append((query.name, {}))
        for parameter in query.parameters:
            for example in parameter.examples[:1]:
                cases.append((query.name, {parameter.name: example}))
        if any(p.name == "langue" for p in query.parameters):
            cases.append((query.name, {"langue": "en"}))
    return cases


CASES = query_cases()
CASE_IDS = [name + "".join(f"-{k}={v}" for k, v in params.items()) for name, params in CASES]


def without_load_times(rows: list[dict]) -> list[dict]:
    """Rows without the load time, which differs between two stores loaded one after the other."""
    return [{key: value for key, value in row.items() if key != "charge_le"} for row in rows]


def corpus() -> dict[str, dict]:
    """The sample corpus: file name -> the description as PyYAML reads it, its actors the members only.

    Partners (``relation: partenaire``, format 2) are not members of a project (cap:hasPartner).
    """
    folder = data_dir("corpus")
    found = {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))}
    for data in found.values():
        data["acteurs"] = [a for a in data.get("acteurs", []) if a.get("relation") != "partenaire"]
    return found


def projects() -> list[dict]:
    return list(corpus().values())


def top_concept(scheme_id: str, concept_id: str) -> str:
    """The top concept above ``concept_id`` in the grid's scheme (itself when it is a top concept)."""
    concepts = {concept.id: concept for concept in load_grid().scheme(scheme_id).concepts}
    while concepts[concept_id].broader:
        concept_id = concepts[concept_id].broader
    return concept_id


def is_under(scheme_id: str, concept_id: str | None, ancestor: str) -> bool:
    """True when ``concept_id`` is ``ancestor`` or narrower than it."""
    concepts = {concept.id: concept for concept in load_grid().scheme(scheme_id).concepts}
    while concept_id:
        if concept_id == ancestor:
            return True
        concept_id = concepts[concept_id].broader
    return False


def iri(project: dict) -> str:
    return PROJECT + project["id"]


def answered(project: dict) -> set[str]:
    """The questions a description answers in words: ``q01: …`` keys (format 2) or texts under ``reponses`` (1)."""
    texts = dict(project.get("reponses") or {}) | {k: v for k, v in project.items() if re.fullmatch(r"q[0-9]{2}", k)}
    return {qid for qid, text in texts.items() if text and str(text).strip()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def oxigraph_server(folder: Path):
    """A real Oxigraph server on a free port of 127.0.0.1; yields its query URL.

    ``--union-default-graph``: our queries read the union of the named graphs, as
    the embedded store does (see docs/sparql.md).
    """
    port = free_port()
    binary = Path(sys.executable).with_name("oxigraph")
    process = subprocess.Popen(
        [str(binary), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_until_ready(process, url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_ready(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph serve stopped: {process.stderr.read().decode()}")
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("oxigraph serve did not start within 15 s")
