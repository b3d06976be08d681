"""The search page: the labels of the grid, its vocabularies, the ontology's terms and the projects.

Server-side and without JavaScript: ``/recherche.fr.html?q=circuits`` lists what
matches in French or English, case and accents aside. Without ``q`` (and in a
static copy, which knows no query string) the page lists everything, from A to Z.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..i18n import LANGUAGES
from ..i18n.folding import fold
from ..rdf.namespaces import BASE, CAP
from .pages_docs import presenter
from .resolve import Resource
from .site import get_site

__all__ = ["BUILDERS", "Hit", "search_index", "matches"]


@dataclass(frozen=True)
class Hit:
    """Something a reader may look for: its labels by language, its page path (and anchor), its kind."""

    labels: dict[str, str]
    path: str
    anchor: str
    kind: URIRef | None
    dataset: str = ""  # a project's: "register" (a real pole of the register), "fictional" (a made-up example)


def search_index() -> list[Hit]:
    """Every labelled resource under the base of the ontology, grid and shapes, and every project."""
    site = get_site()
    found: dict[URIRef, dict[str, str]] = {}
    for prop in (SKOS.prefLabel, RDFS.label):
        for subject, label in site.graph.subject_objects(prop):
            if isinstance(subject, URIRef) and str(subject).startswith(BASE) and label.language in LANGUAGES:
                found.setdefault(subject, {}).setdefault(label.language, str(label))
    hits = []
    for iri, labels in found.items():
        document, _, anchor = str(iri)[len(BASE) - 1 :].partition("#")
        kinds = sorted(site.graph.objects(iri, RDF.type), key=lambda kind: (not str(kind).startswith(str(CAP)), kind))
        hits.append(Hit(labels, document, anchor, kinds[0] if kinds else None))
    hits += [
        Hit({lang: ref.name for lang in LANGUAGES}, f"/projet/{ref.id}", "", None, _dataset(ref))
        for ref in site.projects
    ]
    return hits


def _dataset(ref) -> str:
    return "register" if ref.register else "fictional" if ref.fictional else ""


def matches(hits: list[Hit], query: str) -> list[Hit]:
    """The hits whose label, in either language, holds every word of ``query`` (case and accents aside)."""
    words = fold(query).split()
    return [hit for hit in hits if all(any(w in fold(label) for label in hit.labels.values()) for w in words)]


def search(resource: Resource, lang: str):
    query = request.args.get("q", "").strip()[:200]
    hits = search_index()
    shown = matches(hits, query) if query else hits
    p = presenter(lang)
    rows = [
        {
            "label": hit.labels.get(lang) or next(iter(hit.labels.values())),
            "label_lang": lang if lang in hit.labels else next(iter(hit.labels)),
            "path": hit.path,
            "anchor": hit.anchor,
            "kind": p.label(hit.kind, get_site().graph)[0] if hit.kind is not None else None,
            "dataset": hit.dataset,
        }
        for hit in shown
    ]
    # folded first (« attestation » beside « Attestation »), then as written and by address: the same order at each
    # run, whatever order the graph gave the hits in
    rows.sort(key=lambda row: (fold(row["label"]), row["label"], row["path"], row["anchor"] or ""))
    g.search_query = query
    return "search.html", {"query": query, "rows": rows, "total": len(hits), "search_query": query}


BUILDERS = {"search": search}
