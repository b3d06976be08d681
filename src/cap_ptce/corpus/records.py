"""What reading a description file gives the knowledge base: its graph's record and validation outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["Validation", "GraphRecord", "UnreadFile"]


@dataclass(frozen=True)
class Validation:
    """The outcome of validating a description, as stored beside its graph."""

    conforms: bool
    violations: int
    warnings: int
    completeness: float | None = None


@dataclass(frozen=True)
class GraphRecord:
    """One description's graph in the store and where it came from."""

    graph: str
    source: str
    sha256: str
    loaded_at: datetime
    project: str | None = None
    triples: int = 0
    validation: Validation | None = None
    content: str | None = None  # the checksum of the graph as written (cap_ptce.store.provenance.graph_digest)
    scope: str | None = None  # the folder it was added with (load_corpus's scope); None: the corpus's own


@dataclass(frozen=True)
class UnreadFile:
    """A file of a folder that its last load could not read: no description of it in the store, said so."""

    source: str  # its name, as a description's would be recorded
    reason: str
    loaded_at: datetime
    scope: str | None = None  # the folder it was added with, as a description's (GraphRecord.scope)
