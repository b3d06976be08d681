"""Validate many descriptions at once, with the same results as one by one.

With the fast engine (the default), a batch is up to :data:`FAST_BATCH_SIZE`
descriptions: their SHACL-SPARQL constraints are answered by one Oxigraph
query per constraint, each description in its own named graph, so nothing
needs planning (:mod:`cap_ptce.validation.fast`). With pySHACL, validating a description alone costs a pySHACL run, and most of a run is per
focus node; so a batch of descriptions is validated as the union of their
graphs, and the SHACL report is split back by focus node. This gives exactly
the results of validating each description alone because:

- every shape is focus-scoped: its targets are ``sh:targetClass`` or
  ``sh:targetSubjectsOf`` (no SPARQL target, no ``sh:targetNode``), its paths
  go forward from the focus node (no ``sh:inversePath``), and its SPARQL
  constraints start from ``$this`` (:func:`focus_scoped_problems` checks this,
  and a test keeps it true);
- a batch never holds two descriptions that say different things about one
  node: a node that two descriptions share (a commune, a region named by its
  INSEE IRI, or the project itself when two files describe it) must have the
  same triples in both, or the descriptions go to different batches
  (:func:`plan_batches`). What a shape sees from a focus node is then what it
  sees in each description alone.

A result whose focus node belongs to several descriptions of the batch goes to
each of them. With ``jobs`` > 1 the files are shared out between processes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH, XSD

from ..errors import CapPtceError
from ..i18n import DEFAULT_LANGUAGE
from ..project import load_description
from ..rdf.namespaces import bind_prefixes
from .engine import full_shapes, run_pyshacl
from .engines import engine_choice
from .processes import fewer_collections
from .report import LineFinder, Report, Unreadable, _check_lang, _graph_of, expand_paths, report_from_shacl

__all__ = [
    "BATCH_SIZE",
    "FAST_BATCH_SIZE",
    "Unreadable",
    "plan_batches",
    "focus_scoped_problems",
    "validate_graphs",
    "validate_descriptions",
    "validate_many",
]

BATCH_SIZE = 50  # descriptions per pySHACL run: large enough to pay off, small enough to share out
FAST_BATCH_SIZE = 250  # descriptions per store of the fast engine: its memory stays a few tens of MB
_FILES_PER_PROCESS = 40  # below this, starting a process (imports, shapes) costs more than it saves


# --- planning batches ------------------------------------------------------------------


def _node_facts(graph: Graph) -> dict:
    """Every IRI or blank node of ``graph`` -> the frozen set of triples it is the subject of."""
    about = defaultdict(set)
    for s, p, o in graph:
        about[s].add((p, o))
        if not isinstance(o, Literal):
            about.setdefault(o, set())
    return {node: frozenset(facts) for node, facts in about.items()}


def plan_batches(graphs: Sequence[Graph], size: int = BATCH_SIZE) -> list[list[int]]:
    """Indexes of ``graphs`` grouped into batches whose shared nodes have the same triples everywhere."""
    batches: list[tuple[list[int], dict]] = []
    for index, graph in enumerate(graphs):
        facts = _node_facts(graph)
        home = next((b for b in batches if len(b[0]) < size and _agrees(facts, b[1])), None)
        if home is None:
            home = ([], {})
            batches.append(home)
        home[0].append(index)
        home[1].update(facts)
    return [members for members, _facts in batches]


def _agrees(facts: dict, batch_facts: dict) -> bool:
    return all(batch_facts.get(node, triples) == triples for node, triples in facts.items())


def focus_scoped_problems(shapes: Graph | None = None) -> list[str]:
    """What in ``shapes`` (default: ours) would make a batch's results differ from one-by-one validation."""
    shapes = full_shapes() if shapes is None else shapes
    problems = []
    # a node only named by a description, or reached backwards, could be judged on another's triples
    for predicate in (SH.targetNode, SH.targetObjectsOf, SH.target, SH.inversePath):
        problems += [f"{s} uses {predicate}" for s in shapes.subjects(predicate, None)]
    for constraint, text in shapes.subject_objects(SH.select):
        if "$this" not in str(text):
            problems.append(f"{constraint}: its SPARQL does not start from $this")
    for constraint, _text in shapes.subject_objects(SH.ask):
        problems.append(f"{constraint}: ASK constraints are not checked for batches")
    return problems


# --- splitting the report ----------------------------------------------------------------


