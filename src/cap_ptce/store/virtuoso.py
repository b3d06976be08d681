"""What Virtuoso 7 (Debian's ``virtuoso-opensource``) answers differently, made standard for the remote store.

Measured on Virtuoso Open Source 7.2.5 (see docs/large-corpora.md): its SPARQL
JSON results name blank nodes ``nodeID://b10000`` (not a blank node label:
pyoxigraph refuses the whole document), write stored booleans as ``1``/``0``,
and answer ASK with a one-column table (``__ASK_RETVAL``, no row for false).
Past its own time limits it answers 500 with an SQL state, or 200 with partial
rows; past ``ResultSetMaxRows`` it cuts a SELECT and says so in a header.
Every function here leaves other servers' answers untouched.
"""

from __future__ import annotations

import json
import re

from ..errors import QueryTimeoutError, QueryTooLargeError

__all__ = ["SERVER_GRAPHS", "check_answer", "standard_json", "stopped_by_server"]

# graphs a Virtuoso server keeps for itself: its quad maps, LDP terms, its service description
SERVER_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#", "http://localuriqaserver/")
_MARKERS = (b"nodeID://", b"XMLSchema#boolean", b"__ASK_RETVAL")
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_NOT_A_LABEL_CHARACTER = re.compile(r"[^A-Za-z0-9_]")
# S1T00/SR171: past MaxQueryExecutionTime; the estimate: refused before running (MaxQueryCostEstimationTime)
_STOPPED = re.compile(r"S1T00|SR171|estimated execution time")


def standard_json(body: bytes) -> bytes:
    """SPARQL 1.1 JSON results from Virtuoso's; other servers' bodies are returned as they are."""
    if not any(marker in body for marker in _MARKERS):
        return body
    document = json.loads(body)
    if document.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        rows = document.get("results", {}).get("bindings", [])
        answer = bool(rows) and rows[0].get("__ASK_RETVAL", {}).get("value") not in {"0", "false"}
        return json.dumps({"head": {}, "boolean": answer}).encode("utf-8")
    for row in document.get("results", {}).get("bindings", ()):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = _NOT_A_LABEL_CHARACTER.sub("_", term["value"].removeprefix("nodeID://"))
            elif term.get("datatype") == _BOOLEAN:
                term["value"] = {"1": "true", "0": "false"}.get(term["value"], term["value"])
    return json.dumps(document).encode("utf-8")


def stopped_by_server(text: str) -> bool:
    """True when an error page says that the server stopped (or refused) the query for its time limit."""
    return bool(_STOPPED.search(text))


def check_answer(headers, endpoint: str) -> None:
    """Refuse a 200 answer that the server itself marks as incomplete."""
    # "anytime" query: partial rows once MaxQueryExecutionTime ran out (only if a timeout was sent)
    if headers.get("X-SQL-State") == "S1TAT":
        raise QueryTimeoutError(
            f"le serveur SPARQL {endpoint} a arrêté la requête à sa limite de temps / "
            f"the SPARQL server {endpoint} stopped the query at its time limit",
            hint="simplifiez la requête ou ajoutez LIMIT / simplify the query or add LIMIT",
        )
    if "X-SPARQL-MaxRows" in headers:
        raise QueryTooLargeError(
            f"le serveur SPARQL {endpoint} a coupé les résultats à {headers['X-SPARQL-MaxRows']} lignes / "
            f"the SPARQL server {endpoint} cut the results at {headers['X-SPARQL-MaxRows']} rows",
            hint="Virtuoso : augmentez ResultSetMaxRows dans virtuoso.ini / "
            "Virtuoso: raise ResultSetMaxRows in virtuoso.ini (docs/large-corpora.md)",
        )
