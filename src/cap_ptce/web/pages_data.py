"""The pages about data: the catalogue and downloads, the projects, and any other described resource."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import BinaryIO

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, VOID

from ..dossier.build import annex_of
from ..dossier.compare import standing_of
from ..dossier.model import Dossier, Fact, Table, build_dossier
from ..dossier.render import render_body
from ..errors import NotFoundError
from ..i18n import LANGUAGES, t
from ..project import graph_to_data
from ..publish.catalog import KEYWORDS, QUAD_FORMATS, WHOLE, catalog_iri, creator_of, download_path, part_iri
from ..publish.parts import register_calls
from ..rdf.describe import describe
from ..rdf.namespaces import CAP
from ..rdf.serialize import FORMATS, get_format
from . import links
from .corpus import organisation_graph
from .pages_docs import presenter
from .resolve import Resource
from .site import get_site, project_part

__all__ = ["BUILDERS"]


def _downloads(part_id: str, *, csv: bool = False, quads: bool = False) -> list[dict]:
    formats = [fmt for fmt in FORMATS if fmt.is_rdf] + (list(QUAD_FORMATS) if quads else [])
    formats += [get_format("csv")] if csv else []
    return [
        {"label": fmt.label, "name": fmt.name, "path": download_path(part_id, fmt.suffix), "media_type": fmt.media_type}
        for fmt in formats
    ]


def _derived_graphs(lang: str) -> list[dict]:
    """The page of each graph the knowledge base derives (…/graphe/indicateurs…), which the quads dumps name."""
    from ..store import DERIVED_GRAPHS

    graphs = []
    for iri in DERIVED_GRAPHS:
        name = iri.rsplit("/", 1)[1]
        graphs.append({"path": f"/graphe/{name}", "label": t(f"kb.graph.{name}.label", lang)})
    return graphs


def catalog(resource: Resource, lang: str):
    site = get_site()
    p = presenter(lang)
    base = site.publication.site
    triples = {
        part_id: int(site.catalog.value(part_iri(part_id, base), VOID.triples))
        for part_id in [WHOLE, *(part.id for part in site.catalog_parts)]
    }
    datasets = [
        {
            "id": WHOLE,
            "title": p.pick(site.catalog.objects(part_iri(WHOLE, base), DCTERMS.title))[0],
            "description": p.pick(site.catalog.objects(part_iri(WHOLE, base), DCTERMS.description))[0],
            "triples": triples[WHOLE],
            "downloads": _downloads(WHOLE, quads=True),
        }
    ]
    datasets += [
        {
            "id": part.id,
            "title": part.title[lang],
            "description": part.description[lang],
            "triples": triples[part.id],
            "downloads": _downloads(part.id, csv=part.csv),
        }
        for part in site.catalog_parts
    ]
    contact = site.publication.contact or site.publication.site
    structured = schema_org_catalog(site, lang)
    is_mail = "@" in contact and not contact.startswith(("http:", "https:"))
    contact_url = (contact if contact.startswith("mailto:") else "mailto:" + contact) if is_mail else contact
    return "catalog.html", {
        "grid": site.grid,
        "datasets": datasets,
        "graphs": _derived_graphs(lang),
        "sparql": site.publication.sparql_endpoint,
        "contact_url": contact_url,
        "contact_label": contact.removeprefix("mailto:"),
        "structured": structured,
    }


def _organisation(iri: URIRef, name: str) -> dict:
    return {"@type": "Organization", "@id": str(iri), "name": name}


def schema_org_catalog(site, lang: str) -> dict:
    """The catalogue in schema.org's words (a ``DataCatalog`` of ``Dataset``s), for search engines' dataset search."""
    pub = site.publication
    publisher = _organisation(URIRef(pub.publisher_iri), pub.publisher)
    datasets = []
    for part in site.catalog_parts:
        dataset = {
            "@type": "Dataset",
            "@id": str(part_iri(part.id, pub.site)),
            "name": part.title[lang],
            "description": part.description[lang],
            "url": pub.site.rstrip("/") + links.html_document(part.landing, lang),
            "license": pub.license,
            "isAccessibleForFree": True,
            "inLanguage": list(LANGUAGES),
            "keywords": list(KEYWORDS[lang]),
            "creator": _organisation(*creator_of(part, pub)),
            "publisher": publisher,
            "spatialCoverage": {"@type": "Place", "name": "France"},
            "temporalCoverage": f"{pub.start.isoformat()}/..",
            "datePublished": (part.issued or pub.issued).isoformat(),
            "dateModified": (part.modified or pub.modified).isoformat(),
            "distribution": [
                {
                    "@type": "DataDownload",
                    "encodingFormat": entry["media_type"],
                    "contentUrl": pub.site.rstrip("/") + entry["path"],
                }
                for entry in _downloads(part.id, csv=part.csv)
            ],
        }
        if part.version:
            dataset["version"] = part.version
        datasets.append(dataset)
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "@id": str(catalog_iri(pub.site)),
        "name": t("dcat.title", lang),
        "description": t("dcat.description", lang),
        "url": pub.site.rstrip("/") + links.html_document("/catalog", lang),
        "publisher": publisher,
        "license": pub.license,
        "inLanguage": list(LANGUAGES),
        "dataset": datasets,
    }


def projects(resource: Resource, lang: str):
    site = get_site()
    return "projects.html", {
        "projects": site.projects,
        "corpus": site.corpus_projects,
        "register": site.register_projects,
    }


def register(resource: Resource, lang: str):
    site = get_site()
    calls = sorted(register_calls(), key=lambda call: (call["appel"], call.get("phase") or 0))  # phase 1 before 2
    return "register.html", {"register": site.register_projects, "calls": calls}


def part_anchor(main: URIRef, iri: URIRef) -> str | None:
    """The anchor of a part of ``main`` on its page: ``…/x/acteur/y`` → ``acteur-y``, ``…/x#y`` → ``y``."""
    rest = str(iri)[len(str(main)) :]
    if str(iri).startswith(str(main)) and rest[:1] in {"/", "#"} and len(rest) > 1:
        return rest[1:].replace("/", "-")
    return None


