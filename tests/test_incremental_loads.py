"""A load writes the quads that the slow, sure way writes: in parallel or not, all at once or file by file.

The derived graphs (provenance, places, indicators, organisations) follow the
changed descriptions alone (:mod:`cap_ptce.store.incremental`). These tests
hold every store to two references: a fresh load of the same files, and the
derived graphs worked out again over the whole store
(:meth:`KnowledgeBase.refresh_indicators`). Blank nodes (tallies, checksums,
validation reports) get new labels at each write: they are compared by what
they say and what says them.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from cap_ptce.project.generate import write_synthetic
from cap_ptce.store import KnowledgeBase
from valid_description import description, with_check_digit, write

WHEN = datetime(2026, 12, 1, tzinfo=UTC)
_BLANK = re.compile(rb"_:[0-9A-Za-z]+")
SHARED = with_check_digit("55512345")
PROJET = "https://w3id.org/cap-ptce/projet/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def canonical(kb: KnowledgeBase) -> list[bytes]:
    """Every quad, sorted, each blank node named by what it says and what says it (two rounds)."""
    lines = kb.store.dump(format=ox.RdfFormat.N_QUADS).splitlines()
    names = {label: b"" for line in lines for label in _BLANK.findall(line)}
    for _round in range(2):
        names = _renamed(lines, names)
    return sorted(_BLANK.sub(lambda m: names[m[0]], line) for line in lines)


def _renamed(lines: list[bytes], names: dict[bytes, bytes]) -> dict[bytes, bytes]:
    said = defaultdict(list)
    for line in lines:
        for label in set(_BLANK.findall(line)):
            said[label].append(_BLANK.sub(lambda m, me=label: b"_:self" if m[0] == me else names[m[0]], line))
    return {label: b"_:" + hashlib.sha256(b"\n".join(sorted(said[label]))).hexdigest()[:16].encode() for label in names}


def copy(files, folder: Path) -> Path:
    folder.mkdir()
    for path in files:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("generated")
    return write_synthetic(44, folder, seed=23)


def test_parallel_loading_gives_the_quads_of_sequential_loading(generated, tmp_path):
    folder = copy(generated, tmp_path / "corpus")
    with KnowledgeBase.open(tmp_path / "one") as one, KnowledgeBase.open(tmp_path / "two") as two:
        first = one.load_corpus(folder, now=WHEN, jobs=1, with_references=True)
        second = two.load_corpus(folder, now=WHEN, jobs=2, with_references=True)
        assert first.outcomes == second.outcomes and first.counts["added"] == 44
        assert len(one) > 20_000
        assert canonical(one) == canonical(two)


def test_a_load_tells_its_progress_batch_by_batch(generated, tmp_path):
    """``progress(step, done, total)``: the files read after each batch, in order, then the descriptions it writes."""
    folder = copy(generated, tmp_path / "corpus")
    told: list[tuple] = []
    with KnowledgeBase.open(tmp_path / "store") as kb:
        kb.load_corpus(folder, now=WHEN, jobs=2, with_references=True, progress=lambda *step: told.append(step))
        assert told == [("read", 0, 44), ("read", 22, 44), ("read", 44, 44), ("write", 0, 44)]
        told.clear()
        (folder / generated[5].name).write_text((folder / generated[5].name).read_text() + "\n# relu\n")
        kb.load_corpus(folder, now=WHEN, jobs=2, progress=lambda *step: told.append(step))
        assert told == [("read", 0, 1), ("read", 1, 1), ("write", 0, 1)]
        told.clear()
        kb.load_corpus(folder, now=WHEN, jobs=2, progress=lambda *step: told.append(step))
        assert told == []  # nothing changed: nothing read, nothing written


def test_the_derived_graphs_of_a_load_are_those_of_the_whole_store(generated, tmp_path):
    folder = copy(generated[:20], tmp_path / "corpus")
    with KnowledgeBase.open(tmp_path / "store") as kb:
        kb.load_corpus(folder, validator=None, now=WHEN, with_references=True)
        loaded = canonical(kb)
        kb.refresh_indicators()
        assert canonical(kb) == loaded


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_reload_after_changes_gives_the_quads_of_a_fresh_load(generated, tmp_path):
    folder = copy(generated[:16], tmp_path / "corpus")
    with KnowledgeBase.open(tmp_path / "reloaded") as reloaded:
        reloaded.load_corpus(folder, validator=None, now=WHEN, with_references=True)
        files = sorted(folder.glob("*.yaml"))
        _edit(files[0], "type: cooperative", "type: association")  # a tally and the counts change
        text = files[1].read_text(encoding="utf-8")  # another place: a commune of the first actor
        files[1].write_text(re.sub(r'commune: "[0-9AB]+"', 'commune: "80021"', text, count=1), encoding="utf-8")
        files[2].unlink()
        (folder / generated[20].name).write_bytes(generated[20].read_bytes())
        report = reloaded.load_corpus(folder, validator=None, now=WHEN, with_references=True)
        assert report.counts == {"added": 1, "updated": 2, "unchanged": 13, "renamed": 0, "removed": 1, "failed": 0}
        after_reload = canonical(reloaded)
        reloaded.refresh_indicators()
        assert canonical(reloaded) == after_reload
    with KnowledgeBase.open(tmp_path / "fresh") as fresh:
        fresh.load_corpus(folder, validator=None, now=WHEN, with_references=True)
        assert canonical(fresh) == after_reload


def pole(pole_id: str, actors: list[dict]) -> dict:
    data = description()
    data["id"], data["nom"] = pole_id, f"Pôle {pole_id}"
    data["acteurs"] += actors
    return data


def test_an_organisation_follows_a_change_in_another_description(tmp_path):
    """An RNA takes the SIREN another pole gives beside it: when that pole goes, the organisation changes."""
    folder = tmp_path / "poles"
    folder.mkdir()
    poles = [
        pole("pole-a", [{"id": "reseau", "nom": "Réseau A", "type": "reseau", "siren": SHARED}]),
        pole("pole-b", [{"id": "le-reseau", "nom": "Le Réseau", "type": "reseau", "siret": SHARED + "00017"}]),
        pole("pole-c", [{"id": "reseau", "nom": "Réseau", "rna": "W123456789"}]),
        pole("pole-d", [{"id": "reseau-bis", "nom": "Réseau", "siren": SHARED, "rna": "W123456789"}]),
        pole("pole-e", [{"id": "asso", "nom": "Association", "rna": "W999888777"}]),
    ]
    for data in poles:
        write(data, folder / f"{data['id']}.yaml")
    organisation = "SELECT ?o { GRAPH ?g { ?a <https://w3id.org/cap-ptce/def#organisation> ?o } } ORDER BY ?o"
    with KnowledgeBase.open(tmp_path / "reloaded") as reloaded:
        reloaded.load_corpus(folder, validator=None, now=WHEN, with_references=True)
        assert f"organisation/siren/{SHARED}" in str(reloaded.select(organisation))
        (folder / "pole-d.yaml").unlink()
        poles[4]["acteurs"][-1]["siren"] = SHARED  # and the association joins the network's organisation
        write(poles[4], folder / "pole-e.yaml")
        reloaded.load_corpus(folder, validator=None, now=WHEN, with_references=True)
        assert "organisation/rna/W123456789" in str(reloaded.select(organisation))
        after_reload = canonical(reloaded)
        reloaded.refresh_indicators()
        assert canonical(reloaded) == after_reload
    with KnowledgeBase.open(tmp_path / "fresh") as fresh:
        fresh.load_corpus(folder, validator=None, now=WHEN, with_references=True)
        assert canonical(fresh) == after_reload


def test_a_store_whose_derivation_is_unknown_gets_every_derived_graph_again(generated, tmp_path, monkeypatch):
    """A store written by another version (no fingerprint, or another one) is not patched: all is worked out again."""
    folder = copy(generated[:10], tmp_path / "corpus")
    store = tmp_path / "store"
    with KnowledgeBase.open(store) as kb:
        kb.load_corpus(folder, validator=None, now=WHEN, with_references=True)
        assert (store / "cap-ptce-derived").is_file()
    (store / "cap-ptce-derived").write_text("written by another version\n", encoding="ascii")
    files = sorted(folder.glob("*.yaml"))
    _edit(files[0], "type: cooperative", "type: association")

    def refused(*args, **kwargs):
        raise AssertionError("patched the derived graphs of another version")

    monkeypatch.setattr("cap_ptce.store.incremental.write_changed", refused)
    told: list[tuple] = []
    with KnowledgeBase.open(store) as kb:
        kb.load_corpus(folder, validator=None, now=WHEN, with_references=True, progress=lambda *s: told.append(s))
        reloaded = canonical(kb)
    # the whole corpus's derived graphs take their time (15 s at 1,000): said, apart from the one file written
    assert told[-2:] == [("write", 0, 1), ("derive", 0, 10)]
    assert (store / "cap-ptce-derived").read_text(encoding="ascii") != "written by another version\n"
    with KnowledgeBase.open(tmp_path / "fresh") as fresh:
        fresh.load_corpus(folder, validator=None, now=WHEN, with_references=True)
        assert canonical(fresh) == reloaded


def _spy_on_scratch_stores(monkeypatch) -> list[set[str]]:
    """The description graphs of each store in memory the load fills itself."""
    from cap_ptce.store import incremental

    filled, scratch_store = [], incremental.scratch_store

    def spied(reference, graphs):
        filled.append(set(graphs))
        return scratch_store(reference, graphs)

    monkeypatch.setattr(incremental, "scratch_store", spied)
    return filled


def test_a_first_load_takes_the_indicators_the_reading_processes_worked_out(generated, tmp_path, monkeypatch):
    """Read in two processes, each batch's indicators come with it: the load's own store in memory holds no description."""
    filled = _spy_on_scratch_stores(monkeypatch)
    folder = copy(generated, tmp_path / "corpus")
    with KnowledgeBase.open(tmp_path / "store") as kb:
        report = kb.load_corpus(folder, validator=None, now=WHEN, jobs=2, with_references=True)
        assert report.counts["added"] == 44
        assert filled == [set()]
        loaded = canonical(kb)
        kb.refresh_indicators()
        assert canonical(kb) == loaded


def test_a_batch_with_a_project_written_from_another_file_is_worked_out_again(generated, tmp_path, monkeypatch):
    """Two files for one project in two batches: the second batch's indicators are the load's own work."""
    folder = copy(generated, tmp_path / "corpus")
    (folder / "zz-copie.yaml").write_bytes(generated[0].read_bytes())  # the last file, in the second batch
    filled = _spy_on_scratch_stores(monkeypatch)
    with KnowledgeBase.open(tmp_path / "store") as kb:
        report = kb.load_corpus(folder, validator=None, now=WHEN, jobs=2, with_references=True)
        assert report.counts == {"added": 44, "updated": 0, "unchanged": 0, "renamed": 0, "removed": 0, "failed": 1}
        assert [len(graphs) for graphs in filled] == [21]  # the second batch of 22 files, but the copy
        loaded = canonical(kb)
        kb.refresh_indicators()
        assert canonical(kb) == loaded


def test_a_batch_read_with_another_vocabulary_is_worked_out_again(generated, tmp_path, monkeypatch):
    """Indicators counted with a vocabulary that is not the store's are not kept: the load works them out again."""
    from cap_ptce.store import derived

    own = derived.own_reference()
    other = {iri: text for iri, text in own.items()}
    grid = next(iri for iri, text in own.items() if b"skos/core#broader" in text)
    other[grid] = (
        own[grid] + b"<https://example.org/k> <http://www.w3.org/2004/02/skos/core#broader> <https://example.org/l> .\n"
    )
    monkeypatch.setattr(derived, "own_reference", lambda: other)
    filled = _spy_on_scratch_stores(monkeypatch)
    folder = copy(generated[:12], tmp_path / "corpus")
    with KnowledgeBase.open(tmp_path / "store") as kb:
        kb.load_corpus(folder, validator=None, now=WHEN, jobs=1, with_references=True)
        assert [len(graphs) for graphs in filled] == [12]
        loaded = canonical(kb)
        kb.refresh_indicators()
        assert canonical(kb) == loaded


