"""Bulk loading writes exactly what the graph-by-graph load wrote.

A load reads each description into N-Triples straight from its triples (no
rdflib graph) and writes every changed graph with Oxigraph's bulk loader in
one call. These tests hold it to the store that the slower path gave: the same
terms for every description, the same quads in memory and on disk, in one
process or several.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from cap_ptce.corpus.links import REGISTER, with_register_links
from cap_ptce.corpus.reading import default_loader, stored_ntriples, stored_text_and_digest
from cap_ptce.project.generate import write_synthetic
from cap_ptce.rdf.oxigraph import in_graph, ntriples, stored_digest
from cap_ptce.resources import data_dir
from cap_ptce.store import KnowledgeBase

XSD = "http://www.w3.org/2001/XMLSchema#"
WHEN = datetime(2026, 12, 1, tzinfo=UTC)
SAMPLE = sorted(data_dir("corpus").glob("*.yaml"))
SITUATIONS = sorted((Path(__file__).resolve().parents[1] / "examples" / "situations").glob("*.yaml"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    write_synthetic(60, folder, seed=11)
    return folder


def _parsed(text: bytes, syntax=ox.RdfFormat.N_TRIPLES) -> set:
    return {ox.Triple(quad.subject, quad.predicate, quad.object) for quad in ox.parse(text, format=syntax)}


def _through_rdflib(triples) -> set:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return _parsed(graph.serialize(format="nt", encoding="utf-8"))


def _direct(triples) -> set:
    return _parsed(ntriples(triples))


def test_every_description_gives_oxigraph_the_terms_that_rdflib_would_write(generated):
    paths = SAMPLE + SITUATIONS + sorted(generated.glob("*.yaml"))
    assert len(SITUATIONS) >= 5 and len(paths) >= 80
    for path in paths:
        triples = with_register_links(list(default_loader(path).triples))
        assert _direct(triples) == _through_rdflib(triples), path.name


def test_awkward_terms_are_written_as_rdflib_writes_them():
    subject = URIRef("http://example.org/p")
    triples = [
        (subject, URIRef("http://example.org/text"), Literal('ligne 1\nligne 2 "citée" \\ fin .')),
        (subject, URIRef("http://example.org/lang"), Literal("Économie", lang="fr")),
        (
            subject,
            URIRef("http://example.org/amount"),
            Literal("1.50", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
        ),
        (subject, URIRef("http://example.org/node"), BNode("N1a2b")),
        (subject, URIRef("http://example.org/node"), BNode("N1a2b")),  # written twice, kept once
    ]
    text = ntriples(triples)
    assert text.count(b"\n") == 4
    assert _direct(triples) == _through_rdflib(triples)
    quads = list(ox.parse(in_graph(text, "http://example.org/g"), format=ox.RdfFormat.N_QUADS))
    assert {quad.graph_name for quad in quads} == {ox.NamedNode("http://example.org/g")}
    assert _parsed(in_graph(text, "http://example.org/g"), ox.RdfFormat.N_QUADS) == _direct(triples)


def _held(text: bytes) -> set:
    """The triples a store holds once it has read ``text`` (some literals in their canonical form)."""
    store = ox.Store()
    store.load(text, format=ox.RdfFormat.N_TRIPLES)
    return set(store)


def test_the_stored_text_and_its_checksum_come_from_one_store_as_they_did_from_the_written_lines(generated):
    place, amount = URIRef("http://id.insee.fr/geo/commune/75056"), URIRef("http://example.org/amount")
    awkward = [
        (place, URIRef("http://example.org/code"), Literal("75056")),  # about a place: left to the places graph
        (URIRef("http://example.org/p"), URIRef("http://example.org/in"), place),  # naming one: kept
        (URIRef("http://example.org/p"), amount, Literal("1.50", datatype=URIRef(XSD + "decimal"))),
    ]
    for triples in [awkward] + [
        with_register_links(list(default_loader(path).triples)) for path in sorted(generated.glob("*.yaml"))[:10]
    ]:
        before = stored_ntriples(triples)
        text, digest = stored_text_and_digest(triples)
        assert _held(text) == _held(before) and text.count(b"\n") == before.count(b"\n")
        assert digest == stored_digest(before)
    text, _digest = stored_text_and_digest(awkward)
    assert b'75056"' not in text and b'"1.5"^^' in text and text.count(b"\n") == 2


def test_a_real_description_links_its_sirens_to_the_register_and_a_fictional_one_does_not():
    organisation, siren = URIRef("http://example.org/org"), URIRef("https://w3id.org/cap-ptce/def#siren")
    real = with_register_links([(organisation, siren, Literal("123456789"))])
    assert (
        organisation,
        URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
        URIRef(REGISTER + "123456789"),
    ) in real
    fictional = [(organisation, URIRef("https://w3id.org/cap-ptce/def#fictional"), Literal(True))]
    assert with_register_links(fictional + [(organisation, siren, Literal("123456789"))]) == fictional + [
        (organisation, siren, Literal("123456789"))
    ]


def _quads(kb: KnowledgeBase) -> tuple[list[bytes], int]:
    """The quads without blank nodes, sorted, and how many have one (their labels change from load to load)."""
    lines = kb.store.dump(format=ox.RdfFormat.N_QUADS).splitlines()
    named = sorted(line for line in lines if b"_:" not in line)
    return named, len(lines) - len(named)


def _graph_by_graph(kb: KnowledgeBase, folder: Path) -> None:
    """The slower path, kept here as the reference: each description's graph written on its own."""
    for record in kb.records():
        path = folder / record.source
        kb.load_graph(record.graph, stored_ntriples(with_register_links(list(default_loader(path).triples))), "nt")


