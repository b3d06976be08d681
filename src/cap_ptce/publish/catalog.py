"""The DCAT catalogue and the VoID description of what we publish.

One graph describes the catalogue (``…/catalog``) and each part of the dataset
(``…/dataset#{part}``: the grid, the ontology, the shapes, the corpus where one
is loaded) as a DCAT dataset of its own, with one distribution per file
(``…/dataset#{part}-{suffix}``): a harvester takes each file once. It gives what
DCAT-AP 2 asks and data.gouv.fr harvests: identifiers, titles and descriptions,
publisher (an IRI), contact point, licence (an SPDX IRI), EU data themes,
dates, the version each resource declares, spatial and temporal coverage,
keywords, frequency, the standards a part conforms to, and for every file its
description, media type and format (IANA and EU authority IRIs), size, SHA-256
checksum and planned availability. The whole dataset (``…/dataset``) is
described for VoID readers only (figures measured on the data, vocabularies,
examples, SPARQL endpoint, dumps, URI space). The grid's text is attributed to
the Institut Godin.

The catalogue, its datasets, their files and the contact point are this
publication's: they are named under the publication's base (``Publication.site``),
so that a publisher's catalogue never takes the identifiers of CAP PTCE's own
(``https://w3id.org/cap-ptce/catalog``, ``…/dataset#corpus``). The grid, the
ontology and the shapes they describe keep their permanent w3id IRIs. The register of real PTCEs is a part of its own, with the
documents its facts come from as ``dct:source``: the one part of real data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from ..i18n import LANGUAGES, t, texts
from ..rdf.formats import FORMATS, QUAD_FORMATS, Format
from ..rdf.namespaces import ADMS, BASE, CAP_PTCE_TEAM, INSTITUT_GODIN, PREFIXES, bind_prefixes
from ..rdf.serialize import canonical_graph, get_format

__all__ = [
    "Part",
    "Publication",
    "FileReader",
    "CONTACT_IRI",
    "Statistics",
    "statistics_of",
    "CATALOG_IRI",
    "DATASET_IRI",
    "catalog_iri",
    "contact_iri",
    "dataset_iri",
    "catalog_graph",
    "dates_of",
    "download_path",
    "part_iri",
    "creator_of",
    "distribution_iri",
    "vocabularies_used",
    "WHOLE",
    "QUAD_FORMATS",
    "dataset_triples",
    "dataset_of",
    "serialize_dataset",
]


def catalog_iri(base: str = BASE) -> URIRef:
    """The catalogue published under ``base`` (a base IRI with its final slash)."""
    return URIRef(base + "catalog")


def contact_iri(base: str = BASE) -> URIRef:
    """The contact point of the catalogue published under ``base``."""
    return URIRef(base + "catalog#contact")


def dataset_iri(base: str = BASE) -> URIRef:
    """The whole dataset published under ``base``: its parts are fragments of it."""
    return URIRef(base + "dataset")


# CAP PTCE's own publication, under w3id (the default base).
CATALOG_IRI = catalog_iri()
CONTACT_IRI = contact_iri()
DATASET_IRI = dataset_iri()
WHOLE = "cap-ptce"  # file stem of the whole dataset's downloads
# DCAT-AP 2 (what data.gouv.fr and data.europa.eu harvest): the version is owl:versionInfo.
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCATAP_AVAILABILITY = DCATAP.availability
# EU data themes: economy and finance, population and society, regions and cities.
THEMES = ("ECON", "SOCI", "REGI")
LANGUAGE_CODES = ("FRA", "ENG")

IANA = "https://www.iana.org/assignments/media-types/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU = "http://publications.europa.eu/resource/authority/"
ATTRIBUTION = texts("dcat.attribution")
KEYWORDS = {lang: tuple(words.split("; ")) for lang, words in texts("dcat.keywords").items()}


@dataclass(frozen=True)
class Statistics:
    """The VoID figures of a part: triples, distinct subjects, properties and classes, vocabularies used."""

    triples: int
    subjects: int
    properties: int
    classes: int
    vocabularies: tuple[URIRef, ...]


@dataclass(frozen=True)
class Part:
    """A part of the dataset, catalogued as a dataset of its own: its id (file stem and fragment), words, graph.

    ``statistics`` may be given instead of the graph (None): the web app counts
    the corpus in the store rather than read it all into rdflib for a catalogue.
    """

    id: str
    title: dict[str, str]
    description: dict[str, str]
    graph: Graph | None
    by_godin: bool = False  # the part carries the Institut Godin's text
    # the part is CAP PTCE's own work (the ontology, the shapes, the register and sample corpus it ships): CAP PTCE
    # made it, whoever publishes it
    by_project: bool = False
    csv: bool = False  # the part is also offered as CSV (the grid)
    examples: tuple[URIRef, ...] = ()
    statistics: Statistics | None = None
    # The part's graphs by the names a quads dump gives them (the knowledge base's): one graph per
    # description for the corpus. None: the part's graph, named by the part's IRI.
    named_graphs: dict[str, Graph] | None = None
    version: str | None = None  # as the resource declares it (owl:versionInfo, grille.yaml)
    landing: str = ""  # the path of its page on the site
    conforms_to: tuple[URIRef, ...] = ()  # the standards its data follows (the ontology, the shapes…)
    availability: str = "STABLE"  # EU planned-availability code of its files
    sources: tuple[URIRef, ...] = ()  # the documents its facts come from (dct:source): the register's sources
    # Where the IRIs of its resources start (void:uriSpace): w3id for the grid, the ontology and the shapes;
    # the site's base for descriptions, whose projects and organisations are named under it.
    uri_spaces: tuple[str, ...] = (BASE,)
    # When it was first issued and last changed; None: the publication's dates (the grid's, for the grid's parts).
    issued: date | None = None
    modified: date | None = None

    def figures(self) -> Statistics:
        """The part's statistics: as given, or measured on its graph."""
        return self.statistics if self.statistics is not None else statistics_of(self.graph)


