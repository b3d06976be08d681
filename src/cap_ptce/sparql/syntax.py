"""The engine's parse errors in words that say what is wrong, where, and what to do.

pyoxigraph reports a syntax error as a position and the tokens it expected
there. A few of its sentences mislead, and are said otherwise here.
"""

from __future__ import annotations

import re

from .. import errors
from ..i18n.suggest import did_you_mean_halves, nearest
from .brackets import CLOSER_OF, Unbalanced, find_unbalanced
from .grouping import AGGREGATES, declared_prefixes, ungrouped_variables
from .inspect import UPDATE_KEYWORDS, line_column, tokens_at

__all__ = ["KEYWORDS", "syntax_error"]

# The words of SPARQL 1.1 (query and update), its functions and those Oxigraph reads beyond it (SPARQL 1.2's
# triple terms, LATERAL, ADJUST): a word the engine refuses that is near one of these is a misspelling of it.
KEYWORDS = (
    AGGREGATES
    | UPDATE_KEYWORDS
    | frozenset(
        """
    BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING ORDER ASC DESC
    LIMIT OFFSET VALUES UNDEF OPTIONAL GRAPH SERVICE SILENT BIND MINUS UNION FILTER NOT IN EXISTS LATERAL TRUE FALSE
    DATA USING DEFAULT ALL INTO TO SEPARATOR
    STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE
    ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ
    NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL
    ISNUMERIC REGEX SUBSTR REPLACE TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE ADJUST LANGDIR STRLANGDIR HASLANG
    HASLANGDIR
    """.split()
    )
)

_POSITION = re.compile(r"error at (\d+):(\d+):\s*")
_MAX_MESSAGE = 300
# the engine lists the character ranges it expected: noise for a person reading the error, but for digits
_CHAR_CLASS = re.compile(r",?\s*\[(?:'[^\]]*|_)\](?=,|$)", re.DOTALL)
_DIGITS = re.compile(r"\['0'\.\.='9'\]")
# a sentence of the engine's own among what it expected (LIMIT past 2^64 - 1): the whole message
_SENTENCE = re.compile(r"expected one of ([A-Z][a-z][^,\[]*?)(?:,|$)")


def syntax_error(exc: SyntaxError, query: str | None = None) -> errors.QuerySyntaxError:
    """pyoxigraph's parse error as a QuerySyntaxError with its line and column.

    With the ``query``'s text, an unbalanced bracket is said first, where it is
    (the engine reports it where it gave up, with words it expected instead),
    and three of the engine's sentences that mislead are said otherwise:
    « Prefix not found » names the prefix (and the declared one it may be a
    typo of), « should be a non negative integer » says that a LIMIT or OFFSET
    past 2^64 - 1 is too large, and « a variable that is unbound » next to an
    aggregate names the variables to GROUP BY.
    """
    unbalanced = find_unbalanced(query) if query is not None else None
    if unbalanced is not None:
        return _bracket_error(unbalanced)
    text = str(exc)
    match = _POSITION.search(text)
    message = _DIGITS.sub("a digit", _POSITION.sub("", text, count=1).strip())
    sentence = _SENTENCE.search(message)
    if sentence:
        message = sentence.group(1).strip()
    message = _CHAR_CLASS.sub("", message).replace(", ,", ",").strip(" ,")
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE].rstrip() + "…"
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    said = _said_otherwise(message, query, line, column) if query is not None else None
    if said is not None and "Prefix not found" in message:  # at the prefixed name, not after it
        column = _prefixed_name_column(query, line, column) or column
    if said is None and query is not None and line is not None and message.startswith("expected"):
        undeclared = _undeclared_prefix_before(query, line, column or 1)
        misspelt = undeclared or _misspelt_keyword(query, line, column or 1)
        if misspelt is not None:
            said, line, column = misspelt
    grouping = _group_by_advice(message, query) if query is not None else None
    if grouping is not None:
        said, hint, at = grouping
        line, column = at or (line, column)
    else:
        hint = "corrigez la requête à cette position / fix the query at this position"
    return errors.QuerySyntaxError(said or _in_both(message), line=line, column=column, hint=hint)


