"""Loading a corpus folder into the knowledge base: what changed, read and validated, then written at once.

Everything that can fail slowly — reading, validating — happens before the
first write. The writes (each changed description's graph, the provenance
graph, the indicators) then happen in one :meth:`KnowledgeBase.atomic` block:
an on-disk store shows the corpus before the load or after it, never a mix.
On an embedded store the derived graphs follow the changed descriptions alone
(:mod:`.incremental`): a reload costs what changed, not the whole corpus.

A file is read again when its checksum changed, and also when the graph the
store holds for it no longer has the size recorded when it was written
(``void:triples``) or, with ``verify`` (and on a SPARQL server), no longer
gives the checksum recorded then (``cap:graphChecksum``): a graph changed
behind the knowledge base's back is put right, whatever its file says.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..corpus import (
    FileOutcome,
    GraphRecord,
    LoadReport,
    UnreadFile,
    checksum_or_error,
    ignored_files,
    read_descriptions,
)
from ..errors import LoadRefusedError
from .graphs import REFERENCE_GRAPHS
from .provenance import PROVENANCE_GRAPH, records_to_ntriples, unread_to_ntriples

# A cap_ptce.store.KnowledgeBase: importing the class (even for type checking) would make a circle.
KnowledgeBase = Any

__all__ = [
    "CorpusChanges",
    "Plan",
    "read_changes",
    "plan_changes",
    "write_changes",
    "load_corpus",
    "renamed_sources",
    "DRIFTED",
    "FORMERLY",
    "NO_LONGER",
    "NOW_DESCRIBES",
]

FORMERLY = "ancien nom / formerly: {source}"
CHANGED = ", contenu modifié / content changed"  # a file renamed and edited: its description is not the same
NO_LONGER = "ne décrit plus / no longer describes <{project}>"
NOW_DESCRIBES = "son fichier décrit maintenant / its file now describes <{project}>"
KEPT_BEFORE = "sa version chargée le {loaded} reste dans la base / its version loaded on {loaded} stays in the store"
DRIFTED = (
    "le graphe ne correspondait plus à sa somme de contrôle : rechargé / "
    "the graph no longer matched its checksum: loaded again"
)


@dataclass
class CorpusChanges:
    """What a load will write: each file's checksum, what was read and validated, what was there before."""

    files: dict[str, Path]
    sums: dict[str, Any]
    previous: dict[str, GraphRecord]
    read: dict
    drifted: set[str]
    others: list[GraphRecord]  # the descriptions of other scopes (other folders added with --add), kept as they are
    scope: str | None = None
    loaded_at: datetime | None = None
    unread: list[UnreadFile] = dataclasses.field(default_factory=list)  # every folder's, before this load


def read_changes(
    kb: KnowledgeBase,
    folder: Path,
    loader: Callable,
    validator: Callable | None,
    now: datetime | None,
    jobs: int,
    scope: str | None = None,
    verify: bool = False,
    progress: Callable | None = None,
) -> CorpusChanges:
    """Read and validate what changed in ``folder`` (in ``scope``) since the last load; nothing is written.

    ``verify``: compare every unchanged file's graph with its checksum, not only its size. ``progress``: see
    :meth:`KnowledgeBase.load_corpus`.
    """
    loaded_at = (now or datetime.now(UTC)).replace(microsecond=0)
    records = kb.records()
    previous = {record.source: record for record in records if record.scope == scope}
    others = [record for record in records if record.scope != scope]
    files = kb.corpus_sources(folder, scope=scope)
    sums = {source: checksum_or_error(path) for source, path in files.items()}
    drifted = _drifted(kb, previous, sums, verify)
    to_read = [
        (files[source], source, sha)
        for source, sha in sums.items()
        if isinstance(sha, str) and (getattr(previous.get(source), "sha256", None) != sha or source in drifted)
    ]
    deriver = _deriver(kb, to_read, previous, files, others)
    read = read_descriptions(to_read, loader, validator, loaded_at, jobs, deriver, progress)
    if scope is not None:  # recorded with each description: the corpus's loads leave them alone
        read = {source: _scoped(one, scope) for source, one in read.items()}
    return CorpusChanges(files, sums, previous, read, drifted, others, scope, loaded_at, kb.unread_files())


