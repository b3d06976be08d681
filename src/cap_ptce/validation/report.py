"""Validate project descriptions against the CAP PTCE shapes, and return a report.

:mod:`cap_ptce.validation.fast` (the default engine) and
:mod:`cap_ptce.validation.engine` (pySHACL, the reference: no advanced
features, no inference, no meta-SHACL, nothing from the network) write the
same SHACL report; this module turns it into ours: each result with its grid
entry, question, message in the reader's language and YAML line, and the
completeness. :mod:`cap_ptce.validation.batch` validates many descriptions in
batches, with the same results. Every function takes ``engine`` ("fast" or
"pyshacl"; default: the VALIDATION_ENGINE setting).

Verdict: a description conforms when no result has the severity
``sh:Violation`` (pySHACL's ``allow_warnings``). The law (loi n° 2014-856,
art. 1 and 9, but for facts not known or that disagree), the structure and the grid's questions are violations; the décret
n° 2015-431's eligibility conditions are warnings. See docs/validation.md.

Usage::

    report = validate_file("mon-ptce.yaml", lang="fr")
    report.conforms, report.results[0].line, report.completeness.ratio
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ..errors import CapPtceError, InputFileError, ParameterError, UnknownKeyError
from ..grid import load_grid
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from ..project import DESCRIPTION_SUFFIXES, load_description
from ..project.keypaths import rdf_steps
from ..project.schema import INSEE_GEO, PROJECT, SPECS, Kind
from ..rdf.namespaces import CAP, PREFIXES, SCHEMA, VOCAB
from .completeness import Completeness, completeness, completeness_shapes, question_iri, unanswered_message
from .engine import data_graph, full_shapes, run_pyshacl, shape_iris
from .engines import engine_choice

__all__ = [
    "SEVERITIES",
    "Result",
    "Report",
    "Unreadable",
    "data_graph",
    "validate_graph",
    "report_from_shacl",
    "validate_description",
    "validate_file",
    "validate_paths",
    "expand_paths",
]

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
GENERAL = "general"  # results about the description as a whole, not one grid entry


@dataclass(frozen=True)
class Result:
    """One thing wrong with a description: what, how serious, where, and which grid entry."""

    severity: str
    entry: str
    entry_label: str
    question: str | None
    message: str
    focus: str
    path: str | None
    value: str | None
    line: int | None
    shape: str
    also: tuple[tuple[int | None, str | None], ...] = ()  # the same mistake's other (line, path)s
    near: bool = False  # ``line`` is where a missing answer goes (a key beside it), not a key at fault

    @property
    def places(self) -> tuple[tuple[int | None, str | None], ...]:
        """Every (line, path) the mistake involves: its own first, then ``also``'s, by line."""
        return ((self.line, self.path), *self.also)

    @property
    def lines(self) -> list[int]:
        """Every line of the file that the mistake involves, in order, each once."""
        return sorted({line for line, _path in self.places if line is not None})


@dataclass(frozen=True)
class Report:
    """The validation of one description: its verdict, its results and its completeness."""

    source: str
    conforms: bool
    results: tuple[Result, ...]
    completeness: Completeness
    lang: str = DEFAULT_LANGUAGE
    graph: Graph = field(default_factory=Graph, compare=False, repr=False)
    name: str | None = field(default=None, compare=False)  # the project's name, for a report read alone

    def count(self, severity: str) -> int:
        return sum(1 for result in self.results if result.severity == severity)


@dataclass(frozen=True)
class Unreadable:
    """A file that could not be read, in a list of reports: its name and the loader's error (line, hint)."""

    source: str
    error: CapPtceError
    lang: str = DEFAULT_LANGUAGE
    conforms: bool = False


# --- the shapes ---------------------------------------------------------------------


@cache
def _shape_links() -> dict[URIRef, tuple[str, str | None]]:
    """Shape IRI -> (entry id or GENERAL, question id or None), from cap:checksEntry/Question."""
    shapes = full_shapes()
    links = {}
    for shape in shape_iris():
        entry = shapes.value(shape, CAP.checksEntry)
        question = shapes.value(shape, CAP.checksQuestion)
        links[shape] = (_last_segment(entry) if entry else GENERAL, _last_segment(question) if question else None)
    return links


def _last_segment(iri) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


# --- from the SHACL report to ours ---------------------------------------------------

# (node, predicate or None) -> its line; a third argument, a place that the key names: the line naming it there
LineFinder = Callable[..., int | None]


