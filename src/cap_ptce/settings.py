"""Every setting of the web app and the server, in one table.

The Flask config, the ``cap-ptce serve`` flags and ``docs/settings.md`` are all
built from :data:`SETTINGS`; a test checks that each one is documented.
Environment variables ``CAP_PTCE_<NAME>`` override the defaults.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ParameterError

__all__ = ["Setting", "SETTINGS", "base_iri", "defaults", "from_environ", "parse_setting"]


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, type and a sentence of help."""

    name: str
    default: Any
    type: Callable[[str], Any]
    help: str


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on", "oui"}:
        return True
    if lowered in {"0", "false", "no", "off", "non", ""}:
        return False
    raise ValueError(f"not a boolean: {text!r}")


_NOT_IN_AN_IRI = set(' <>"{}|\\^`') | {chr(code) for code in range(0x20)} | {"\x7f"}


def base_iri(text: str) -> str:
    """An http(s) IRI with a host and no query or fragment, whose characters an IRI may hold (no space), given
    its final slash: what project IRIs are minted under (« https://x.example/a b/ » made every one invalid)."""
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("il faut une IRI http(s), sans ? ni # / an http(s) IRI is needed, without ? or #")
    wrong = sorted(set(text.strip()) & _NOT_IN_AN_IRI)
    if wrong:
        shown = ", ".join(repr(char) for char in wrong)
        raise ValueError(f"caractère(s) qu'une IRI ne contient pas / character(s) an IRI cannot hold: {shown}")
    return text.strip().rstrip("/") + "/"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "BASE_IRI",
        "https://w3id.org/cap-ptce/",
        base_iri,
        "Base IRI of the resources this server answers for; project IRIs are minted under it.",
    ),
    Setting(
        "STORE",
        None,
        str,
        "Where the knowledge base lives: empty for memory, a folder for an on-disk Oxigraph store, or the URL of a SPARQL 1.1 endpoint.",
    ),
    Setting(
        "STORE_TIMEOUT",
        600.0,
        float,
        "Seconds to wait for a remote STORE to answer a write (Graph Store) or one of the knowledge base's own queries (loads, indicators); visitors' queries keep QUERY_TIMEOUT.",
    ),
    Setting(
        "GRAPH_STORE",
        None,
        str,
        "URL of the SPARQL 1.1 Graph Store Protocol service used to load a remote STORE; empty to derive it (Oxigraph: /store, Fuseki: /data).",
    ),
    Setting(
        "YASGUI_DIR",
        None,
        str,
        "Folder holding YASGUI's built files (yasgui.min.js, yasgui.min.css); empty for node_modules/@triply/yasgui/build of the checkout.",
    ),
    Setting(
        "CORPUS",
        None,
        str,
        "Folder of project descriptions loaded at start-up (a file that cannot be read is an error, each told: "
        "never a project less); empty for the embedded sample corpus.",
    ),
    Setting(
        "REGISTRE",
        None,
        str,
        "Folder of the register of real PTCEs (records of registre/poles/) loaded beside the corpus; "
        "empty for the embedded register.",
    ),
    Setting(
        "QUERY_TIMEOUT",
        5.0,
        float,
        "Seconds a SPARQL query may run before its worker is stopped and the client gets an error.",
    ),
    Setting("QUERY_WORKERS", 2, int, "Worker processes answering SPARQL queries in parallel."),
    Setting(
        "QUERY_MEMORY_MB",
        1024,
        int,
        "Memory, in MiB, that one SPARQL query may use in its worker on top of the worker's copy of the store; a query that needs more is stopped with an error (0: no limit).",
    ),
    Setting(
        "WORKERS_IN_MEMORY",
        True,
        bool,
        "The ready-made queries run on one in-memory copy of the store, in a process of its own, several at once, several times faster than on disk (the workers answer them until the copy is made, and when QUERY_WORKERS of them already run there); every other query runs in a worker reading the on-disk store, stopped at the time limit. False: no copy, every query reads the on-disk store.",
    ),
    Setting(
        "QUERIES_PER_CLIENT",
        1,
        int,
        "SPARQL queries one client (an address) may run at once; its others wait for its own slot, and get 429 if it stays taken past QUERY_TIMEOUT.",
    ),
    Setting(
        "CLIENT_QUERY_SECONDS",
        5.0,
        float,
        "Seconds of query time a client may use within a minute in the main workers; past it, its queries run in the low-priority workers.",
    ),
    Setting(
        "MAIN_QUERY_SECONDS",
        1.0,
        float,
        "Seconds a query may hold a main worker; one still running is stopped there and run again in a low-priority worker for the rest of QUERY_TIMEOUT (not when HEAVY_QUERY_WORKERS is 0).",
    ),
    Setting(
        "HEAVY_QUERY_WORKERS",
        1,
        int,
        "Low-priority worker processes (nice 10) for the clients past CLIENT_QUERY_SECONDS; 0 to refuse their queries (429) until their minute has passed.",
    ),
    Setting(
        "QUERY_QUEUE",
        64,
        int,
        "Queries that may wait for a free worker of one kind; past it the server is saturated and answers 503 with Retry-After at once.",
    ),
    Setting("MAX_RESULT_ROWS", 10000, int, "Maximum number of rows (or triples) a query may return."),
    Setting(
        "MAX_REQUEST_BYTES",
        1_000_000,
        int,
        "Maximum size of a request body or query string, in bytes; cap-ptce serve reads a query string with the "
        "request's headers, up to 256 KiB (431 past it): a longer SPARQL query goes by POST.",
    ),
    Setting(
        "SERVER_THREADS",
        32,
        int,
        "Threads of cap-ptce serve that answer pages, documents and everything but the SPARQL endpoint; waiting connections cost no thread (one event loop reads them).",
    ),
    Setting(
        "ENDPOINT_THREADS",
        16,
        int,
        "Threads of cap-ptce serve that answer the SPARQL endpoint (/sparql) alone, so that a crowd on pages never holds up a query.",
    ),
    Setting(
        "CHECK_THREADS",
        4,
        int,
        "Threads of cap-ptce serve that answer the descriptions sent to be checked (POST to /valider, /editeur, /dossier and their English twins), with their own queue, so that a flood of the largest descriptions never holds up a page.",
    ),
    Setting(
        "CONNECTION_LIMIT",
        1000,
        int,
        "Open connections cap-ptce serve accepts at once; past it, new ones wait in the system's queue until one closes.",
    ),
    Setting(
        "CONNECTIONS_PER_CLIENT",
        32,
        int,
        "Open connections one client address may hold; more are answered 429 and closed (not applied to TRUSTED_PROXY).",
    ),
    Setting(
        "REQUESTS_PER_CLIENT",
        8,
        int,
        "Requests of one client address that the app runs at once; more get 429 with Retry-After.",
    ),
    Setting(
        "IDLE_TIMEOUT",
        10,
        int,
        "Seconds cap-ptce serve keeps a connection open without a request (kept-alive or silent clients), or whose client reads nothing of its answers.",
    ),
    Setting(
        "REQUEST_TIMEOUT",
        10,
        int,
        "Seconds a client has to send a whole request, headers and body, from its first byte; a client trickling bytes is cut off.",
    ),
    Setting(
        "RENDERS",
        2,
        int,
        "Pages and documents (dashboards and their reports included, and the knowledge bases of the selections' SPARQL endpoints) drawn at once (each is drawn once per version of the store, then served from memory; one asked with options is drawn each time, in its turn); the threads answering the endpoint keep their share of the processor.",
    ),
    Setting(
        "DOSSIERS",
        1,
        int,
        "Dossiers of descriptions sent (POST /dossier) made at once, apart from the pages' turns (RENDERS): a request waits for its turn (RENDER_WAIT, then 503) before its description is read; each PDF is drawn by a process of its own.",
    ),
    Setting(
        "CHECKS",
        2,
        int,
        "Descriptions sent checked at once (POST /valider and each step of the form, POST /editeur), apart from the pages' and the dossiers' turns: a request waits for its turn (RENDER_WAIT, then 503) before its description is read; the largest a request allows takes about a second and a hundred megabytes.",
    ),
    Setting(
        "DOSSIER_TIMEOUT",
        60.0,
        float,
        "Seconds the process drawing a dossier's PDF may take; past it, the process is stopped and the answer is 503 (the dossier in HTML or Markdown is offered instead).",
    ),
    Setting(
        "WARM_PAGES",
        True,
        bool,
        "cap-ptce serve draws the pages once in the background as soon as it listens, as many as its page cache keeps (256 MiB), so that visitors find them drawn; the catalogue, which reads every description, is drawn for its first visitor.",
    ),
    Setting(
        "RENDER_WAIT",
        10.0,
        float,
        "Seconds a request for a page not drawn yet may wait for its turn; past it, 503 with Retry-After.",
    ),
    Setting(
        "TRUSTED_PROXY",
        None,
        str,
        "Address of the reverse proxy in front of cap-ptce serve (such as 127.0.0.1 for nginx): its X-Forwarded-For and X-Forwarded-Proto are trusted, and its connections are not limited per client.",
    ),
    Setting(
        "SITE_URL",
        None,
        str,
        "Public address of the site (https://cap-ptce.example.org, with its path prefix if any): the endpoint addresses the app writes (service description, query editor, dashboards) are made from it, and a request that names another host is refused (400). Empty: from each request's Host.",
    ),
    Setting(
        "CORS_ORIGINS",
        "*",
        str,
        "Value of Access-Control-Allow-Origin on the SPARQL endpoint and the data; empty to disable CORS.",
    ),
    Setting(
        "LICENSE",
        "http://spdx.org/licenses/etalab-2.0",
        str,
        "Licence IRI of the published data: its SPDX IRI (Licence Ouverte / Etalab 2.0 by default), not a web page.",
    ),
    Setting("LICENSE_LABEL", "Licence Ouverte / Etalab 2.0", str, "Name of the licence shown on every page."),
    Setting("PUBLISHER", "CAP PTCE", str, "Name of the publisher of the dataset, in the DCAT catalogue."),
    Setting(
        "PUBLISHER_IRI",
        "https://w3id.org/cap-ptce/organisation/cap-ptce",
        str,
        "IRI of the publisher (an organisation), in the DCAT catalogue.",
    ),
    Setting(
        "CONTACT",
        "",
        str,
        "Where users write about the data, in the DCAT catalogue: an e-mail or web address; empty for the site's home page.",
    ),
    Setting("DEFAULT_LANG", "fr", str, "Language of pages when the browser expresses no preference (fr or en)."),
    Setting(
        "VALIDATION_ENGINE",
        "fast",
        str,
        "Engine that validates descriptions (cap-ptce validate, load, serve): fast (the project's own: pySHACL's results with several times less work) or pyshacl (the reference).",
    ),
)


