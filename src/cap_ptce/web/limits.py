"""Per-client limits of the app: who a client is, and how many of its requests run at once.

A client is its address (``REMOTE_ADDR``; behind a proxy named by
``TRUSTED_PROXY``, the address the proxy forwards), and for IPv6 its /64
network, which one machine usually holds whole. A client may have
``REQUESTS_PER_CLIENT`` requests running in the app; one more is answered 429
with ``Retry-After`` at once, so that one client never holds every thread of
the server. The SPARQL workers are shared per client too (:mod:`cap_ptce.sparql.sharing`).
"""

from __future__ import annotations

import ipaddress
import threading
from collections import Counter

from flask import Flask, current_app, g, request
from werkzeug.exceptions import TooManyRequests

__all__ = ["init_app", "client_key", "RETRY_AFTER_SECONDS"]

RETRY_AFTER_SECONDS = 5


def client_key() -> str:
    """The current request's client: its address, or its /64 network for IPv6."""
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


class _Running:
    """Requests running now, by client."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    def enter(self, client: str, limit: int) -> bool:
        with self.lock:
            if self.counts[client] >= limit:
                return False
            self.counts[client] += 1
            return True

    def leave(self, client: str) -> None:
        with self.lock:
            self.counts[client] -= 1
            if self.counts[client] <= 0:
                del self.counts[client]


def _enter() -> None:
    running: _Running = current_app.extensions["cap_ptce.running"]
    client = client_key()
    if not running.enter(client, int(current_app.config["REQUESTS_PER_CLIENT"])):
        raise TooManyRequests(
            description=(
                f"trop de requêtes en cours depuis votre adresse (au plus {current_app.config['REQUESTS_PER_CLIENT']}) / "
                "too many requests running from your address: wait for them to end"
            ),
            retry_after=RETRY_AFTER_SECONDS,
        )
    g.cap_ptce_client = client


def _leave(_exc: BaseException | None) -> None:
    client = g.pop("cap_ptce_client", None)
    if client is not None:
        current_app.extensions["cap_ptce.running"].leave(client)


def init_app(app: Flask) -> None:
    """Count each client's running requests, and refuse one too many."""
    app.extensions["cap_ptce.running"] = _Running()
    app.before_request(_enter)
    app.teardown_request(_leave)