def project(resource: Resource, lang: str):
    """A project for people: the dossier's layout (answers along the grid, then the facts), and its standing."""
    site = get_site()
    graph = site.project_graph(resource.key)
    if graph is None:
        raise NotFoundError(f"aucun projet / no project {resource.key!r}")
    here = links.html_document(resource.path, lang)

    def organisation_href(kind: str, number: str) -> str | None:
        number = number.replace(" ", "")
        key = f"siren/{number[:9]}" if kind == "siret" else f"{kind}/{number}"  # a SIRET starts with its SIREN
        return (
            links.relative(here, links.html_document(f"/organisation/{key}", lang)) if site.organisation(key) else None
        )

    ref = next((ref for ref in site.projects if ref.iri == resource.iri), None)  # a real pole, a fictional example
    data = graph_to_data(graph, resource.iri)
    dossier = with_organisation_links(
        build_dossier(data, lang, grid=site.grid, register=bool(ref and ref.register)), organisation_href
    )
    body = render_body(
        dossier,
        annex=annex_of(standing=_standing(site, resource, lang, here), lang=lang),
        question_href=lambda qid: links.relative(here, links.html_document(f"/grille/question/{qid}", lang)),
        entry_href=lambda entry_id: links.relative(here, links.html_document(f"/grille/entree/{entry_id}", lang)),
    )
    anchors = _part_anchors(graph, resource.iri, body)
    return "project.html", {"dossier": dossier, "body": body, "anchors": anchors, "ref": ref}


