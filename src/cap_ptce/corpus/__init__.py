"""The corpus stage: a folder of description files, read and validated for the knowledge base.

Owns: finding the description files of a folder and their checksums, reading
each one with the description format (:mod:`cap_ptce.project`), validating it
(:mod:`cap_ptce.validation`), and the records the knowledge base keeps of each
(:mod:`.records`). May import: the foundations, ``project`` and ``validation``;
the knowledge base (:mod:`cap_ptce.store`) imports this stage, never the reverse.
"""

from __future__ import annotations

from .reading import (
    DESCRIPTION_SUFFIXES,
    DescriptionValidator,
    FileOutcome,
    LoadReport,
    ReadDescription,
    checksum,
    checksum_or_error,
    corpus_files,
    default_loader,
    default_validator,
    graph_iri_for,
    ignored_files,
    read_chunk,
    read_descriptions,
    read_one,
    record_validator,
    summarise_report,
    why_ignored,
)
from .records import GraphRecord, UnreadFile, Validation

__all__ = [
    "DESCRIPTION_SUFFIXES",
    "ReadDescription",
    "read_one",
    "read_chunk",
    "read_descriptions",
    "checksum_or_error",
    "FileOutcome",
    "LoadReport",
    "corpus_files",
    "ignored_files",
    "why_ignored",
    "checksum",
    "graph_iri_for",
    "default_loader",
    "DescriptionValidator",
    "default_validator",
    "record_validator",
    "summarise_report",
    "GraphRecord",
    "UnreadFile",
    "Validation",
]
