"""The knowledge base: named graphs, provenance, incremental reloads, on-disk stores."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from cap_ptce.errors import LoadRefusedError, NotFoundError, QueryRefusedError, StoreError
from cap_ptce.store import GRID_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, SHAPES_GRAPH, KnowledgeBase
from kbhelpers import PROJECT, TurtleLoader, count_validator, project_turtle, reference_sources, write_corpus

PROV_QUERY = """
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX spdx: <http://spdx.org/rdf/terms#> PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX cap: <https://w3id.org/cap-ptce/def#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?graph ?project ?source ?sum ?loaded ?conforms ?violations ?warnings ?completeness
WHERE { GRAPH <https://w3id.org/cap-ptce/graphe/provenance> {
  ?graph dcterms:source ?source ; foaf:primaryTopic ?project ;
         spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sum ] ;
         prov:generatedAtTime ?loaded ;
         cap:validation [ sh:conforms ?conforms ; cap:violationCount ?violations ;
                          cap:warningCount ?warnings ; cap:completeness ?completeness ] } }
ORDER BY ?source
"""


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "corpus", 3)


@pytest.fixture
def kb():
    with KnowledgeBase.open() as base:
        yield base


def load(kb, corpus, loader=None, **kwargs):
    return kb.load_corpus(corpus, loader=loader or TurtleLoader(), validator=count_validator, **kwargs)


def test_reference_graphs_each_have_their_named_graph(kb):
    sizes = kb.load_reference_graphs(reference_sources())
    assert sizes == {"ontology": 1, "grid": 1, "shapes": 1}
    assert {ONTOLOGY_GRAPH, GRID_GRAPH, SHAPES_GRAPH} <= kb.graph_names()


def test_each_description_gets_the_graph_named_after_its_project(kb, corpus):
    report = load(kb, corpus)
    assert report.counts["added"] == 3
    assert {f"{PROJECT}p{i}/graphe" for i in range(3)} <= kb.graph_names()
    rows = kb.select(f"SELECT ?t {{ GRAPH <{PROJECT}p1/graphe> {{ <{PROJECT}p1> ?p ?t FILTER isLiteral(?t) }} }}")
    assert [row["t"].value for row in rows] == ["Projet 1"]


def test_provenance_is_queryable_with_relative_names_and_checksums(kb, corpus):
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    load(kb, corpus, now=when)
    rows = kb.select(PROV_QUERY)
    assert [row["source"].value for row in rows] == ["projet-1.ttl", "projet-2.ttl", "sous-dossier/projet-0.ttl"]
    first = rows[2]
    assert first["project"].value == f"{PROJECT}p0"
    assert first["sum"].value == hashlib.sha256((corpus / "sous-dossier/projet-0.ttl").read_bytes()).hexdigest()
    assert first["loaded"].datatype.value.endswith("#dateTime")
    assert datetime.fromisoformat(first["loaded"].value) == when
    assert first["conforms"].value == "true" and first["violations"].value == "0"
    assert first["warnings"].value == "1" and float(first["completeness"].value) == 0.75


def test_no_absolute_path_reaches_the_store(kb, corpus):
    load(kb, corpus)
    dump = kb.store.dump(format=__import__("pyoxigraph").RdfFormat.N_QUADS).decode()
    assert str(corpus) not in dump
    assert str(corpus.parent) not in dump


def test_reloading_reads_only_changed_files_and_drops_deleted_ones(kb, corpus):
    load(kb, corpus)
    (corpus / "projet-1.ttl").write_text(project_turtle("p1", "Projet un", members=1), encoding="utf-8")
    (corpus / "projet-2.ttl").unlink()
    loader = TurtleLoader()
    report = load(kb, corpus, loader)
    assert loader.calls == ["projet-1.ttl"]
    assert report.counts == {"added": 0, "updated": 1, "unchanged": 1, "renamed": 0, "removed": 1, "failed": 0}
    assert f"{PROJECT}p2/graphe" not in kb.graph_names()
    outcome = report.by_status("updated")[0]
    assert outcome.validation.conforms is False and outcome.validation.violations == 1
    sources = [row["source"].value for row in kb.select(PROV_QUERY)]
    assert sources == ["projet-1.ttl", "sous-dossier/projet-0.ttl"]


def test_a_broken_file_is_reported_and_the_others_load(kb, corpus):
    (corpus / "casse.ttl").write_text("<a> <b> .", encoding="utf-8")
    report = load(kb, corpus)
    assert not report.ok
    [failed] = report.by_status("failed")
    assert failed.source == "casse.ttl" and "Turtle" in failed.error
    assert report.counts["added"] == 3


def test_two_files_for_one_project_are_refused(kb, corpus):
    (corpus / "copie.ttl").write_text(project_turtle("p1", "Doublon"), encoding="utf-8")
    report = load(kb, corpus)
    [failed] = report.by_status("failed")  # files load in name order: copie.ttl came first
    assert failed.source == "projet-1.ttl"
    assert "already described by copie.ttl" in failed.error


def test_a_copy_of_a_loaded_project_never_takes_its_graph_whatever_its_name(kb, corpus):
    """The file that holds a project in the store keeps it against a new file for the same project, even one
    whose name comes first, unchanged or edited in the same load; the newcomer is refused, the store untouched."""
    load(kb, corpus)
    title = f"SELECT ?t {{ GRAPH <{PROJECT}p1/graphe> {{ <{PROJECT}p1> <http://purl.org/dc/terms/title> ?t }} }}"
    before = sorted(row["t"].value for row in kb.select(title))
    (corpus / "copie.ttl").write_text(project_turtle("p1", "Doublon"), encoding="utf-8")
    report = load(kb, corpus)
    [failed] = report.by_status("failed")
    assert failed.source == "copie.ttl" and "already described by projet-1.ttl" in failed.error
    assert report.counts["unchanged"] == 3 and sorted(row["t"].value for row in kb.select(title)) == before
    (corpus / "projet-1.ttl").write_text(project_turtle("p1", "Projet un, revu"), encoding="utf-8")
    report = load(kb, corpus)
    [failed] = report.by_status("failed")
    assert failed.source == "copie.ttl" and [o.source for o in report.by_status("updated")] == ["projet-1.ttl"]
    assert [row["t"].value for row in kb.select(title)] == ["Projet un, revu"]
    assert [row["source"].value for row in kb.select(PROV_QUERY)].count("copie.ttl") == 0
    (corpus / "projet-1.ttl").rename(corpus / "zz-renomme.ttl")  # renamed, as it is: it keeps its project
    report = load(kb, corpus)
    [failed] = report.by_status("failed")
    assert failed.source == "copie.ttl" and "already described by zz-renomme.ttl" in failed.error
    assert [row["t"].value for row in kb.select(title)] == ["Projet un, revu"]


def test_a_file_renamed_keeps_its_project_and_is_no_removal(kb, corpus):
    load(kb, corpus)
    (corpus / "projet-2.ttl").rename(corpus / "deux.ttl")  # its bytes unchanged: known before reading it
    (corpus / "projet-1.ttl").unlink()
    assert [record.source for record in kb.removals(corpus)] == ["projet-1.ttl"]
    report = load(kb, corpus)
    assert report.counts == {"added": 0, "updated": 0, "unchanged": 1, "renamed": 1, "removed": 1, "failed": 0}
    [renamed] = report.by_status("renamed")
    assert renamed.source == "deux.ttl" and renamed.graph == f"{PROJECT}p2/graphe"
    assert renamed.note == "ancien nom / formerly: projet-2.ttl"
    # moved and edited: known as a removal before reading it, reported renamed once read (its project stays)
    (corpus / "deux.ttl").unlink()
    (corpus / "sous-dossier" / "deux-revu.ttl").write_text(project_turtle("p2", "Deux, revu"), encoding="utf-8")
    assert [record.source for record in kb.removals(corpus)] == ["deux.ttl"]
    report = load(kb, corpus)
    assert [(o.status, o.source) for o in report.outcomes if o.status != "unchanged"] == [
        ("renamed", "sous-dossier/deux-revu.ttl")
    ]
    assert f"{PROJECT}p2/graphe" in kb.graph_names()
    assert sorted(row["source"].value for row in kb.select(PROV_QUERY)) == [
        "sous-dossier/deux-revu.ttl",
        "sous-dossier/projet-0.ttl",
    ]


def test_a_folder_added_beside_the_corpus_and_the_corpus_keep_each_other(kb, corpus, tmp_path):
    """The corpus's loads leave a folder added with a scope alone, and the other way round, even when the
    folder's name is that of one of the corpus's sub-folders (its files are recorded under the same names)."""
    load(kb, corpus)
    other = tmp_path / "ext" / "sous-dossier"
    other.mkdir(parents=True)
    (other / "projet-9.ttl").write_text(project_turtle("p9", "Ailleurs"), encoding="utf-8")
    assert kb.removals(other, scope="sous-dossier") == []  # the corpus's sous-dossier/projet-0.ttl is not its
    report = load(kb, other, scope="sous-dossier")
    assert report.counts == {"added": 1, "updated": 0, "unchanged": 0, "renamed": 0, "removed": 0, "failed": 0}
    scopes = {(record.source, record.scope) for record in kb.records()}
    assert scopes == {
        ("projet-1.ttl", None),
        ("projet-2.ttl", None),
        ("sous-dossier/projet-0.ttl", None),
        ("sous-dossier/projet-9.ttl", "sous-dossier"),
    }
    (corpus / "projet-2.ttl").unlink()
    assert [record.source for record in kb.removals(corpus)] == ["projet-2.ttl"]
    report = load(kb, corpus)
    assert report.counts == {"added": 0, "updated": 0, "unchanged": 2, "renamed": 0, "removed": 1, "failed": 0}
    assert f"{PROJECT}p9/graphe" in kb.graph_names() and f"{PROJECT}p0/graphe" in kb.graph_names()
    ask = "ASK { GRAPH ?g { ?graph <https://w3id.org/cap-ptce/def#addedFolder> 'sous-dossier' } }"
    assert kb.store.query(ask)


REGISTERED = "ASK { GRAPH ?g { ?p <http://purl.org/dc/terms/isPartOf> <https://w3id.org/cap-ptce/dataset#registre> } }"


def test_a_corpus_sub_folder_named_like_the_register_is_the_corpus_and_the_register_stays_apart(kb, corpus, tmp_path):
    """A file of the corpus under "registre/" is recorded like the register's files (same name), but it is no
    record of a real pole: not counted in the register, not loaded again at each load, not in the register's
    loads."""
    from cap_ptce.store import REGISTER_SCOPE

    (corpus / "sous-dossier").rename(corpus / "registre")
    load(kb, corpus)
    assert not kb.store.query(REGISTERED)  # a fictional example is not a real PTCE of the register
    again = load(kb, corpus)
    assert again.counts == {"added": 0, "updated": 0, "unchanged": 3, "renamed": 0, "removed": 0, "failed": 0}
    register = tmp_path / "poles"
    register.mkdir()
    (register / "projet-0.ttl").write_text(project_turtle("p8", "Un pôle réel"), encoding="utf-8")
    assert load(kb, register, scope=REGISTER_SCOPE).counts["added"] == 1  # recorded as registre/projet-0.ttl too
    assert (
        load(kb, corpus).counts["unchanged"] == 3 and load(kb, register, scope=REGISTER_SCOPE).counts["unchanged"] == 1
    )
    scopes = sorted((record.source, record.scope or "") for record in kb.records())
    assert scopes == [
        ("projet-1.ttl", ""),
        ("projet-2.ttl", ""),
        ("registre/projet-0.ttl", ""),
        ("registre/projet-0.ttl", REGISTER_SCOPE),
    ]
    registered = (
        "SELECT ?p { GRAPH ?g { ?p <http://purl.org/dc/terms/isPartOf> <https://w3id.org/cap-ptce/dataset#registre> } }"
    )
    assert [row["p"].value for row in kb.select(registered)] == [f"{PROJECT}p8"]


def test_a_register_record_written_before_the_added_folder_was_noted_is_still_the_registers():
    """A store loaded before ``cap:addedFolder`` notes its register's records by their name and their project's
    ``dcterms:isPartOf`` the register; a name under "registre/" alone is a corpus sub-folder's."""
    import pyoxigraph as ox

    from cap_ptce.store import REGISTER_SCOPE
    from cap_ptce.store.provenance import record_from_row

    row = {
        "graph": ox.NamedNode(f"{PROJECT}p8/graphe"),
        "source": ox.Literal("registre/p8.yaml"),
        "sha256": ox.Literal("00"),
        "loaded": ox.Literal("2026-11-30T10:00:00+00:00"),
        "project": ox.NamedNode(f"{PROJECT}p8"),
        "triples": ox.Literal("12"),
    }
    registered = ox.NamedNode("https://w3id.org/cap-ptce/dataset#registre")
    assert record_from_row({**row, "registered": registered}).scope == REGISTER_SCOPE
    assert record_from_row(row).scope is None


