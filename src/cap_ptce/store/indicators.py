"""Derived facts: per-project indicators and the organisations behind the actors, each in one graph.

Counting, for each of 10,000 projects, its members by category, its SSE
members and its answers means walking 140,000 memberships: about a second on
Oxigraph, for every query that needs them. The knowledge base counts them once
per load instead, with the SPARQL query ``indicators.rq`` beside this module,
and keeps the result in the graph ``https://w3id.org/cap-ptce/graphe/indicateurs``::

    <project IRI> cap:memberCount 14 ; cap:memberKindCount 9 ; cap:memberCategoryCount 4 ;
        cap:untypedMemberCount 0 ; cap:socioEconomicMemberCount 8 ; cap:networkMemberCount 1 ;
        cap:localAuthorityMemberCount 3 ; cap:researchTrainingMemberCount 1 ; cap:inhabitantMemberCount 0 ;
        cap:sseMemberCount 6 ; cap:nonSseEnterpriseCount 4 ; cap:sseUnknownMemberCount 0 ; cap:answerCount 18 ;
        cap:memberKindTally [ a cap:MemberKindTally ; cap:memberKind <…/vocab/types-acteurs/cooperative> ;
                              cap:memberCount 3 ; cap:sseMemberCount 3 ] , … ;
        cap:inRegion <http://id.insee.fr/geo/region/32> ; cap:inDepartement <http://id.insee.fr/geo/departement/80> .
    <project IRI/financement/1> cap:funderCategory <…/vocab/types-financeurs/public> .

Tallies are rolled up along the "kinds of actor" hierarchy (a cooperative counts
for "entreprise de l'ESS" too), and a tally without ``cap:memberKind`` counts
the members that give no kind. The régions and départements are those the
description declares and those its communes and EPCI lie in (the places graph,
:mod:`.places`). The organisations (``organisations.rq``) go to the graph
``https://w3id.org/cap-ptce/graphe/organisations``: one node per SIREN or RNA
number, linked from every actor that gives it.

These are derived data: the descriptions stay the source, and each graph is
rewritten whole after every load, like the provenance graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..grid import load_grid
from ..project.keypaths import holds_items, rdf_steps
from ..rdf.namespaces import CAP, GRILLE, SCHEMA
from ..sparql.execute import QueryRequest
from ..sparql.formats import choose_format
from ..sparql.inspect import inspect_query
from ..validation.legal import STATUS_FACTS, ess_statuses
from ..validation.placeholders import is_left_over_sparql
from .places import PLACE_IRIS_QUERY, PLACES_GRAPH, places_ntriples

__all__ = [
    "INDICATORS_GRAPH",
    "ORGANISATIONS_GRAPH",
    "INDICATOR_PROPERTIES",
    "indicators_query",
    "organisations_query",
    "organisations_outline",
    "answers_query",
    "STATUSES_QUERY",
    "statuses_ntriples",
    "left_over_query",
    "facts_before_counts",
    "derived_graphs",
    "PROJECT_COUNT_QUERY",
    "check_complete",
]

INDICATORS_GRAPH = "https://w3id.org/cap-ptce/graphe/indicateurs"
ORGANISATIONS_GRAPH = "https://w3id.org/cap-ptce/graphe/organisations"
_NO_CAP = 2**62  # our own queries: the row cap protects the endpoint from its clients, not from us
_CAP = "https://w3id.org/cap-ptce/def#"
# what every project gets; besides, each kind of member present (and each broader kind) gets a
# cap:MemberKindTally, each funding its cap:funderCategory, each project its cap:inRegion and cap:inDepartement
INDICATOR_PROPERTIES = tuple(
    _CAP + name
    for name in (
        "memberCount",
        "memberKindCount",
        "memberCategoryCount",
        "untypedMemberCount",
        "socioEconomicMemberCount",
        "networkMemberCount",
        "localAuthorityMemberCount",
        "researchTrainingMemberCount",
        "inhabitantMemberCount",
        "sseMemberCount",
        "nonSseEnterpriseCount",
        "sseUnknownMemberCount",
        "partnerCount",
        "memberGroupCount",
        "answerCount",
        "answersQuestion",
        "memberKindTally",
    )
)


@cache
def indicators_query() -> str:
    """The CONSTRUCT query that computes every project's indicators."""
    return Path(__file__).with_name("indicators.rq").read_text(encoding="utf-8")


@cache
def organisations_query() -> str:
    """The CONSTRUCT query that finds the organisation behind each actor (``organisations.rq``, each ``LUHN(x)``
    written out as the SPARQL test of the Luhn key of the nine digits of ``x``)."""
    return _written_out(_luhn)


