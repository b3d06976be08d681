"""Reading a corpus folder: which files there are, their checksums, and each one read and validated.

The knowledge base (:mod:`cap_ptce.store`) decides which files changed and
writes what this module gives it: each description's N-Triples and its record.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from rdflib import URIRef

from ..errors import CapPtceError, InputFileError, NotFoundError
from ..project.description import DESCRIPTION_SUFFIXES
from ..rdf.oxigraph import StoredForms, ntriples, ntriples_digest, stored_digest, stored_form
from .links import with_register_links
from .records import GraphRecord, Validation

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
    "stored_ntriples",
]

GRAPH_SUFFIX = "/graphe"
_FILES_PER_PROCESS = 20  # below this, starting processes costs more than it saves
_BATCH = 250  # files a process reads at a time: a batch of the fast validation engine
_PLACE_SUBJECT = b"<http://id.insee.fr/geo/"  # N-Triples lines about an INSEE place start so
_PLACE = _PLACE_SUBJECT[1:].decode()


@dataclass(frozen=True)
class FileOutcome:
    """What loading did with one file: added, updated, unchanged, renamed, removed or failed.

    Renamed: a new name (or folder) for the project of a file gone, which keeps
    its graph; ``note`` gives the former name.
    """

    source: str
    status: str
    graph: str | None = None
    validation: Validation | None = None
    error: str | None = None
    note: str | None = None  # why an unchanged file was loaded again, say
    record: GraphRecord | None = field(default=None, repr=False, compare=False)  # a removed one's record


@dataclass
class LoadReport:
    """Every file's outcome, in the corpus's order; ``ignored``: the files of the folder that look like data but
    are not read as descriptions (:func:`ignored_files`)."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def by_status(self, status: str) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def counts(self) -> dict[str, int]:
        statuses = ("added", "updated", "unchanged", "renamed", "removed", "failed")
        return {status: len(self.by_status(status)) for status in statuses}

    @property
    def ok(self) -> bool:
        """True when every file could be loaded (whatever its validation outcome)."""
        return not self.by_status("failed")


def corpus_files(folder: Path) -> dict[str, Path]:
    """The description files under ``folder`` by their name relative to it (POSIX separators)."""
    if not folder.is_dir():
        raise NotFoundError(
            "ce n'est pas un dossier / this is not a folder"
            if folder.exists()
            else "pas de tel dossier / no such folder",
            source=str(folder),
            hint="donnez le dossier des descriptions / give the folder of the descriptions",
        )
    found = {}
    for root, relative, name in _walk(folder):
        # A link that leads nowhere is kept: reading it fails, and the load report says so.
        if os.path.splitext(name)[1].lower() in DESCRIPTION_SUFFIXES and not name.startswith("."):
            path = os.path.join(root, name)
            if os.path.isfile(path) or (os.path.islink(path) and not os.path.exists(path)):
                found[relative + name] = Path(path)
    return dict(sorted(found.items()))


# Suffixes of files that hold data, which a load does not read: each one is named in the load's report, and
# with the format the loader knows it by, the suffix that would have it read.
IGNORED_SUFFIXES = {
    ".json": ".jsonld",
    ".nt": ".ttl",
    ".n3": ".ttl",
    ".trig": None,
    ".nq": None,
    ".rdf": None,
    ".owl": None,
}


def ignored_files(folder: Path) -> dict[str, str | None]:
    """The files under ``folder`` that a load does not read though they look like data (:data:`IGNORED_SUFFIXES`),
    by their name relative to it, each with the suffix that would have it read as a description (or None).

    A JSON-LD description named ``.json`` (which ``validate`` and ``convert`` read) used to be left out of a
    load without a word: the report counted every file loaded, and one project was missing.
    """
    found = {}
    for _root, relative, name in _walk(folder):
        suffix = os.path.splitext(name)[1].lower()
        if suffix in IGNORED_SUFFIXES and not name.startswith("."):
            found[relative + name] = IGNORED_SUFFIXES[suffix]
    return dict(sorted(found.items()))