def test_a_load_asks_about_the_projects_it_would_remove_once_it_has_read_the_files(kb, corpus):
    """``confirm`` is told the records of the projects that no file describes any more: not a file moved and
    edited, whose project a new file describes; nothing is written when it says no."""
    load(kb, corpus)
    before = kb.records()
    (corpus / "projet-2.ttl").unlink()
    (corpus / "projet-1.ttl").unlink()
    (corpus / "un.ttl").write_text(project_turtle("p1", "Un, revu"), encoding="utf-8")
    asked = []
    with pytest.raises(LoadRefusedError) as refused:
        load(kb, corpus, confirm=lambda records: asked.append([r.source for r in records]) or False)
    assert asked == [["projet-2.ttl"]] and [r.source for r in refused.value.removed] == ["projet-2.ttl"]
    assert "projet-2.ttl" in str(refused.value) and kb.records() == before
    report = load(kb, corpus, confirm=lambda records: asked.append([r.source for r in records]) or True)
    assert asked[1:] == [["projet-2.ttl"]]
    assert [(o.status, o.source) for o in report.outcomes if o.status != "unchanged"] == [
        ("renamed", "un.ttl"),
        ("removed", "projet-2.ttl"),
    ]
    assert f"{PROJECT}p2/graphe" not in kb.graph_names() and f"{PROJECT}p1/graphe" in kb.graph_names()