def _closure(report: Graph, node) -> list[tuple]:
    """The triples of a result and of the blank nodes it leads to (paths, nested details)."""
    triples, todo, seen = [], [node], {node}
    while todo:
        for triple in report.triples((todo.pop(), None, None)):
            triples.append(triple)
            if isinstance(triple[2], BNode) and triple[2] not in seen:
                seen.add(triple[2])
                todo.append(triple[2])
    return triples


def _shapes_nodes(report: Graph, result) -> set:
    """The blank nodes of the shapes graph that a result names: its source constraint or shape, and theirs."""
    roots = [report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape)]
    roots = [root for root in roots if isinstance(root, BNode)]
    return {*roots, *(triple[2] for root in roots for triple in _closure(report, root) if isinstance(triple[2], BNode))}


def _split_report(report: Graph, owners_of: Callable[[object], list[int]], count: int) -> list[Graph]:
    """One SHACL report graph per description of the batch, each with its own results."""
    parts = [bind_prefixes(Graph()) for _ in range(count)]
    violated = [False] * count
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        triples = _closure(report, result)
        shapes_own = _shapes_nodes(report, result)
        for copy, owner in enumerate(owners_of(focus)):
            # each report gets its own blank nodes, as if its description had been validated alone; the shapes'
            # own (a SPARQL constraint) stay as the shapes graph names them, as they do in a file validated alone
            renamed = defaultdict(BNode) if copy else {}
            for triple in triples:
                parts[owner].add(
                    tuple(renamed[t] if copy and isinstance(t, BNode) and t not in shapes_own else t for t in triple)
                )
            parts[owner].add(
                (
                    _report_node(parts[owner]),
                    SH.result,
                    renamed[result] if copy and isinstance(result, BNode) else result,
                )
            )
            violated[owner] |= report.value(result, SH.resultSeverity) == SH.Violation
    for part, bad in zip(parts, violated):
        part.add((_report_node(part), SH.conforms, Literal(not bad, datatype=XSD.boolean)))
    return parts


def _report_node(part: Graph):
    node = part.value(None, RDF.type, SH.ValidationReport)
    if node is None:
        node = BNode()
        part.add((node, RDF.type, SH.ValidationReport))
    return node


# --- validating ------------------------------------------------------------------------------


def validate_graphs(
    items: Sequence[tuple[Graph, str, LineFinder | None]],
    *,
    lang: str = DEFAULT_LANGUAGE,
    size: int = BATCH_SIZE,
    engine: str | None = None,
) -> list[Report]:
    """Reports of (graph, source, line_for) items, in their order; a graph may also be a sequence of triples."""
    _check_lang(lang)
    if engine_choice(engine) == "fast":
        return _validate_fast(items, lang)
    items = [(graph if isinstance(graph, Graph) else _graph_of(graph), *rest) for graph, *rest in items]
    return _validate_pyshacl(items, lang, size)


def _validate_fast(items: Sequence[tuple], lang: str) -> list[Report]:
    """The fast engine, batch after batch; what it leaves (see :mod:`.fast`) goes to pySHACL."""
    from .fast import validate_batch

    reports: list[Report | None] = [None] * len(items)
    left = []
    for start in range(0, len(items), FAST_BATCH_SIZE):
        chunk = items[start : start + FAST_BATCH_SIZE]
        done = validate_batch([tuple(graph) if isinstance(graph, Graph) else graph for graph, _s, _l in chunk])
        for offset, ((graph, source, line_for), found) in enumerate(zip(chunk, done, strict=True)):
            if found is None:
                left.append(start + offset)
                continue
            report_graph, data = found
            reports[start + offset] = report_from_shacl(
                report_graph, graph if isinstance(graph, Graph) else data, source=source, line_for=line_for, lang=lang
            )
    if left:
        graphs = [(_graph_of(items[i][0]) if not isinstance(items[i][0], Graph) else items[i][0]) for i in left]
        done = _validate_pyshacl([(g, *items[i][1:]) for g, i in zip(graphs, left)], lang, BATCH_SIZE)
        for index, report in zip(left, done, strict=True):
            reports[index] = report
    return reports


