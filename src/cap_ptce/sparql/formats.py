"""The result formats of the endpoint, and how a client chooses one.

One table per kind of result: a *table* (SELECT, ASK) or a *graph* (CONSTRUCT,
DESCRIBE). A client chooses with a ``format`` (or ``output``) parameter, short
name or media type, which wins; otherwise with ``Accept`` and its q-values. When
``Accept`` names nothing we offer (or says ``*/*``), the first row of the table
answers: SPARQL JSON for tables, Turtle for graphs. ``json`` and ``xml`` mean
SPARQL JSON/XML for a table and JSON-LD/RDF-XML for a graph, as clients such as
SPARQLWrapper expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..errors import ParameterError
from ..rdf.formats import FORMATS

__all__ = ["ResultFormat", "TABLE_FORMATS", "GRAPH_FORMATS", "formats_for", "choose_format", "by_name"]


@dataclass(frozen=True)
class ResultFormat:
    """A serialisation of query results: short name, media type, accepted aliases."""

    name: str
    media_type: str
    names: tuple[str, ...]  # every short name and media type that selects it
    table: bool

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text formats say they are UTF-8)."""
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type

    @property
    def oxigraph(self) -> ox.QueryResultsFormat | ox.RdfFormat:
        """The pyoxigraph format object that writes it."""
        if self.table:
            return ox.QueryResultsFormat.from_media_type(self.media_type)
        return ox.RdfFormat.from_media_type(self.media_type)


def _fmt(name, media_type, *aliases, table):
    return ResultFormat(name, media_type, (name, media_type, *aliases), table)


TABLE_FORMATS: tuple[ResultFormat, ...] = (
    _fmt("json", "application/sparql-results+json", "application/json", "srj", table=True),
    _fmt("xml", "application/sparql-results+xml", "application/xml", "text/xml", "srx", table=True),
    _fmt("csv", "text/csv", table=True),
    _fmt("tsv", "text/tab-separated-values", table=True),
)
# The endpoint's preference among graph syntaxes when Accept ties: Turtle first (it answers */*),
# then the line-based and JSON syntaxes before RDF/XML.
_GRAPH_PREFERENCE = ("turtle", "nt", "json-ld", "xml")

# Graph results in every RDF syntax of the one table, under the names SPARQL clients use.
GRAPH_FORMATS: tuple[ResultFormat, ...] = tuple(
    ResultFormat(
        fmt.endpoint_name, fmt.media_type, (fmt.endpoint_name, *fmt.media_types, *fmt.endpoint_aliases), table=False
    )
    for fmt in sorted(FORMATS, key=lambda fmt: _GRAPH_PREFERENCE.index(fmt.name))
)


def formats_for(form: str) -> tuple[ResultFormat, ...]:
    """The formats a query of ``form`` (SELECT, ASK, CONSTRUCT, DESCRIBE) can be written in."""
    return GRAPH_FORMATS if form in {"CONSTRUCT", "DESCRIBE"} else TABLE_FORMATS


def by_name(form: str, name: str) -> ResultFormat:
    """The format that ``name`` (short name or media type) selects for ``form``.

    ``name`` may list several media types separated by commas, as SPARQLWrapper
    sends for JSON-LD: the first one we know wins.
    """
    for part in name.split(","):
        wanted = part.strip().lower().split(";")[0].strip()
        for fmt in formats_for(form):
            if wanted in fmt.names:
                return fmt
    known = ", ".join(fmt.name for fmt in formats_for(form))
    raise ParameterError(
        f"format de résultats inconnu {name!r} pour une requête {form} / unknown result format {name!r} for a "
        f"{form} query",
        key="format",
        hint=f"formats possibles / known formats: {known}",
    )


def choose_format(form: str, accept: str | None, requested: Sequence[str] = ()) -> ResultFormat:
    """The format for ``form``: the ``format``/``output`` parameters win, then ``Accept``."""
    chosen = {by_name(form, name) for name in requested if name.strip()}
    if len(chosen) > 1:
        names = ", ".join(sorted(fmt.name for fmt in chosen))
        raise ParameterError(
            f"les paramètres de format se contredisent ({names}) / the format parameters disagree ({names})",
            key="format",
            hint="donnez un seul format / give one format",
        )
    if chosen:
        return chosen.pop()
    return _negotiate(formats_for(form), accept)


def _negotiate(offered: Sequence[ResultFormat], accept: str | None) -> ResultFormat:
    by_type: dict[str, ResultFormat] = {}
    for fmt in offered:
        for name in fmt.names:
            if "/" in name:
                by_type.setdefault(name, fmt)
    best = parse_accept_header(accept or "*/*", MIMEAccept).best_match(list(by_type))
    return by_type[best] if best else offered[0]