_EXPECTED = re.compile(r"expected(?: (one of))?\s*(.*)", re.DOTALL)


def _in_both(message: str) -> str:
    """The engine's own sentence in French and English: « expected … » said in both, its words (keywords,
    signs) as the engine gives them; another sentence of the engine's is quoted as it is."""
    found = _EXPECTED.fullmatch(message)
    if found is None:
        return f"erreur de syntaxe SPARQL, le moteur dit « {message} » / SPARQL syntax error: {message}"
    one_of, listed = found.group(1), found.group(2).strip()
    if not listed:  # only character ranges, taken out: nothing left to name
        return "erreur de syntaxe SPARQL à cette position / SPARQL syntax error at this position"
    listed = re.sub(r"(?<!\S)/(?!\S)", "'/'", listed)  # a bare « / » would cut the message in two
    french = ("l'un de " if one_of else "") + listed.replace("a digit", "un chiffre")
    english = ("one of " if one_of else "") + listed
    return f"erreur de syntaxe SPARQL, attendu {french} / SPARQL syntax error: expected {english}"


_PREFIXED = re.compile(r"(?<![\w<\"'?$])([A-Za-z][\w.-]*)?:(?=[\w%\\]|\s|$)")
_TOO_LARGE = re.compile(r"The query (limit|offset) should be a non negative integer")


def _said_otherwise(message: str, query: str, line: int | None, column: int | None) -> str | None:
    """Our words for an engine's sentence that misleads, or None."""
    large = _TOO_LARGE.search(message)
    if large:
        word = large.group(1).upper()
        return f"{word} trop grand : au plus 18446744073709551615 / {word} too large: at most 18446744073709551615"
    if "Prefix not found" in message and line is not None and column is not None:
        lines = query.splitlines()
        before = lines[line - 1][: max(column - 1, 0)] if 0 < line <= len(lines) else ""
        used = [found.group(1) or "" for found in _PREFIXED.finditer(before)]
        if used:
            return _unknown_prefix(used[-1], query)
    return None


def _prefixed_name_column(query: str, line: int | None, column: int | None) -> int | None:
    """Where the last prefixed name before the engine's position starts on its line (the engine points after it)."""
    lines = query.splitlines()
    if line is None or column is None or not 0 < line <= len(lines):
        return None
    found = list(_PREFIXED.finditer(lines[line - 1][: max(column - 1, 0)]))
    return found[-1].start() + 1 if found else None


def _undeclared_prefix_before(query: str, line: int, column: int) -> tuple[str, int, int] | None:
    """The first prefixed name before where the engine stopped whose prefix the query does not declare (used as a
    function, ``xsd:integer(?o)``, the engine says only what it expected there): what it is, and where."""
    declared = set(declared_prefixes(query))
    lines = query.split("\n")
    stop = sum(len(text) + 1 for text in lines[: line - 1]) + column
    previous = None
    for kind, value, offset in tokens_at(query):
        if offset >= stop:
            break
        name = value.split(":", 1)[0]
        if kind == "pname" and not (previous or "").upper() == "PREFIX" and name not in declared:
            return (_unknown_prefix(name, query), *line_column(query, offset))
        previous = value
    return None


def _misspelt_keyword(query: str, line: int, column: int) -> tuple[str, int, int] | None:
    """The last word before where the engine stopped (on its line or the one before) that is no keyword
    but near one: what it is, with the keyword it is near, and where it is; None when there is none."""
    lines = query.split("\n")
    start = sum(len(text) + 1 for text in lines[: max(line - 2, 0)])
    stop = sum(len(text) + 1 for text in lines[: line - 1]) + column
    words = [(value, offset) for kind, value, offset in tokens_at(query) if kind == "word" and start <= offset < stop]
    for value, offset in reversed(words):
        if (
            value.upper() in KEYWORDS
            or value == "a"
            or query[offset - 1 : offset].isdigit()
            or query[offset - 1 : offset] == "@"
        ):
            continue  # a keyword, a language tag (@fr), the exponent of a number (1e5)
        meant = nearest(value.upper(), KEYWORDS)
        if meant is None:
            return None
        french, english = did_you_mean_halves(meant)
        said = f"mot inconnu « {value} » : {french} / unknown word '{value}': {english}"
        return (said, *line_column(query, offset))
    return None


