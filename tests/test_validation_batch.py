"""Batch validation gives, file by file, exactly the results of validating each file alone.

The pySHACL batches are tested here (the engine that validates what the fast
engine leaves); the fast engine is compared with pySHACL in test_validation_fast.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from cap_ptce.errors import InputError
from cap_ptce.project import load_description
from cap_ptce.resources import data_dir
from cap_ptce.validation import validate_description
from cap_ptce.validation.batch import (
    Unreadable,
    focus_scoped_problems,
    plan_batches,
    validate_descriptions,
    validate_many,
)
from cap_ptce.validation.engine import full_shapes
from cap_ptce.validation.processes import COLLECTOR_THRESHOLDS
from valid_description import COOP_SIRET, description, write

BAD_EPCI = "248000532"  # the sample EPCI's SIREN with a wrong check digit


def broken_files(folder: Path) -> list[Path]:
    """Descriptions that break the law, the structure and the grid, alone and together."""
    folder.mkdir()
    no_ess = description()
    for actor in no_ess["acteurs"]:
        actor["ess"] = False
    bad_siret = description()
    bad_siret["id"] = "pole-siret"
    bad_siret["acteurs"][0]["siret"] = COOP_SIRET[:-1] + str((int(COOP_SIRET[-1]) + 1) % 10)
    unanswered = description()
    unanswered["id"], unanswered["maturite"] = "pole-emergent", "emergent"
    del unanswered["reponses"]["q04"], unanswered["reponses"]["q18"]
    mixed = description()
    mixed["id"], mixed["courriel"] = "pole-mixte", "pas-une-adresse"
    mixed["acteurs"][0]["siret"] = bad_siret["acteurs"][0]["siret"]
    del mixed["strategie_commune"], mixed["reponses"]["q04"]  # q04: only words answer it
    mixed["territoire"]["epci"] = [BAD_EPCI]
    shared_bad_epci = description()  # the same wrong EPCI, a node that two files share
    shared_bad_epci["id"] = "pole-epci"
    shared_bad_epci["territoire"]["epci"] = [BAD_EPCI]
    cases = {
        "no-ess": no_ess,
        "bad-siret": bad_siret,
        "unanswered": unanswered,
        "mixed": mixed,
        "shared-epci": shared_bad_epci,
        "valid": description() | {"id": "pole-valide"},
    }
    return [write(data, folder / f"{name}.yaml") for name, data in cases.items()]


def generated_files(folder: Path, count: int = 12) -> list[Path]:
    from cap_ptce.project.generate import write_synthetic

    return sorted(write_synthetic(count, folder, seed=3))


def results_of(report) -> tuple:
    """Everything a reader sees of a report, in its order."""
    return (
        report.source,
        report.conforms,
        report.completeness,
        tuple(
            (r.severity, r.focus, r.path, r.message, r.line, r.value, r.shape, r.entry, r.question)
            for r in report.results
        ),
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("batch")
    sample = sorted(data_dir("corpus").glob("*.yaml"))
    return sample + generated_files(root / "generated") + broken_files(root / "broken")


def test_our_shapes_are_focus_scoped():
    assert focus_scoped_problems() == []


def test_a_shape_that_looks_past_its_focus_node_is_named():
    shapes = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:A a sh:NodeShape ; sh:targetNode ex:n .
        ex:B a sh:PropertyShape ; sh:targetClass ex:C ; sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 .
        ex:D a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT ?x { ?x ?p ?o }" ] .
    """,
    )
    problems = "\n".join(focus_scoped_problems(shapes))
    assert "targetNode" in problems and "inversePath" in problems and "$this" in problems


def test_batches_give_each_file_its_results_alone(files):
    descriptions = [load_description(path) for path in files]
    alone = [validate_description(d, engine="pyshacl") for d in descriptions]
    together = validate_descriptions(descriptions, size=len(descriptions), engine="pyshacl")
    assert [results_of(r) for r in together] == [results_of(r) for r in alone]
    by_name = {Path(r.source).stem: r for r in together}
    assert not by_name["no-ess"].conforms and not by_name["mixed"].conforms and by_name["valid"].conforms
    assert by_name["mixed"].count("violation") >= 5  # e-mail, SIRET, strategy, q10, EPCI key
    for name in ("mixed", "shared-epci"):  # one focus node, reported in both files
        assert any(r.value == BAD_EPCI for r in by_name[name].results)
    shared = [set(by_name[name].graph.subjects(SH.value, None)) for name in ("mixed", "shared-epci")]
    assert not shared[0] & shared[1]  # each report has its own result nodes


