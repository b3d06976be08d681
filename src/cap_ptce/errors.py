"""The exceptions that the library raises.

Library code raises these and never prints or exits; the command line maps them
to exit codes and the web app to HTTP statuses (see ``cap_ptce.cli`` and
``cap_ptce.web.errors``). Every error carries what went wrong, where, and what
to do instead, so that an edge can show it as it is.

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
    │   ├── QueryRefusedError   an update, SERVICE, LOAD or another reach outside the store (HTTP 400/403)
    │   ├── QueryTimeoutError   the query ran past the time limit and was stopped (HTTP 503)
    │   └── QueryTooLargeError  request or result over the configured caps (HTTP 413)
    │       └── QueryMemoryError  the query needed more memory than QUERY_MEMORY_MB and was stopped
    ├── NotFoundError           no such resource, query or file (HTTP 404)
    └── StoreError              the store cannot be opened, read or written
"""

from __future__ import annotations

__all__ = [
    "CapPtceError",
    "InputError",
    "InputFileError",
    "YamlError",
    "UnknownKeyError",
    "RdfSyntaxError",
    "ParameterError",
    "QueryError",
    "QuerySyntaxError",
    "QueryRefusedError",
    "QueryTimeoutError",
    "QueryTooLargeError",
    "QueryMemoryError",
    "NotFoundError",
    "StoreError",
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
        return text

    def to_dict(self) -> dict:
        """The error as the JSON object that every edge uses."""
        data = {"error": type(self).__name__, "message": self.message}
        for name in ("source", "line", "column", "key", "hint"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
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


class QueryRefusedError(QueryError):
    """The request is valid but not allowed here (update, SERVICE, LOAD, local files)."""


class QueryTimeoutError(QueryError):
    """The query ran past the time limit; its worker was stopped."""


class QueryTooLargeError(QueryError):
    """The request body or the result exceeds the configured limits."""


class QueryMemoryError(QueryTooLargeError):
    """The query needed more memory than a worker may use; the worker was stopped."""


class NotFoundError(CapPtceError):
    """No such resource, query or file."""


class StoreError(CapPtceError):
    """The store cannot be opened, read or written."""
