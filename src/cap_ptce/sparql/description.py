"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from .formats import GRAPH_FORMATS, TABLE_FORMATS

__all__ = ["service_description"]

_SD = "http://www.w3.org/ns/sparql-service-description#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DCT = "http://purl.org/dc/terms/"


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(_SD + name)


def _format_iris() -> list[ox.NamedNode]:
    iris = [fmt.oxigraph.iri for fmt in (*TABLE_FORMATS, *GRAPH_FORMATS)]
    return [ox.NamedNode(iri) for iri in iris]


def service_description(
    endpoint: str, graph_names: Iterable[str], *, title: dict[str, str] | None = None, license: str | None = None
) -> list[ox.Triple]:
    """Triples describing the endpoint at ``endpoint`` and its default dataset of ``graph_names``."""
    service, dataset, default_graph = ox.NamedNode(endpoint), ox.BlankNode("dataset"), ox.BlankNode("default")
    triples = [
        (service, _RDF_TYPE, _sd("Service")),
        (service, _sd("endpoint"), service),
        (service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        (service, _sd("feature"), _sd("UnionDefaultGraph")),
        (service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        (service, _sd("defaultDataset"), dataset),
        (dataset, _RDF_TYPE, _sd("Dataset")),
        (dataset, _sd("defaultGraph"), default_graph),
        (default_graph, _RDF_TYPE, _sd("Graph")),
    ]
    triples += [(service, _sd("resultFormat"), iri) for iri in _format_iris()]
    for lang, text in (title or {}).items():
        triples.append((service, ox.NamedNode(_DCT + "title"), ox.Literal(text, language=lang)))
    if license:
        triples.append((service, ox.NamedNode(_DCT + "license"), ox.NamedNode(license)))
    for index, name in enumerate(sorted(graph_names)):
        named = ox.BlankNode(f"g{index}")
        triples += [
            (dataset, _sd("namedGraph"), named),
            (named, _RDF_TYPE, _sd("NamedGraph")),
            (named, _sd("name"), ox.NamedNode(name)),
        ]
    return [ox.Triple(*triple) for triple in triples]
