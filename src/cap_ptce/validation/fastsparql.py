"""SHACL-SPARQL constraints for the fast engine: one Oxigraph query per constraint over a whole batch.

pySHACL runs a constraint's ``sh:select`` once per focus node with ``$this``
pre-bound, in rdflib. Here each text is rewritten once, at compile time, into
one query over every description of a batch: its body goes inside
``GRAPH ?g { … }`` (each description is a named graph of the batch's store,
with the grid's concept schemes), ``$PATH`` becomes the shape's path, and the
rows are kept for the focus nodes that the shape targets in that graph.
Leaving ``$this`` free and keeping the rows of the focus nodes gives the rows
of pre-binding only for a body that binds ``$this`` in its top-level group and
has no sub-query, MINUS, VALUES, UNION or aggregate; such texts, functions
outside :data:`FUNCTIONS`, and anything that would read beyond the data graph
are refused (:func:`compile_constraint` returns the problems). SPARQL's
REGEX and REPLACE use Python's ``re`` in rdflib and Rust's ``regex`` in
Oxigraph, which differ (``$`` before a final newline, ``\\s``…): REGEX, and
REPLACE with a pattern that is more than plain characters, run as Python
functions that do what rdflib does; so do STRAFTER, STRBEFORE (rdflib's reading
of their arguments) and NOW (in UTC, as rdflib).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, reduce

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, SH, XSD

__all__ = ["FUNCTIONS", "GRAPH_VAR", "SparqlConstraint", "compile_constraint", "custom_functions"]

GRAPH_VAR = "cap_ptce_graph"  # the named graph of a row: a description of the batch
_FN = "urn:cap-ptce:fn:"  # our Python functions: what rdflib does, where Oxigraph may do otherwise
_REPLACE_FN = _FN + "replace"
# Always ours: regular expressions (Python's re against Rust's regex), rdflib's reading of
# STRAFTER/STRBEFORE's arguments, and NOW as rdflib takes it (UTC).
_OURS = {"REGEX": _FN + "regex", "STRAFTER": _FN + "strafter", "STRBEFORE": _FN + "strbefore", "NOW": _FN + "now"}
# SPARQL functions whose results are the same in rdflib and Oxigraph for the terms of our data graphs
# (REGEX and REPLACE are turned into Python functions that behave as rdflib's).
FUNCTIONS = frozenset(
    "STR STRLEN SUBSTR CONCAT STRSTARTS STRENDS CONTAINS IF COALESCE BOUND ISIRI ISURI ISBLANK ISLITERAL "
    "ISNUMERIC LANG DATATYPE SAMETERM FLOOR CEIL ROUND ABS REGEX REPLACE STRAFTER STRBEFORE NOW IN".split()
)
_KEYWORDS = frozenset("SELECT DISTINCT REDUCED WHERE FILTER BIND AS NOT EXISTS OPTIONAL UNION A TRUE FALSE".split())
_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      |(?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+)
      |(?P<pname>[A-Za-z_\u00c0-\ufffd][\w\-.\u00b7\u00c0-\ufffd]*:[\w\-.:%\u00b7\u00c0-\ufffd]*|:[\w\-.:%]*)
      |(?P<word>[A-Za-z_][A-Za-z_0-9]*)
      |(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)
      |(?P<space>\s+)
      |(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;/|^*+?!=<>@-])""",
    re.X,
)
_PLAIN_PATTERN = re.compile(r'^"[^".^$*+?()\[\]{}|\\\n]*"$')
_PLAIN_REPLACEMENT = re.compile(r'^"[^"$\\\n]*"$')


@dataclass(frozen=True)
class SparqlConstraint:
    """A constraint's text rewritten for a batch, and what pySHACL's results take from its rows."""

    node: object
    query: str
    variables: tuple[str, ...]  # the original projection, without this
    projects_this: bool
    messages: tuple[Literal, ...]
    deactivated: bool
    predicates: frozenset | None  # the only predicates the query can match (None: it may match any)


