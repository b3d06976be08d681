"""The exceptions that the library raises.

Library code raises these and never prints or exits; the command line maps them
to exit codes and the web app to HTTP statuses (see ``cap_ptce.cli`` and
``cap_ptce.web.errors``). Every error carries what went wrong, where, and what
to do instead, so that an edge can show it as it is. An input error may come
with others (``others``): a description whose values cannot be read tells them
all at once (:func:`together`).

::

    CapPtceError
    ├── InputError              bad input from a user: a file, a parameter (CLI exit 2, HTTP 400)
    │   ├── InputFileError      a file cannot be read or decoded
    │   ├── YamlError           invalid, ambiguous or dangerous YAML
    │   ├── UnknownKeyError     a key that the description format does not know
    │   ├── RdfSyntaxError      Turtle, JSON-LD, N-Triples or RDF/XML that does not parse
    │   └── ParameterError      a bad option or query parameter
    ├── QueryError              a SPARQL request that cannot be answered
    │   ├── QuerySyntaxError    the query does not parse (HTTP 400)
    │   ├── QueryTooComplexError  expressions or patterns nested or chained past the engine's safe depth (HTTP 400)
    │   ├── UnknownFunctionError  a function the engine does not implement (HTTP 400)
    │   ├── EngineFaultError    the engine failed on a valid query (a fault of its own), a way round said (HTTP 400)
    │   ├── QueryRefusedError   an update, SERVICE, LOAD or another reach outside the store (HTTP 400/403)
    │   ├── QueryTimeoutError   the query ran past the time limit and was stopped (HTTP 503)
    │   │   └── ServerBusyError   every worker and the queue are full: the whole server is saturated (HTTP 503)
    │   ├── TooManyQueriesError  this client already runs as many queries as it may, or used its query time (HTTP 429)
    │   └── QueryTooLargeError  request or result over the configured caps (HTTP 413)
    │       └── QueryMemoryError  the query needed more memory than QUERY_MEMORY_MB and was stopped
    ├── NotFoundError           no such resource, query or file (HTTP 404)
    ├── LoadRefusedError        a load would remove descriptions, and was not let (CLI exit 2)
    ├── FolderInUseError        another process writes the folder: a publish at work (CLI exit 2)
    └── StoreError              the store cannot be opened, read or written
        ├── StoreDamagedError   RocksDB finds a file of an on-disk store lost or altered (HTTP 503)
        └── WorkerStoppedError  a query worker ended by a signal (a crash, or killed from outside)
"""

from __future__ import annotations

import re

__all__ = [
    "CapPtceError",
    "ServerStoppingError",
    "InputError",
    "InputFileError",
    "YamlError",
    "UnknownKeyError",
    "RdfSyntaxError",
    "ParameterError",
    "QueryError",
    "QuerySyntaxError",
    "QueryTooComplexError",
    "UnknownFunctionError",
    "EngineFaultError",
    "QueryRefusedError",
    "QueryTimeoutError",
    "ServerBusyError",
    "TooManyQueriesError",
    "QueryTooLargeError",
    "QueryMemoryError",
    "NotFoundError",
    "LoadRefusedError",
    "FolderInUseError",
    "StoreError",
    "StoreDamagedError",
    "WorkerStoppedError",
    "is_damage",
    "together",
]


