"""RDF made readable: labels in the page's language, values as links, properties as rows.

Pages about the grid use the grid's dataclasses; pages about anything else
(a project, the ontology, an organisation) are drawn from RDF with these
helpers. An IRI under the published bases becomes a link to its page in the
same language; any other http(s) IRI is an external link, and an IRI of any
other scheme (``javascript:``, ``data:``, ``file:``) is text, never a link.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..project.schema import INSEE_GEO, PLACE_KIND_OF_LEVEL
from ..rdf.describe import LABEL_PROPERTIES
from ..rdf.namespaces import BASE, ONTOLOGY_IRI, PREFIXES
from ..rdf.weblinks import is_web_link
from . import links

__all__ = ["Value", "Row", "Presenter", "internal_path", "curie", "place_label"]


@dataclass(frozen=True)
class Value:
    """One value shown on a page: its text, its link (root-relative or absolute) and its language."""

    text: str
    href: str | None = None
    internal: bool = False
    lang: str | None = None
    iri: str | None = None
    rows: tuple[Row, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Row:
    """A property and its values."""

    label: str
    iri: str
    values: tuple[Value, ...]


@functools.lru_cache(maxsize=4096)
def curie(iri: str) -> str:
    """``skos:prefLabel`` for a known namespace, else the IRI itself."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(str(ns))), key=lambda ns: len(str(ns)), default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(str(best)) :]}"


def _no_owner(path: str) -> tuple[str, str | None] | None:
    return (path, None)


def internal_path(iri: str, bases: tuple[str, ...], lang: str, locate=_no_owner) -> str | None:
    """The root-relative path of ``iri``'s HTML page in ``lang``, if a base holds it and it is published.

    ``locate(path)`` gives the published resource whose page shows ``path`` and the
    anchor on that page (a project's actor is a section of the project's page), or None.
    """
    for base in bases:
        if not iri.startswith(base):
            continue
        rest, _, fragment = iri[len(base) :].partition("#")
        found = locate("/" + rest)
        if found is not None:
            page, anchor = found
            anchor = anchor or fragment
            return links.html_document(page, lang) + ("#" + anchor if anchor else "")
    return None


def _is_vocabulary_term(node) -> bool:
    """Terms of a vocabulary (ours in def#, or reused ones), as opposed to data resources."""
    return _is_vocabulary_iri(str(node))


@functools.lru_cache(maxsize=4096)
def _is_vocabulary_iri(iri: str) -> bool:
    reused = iri.startswith(tuple(map(str, PREFIXES.values()))) and not iri.startswith(BASE)
    return reused or iri.startswith(ONTOLOGY_IRI)