def compile_constraint(graph: Graph, shape, node) -> tuple[SparqlConstraint | None, list[str]]:
    """The batch query of the constraint ``node`` of ``shape``, or None and the problems that prevent it."""
    problems: list[str] = []
    selects = list(graph.objects(node, SH.select))
    if len(selects) != 1 or not isinstance(selects[0], Literal) or not isinstance(selects[0].value, str):
        return None, ["a SPARQL constraint needs exactly one sh:select string"]
    if (node, SH.ask, None) in graph:
        problems.append("sh:ask is not supported")
    messages = tuple(graph.objects(node, SH.message))
    if any(not (isinstance(m, Literal) and isinstance(m.value, str)) for m in messages):
        problems.append("a sh:message that is not a string")
    deactivated = graph.value(node, SH.deactivated)
    text = str(selects[0])
    if shape.path_node is not None:
        text = re.sub(r"([\s{}()])[$?]PATH", lambda m: m.group(1) + _path_text(shape.path), text)
    rewritten = _rewrite(text, _prefixes(graph, node, problems), problems)
    if problems or rewritten is None:
        return None, problems
    query, variables, projects_this, predicates = rewritten
    return SparqlConstraint(
        node,
        query,
        variables,
        projects_this,
        messages,
        bool(deactivated.value) if isinstance(deactivated, Literal) else False,
        predicates,
    ), []


def _prefixes(graph: Graph, node, problems: list[str]) -> dict[str, str]:
    """The prefixes of sh:prefixes, found as pySHACL finds them (the ontology's sh:declare)."""
    ontologies = set(graph.subjects(RDF.type, OWL.Ontology))
    declared_everywhere = {d for o in ontologies for d in graph.objects(o, SH.declare)}
    prefixes = {}
    for holder in graph.objects(node, SH.prefixes):
        own = set(graph.objects(holder, SH.declare))
        for declaration in own if own and holder in ontologies else own | declared_everywhere:
            prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                problems.append("an sh:declare without sh:prefix and sh:namespace")
                continue
            prefixes[str(prefix)] = str(namespace)
    return prefixes


