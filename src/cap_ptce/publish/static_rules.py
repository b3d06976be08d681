"""What the static servers' rules decide, in words that both nginx and Apache can say.

A static copy of the site holds documents only (``q01.fr.html``, ``q01.ttl``…). For
an IRI (``…/question/q01``), the rules of :mod:`.apache` and :mod:`.nginx` answer as
the app (:mod:`cap_ptce.web.linked_data`) does, from the same tables:

- **what is asked for**: the Accept header is read as :mod:`cap_ptce.rdf.accept` reads
  it. Every media type we answer with gets a five-digit key (:data:`CHAIN`, in the
  order of preference on a tie); a chain of comparisons keeps the first highest key.
  The chain's prefixes are the offers of the three kinds of resources (:data:`CLASSES`):
  a page only (HTML), a data resource (HTML and RDF), the grid (and CSV). The
  language of HTML is read the same way from Accept-Language.
- **which kind of resource a path names**: found by the documents that exist beside
  it (``q01.csv``, ``q01.ttl``, ``q01.fr.html``).
- **the headers**: CORS on every answer (``Link`` exposed), a preflight (``OPTIONS``)
  answered 204 with the methods and headers allowed; ``Vary`` on a 303 and a 406; ``Link`` on a
  303 (every document of the resource) and on a document (the thing it describes
  and every other document), as :func:`cap_ptce.web.linked_data._add_links` writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import LANGUAGES
from ..rdf.formats import DATA_SUFFIXES, QUAD_FORMATS
from ..rdf.namespaces import BASE
from ..rdf.negotiation import HTML, Representation, link_header, offered_types, representations

__all__ = [
    "UNDER_BASE",
    "UNDER_BASE_PATTERN",
    "PUBLICATION_STEMS",
    "Step",
    "CLASSES",
    "OVER",
    "CHAIN",
    "DOCUMENT_SUFFIXES",
    "UNPUBLISHED",
    "PART_DEPTHS",
    "PART_SEGMENT",
    "media_types",
    "documents_of_class",
    "link_value",
    "PAGE_TABLE",
    "table_link_value",
    "describes_prefix",
    "not_acceptable_text",
    "NOT_ACCEPTABLE_FILE",
    "DOWNLOAD",
    "names_its_charset",
]


@dataclass(frozen=True)
class Step:
    """One media type of the chain: its name in the rules, its type, and the document it selects."""

    name: str  # K0, K1…: short, safe in variable names
    media_type: str
    token: str  # "html" or the suffix of the document (ttl, jsonld…)


def _chain() -> tuple[Step, ...]:
    types = offered_types(representations(csv=True))
    return tuple(Step(f"k{i}", media_type, rep.suffix) for i, (media_type, rep) in enumerate(types))


CHAIN: tuple[Step, ...] = _chain()


def _offers(offered: tuple[Representation, ...]) -> int:
    """How many steps of :data:`CHAIN` a resource offering ``offered`` reads."""
    return len(offered_types(offered))


# The kinds of resources, by the document that betrays them, with how much of the chain they read:
# a page only (a .fr.html), any data resource (a .ttl), the grid (a data resource with a .csv beside it).
# Later wins, over the kind it names only: the explorer's table (explorateur.csv beside explorateur.fr.html)
# and the dashboards' tables (alone in their folder) are files, not documents of the grid.
CLASSES: tuple[tuple[str, str, int], ...] = (
    ("page", f"{LANGUAGES[0]}.html", _offers(representations(rdf=False))),
    ("data", "ttl", _offers(representations())),
    ("grid", "csv", _offers(representations(csv=True))),
)
OVER: dict[str, str] = {"grid": "data"}  # a kind found only over another: the grid is a data resource first
assert CLASSES[-1][2] == len(CHAIN)  # the grid offers everything the chain holds

# The documents of a resource, as the suffixes of their file names: {lang}.html, ttl, …, csv.
DOCUMENT_SUFFIXES: tuple[str, ...] = tuple(
    [f"{lang}.html" for lang in LANGUAGES] + [rep.suffix for rep in representations(csv=True, html=False)]
)
# Files of the publication that are not published: the rules themselves and the folder's mark.
UNPUBLISHED = r"(?:\.htaccess|nginx-cap-ptce-[a-z-]+\.conf|\.cap-ptce-site)"
# A part of a project (projet/x/acteur/y, projet/x/territoire, projet/x/financement/1/financeur) is
# described in the project's document: how deep such a part may be.
PART_DEPTHS = (1, 2, 3)
# One segment of a part's path: a node's segment (acteur, structure_porteuse), an id (SLUG_RE) or a rank.
# Nothing else: the segments become the anchor of a 303's Location, and a server's rules read the path
# decoded, so a CR, LF, quote or < there would be written into the answer's headers.
PART_SEGMENT = "[A-Za-z0-9_-]+"


def media_types() -> list[tuple[str, str]]:
    """(suffix, media type) of every file the site holds besides HTML and CSS."""
    found = [(rep.suffix, rep.media_type) for rep in representations(csv=True, html=False)]
    found += [(fmt.suffix.lstrip("."), fmt.media_type) for fmt in QUAD_FORMATS]
    # the sitemap, the 406's text, the site's icon
    return [*found, ("xml", "application/xml"), ("txt", "text/plain"), ("svg", "image/svg+xml")]


def names_its_charset(media_type: str) -> bool:
    """Whether the site sends ``charset=utf-8`` with ``media_type``: as the app does (werkzeug's rule), for text,
    XML and ``+xml`` types, not for the RDF syntaxes that are UTF-8 by definition (JSON-LD, N-Triples, TriG…)."""
    from werkzeug.utils import get_content_type

    return "charset=" in get_content_type(media_type, "utf-8")


def documents_of_class(kind: str) -> list[tuple[str, Representation, str | None]]:
    """(suffix, representation, language) of every document of a resource of ``kind``, in the app's order."""
    offered = {"page": representations(rdf=False), "data": representations(), "grid": representations(csv=True)}
    found = []
    for rep in offered[kind]:
        for lang in LANGUAGES if rep is HTML else (None,):
            found.append((f"{lang}.html" if lang else rep.suffix, rep, lang))
    return found


def link_value(kind: str, name: str, *, current: str | None = None, describes: str | None = None) -> str:
    """The ``Link`` header of a resource of ``kind`` whose documents are ``{name}.{suffix}``.

    ``name`` and ``describes`` are written as the server's variables; a document
    (``current`` is its suffix) leaves itself out and names the thing it describes.
    """
    entries = [
        (f"{name}.{suffix}", "alternate", rep.media_type, lang) for suffix, rep, lang in documents_of_class(kind)
    ]
    entries = [entry for entry, (suffix, _, _) in zip(entries, documents_of_class(kind)) if suffix != current]
    if describes is not None:
        entries.insert(0, (describes, "describes", None, None))
    return link_header(entries)


# A page's table (the explorer's ``explorateur.csv``): a file of its own, whose Link names the page.
PAGE_TABLE = "csv"


def table_link_value(page: str) -> str:
    """The ``Link`` header of a page's table (:data:`PAGE_TABLE`): the page it lists, as HTML."""
    return link_header([(page, "alternate", HTML.media_type, None)])


# What is named under the deployment's base (BASE_IRI): the projects and the organisations their actors are
# (``organisation/siren/…``, ``organisation/rna/…``), and the publication itself, the catalogue and the dataset
# (:data:`PUBLICATION_STEMS`); the rest is the grid's, under w3id.
UNDER_BASE = ("projet/", "organisation/siren/", "organisation/rna/")
PUBLICATION_STEMS = ("catalog", "dataset")
# The same, for the servers' rules: a prefix of the path under the base (the stems are whole paths).
UNDER_BASE_PATTERN = "(?:(?:projet|organisation/siren|organisation/rna)/|(?:catalog|dataset)$)"


def describes_prefix(stem: str, base_iri: str) -> str:
    """The IRI prefix of the thing whose documents are under ``stem``: see :data:`UNDER_BASE`."""
    return base_iri if stem.startswith(UNDER_BASE) or stem in PUBLICATION_STEMS else BASE


# The 406's text as a file of the site: Apache sends a text given in its rules as ISO-8859-1 HTML.
NOT_ACCEPTABLE_FILE = "406.txt"


def not_acceptable_text() -> str:
    """The body of a 406: what each kind of resource may be asked for.

    One text for every resource, as a static server's rules cannot tell which was asked: so it says what
    a page, a data resource and the grid each offer (a publisher read « text/csv » offered for a question).
    """
    page = ", ".join(rep.media_type for rep in representations(rdf=False))
    data = ", ".join(rep.media_type for rep in representations(html=False))
    grid = ", ".join(rep.media_type for rep in representations(csv=True, html=False, rdf=False))
    return (
        f"406 : aucune représentation acceptable. Une page existe en {page} ; une ressource décrite en "
        f"données (question, concept, projet…) aussi en {data} ; la grille aussi en {grid}. / "
        f"406: no acceptable representation. A page exists as {page}; a resource described in data "
        f"(question, concept, project…) also as {data}; the grid also as {grid}."
    )


def document_pattern() -> str:
    """A path's document suffix, as a regular expression alternative (fr\\.html|en\\.html|ttl|…)."""
    return "|".join(re.escape(suffix) for suffix in DOCUMENT_SUFFIXES)


# Files that are data but not documents of a resource: the downloads and the stylesheet.
NOT_DOCUMENTS = r"(?:telechargements|static)/"
# The files sent as attachments, as the app sends them: the downloads (/telechargements/) and the explorer's table
# (a spreadsheet's file); the file's name is the first group.
DOWNLOAD = r"(?:telechargements/|(?=explor(?:ateur|er)\.csv$))([^/]+)"
assert set(DATA_SUFFIXES) >= {rep.suffix for rep in representations(html=False, csv=True)}
