"""The pages of the grid: home, the grid table (present and future tense), entries, questions,
examples, concept schemes, concepts and public schemes.

They read the grid's dataclasses (one source: ``grille/``) and ask the
knowledge base for the projects that point back at a question or a concept.
"""

from __future__ import annotations

from ..grid import Grid
from ..grid.rdf import concept_iri, public_scheme_iri, question_iri
from ..publish.parts import frozen_versions
from .resolve import Resource
from .site import get_site

__all__ = ["BUILDERS"]


def _grid() -> Grid:
    return get_site().grid


def home(resource: Resource, lang: str):
    grid = _grid()
    framing = [(grid.framing_titles.get(key), text) for key, text in grid.framing.items()]
    return "home.html", {"grid": grid, "framing": framing, "projects": get_site().projects}


def grid_table(resource: Resource, lang: str):
    grid = _grid()
    return "grid.html", {"grid": grid, "future": resource.kind == "grid-future", "versions": _versions(grid)}


def _versions(grid: Grid) -> list[tuple]:
    """(history item, path of its version's page or None) for each version of the grid, newest first: the
    current one and each release kept as it was published (:func:`~cap_ptce.publish.parts.frozen_release`)."""
    kept = {version for _iri, version in frozen_versions()}
    return [
        (item, f"/grille/{grid.id}/{item.version}" if item.version == grid.version or item.version in kept else None)
        for item in grid.history
    ]


def entry(resource: Resource, lang: str):
    grid = _grid()
    found = grid.entry(resource.key)
    index = grid.entries.index(found)
    neighbours = {
        "previous": grid.entries[index - 1] if index else None,
        "next": grid.entries[index + 1] if index + 1 < len(grid.entries) else None,
    }
    return "entry.html", {"grid": grid, "entry": found, **neighbours}


def question(resource: Resource, lang: str):
    grid = _grid()
    found = grid.question(resource.key)
    return "question.html", {
        "grid": grid,
        "question": found,
        "entry": grid.entry(found.entry_id),
        "schemes": [grid.scheme(scheme_id) for scheme_id in found.schemes],
        "public_schemes": [grid.public_scheme(ps_id) for ps_id in found.public_schemes],
        "projects": get_site().projects_pointing_at(question_iri(found.id)),
    }


def example(resource: Resource, lang: str):
    grid = _grid()
    owner = next(q for q in grid.questions if any(ex.id == resource.key for ex in q.examples))
    found = next(ex for ex in owner.examples if ex.id == resource.key)
    details = next((ex for ex in owner.examples if ex.id == found.details), None)
    concept = grid.concept(found.concept) if found.concept else None
    return "example.html", {
        "grid": grid,
        "example": found,
        "question": owner,
        "details": details,
        "concept": concept,
        "concept_scheme": grid.scheme(concept.scheme_id) if concept else None,
    }


def scheme(resource: Resource, lang: str):
    grid = _grid()
    if resource.key == "entrees":
        return "scheme_entries.html", {"grid": grid}
    if resource.key == "dispositifs":
        return "scheme_public.html", {"grid": grid}
    if resource.key == "exemples":
        return "scheme_examples.html", {"grid": grid}
    found = grid.scheme(resource.key)
    top = [c for c in found.concepts if not c.broader]
    narrower = {c.id: [n for n in found.concepts if n.broader == c.id] for c in found.concepts}
    return "scheme.html", {
        "grid": grid,
        "scheme": found,
        "top": top,
        "narrower": narrower,
        "questions": [grid.question(qid) for qid in found.questions],
    }


def concept(resource: Resource, lang: str):
    grid = _grid()
    found = grid.concept(resource.key)
    owner = grid.scheme(found.scheme_id)
    examples = [(q, ex) for q in grid.questions for ex in q.examples if ex.concept == found.ref]
    return "concept.html", {
        "grid": grid,
        "concept": found,
        "scheme": owner,
        "broader": owner.concept(found.broader) if found.broader else None,
        "narrower": [c for c in owner.concepts if c.broader == found.id],
        "examples": examples,
        "questions": [grid.question(qid) for qid in owner.questions],
        "projects": get_site().projects_pointing_at(concept_iri(found.scheme_id, found.id)),
    }


def public_scheme(resource: Resource, lang: str):
    grid = _grid()
    found = grid.public_scheme(resource.key)
    return "public_scheme.html", {
        "grid": grid,
        "scheme": found,
        "successor": grid.public_scheme(found.successor) if found.successor else None,
        "predecessors": [ps for ps in grid.public_schemes if ps.successor == found.id],
        "questions": [q for q in grid.questions if found.id in q.public_schemes],
        "projects": get_site().projects_pointing_at(public_scheme_iri(found.id)),
    }


BUILDERS = {
    "home": home,
    "grid": grid_table,
    "grid-future": grid_table,
    "entry": entry,
    "question": question,
    "example": example,
    "scheme": scheme,
    "concept": concept,
    "public-scheme": public_scheme,
}