@dataclass(frozen=True)
class Publication:
    """Where, by whom and under which terms the dataset is published."""

    site: str  # base URL of the published documents (BASE_IRI)
    license: str
    publisher: str
    issued: date
    modified: date
    history: tuple = ()  # the grid's HistoryItem records (version, date, note)
    sparql_endpoint: str | None = None
    start: date = date(2021, 5, 12)  # the AMI PTCE that the grid serves was launched that day
    publisher_iri: str = BASE + "organisation/cap-ptce"
    contact: str = ""  # an e-mail or web address; empty: the site's home page
    license_label: str = ""


# Reads the bytes of a part's file: (part id, format) -> bytes, for its size and checksum.
FileReader = Callable[[str, Format], bytes]


def download_path(part_id: str, suffix: str) -> str:
    """Root-relative path of a download: ``/telechargements/{part}.{suffix}``."""
    return f"/telechargements/{part_id}.{suffix.lstrip('.')}"


def part_iri(part_id: str, base: str = BASE) -> URIRef:
    """The dataset of a part (the whole dataset for :data:`WHOLE`) published under ``base``."""
    whole = dataset_iri(base)
    return whole if part_id == WHOLE else URIRef(f"{whole}#{part_id}")


def distribution_iri(part_id: str, suffix: str, base: str = BASE) -> URIRef:
    """A file of a part published under ``base``."""
    return URIRef(f"{dataset_iri(base)}#{part_id}-{suffix.lstrip('.')}")


