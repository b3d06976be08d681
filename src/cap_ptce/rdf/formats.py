"""The one table of the syntaxes we read and write, and every name each one goes by.

Every other list of formats is derived from :data:`SYNTAXES`: the command
line's ``--format``, the RDF serialiser (:mod:`.serialize`), content
negotiation (:mod:`.negotiation`), the SPARQL endpoint's graph results
(:mod:`cap_ptce.sparql.formats`), the DCAT distributions and the static
servers' rules (:mod:`cap_ptce.publish`). This module imports nothing, so that
the SPARQL workers can read it without loading rdflib.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Format", "SYNTAXES", "FORMATS", "QUAD_FORMATS", "GRID_CSV", "EXPORT_FORMATS", "DATA_SUFFIXES"]


@dataclass(frozen=True)
class Format:
    """One syntax: the first media type is the canonical one, sent in ``Content-Type``."""

    name: str  # our name: --format, and the serialiser's
    media_types: tuple[str, ...]  # every type that selects it in content negotiation, canonical first
    suffix: str  # file suffix, with its dot
    rdflib_format: str | None  # rdflib's name for it; None: not an RDF syntax (the grid's CSV)
    label: str
    file_type: str  # code in the EU's file-type authority table, for DCAT
    quads: bool = False  # a syntax of datasets (named graphs)
    endpoint_name: str = ""  # the SPARQL endpoint's ``format=`` name for graph results
    endpoint_aliases: tuple[str, ...] = ()  # further names and types the endpoint accepts (SPARQLWrapper's)

    @property
    def media_type(self) -> str:
        """The canonical media type, the one we send in ``Content-Type``."""
        return self.media_types[0]

    @property
    def is_rdf(self) -> bool:
        return self.rdflib_format is not None


SYNTAXES: tuple[Format, ...] = (
    Format(
        "turtle",
        # text/n3: Turtle is N3 too, and clients of N3 read it
        ("text/turtle", "application/x-turtle", "text/n3"),
        ".ttl",
        "turtle",
        "Turtle",
        "RDF_TURTLE",
        endpoint_name="turtle",
        endpoint_aliases=("ttl", "n3", "text/n3", "text/rdf+n3"),
    ),
    Format(
        "json-ld",
        ("application/ld+json", "application/json"),
        ".jsonld",
        "json-ld",
        "JSON-LD",
        "JSON_LD",
        endpoint_name="jsonld",
        endpoint_aliases=("json-ld", "json"),
    ),
    Format(
        "xml",
        # application/xml: RDF/XML is XML; a browser asks for it below text/html, which it gets
        ("application/rdf+xml", "application/xml"),
        ".rdf",
        "xml",
        "RDF/XML",
        "RDF_XML",
        endpoint_name="rdfxml",
        endpoint_aliases=("rdf+xml", "rdf", "xml", "application/xml", "text/xml"),
    ),
    Format(
        "nt",
        # text/plain: N-Triples' type before RDF 1.1, which rdflib still asks for (format="nt").
        ("application/n-triples", "text/plain"),
        ".nt",
        "nt",
        "N-Triples",
        "RDF_N_TRIPLES",
        endpoint_name="ntriples",
        endpoint_aliases=("nt", "n-triples"),
    ),
    Format("trig", ("application/trig",), ".trig", "trig", "TriG", "RDF_TRIG", quads=True),
    Format("nquads", ("application/n-quads",), ".nq", "nquads", "N-Quads", "RDF_N_QUADS", quads=True),
)

# The RDF syntaxes of one graph, in the order the negotiation prefers them.
FORMATS: tuple[Format, ...] = tuple(fmt for fmt in SYNTAXES if not fmt.quads)
# The whole dataset, with one named graph per part, is also offered in these quad syntaxes.
QUAD_FORMATS: tuple[Format, ...] = tuple(fmt for fmt in SYNTAXES if fmt.quads)
# Not RDF: one row per question of the grid, for spreadsheets, R and pandas.
GRID_CSV = Format("csv", ("text/csv",), ".csv", None, "CSV", "CSV")
EXPORT_FORMATS: tuple[Format, ...] = (*FORMATS, GRID_CSV)
# The suffixes of every data file the site publishes (all but its pages and styles).
DATA_SUFFIXES: tuple[str, ...] = tuple(fmt.suffix.lstrip(".") for fmt in (*FORMATS, GRID_CSV, *QUAD_FORMATS))
