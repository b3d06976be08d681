"""The store validates a corpus in batches, with the outcomes of validating each file alone."""

from __future__ import annotations

import shutil

import pytest

import cap_ptce.validation.batch as batch
import cap_ptce.validation.fast as fast
from cap_ptce.corpus import default_validator, summarise_report
from cap_ptce.project import load_description
from cap_ptce.resources import data_dir
from cap_ptce.store import KnowledgeBase
from cap_ptce.validation import validate_description
from valid_description import description, write


def count_batches(monkeypatch, engine: str) -> list[int]:
    """The size of each batch the ``engine`` validates (a pySHACL run, or a batch of the fast engine)."""
    monkeypatch.setenv("CAP_PTCE_VALIDATION_ENGINE", engine)
    runs: list[int] = []
    if engine == "pyshacl":
        original = batch.run_pyshacl
        monkeypatch.setattr(batch, "run_pyshacl", lambda *graphs: runs.append(len(graphs)) or original(*graphs))
    else:
        original = fast.validate_batch
        monkeypatch.setattr(fast, "validate_batch", lambda items: runs.append(len(items)) or original(items))
    return runs


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_loading_validates_in_one_batch_with_each_files_outcome(tmp_path, monkeypatch, engine):
    corpus = tmp_path / "corpus"
    shutil.copytree(data_dir("corpus"), corpus)
    no_ess = description()
    for actor in no_ess["acteurs"][:2]:  # no ESS enterprise: two companies declared outside the ESS
        actor.update(type="entreprise-hors-ess", ess=False, categorie_juridique="5499")
        actor.pop("rna", None)
    del no_ess["reponses"]["q03"]
    write(no_ess, corpus / "sans-ess.yaml")
    (corpus / "illisible.yaml").write_text("nmo: Pôle\n", encoding="utf-8")
    runs = count_batches(monkeypatch, engine)
    with KnowledgeBase.open() as kb:
        report = kb.load_corpus(corpus)
    assert runs == [16]  # the 15 sample descriptions and the one without ESS enterprise, one batch
    outcomes = {outcome.source: outcome for outcome in report.outcomes}
    assert outcomes["illisible.yaml"].status == "failed" and "nmo" in outcomes["illisible.yaml"].error
    for source, outcome in outcomes.items():
        if source != "illisible.yaml":
            alone = summarise_report(validate_description(load_description(corpus / source)))
            assert outcome.validation == alone, source
    assert outcomes["sans-ess.yaml"].validation.violations == 2 and not outcomes["sans-ess.yaml"].validation.conforms


def test_the_default_validator_validates_one_description_as_before():
    path = sorted(data_dir("corpus").glob("*.yaml"))[0]
    loaded = load_description(path)
    assert default_validator(loaded) == default_validator.many([loaded])[0]
    assert default_validator(loaded).conforms


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_reload_validates_only_the_files_whose_checksum_changed(tmp_path, monkeypatch, engine):
    corpus = tmp_path / "corpus"
    shutil.copytree(data_dir("corpus"), corpus)
    runs = count_batches(monkeypatch, engine)
    with KnowledgeBase.open(tmp_path / "store") as kb:
        first = kb.load_corpus(corpus)
    changed = corpus / "tiers-lieu-gueret.yaml"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with KnowledgeBase.open(tmp_path / "store") as kb:
        second = kb.load_corpus(corpus)
    assert runs == [15, 1]  # the store keeps each file's checksum and validation
    assert second.counts["unchanged"] == 14 and second.counts["updated"] == 1
    assert [o.validation for o in second.outcomes] == [o.validation for o in first.outcomes]