def _deriver(kb: KnowledgeBase, to_read: list, previous: dict, files: dict, others: list):
    """The reading processes' deriver when the load keeps no description of the store as it is, else None.

    Then :func:`.incremental.write_all` takes the derived facts they worked
    out; a load that keeps some descriptions works its own out
    (:func:`.incremental.write_changed`).
    """
    from .derived import batch_facts

    reading = {source for _path, source, _sha in to_read}
    kept = others or [source for source in previous if source in files and source not in reading]
    return batch_facts if to_read and not kept and not kb.is_remote else None


@dataclass
class Plan:
    """What a load will write, worked out from its :class:`CorpusChanges` before any write."""

    report: LoadReport
    kept: list[GraphRecord]  # every record of the store after the load, other scopes' included
    written: dict[str, bytes]  # the N-Triples of each graph written
    dropped: list[str]  # the graphs removed
    read_from: dict  # each written graph's ReadDescription
    edited: list = dataclasses.field(default_factory=list)  # (source, record before, project now) of a file whose
    # identifier changed
    unread: list[UnreadFile] = dataclasses.field(default_factory=list)  # every folder's, after the load

    def provenance(self) -> bytes:
        """The provenance graph after the load: every description's record, and every file no load could read."""
        return records_to_ntriples(self.kept) + unread_to_ntriples(self.unread)

    @property
    def removed(self) -> list[GraphRecord]:
        """The records of the projects no file describes any more (what ``confirm`` is told): their file gone,
        or now describing another project."""
        return [outcome.record for outcome in self.report.by_status("removed")]


def plan_changes(changes: CorpusChanges) -> Plan:
    """Each file's outcome and what the load will write and remove; nothing is written."""
    plan = Plan(LoadReport(), list(changes.others), {}, [], {})
    holders = _holders(changes)
    for source in changes.files:
        before, read = changes.previous.get(source), changes.read.get(source)
        record = _apply(source, before, changes.sums[source], read, plan, holders)
        if record is not None:
            plan.kept.append(record)
            holders.setdefault(record.graph, record)
            if read is not None and record is read.record:
                plan.written[record.graph], plan.read_from[record.graph] = read.ntriples, read
    _gone(changes, plan)
    kept = {record.graph for record in plan.kept}
    for source, before, project in plan.edited:  # a file that now describes another project: its own goes
        if before.graph not in kept:
            note = NOW_DESCRIBES.format(project=project)
            plan.report.outcomes.append(FileOutcome(source, "removed", before.graph, note=note, record=before))
    plan.report.outcomes[:] = [_noted(outcome, changes.drifted) for outcome in plan.report.outcomes]
    failed = [
        UnreadFile(
            outcome.source, _as_recorded(outcome, changes), changes.loaded_at or datetime.now(UTC), changes.scope
        )
        for outcome in plan.report.by_status("failed")
    ]
    plan.unread = sorted(
        [file for file in changes.unread if file.scope != changes.scope] + failed, key=lambda file: file.source
    )
    return plan


def _as_recorded(outcome: FileOutcome, changes: CorpusChanges) -> str:
    """A failed file's error as the provenance graph keeps it: its path on this machine (which the endpoint
    would show anyone) given as its recorded name, where a link of it leads left out."""
    path = changes.files.get(outcome.source)
    error = outcome.error or ""
    if path is None:
        return error
    if path.is_symlink():
        error = error.replace(os.readlink(path), "…")
    return error.replace(str(path), outcome.source)


