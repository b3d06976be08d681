"""How the query workers are shared between clients, so that no client takes them all.

Three rules, after what public SPARQL services do (Wikidata's query service gives
each address a few concurrent queries and a minute of query time per minute):

- a client runs at most ``per_client`` queries at once; its other queries wait
  for its own slot, never for another client's, and are refused (429) if that
  slot stays taken past the time limit;
- a client that used ``client_seconds`` of query time within the last
  ``window`` seconds is *heavy*: its queries go to the low-priority workers
  (``heavy_workers`` processes at a lower CPU priority), so that cross products
  sent in a loop slow down their sender, not everyone;
- a query holds a main worker at most ``main_seconds``: one still running then
  is stopped and run again in a low-priority worker for the rest of its time, so
  that the first cross product of a few new clients does not hold every main
  worker for the whole time limit;
- at most ``queue`` queries wait for a worker of one kind; past it the server
  is saturated and says so at once (503 with ``Retry-After``).

A client is whatever key the caller gives (the web app gives the address);
``None`` (the command line, the app's own queries) is never limited.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .. import errors

__all__ = ["Sharing", "ClientLedger"]

_RETRY_HINT = "réessayez dans quelques secondes / retry in a few seconds"


@dataclass(frozen=True)
class Sharing:
    """The limits that share the workers between clients (see the module's docstring)."""

    per_client: int = 1
    queue: int = 64
    heavy_workers: int = 1
    client_seconds: float = 5.0
    window: float = 60.0
    main_seconds: float = 1.0

    def __post_init__(self) -> None:
        for name, value, least in (("QUERIES_PER_CLIENT", self.per_client, 1), ("QUERY_QUEUE", self.queue, 1)):
            if value < least:
                raise errors.ParameterError(f"{name} must be at least {least}, not {value}", key=name)
        if self.main_seconds <= 0:
            raise errors.ParameterError(
                f"MAIN_QUERY_SECONDS must be above 0, not {self.main_seconds}", key="MAIN_QUERY_SECONDS"
            )
        if self.heavy_workers < 0 or self.client_seconds <= 0:
            raise errors.ParameterError(
                "HEAVY_QUERY_WORKERS must be 0 or more and CLIENT_QUERY_SECONDS above 0",
                key="HEAVY_QUERY_WORKERS",
            )


@dataclass
class _Client:
    slots: threading.Semaphore
    holders: int = 0
    spent: deque = field(default_factory=deque)  # (when a query ended, its seconds)


class ClientLedger:
    """Each client's slots and the query time it used recently."""

    def __init__(self, sharing: Sharing) -> None:
        self.sharing = sharing
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, client: str | None, timeout: float) -> Iterator[None]:
        """Hold one of ``client``'s query slots for the duration of the block."""
        if client is None:
            yield
            return
        state = self._state(client, hold=True)
        try:
            if not state.slots.acquire(timeout=timeout):
                raise errors.TooManyQueriesError(
                    f"ce client a déjà {self.sharing.per_client} requête(s) en cours, et aucune n'a fini en "
                    f"{timeout:g} s / this client already runs {self.sharing.per_client} query(ies), and none ended "
                    f"within {timeout:g} s",
                    hint="attendez la fin de vos requêtes avant d'en lancer d'autres / "
                    "wait for your queries to end before sending more",
                )
            try:
                yield
            finally:
                state.slots.release()
        finally:
            self._release(client, state)

    def is_heavy(self, client: str | None) -> bool:
        """Whether ``client`` used its share of query time within the window."""
        if client is None:
            return False
        with self._lock:
            state = self._clients.get(client)
            return state is not None and self._recent(state) >= self.sharing.client_seconds

    def charge(self, client: str | None, seconds: float) -> None:
        """Count ``seconds`` of query time against ``client``."""
        if client is None:
            return
        with self._lock:
            state = self._clients.get(client)
            if state is not None:
                state.spent.append((time.monotonic(), seconds))

    def refuse_heavy(self, client: str) -> errors.TooManyQueriesError:
        """The refusal for a heavy client when no low-priority worker exists."""
        return errors.TooManyQueriesError(
            f"ce client a utilisé plus de {self.sharing.client_seconds:g} s de temps de requête dans les "
            f"{self.sharing.window:g} dernières s / this client used more than {self.sharing.client_seconds:g} s "
            f"of query time in the last {self.sharing.window:g} s",
            hint=_RETRY_HINT,
        )

    def _state(self, client: str, *, hold: bool) -> _Client:
        with self._lock:
            state = self._clients.get(client)
            if state is None:
                state = self._clients[client] = _Client(threading.Semaphore(self.sharing.per_client))
            state.holders += hold
            return state

    def _release(self, client: str, state: _Client) -> None:
        with self._lock:
            state.holders -= 1
            if state.holders == 0 and not self._recent(state):
                self._clients.pop(client, None)  # forget idle clients: the ledger stays small
            self._forget_idle()

    def _recent(self, state: _Client) -> float:
        """Seconds used within the window (older entries are dropped). Call with the lock held."""
        horizon = time.monotonic() - self.sharing.window
        while state.spent and state.spent[0][0] < horizon:
            state.spent.popleft()
        return sum(seconds for _, seconds in state.spent)

    def _forget_idle(self) -> None:
        if len(self._clients) < 4096:
            return
        for client, state in list(self._clients.items()):
            if state.holders == 0 and not self._recent(state):
                del self._clients[client]