def _path_text(path: tuple) -> str:
    """A compiled SHACL path (:mod:`.fastshapes`) as a SPARQL property path."""
    kind, inner = path
    if kind == "iri":
        return f"<{inner}>"
    if kind == "seq":
        return "(" + "/".join(_path_text(p) for p in inner) + ")"
    if kind == "alt":
        return "(" + "|".join(_path_text(p) for p in inner) + ")"
    if kind == "inv":
        return f"^({_path_text(inner)})"
    return f"({_path_text(inner)}){ {'zom': '*', 'oom': '+', 'zoo': '?'}[kind] }"


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of every token but spaces and comments."""
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"cannot read the SPARQL text at {text[position : position + 20]!r}")
        if match.lastgroup not in ("space", "comment"):
            tokens.append((match.lastgroup, match.group(), position))
        position = match.end()
    return tokens


def _rewrite(text: str, prefixes: dict[str, str], problems: list[str]):
    try:
        tokens = _tokens(text)
    except ValueError as exc:
        problems.append(str(exc))
        return None
    words = [value.upper() for kind, value, _at in tokens if kind == "word"]
    if words.count("SELECT") != 1:
        problems.append("the text must hold one SELECT (no sub-query, ASK or CONSTRUCT)")
        return None
    select = next(i for i, (kind, value, _at) in enumerate(tokens) if kind == "word" and value.upper() == "SELECT")
    prologue = _prologue(tokens[:select], problems)
    start = next((i for i in range(select, len(tokens)) if tokens[i][1] == "{"), None)
    if start is None:
        problems.append("no WHERE clause")
        return None
    end = _closing(tokens, start)
    if end is None or end != len(tokens) - 1:
        problems.append("an unbalanced WHERE clause, or solution modifiers after it (GROUP BY, ORDER BY, LIMIT…)")
        return None
    variables = _projection(tokens[select + 1 : start], problems)
    body = tokens[start + 1 : end]
    _check_body(body, problems)
    if problems or variables is None:
        return None
    projects_this = "this" in variables
    others = tuple(v for v in variables if v != "this")
    head = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in {**prefixes, **prologue}.items())
    projection = " ".join(f"?{v}" for v in (GRAPH_VAR, "this", *others))
    text_of_body = _body_text(text, body, tokens[end][2])
    query = f"{head}\nSELECT DISTINCT {projection} WHERE {{ GRAPH ?{GRAPH_VAR} {{ {text_of_body} }} }}"
    names = {**prefixes, **prologue}
    return query, others, projects_this, _predicates(body, names)


def _prologue(tokens: list, problems: list[str]) -> dict[str, str]:
    prologue = {}
    for index, (kind, value, _at) in enumerate(tokens):
        if kind == "word" and value.upper() == "PREFIX" and index + 2 < len(tokens):
            prologue[tokens[index + 1][1].rstrip(":")] = tokens[index + 2][1][1:-1]
        elif kind == "word" and value.upper() == "BASE":
            problems.append("BASE is not supported")
    return prologue


def _closing(tokens: list, start: int) -> int | None:
    depth = 0
    for index in range(start, len(tokens)):
        depth += {"{": 1, "}": -1}.get(tokens[index][1], 0)
        if depth == 0:
            return index
    return None


def _projection(tokens: list, problems: list[str]) -> tuple[str, ...] | None:
    names = []
    for kind, value, _at in tokens:
        if kind == "word" and value.upper() in ("DISTINCT", "REDUCED", "WHERE"):
            continue
        if kind != "var":
            problems.append("the projection must be plain variables (no *, no expression)")
            return None
        names.append(value[1:])
    if "failure" in names:
        problems.append("?failure rows are not supported")
    if GRAPH_VAR in names:
        problems.append(f"the variable ?{GRAPH_VAR} is reserved")
    return tuple(names)


def _check_body(body: list, problems: list[str]) -> None:
    """Refuse what makes a free $this differ from a pre-bound one, or rdflib differ from Oxigraph."""
    depth, parens, this_bound = 0, 0, False
    for index, (kind, value, _at) in enumerate(body):
        following = body[index + 1][1] if index + 1 < len(body) else ""
        depth += {"{": 1, "}": -1}.get(value, 0)
        parens += {"(": 1, ")": -1}.get(value, 0)
        if kind == "var" and value[1:] == "this" and depth == 0 and parens == 0:
            this_bound = True
        if kind == "var" and value[1:] in ("shapesGraph", "currentShape", "PATH", GRAPH_VAR):
            problems.append(f"{value} is not supported")
        if kind == "word" and value.upper() == "AS" and index + 1 < len(body) and body[index + 1][0] == "var":
            if body[index + 1][1][1:] == "this":
                problems.append("BIND to $this is not supported")
        if kind in ("pname", "iri") and following == "(":
            problems.append(f"function {value} is not supported (casts and extension functions)")
        if kind == "word":
            _check_word(value.upper(), following, problems)
    if not this_bound:
        problems.append("$this must appear in a triple pattern of the top-level group")


def _check_word(word: str, following: str, problems: list[str]) -> None:
    if following == "(" and word not in FUNCTIONS and word not in ("FILTER", "BIND", "NOT", "EXISTS"):
        problems.append(f"SPARQL function {word} is not supported by the fast engine")
    elif following != "(" and word not in _KEYWORDS and word not in FUNCTIONS:
        problems.append(f"SPARQL keyword {word} is not supported by the fast engine")


def _body_text(text: str, body: list, end: int) -> str:
    """The body's own text, REGEX and non-plain REPLACE calls made Python functions."""
    parts, position = [], body[0][2] if body else end
    for index, (kind, value, at) in enumerate(body):
        function = _OURS.get(value.upper()) if kind == "word" else None
        if kind == "word" and value.upper() == "REPLACE" and not _plain_replace(body, index):
            function = _REPLACE_FN
        if function is not None:
            opening = body[index + 1][2]  # Oxigraph wants a function's IRI right before its "("
            parts += [text[position:at], f"<{function}>"]
            position = opening
    parts.append(text[position:end])
    return "".join(parts)


def _plain_replace(body: list, index: int) -> bool:
    """REPLACE(x, "plain", "plain"): no regular-expression character, no group reference, no flags."""
    arguments, depth, current = [], 0, []
    for kind, value, _at in body[index + 1 :]:
        if value == "(":
            depth += 1
            if depth == 1:
                continue
        elif value == ")":
            depth -= 1
            if depth == 0:
                arguments.append(current)
                break
        if value == "," and depth == 1:
            arguments.append(current)
            current = []
        else:
            current.append((kind, value))
    return (
        len(arguments) == 3
        and len(arguments[1]) == 1
        and len(arguments[2]) == 1
        and bool(_PLAIN_PATTERN.match(arguments[1][0][1]))
        and bool(_PLAIN_REPLACEMENT.match(arguments[2][0][1]))
    )