def defaults() -> dict[str, Any]:
    """The default value of every setting."""
    return {setting.name: setting.default for setting in SETTINGS}


def parse_setting(name: str, raw: str, *, origin: str | None = None) -> Any:
    """The value of the setting ``name`` written as ``raw`` (from the environment or a command line)."""
    origin = origin or name
    setting = next((setting for setting in SETTINGS if setting.name == name), None)
    if setting is None:
        raise ParameterError(
            f"{origin}: no such setting {name!r}",
            key=name,
            hint="réglages / settings: " + ", ".join(setting.name for setting in SETTINGS),
        )
    try:
        return setting.type(raw) if setting.type is not bool else _bool(raw)
    except ValueError as exc:
        raise ParameterError(f"{origin}={raw!r} is not valid: {exc}", key=name, hint=setting.help) from exc


def with_environ(given: dict[str, Any], environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings of :func:`from_environ`, overridden by those ``given`` (a command's options; None: not given)."""
    return {**from_environ(environ), **{name: value for name, value in given.items() if value is not None}}


def from_environ(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings given as ``CAP_PTCE_<NAME>`` environment variables, converted."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(f"CAP_PTCE_{setting.name}")
        if raw is not None:
            found[setting.name] = parse_setting(setting.name, raw, origin=f"CAP_PTCE_{setting.name}")
    return found
