"""Per-project indicators: counts kept in one graph so that queries need not recount them.

Counting, for each of 10,000 projects, its members by category, its SSE
members and its answers means walking 140,000 memberships: about a second on
Oxigraph, for every query that needs them. The knowledge base counts them once
per load instead, with the SPARQL query ``indicators.rq`` beside this module,
and keeps the result in the graph ``https://w3id.org/cap-ptce/graphe/indicateurs``::

    <project IRI> cap:memberCount 14 ; cap:memberKindCount 9 ; cap:memberCategoryCount 4 ;
        cap:socioEconomicMemberCount 8 ; cap:networkMemberCount 1 ; cap:localAuthorityMemberCount 3 ;
        cap:researchTrainingMemberCount 1 ; cap:inhabitantMemberCount 0 ;
        cap:sseMemberCount 6 ; cap:nonSseEnterpriseCount 4 ; cap:answerCount 18 ;
        cap:memberKindTally [ a cap:MemberKindTally ; cap:memberKind <…/vocab/types-acteurs/cooperative> ;
                              cap:memberCount 3 ; cap:sseMemberCount 3 ] , … .
    <project IRI/financement/1> cap:funderCategory <…/vocab/types-financeurs/public> .

The counts are derived data: the descriptions stay the source, and the graph is
rewritten whole after every load, like the provenance graph.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ..errors import StoreError

__all__ = ["INDICATORS_GRAPH", "INDICATOR_PROPERTIES", "PROJECT_COUNT_QUERY", "check_complete", "indicators_query"]

INDICATORS_GRAPH = "https://w3id.org/cap-ptce/graphe/indicateurs"
_CAP = "https://w3id.org/cap-ptce/def#"
# what every project gets; besides, each kind of member present gets a cap:MemberKindTally
# and each funding its cap:funderCategory
INDICATOR_PROPERTIES = tuple(
    _CAP + name
    for name in (
        "memberCount",
        "memberKindCount",
        "memberCategoryCount",
        "socioEconomicMemberCount",
        "networkMemberCount",
        "localAuthorityMemberCount",
        "researchTrainingMemberCount",
        "inhabitantMemberCount",
        "sseMemberCount",
        "nonSseEnterpriseCount",
        "answerCount",
        "memberKindTally",
    )
)


@cache
def indicators_query() -> str:
    """The CONSTRUCT query that computes every project's indicators."""
    return Path(__file__).with_name("indicators.rq").read_text(encoding="utf-8")


PROJECT_COUNT_QUERY = f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{_CAP}Project> }}"
# a project's own count (its subject an IRI; the tallies' blank nodes have one too)
_PROJECT_MEMBER_COUNT = re.compile(rb"^<[^>]*> <" + re.escape(_CAP.encode()) + rb"memberCount> ", re.MULTILINE)


def check_complete(ntriples: bytes, projects: int) -> None:
    """Refuse indicators that miss projects: a server that cuts a CONSTRUCT's results says nothing.

    Every project gets a ``cap:memberCount``; Virtuoso with Debian's sample
    ``ResultSetMaxRows = 10000`` returned 10,001 of 44,907 triples at 1,000 projects.
    """
    counted = len(_PROJECT_MEMBER_COUNT.findall(ntriples))
    if counted != projects:
        raise StoreError(
            f"the indicators count {counted} projects of {projects}: the server cut the results",
            hint="Virtuoso : ResultSetMaxRows = 0 dans virtuoso.ini / Virtuoso: set ResultSetMaxRows = 0 "
            "in virtuoso.ini (docs/large-corpora.md)",
        )
