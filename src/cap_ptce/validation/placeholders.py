"""Texts that are not answers: blanks, the template's placeholders and hints, fillers; and very short answers.

The template of ``cap-ptce new`` is the one source of what a left-over text
looks like (``src/cap_ptce/i18n/messages/template.yaml``): its placeholder
(``À COMPLÉTER``, ``TO COMPLETE``) and what follows it, its hints (``9 chiffres,
entre guillemets``…), and the fillers people type instead of an answer
(``TODO``, ``x``, ``…``). From them this module builds one regular expression,
in the subset that XPath, Python and Rust (Oxigraph) read alike, and two
generated shapes:

- ``capsh:PlaceholderText`` (violation): a text of the description (any key the
  JSON-LD context maps to a French text) that is blank or left over;
- ``capsh:ShortAnswer`` (warning): an answer or the common strategy of fewer than
  :data:`SHORT_ANSWER_WORDS` words.

:func:`is_placeholder_text` gives the same verdict in Python, so that
completeness does not count a left-over answer.
"""

from __future__ import annotations

import re
from functools import cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from .. import i18n
from ..i18n import LANGUAGES, t
from ..project.context import context, expand
from ..rdf.namespaces import CAP, GRID_IRI, SCHEMA, SHAPES, bind_prefixes

__all__ = [
    "SHORT_ANSWER_WORDS",
    "placeholder_pattern",
    "is_placeholder_text",
    "is_placeholder_sparql",
    "is_left_over",
    "is_left_over_sparql",
    "text_predicates",
    "placeholder_shapes",
    "left_over_law_shapes",
]

SHORT_ANSWER_WORDS = 3  # an answer of fewer words (runs of letters and digits) is a warning
# The template's hints (the comments beside its keys), which a carrier may paste as a value.
_HINTS = ("slug", "actor", "siren", "siret", "category", "commune", "communes", "epci", "date", "euros", "other_scheme")
_REGEX_SPECIAL = set("\\.^$|?*+()[]{}-")


def _escape(text: str) -> str:
    """``text`` as a literal in a regular expression that XPath, Python and Rust all read the same way."""
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in text)


@cache
def placeholder_pattern() -> str:
    """The regular expression (to use without case) that a left-over text matches in full."""
    starts = [_escape(text) for text in i18n.texts("template.placeholder").values()]
    whole = []
    for lang in LANGUAGES:
        for filler in (f.strip() for f in t("template.fillers", lang).split("|")):
            whole.append(_escape(filler) + ("+" if len(filler) == 1 else ""))
        whole += [_escape(t(f"template.{hint}", lang)) for hint in _HINTS]
    # a filler or a hint may end with a full stop or an ellipsis
    return rf"^\s*$|^\s*({'|'.join(starts)})|^\s*({'|'.join(dict.fromkeys(whole))})[\s.…]*$"


@cache
def _compiled() -> re.Pattern:
    return re.compile(placeholder_pattern(), re.IGNORECASE)


def is_placeholder_text(text: str) -> bool:
    """Whether ``text`` is blank or left over from the template (the shapes' verdict, in Python)."""
    return _compiled().search(text) is not None


# What every item of a list holds whatever it says: its class and its place in the list.
_ITEM_FORM = (RDF.type, SCHEMA.position)


def is_left_over(graph: Graph, value, items: bool = True) -> bool:
    """Whether ``value`` (a key's value) says nothing: a text left blank or as the template wrote it, or, where
    the key holds ``items`` (:func:`~cap_ptce.project.keypaths.holds_items`), an item of a list (a constat, a
    coordination post) that holds nothing but such texts, or a node of its own that does (a funding whose
    funder's name is all it says: its node is ``…/financement/1/financeur``).

    Either is no answer to the key's question (:mod:`.completeness`, the knowledge base's
    ``cap:answersQuestion``); ``capsh:PlaceholderText`` reports each text at its line.
    """
    if isinstance(value, Literal):
        return is_placeholder_text(str(value))
    return items and _holds_nothing(graph, value, _OWN_DEPTH)