class CapPtceError(Exception):
    """Base class: a message, and optionally where (file, line, key) and a hint."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.key = key
        self.hint = hint
        self.others: tuple[CapPtceError, ...] = ()  # more errors of the same input, told with this one

    @property
    def every(self) -> tuple[CapPtceError, ...]:
        """This error and its ``others``, in the input's order."""
        return (self, *self.others)

    @property
    def where(self) -> str | None:
        """``file:line:column`` (as much as is known), or None."""
        if self.source is None and self.line is None:
            return None
        parts = [self.source or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = self.message
        if self.where:
            text = f"{self.where}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        for other in self.others:
            text += f"\n{other}"
        return text

    def to_dict(self) -> dict:
        """The error as the JSON object that every edge uses."""
        data = {"error": type(self).__name__, "message": self.message}
        for name in ("source", "line", "column", "key", "hint"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.others:
            data["others"] = [other.to_dict() for other in self.others]
        return data


class InputError(CapPtceError):
    """Input from a user is wrong; the user can fix it."""


class InputFileError(InputError):
    """A file cannot be opened, read or decoded as UTF-8."""


class YamlError(InputError):
    """YAML that is invalid, ambiguous (duplicate keys) or dangerous (aliases, size, depth)."""


class UnknownKeyError(InputError):
    """A key the description format does not know; ``hint`` names the nearest valid key."""


class RdfSyntaxError(InputError):
    """An RDF document that does not parse."""


class ParameterError(InputError):
    """A bad option, parameter or value."""


class QueryError(CapPtceError):
    """A SPARQL request that cannot be answered."""


class QuerySyntaxError(QueryError):
    """The query (or update) does not parse."""


class QueryTooComplexError(QueryError):
    """Expressions or patterns nested or chained deeper than the engine can take safely."""


class UnknownFunctionError(QueryError):
    """The query calls a function (an IRI) that the engine does not implement."""


class EngineFaultError(QueryError):
    """The query engine failed on a valid query, a fault of its own (Oxigraph's ORDER BY over values of different
    kinds, say): the worker running it ended; the message says what the engine said, the hint a way round."""


class QueryRefusedError(QueryError):
    """The request is valid but not allowed here (update, SERVICE, LOAD, local files)."""


class QueryTimeoutError(QueryError):
    """The query ran past the time limit; its worker was stopped."""


class ServerBusyError(QueryTimeoutError):
    """Every query worker is busy and the queue of waiting queries is full."""


class TooManyQueriesError(QueryError):
    """This client already has as many queries running as it may, or has used its share of query time."""


class QueryTooLargeError(QueryError):
    """The request body or the result exceeds the configured limits."""


class QueryMemoryError(QueryTooLargeError):
    """The query needed more memory than a worker may use; the worker was stopped."""


class NotFoundError(CapPtceError):
    """No such resource, query or file; ``see``: the address most likely meant, when one is known."""

    see: str | None = None


class LoadRefusedError(CapPtceError):
    """A load would remove descriptions that no file describes any more, and its ``confirm`` said no: nothing
    was written.

    ``removed``: their records (:class:`~cap_ptce.corpus.records.GraphRecord`).
    """

    def __init__(self, message: str, *, removed: tuple = (), **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.removed = tuple(removed)


class FolderInUseError(CapPtceError):
    """Another process writes the folder (a publish of the same site at work): nothing was done."""


class StoreError(CapPtceError):
    """The store cannot be opened, read or written."""


class StoreDamagedError(StoreError):
    """RocksDB finds a file of an on-disk store lost or altered (a block whose checksum no longer matches).

    Nothing but loading the corpus again mends it: the store is made from the
    files. :meth:`of` gives RocksDB's words, said once, and what to do.
    """

    @classmethod
    def of(cls, exc: Exception, location: str | None = None) -> StoreDamagedError:
        """The error for RocksDB's ``exc`` ("Corruption: …") in the store at ``location``, if known."""
        said = re.sub(r"^(\w+: )\1+", r"\1", str(exc))  # RocksDB says "Corruption: Corruption: …"
        return cls(f"le store est endommagé / the store is damaged ({said})").located(location)

    def located(self, location: str | None) -> StoreDamagedError:
        """This error, in the store at ``location``: what to do names its folder."""
        folder = location or "STORE"
        return type(self)(
            self.message,
            source=location,
            hint="le store se refait depuis les fichiers : mettez ce dossier de côté et rechargez le corpus, "
            f"« cap-ptce load DOSSIER --store {folder} » / the store is made again from the files: move this folder "
            f"aside and load the corpus again, `cap-ptce load FOLDER --store {folder}`",
        )


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` is RocksDB saying that a file of the store is lost or altered (pyoxigraph's RuntimeError)."""
    return isinstance(exc, RuntimeError) and str(exc).startswith("Corruption:")


class WorkerStoppedError(StoreError):
    """A query worker ended by a signal: a crash of the engine, or a kill from outside."""


class ServerStoppingError(WorkerStoppedError):
    """A request met the server's stop: its store closed, its workers stopped, or a worker ended by a stop signal
    (systemd sends SIGTERM to every process of a service at once). No fault: not logged as an error."""


def together(errors: list[InputError]) -> InputError:
    """The first of ``errors`` in the input's order (by line), carrying the others; each told once."""
    unique: dict[tuple, InputError] = {}
    for error in errors:
        unique.setdefault((error.line, error.column, error.key, error.message), error)
    ordered = sorted(unique.values(), key=lambda e: (e.line is None, e.line or 0, e.column or 0))
    first = ordered[0]
    first.others = tuple(ordered[1:])
    return first