def why_ignored(name: str) -> str:
    """Why a load did not read the data file ``name`` (:func:`ignored_files`), and what would have it read."""
    suffix = IGNORED_SUFFIXES.get(os.path.splitext(name)[1].lower())
    if suffix:
        return f"non lu : renommez-le en {suffix} s'il décrit un PTCE / not read: rename it {suffix} if it describes a PTCE"
    read = ", ".join(DESCRIPTION_SUFFIXES)
    return (
        f"non lu : une description est en {read} ; sortez-le du dossier s'il n'en est pas une / not read: a "
        f"description is in {read}; move it out of the folder if it is none"
    )


def _walk(folder: Path):
    """(folder, its name relative to ``folder`` ending in "/" or "", file name) of every file under ``folder``,
    following links to folders (each real folder once, so a loop ends). Strings, not paths: a corpus of
    10,000 files was walked in 1.3 s through pathlib."""
    seen = set()
    top = str(folder)
    for root, folders, names in os.walk(top, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            folders.clear()
            continue
        seen.add(real)
        relative = os.path.relpath(root, top).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        yield from ((root, prefix, name) for name in names)


def checksum(path: Path) -> str:
    """The SHA-256 of the file's bytes, in hexadecimal."""
    if path.is_symlink() and not path.exists():
        raise InputFileError(
            f"{path.name} est un lien vers {os.readlink(path)}, qui n'existe pas / "
            f"is a symbolic link to {os.readlink(path)}, which does not exist",
            source=path.name,
            hint="corrigez ou retirez le lien / fix or remove the link",
        )
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputFileError(f"cannot read {path.name}: {exc.strerror}", source=path.name) from None


def graph_iri_for(project_iri: str) -> str:
    """The named graph that holds a project's description: ``{project IRI}/graphe``.

    The project (a PTCE) and the document describing it are different things:
    provenance and validation are said of the document.
    """
    return project_iri.rstrip("/") + GRAPH_SUFFIX


def default_loader(path: Path, *, base: str | None = None) -> Any:
    """The description format's loader, minting project IRIs under ``base`` (the deployment's BASE_IRI); with
    ``base``, a Turtle or JSON-LD description, which names its project itself, must name it under ``base``."""
    from ..project import load_description  # late: that module loads rdflib and the grid

    if not base:
        return load_description(path)
    description = load_description(path, base=base)
    home = base.rstrip("/") + "/projet/"
    if not str(description.iri).startswith(home):
        raise InputFileError(
            f"décrit <{description.iri}>, hors de la base du site {home} : ni page ni lien n'y mèneraient"
            f" / describes <{description.iri}>, outside the site's base {home}: no page nor link would lead to it",
            source=path.name,
            hint="la donner en YAML, dont l'IRI suit la base du site : cap-ptce convert FICHIER --to yaml / give it "
            "in YAML, whose IRI follows the site's base: cap-ptce convert FILE --to yaml",
        )
    return description


class DescriptionValidator:
    """The store's validator: one description, or many in batches (the same outcomes, faster).

    ``many`` validates with :func:`cap_ptce.validation.batch.validate_descriptions`.
    ``engine`` is "fast" or "pyshacl"; None takes the VALIDATION_ENGINE setting.
    """

    def __init__(self, engine: str | None = None) -> None:
        self.engine = engine

    def __call__(self, description: Any) -> Validation:
        from ..validation import validate_description

        return summarise_report(validate_description(description, engine=self.engine))

    def many(self, descriptions: list) -> list[Validation]:
        from ..validation.batch import validate_descriptions

        return [summarise_report(r) for r in validate_descriptions(descriptions, engine=self.engine)]


default_validator = DescriptionValidator()


class RecordValidator:
    """The register's validator: records of real poles under the register's profile (see docs/validation.md)."""

    def __call__(self, description: Any) -> Validation:
        from ..validation.registre import validate_record

        return summarise_report(validate_record(description))

    def many(self, descriptions: list) -> list[Validation]:
        from ..validation.registre import validate_records

        return [summarise_report(r) for r in validate_records(descriptions)]


record_validator = RecordValidator()


def _severity(result: Any) -> str:
    value = getattr(result, "severity", None)
    if value is None and isinstance(result, dict):
        value = result.get("severity")
    return str(value or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()


def _ratio(completeness: Any) -> float | None:
    if completeness is None:
        return None
    for name in ("ratio", "overall", "value"):
        value = getattr(completeness, name, None)
        if value is not None and not callable(value):
            return float(value)
    return float(completeness)


def summarise_report(report: Any) -> Validation:
    """Counts of violations and warnings and the completeness ratio of a validation report."""
    severities = [_severity(result) for result in getattr(report, "results", ())]
    return Validation(
        conforms=bool(report.conforms),
        violations=severities.count("violation"),
        warnings=severities.count("warning"),
        completeness=_ratio(getattr(report, "completeness", None)),
    )


def checksum_or_error(path: Path) -> str | CapPtceError:
    """The file's SHA-256, or the error that kept it from being read."""
    try:
        return checksum(path)
    except CapPtceError as exc:
        return exc


@dataclass(frozen=True)
class ReadDescription:
    """One changed file, read and validated: its record and N-Triples, or why it failed.

    With a deriver (see :func:`read_descriptions`), ``batch`` is what it
    worked out for the batch of descriptions this one was read with, if this
    one is among them.
    """

    record: GraphRecord | None = None
    ntriples: bytes = b""
    error: str | None = None
    batch: Any = None


def read_one(
    path: Path, source: str, sha: str, loader: Callable, validator: Callable | None, loaded_at
) -> ReadDescription:
    """Read and validate one description; library errors become the outcome's message."""
    try:
        description = loader(path)
        validation = validator(description) if validator else None
    except CapPtceError as exc:
        return ReadDescription(error=str(exc))
    return _read(description, source, sha, validation, loaded_at)


def stored_ntriples(triples) -> bytes:
    """A description's triples as the knowledge base keeps them: without what it says of INSEE places.

    A description names its communes, EPCI, départements and régions by their
    INSEE IRIs; their type and code are facts of the official geography, which
    the knowledge base holds once, in its places graph. Kept in each
    description, they would be counted once per description in the union of
    the graphs.
    """
    lines = ntriples(triples).splitlines(keepends=True)
    return b"".join(line for line in lines if line.strip() and not line.startswith(_PLACE_SUBJECT))


def stored_text_and_digest(
    triples, forms: StoredForms | None = None, graph: str = "", source: str = ""
) -> tuple[bytes, str]:
    """A description's :func:`stored_ntriples`, as Oxigraph holds them, and their checksum (``stored_digest``).

    Both from one store in memory, filled with Oxigraph's terms: no N-Triples
    written and parsed again in between (3.2 s of CPU for 1,000 generated
    descriptions, against 4.2 s, on a busy machine). The quads are the same; the
    text gives the literals in their canonical form, as the store keeps them.
    With ``forms``, the store is theirs, which keeps the triples in ``graph``.
    """
    kept = [t for t in triples if not (isinstance(t[0], URIRef) and t[0].startswith(_PLACE))]  # no lines about a place
    try:
        text = forms.add(graph, source, kept) if forms is not None else stored_form(kept)
    except (TypeError, ValueError):  # a term Oxigraph refuses: rdflib's serializer says which
        text = stored_ntriples(triples)
        return text, stored_digest(text)
    return text, ntriples_digest(text)


def _read(
    description, source: str, sha: str, validation, loaded_at, forms: StoredForms | None = None
) -> ReadDescription:
    """The record and N-Triples of one read description, links to the public registers included."""
    project = str(description.iri)
    graph = graph_iri_for(project)
    triples = getattr(description, "triples", None) or description.graph  # a loader may give a graph only
    text, digest = stored_text_and_digest(with_register_links(list(triples)), forms, graph, source)
    record = GraphRecord(
        graph=graph,
        source=source,
        sha256=sha,
        loaded_at=loaded_at,
        project=project,
        triples=text.count(b"\n"),
        validation=validation,
        content=digest,
    )
    return ReadDescription(record, text)


def _loaded(path: Path, loader: Callable) -> Any:
    try:
        return loader(path)
    except CapPtceError as exc:
        return exc


def _validations(descriptions: list, validator: Callable | None) -> list[Validation | CapPtceError | None]:
    """Each description's validation, in batches when the validator can (one by one if a batch fails)."""
    if validator is None:
        return [None] * len(descriptions)
    many = getattr(validator, "many", None)
    if many is not None:
        try:
            return list(many(descriptions))
        except CapPtceError:
            pass  # find which description the error belongs to
    outcomes = []
    for description in descriptions:
        try:
            outcomes.append(validator(description))
        except CapPtceError as exc:
            outcomes.append(exc)
    return outcomes


def read_chunk(items, loader: Callable, validator: Callable | None, loaded_at, deriver=None) -> list[ReadDescription]:
    """Read every (path, source, sha) of ``items``, then validate the readable ones together."""
    from ..validation.processes import fewer_collections

    with fewer_collections():
        return _read_chunk(items, loader, validator, loaded_at, deriver)


def _read_chunk(items, loader: Callable, validator: Callable | None, loaded_at, deriver) -> list[ReadDescription]:
    loaded = [_loaded(path, loader) for path, _source, _sha in items]
    readable = [description for description in loaded if not isinstance(description, CapPtceError)]
    validations = iter(_validations(readable, validator))
    forms = StoredForms() if deriver else None
    read = []
    for (_path, source, sha), description in zip(items, loaded):
        if isinstance(description, CapPtceError):
            read.append(ReadDescription(error=str(description)))
            continue
        validation = next(validations)
        if isinstance(validation, CapPtceError):
            read.append(ReadDescription(error=str(validation)))
            continue
        read.append(_read(description, source, sha, validation, loaded_at, forms))
    if forms is None:
        return read
    batch = deriver(forms)
    kept = set(forms.graphs.values())
    return [dataclasses.replace(one, batch=batch) if one.record and one.record.source in kept else one for one in read]


def read_descriptions(
    items, loader: Callable, validator: Callable | None, loaded_at, jobs: int = 1, deriver=None, progress=None
) -> dict[str, ReadDescription]:
    """Each (path, source, sha) read and validated, in ``jobs`` processes when there are enough files.

    A process pays off from a few dozen files: each starts Python, rdflib and
    the validation engine and reads the shapes (about 2 s). The files go to
    the processes in batches of up to 250, in their order; each description
    comes back as N-Triples written by Oxigraph from its triples, ready for the
    store's bulk loader, and with a ``deriver``
    (:func:`cap_ptce.store.derived.batch_facts`), with what it works out of its
    batch. ``progress("read", done, total)`` is called with the files read so
    far: 0 at first, then as each batch comes back, in order. Like any use of multiprocessing, a
    script that passes ``jobs`` > 1 must guard its entry point with
    ``if __name__ == "__main__":``.
    """
    items = list(items)
    jobs = max(1, min(jobs, len(items) // _FILES_PER_PROCESS))
    size = max(1, min(_BATCH, -(-len(items) // jobs)))
    batches = [items[start : start + size] for start in range(0, len(items), size)]
    if jobs == 1:
        done = (read_chunk(batch, loader, validator, loaded_at, deriver) for batch in batches)
        return _by_source(batches, _told(batches, done, progress))
    from ..validation.processes import process_pool

    with process_pool(jobs) as pool:
        same = [repeat(value) for value in (loader, validator, loaded_at, deriver)]
        return _by_source(batches, _told(batches, pool.map(read_chunk, batches, *same), progress))


def _told(batches: list[list], done, progress):
    """Each batch's reads as they come, ``progress`` told of the files read so far (none, first)."""
    total, count = sum(map(len, batches)), 0
    if progress is not None and total:
        progress("read", 0, total)
    for batch, reads in zip(batches, done):
        count += len(batch)
        if progress is not None:
            progress("read", count, total)
        yield reads


def _by_source(batches: list[list], done) -> dict[str, ReadDescription]:
    return {source: read for batch, reads in zip(batches, done) for (_p, source, _s), read in zip(batch, reads)}