def _texts(graph: Graph, subject, predicate, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        graph.add((subject, predicate, Literal(text, lang=lang)))


def vocabularies_used(graph: Graph) -> list[URIRef]:
    """The namespaces (of :data:`PREFIXES`) of every predicate and class used in ``graph``."""
    return vocabularies_of(set(graph.predicates()) | set(graph.objects(None, RDF.type)))


def vocabularies_of(terms) -> list[URIRef]:
    """The namespaces (of :data:`PREFIXES`) that ``terms`` (predicates and classes) belong to, sorted."""
    found = {str(ns) for ns in PREFIXES.values() for term in terms if str(term).startswith(str(ns))}
    return [URIRef(ns) for ns in sorted(found)]


def statistics_of(graph: Graph) -> Statistics:
    """The VoID figures measured on ``graph``."""
    return Statistics(
        len(graph),
        len(set(graph.subjects())),
        len(set(graph.predicates())),
        len(set(graph.objects(None, RDF.type))),
        tuple(vocabularies_used(graph)),
    )


def _download_url(pub: Publication, part_id: str, suffix: str) -> URIRef:
    return URIRef(pub.site.rstrip("/") + download_path(part_id, suffix))


def _add_distribution(g: Graph, pub: Publication, part: Part, fmt: Format, files: FileReader | None) -> URIRef:
    """One file of a part: what it holds, where, in which format, its size and checksum, how long it stays."""
    dist = distribution_iri(part.id, fmt.suffix, pub.site)
    url = _download_url(pub, part.id, fmt.suffix)
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.identifier, Literal(str(dist))))
    _texts(g, dist, DCTERMS.title, {lang: f"{text} ({fmt.label})" for lang, text in part.title.items()})
    for lang, title in part.title.items():
        g.add((dist, DCTERMS.description, Literal(t("dcat.file", lang, title=title, format=fmt.label), lang=lang)))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
    g.add((dist, DCTERMS.format, URIRef(EU_FILE_TYPE + fmt.file_type)))
    g.add((dist, DCTERMS.license, URIRef(pub.license)))
    g.add((dist, DCATAP_AVAILABILITY, URIRef(EU + "planned-availability/" + part.availability)))
    if files is not None:
        body = files(part.id, fmt)
        g.add((dist, DCAT.byteSize, Literal(len(body), datatype=XSD.nonNegativeInteger)))
        checksum = BNode(f"{part.id}{fmt.suffix.lstrip('.')}sha256")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(hashlib.sha256(body).hexdigest(), datatype=XSD.hexBinary)))
    return dist


def _add_agents(g: Graph, pub: Publication) -> URIRef:
    """The publisher (an organisation with its IRI), the contact point and the licence."""
    publisher = URIRef(pub.publisher_iri)
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(pub.publisher)))
    point = contact_iri(pub.site)
    g.add((point, RDF.type, VCARD.Organization))
    g.add((point, VCARD.fn, Literal(pub.publisher)))
    contact = pub.contact or pub.site
    if "@" in contact and not contact.startswith(("http:", "https:")):
        g.add((point, VCARD.hasEmail, URIRef(contact if contact.startswith("mailto:") else "mailto:" + contact)))
    else:
        g.add((point, VCARD.hasURL, URIRef(contact)))
    g.add((URIRef(pub.license), RDF.type, DCTERMS.LicenseDocument))
    if pub.license_label:
        g.add((URIRef(pub.license), RDFS.label, Literal(pub.license_label)))
    return publisher


def dates_of(parts: Sequence[Part], pub: Publication) -> tuple[date, date]:
    """When the first of ``parts`` was issued and the last changed (the publication's dates where a part has none)."""
    issued = [part.issued or pub.issued for part in parts] or [pub.issued]
    modified = [part.modified or pub.modified for part in parts] or [pub.modified]
    return min(issued), max(modified)


