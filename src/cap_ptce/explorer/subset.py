"""A part of the corpus as a knowledge base of its own, so that every ready-made query counts only that part.

The dashboards of a selection run the same ready-made queries as those of the
whole corpus, unchanged, on a knowledge base that holds only the selected
projects' descriptions and their validation records, with the reference graphs
and the derived graphs (places, indicators, organisations) worked out again for
them by the store itself. So a figure of the selection is what the query gives
on those descriptions alone: nothing from another project leaks in through a
derived graph, and no query needs rewriting. The same base answers SPARQL at
``/tableau-de-bord/sparql?…``, so the editor reproduces every figure.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..store import DERIVED_GRAPHS, REFERENCE_GRAPHS, KnowledgeBase
from ..store.provenance import PROVENANCE_GRAPH, records_to_ntriples

__all__ = ["subset_kb"]

_NT = "application/n-triples"


def subset_kb(kb: KnowledgeBase, projects: set[str], *, workers: int = 1) -> KnowledgeBase:
    """A new in-memory knowledge base with the descriptions of ``projects`` (IRIs) only; the caller closes it."""
    records = [record for record in kb.records() if record.project in projects]
    graphs = [*REFERENCE_GRAPHS.values(), *(record.graph for record in records)]
    sub = KnowledgeBase.open(None, workers=workers)
    try:
        _copy(kb, sub, [g for g in graphs if g in kb.graph_names()])
        sub.load_graph(PROVENANCE_GRAPH, records_to_ntriples(records), _NT)
        sub.refresh_indicators()
    except BaseException:
        sub.close()
        raise
    return sub


def _copy(kb: KnowledgeBase, sub: KnowledgeBase, graphs: list[str]) -> None:
    """Each named graph of ``graphs`` copied as it is: quad by quad in memory, by CONSTRUCT from a server."""
    if not kb.is_remote:
        quads = (q for g in graphs for q in kb.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        sub.store.extend(quads)
        return
    from ..sparql.execute import QueryRequest
    from ..sparql.formats import choose_format

    fmt = choose_format("CONSTRUCT", None, ["nt"])
    for graph in graphs:
        body = kb.run(QueryRequest(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"), fmt).body
        sub.load_graph(graph, body, _NT)


assert PROVENANCE_GRAPH in DERIVED_GRAPHS  # the provenance graph is rewritten here, the others by the store