def test_a_file_written_over_with_another_keeps_that_project_and_the_one_it_described_is_a_removal(kb, corpus):
    """``mv projet-2.ttl projet-1.ttl``: p2 stays, in projet-1.ttl; p1 is no longer described: asked about, and
    counted as removed. Two files that swap their identifiers remove nothing."""
    load(kb, corpus)
    (corpus / "projet-2.ttl").replace(corpus / "projet-1.ttl")
    asked = []
    with pytest.raises(LoadRefusedError):
        load(kb, corpus, confirm=lambda records: asked.append([(r.source, r.project) for r in records]) or False)
    assert asked == [[("projet-1.ttl", f"{PROJECT}p1")]] and f"{PROJECT}p1/graphe" in kb.graph_names()
    report = load(kb, corpus, confirm=lambda records: True)
    assert [(o.status, o.source) for o in report.outcomes if o.status != "unchanged"] == [
        ("updated", "projet-1.ttl"),
        ("removed", "projet-1.ttl"),
    ]
    updated, removed = report.by_status("updated")[0], report.by_status("removed")[0]
    assert updated.note == f"ne décrit plus / no longer describes <{PROJECT}p1>; ancien nom / formerly: projet-2.ttl"
    assert removed.graph == f"{PROJECT}p1/graphe" and report.counts["removed"] == 1
    assert f"{PROJECT}p2/graphe" in kb.graph_names() and f"{PROJECT}p1/graphe" not in kb.graph_names()
    # two files swap their identifiers: both projects stay, nothing to ask
    (corpus / "projet-1.ttl").write_text(project_turtle("p0", "Zéro, ici"), encoding="utf-8")
    (corpus / "sous-dossier" / "projet-0.ttl").write_text(project_turtle("p2", "Deux, là"), encoding="utf-8")
    report = load(kb, corpus, confirm=lambda records: asked.append(records) or False)
    assert len(asked) == 1 and report.counts["removed"] == 0 and report.counts["updated"] == 2
    assert {f"{PROJECT}p0/graphe", f"{PROJECT}p2/graphe"} <= kb.graph_names()