def _add_dcat(g: Graph, node: URIRef, pub: Publication, publisher: URIRef, part: Part) -> None:
    """What every catalogued dataset says: identifier, licence, publisher, contact, dates, coverage, themes…"""
    issued, modified = dates_of([part], pub)
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(str(node))))
    g.add((node, DCTERMS.publisher, publisher))
    g.add((node, DCAT.contactPoint, contact_iri(pub.site)))
    g.add((node, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
    g.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    g.add((node, DCTERMS.spatial, URIRef(EU + "country/FRA")))
    g.add((node, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/IRREG")))
    for language in LANGUAGE_CODES:
        g.add((node, DCTERMS.language, URIRef(EU + "language/" + language)))
    for theme in THEMES:
        g.add((node, DCAT.theme, URIRef(EU + "data-theme/" + theme)))
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add((node, DCAT.keyword, Literal(word, lang=lang)))
    period = BNode("periode")
    g.add((node, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(pub.start, datatype=XSD.date)))


def _add_void(g: Graph, node: URIRef, pub: Publication, part: Part) -> None:
    """What VoID readers use: the figures measured on the data, examples, the URI space, the endpoint."""
    g.add((node, RDF.type, VOID.Dataset))
    g.add((node, DCTERMS.license, URIRef(pub.license)))
    _texts(g, node, DCTERMS.title, part.title)
    _texts(g, node, DCTERMS.description, part.description)
    for space in part.uri_spaces:
        g.add((node, VOID.uriSpace, Literal(space)))
    figures = part.figures()
    g.add((node, VOID.triples, Literal(figures.triples)))
    g.add((node, VOID.distinctSubjects, Literal(figures.subjects)))
    g.add((node, VOID.properties, Literal(figures.properties)))
    g.add((node, VOID.classes, Literal(figures.classes)))
    for vocabulary in figures.vocabularies:
        g.add((node, VOID.vocabulary, vocabulary))
    for example in part.examples:
        g.add((node, VOID.exampleResource, example))
    if pub.sparql_endpoint:
        g.add((node, VOID.sparqlEndpoint, URIRef(pub.sparql_endpoint)))


def creator_of(part: Part, pub: Publication) -> tuple[URIRef, str]:
    """Who made ``part`` (its IRI and name): the Institut Godin, CAP PTCE, or else its publisher."""
    if part.by_godin:
        return INSTITUT_GODIN, "Institut Godin"
    if part.by_project:
        return CAP_PTCE_TEAM, "CAP PTCE"
    return URIRef(pub.publisher_iri), pub.publisher


def _add_part(g: Graph, pub: Publication, part: Part, publisher: URIRef, files: FileReader | None) -> URIRef:
    """A part as a DCAT dataset of its own (and a VoID subset of the whole), with one distribution per file."""
    node = part_iri(part.id, pub.site)
    _add_dcat(g, node, pub, publisher, part)
    _add_void(g, node, pub, part)
    g.add((node, DCAT.landingPage, URIRef(pub.site.rstrip("/") + part.landing)))
    if part.version:
        g.add((node, OWL.versionInfo, Literal(part.version)))
    creator, name = creator_of(part, pub)
    g.add((node, DCTERMS.creator, creator))
    if part.by_project:
        g.add((creator, RDF.type, FOAF.Organization))
        g.add((creator, FOAF.name, Literal(name)))
    if part.by_godin:
        _texts(g, node, DCTERMS.rights, ATTRIBUTION)
        _add_history(g, node, pub)
    for source in part.sources:
        g.add((node, DCTERMS.source, source))
    for standard in part.conforms_to:
        g.add((node, DCTERMS.conformsTo, standard))
        g.add((standard, RDF.type, DCTERMS.Standard))
    for fmt in _formats(csv=part.csv):
        g.add((node, DCAT.distribution, _add_distribution(g, pub, part, fmt, files)))
        if fmt.is_rdf:
            g.add((node, VOID.dataDump, _download_url(pub, part.id, fmt.suffix)))
    return node


def _add_history(g: Graph, node: URIRef, pub: Publication) -> None:
    for item in pub.history:
        for lang in LANGUAGES:
            note = f"{item.version} ({item.date.isoformat()}){t('typography.colon', lang)} {item.note.get(lang)}"
            g.add((node, ADMS.versionNotes, Literal(note, lang=lang)))


def _formats(*, csv: bool = False) -> list[Format]:
    found = [fmt for fmt in FORMATS if fmt.is_rdf]
    return found + [get_format("csv")] if csv else found


def catalog_graph(
    parts: Sequence[Part], pub: Publication, *, whole: Statistics | None = None, files: FileReader | None = None
) -> Graph:
    """The DCAT catalogue and VoID description of ``parts``, as published by ``pub``.

    Each part is a DCAT dataset of its own, so that a harvester takes no file twice;
    the whole dataset (``…/dataset``) is described for VoID only, with its dumps.
    ``whole`` gives its statistics; without it they are measured on the union of
    the parts' graphs. ``files`` reads each file, for its size and checksum.
    """
    g = bind_prefixes(Graph())
    for prefix, namespace in (("adms", ADMS), ("spdx", SPDX), ("vcard", VCARD), ("dcatap", DCATAP)):
        g.bind(prefix, namespace)
    publisher = _add_agents(g, pub)
    catalog = catalog_iri(pub.site)
    issued, modified = dates_of(parts, pub)  # the catalogue changes when any of its datasets does
    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(g, catalog, DCTERMS.title, texts("dcat.title"))
    _texts(g, catalog, DCTERMS.description, texts("dcat.description"))
    for prop, value in (
        (DCTERMS.publisher, publisher),
        (DCTERMS.license, URIRef(pub.license)),
        (FOAF.homepage, URIRef(pub.site)),
        (DCTERMS.issued, Literal(issued, datatype=XSD.date)),
        (DCTERMS.modified, Literal(modified, datatype=XSD.date)),
        (DCAT.themeTaxonomy, URIRef(EU + "data-theme")),
    ):
        g.add((catalog, prop, value))
    for language in LANGUAGE_CODES:
        g.add((catalog, DCTERMS.language, URIRef(EU + "language/" + language)))
    for part in parts:
        g.add((catalog, DCAT.dataset, _add_part(g, pub, part, publisher, files)))
    _add_whole(g, parts, pub, whole)
    return g


def _add_whole(g: Graph, parts: Sequence[Part], pub: Publication, figures: Statistics | None) -> URIRef:
    """The whole dataset, for VoID: its parts as subsets, its dumps (TriG and N-Quads too)."""
    union = None
    if figures is None:
        union = Graph()
        for part in parts:
            union += part.graph
    whole = Part(
        WHOLE,
        texts("dcat.whole_title"),
        texts("dcat.whole_description"),
        union,
        examples=tuple(example for part in parts for example in part.examples[:1]),
        statistics=figures,
        uri_spaces=tuple(dict.fromkeys(space for part in parts for space in part.uri_spaces)),
    )
    node = part_iri(WHOLE, pub.site)
    _add_void(g, node, pub, whole)
    for fmt in (*_formats(), *QUAD_FORMATS):
        g.add((node, VOID.dataDump, _download_url(pub, WHOLE, fmt.suffix)))
    for part in parts:
        g.add((node, VOID.subset, part_iri(part.id, pub.site)))
    return node


def dataset_of(parts: Sequence[Part]) -> Dataset:
    """The parts as one RDF dataset: each graph named as in the knowledge base (``named_graphs``),
    else by its part's IRI.

    Blank nodes are relabelled canonically and prefixed with the part's id and the
    graph's rank, so the same parts always give the same quads and no blank node
    is shared between graphs.
    """
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    for part in parts:
        graphs = part.named_graphs if part.named_graphs is not None else {str(part_iri(part.id)): part.graph}
        for rank, (name, graph) in enumerate(sorted(graphs.items())):
            named = dataset.graph(URIRef(name))
            for triple in dataset_triples(canonical_graph(graph), part.id, rank if len(graphs) > 1 else None):
                named.add(triple)
    return dataset


def dataset_triples(canonical: Graph, part_id: str, rank: int | None = None):
    """The triples of ``canonical`` (a graph whose blank nodes are labelled canonically) as the whole dataset
    writes them: each blank node's label prefixed with its part's id (and the graph's ``rank`` in the part, when it
    has several), so that no blank node is shared between graphs."""
    label = f"{part_id.replace('-', '')}{'' if rank is None else rank}b"
    for triple in canonical:
        yield tuple(BNode(label + term) if isinstance(term, BNode) else term for term in triple)


def whole_graph(parts: Sequence[Part]) -> Graph:
    """The parts' triples in one graph, blank nodes labelled as :func:`dataset_of` labels them.

    Labelled graph by graph, they are canonical already: labelling the whole
    graph at once took 37 s of the 48 s of the first ``cap-ptce.nt`` on the
    sample corpus and register.
    """
    whole = bind_prefixes(Graph())
    for subject, predicate, obj, _ in dataset_of(parts).quads((None, None, None, None)):
        whole.add((subject, predicate, obj))
    return whole


def serialize_dataset(parts: Sequence[Part], fmt: Format) -> bytes:
    """The parts in a quad syntax (:data:`QUAD_FORMATS`), the same bytes for the same data."""
    text = dataset_of(parts).serialize(format=fmt.rdflib_format, encoding="utf-8")
    if fmt.name == "nquads":
        return b"".join(line + b"\n" for line in sorted(set(text.splitlines())) if line.strip())
    return text