def test_the_bulk_load_writes_the_quads_that_graph_by_graph_writes(generated):
    with KnowledgeBase.open() as bulk, KnowledgeBase.open() as reference:
        bulk.load_corpus(generated, validator=None, now=WHEN)
        reference.load_corpus(generated, validator=None, now=WHEN)
        _graph_by_graph(reference, generated)
        assert len(bulk) > 20_000
        assert _quads(bulk) == _quads(reference)


def test_on_disk_in_one_process_or_two_the_store_holds_the_same_quads(generated, tmp_path):
    with KnowledgeBase.open() as memory, KnowledgeBase.open(tmp_path / "store") as disk:
        first = memory.load_corpus(generated, now=WHEN)
        second = disk.load_corpus(generated, now=WHEN, jobs=2)
        assert first.outcomes == second.outcomes
        assert _quads(memory) == _quads(disk)


def test_a_reload_after_changes_gives_the_store_a_fresh_load_gives(generated, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted(generated.glob("*.yaml"))[:12]:
        (folder / path.name).write_bytes(path.read_bytes())
    with KnowledgeBase.open() as reloaded, KnowledgeBase.open() as fresh:
        reloaded.load_corpus(folder, validator=None, now=WHEN)
        changed = sorted(folder.glob("*.yaml"))
        changed[0].write_text(changed[0].read_text(encoding="utf-8").replace("fictif: true", "fictif: true\n"))
        changed[1].unlink()
        report = reloaded.load_corpus(folder, validator=None, now=WHEN)
        assert sorted(outcome.status for outcome in report.outcomes).count("unchanged") == 10
        fresh.load_corpus(folder, validator=None, now=WHEN)
        assert _quads(reloaded) == _quads(fresh)


def test_a_renamed_file_keeps_its_project_in_the_store(generated, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    first = sorted(generated.glob("*.yaml"))[0]
    (folder / "avant.yaml").write_bytes(first.read_bytes())
    with KnowledgeBase.open(tmp_path / "store") as kb:
        kb.load_corpus(folder, validator=None, now=WHEN)
        graphs, size = kb.graph_names(), len(kb)
        (folder / "avant.yaml").rename(folder / "apres.yaml")
        report = kb.load_corpus(folder, validator=None, now=WHEN)
        assert [(outcome.status, outcome.source) for outcome in report.outcomes] == [("renamed", "apres.yaml")]
        assert report.outcomes[0].graph in graphs and report.counts["removed"] == 0
        assert kb.graph_names() == graphs and len(kb) == size
        assert [record.source for record in kb.records()] == ["apres.yaml"]


def test_reading_a_chunk_runs_the_cycle_collector_less_often_then_as_it_was(monkeypatch):
    import gc

    from cap_ptce.corpus.reading import read_chunk
    from cap_ptce.validation.processes import COLLECTOR_THRESHOLDS

    seen = []

    def loader(path):
        seen.append(gc.get_threshold())
        return default_loader(path)

    before = gc.get_threshold()
    gc.set_threshold(1234, 5, 6)
    try:
        read = read_chunk([(path, path.name, "sha") for path in SAMPLE[:2]], loader, None, WHEN)
        assert gc.get_threshold() == (1234, 5, 6)
    finally:
        gc.set_threshold(*before)
    assert seen == [COLLECTOR_THRESHOLDS] * 2
    assert [r.error for r in read] == [None, None] and all(r.ntriples for r in read)


@pytest.mark.parametrize("loaders", [1, 2, 3])
def test_pieces_dealt_out_to_several_bulk_loaders_give_the_quads_of_one_document(loaders, tmp_path):
    from cap_ptce.rdf.oxigraph import bulk_load_pieces

    pieces = [
        in_graph(stored_ntriples(with_register_links(list(default_loader(path).triples))), f"urn:g:{n}")
        for n, path in enumerate(SAMPLE)
    ]
    tally = b'<urn:p> <urn:tally> _:t <urn:g:t> .\n_:t <urn:count> "3"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:g:t> .\n'
    one, dealt = ox.Store(), ox.Store(tmp_path / "store")
    one.load(b"".join([*pieces, tally]), format=ox.RdfFormat.N_QUADS)
    bulk_load_pieces(dealt, iter([*pieces, tally]), loaders)
    assert len(dealt) == len(one) > 1000
    assert {q for q in dealt if not isinstance(q.object, ox.BlankNode) and not isinstance(q.subject, ox.BlankNode)} == {
        q for q in one if not isinstance(q.object, ox.BlankNode) and not isinstance(q.subject, ox.BlankNode)
    }
    (link,) = dealt.quads_for_pattern(ox.NamedNode("urn:p"), ox.NamedNode("urn:tally"), None)
    assert [q.object.value for q in dealt.quads_for_pattern(link.object, None, None)] == ["3"]  # one blank node


def test_a_single_piece_goes_to_one_bulk_loader_and_none_is_started_for_nothing(monkeypatch):
    from cap_ptce.rdf import oxigraph

    calls = []

    class Store:
        def bulk_load(self, stream, format):
            calls.append(stream.read())

    oxigraph.bulk_load_pieces(Store(), iter([b"<urn:a> <urn:b> <urn:c> .\n"]), 4)
    assert calls == [b"<urn:a> <urn:b> <urn:c> .\n"]
    calls.clear()
    oxigraph.bulk_load_pieces(Store(), iter([b"1\n", b"2\n", b"3\n"]), 2)
    assert len(calls) == 2 and sorted(b"".join(calls).splitlines()) == [b"1", b"2", b"3"]
    calls.clear()
    oxigraph.bulk_load_pieces(Store(), iter([]), 2)  # a load whose every file failed
    assert calls == []


def test_a_load_on_disk_with_three_bulk_loaders_holds_what_one_loader_in_memory_holds(generated, tmp_path, monkeypatch):
    from cap_ptce.store import local

    with KnowledgeBase.open() as memory:
        monkeypatch.setattr(local, "_LOADERS", 1)
        memory.load_corpus(generated, validator=None, now=WHEN)
        monkeypatch.setattr(local, "_LOADERS", 3)
        with KnowledgeBase.open(tmp_path / "store") as disk:
            disk.load_corpus(generated, validator=None, now=WHEN)
            assert _quads(memory) == _quads(disk)


def test_a_first_load_whose_every_file_fails_writes_nothing_and_says_why(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "casse.yaml").write_text(SAMPLE[0].read_text(encoding="utf-8").replace("\nnom:", "\nnmo:", 1))
    with KnowledgeBase.open(tmp_path / "store") as kb:
        report = kb.load_corpus(folder, now=WHEN)
        assert [outcome.status for outcome in report.outcomes] == ["failed"]
        assert "nmo" in report.outcomes[0].error and kb.records() == []


def test_ctrl_c_stops_the_bulk_loaders_at_their_piece_and_waits_for_them_even_through_another(tmp_path):
    """A stop while two loaders write: they take no more pieces, and the stop comes back only once they have
    ended (a store put back under a loader still writing would be damaged), a second Ctrl-C or not."""
    import os
    import signal
    import threading

    from cap_ptce.rdf.oxigraph import bulk_load_pieces

    release, served = threading.Event(), []

    def pieces():
        for n in range(100):
            if n >= 2:
                release.wait(10)  # the loaders wait here while the Ctrl-Cs come
            served.append(n)
            yield f'<http://example.org/s{n}> <http://example.org/p> "{n}" <http://example.org/g> .\n'.encode()

    def interrupt():
        os.kill(os.getpid(), signal.SIGINT)
        threading.Event().wait(0.3)
        os.kill(os.getpid(), signal.SIGINT)  # a second Ctrl-C, while the first one waits for the loaders
        threading.Event().wait(0.3)
        release.set()

    store = ox.Store(str(tmp_path / "store"))
    timer = threading.Timer(0.3, interrupt)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        bulk_load_pieces(store, pieces(), 2)
    timer.join()
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("cap-ptce-bulk-load")]
    assert len(served) < 10  # each loader ended with the piece it was reading
    assert len(store) == len(served)