def test_a_missing_corpus_folder_is_an_error(kb, tmp_path):
    with pytest.raises(NotFoundError):
        load(kb, tmp_path / "nowhere")


def test_without_a_dataset_queries_see_every_graph(kb, corpus):
    load(kb, corpus)
    rows = kb.select("PREFIX cap: <https://w3id.org/cap-ptce/def#> SELECT ?p { ?p a cap:Project }")
    assert len(rows) == 3


def test_select_refuses_other_forms(kb):
    with pytest.raises(QueryRefusedError):
        kb.select("ASK {}")


def test_an_on_disk_store_keeps_its_graphs_and_provenance(tmp_path, corpus):
    folder = tmp_path / "store"
    with KnowledgeBase.open(folder) as kb:
        load(kb, corpus)
    with KnowledgeBase.open(folder) as kb:
        assert len(kb.records()) == 3
        loader = TurtleLoader()
        assert load(kb, corpus, loader).counts["unchanged"] == 3
        assert loader.calls == []


def test_a_store_in_use_is_refused_with_a_clear_message(tmp_path):
    folder = tmp_path / "store"
    with KnowledgeBase.open(folder):
        with pytest.raises(StoreError, match="in use"):
            KnowledgeBase.open(folder)


def test_the_provenance_graph_is_a_named_graph_of_the_store(kb, corpus):
    load(kb, corpus)
    assert PROVENANCE_GRAPH in kb.graph_names()