_OWN_DEPTH = 1  # how deep an item's own nodes are looked into (the SPARQL below says the same)


def _holds_nothing(graph: Graph, node, depth: int) -> bool:
    held = [o for p, o in graph.predicate_objects(node) if p not in _ITEM_FORM]
    return bool(held) and all(_says_nothing(graph, node, value, depth) for value in held)


def _says_nothing(graph: Graph, node, value, depth: int) -> bool:
    if isinstance(value, Literal):
        return is_placeholder_text(str(value))
    own = isinstance(value, URIRef) and value.startswith(f"{node}/")  # a node of the item's, not one it names
    return depth > 0 and own and _holds_nothing(graph, value, depth - 1)


def is_left_over_sparql(variable: str, items: bool = True) -> str:
    """The SPARQL expression of :func:`is_left_over` on ``variable`` (« ?value »), in the default graph."""
    literal = f"(isLiteral({variable}) && {is_placeholder_sparql(variable)})"
    if not items:  # the items' test is dearer: the answers query, 1.5 s of CPU over 1,000 descriptions, takes 3.3 s
        return literal
    # no EXISTS inside IF(): Virtuoso 7.2 refuses the query (« SQ074 ») and a load on it failed
    return f"({literal} || (!isLiteral({variable}) && {_holds_nothing_sparql(variable, _OWN_DEPTH)}))"


def _holds_nothing_sparql(node: str, depth: int) -> str:
    form = ", ".join(f"<{p}>" for p in _ITEM_FORM)
    key, value = f"?leftOverKey{depth}", f"?leftOverValue{depth}"
    held = f"{node} {key} {value} FILTER ({key} NOT IN ({form}))"
    says_nothing = f"(isLiteral({value}) && {is_placeholder_sparql(value)})"
    if depth > 0:
        own = f'isIRI({value}) && STRSTARTS(STR({value}), CONCAT(STR({node}), "/"))'
        says_nothing = f"({says_nothing} || ({own} && {_holds_nothing_sparql(value, depth - 1)}))"
    return f"(EXISTS {{ {held} }} && NOT EXISTS {{ {held} FILTER (!{says_nothing}) }})"


@cache
def text_predicates() -> tuple[URIRef, ...]:
    """The predicates of every key whose value is a French text (the context's terms with ``@language``)."""
    found = set()
    definitions = list(context().values())
    while definitions:
        definition = definitions.pop()
        if isinstance(definition, dict):
            if "@language" in definition and "@id" in definition:
                found.add(expand(definition["@id"]))
            definitions.extend(definition.get("@context", {}).values())
    return tuple(sorted(found))


def _sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def is_placeholder_sparql(variable: str) -> str:
    """The SPARQL expression of :func:`is_placeholder_text` on the text of ``variable`` (« ?value »)."""
    return f'REGEX(STR({variable}), {_sparql_string(placeholder_pattern())}, "i")'


def _grid_texts() -> tuple[URIRef, ...]:
    """The texts whose left-over value the grid's shape reports: all but the common strategy, of which the law's
    shape says more (:func:`left_over_law_shapes`), at the same line."""
    return tuple(p for p in text_predicates() if p != CAP.commonStrategy)


def _placeholder_query() -> str:
    allowed = ", ".join(f"<{p}>" for p in _grid_texts())
    return f"""
        SELECT $this ?path ?value
        WHERE {{
            $this ?path ?value .
            FILTER (?path IN ({allowed}))
            FILTER ({is_placeholder_sparql("?value")})
        }}
        """