def validate_graph(
    graph: Graph,
    *,
    source: str = "<graph>",
    line_for: LineFinder | None = None,
    lang: str = DEFAULT_LANGUAGE,
    engine: str | None = None,
) -> Report:
    """Validate a description graph (one cap:Project) and build the report in ``lang``."""
    _check_lang(lang)
    return _validate(tuple(graph), graph, source, line_for, lang, engine)


def _validate(triples, graph: Graph | None, source: str, line_for, lang: str, engine: str | None) -> Report:
    """One description, by the fast engine when it can take it, else by pySHACL (``graph`` built if None)."""
    if engine_choice(engine) == "fast":
        from .fast import validate_batch

        (done,) = validate_batch([triples])
        if done is not None:
            report_graph, data = done
            return report_from_shacl(report_graph, data, source=source, line_for=line_for, lang=lang)
    if graph is None:
        graph = _graph_of(triples)
    return report_from_shacl(run_pyshacl(graph), graph, source=source, line_for=line_for, lang=lang)


def _graph_of(triples) -> Graph:
    from ..project.graph import graph_of_triples

    return graph_of_triples(triples)


def report_from_shacl(
    report_graph: Graph, graph: Graph, *, source: str, line_for: LineFinder | None, lang: str
) -> Report:
    """Our report of the description ``graph`` from the SHACL report of its validation.

    ``graph`` may also be the fast engine's index of the description
    (:class:`~cap_ptce.validation.fastcheck.DataIndex`): only ``objects``,
    ``value``, ``subjects`` (of ``rdf:type``), ``subject_predicates`` and ``in``
    are used.
    """
    results = _one_per_mistake(
        sorted(
            (
                _result(report_graph, node, graph, line_for, lang) for node in report_graph.objects(None, SH.result)
            ),  # not the nested sh:detail ones
            key=_result_order,
        )
    )
    project = _project(graph)
    counts = completeness(graph, project, lang)
    conforms = not any(result.severity == "violation" for result in results)
    name = graph.value(project, SCHEMA.name) if project is not None else None
    return Report(source, conforms, results, counts, lang, report_graph, str(name) if name is not None else None)


def _one_per_mistake(results: list[Result]) -> tuple[Result, ...]:
    """One result per mistake: a shape that points at each value of a contradiction (« ess: false » and the
    type that says otherwise) gives one SHACL result per path, with one message; they are one result here, at
    the first of its lines, ``also`` at the others, so that one mistake counts once. Results under two
    questions, or two entries, are two mistakes: « À COMPLÉTER » left for a key of q01 and for one of q14 was one
    result under q01, and q14 stood without its reason."""
    groups: dict[tuple, list[Result]] = {}
    for result in results:
        key = (result.severity, result.shape, result.focus, result.message, result.entry, result.question)
        groups.setdefault(key, []).append(result)
    merged = []
    for group in groups.values():
        first = next((result for result in group if result.line is not None), group[0])
        places = dict.fromkeys(
            place for result in group for place in (result.also if result is first else result.places)
        )
        places.pop((first.line, first.path), None)
        merged.append(replace(first, also=tuple(places)))
    return tuple(sorted(merged, key=_result_order))


def _project(graph: Graph) -> URIRef | None:
    return next(iter(graph.subjects(RDF.type, CAP.Project)), None)


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ParameterError(f"langue inconnue / unknown language {lang!r}", key="lang", hint="fr ou en / fr or en")


def _result(report: Graph, node, data: Graph, line_for: LineFinder | None, lang: str) -> Result:
    shape = report.value(node, SH.sourceShape)
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    entry, question = _links(shape, focus, path, data)
    value = report.value(node, SH.value)
    message = _message(report, node, shape, lang)
    line, named_by = _line(data, line_for, focus, _first_iri(report, path), _project(data))
    also = ()
    if named_by is not None:  # a place the file only names: reported where it is named (an actor's seat)
        entry, question = _naming_links(data, *named_by) or (entry, question)
        also = _other_namings(data, line_for, focus, line)
    if shape in _value_reported_shapes() and line_for is not None and isinstance(value, URIRef):
        # one place among the territory's: the line where the territory names it, not the place's own line, which
        # is the first key naming it anywhere (an actor's seat in that commune)
        line = line_for(focus, _first_iri(report, path), value) or line
    near = False
    if shape in _completeness_shape_iris():
        line, own = _unanswered_line(line_for, focus, question)
        near = line is not None and not own
        if _is_emerging(data):
            # the grid asks an emerging project its questions in the future tense
            message = unanswered_message(load_grid().question(question), lang, future=True)
    elif value in (None, focus) and line_for is not None and focus == _project(data):  # a SPARQL one's: the focus
        first = _first_iri(report, path)
        if isinstance(first, URIRef) and line is not None and line == line_for(focus, None):  # a key not written
            beside = _missing_key_line(line_for, focus, first, data)
            line, near = (line, False) if beside is None else (beside, True)  # a file of its id alone: its line
    return Result(
        severity=SEVERITIES.get(report.value(node, SH.resultSeverity), "violation"),
        entry=entry,
        entry_label=_entry_label(entry, lang),
        question=question,
        message=message,
        focus=str(focus),
        path=_path_text(report, path),
        value=None if value is None else str(value),
        line=line,
        shape=str(shape),
        also=also,
        near=near,
    )


