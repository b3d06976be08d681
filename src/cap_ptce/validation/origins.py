"""Where each check comes from: the law, the décret, the grid, or the structure and formats of a description.

A report says what its results rest on, never a fixed sentence: a warning may
come from the décret n° 2015-431 (eligibility to the State's calls), from the
grid (a very short answer), from the law's facts that are not known, or from
the territory. The origin of a result is the file of its shape:
``shapes/legal.ttl`` is the law (loi n° 2014-856): article 1 (who belongs to
the SSE) for its shapes whose ``cap:legalBasis`` names article 1, article 9
(what makes a PTCE) for the others; ``shapes/eligibility.ttl`` the décret, the
shapes generated from the grid and from the template's placeholders the grid,
every other shape (structure, identifiers, geography) the structure and formats.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache

from rdflib import Graph, URIRef

from ..rdf.namespaces import CAP
from ..resources import data_dir
from .completeness import completeness_shapes
from .placeholders import placeholder_shapes

__all__ = ["ORIGINS", "shape_origin", "origin_counts"]

# In the order a report lists them; the message catalogue names each one (``report.origin_<name>``).
# "law" is the law's article 9, "law-art1" its article 1.
ORIGINS = ("format", "law-art1", "law", "decree", "grid")

_FILES = {"legal.ttl": "law", "eligibility.ttl": "decree"}


@cache
def _origins() -> dict[str, str]:
    """Shape IRI -> origin, for the shapes that are not of the structure and formats."""
    origins = {}
    for name, origin in _FILES.items():
        graph = Graph().parse(data_dir("shapes") / name, format="turtle")
        origins.update((str(shape), origin) for shape in graph.subjects() if isinstance(shape, URIRef))
        if origin == "law":
            origins.update((str(shape), "law-art1") for shape in _article_1_shapes(graph))
    for generated in (completeness_shapes(), placeholder_shapes()):
        origins.update((str(shape), "grid") for shape in generated.subjects() if isinstance(shape, URIRef))
    return origins


def _article_1_shapes(graph: Graph) -> set:
    """The shapes whose legal basis is the law's article 1 (its English wording ends with "article 1")."""
    return {
        shape
        for shape, basis in graph.subject_objects(CAP.legalBasis)
        if basis.language == "en" and str(basis).endswith(", article 1")
    }


def shape_origin(shape: str) -> str:
    """The origin of a result whose source shape is ``shape``: format, law-art1, law (article 9), decree or grid."""
    return _origins().get(shape, "format")


def origin_counts(results: Iterable, severity: str) -> list[tuple[str, int]]:
    """(origin, count) of the results of ``severity``, in the order of :data:`ORIGINS`, the empty ones left out."""
    counts = Counter(shape_origin(result.shape) for result in results if result.severity == severity)
    return [(origin, counts[origin]) for origin in ORIGINS if counts[origin]]