class Presenter:
    """Turns RDF terms of ``graph`` into :class:`Value` and :class:`Row` for a page in ``lang``."""

    def __init__(
        self,
        labels: Graph,
        lang: str,
        bases: tuple[str, ...] = (BASE,),
        locate=_no_owner,
        cache: dict | None = None,
    ) -> None:
        self.labels = labels
        self.lang = lang
        self.bases = tuple(dict.fromkeys(bases))
        self.locate = locate  # path -> (published page, anchor) or None, so that no link is dead
        # Labels found in ``labels``, by node: shared by the pages of one site and language, since
        # ``labels`` does not change; a page's own graph is always read first.
        self._known = {} if cache is None else cache

    def pick(self, literals) -> tuple[str, str | None] | None:
        """The literal in the page's language, else one without a language, else any (text, its lang)."""
        literals = [lit for lit in literals if isinstance(lit, Literal)]
        for wanted in (self.lang, None):
            for lit in sorted(literals):
                if lit.language == wanted:
                    return str(lit), None
        if literals:
            lit = sorted(literals)[0]
            return str(lit), lit.language
        return None

    def label(self, node, graph: Graph | None = None) -> tuple[str, str | None]:
        """A node's label in the page's language (or without one), and that language when it differs.

        The label of a vocabulary term (a property, a class) in the other language is
        never used: it would mix the page's languages; its prefixed name
        (``dcterms:created``) belongs to neither. A data resource (a project, an
        actor) keeps the name its description gives, marked with its language.
        """
        strict = _is_vocabulary_term(node)
        found = self._label_in(graph, node, strict) if graph is not None else None
        if found:
            return found
        if node not in self._known:
            self._known[node] = self._label_in(self.labels, node, strict) or self._fallback_label(node)
        return self._known[node]

    def _label_in(self, source: Graph, node, strict: bool) -> tuple[str, str | None] | None:
        for prop in LABEL_PROPERTIES:
            found = self.pick(source.objects(node, prop))
            if found and (found[1] is None or not strict):
                return found
        return None

    def _fallback_label(self, node) -> tuple[str, str | None]:
        if isinstance(node, URIRef) and str(node).startswith(self.bases):
            return "/".join(str(node).rstrip("/").rsplit("/", 2)[-2:]), None  # e.g. reponse/q01
        place = place_label(node)
        if place is not None:
            return place, None
        return (curie(str(node)), None) if isinstance(node, URIRef) else ("…", None)

    def value(self, node, graph: Graph) -> Value:
        if isinstance(node, Literal):
            return Value(str(node), lang=node.language if node.language not in (None, self.lang) else None)
        if isinstance(node, BNode):
            return Value("", rows=tuple(self.rows(graph, node)))
        iri = str(node)
        text, lang = self.label(node, graph)
        if _is_vocabulary_term(node) and not iri.startswith(ONTOLOGY_IRI) and curie(iri) != iri:
            text, lang = curie(iri), None  # a reused term is best known by its prefixed name: skos:Concept
        path = internal_path(iri, self.bases, self.lang, self.locate)
        if path is None and (iri.startswith(self.bases) or not is_web_link(iri)):
            return Value(text, lang=lang, iri=iri)  # ours but not published (no dead link), or not a web address
        return Value(text, path or iri, internal=path is not None, lang=lang, iri=iri)

    def values(self, graph: Graph, subject, prop) -> list[Value]:
        """The values of ``prop``, keeping only the page's language among language-tagged literals."""
        objects = list(graph.objects(subject, prop))
        literals = [o for o in objects if isinstance(o, Literal) and o.language]
        chosen = self.pick(literals) if literals else None
        shown = [o for o in objects if not (isinstance(o, Literal) and o.language)]
        values = [self.value(o, graph) for o in sorted(shown, key=_sort_key)]
        if chosen:
            values.insert(0, Value(chosen[0], lang=chosen[1]))
        return values

    def rows(self, graph: Graph, subject) -> list[Row]:
        """Every property of ``subject`` in ``graph`` (types first), labelled in the page's language."""
        props = sorted(set(graph.predicates(subject)), key=lambda p: (p != RDF.type, self.label(p)[0].casefold()))
        return [Row(self.label(p)[0], str(p), tuple(self.values(graph, subject, p))) for p in props]

    def inverse_rows(self, graph: Graph, obj: URIRef) -> list[Row]:
        """The named resources of ``graph`` that point at ``obj``, by property."""
        rows = []
        for prop in sorted(set(graph.predicates(None, obj)), key=str):
            subjects = sorted((s for s in graph.subjects(prop, obj) if isinstance(s, URIRef)), key=str)
            if subjects:
                rows.append(Row(self.label(prop)[0], str(prop), tuple(self.value(s, graph) for s in subjects)))
        return rows


def place_label(node) -> str | None:
    """A place's name and code from the Code officiel géographique (``Amiens (80021)``), for INSEE's IRIs.

    Descriptions name places by code only: the name shown is the COG's
    (:mod:`cap_ptce.geo`), never one typed by hand. None for another IRI or a
    code that names no place of the COG.
    """
    iri = str(node)
    if not isinstance(node, URIRef) or not iri.startswith(INSEE_GEO):
        return None
    kind, _, code = iri[len(INSEE_GEO) :].partition("/")
    if kind not in PLACE_KIND_OF_LEVEL or not code:
        return None
    from ..geo import load_geography  # late: the table is read only when a page shows a place

    name = load_geography().place_name(PLACE_KIND_OF_LEVEL[kind], code)
    return None if name is None else f"{name} ({code})"


def _sort_key(node) -> tuple[int, str]:
    return (isinstance(node, BNode), str(node))