def _predicates(body: list, prefixes: dict[str, str]) -> frozenset | None:
    """The IRIs in predicate position of the body's triple patterns; None if a predicate may be anything.

    A query that names all its predicates matches only triples with those
    predicates, so the batch's store need not hold the others. A variable as
    predicate counts for the IRIs that a filter of the top-level group allows
    it (``FILTER (?p IN (…))`` or ``FILTER (?p = … || ?p = …)``), when the
    pattern is in that group too. Anything else this reading does not follow
    (another variable or ``!`` as predicate, ``[ ]``, a collection) gives None:
    then every triple goes to the store.
    """
    allowed = _allowed_predicates(body, prefixes)
    found, stack, position, depth = set(), ["group"], 0, 0  # depth: parentheses of a predicate's path
    opening = False  # a FILTER or BIND whose "(" comes next: that "(" opens the expression
    for index, (kind, value, _at) in enumerate(body):
        following = body[index + 1][1] if index + 1 < len(body) else ""
        if opening:
            opening = False
            stack.append("expr")
            continue
        if stack[-1] == "expr":
            if value in ("(", "{"):
                stack.append("expr" if value == "(" else "group")
                position = 0
            elif value in (")", "}"):
                stack.pop()
            continue
        if position == 1:
            if value == "(":
                depth += 1
            elif value == ")":
                depth -= 1
            elif kind in ("iri", "pname") or (kind == "word" and value == "a"):
                found.add(_expand(kind, value, prefixes))
            elif kind == "var" and len(stack) == 1 and depth == 0 and value[1:] in allowed:
                found |= allowed[value[1:]]
            elif value not in ("^", "/", "|", "*", "+", "?"):
                return None  # a variable, "!" or something this reading does not follow
            if depth == 0 and following not in ("/", "|", "*", "+", "?") and value not in ("^", "/", "|"):
                position = 2
        elif value == "{":
            stack.append("group")
            position = 0
        elif value == "}":
            stack.pop()
            position = 0
        elif kind == "word" and value.upper() in ("FILTER", "BIND", "OPTIONAL", "NOT", "EXISTS", "UNION"):
            opening = following == "("
            position = 0
        elif value in (".", ";", ","):
            position = {".": 0, ";": 1, ",": 2}[value]
        elif kind == "punct":
            return None  # a collection, a blank node's property list…
        elif position == 0:
            position = 1
    return None if None in found else frozenset(found)


def _allowed_predicates(body: list, prefixes: dict[str, str]) -> dict[str, set]:
    """Variable -> the IRIs a filter of the top-level group allows it: ``FILTER (?v IN (a, b))``, ``FILTER (?v = a || ?v = b)``."""
    found, depth = {}, 0
    for index, (kind, value, _at) in enumerate(body):
        depth += {"{": 1, "}": -1}.get(value, 0)
        if depth == 0 and kind == "word" and value.upper() == "FILTER":
            allowed = _filter_allows([(k, v) for k, v, _ in body[index + 1 :]], prefixes)
            if allowed is not None:
                found[allowed[0]] = found.get(allowed[0], allowed[1]) & allowed[1]
    return found