def test_reading_in_several_processes_gives_the_same_store(tmp_path):
    corpus = write_corpus(tmp_path / "c", 41)
    (corpus / "casse.ttl").write_text("<a> <b> .", encoding="utf-8")
    when = datetime(2026, 1, 2, tzinfo=UTC)
    with KnowledgeBase.open() as one, KnowledgeBase.open() as two:
        first = one.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator, now=when)
        second = two.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator, now=when, jobs=2)
        assert first.outcomes == second.outcomes
        assert one.records() == two.records()
        assert len(one) == len(two) and one.graph_names() == two.graph_names()
        assert _named_quads(one) == _named_quads(two)


def _named_quads(kb) -> list[bytes]:
    """The store's quads without blank nodes (their labels differ from one load to another)."""
    import pyoxigraph

    lines = kb.store.dump(format=pyoxigraph.RdfFormat.N_QUADS).splitlines()
    return sorted(line for line in lines if b"_:" not in line)


def test_every_term_of_the_provenance_graph_is_declared_in_the_ontology(kb, corpus):
    import pyoxigraph
    from rdflib import Graph

    from cap_ptce.rdf.vocabulary import terms_used, undeclared_terms

    load(kb, corpus)
    data = kb.store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.NamedNode(PROVENANCE_GRAPH))
    assert undeclared_terms(terms_used(Graph().parse(data=data.decode(), format="nt"))) == []


def test_a_real_organisation_links_to_the_public_register_and_a_fictional_one_does_not(tmp_path):
    """A SIREN names a company in the Annuaire des entreprises; a fictional description's SIRENs are made up."""
    from rdflib.namespace import RDFS

    from cap_ptce.corpus.links import REGISTER
    from cap_ptce.resources import data_dir

    text = (data_dir("corpus") / "pole-saveurs-somme.yaml").read_text(encoding="utf-8")
    (tmp_path / "fictif").mkdir()
    (tmp_path / "reel").mkdir()
    (tmp_path / "fictif" / "p.yaml").write_text(text, encoding="utf-8")
    real = "\n".join(line for line in text.splitlines() if not line.startswith("fictif:"))
    (tmp_path / "reel" / "p.yaml").write_text(real + "\n", encoding="utf-8")
    found = {}
    for name in ("fictif", "reel"):
        with KnowledgeBase.open() as kb:
            kb.load_corpus(tmp_path / name)
            rows = kb.select(f"SELECT ?o WHERE {{ GRAPH ?g {{ ?s <{RDFS.seeAlso}> ?o }} }}")
            found[name] = {row["o"].value for row in rows}
    assert found["fictif"] == set()
    assert found["reel"] and all(iri.startswith(REGISTER) and len(iri) == len(REGISTER) + 9 for iri in found["reel"])


def test_the_files_a_load_could_not_read_are_said_in_the_provenance_graph_until_they_are_read(kb, corpus, tmp_path):
    """A file that fails to load left no trace in the knowledge base: only the load's output named it, and a
    researcher reading the figures (or the report) could not know a project was missing. The provenance graph
    now says which files of each folder its last load could not read, and why, without the paths of the
    operator's machine; a later load of the same folder says it again, or no more once they are read."""
    from cap_ptce.corpus import UnreadFile

    (corpus / "casse.ttl").write_text("<a> <b> .", encoding="utf-8")
    load(kb, corpus)
    [unread] = kb.unread_files()
    assert unread.source == "casse.ttl" and unread.scope is None and "unreadable Turtle" in unread.reason
    assert isinstance(unread, UnreadFile) and str(tmp_path) not in unread.reason
    other = tmp_path / "ext" / "autre"
    other.mkdir(parents=True)
    (other / "vide.ttl").write_text("<a> <b", encoding="utf-8")
    load(kb, other, scope="autre")
    assert [(u.source, u.scope) for u in kb.unread_files()] == [("autre/vide.ttl", "autre"), ("casse.ttl", None)]
    kb._backend.derivation = "another version's"  # the derived graphs, and the provenance, written whole
    load(kb, corpus)
    assert [u.source for u in kb.unread_files()] == ["autre/vide.ttl", "casse.ttl"]  # each folder's kept
    (corpus / "casse.ttl").write_text(project_turtle("p7", "Réparé"), encoding="utf-8")
    report = load(kb, corpus)
    assert report.counts["added"] == 1 and [u.source for u in kb.unread_files()] == ["autre/vide.ttl"]
    assert len(kb.records()) == 4  # the records' own query is not misled by the unread files' accounts