def write_changes(
    kb: KnowledgeBase, changes: CorpusChanges, plan: Plan, progress: Callable | None = None
) -> LoadReport:
    """Write ``plan`` (of ``changes``) in one atomic block: the descriptions, the provenance, the indicators.

    Every changed description goes to the store in one bulk write (see
    :meth:`~.local.LocalStore.replace_graphs`). Each record carries the checksum
    of its graph as Oxigraph holds it, made while reading; a SPARQL server may
    hold literals otherwise, so its checksums are read back after writing.
    """
    with kb.atomic():
        if progress is not None and plan.written:
            progress("write", 0, len(plan.written))
        if _incremental(kb, changes):
            _write_incremental(kb, plan, progress)
        else:
            _write_whole(kb, plan, progress)
    return plan.report


def _gone(changes: CorpusChanges, plan: Plan) -> None:
    """Report each file gone: removed, unless a file now describes its project (the graph stays).

    A new file that does is reported renamed; a file that was there and now
    describes it instead of its own project gets the former name in its note
    (and says which project it no longer describes). A file renamed or moved as
    it is is known before reading (:func:`renamed_sources`); one also edited,
    once read.
    """
    kept = {record.graph: record for record in plan.kept}
    still_described = set(kept)
    outcomes = plan.report.outcomes
    holding = {o.graph: at for at, o in enumerate(outcomes) if o.status in ("added", "updated")}
    for source, record in sorted(changes.previous.items()):
        if source in changes.files:
            continue
        if record.graph not in still_described:
            plan.dropped.append(record.graph)
            outcomes.append(FileOutcome(source, "removed", record.graph, record=record))
            continue
        at = holding.pop(record.graph, None)
        if at is not None:  # else an unchanged file of another scope, or a failed one, holds it
            status = "renamed" if outcomes[at].status == "added" else outcomes[at].status
            note = FORMERLY.format(source=source)
            before, now = record.content, kept[record.graph].content
            if status == "renamed" and before and now and before != now:  # moved and edited: said
                note += CHANGED
            outcomes[at] = _with_note(outcomes[at], note, status=status)


def _with_note(outcome: FileOutcome, note: str, **changes) -> FileOutcome:
    return dataclasses.replace(outcome, note=f"{outcome.note}; {note}" if outcome.note else note, **changes)


def renamed_sources(records: list[GraphRecord], files: Mapping[str, Path]) -> set[str]:
    """The recorded sources of ``records`` that a file of ``files`` the store does not know yet has the bytes of
    (a file renamed or moved as it is): loading ``files`` keeps their projects."""
    known = {record.source for record in records}
    gone = {record.sha256: record.source for record in records if record.source not in files}
    if not gone:
        return set()
    sums = (checksum_or_error(path) for source, path in files.items() if source not in known)
    return {gone[sha] for sha in sums if isinstance(sha, str) and sha in gone}


def _incremental(kb: KnowledgeBase, changes: CorpusChanges) -> bool:
    """Whether the derived graphs can follow the changed descriptions alone (an embedded store, nothing drifted)."""
    return not kb.is_remote and not changes.drifted


def _write_incremental(kb: KnowledgeBase, plan: Plan, progress: Callable | None = None) -> None:
    """Write the changes and their derived facts (:mod:`.incremental`); the whole derivation if it changed."""
    from .derived import fingerprint, reference_ntriples
    from .incremental import write_all, write_changed

    backend = kb._backend
    reference = reference_ntriples(backend.store, REFERENCE_GRAPHS.values())
    derivation, before = fingerprint(reference), backend.derivation
    backend.derivation = None  # until this load ends: an interrupted one leaves the store's derivation unknown
    if _all_new(backend, plan.written, plan.dropped, plan.kept):
        write_all(backend, reference, plan.written, plan.dropped, plan.provenance(), plan.read_from)
    elif before == derivation:
        write_changed(backend, reference, plan.written, plan.dropped, plan.kept, unread_to_ntriples(plan.unread))
    else:  # another version's derivation, or a load interrupted: every derived graph again
        _write_whole(kb, plan, progress)
    kb._changed()
    backend.derivation = derivation