@cache
def organisations_outline() -> str:
    """:func:`organisations_query` with each Luhn test written as a plain test of its digits: the same graph
    patterns, for :func:`~cap_ptce.store.derived.query_patterns`, which each process reading a corpus runs on
    it. The written-out tests nest 22 calls deep: rdflib's parser took 0.76 s on the query, 0.08 s on this."""
    return _written_out(lambda digits: f"(STRLEN({digits}) = 9)")


def _written_out(luhn) -> str:
    """``organisations.rq``, each ``LUHN(x)`` replaced by ``luhn("x")``."""
    text = Path(__file__).with_name("organisations.rq").read_text(encoding="utf-8")
    while (start := text.find("LUHN(")) >= 0:
        depth, end = 0, start + len("LUHN")
        while True:  # to the parenthesis that closes LUHN's
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
            end += 1
        text = text[:start] + luhn(text[start + len("LUHN(") : end]) + text[end + 1 :]
    return text


def _luhn(digits: str) -> str:
    """SPARQL that is true when the nine digits of ``digits`` pass Luhn's test: each digit written as that many
    « x » (doubled, less 9 past 9, in the even places), the sum is a length, a multiple of 10; no cast."""
    kept = " ".join(f"SUBSTR({digits}, {n}, 1)" for n in (1, 3, 5, 7, 9))
    doubled = " ".join(f"SUBSTR({digits}, {n}, 1)" for n in (2, 4, 6, 8))

    def tally(parts: str, values) -> str:
        text = f"CONCAT({parts.replace(' SUBSTR', ', SUBSTR')})"
        for digit, value in enumerate(values):
            text = f'REPLACE({text}, "{digit}", "{"x" * value}")'
        return f"STRLEN({text})"

    once, twice = range(10), [2 * d - 9 * (d > 4) for d in range(10)]
    total = f"({tally(kept, once)} + {tally(doubled, twice)})"
    return f"(FLOOR({total} / 10) * 10 = {total})"


@cache
def answers_query() -> str:
    """The CONSTRUCT query that finds the grid questions each project answers (``cap:answersQuestion``).

    A question is answered as completeness counts it
    (:mod:`cap_ptce.validation.completeness`): by its written answer, or by one
    of the keys the grid names for it (``champs:``) holding a value; a text
    left blank or as the template wrote it (« À COMPLÉTER », « TODO », « x »:
    :func:`~cap_ptce.validation.placeholders.is_placeholder_text`), or an item
    holding only such texts, answers nothing, unless the same key holds another
    value. Made from the grid, so that the counts follow it when it changes.
    """
    text = f"!({is_left_over_sparql('?value', items=False)})"
    branches = [
        f"""{{ ?projet cap:hasAnswer ?answer . ?answer cap:answers ?question .
        FILTER (NOT EXISTS {{ ?answer <{SCHEMA}text> [] }} || EXISTS {{ ?answer <{SCHEMA}text> ?value FILTER ({text}) }}) }}"""
    ]
    for question in load_grid().questions:
        for steps, items in dict.fromkeys((rdf_steps(key), holds_items(key)) for key in question.fields):
            path = "/".join("(" + "|".join(f"<{p}>" for p in step) + ")" for step in steps)
            kept = f"!({is_left_over_sparql('?value', items)})"
            question_iri = GRILLE[f"question/{question.id}"]
            branches.append(f"{{ ?projet {path} ?value FILTER ({kept}) BIND(<{question_iri}> AS ?question) }}")
    union = "\n      UNION\n      ".join(branches)
    return f"""PREFIX cap: <{CAP}>
CONSTRUCT {{ ?projet cap:answersQuestion ?question }}
WHERE {{
  SELECT DISTINCT ?projet ?question
  WHERE {{
    ?projet a cap:Project .
    {{
      {union}
    }}
  }}
}}
"""


@cache
def left_over_query() -> str:
    """The CONSTRUCT query that finds the projects whose common strategy, the one key of article 9 that is a text,
    holds nothing but texts left blank or as the template wrote them (« À COMPLÉTER »): ``cap:leftOverKey
    cap:commonStrategy``. Such a strategy is none, for validation (``capsh:Art9CommonStrategy``) as for
    ``projets-hors-definition-legale``, which reads this."""
    left_over, other = is_left_over_sparql("?valeur", items=False), is_left_over_sparql("?autre", items=False)
    return f"""PREFIX cap: <{CAP}>
CONSTRUCT {{ ?projet cap:leftOverKey cap:commonStrategy }}
WHERE {{
  ?projet a cap:Project ; cap:commonStrategy ?valeur .
  FILTER ({left_over})
  FILTER NOT EXISTS {{ ?projet cap:commonStrategy ?autre FILTER (!({other})) }}
}}
"""


