"""The register's validation profile: a record of a real pole checked as a record, not as an application.

A register record (``registre/poles/*.yaml``) holds what public sources say of
a pole that the State selected, each fact with its source. Under this profile:

- the structure shapes (``shapes/structure.ttl``: types, identifiers, formats)
  keep their severity;
- the profile's own shapes (``registre/profil.ttl``) check what a record must
  be: real (``fictif: false``), in a région, selected or recognised, every fact
  attested by a source that has a title, a publisher and an address;
- the law's and the décret's shapes and the grid's completeness are reported
  as information only: a record says what the sources say, not all that an
  application would.

Usage::

    reports = validate_records([load_description(path) for path in paths], lang="fr")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from ..errors import CapPtceError
from ..i18n import DEFAULT_LANGUAGE
from ..project import load_description
from ..resources import data_dir
from .batch import validate_descriptions
from .engine import set_messages
from .report import Report, Unreadable, _check_lang, _result, _result_order, expand_paths

__all__ = ["PROFILES", "register_shapes", "validate_records", "validate_record", "validate_record_paths"]

# The profiles a description can be validated under: an application (the default) or a register record.
PROFILES = ("candidature", "registre")
_KEPT = frozenset({"violation", "warning"})
# Reports already made in this process, by file, language and content: the register is validated once
# (about 15 s for its 57 records) however many knowledge bases an app or a test session builds.
_DONE: dict[tuple, Report] = {}
_DONE_MAX = 5000
# Structure shapes about what a carrier declares of an application, which no public source gives.
_APPLICATION_ONLY = frozenset({"https://w3id.org/cap-ptce/shapes#ProjectMaturity"})


@cache
def register_shapes() -> Graph:
    """The register profile's own shapes (``registre/profil.ttl``)."""
    graph = Graph()
    graph.parse(data_dir("registre") / "profil.ttl", format="turtle")
    return graph


@cache
def _structure_shapes() -> frozenset[str]:
    """The shapes of ``shapes/structure.ttl``, whose results keep their severity under the profile."""
    graph = Graph()
    graph.parse(data_dir("shapes") / "structure.ttl", format="turtle")
    kinds = (SH.NodeShape, SH.PropertyShape)
    shapes = {str(s) for kind in kinds for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    return frozenset(shapes - _APPLICATION_ONLY)


def validate_record(description, *, lang: str = DEFAULT_LANGUAGE) -> Report:
    """One loaded record (``cap_ptce.project.Description``) under the register's profile."""
    return validate_records([description], lang=lang)[0]


def validate_records(descriptions: Sequence, *, lang: str = DEFAULT_LANGUAGE) -> list[Report]:
    """Loaded records under the register's profile, in their order (the profile by the fast engine)."""
    _check_lang(lang)
    keys = [(str(d.source), lang, hash(frozenset(d.triples))) for d in descriptions]
    todo = [d for d, key in zip(descriptions, keys, strict=True) if key not in _DONE]
    if todo:
        standard = validate_descriptions(todo, lang=lang)
        profile = _profile_results(todo, lang)
        if len(_DONE) > _DONE_MAX:
            _DONE.clear()
        for index, description in enumerate(todo):
            key = (str(description.source), lang, hash(frozenset(description.triples)))
            _DONE[key] = _combined(standard[index], profile[index])
    return [_DONE[key] for key in keys]


def validate_record_paths(paths: Iterable[str | Path], *, lang: str = DEFAULT_LANGUAGE) -> list[Report | Unreadable]:
    """Every record file named or found in the folders named, in order; one that cannot be read is an Unreadable."""
    _check_lang(lang)
    loaded: list = []
    for path in expand_paths(paths, keep_going=True):
        try:
            loaded.append(path if isinstance(path, Unreadable) else load_description(Path(path)))
        except CapPtceError as exc:
            loaded.append(Unreadable(str(path), exc, lang))
    descriptions = [item for item in loaded if not isinstance(item, Unreadable)]
    reports = iter(validate_records(descriptions, lang=lang))
    return [item if isinstance(item, Unreadable) else next(reports) for item in loaded]


def _combined(report: Report, own: list) -> Report:
    """The standard report with only the structure's results kept as they are, plus the profile's results."""
    results = [
        r if r.shape in _structure_shapes() or r.severity not in _KEPT else replace(r, severity="info")
        for r in report.results
    ]
    results = tuple(sorted(results + own, key=_result_order))
    conforms = not any(result.severity == "violation" for result in results)
    return replace(report, conforms=conforms, results=results)


def _profile_results(descriptions: Sequence, lang: str) -> list[list]:
    """The profile's results, for each description: the fast engine's, or pySHACL's for what it leaves.

    The fast engine gives pySHACL's report on each record (a test compares the
    two on the whole register); the records it leaves to pySHACL (blank nodes)
    get one pySHACL run over all of them, split by project. The profile of the
    57 records: 0.9–1.1 s with pySHACL, 0.07 s with the fast engine once its
    shapes are compiled (0.3 s, once per process).
    """
    done = _profile_engine().validate_batch([tuple(d.triples) for d in descriptions])
    found: list[list] = [[] for _ in descriptions]
    for index, outcome in enumerate(done):
        if outcome is not None:
            report, _data = outcome
            found[index] = _results_of(report, [descriptions[index]], lang)[0]
    left = [index for index, outcome in enumerate(done) if outcome is None]
    if left:
        for index, results in zip(left, _pyshacl_results([descriptions[i] for i in left], lang), strict=True):
            found[index] = results
    return found


@cache
def _profile_engine():
    from .fast import FastEngine

    return FastEngine(register_shapes())


def _pyshacl_results(descriptions: Sequence, lang: str) -> list[list]:
    """pySHACL's results of the profile, for each description: one run over all of them, split by project."""
    from pyshacl import validate as pyshacl_validate

    data = Graph()
    for description in descriptions:
        data += description.graph
    shapes = register_shapes()
    _conforms, report, _text = pyshacl_validate(
        data, shacl_graph=shapes, inference="none", allow_infos=True, allow_warnings=True, advanced=False
    )
    set_messages(report, shapes)
    return _results_of(report, descriptions, lang)


def _results_of(report: Graph, descriptions: Sequence, lang: str) -> list[list]:
    """The results of a SHACL report graph, each given to the description its focus node belongs to."""
    owners = {str(d.iri): index for index, d in enumerate(descriptions)}
    found: list[list] = [[] for _ in descriptions]
    for node in report.objects(None, SH.result):
        index = _owner(str(report.value(node, SH.focusNode)), owners)
        description = descriptions[index]
        found[index].append(_result(report, node, description.graph, description.line_for, lang))
    return found


def _owner(focus: str, owners: dict[str, int]) -> int:
    """The description a focus node belongs to: its project, or a node under the project's IRI."""
    for project, index in owners.items():
        if focus == project or focus.startswith(project + "/"):
            return index
    raise ValueError(f"the profile reported on a node of no record: {focus}")  # every target is under a project