def test_a_result_that_two_files_share_names_the_shapes_own_constraint_in_both(files):
    """A node that two files of a pySHACL batch name (a wrong EPCI; Lille's code, which is also a postal code): the
    second file's copy of the result named a renamed copy of its SPARQL constraint, where the fast engine and the
    file validated alone name the shapes graph's own."""
    descriptions = [load_description(path) for path in files if path.stem in ("mixed", "shared-epci")]
    reports = validate_descriptions(descriptions, size=len(descriptions), engine="pyshacl")
    constraints = [
        {r.graph.value(node, SH.sourceConstraint) for node in r.graph.subjects(SH.value, Literal(BAD_EPCI))}
        for r in reports
    ]
    assert constraints[0] == constraints[1]
    assert any((constraint, RDF.type, SH.SPARQLConstraint) in full_shapes() for constraint in constraints[0])


def test_the_shacl_report_of_each_file_is_its_own(files):
    descriptions = [load_description(path) for path in files[-6:]]
    each = (validate_description(d, engine="pyshacl") for d in descriptions)
    for alone, together in zip(each, validate_descriptions(descriptions, engine="pyshacl")):
        assert len(set(together.graph.objects(None, SH.result))) == sum(len(r.places) for r in alone.results)
        [conforms] = together.graph.objects(None, SH.conforms)
        assert conforms.toPython() is alone.conforms


def test_descriptions_that_disagree_about_a_node_go_to_different_batches(tmp_path):
    first, second = description(), description()
    second["nom"] = "Le même projet, décrit autrement"  # same project IRI, other triples
    graphs = [load_description(write(data, tmp_path / f"{n}.yaml")).graph for n, data in (("a", first), ("b", second))]
    assert plan_batches(graphs) == [[0], [1]]
    third = description() | {"id": "pole-autre"}  # shares communes and the EPCI, with the same triples
    graphs.append(load_description(write(third, tmp_path / "c.yaml")).graph)
    assert plan_batches(graphs) == [[0, 2], [1]]


def test_the_sample_corpus_is_one_batch():
    graphs = [load_description(path).graph for path in sorted(data_dir("corpus").glob("*.yaml"))]
    assert plan_batches(graphs) == [list(range(len(graphs)))]


def test_validate_many_keeps_going_past_an_unreadable_file(tmp_path, files):
    broken = tmp_path / "cle.yaml"
    broken.write_text("nmo: Pôle\n", encoding="utf-8")
    outcomes = validate_many([files[0], broken, files[-1]])
    assert [type(o).__name__ for o in outcomes] == ["Report", "Unreadable", "Report"]
    assert isinstance(outcomes[1], Unreadable) and isinstance(outcomes[1].error, InputError)
    assert outcomes[1].source == str(broken) and "nmo" in str(outcomes[1].error)


def test_processes_give_the_same_outcomes(tmp_path):
    paths = generated_files(tmp_path / "many", 84)
    alone = [results_of(r) for r in validate_many(paths)]
    assert [results_of(r) for r in validate_many(paths, jobs=2)] == alone


def test_validating_runs_the_cycle_collector_less_often_then_as_before(files, monkeypatch):
    import gc

    from cap_ptce.validation import batch

    seen = []
    validate = batch.validate_descriptions

    def spy(*args, **kwargs):
        seen.append(gc.get_threshold())
        return validate(*args, **kwargs)

    monkeypatch.setattr(batch, "validate_descriptions", spy)
    before = gc.get_threshold()
    gc.set_threshold(1234, 5, 6)
    try:
        outcomes = validate_many(files[:2])
        assert gc.get_threshold() == (1234, 5, 6)
    finally:
        gc.set_threshold(*before)
    assert seen == [COLLECTOR_THRESHOLDS]
    assert [type(o).__name__ for o in outcomes] == ["Report", "Report"]
