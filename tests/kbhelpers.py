"""Small RDF fixtures for the knowledge-base and endpoint tests (no dependency on other areas)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from types import SimpleNamespace

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from cap_ptce.corpus import Validation

CAP = Namespace("https://w3id.org/cap-ptce/def#")
PROJECT = "https://w3id.org/cap-ptce/projet/"


def project_turtle(project_id: str, title: str, *, members: int = 3) -> str:
    """A tiny description of a project with ``members`` member organisations."""
    lines = [
        "@prefix cap: <https://w3id.org/cap-ptce/def#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        f'<{PROJECT}{project_id}> a cap:Project ; dcterms:title "{title}"@fr .',
    ]
    for index in range(members):
        lines.append(f"<{PROJECT}{project_id}> cap:member <{PROJECT}{project_id}/membre/{index}> .")
        lines.append(f'<{PROJECT}{project_id}/membre/{index}> dcterms:title "Membre {index}" .')
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, count: int = 3, *, members: int = 3) -> Path:
    """A corpus folder of ``count`` Turtle descriptions, one in a sub-folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        name = f"projet-{index}.ttl" if index else "sous-dossier/projet-0.ttl"
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(project_turtle(f"p{index}", f"Projet {index}", members=members), encoding="utf-8")
    return folder


class TurtleLoader:
    """Stands for the description format's loader: reads Turtle, finds the project, counts calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, path: Path):
        from cap_ptce.errors import RdfSyntaxError

        self.calls.append(path.name)
        try:
            graph = Graph().parse(path, format="turtle")
        except Exception as exc:
            raise RdfSyntaxError(f"unreadable Turtle: {exc}", source=path.name) from None
        iri = next(graph.subjects(RDF.type, CAP.Project))
        return SimpleNamespace(graph=graph, iri=str(iri))


def count_validator(description) -> Validation:
    """Stands for validation: a project conforms when it has at least 3 members."""
    members = len(list(description.graph.objects(URIRef(description.iri), CAP.member)))
    return Validation(conforms=members >= 3, violations=0 if members >= 3 else 1, warnings=1, completeness=members / 4)


def reference_sources():
    """Ontology, grid and shapes stand-ins, one triple each."""

    def make(name):
        def build():
            graph = Graph()
            graph.add((URIRef(f"https://w3id.org/cap-ptce/{name}"), DCTERMS.title, Literal(name)))
            return graph

        return build

    return {"ontology": make("def"), "grid": make("grille/cap-ptce"), "shapes": make("shapes")}


class ConnectionRecorder:
    """A listening socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def corpus_kb(folder: Path, count: int = 3, *, workers: int = 2, members: int = 3, workers_in_memory: bool = True):
    """A temporary on-disk knowledge base with stand-in reference graphs and a small corpus."""
    from cap_ptce.store import KnowledgeBase

    kb = KnowledgeBase.temporary(workers=workers, workers_in_memory=workers_in_memory)
    kb.load_reference_graphs(reference_sources())
    kb.load_corpus(write_corpus(folder, count, members=members), loader=TurtleLoader(), validator=count_validator)
    return kb


def test_app(kb, **config):
    """A fresh app serving ``kb``."""
    from cap_ptce.web import create_app
    from cap_ptce.web.sparql import set_kb

    app = create_app({"TESTING": True, **config})
    set_kb(app, kb)
    return app


test_app.__test__ = False  # a helper, not a test
