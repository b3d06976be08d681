"""The published data of one app, built once: the parts' graphs, their union and the catalogue."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import BinaryIO

from flask import current_app
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from ..grid import Grid, load_grid
from ..grid.rdf import entry_iri, question_iri
from ..grid.tabular import grid_csv
from ..i18n import texts
from ..publish.catalog import (
    QUAD_FORMATS,
    WHOLE,
    Part,
    Publication,
    Statistics,
    catalog_graph,
    serialize_dataset,
    whole_graph,
)
from ..publish.parts import REGISTER_PROFILE, current_versions, dataset_parts, register_sources
from ..rdf.namespaces import BASE, GRID_IRI, ONTOLOGY_IRI, SHAPES, SHAPES_DOCUMENT, bind_prefixes
from ..rdf.serialize import canonical_graph, serialize, triples_of_quads
from ..store import REFERENCE_GRAPHS
from . import corpus, links
from .cache import DocumentCache
from .resolve import grid_resources, resolve_grid_path
from .spool import SpooledFiles

__all__ = ["Site", "get_site", "init_app", "PART_TITLES"]

# Part id (file stem, French) -> (key of publish.parts.dataset_parts(), title, description).
PART_TITLES = {
    part_id: (key, texts(f"dcat.part.{part_id}.title"), texts(f"dcat.part.{part_id}.description"))
    for part_id, key in (
        ("grille", "grid"),
        ("ontologie", "ontology"),
        ("controles", "shapes"),
        ("corpus", "corpus"),
        ("registre", "registre"),
    )
}
# The parts that hold project descriptions, read from the knowledge base rather than built here.
_DESCRIPTIONS = ("corpus", "registre")
PROJECT_GRAPHS = 32  # project descriptions kept in memory, the last read
# What each part is: its page, the standards its data follows, how long its files stay as they are.
_OWL2 = URIRef("http://www.w3.org/TR/owl2-overview/")
_SHACL = URIRef("https://www.w3.org/TR/shacl/")
PART_FACTS = {
    "grille": {"landing": "/grille/cap-ptce", "conforms_to": (URIRef(ONTOLOGY_IRI),), "of": GRID_IRI},
    "ontologie": {"landing": "/def", "conforms_to": (_OWL2,), "of": URIRef(ONTOLOGY_IRI)},
    "controles": {"landing": "/shapes", "conforms_to": (_SHACL,), "of": SHAPES_DOCUMENT},
    "corpus": {
        "landing": "/projet",
        "conforms_to": (URIRef(ONTOLOGY_IRI), SHAPES_DOCUMENT),
        "availability": "AVAILABLE",
    },
    "registre": {
        "landing": "/registre",
        "conforms_to": (URIRef(ONTOLOGY_IRI), SHAPES_DOCUMENT, REGISTER_PROFILE),
        "availability": "AVAILABLE",
    },
}


@dataclass
class Site:
    """What the app publishes; the corpus is read from the knowledge base when the site is built."""

    config: dict
    grid: Grid
    _downloads: SpooledFiles = field(default_factory=SpooledFiles, repr=False)  # on disk: the whole dataset grows
    _canonical: dict = field(default_factory=dict, repr=False)  # part id -> canonical_graph, for every format
    _project_graphs: OrderedDict = field(default_factory=OrderedDict, repr=False)  # the last few read
    _project_graphs_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    label_cache: dict = field(default_factory=dict, repr=False)  # by language: the labels pages found in graph
    documents: DocumentCache = field(default_factory=DocumentCache, repr=False)  # the answers drawn once
    store_version: int = 0  # the knowledge base's version this site was read from

    @cached_property
    def reference_graphs(self) -> dict[str, Graph]:
        """The ontology, the grid and the shapes, by part id: what the pages describe."""
        built = dataset_parts(license=self.config["LICENSE"])
        return {part_id: built[key] for part_id, (key, _, _) in PART_TITLES.items() if key in built}

    @cached_property
    def part_graphs(self) -> dict[str, Graph]:
        """Every published part, the corpus included: read from the knowledge base into rdflib, so
        only the catalogue and the downloads ask for it (32 s at 1,000 descriptions), never a page."""
        merged = {}
        for part in self.description_parts:
            merged[part] = bind_prefixes(Graph())
            for graph in self.corpus_graphs[part].values():
                merged[part] += graph
        return {**self.reference_graphs, **merged}

    @cached_property
    def description_parts(self) -> tuple[str, ...]:
        """The parts of project descriptions that the knowledge base holds: the corpus, the register."""
        held = {"registre" if ref.register else "corpus" for ref in self.projects}
        return tuple(part for part in _DESCRIPTIONS if part in held)

    @cached_property
    def corpus_graphs(self) -> dict[str, dict[str, Graph]]:
        """For each part of descriptions, its graphs (descriptions, and its share of the provenance,
        places, indicators and organisations graphs) by their names in the knowledge base."""
        return {part: corpus.corpus_graphs(part) for part in self.description_parts}

    @cached_property
    def reference_union(self) -> Graph:
        """The ontology, the grid and the shapes together."""
        union = bind_prefixes(Graph())
        for graph in self.reference_graphs.values():
            union += graph
        return union

    @cached_property
    def addresses(self) -> frozenset[str]:
        """The addresses a visitor may mean: the app's own pages, the grid's resources and the projects
        (for the 404's « vouliez-vous dire » ; organisations aside, too many to be guessed)."""
        routes = {
            rule.rule
            for rule in current_app.url_map.iter_rules()
            if not rule.arguments and "GET" in (rule.methods or ()) and not rule.rule.startswith("/static")
        }
        grid = {resource.path for resource in grid_resources(self.grid)}
        return frozenset(routes | grid | {f"/projet/{ref.id}" for ref in self.projects})

    @cached_property
    def graph(self) -> Graph:
        """The reference graphs and what the corpus's own graphs say of themselves (the places graph's
        source…): where resource descriptions come from."""
        if not self.projects:
            return self.reference_union
        return self.reference_union + corpus.graph_descriptions()

    def _examples(self) -> dict[str, tuple[URIRef, ...]]:
        """A few typical resources of each part, for void:exampleResource."""
        shapes = sorted(
            s
            for s in self.reference_graphs["controles"].subjects(RDF.type, SH.NodeShape)
            if str(s).startswith(str(SHAPES))
        )
        return {
            "ontologie": (URIRef(ONTOLOGY_IRI),),
            "grille": (GRID_IRI, entry_iri(self.grid.entries[0].id), question_iri(self.grid.questions[0].id)),
            "controles": tuple(shapes[:1]),
            "corpus": tuple(ref.iri for ref in self.projects if not ref.register)[:1],
            "registre": tuple(ref.iri for ref in self.projects if ref.register)[:1],
        }

    @cached_property
    def parts(self) -> tuple[Part, ...]:
        """Every part with its graph, the corpus included: what the downloads serialise.

        Each graph keeps the name it has in the knowledge base, so that the quads
        dumps, loaded into any store, answer every query as the endpoint does.
        """
        named = {
            part_id: {REFERENCE_GRAPHS[key]: self.part_graphs[part_id]}
            for part_id, (key, _, _) in PART_TITLES.items()
            if key in REFERENCE_GRAPHS
        }
        named.update(self.corpus_graphs)  # the corpus's graphs, the register's
        return tuple(replace(part, named_graphs=named[part.id]) for part in self._parts(self.part_graphs))

    @cached_property
    def catalog_parts(self) -> tuple[Part, ...]:
        """Every part as the catalogue needs it: the corpus counted in the store, not read into rdflib."""
        graphs = {**self.reference_graphs, **dict.fromkeys(self.description_parts)}
        return self._parts(graphs, {part: corpus.corpus_statistics(part).statistics for part in self.description_parts})

    @cached_property
    def corpus_figures(self) -> corpus.CorpusFigures:
        """The figures of every description (the corpus and the register), for the whole dataset's."""
        return corpus.corpus_statistics("tous")

    def _parts(self, graphs: dict[str, Graph | None], statistics: dict[str, Statistics] | None = None):
        examples, versions = self._examples(), current_versions()
        return tuple(
            Part(
                part_id,
                *self._words(part_id, title, description),
                graphs[part_id],
                by_godin=part_id == "grille",
                by_project=self._by_project(part_id),
                csv=part_id == "grille",
                examples=examples.get(part_id, ()),
                statistics=(statistics or {}).get(part_id),
                version=versions.get(PART_FACTS[part_id].get("of")),
                landing=PART_FACTS[part_id]["landing"],
                conforms_to=PART_FACTS[part_id]["conforms_to"],
                availability=PART_FACTS[part_id].get("availability", "STABLE"),
                sources=register_sources() if part_id == "registre" else (),
                uri_spaces=(links.base_iri(self.config),) if part_id in _DESCRIPTIONS else (BASE,),
                **self._dates(part_id),
            )
            for part_id, (_, title, description) in PART_TITLES.items()
            if part_id in graphs
        )

    def _dates(self, part_id: str) -> dict:
        """A part of descriptions is issued and modified when its oldest and newest descriptions are dated
        (:attr:`corpus.ProjectRef.modified`); the grid's parts keep the publication's dates (the grid's)."""
        if part_id not in _DESCRIPTIONS:
            return {}
        days = [ref.modified for ref in self.projects if ref.register == (part_id == "registre") and ref.modified]
        return {"issued": min(days), "modified": max(days)} if days else {}

    def _by_project(self, part_id: str) -> bool:
        """Whether the part is CAP PTCE's own: the ontology, the shapes, and the register and sample corpus it
        ships (a corpus of one's own, given by CORPUS or in a STORE, or a register given by REGISTRE, is its
        publisher's)."""
        own = {"corpus": ("CORPUS", "STORE"), "registre": ("REGISTRE",)}.get(part_id)
        return part_id in ("ontologie", "controles") or (own is not None and not any(self.config.get(k) for k in own))

    @cached_property
    def fictional(self) -> tuple[int, int]:
        """(projects, fictional projects) of the corpus (the register's poles are real)."""
        return corpus.fictional_count()

    @cached_property
    def unread(self) -> int:
        """How many description files the last loads could not read: no figure counts them, and the pages of
        figures (the dashboards, the explorer, the ready-made queries) say so."""
        return corpus.unread_count()

    def _words(self, part_id: str, title: dict, description: dict) -> tuple[dict, dict]:
        """A part's title and description; a corpus with fictional descriptions says so in both."""
        total, fictional = self.fictional if part_id == "corpus" else (0, 0)
        if not fictional:
            return title, description
        key = "fictional" if fictional == total else "mixed"
        counts = {"total": total, "fictional": fictional}
        return texts(f"dcat.part.corpus.{key}_title", **counts), texts(f"dcat.part.corpus.{key}_description", **counts)

    @cached_property
    def publication(self) -> Publication:
        history = self.grid.history
        return Publication(
            site=links.base_iri(self.config),
            license=self.config["LICENSE"],
            license_label=self.config["LICENSE_LABEL"],
            publisher=self.config["PUBLISHER"],
            publisher_iri=self.config["PUBLISHER_IRI"],
            contact=self.config["CONTACT"],
            issued=min(item.date for item in history) if history else self.grid.modified,
            modified=self.grid.modified,
            history=history,
            sparql_endpoint=None if self.config.get("PUBLISHING") else links.base_iri(self.config) + "sparql",
        )

    @cached_property
    def catalog(self) -> Graph:
        whole = corpus.whole_statistics(self.reference_union, self.corpus_figures)
        return catalog_graph(
            self.catalog_parts,
            self.publication,
            whole=whole,
            files=lambda part_id, fmt: self.download(part_id, fmt.name),
        )

    @cached_property
    def projects(self) -> list[corpus.ProjectRef]:
        """The projects of the knowledge base, read once (the corpus is loaded at start-up)."""
        return corpus.list_projects()

    @cached_property
    def backlinks(self) -> dict[str, list[corpus.ProjectRef]]:
        return corpus.grid_backlinks()

    @cached_property
    def corpus_profiles(self) -> list:
        """Every project's profile (size, mix, funding, completeness, axes, places), measured once per app."""
        from ..dossier.compare import corpus_profiles
        from .sparql import get_kb

        return corpus_profiles(get_kb())

    @cached_property
    def organisations(self) -> list[corpus.OrganisationRef]:
        """The organisations that the corpus's actors stand for, by SIREN or RNA number (read once)."""
        return corpus.list_organisations()

    def organisation(self, key: str) -> corpus.OrganisationRef | None:
        """The organisation ``siren/…`` or ``rna/…``, or None if the knowledge base has no such one."""
        return next((ref for ref in self.organisations if ref.key == key), None)

    def projects_pointing_at(self, iri: URIRef) -> list[corpus.ProjectRef]:
        """The projects whose description points at the grid resource ``iri``."""
        known = {ref.iri: ref for ref in self.projects}  # with what each is: a real pole, a fictional example
        return [known.get(ref.iri, ref) for ref in self.backlinks.get(str(iri), [])]

    @property
    def register_projects(self) -> list[corpus.ProjectRef]:
        """The real poles of the register."""
        return [ref for ref in self.projects if ref.register]

    @property
    def corpus_projects(self) -> list[corpus.ProjectRef]:
        """The projects of the corpus (the sample corpus's are fictional)."""
        return [ref for ref in self.projects if not ref.register]

    def project_graph(self, project_id: str) -> Graph | None:
        """A project's description from the knowledge base, or None; the last ``PROJECT_GRAPHS`` read are kept.

        A page and its parts' anchors read the same graph a few times in a row;
        kept for every project, the graphs held about a megabyte each in memory
        once every page had been drawn (gigabytes at 10,000 descriptions).
        """
        with self._project_graphs_lock:
            if project_id in self._project_graphs:
                self._project_graphs.move_to_end(project_id)
                return self._project_graphs[project_id]
        graph = corpus.project_graph(project_id)
        with self._project_graphs_lock:
            self._project_graphs[project_id] = graph
            while len(self._project_graphs) > PROJECT_GRAPHS:
                self._project_graphs.popitem(last=False)
        return graph

    def project_iri(self, project_id: str) -> URIRef | None:
        """The IRI of the project ``project_id``, or None if the knowledge base has no such project."""
        return next((ref.iri for ref in self.projects if ref.id == project_id), None)

    def is_thing(self, iri: URIRef) -> bool:
        """Whether the published graphs say anything about ``iri``."""
        return (iri, None, None) in self.graph

    @cached_property
    def thing_paths(self) -> tuple[str, ...]:
        """Paths of the described resources under the base that no page kind claims (organisations, sources…)."""
        found = set()
        for subject in set(self.graph.subjects()):
            iri = str(subject)
            if iri.startswith(BASE) and "#" not in iri:
                path = "/" + iri[len(BASE) :]
                if resolve_grid_path(path, self.grid) is None:
                    found.add(path)
        return tuple(sorted(found))

    @cached_property
    def paths(self) -> frozenset[str]:
        """Every resource path this site answers for."""
        fixed = {resource.path for resource in grid_resources(self.grid)}
        organisations = {f"/organisation/{ref.key}" for ref in self.organisations}
        return frozenset(fixed | set(self.thing_paths) | {f"/projet/{ref.id}" for ref in self.projects} | organisations)

    def is_published(self, path: str) -> bool:
        return path in self.paths

    def project_part(self, path: str) -> tuple[str, str] | None:
        """(project id, anchor) when ``path`` names a part that a project's description describes."""
        owner, rest = project_part(path)
        if owner is None or owner not in self.paths:
            return None
        project_id = owner.rsplit("/", 1)[1]
        if rest == "graphe":  # the description's named graph (its provenance record's subject): its section
            return project_id, "graphe"
        graph = self.project_graph(project_id)
        iri = URIRef(links.base_iri(self.config) + path.lstrip("/"))
        if graph is None or (iri, None, None) not in graph:
            return None
        return project_id, rest.replace("/", "-")

    def locate(self, path: str) -> tuple[str, str | None] | None:
        """The published page that shows ``path``, and the anchor there (None: not published).

        A project's parts (``/projet/x/acteur/y``) are sections of the project's page,
        anchored ``acteur-y``.
        """
        if path in self.paths:
            return path, None
        owner, rest = project_part(path)
        if owner in self.paths:
            return owner, rest.replace("/", "-")
        return None

    def download(self, part_id: str, format_name: str) -> bytes:
        """The bytes of a download (made once, then read from its file): a part, or the whole dataset."""
        return self._downloads.get((part_id, format_name), lambda: self._make_download(part_id, format_name))

    def download_file(self, part_id: str, format_name: str) -> BinaryIO | bytes:
        """A download's file, open for reading (made once): what a response streams (:meth:`.SpooledFiles.open`)."""
        return self._downloads.open((part_id, format_name), lambda: self._make_download(part_id, format_name))

    def _make_download(self, part_id: str, format_name: str) -> bytes:
        if format_name == "csv":
            return grid_csv_bytes()
        written = corpus.whole_document(format_name, self._reference_named()) if part_id == WHOLE else None
        if written is not None:  # by the embedded store: the corpus is never read into rdflib for it
            return written
        quad = next((fmt for fmt in QUAD_FORMATS if fmt.name == format_name), None)
        if quad is not None:
            return serialize_dataset(self.parts, quad)
        if part_id == "catalogue":
            return serialize(self.catalog, format_name)
        if part_id in _DESCRIPTIONS:  # written by the store: descriptions are never read into rdflib for it
            return corpus.corpus_document(format_name, part_id)
        if part_id == WHOLE and format_name == "nt":  # the dataset's N-Quads without their graphs: 3 s, not 110
            return triples_of_quads(self.download(WHOLE, "nquads"))
        if part_id == WHOLE:
            if WHOLE not in self._canonical:
                self._canonical[WHOLE] = canonical_graph(whole_graph(self.parts), relabel=False)
            return serialize(self._canonical[WHOLE], format_name, canonical=self._canonical[WHOLE])
        graph = self.reference_graphs[part_id]
        return serialize(graph, format_name, canonical=self._canonical_of(part_id, graph))

    def _reference_named(self) -> dict[str, tuple[str, Graph]]:
        """The reference parts' graphs (their blank nodes labelled canonically) under their names in the knowledge
        base, with their part's id."""
        return {
            REFERENCE_GRAPHS[key]: (part_id, self._canonical_of(part_id, self.reference_graphs[part_id]))
            for part_id, (key, _, _) in PART_TITLES.items()
            if key in REFERENCE_GRAPHS
        }

    def _canonical_of(self, part_id: str, graph: Graph) -> Graph:
        """The part's graph with canonical blank-node labels, made once for all its formats."""
        if part_id not in self._canonical:
            self._canonical[part_id] = canonical_graph(graph)
        return self._canonical[part_id]


def project_part(path: str) -> tuple[str | None, str]:
    """``/projet/x/acteur/y`` → (``/projet/x``, ``acteur/y``); (None, "") for any other path."""
    parts = path.split("/", 3)
    if len(parts) == 4 and parts[1] == "projet" and parts[3]:
        return "/projet/" + parts[2], parts[3]
    return None, ""


def grid_csv_bytes() -> bytes:
    return grid_csv()


_SITE_LOCK = threading.Lock()


def init_app(app) -> None:
    """Let every module reach the site's cache of answers (:func:`cap_ptce.web.cache.documents`)."""
    app.extensions["cap_ptce.documents"] = lambda: get_site().documents


def get_site() -> Site:
    """The current app's site, made on first use (once, even when two threads ask at once).

    It is made again, with empty caches, when the knowledge base has been written since.
    """
    from .sparql import get_kb

    version = get_kb().version
    with _SITE_LOCK:
        site = current_app.extensions.get("cap_ptce.site")
        if site is None or site.store_version != version:
            site = Site(dict(current_app.config), load_grid(), store_version=version)
            current_app.extensions["cap_ptce.site"] = site
    return site