def _links(shape, focus, path, data: Graph) -> tuple[str, str | None]:
    """The result's grid entry and question: its shape's; else, for a shape about the whole description
    (a left-over text), the question an answer answers, or the entry that the shapes give its node and key."""
    links = _shape_links().get(shape, (GENERAL, None))
    if links[0] != GENERAL:
        return links
    answered = data.value(focus, CAP.answers)
    if answered is not None and str(answered) in _question_ids():
        question = _question_ids()[str(answered)]
        return load_grid().question(question).entry_id, question
    question = _questions_by_key().get(path)
    if question is not None:  # the value of a key the grid names for a question (« experience_cooperation »: q01)
        return load_grid().question(question).entry_id, question
    by_key, by_class = _links_by_node()
    for node_class in data.objects(focus, RDF.type):
        found = by_key.get((node_class, path)) or by_class.get(node_class)
        if found:
            return found
    nodes = [focus]
    for _depth in range(2):  # an item of a question's list (a constat's text: q02), or a node of the item's (a funder)
        parents = []
        for node in nodes:
            for parent, link in data.subject_predicates(node):
                question = _questions_by_key().get(link)
                if question is not None:
                    return load_grid().question(question).entry_id, question
                parents.append(parent)
        nodes = parents
    return links


@cache
def _links_by_node() -> tuple[dict, dict]:
    """(class, path) -> (entry, question), and class -> (entry, question) when every shape of the class agrees,
    from the shapes that target a class and name an entry."""
    shapes = full_shapes()
    by_key, by_class = {}, defaultdict(set)
    for shape, links in _shape_links().items():
        if links[0] == GENERAL:
            continue
        path = shapes.value(shape, SH.path)
        for node_class in shapes.objects(shape, SH.targetClass):
            if isinstance(path, URIRef):
                by_key.setdefault((node_class, path), links)
            by_class[node_class].add(links)
    return by_key, {node_class: links.pop() for node_class, links in by_class.items() if len(links) == 1}


@cache
def _questions_by_key() -> dict[URIRef, str]:
    """The last predicate of each key the grid names for a question (``champs:``) -> that question, for the
    predicates that end the keys of one question only."""
    found = defaultdict(set)
    for question in load_grid().questions:
        for key in question.fields:
            for predicate in rdf_steps(key)[-1]:
                found[predicate].add(question.id)
    return {predicate: questions.pop() for predicate, questions in found.items() if len(questions) == 1}


@cache
def _question_ids() -> dict[str, str]:
    return {str(question_iri(q.id)): q.id for q in load_grid().questions}


@cache
def _value_reported_shapes() -> frozenset:
    """Shapes whose results are about their value, so the report gives them the value's line (cap:reportsAtValue)."""
    return frozenset(full_shapes().subjects(CAP.reportsAtValue, Literal(True)))


@cache
def _completeness_shape_iris() -> frozenset:
    """The shapes that report an unanswered question (one per question, each targeting the project)."""
    return frozenset(completeness_shapes().subjects(SH.targetClass, CAP.Project))