def _all_new(backend, written: dict, dropped: list[str], kept: list[GraphRecord]) -> bool:
    """Whether the store's every description is in ``written``: none kept as it is, none written by hand."""
    from .indicators import INDICATORS_GRAPH, ORGANISATIONS_GRAPH
    from .places import PLACES_GRAPH

    known = {*REFERENCE_GRAPHS.values(), PROVENANCE_GRAPH, PLACES_GRAPH, INDICATORS_GRAPH, ORGANISATIONS_GRAPH}
    if backend.graph_names() - known - set(written) - set(dropped):  # a graph loaded with load_graph, say
        return False
    return all(record.graph in written for record in kept)


def _write_whole(kb: KnowledgeBase, plan: Plan, progress: Callable | None = None) -> None:
    """Write the changes, then every derived graph again from the whole store (a SPARQL server, say);
    ``progress("derive", 0, descriptions)`` is told before the derived graphs."""
    for graph in plan.dropped:
        kb._drop(graph)
    kb._replace_many(plan.written)
    if kb._backend.rewrites_literals_its_own_way:  # a server's checksums are read back from it
        digests = kb._backend.graph_digests(list(plan.written))
        kept = [dataclasses.replace(r, content=digests[r.graph]) if r.graph in digests else r for r in plan.kept]
        plan = dataclasses.replace(plan, kept=kept)
    kb._replace(PROVENANCE_GRAPH, plan.provenance())
    if progress is not None:
        progress("derive", 0, len(plan.kept))
    kb.refresh_indicators()


def load_corpus(
    kb: KnowledgeBase,
    folder: Path,
    loader: Callable,
    validator: Callable | None,
    now: datetime | None,
    jobs: int,
    references: Mapping[str, Callable[[], Any]] | None = None,
    scope: str | None = None,
    verify: bool = False,
    progress: Callable | None = None,
    confirm: Callable | None = None,
) -> LoadReport:
    """Bring ``kb`` up to date with ``folder``, and the reference graphs that ``references`` build, if any.

    (See :meth:`KnowledgeBase.load_corpus`.) Everything is read, validated and
    built first (the reference graphs while other processes read, with ``jobs`` > 1);
    then written in one atomic block.
    """
    references = references or {}
    if jobs > 1 and references:  # the files are read in other processes: this one builds the graphs meanwhile
        with ThreadPoolExecutor(1, thread_name_prefix="cap-ptce-references") as builder:
            building = {name: builder.submit(make_graph) for name, make_graph in references.items()}
            changes = read_changes(kb, folder, loader, validator, now, jobs, scope, verify, progress)
            built = {name: future.result() for name, future in building.items()}
    else:  # read in this process: one thing at a time
        changes = read_changes(kb, folder, loader, validator, now, jobs, scope, verify, progress)
        built = {name: make_graph() for name, make_graph in references.items()}
    plan = plan_changes(changes)
    if plan.removed and confirm is not None and not confirm(plan.removed):
        raise LoadRefusedError(
            "rien n'a été chargé : le chargement retirerait des descriptions qu'aucun fichier ne décrit plus / "
            "nothing was loaded: the load would remove descriptions no file describes any more: "
            + ", ".join(r.source for r in plan.removed),
            removed=plan.removed,
        )
    with kb.atomic():
        if built:
            kb.load_reference_graphs({name: (lambda graph=graph: graph) for name, graph in built.items()})
        report = write_changes(kb, changes, plan, progress)
    report.ignored = [f"{scope}/{name}" if scope else name for name in ignored_files(folder)]
    return report


def _scoped(read, scope: str):
    if read.record is None:
        return read
    return dataclasses.replace(read, record=dataclasses.replace(read.record, scope=scope))


