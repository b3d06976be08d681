"""The published parts of the dataset (the ontology, the grid and the shapes, each a graph), and their versions."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from ..grid import load_grid
from ..grid.rdf import grid_graph
from ..rdf.namespaces import GRID_IRI, ONTOLOGY_IRI, SHAPES_DOCUMENT
from ..rdf.vocabulary import folder_triples, graph_of, ontology_graph
from ..resources import data_dir
from ..validation.shapes import shapes_graph
from ..yamlstrict import load_yaml

__all__ = [
    "dataset_parts",
    "current_versions",
    "frozen_release",
    "frozen_versions",
    "version_iri",
    "register_sources",
    "register_calls",
    "REGISTER_PROFILE",
]

# The register's validation profile (registre/profil.ttl), a standard its records conform to.
REGISTER_PROFILE = URIRef("https://w3id.org/cap-ptce/shapes/registre")


def dataset_parts(*, license: str | None = None) -> dict[str, Graph]:
    """The published parts of the dataset, by name: ontology and grid (under ``license``), shapes."""
    return {"ontology": ontology_graph(license=license), "grid": grid_graph(license=license), "shapes": shapes_graph()}


def version_iri(iri: URIRef | str, version: str) -> URIRef:
    """The IRI of ``iri`` at ``version``: ``…/def`` → ``…/def/0.1.0``."""
    return URIRef(f"{iri}/{version}")


def current_versions() -> dict[URIRef, str]:
    """The versioned resources (ontology, shapes, grid) and the version each one declares, its one source:
    ``owl:versionInfo`` in ``ontology/cap.ttl`` and ``shapes/structure.ttl``, ``version`` in ``grille/grille.yaml``."""
    ontology, shapes = graph_of(folder_triples("ontology")), graph_of(folder_triples("shapes"))
    return {
        URIRef(ONTOLOGY_IRI): str(ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)),
        SHAPES_DOCUMENT: str(shapes.value(SHAPES_DOCUMENT, OWL.versionInfo)),
        GRID_IRI: load_grid().version,
    }


def frozen_release(iri: URIRef | str, version: str) -> Path | None:
    """The folder of the files of ``iri`` at an earlier ``version``, kept as they were published; None if not kept.

    The grid keeps its releases in ``grille/versions/<version>/`` (``cap-ptce.ttl``,
    ``.jsonld``, ``.rdf``, ``.nt``, ``.csv``, written by the code of that release):
    a version IRI names what was published then, not today's grid under an old number.
    """
    if str(iri) != str(GRID_IRI) or not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version):
        return None
    folder = data_dir("grille") / "versions" / version
    return folder if (folder / "cap-ptce.ttl").is_file() else None


def frozen_versions() -> list[tuple[URIRef, str]]:
    """(resource, version) of every release kept (see :func:`frozen_release`)."""
    versions = data_dir("grille") / "versions"
    found = sorted(p.name for p in versions.iterdir() if frozen_release(GRID_IRI, p.name)) if versions.is_dir() else []
    return [(GRID_IRI, version) for version in found]


def register_sources() -> tuple[URIRef, ...]:
    """The addresses of the documents the register's facts come from (``registre/sources.yaml``), sorted."""
    path = data_dir("registre") / "sources.yaml"
    data, _lines = load_yaml(path, source=str(path))
    return tuple(sorted({URIRef(entry["url"]) for entry in data.values() if entry.get("url")}))


def register_calls() -> list[dict]:
    """The State's calls as ``registre/appels.yaml`` gives them: how many poles each selected, how many the
    register holds, which are missing and why."""
    path = data_dir("registre") / "appels.yaml"
    data, _lines = load_yaml(path, source=str(path))
    return list(data["appels"])