def _unanswered_line(line_for: LineFinder | None, project, question: str | None) -> tuple[int | None, bool]:
    """Where to write the answer, and whether that is the question's own key: its empty key (``q05: ""``), else
    a key of the question that the file writes with nothing in it (``coordination:`` whose items are left
    empty); else, not its own, the ``reponses:`` block of the first format, else a key of another question of
    the same entry (the place in the file where the entry's answers go), in the grid's order; else none."""
    if line_for is None or question is None or not isinstance(project, URIRef):
        return None, False
    grid = load_grid()
    top = line_for(project, None)  # where line_for falls back when the file has no such key

    def lines_of(qid: str):
        yield line_for(URIRef(f"{project}/reponse/{qid}"), None)
        for key in grid.question(qid).fields:
            for predicate in rdf_steps(key)[0]:
                yield line_for(project, predicate)

    def first(lines) -> int | None:
        return next((line for line in lines if line is not None and line != top), None)

    own = first(lines_of(question))
    if own is not None:
        return own, True
    entry = grid.entry(grid.question(question).entry_id)
    neighbours = (line for other in entry.questions if other.id != question for line in lines_of(other.id))
    # nothing of its entry in the file: no line is where it goes (the first, « format: 2 », least of all)
    return first([line_for(project, CAP.hasAnswer)]) or first(neighbours), False


def _missing_key_line(line_for: LineFinder, project: URIRef, path: URIRef, data: Graph) -> int | None:
    """Where a key of the project that the file leaves out goes: at the key after it in the format's order
    that the file writes, else at the file's last key (every key the file writes comes before it in that
    order); None when it is no key of the project's, or the file writes none but the first. The project's own
    line, the file's first key (« format: 2 »), says nothing of it; nor does a block's
    (« structure_porteuse: »), whose keys are indented in it. (The key before it was used when none came
    after: « acteurs: », whose actors ran to the end of the file.)"""
    keys = [spec_field.key for spec_field in PROJECT.fields if spec_field.version != 1]
    at = next((index for index, key in enumerate(keys) if path in _key_predicates(key)), None)
    if at is None:
        return None
    top = line_for(project, None)

    def written(key: str) -> int | None:
        kind = PROJECT.field(key).kind
        if kind == Kind.NEST:
            return None
        if kind == Kind.ANSWER:
            lines = [line_for(URIRef(f"{project}/reponse/{key}"), None)]
        else:
            lines = [line_for(project, predicate) for predicate in _key_predicates(key)]
        return next((line for line in lines if line is not None and line != top), None)

    after = next((line for line in (written(key) for key in keys[at + 1 :]) if line), None)
    if after is not None:
        return after
    own = data if isinstance(data, Graph) else data.triples  # the fast engine's index: the description's own
    last = max((line for s, p, _o in own if (line := line_for(s, p)) is not None), default=None)
    return last if last is not None and last != top else None


@cache
def _key_predicates(key: str) -> tuple:
    """The predicates from the project that a key of it gives (a block's: its keys'); () for one that gives none."""
    spec_field = PROJECT.field(key)
    nested = spec_field.kind == Kind.NEST
    paths = [f"{key}.{inner.key}" for inner in SPECS[spec_field.arg].fields] if nested else [key]
    found: list = []
    for one in paths:
        try:
            found.extend(rdf_steps(one)[0])
        except (UnknownKeyError, IndexError):  # a key that gives no value of its own (format, relation…)
            continue
    return tuple(found)


def _is_emerging(data: Graph) -> bool:
    return (_project(data), CAP.maturity, VOCAB["maturites/emergent"]) in data


def _entry_label(entry_id: str, lang: str) -> str:
    if entry_id == GENERAL:
        return t("report.general_entry", lang)
    return load_grid().entry(entry_id).label.get(lang)


def _message(report: Graph, node, shape, lang: str) -> str:
    """The result's message in ``lang`` (see :func:`.engine.set_messages`)."""
    messages = list(report.objects(node, SH.resultMessage))
    chosen = next((m for m in messages if getattr(m, "language", None) == lang), None)
    return str(chosen or (messages[0] if messages else shape))