_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _drifted(kb: KnowledgeBase, previous: dict[str, GraphRecord], sums: dict[str, Any], verify: bool) -> set[str]:
    """The sources whose file did not change but whose graph differs from what was written.

    An embedded store compares each graph's size with the record's, in one
    query on the store's indexes (0.4 s for 1,000 descriptions); with
    ``verify``, and on a SPARQL server, each graph's checksum, which reads every
    graph back (4 s for 1,000 on disk, most of a reload's time).
    """
    same = {source: previous[source] for source, sha in sums.items() if source in previous}
    same = {source: record for source, record in same.items() if record.sha256 == sums[source]}
    if verify or kb.is_remote:
        digests = kb._backend.graph_digests(record.graph for record in same.values())
        return {source for source, record in same.items() if digests.get(record.graph) != record.content}
    sizes = {row["g"].value: int(row["n"].value) for row in kb._backend.select(_SIZES)}
    return {source for source, record in same.items() if sizes.get(record.graph) != record.triples}


def _apply(source, before, sha, read, plan: Plan, holders) -> GraphRecord | None:
    """Put one file's outcome in the report (its graph is written with the others); the record to keep, if any."""
    report = plan.report
    if read is None and isinstance(sha, str):  # same checksum as before, same graph
        report.outcomes.append(FileOutcome(source, "unchanged", before.graph, before.validation))
        return before
    error = str(sha) if not isinstance(sha, str) else read.error or _duplicate(read.record, holders)
    if error:
        note = KEPT_BEFORE.format(loaded=before.loaded_at.isoformat()) if before is not None else None
        report.outcomes.append(FileOutcome(source, "failed", error=error, note=note))
        return before  # keep what was loaded before, if anything
    record = read.record
    note = None
    if before is not None and before.graph != record.graph:  # its identifier edited: another project
        plan.dropped.append(before.graph)
        plan.edited.append((source, before, record.project or record.graph))
        note = NO_LONGER.format(project=before.project or before.graph)
    status = "added" if before is None else "updated"
    report.outcomes.append(FileOutcome(source, status, record.graph, record.validation, note=note))
    return record


def _noted(outcome: FileOutcome, drifted: set[str]) -> FileOutcome:
    if outcome.source in drifted and outcome.status == "updated":
        return _with_note(outcome, DRIFTED)
    return outcome


def _holders(changes: CorpusChanges) -> dict[str, GraphRecord]:
    """The record that holds each graph before the files read anew claim theirs (see :func:`_duplicate`).

    A graph of another scope keeps its record; so does a graph whose file still
    describes it: unchanged, unreadable (what was loaded stays), read again for
    the same project, or renamed (a new name, the bytes of a file gone). A new
    file for a project already in the store is then refused whatever its name,
    instead of taking the project's graph because it comes first in the
    folder's order.
    """
    holders: dict[str, GraphRecord] = {}
    for record in changes.others:
        holders.setdefault(record.graph, record)
    gone = {record.sha256: record for source, record in changes.previous.items() if source not in changes.files}
    for source in changes.files:
        before, read = changes.previous.get(source), changes.read.get(source)
        if before is not None and (read is None or read.record is None or read.record.graph == before.graph):
            holders.setdefault(before.graph, before)
        elif before is None and read is not None and read.record is not None:
            renamed = gone.get(changes.sums[source])
            if renamed is not None and renamed.graph == read.record.graph:
                holders.setdefault(read.record.graph, read.record)
    return holders


def _duplicate(record: GraphRecord, holders: dict[str, GraphRecord]) -> str | None:
    """Why ``record`` cannot be loaded beside the records kept (two files for one project), or None.

    ``holders``: each graph kept and the first record that holds it (a dictionary: 10,000 files were
    compared with each other in 4 s); a file's own earlier record is no other.
    """
    other = holders.get(record.graph)
    if other is not None and other.source != record.source:
        return (
            f"le projet <{record.project}> est déjà décrit par {other.source} / "
            f"the project <{record.project}> is already described by {other.source} "
            "(un projet, un fichier : fusionnez-les ou changez l'identifiant / "
            "one project per file: merge them or change the identifier)"
        )
    return None