def _validate_pyshacl(items: Sequence[tuple[Graph, str, LineFinder | None]], lang: str, size: int) -> list[Report]:
    """One pySHACL run per batch of descriptions that agree on their shared nodes."""
    reports: list[Report | None] = [None] * len(items)
    for batch in plan_batches([graph for graph, _s, _l in items], size):
        graphs = [items[i][0] for i in batch]
        members = defaultdict(list)
        for position, graph in enumerate(graphs):
            for node in set(graph.subjects()) | {o for o in graph.objects() if not isinstance(o, Literal)}:
                members[node].append(position)
        everyone = list(range(len(batch)))  # a focus only in the grid's vocabulary concerns every description
        parts = _split_report(run_pyshacl(*graphs), lambda focus, m=members, e=everyone: m.get(focus, e), len(batch))
        for position, index in enumerate(batch):
            graph, source, line_for = items[index]
            reports[index] = report_from_shacl(parts[position], graph, source=source, line_for=line_for, lang=lang)
    return reports


def validate_descriptions(
    descriptions: Sequence, *, lang: str = DEFAULT_LANGUAGE, size: int = BATCH_SIZE, engine: str | None = None
) -> list[Report]:
    """Reports of loaded descriptions (``cap_ptce.project.Description``), in their order."""
    engine = engine_choice(engine)
    items = [(_graph_or_triples(d, engine), str(d.source), d.line_for) for d in descriptions]
    return validate_graphs(items, lang=lang, size=size, engine=engine)


def _graph_or_triples(description, engine: str):
    """What the engine reads: the triples for the fast engine (unless the graph is built already)."""
    if engine == "fast":
        return description.__dict__.get("graph") or description.triples
    return description.graph


def _validate_chunk(paths: Sequence[Path | Unreadable], lang: str, engine: str) -> list[Report | Unreadable]:
    """Load and validate ``paths``; a file that cannot be read becomes an :class:`Unreadable`."""
    with fewer_collections():
        return _load_and_validate(paths, lang, engine)


def _load_and_validate(paths: Sequence[Path | Unreadable], lang: str, engine: str) -> list[Report | Unreadable]:
    loaded: list = []
    for path in paths:
        try:
            loaded.append(path if isinstance(path, Unreadable) else load_description(path))
        except CapPtceError as exc:
            loaded.append(Unreadable(str(path), exc, lang))
    readable = [item for item in loaded if not isinstance(item, Unreadable)]
    reports = iter(validate_descriptions(readable, lang=lang, engine=engine))
    return [
        Unreadable(item.source, item.error, lang) if isinstance(item, Unreadable) else next(reports) for item in loaded
    ]


def _process_context(engine: str):
    """Fork when this process runs no other thread: the workers inherit the shapes and tables, read once here.

    Otherwise (a server's thread, a platform without fork) spawn, and each
    worker reads the shapes again (about a second).
    """
    import multiprocessing
    import threading

    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from .geography import read_geography
    from .legal_table import legal_table

    legal_table()  # the reference tables that each description's derived facts read
    read_geography()
    if engine == "fast":
        from .fast import default_engine

        default_engine()
    else:
        from .engine import lean_shapes

        lean_shapes()
    return multiprocessing.get_context("fork")


def validate_many(
    paths: Iterable[str | Path], *, lang: str = DEFAULT_LANGUAGE, jobs: int = 1, engine: str | None = None
) -> list[Report | Unreadable]:
    """Validate the files named and the description files of the folders named, in batches.

    Every readable file gets its :class:`Report`; a file that cannot be read
    (or a path that names nothing) an :class:`Unreadable`, in its place. With
    ``jobs`` > 1 the files are shared out between that many processes when there
    are enough; like any use of multiprocessing, a script that passes ``jobs`` > 1
    must guard its entry point with ``if __name__ == "__main__":``.
    """
    _check_lang(lang)
    engine = engine_choice(engine)
    files = expand_paths(paths, keep_going=True)
    jobs = max(1, min(jobs, len(files) // _FILES_PER_PROCESS))
    if jobs == 1:
        return _validate_chunk(files, lang, engine)
    from .processes import process_pool

    chunks = [files[i::jobs] for i in range(jobs)]  # interleaved: similar work in each process
    context = _process_context(engine)
    with process_pool(jobs - 1, context) as pool:
        others = [pool.submit(_validate_chunk, chunk, lang, engine) for chunk in chunks[1:]]
        done = [_validate_chunk(chunks[0], lang, engine)]  # this process takes its share meanwhile
        done += [future.result() for future in others]
    outcomes: list = [None] * len(files)
    for offset, chunk_outcomes in enumerate(done):
        outcomes[offset::jobs] = chunk_outcomes
    return outcomes