def _path_text(graph: Graph, path) -> str | None:
    """A SHACL path as SPARQL property-path text with our prefixes (cap:hasAnswer/cap:answers)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _curie(path)
    if (path, RDF.first, None) in graph:
        return "/".join(filter(None, (_path_text(graph, step) for step in Collection(graph, path))))
    for operator, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, operator)
        if inner is not None:
            return f"({_path_text(graph, inner)}){suffix}"
    inverse = graph.value(path, SH.inversePath)
    return f"^{_path_text(graph, inverse)}" if inverse is not None else None


def _curie(iri: URIRef) -> str:
    for prefix, namespace in PREFIXES.items():
        base = str(namespace)  # rdflib's closed namespaces (SKOS, RDF…) have no len()
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base) :]}"
    return f"<{iri}>"


def _first_iri(graph: Graph, path) -> URIRef | None:
    if isinstance(path, URIRef) or path is None:
        return path
    if (path, RDF.first, None) in graph:
        return _first_iri(graph, graph.value(path, RDF.first))
    return None


def _line(data: Graph, line_for: LineFinder | None, focus, path: URIRef | None, project) -> tuple[int | None, tuple]:
    """The YAML line of the focus node's key; for a node the file only names, the line naming it, with the
    (node, key) that names it there (else None)."""
    if line_for is None or not isinstance(focus, URIRef):
        return None, None
    line = line_for(focus, path)
    if project is None or str(focus).startswith(str(project)):
        return line, None
    # e.g. an INSEE commune: the line of the key that lists it (the one at its own line when it has one)
    for subject, predicate in data.subject_predicates(focus):
        if isinstance(subject, URIRef) and (naming := line_for(subject, predicate)) is not None:
            if line is None or naming == line:
                return naming, (subject, predicate)
    return line, None


def _other_namings(data: Graph, line_for: LineFinder, place, line: int | None) -> tuple:
    """The (line, key) of every other key that names ``place``, a place of the COG: a wrong code written both as
    an actor's seat and among the territory's communes is one node, so one result, which involves both lines."""
    if not str(place).startswith(INSEE_GEO):
        return ()
    found = {}
    for subject, predicate in data.subject_predicates(place):
        naming = line_for(subject, predicate, place) if isinstance(subject, URIRef) else None
        if naming is not None and naming != line:
            found.setdefault((naming, _curie(predicate)), None)
    return tuple(sorted(found, key=lambda place_key: place_key[0]))


def _naming_links(data: Graph, subject, predicate) -> tuple[str, str | None] | None:
    """The entry and question of the key that names a node (an actor's ``commune``: the actors, q07)."""
    by_key, _ = _links_by_node()
    return next((by_key[key] for c in data.objects(subject, RDF.type) if (key := (c, predicate)) in by_key), None)


@cache
def _entry_positions() -> dict[str, int]:
    return {GENERAL: 0} | {entry.id: entry.position for entry in load_grid().entries}


def _result_order(result: Result) -> tuple:
    """Grid order: the entry, its question, then violations first, then the YAML line."""
    severity = ("violation", "warning", "info").index(result.severity)
    return (_entry_positions().get(result.entry, 99), result.question or "", severity, result.line or 0, result.message)


# --- files ---------------------------------------------------------------------------


def validate_description(description, *, lang: str = DEFAULT_LANGUAGE, engine: str | None = None) -> Report:
    """Validate a loaded description (``cap_ptce.project.Description``)."""
    _check_lang(lang)
    graph = description.__dict__.get("graph")  # the graph, when the description has built it already
    return _validate(description.triples, graph, str(description.source), description.line_for, lang, engine)


def validate_file(path: str | Path, *, lang: str = DEFAULT_LANGUAGE, engine: str | None = None) -> Report:
    """Load one description file (YAML, Turtle or JSON-LD) and validate it.

    Raises the loader's ``InputError`` (with file and line) when the file cannot be read.
    """
    _check_lang(lang)
    return validate_description(load_description(Path(path)), lang=lang, engine=engine)


def expand_paths(paths: Iterable[str | Path], *, keep_going: bool = False) -> list[Path | Unreadable]:
    """Files named, plus the description files of each folder named (sorted, not recursive).

    A path that names nothing (no such file, a folder without descriptions)
    raises ``InputFileError``; with ``keep_going`` it becomes an :class:`Unreadable`
    in its place, and the others are still listed.
    """
    files: list[Path | Unreadable] = []
    for raw in paths:
        try:
            files.extend(_description_files(Path(raw)))
        except InputFileError as exc:
            if not keep_going:
                raise
            files.append(Unreadable(str(raw), exc))
    return files


def _description_files(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in DESCRIPTION_SUFFIXES)
        if not found:
            raise InputFileError(
                "aucune description dans ce dossier / no description in this folder",
                source=str(path),
                hint=f"fichiers {', '.join(DESCRIPTION_SUFFIXES)} / files",
            )
        return found
    if path.is_file():
        return [path]
    raise InputFileError(
        "fichier introuvable / no such file", source=str(path), hint="vérifier le chemin / check the path"
    )


def validate_paths(
    paths: Iterable[str | Path], *, lang: str = DEFAULT_LANGUAGE, engine: str | None = None
) -> list[Report]:
    """Validate every description file named or found in the folders named, in order."""
    engine = engine_choice(engine)
    return [validate_file(path, lang=lang, engine=engine) for path in expand_paths(paths)]
