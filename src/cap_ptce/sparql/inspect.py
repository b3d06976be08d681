"""Read a SPARQL request before it runs: what form it has and what it would reach.

We do not parse the whole grammar here (the engine does that, and reports
syntax errors with their position); we scan the request's tokens, which is
enough to know for certain whether it is a query or an update, whether it
contains ``SERVICE``, and which graphs its ``FROM`` clauses name. Scanning takes
microseconds where rdflib's parser takes ~15 ms per query, which would dwarf
the engine's own time on small queries.

Why a scan is sound: a keyword is a bare word outside strings, IRIs and
comments, and the tokenizer recognises those exactly as the SPARQL grammar
does. Because some engines (Jena) decode ``\\uXXXX`` escapes before parsing and
others (Oxigraph) do not, the request is scanned both as sent and decoded, and
refused if either reading reaches outside the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from ..errors import QueryRefusedError, QuerySyntaxError, QueryTooComplexError

__all__ = [
    "QUERY_FORMS",
    "UPDATE_KEYWORDS",
    "MAX_NESTING",
    "MAX_DEPTH",
    "QueryInfo",
    "inspect_query",
    "is_update",
    "tokens_at",
]

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})

MAX_NESTING = 256  # groups, brackets and parentheses; real queries stay under 20
# Nesting plus chained operations (``1+1+…``, ``{…} UNION {…} UNION …``, ``OPTIONAL`` after
# ``OPTIONAL``) along one path of the query: the engine recurses once per level and, on the
# 8 MiB stack of a main thread, crashed near 950 nested calls, 2,600 chained OPTIONAL or BIND
# and 6,900 chained additions (pyoxigraph 0.5). Workers run queries on a 256 MiB stack.
MAX_DEPTH = 1000
_CHAINING_SIGNS = frozenset("+-*/|&=!<>^")
_INERT = frozenset({"string", "iri", "var", "pname"})
_CHAINING_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "VALUES", "GRAPH", "EXISTS"})
_TOO_COMPLEX_HINT = (
    "simplifiez la requête : VALUES ou IN plutôt qu'une longue chaîne de || ou de UNION / "
    "simplify the query: VALUES or IN rather than a long chain of || or UNION"
)
_READ_ONLY_HINT = (
    "ce point d'accès est en lecture seule : chargez les données avec « cap-ptce load » / "
    "this endpoint is read-only: load data with `cap-ptce load`"
)

# One alternative per token kind; order matters (long strings before short ones). Numbers and
# operators come as runs (``1+1+1`` is one token): a megabyte of them scans in a few hundredths
# of a second instead of seconds.
_TOKEN = re.compile(
    r"""
    \s*(?:  # spaces before a token are part of its match, not a token of their own
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w:%\\\-]|\.(?=[\w:%\\\-]))*)
  | (?P<word>[^\W\d][\w\-]*)
  | (?P<signs>[0-9+\-*/|&=!^,;.>]+)
  | (?P<other>.)
    )""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class QueryInfo:
    """What a scan tells about a query: its form and the graphs its dataset clause names."""

    form: str
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()

    @property
    def returns_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE, which return triples rather than a table."""
        return self.form in {"CONSTRUCT", "DESCRIBE"}


def _tokens(text: str):
    """(kind, value) for each significant token: no spaces, no comments."""
    for kind, value, _ in tokens_at(text):
        yield kind, value


def line_column(text: str, offset: int) -> tuple[int, int]:
    """Line and column, from 1, of ``offset`` in ``text`` (as the engine and the error pages give them)."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def tokens_at(text: str):
    """(kind, value, offset) for each significant token, ``offset`` being where it starts in ``text``."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind != "comment":
            yield kind, match.group(kind), match.start(kind)


def _decode_escapes(text: str) -> str:
    """The request with ``\\uXXXX`` and ``\\UXXXXXXXX`` decoded, as Jena reads it."""

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _ESCAPE.sub(char, text)


def is_update(text: str) -> bool:
    """True when ``text`` reads as a SPARQL update (in either reading)."""
    return any(_form(list(_tokens(reading))) in UPDATE_KEYWORDS for reading in _readings(text))


def _readings(text: str) -> tuple[str, ...]:
    decoded = _decode_escapes(text)
    return (text,) if decoded == text else (text, decoded)


def _form(tokens: list[tuple[str, str]]) -> str | None:
    """The first keyword after the prologue (BASE and PREFIX declarations), upper-cased."""
    index = 0
    while index < len(tokens):
        kind, value = tokens[index]
        keyword = value.upper() if kind == "word" else None
        if keyword == "BASE":
            index += 2
        elif keyword == "PREFIX":
            index += 3
        else:
            return keyword
    return None


def inspect_query(text: str, *, base_iri: str | None = None) -> QueryInfo:
    """The form and dataset clause of ``text``; refuses updates and ``SERVICE``."""
    first, *others = _readings(text)
    info = _inspect_reading(first, base_iri)
    for reading in others:
        try:
            decoded = _inspect_reading(reading, base_iri)
        except QuerySyntaxError:
            continue  # only a refusal matters in the decoded reading
        info = QueryInfo(
            info.form,
            info.from_graphs + decoded.from_graphs,
            info.from_named_graphs + decoded.from_named_graphs,
        )
    return info


def _inspect_reading(text: str, base_iri: str | None) -> QueryInfo:
    tokens = list(_tokens(text))
    form = _form(tokens)
    if form in UPDATE_KEYWORDS:
        raise QueryRefusedError(
            f"mise à jour SPARQL ({form}) refusée / SPARQL update ({form}) refused", hint=_READ_ONLY_HINT
        )
    if form not in QUERY_FORMS:
        found = (f"« {form} »", f"'{form}'") if form else ("rien", "nothing")
        raise QuerySyntaxError(
            f"attendu SELECT, CONSTRUCT, DESCRIBE ou ASK, trouvé {found[0]} / "
            f"expected SELECT, CONSTRUCT, DESCRIBE or ASK, found {found[1]}",
            line=1,
            column=1,
            hint="une requête SPARQL commence par SELECT, CONSTRUCT, DESCRIBE ou ASK / "
            "a SPARQL query begins with SELECT, CONSTRUCT, DESCRIBE or ASK",
        )
    _refuse_service(tokens)
    _refuse_too_complex(tokens)
    default, named = _dataset_clause(tokens, base_iri)
    return QueryInfo(form, tuple(default), tuple(named))


def _refuse_service(tokens: list[tuple[str, str]]) -> None:
    for kind, value in tokens:
        if kind == "word" and value.upper() == "SERVICE":
            raise QueryRefusedError(
                "SERVICE (requête fédérée) refusé : ce point d'accès n'appelle jamais d'autres services / "
                "SERVICE (federated query) refused: this endpoint never calls other services",
                hint="interrogez chaque service séparément / query each service separately",
            )


def _refuse_too_complex(tokens: list[tuple[str, str]]) -> None:
    """Refuse nesting or chaining that the engine's recursive parser and evaluator cannot take.

    Each open group holds [operations chained in it, deepest bound among its closed
    groups]; a closed group's bound is its chain plus its deepest inner bound plus one.
    The bound is an upper one: it counts every operator of a group as a level. The
    data of VALUES is a flat table (its signs are numbers' signs), and ``^^`` after
    a string names a datatype: neither chains anything.
    """
    stack = [[0, 0]]
    data_depth = values_pending = 0
    previous = ""
    for kind, value in tokens:
        if kind == "other" and value in "{([":
            if len(stack) > MAX_NESTING:
                raise QueryTooComplexError(
                    f"la requête imbrique plus de {MAX_NESTING} niveaux / "
                    f"the query is nested more than {MAX_NESTING} levels deep",
                    hint="simplifiez la requête / simplify the query",
                )
            stack.append([0, 0])
            if data_depth or (values_pending and value == "{"):
                data_depth, values_pending = data_depth + 1, 0
        elif kind == "other" and value in "})]":
            data_depth = max(0, data_depth - 1)
            if len(stack) > 1:
                _fold(stack)
        elif kind in _INERT:
            pass
        elif not data_depth:
            stack[-1][0] += _chained(kind, value, previous)
            values_pending = values_pending or (kind == "word" and value.upper() == "VALUES")
            if stack[-1][0] > MAX_DEPTH:
                break
        previous = kind
    while len(stack) > 1:  # groups left open: the engine reports the syntax error, we bound the depth
        _fold(stack)
    depth = stack[0][0] + stack[0][1]
    if depth > MAX_DEPTH:
        raise QueryTooComplexError(
            f"les expressions et motifs de la requête enchaînent ou imbriquent plus de {MAX_DEPTH} opérations / "
            f"the query's expressions and patterns chain or nest more than {MAX_DEPTH} operations deep",
            hint=_TOO_COMPLEX_HINT,
        )


def _chained(kind: str, value: str, previous: str) -> int:
    """How many operations a token chains: its operator signs, or one for UNION, OPTIONAL…"""
    if kind == "word":
        return value.upper() in _CHAINING_WORDS
    if kind not in {"signs", "other"}:
        return 0
    if previous == "string" and value.startswith("^^"):
        value = value[2:]
    return sum(map(value.count, _CHAINING_SIGNS))


def _fold(stack: list[list[int]]) -> None:
    chained, inner = stack.pop()
    stack[-1][1] = max(stack[-1][1], chained + inner + 1)


def _dataset_clause(tokens, base_iri):
    """IRIs named by FROM and FROM NAMED, with prefixes and the base resolved."""
    prefixes: dict[str, str] = {}
    base = base_iri
    default: list[str] = []
    named: list[str] = []
    index = 0
    while index < len(tokens):
        kind, value = tokens[index]
        keyword = value.upper() if kind == "word" else ""
        if keyword == "BASE" and index + 1 < len(tokens):
            base = _iri(tokens[index + 1], prefixes, base)
        elif keyword == "PREFIX" and index + 2 < len(tokens):
            prefixes[tokens[index + 1][1].rstrip(":")] = _iri(tokens[index + 2], prefixes, base) or ""
        elif keyword == "FROM" and index + 1 < len(tokens):
            is_named = tokens[index + 1][0] == "word" and tokens[index + 1][1].upper() == "NAMED"
            target = tokens[index + 2] if is_named and index + 2 < len(tokens) else tokens[index + 1]
            iri = _iri(target, prefixes, base)
            if iri is not None:
                (named if is_named else default).append(iri)
        index += 1
    return default, named


def _iri(token: tuple[str, str], prefixes: dict[str, str], base: str | None) -> str | None:
    """The absolute IRI that an IRI or prefixed-name token stands for, if it can be known."""
    kind, value = token
    if kind == "iri":
        inner = value[1:-1]
        return urljoin(base, inner) if base else inner
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None