def with_organisation_links(dossier: Dossier, href: Callable[[str, str], str | None]) -> Dossier:
    """``dossier`` with each SIREN, SIRET or RNA number linked to its organisation's page, where ``href`` gives one."""

    def linked(fact: Fact) -> Fact:
        if fact.key not in ("siren", "siret", "rna"):
            return fact
        return replace(fact, values=tuple(replace(v, href=href(fact.key, v.text) or v.href) for v in fact.values))

    def part(found: Fact | Table) -> Fact | Table:
        if isinstance(found, Fact):
            return linked(found)
        return replace(found, rows=tuple(replace(row, details=tuple(map(linked, row.details))) for row in found.rows))

    blocks = tuple(replace(block, parts=tuple(map(part, block.parts))) for block in dossier.blocks)
    return replace(dossier, blocks=blocks)


def _standing(site, resource: Resource, lang: str, here: str):
    profiles = site.corpus_profiles
    mine = next((p for p in profiles if p.iri == str(resource.iri)), None)
    if mine is None:
        return None

    def href(iri: str) -> str | None:
        project_id = iri.rsplit("/", 1)[-1]
        if site.project_iri(project_id) is None:
            return None
        return links.relative(here, links.html_document(f"/projet/{project_id}", lang))

    return standing_of(mine, profiles, lang).with_links(href)


def _part_anchors(graph: Graph, main: URIRef, body: str) -> list[str]:
    """Anchors of the project's parts that the body has no element for, so that every part's link lands here."""
    found = {part_anchor(main, s) for s in graph.subjects() if isinstance(s, URIRef)} - {None}
    return sorted(anchor for anchor in found if f'id="{anchor}"' not in body)


def organisation(resource: Resource, lang: str):
    """An organisation of the corpus: its identifiers, the names it is given, and the poles whose
    descriptions name it, each with the actor that stands for it there."""
    site = get_site()
    ref = site.organisation(resource.key)
    graph = organisation_graph(resource.iri)
    p = presenter(lang)
    by_project = {str(ref_.iri): ref_ for ref_ in site.projects}
    actors = []
    for actor in sorted(graph.subjects(CAP.organisation, resource.iri), key=str):
        owner, _ = project_part("/" + str(actor).removeprefix(links.base_iri(site.config)))
        project_ref = by_project.get(links.base_iri(site.config) + owner.lstrip("/")) if owner else None
        if project_ref is not None:
            anchor = part_anchor(project_ref.iri, actor)
            actors.append({"project": project_ref, "name": p.label(actor, graph), "anchor": anchor})
    return "organisation.html", {
        "name": (ref.name, None) if ref else p.label(resource.iri, graph),
        "properties": p.rows(graph, resource.iri),
        "actors": sorted(actors, key=lambda a: (a["project"].name.casefold(), a["project"].id)),
    }


def thing(resource: Resource, lang: str):
    site = get_site()
    p = presenter(lang)
    graph = describe(site.graph, resource.iri)
    return "thing.html", {
        "name": p.label(resource.iri, graph),
        "properties": p.rows(graph, resource.iri),
        "inverse": p.inverse_rows(graph, resource.iri),
    }


def download(name: str) -> tuple[BinaryIO | bytes, str]:
    """The download ``name`` (``grille.ttl``, ``cap-ptce.nq``…), its file open for reading (or its bytes, when
    they could not be written to disk), and its media type."""
    site = get_site()
    stem, _, suffix = name.partition(".")
    for entry in _downloads(stem, csv=stem == "grille", quads=stem == WHOLE):
        published = stem == WHOLE or stem in {part.id for part in site.catalog_parts}
        if entry["path"] == download_path(stem, suffix) and published:
            return site.download_file(stem, entry["name"]), entry["media_type"]
    raise NotFoundError(
        f"aucun téléchargement / no download {name}",
        hint="la page des téléchargements les liste / the downloads page lists them",
    )


def download_paths() -> list[str]:
    """Every download of the site: the whole dataset and each part, in each of its formats."""
    site = get_site()
    found = [entry["path"] for entry in _downloads(WHOLE, quads=True)]
    for part in site.catalog_parts:
        found += [entry["path"] for entry in _downloads(part.id, csv=part.csv)]
    return found


BUILDERS = {
    "catalog": catalog,
    "projects": projects,
    "register": register,
    "project": project,
    "organisation": organisation,
    "thing": thing,
}