def facts_before_counts(construct: Callable[[str], bytes], select: Callable[[str], list]) -> bytes:
    """What the indicators graph holds before its counts, which read it: the questions each project answers
    (:func:`answers_query`), its left-over strategy (:func:`left_over_query`) and each actor's ESS status
    (:func:`statuses_ntriples`), as N-Triples; ``construct`` and ``select`` run a query over the store's graphs."""
    actors = int(select(_ACTOR_COUNT_QUERY)[0]["n"].value)
    statuses = statuses_ntriples(select(STATUSES_QUERY), actors)
    return construct(answers_query()) + construct(left_over_query()) + statuses


# Each actor with the facts its description gives of its ESS status; an actor of none comes once, unbound. In
# GRAPH ?g, as PROJECT_COUNT_QUERY: an embedded store's default graph is empty, a server's may be the union.
STATUSES_QUERY = f"""SELECT ?acteur ?p ?o WHERE {{
  GRAPH ?g {{
    ?acteur a <{_CAP}Actor> .
    OPTIONAL {{ ?acteur ?p ?o FILTER(?p IN ({", ".join(f"<{p}>" for p in STATUS_FACTS)})) }}
  }}
  FILTER(isIRI(?acteur))
}}"""
_ACTOR_COUNT_QUERY = (
    f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH ?g {{ ?a a <{_CAP}Actor> }} FILTER(isIRI(?a)) }}"
)


def statuses_ntriples(rows: Iterable[Mapping[str, Any]], actors: int | None = None) -> bytes:
    """Each actor's ``cap:essStatus``, as validation derives it (:func:`~cap_ptce.validation.legal.ess_statuses`),
    as N-Triples, from the rows of :data:`STATUSES_QUERY` (each value a term with ``.value``, or None).

    The indicators graph keeps them, so that the ready-made queries that read
    the law (``projets-hors-definition-legale``) say what the checks say. When
    ``actors`` (their number in the store) is given, refuse statuses that miss
    some, as :func:`check_complete` refuses indicators that miss projects.
    """
    statuses = ess_statuses(
        (row["acteur"].value, *((None, None) if row["p"] is None else (row["p"].value, row["o"].value))) for row in rows
    )
    if actors is not None and len(statuses) != actors:
        raise StoreError(
            f"les statuts ESS couvrent {len(statuses)} acteurs sur {actors} : le serveur a coupé les résultats / "
            f"the ESS statuses cover {len(statuses)} actors of {actors}: the server cut the results",
            hint="Virtuoso : ResultSetMaxRows = 0 dans virtuoso.ini / Virtuoso: set ResultSetMaxRows = 0 "
            "in virtuoso.ini (docs/large-corpora.md)",
        )
    status = f"<{_CAP}essStatus>"
    return "".join(f'<{actor}> {status} "{value}" .\n' for actor, value in sorted(statuses.items())).encode()


def derived_graphs(backend: Any) -> Iterator[tuple[str, bytes]]:
    """Each derived graph and its N-Triples, in the order they must be written: the places first
    (the indicators read them), what the counts read (:func:`facts_before_counts`), then the
    indicators beside it, and the organisations. The indicators graph comes twice: the second
    time whole.

    A generator: the caller writes each graph before asking for the next. The
    CONSTRUCT queries run here without a time limit (the indicators: 3.8 s at
    10,000 descriptions in memory).
    """
    yield PLACES_GRAPH, places_ntriples(row["place"].value for row in backend.select(PLACE_IRIS_QUERY))
    first = facts_before_counts(lambda text: _construct(backend, text), backend.select)
    yield INDICATORS_GRAPH, first
    indicators = _construct(backend, indicators_query())
    check_complete(indicators, int(backend.select(PROJECT_COUNT_QUERY)[0]["n"].value))
    yield INDICATORS_GRAPH, first + indicators
    yield ORGANISATIONS_GRAPH, _construct(backend, organisations_query())


def _construct(backend: Any, text: str) -> bytes:
    result = backend.run(
        QueryRequest(text),
        inspect_query(text),
        choose_format("CONSTRUCT", None, ["nt"]),
        timeout=None,
        max_rows=_NO_CAP,
    )
    body = result.body
    return body if not body or body.endswith(b"\n") else body + b"\n"


PROJECT_COUNT_QUERY = f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ GRAPH ?g {{ ?p a <{_CAP}Project> }} }}"
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
            f"les indicateurs comptent {counted} projets sur {projects} : le serveur a coupé les résultats / "
            f"the indicators count {counted} projects of {projects}: the server cut the results",
            hint="Virtuoso : ResultSetMaxRows = 0 dans virtuoso.ini / Virtuoso: set ResultSetMaxRows = 0 "
            "in virtuoso.ini (docs/large-corpora.md)",
        )
