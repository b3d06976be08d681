"""The DCAT catalogue and the VoID description of what we publish.

One graph describes the catalogue (``…/catalog``), the whole dataset
(``…/dataset``) and each of its parts (``…/dataset#{part}``: the ontology, the
grid, the shapes, the corpus), each with one distribution per serialisation
(``…/dataset#{part}-{suffix}``). It gives what data.gouv.fr harvests (DCAT-AP:
titles, descriptions, licence, publisher, dates, version, spatial and temporal
coverage, keywords, frequency, media types and formats as IRIs of the IANA and
EU authority tables) and what VoID readers use (triple counts measured on the
data, vocabularies found in the data, example resources, SPARQL endpoint,
dumps, URI space). The grid's text is attributed to the Institut Godin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD

from ..i18n import LANGUAGES, t, texts
from ..rdf.formats import FORMATS, QUAD_FORMATS, Format
from ..rdf.namespaces import ADMS, BASE, INSTITUT_GODIN, PREFIXES, bind_prefixes
from ..rdf.serialize import canonical_graph, get_format

__all__ = [
    "Part",
    "Publication",
    "Statistics",
    "statistics_of",
    "CATALOG_IRI",
    "DATASET_IRI",
    "catalog_graph",
    "download_path",
    "part_iri",
    "distribution_iri",
    "vocabularies_used",
    "WHOLE",
    "QUAD_FORMATS",
    "dataset_of",
    "serialize_dataset",
]

CATALOG_IRI = URIRef(BASE + "catalog")
DATASET_IRI = URIRef(BASE + "dataset")
WHOLE = "cap-ptce"  # file stem of the whole dataset's downloads
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's DCAT namespace stops at DCAT 2

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
    """A part of the dataset: its id (file stem and fragment), titles, descriptions and graph.

    ``statistics`` may be given instead of the graph (None): the web app counts
    the corpus in the store rather than read it all into rdflib for a catalogue.
    """

    id: str
    title: dict[str, str]
    description: dict[str, str]
    graph: Graph | None
    by_godin: bool = False  # the part carries the Institut Godin's text
    csv: bool = False  # the part is also offered as CSV (the grid)
    examples: tuple[URIRef, ...] = ()
    statistics: Statistics | None = None
    # The part's graphs by the names a quads dump gives them (the knowledge base's): one graph per
    # description for the corpus. None: the part's graph, named by the part's IRI.
    named_graphs: dict[str, Graph] | None = None

    def figures(self) -> Statistics:
        """The part's statistics: as given, or measured on its graph."""
        return self.statistics if self.statistics is not None else statistics_of(self.graph)


@dataclass(frozen=True)
class Publication:
    """Where and under which terms the dataset is published."""

    site: str  # base URL of the published documents (BASE_IRI)
    license: str
    publisher: str
    version: str
    issued: date
    modified: date
    history: tuple = ()  # the grid's HistoryItem records (version, date, note)
    sparql_endpoint: str | None = None
    start: date = date(2021, 5, 12)  # the AMI PTCE that the grid serves was launched that day


def download_path(part_id: str, suffix: str) -> str:
    """Root-relative path of a download: ``/telechargements/{part}.{suffix}``."""
    return f"/telechargements/{part_id}.{suffix.lstrip('.')}"


def part_iri(part_id: str) -> URIRef:
    return DATASET_IRI if part_id == WHOLE else URIRef(f"{DATASET_IRI}#{part_id}")


def distribution_iri(part_id: str, suffix: str) -> URIRef:
    return URIRef(f"{DATASET_IRI}#{part_id}-{suffix.lstrip('.')}")


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


def _add_distribution(g: Graph, pub: Publication, part_id: str, title: dict[str, str], fmt: Format) -> URIRef:
    dist = distribution_iri(part_id, fmt.suffix)
    url = _download_url(pub, part_id, fmt.suffix)
    g.add((dist, RDF.type, DCAT.Distribution))
    _texts(g, dist, DCTERMS.title, {lang: f"{text} ({fmt.label})" for lang, text in title.items()})
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
    g.add((dist, DCTERMS.format, URIRef(EU_FILE_TYPE + fmt.file_type)))
    g.add((dist, DCTERMS.license, URIRef(pub.license)))
    return dist