def _unknown_prefix(name: str, query: str) -> str:
    """An undeclared prefix named, with the declared one it is likely a typo of."""
    declared = [prefix for prefix in declared_prefixes(query) if prefix != name]
    suggestion = nearest(name, declared) if name else None
    if suggestion is not None:
        french, english = did_you_mean_halves(f"{suggestion}:")
        return f"préfixe inconnu « {name}: » : {french} / unknown prefix '{name}:': {english}"
    return (
        f"préfixe inconnu « {name}: » : déclarez-le en tête (PREFIX {name}: <…>) / "
        f"unknown prefix '{name}:': declare it first (PREFIX {name}: <…>)"
    )


def _group_by_advice(message: str, query: str) -> tuple[str, str, tuple[int, int] | None] | None:
    """For an aggregate beside a plain variable that no GROUP BY names: what is wrong, the GROUP BY to add, and
    where the first such variable stands in the SELECT (None when it cannot be found)."""
    if "variable that is unbound" not in message:
        return None
    found = ungrouped_variables(query)
    if found is None:
        return None
    names, has_group_by = found
    variables = " ".join(f"?{name}" for name in names)
    said = (
        f"le SELECT agrège et garde aussi {variables}, que rien ne groupe / "
        f"the SELECT aggregates and also keeps {variables}, which nothing groups"
    )
    if has_group_by:
        hint = f"ajoutez {variables} au GROUP BY / add {variables} to the GROUP BY"
    else:
        hint = (
            f"ajoutez GROUP BY {variables} après le WHERE {{ … }}, ou ôtez {variables} du SELECT / "
            f"add GROUP BY {variables} after WHERE {{ … }}, or take {variables} out of the SELECT"
        )
    select = re.search(r"\bSELECT\b", query, re.IGNORECASE)
    first = re.compile(rf"[?$]{re.escape(names[0])}(?!\w)").search(query, select.end() if select else 0)
    return said, hint, line_column(query, first.start()) if first else None


def _bracket_error(found: Unbalanced) -> errors.QuerySyntaxError:
    """The bracket to fix, in French and English, at its own position."""
    bracket = found.bracket
    char, line, column = bracket.char, bracket.line, bracket.column
    if found.kind == "unclosed":
        closer = CLOSER_OF[char]
        message = (
            f"« {char} » ouverte ligne {line}, colonne {column}, jamais fermée / "
            f"'{char}' opened at line {line}, column {column} is never closed"
        )
        hint = f"ajoutez « {closer} » là où elle se termine / add '{closer}' where it ends"
    elif found.kind == "unopened":
        message = (
            f"« {char} » ligne {line}, colonne {column}, ne ferme rien / "
            f"'{char}' at line {line}, column {column} closes nothing"
        )
        hint = "ôtez-la, ou ouvrez-la avant / remove it, or open it before"
    else:
        opened = found.opened
        closer = CLOSER_OF[opened.char]
        message = (
            f"« {char} » ligne {line}, colonne {column}, ne peut fermer « {opened.char} » ouverte ligne "
            f"{opened.line}, colonne {opened.column} / '{char}' at line {line}, column {column} cannot close "
            f"'{opened.char}' opened at line {opened.line}, column {opened.column}"
        )
        hint = f"fermez d'abord « {opened.char} » par « {closer} » / close '{opened.char}' with '{closer}' first"
    return errors.QuerySyntaxError(message, line=line, column=column, hint=hint)