def test_descriptions_that_say_something_of_one_another_are_worked_out_together(tmp_path, monkeypatch):
    """A loader of a library user may let two descriptions describe one node, or one declare a kind of actor
    another uses: such a batch's indicators would depend on another batch, and the load works them out itself."""
    from kbhelpers import TurtleLoader

    kinds = "https://w3id.org/cap-ptce/vocab/types-acteurs/"
    head = "@prefix cap: <https://w3id.org/cap-ptce/def#> . @prefix org: <http://www.w3.org/ns/org#> .\n"
    shared = "<https://example.org/acteur/commun>"
    texts = {
        "00-a.ttl": f"<{PROJET}a> a cap:Project ; org:hasMember {shared} .\n"
        f"{shared} a cap:Actor ; org:classification <{kinds}cooperative> .\n",
        "00-c.ttl": f"<{PROJET}c> a cap:Project .\n<{kinds}nouveau> <{SKOS}inScheme> <{kinds[:-1]}> ; "
        f"<{SKOS}broader> <{kinds}entreprise-ess> .\n",
        "99-b.ttl": f"<{PROJET}b> a cap:Project ; org:hasMember {shared} .\n"
        f"{shared} a cap:Actor ; org:classification <{kinds}association> ; cap:isESS true .\n",
        "99-d.ttl": f"<{PROJET}d> a cap:Project ; org:hasMember <{PROJET}d/acteur/x> .\n"
        f"<{PROJET}d/acteur/x> a cap:Actor ; org:classification <{kinds}nouveau> .\n",
    }
    texts |= {f"50-{n:02}.ttl": f"<{PROJET}p{n}> a cap:Project .\n" for n in range(36)}  # two batches of 20
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(head + text, encoding="utf-8")
    filled = _spy_on_scratch_stores(monkeypatch)
    with KnowledgeBase.open(tmp_path / "store") as kb:
        kb.load_corpus(folder, loader=TurtleLoader(), validator=None, now=WHEN, jobs=2, with_references=True)
        assert [len(graphs) for graphs in filled] == [40]
        loaded = canonical(kb)
        kb.refresh_indicators()
        assert canonical(kb) == loaded