def _add_common(g: Graph, node: URIRef, pub: Publication, publisher: BNode) -> None:
    """What every dataset says: licence, publisher, dates, version, coverage, keywords, frequency."""
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, RDF.type, VOID.Dataset))
    g.add((node, DCTERMS.license, URIRef(pub.license)))
    g.add((node, DCTERMS.publisher, publisher))
    g.add((node, DCTERMS.issued, Literal(pub.issued, datatype=XSD.date)))
    g.add((node, DCTERMS.modified, Literal(pub.modified, datatype=XSD.date)))
    g.add((node, OWL.versionInfo, Literal(pub.version)))
    g.add((node, DCAT_VERSION, Literal(pub.version)))
    g.add((node, DCTERMS.spatial, URIRef(EU + "country/FRA")))
    g.add((node, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/IRREG")))
    g.add((node, DCTERMS.language, URIRef(EU + "language/FRA")))
    g.add((node, DCTERMS.language, URIRef(EU + "language/ENG")))
    g.add((node, DCAT.landingPage, URIRef(pub.site)))
    g.add((node, VOID.uriSpace, Literal(BASE)))
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add((node, DCAT.keyword, Literal(word, lang=lang)))
    period = BNode()
    g.add((node, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(pub.start, datatype=XSD.date)))
    if pub.sparql_endpoint:
        g.add((node, VOID.sparqlEndpoint, URIRef(pub.sparql_endpoint)))


def _add_statistics(g: Graph, node: URIRef, figures: Statistics) -> None:
    g.add((node, VOID.triples, Literal(figures.triples)))
    g.add((node, VOID.distinctSubjects, Literal(figures.subjects)))
    g.add((node, VOID.properties, Literal(figures.properties)))
    g.add((node, VOID.classes, Literal(figures.classes)))
    for vocabulary in figures.vocabularies:
        g.add((node, VOID.vocabulary, vocabulary))


def _add_part(g: Graph, pub: Publication, part: Part, publisher: BNode) -> URIRef:
    node = part_iri(part.id)
    _add_common(g, node, pub, publisher)
    _texts(g, node, DCTERMS.title, part.title)
    _texts(g, node, DCTERMS.description, part.description)
    _add_statistics(g, node, part.figures())
    if part.by_godin:
        g.add((node, DCTERMS.creator, INSTITUT_GODIN))
        _texts(g, node, DCTERMS.rights, ATTRIBUTION)
    for example in part.examples:
        g.add((node, VOID.exampleResource, example))
    for fmt in _formats(csv=part.csv):
        dist = _add_distribution(g, pub, part.id, part.title, fmt)
        g.add((node, DCAT.distribution, dist))
        if fmt.is_rdf:
            g.add((node, VOID.dataDump, _download_url(pub, part.id, fmt.suffix)))
    return node


def _formats(*, csv: bool = False) -> list[Format]:
    found = [fmt for fmt in FORMATS if fmt.is_rdf]
    return found + [get_format("csv")] if csv else found


def catalog_graph(parts: Sequence[Part], pub: Publication, *, whole: Statistics | None = None) -> Graph:
    """The DCAT catalogue and VoID description of ``parts``, as published by ``pub``.

    ``whole`` gives the statistics of the whole dataset; without it they are
    measured on the union of the parts' graphs.
    """
    g = bind_prefixes(Graph())
    g.bind("adms", ADMS)
    publisher = BNode("publisher")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(pub.publisher)))
    whole = _add_whole(g, parts, pub, publisher, whole)
    catalog = CATALOG_IRI
    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(g, catalog, DCTERMS.title, texts("dcat.title"))
    _texts(g, catalog, DCTERMS.description, texts("dcat.description"))
    for prop, value in (
        (DCTERMS.publisher, publisher),
        (DCTERMS.license, URIRef(pub.license)),
        (FOAF.homepage, URIRef(pub.site)),
        (DCAT.dataset, whole),
        (DCTERMS.issued, Literal(pub.issued, datatype=XSD.date)),
        (DCTERMS.modified, Literal(pub.modified, datatype=XSD.date)),
    ):
        g.add((catalog, prop, value))
    for part in parts:
        g.add((catalog, DCAT.dataset, _add_part(g, pub, part, publisher)))
    return g


def _add_whole(
    g: Graph, parts: Sequence[Part], pub: Publication, publisher: BNode, figures: Statistics | None
) -> URIRef:
    """The whole dataset, its parts as subsets, its changelog; its dumps include TriG and N-Quads."""
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
        by_godin=True,
        examples=tuple(example for part in parts for example in part.examples[:1]),
        statistics=figures,
    )
    node = _add_part(g, pub, whole, publisher)
    for fmt in QUAD_FORMATS:
        dist = _add_distribution(g, pub, WHOLE, whole.title, fmt)
        g.add((node, DCAT.distribution, dist))
        g.add((node, VOID.dataDump, _download_url(pub, WHOLE, fmt.suffix)))
    for part in parts:
        g.add((node, VOID.subset, part_iri(part.id)))
        g.add((node, DCTERMS.hasPart, part_iri(part.id)))
        g.add((part_iri(part.id), DCTERMS.isPartOf, node))
    for item in pub.history:
        for lang in LANGUAGES:
            note = f"{item.version} ({item.date.isoformat()}){t('typography.colon', lang)} {item.note.get(lang)}"
            g.add((node, ADMS.versionNotes, Literal(note, lang=lang)))
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
            label = f"{part.id.replace('-', '')}{rank if len(graphs) > 1 else ''}"
            for triple in canonical_graph(graph):
                named.add(tuple(BNode(f"{label}b{t}") if isinstance(t, BNode) else t for t in triple))
    return dataset


def serialize_dataset(parts: Sequence[Part], fmt: Format) -> bytes:
    """The parts in a quad syntax (:data:`QUAD_FORMATS`), the same bytes for the same data."""
    text = dataset_of(parts).serialize(format=fmt.rdflib_format, encoding="utf-8")
    if fmt.name == "nquads":
        return b"".join(line + b"\n" for line in sorted(set(text.splitlines())) if line.strip())
    return text