def _filter_allows(tokens: list, prefixes: dict[str, str]) -> tuple[str, set] | None:
    """(variable, IRIs) when ``tokens`` start with ``( ?v IN ( iri , … ) )`` or ``( ?v = iri || ?v = iri … )``."""
    if len(tokens) < 5 or tokens[0][1] != "(" or tokens[1][0] != "var":
        return None
    variable, rest, iris = tokens[1][1], tokens[2:], set()
    if rest[0][0] == "word" and rest[0][1].upper() == "IN" and rest[1][1] == "(":
        position = 2
        while position < len(rest) and rest[position][0] in ("iri", "pname"):
            iris.add(_expand(*rest[position], prefixes))
            following = rest[position + 1][1] if position + 1 < len(rest) else ""
            if following == ")":
                closed = position + 2 < len(rest) and rest[position + 2][1] == ")"
                return (variable[1:], iris) if closed and None not in iris else None
            if following != ",":
                return None
            position += 2
        return None
    position = 0
    while position + 1 < len(rest) and rest[position][1] == "=" and rest[position + 1][0] in ("iri", "pname"):
        iris.add(_expand(*rest[position + 1], prefixes))
        following = rest[position + 2][1] if position + 2 < len(rest) else ""
        if following == ")":
            return (variable[1:], iris) if None not in iris else None
        if following != "||" or position + 3 >= len(rest) or rest[position + 3][1] != variable:
            return None
        position += 4
    return None


def _expand(kind: str, value: str, prefixes: dict[str, str]) -> str | None:
    if kind == "iri":
        return value[1:-1]
    if kind == "word" and value == "a":
        return str(RDF.type)
    if kind == "pname":
        prefix, _colon, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


# --- rdflib's REGEX and REPLACE, for Oxigraph ---------------------------------------------------

# Called once per value tested (about 1,400 times per description): compared as plain strings,
# with patterns compiled once, as building an rdflib term per call cost more than the match.
_STRINGS = frozenset({str(XSD.string), str(RDF.langString)})
_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE}
_BOOLEAN = ox.NamedNode(str(XSD.boolean))
_TRUE, _FALSE = ox.Literal("true", datatype=_BOOLEAN), ox.Literal("false", datatype=_BOOLEAN)


def _string(term) -> str | None:
    """The text of a string literal (simple, xsd:string or tagged), as rdflib's ``string()`` accepts."""
    if isinstance(term, ox.Literal) and term.datatype.value in _STRINGS:
        return term.value
    return None


@lru_cache(maxsize=64)
def _flag_bits(text: str) -> int:
    return reduce(lambda a, b: a | b, [_FLAGS.get(f, 0) for f in text], 0)


def _flags(term) -> int | None:
    if term is None:
        return 0
    text = _string(term)
    return None if text is None else _flag_bits(text)


@lru_cache(maxsize=256)
def _compiled(expression: str, options: int) -> re.Pattern | None:
    try:
        return re.compile(expression, options)
    except re.error:
        return None


def _regex(text, pattern, flags=None):
    value, expression, options = _string(text), _string(pattern), _flags(flags)
    if value is None or expression is None or options is None:
        return None
    compiled = _compiled(expression, options)
    if compiled is None:
        return None
    return _TRUE if compiled.search(value) else _FALSE


def _replace(text, pattern, replacement, flags=None):
    value, expression, by, options = _string(text), _string(pattern), _string(replacement), _flags(flags)
    if value is None or expression is None or by is None or options is None:
        return None
    compiled = _compiled(expression, options)
    if compiled is None:
        return None
    try:
        result = compiled.sub(re.sub("\\$([0-9]*)", r"\\\1", by), value)
    except re.error:  # a group the pattern does not have
        return None
    return ox.Literal(result, language=text.language) if text.language else ox.Literal(result)


def _compatible(first, second) -> bool:
    """rdflib's ``_compatibleStrings``: two string literals, the second's language (if any) the first's."""
    if _string(first) is None or _string(second) is None:
        return False
    return not second.language or first.language == second.language


def _around(before: bool):
    def function(text, separator):
        if not _compatible(text, separator):
            return None
        found = text.value.find(separator.value)
        if found == -1:
            return ox.Literal("")
        part = text.value[:found] if before else text.value[found + len(separator.value) :]
        return ox.Literal(part, language=text.language) if text.language else ox.Literal(part)

    return function


def _now():
    from datetime import UTC, datetime

    return ox.Literal(str(Literal(datetime.now(UTC))), datatype=ox.NamedNode(str(XSD.dateTime)))


def custom_functions() -> dict:
    """The Python functions that the rewritten queries call, for ``Store.query(custom_functions=…)``."""
    functions = {"regex": _regex, "replace": _replace, "strafter": _around(False), "strbefore": _around(True)}
    return {ox.NamedNode(_FN + name): function for name, function in {**functions, "now": _now}.items()}