def _short_answer_query() -> str:
    # each run of letters and digits becomes one "w", then everything else goes: the length counts words;
    # the message gets the count as text (a number computed in a row would send the file to pySHACL)
    words, others = _sparql_string(r"\w+"), _sparql_string(r"\W")
    return f"""
        SELECT $this ?path ?value ?words
        WHERE {{
            $this ?path ?value .
            FILTER (?path IN (<{SCHEMA.text}>, <{CAP.commonStrategy}>))
            FILTER (!{is_placeholder_sparql("?value")})
            BIND (STRLEN(REPLACE(REPLACE(STR(?value), {words}, "w"), {others}, "")) AS ?count)
            FILTER (?count < {SHORT_ANSWER_WORDS})
            BIND (STR(?count) AS ?words)
        }}
        """


def left_over_law_shapes() -> Graph:
    """Article 9's common strategy (``capsh:Art9CommonStrategy``, shapes/legal.ttl) left as the template wrote it
    is none: the shape gets a SPARQL constraint that reports it, with a message of its own, the law's. Apart
    from :func:`placeholder_shapes`, whose shapes are the grid's: this one stays the law's in a report, and the
    grid's ``capsh:PlaceholderText`` leaves the strategy to it (one result at its line, not two)."""
    graph = bind_prefixes(Graph())
    constraint = BNode("left-over-strategy-constraint")
    graph.add((SHAPES.Art9CommonStrategy, SH.sparql, constraint))
    graph.add((constraint, RDF.type, SH.SPARQLConstraint))
    graph.add((constraint, SH.prefixes, URIRef("https://w3id.org/cap-ptce/shapes")))
    left_over, other = is_placeholder_sparql("?value"), is_placeholder_sparql("?other")
    query = f"""
        SELECT $this ?value
        WHERE {{
            $this $PATH ?value .
            FILTER (isLiteral(?value) && {left_over})
            FILTER NOT EXISTS {{ $this $PATH ?other . FILTER (!isLiteral(?other) || !{other}) }}
        }}
        """
    graph.add((constraint, SH.select, Literal(query)))
    for lang in LANGUAGES:
        for predicate, suffix in ((RDFS.label, "label"), (SH.message, "message")):
            graph.add((constraint, predicate, Literal(t(f"checks.left_over_strategy_{suffix}", lang), lang=lang)))
    return graph


def placeholder_shapes() -> Graph:
    """The two generated shapes, as a new graph."""
    graph = bind_prefixes(Graph())
    for triple in _placeholder_triples():
        graph.add(triple)
    return graph


@cache
def _placeholder_triples() -> tuple:
    graph = Graph()
    texts = [(SH.targetSubjectsOf, predicate) for predicate in _grid_texts()]
    _add_shape(graph, SHAPES.PlaceholderText, "placeholder", _placeholder_query(), SH.Violation, texts)
    answers = [(SH.targetClass, CAP.Answer), (SH.targetClass, CAP.Project)]
    _add_shape(graph, SHAPES.ShortAnswer, "short_answer", _short_answer_query(), SH.Warning, answers)
    return tuple(graph)


def _add_shape(graph: Graph, shape: URIRef, key: str, query: str, severity, targets) -> None:
    constraint = BNode(f"{key}-constraint")
    graph.add((shape, RDF.type, SH.NodeShape))
    for target in targets:
        graph.add((shape, *target))
    graph.add((shape, SH.sparql, constraint))
    graph.add((shape, SH.severity, severity))
    graph.add((shape, RDFS.seeAlso, GRID_IRI))
    graph.add((constraint, RDF.type, SH.SPARQLConstraint))
    graph.add((constraint, SH.select, Literal(query)))
    graph.add((constraint, SH.prefixes, URIRef("https://w3id.org/cap-ptce/shapes")))
    params = {"words": SHORT_ANSWER_WORDS}
    for lang in LANGUAGES:
        for node, predicate, suffix in (
            (shape, RDFS.label, "label"),
            (shape, SH.description, "description"),
            (shape, SH.message, "message"),
            (constraint, RDFS.label, "label"),
            (constraint, SH.message, "message"),
        ):
            graph.add((node, predicate, Literal(t(f"checks.{key}_{suffix}", lang, **params), lang=lang)))
