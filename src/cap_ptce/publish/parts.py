"""The published parts of the dataset (the ontology, the grid and the shapes, each a graph), and their versions."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from ..grid import load_grid
from ..grid.rdf import grid_graph
from ..rdf.namespaces import GRID_IRI, ONTOLOGY_IRI, SHAPES_DOCUMENT
from ..rdf.vocabulary import folder_triples, graph_of, ontology_graph
from ..validation.shapes import shapes_graph

__all__ = ["dataset_parts", "current_versions", "version_iri"]


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
