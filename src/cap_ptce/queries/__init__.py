"""The ready-made research queries: named, documented, parameterised SPARQL.

Each query is a file ``NAME.rq`` in this folder. Its header, the comment block
at the top, holds its metadata as YAML (title and description in French and
English, its parameters, the labels of its result columns); the rest is the
query itself, runnable as it is. See ``docs/queries.md`` for the format.

::

    >>> from cap_ptce.queries import list_queries, build
    >>> [q.name for q in list_queries()][:1]
    ['acteurs-par-type']
    >>> sparql = build("projets-par-dispositif", {"dispositif": "pat"})

Parameters are checked against their declared type and injected as RDF terms
serialised by pyoxigraph (see :mod:`cap_ptce.queries.parameters`).

Owns: the ``.rq`` files, their headers and typed parameters, and query results
as rows of Python values (:mod:`.results`). May import: the foundations,
``grid`` (concept parameters), ``sparql`` and ``store``; never ``web`` or ``cli``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from ..errors import InputError, InputFileError, NotFoundError, ParameterError
from ..i18n import LANGUAGES
from ..i18n.suggest import did_you_mean, nearest
from .parameters import PARAMETER_TYPES, Parameter, bind, placeholder_pattern, placeholder_values

__all__ = [
    "Parameter",
    "ReadyQuery",
    "list_queries",
    "get_query",
    "build",
    "run_query",
    "is_ready_made",
    "read_query",
    "query_text",
    "parse_query",
    "QUERIES_DIR",
    "READY_MADE_MAX_ROWS",
]

QUERIES_DIR = Path(__file__).resolve().parent
_HEADER_KEYS = {"title", "description", "parameters", "columns", "questions"}
_PARAMETER_KEYS = {"type", "default", "description", "scheme", "pattern", "choices", "multiple", "examples"}


@dataclass(frozen=True)
class ReadyQuery:
    """A ready-made query: its name, texts in French and English, parameters and SPARQL."""

    name: str
    title: dict[str, str]
    description: dict[str, str]
    parameters: tuple[Parameter, ...]
    columns: dict[str, dict[str, str]]
    questions: tuple[str, ...]
    sparql: str  # the query without its header, runnable as it is
    # the line and column (from 0) where ``sparql`` begins in the text it was read from: an error the engine
    # finds is told at the text's own position (see :meth:`as_written`)
    starts_at: tuple[int, int] = (0, 0)

    def as_written(self, built: str) -> str:
        """``built`` (this query's SPARQL, its parameters bound) where its text had it: after as many line breaks
        and spaces as the header and the blank lines and indentation before the SPARQL took. The engine counts
        lines and columns in what it is given; a user's query then gets its syntax errors at its own lines."""
        line, column = self.starts_at
        return "\n" * line + " " * column + built

    @property
    def reads_register(self) -> bool:
        """True for the ``registre-*`` queries, which read the register of real PTCEs alone; the others read
        the corpus and leave the register aside."""
        return self.name.startswith("registre-")

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; ParameterError naming the nearest ones otherwise."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = [p.name for p in self.parameters]
        suggestion = nearest(name, known)
        if suggestion:
            hint = did_you_mean(suggestion)
        elif known:
            hint = f"paramètres / parameters: {', '.join(known)}"
        else:
            hint = "elle n'en prend aucun / it takes no parameter"
        raise ParameterError(
            f"la requête {self.name!r} n'a pas de paramètre {name!r} / "
            f"the query {self.name!r} has no parameter {name!r}",
            key=name,
            hint=hint,
        )

    def build(self, params: dict[str, str] | None = None) -> str:
        """The SPARQL text with ``params`` (and the defaults of the others) bound."""
        given = dict(params or {})
        for name in given:
            self.parameter(name)
        values = {}
        for parameter in self.parameters:
            # An empty value (a form's blank field) counts as left out: the default applies.
            text = str(given.get(parameter.name) or "").strip() or parameter.default
            if text is not None:
                values[parameter.name] = parameter.terms(text)
        return bind(self.sparql, values)

    def text(self, lang: str, what: str = "title") -> str:
        """The title or description in ``lang`` (French when ``lang`` is not published)."""
        texts = getattr(self, what)
        return texts.get(lang) or texts["fr"]


def query_text(name: str) -> str:
    """The text of the ready-made query's file: its YAML header and its SPARQL, runnable as it stands."""
    get_query(name)  # a name that is not a query's is a NotFoundError, never a path
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")


def list_queries() -> list[ReadyQuery]:
    """Every ready-made query, sorted by name."""
    return list(_catalogue().values())


def get_query(name: str) -> ReadyQuery:
    """The ready-made query called ``name``; NotFoundError naming the nearest ones otherwise."""
    catalogue = _catalogue()
    if name in catalogue:
        return catalogue[name]
    close = difflib.get_close_matches(name, list(catalogue), n=3, cutoff=0.5)  # several: names look alike
    if close:
        hint = f"vouliez-vous dire {' ou '.join(close)} ? / did you mean {' or '.join(close)}?"
    else:
        hint = "« cap-ptce query --list » ou /requetes les listent / `cap-ptce query --list` or /requetes lists them"
    raise NotFoundError(
        f"aucune requête prête à l'emploi ne s'appelle {name!r} / no ready-made query is called {name!r}",
        key=name,
        hint=hint,
    )


def build(name: str, params: dict[str, str] | None = None) -> str:
    """The SPARQL text of the query ``name`` with ``params`` bound."""
    return get_query(name).build(params)


def is_ready_made(text: str) -> bool:
    """Whether ``text`` is, character for character, a ready-made query with its default parameters.

    Such a text is ours whoever sends it (the query pages and their editor show
    it so): the SPARQL endpoint runs it as the query pages do, on the server's
    shared in-memory copy (:attr:`cap_ptce.sparql.QueryRequest.ready_made`).
    """
    return text in _default_texts()


@cache
def _default_texts() -> frozenset[str]:
    return frozenset(query.build({}) for query in list_queries())


# A ready-made query's rows follow the corpus (one or more a description: 10,876 for projets-par-dispositif at
# 10,000 descriptions): no cap on them, on the web, the command line or here. MAX_RESULT_ROWS bounds a visitor's
# own query; the worker's memory cap (QUERY_MEMORY_MB) and the time limit still hold.
READY_MADE_MAX_ROWS = 2**62


def run_query(
    kb: Any,
    name: str,
    params: dict[str, str] | None = None,
    *,
    timeout: float | None = None,
    max_rows: int = READY_MADE_MAX_ROWS,
) -> list[dict[str, Any]]:
    """Run the query ``name`` on the knowledge base ``kb``; rows as dicts of Python values (every row).

    See :mod:`cap_ptce.queries.results` for how RDF terms become Python values;
    ``timeout`` (seconds) runs the query in a worker stopped at the limit.
    """
    from .results import rows

    return rows(kb, build(name, params), timeout=timeout, max_rows=max_rows)


@cache
def _catalogue() -> dict[str, ReadyQuery]:
    found = {}
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        found[path.stem] = parse_query(text, path.stem, source=f"cap_ptce/queries/{path.name}")
    return found


def read_query(path: str | Path) -> ReadyQuery:
    """A query from a ``.rq`` file; its header is optional (title = file name without it)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(
            f"impossible de lire le fichier de requête / cannot read the query file: {exc}", source=str(path)
        ) from exc
    return parse_query(text, path.stem, source=str(path), require_header=False)


def parse_query(text: str, name: str, *, source: str, require_header: bool = True) -> ReadyQuery:
    """A query from its text: the YAML header (comment lines at the top) and the SPARQL body."""
    header, body, header_lines = _split_header(text)
    try:
        meta = yaml.safe_load(header) if header.strip() else None
    except yaml.YAMLError as exc:
        if require_header:
            raise InputError(
                f"l'en-tête n'est pas du YAML valide / the header is not valid YAML: {exc}", source=source
            ) from exc
        meta = None  # a user's file whose top comments are prose, not a header
    if not isinstance(meta, dict) and not require_header:
        meta = {"title": dict.fromkeys(LANGUAGES, name), "description": dict.fromkeys(LANGUAGES, "")}
    _check_keys(meta, _HEADER_KEYS, {"title", "description"}, source)
    parameters = tuple(_parameter(key, spec, source) for key, spec in (meta.get("parameters") or {}).items())
    for parameter in parameters:
        _check_placeholder(body, parameter, source)
    return ReadyQuery(
        name=name,
        title=_texts(meta["title"], "title", source),
        description=_texts(meta["description"], "description", source),
        parameters=parameters,
        columns={var: _texts(label, f"columns.{var}", source) for var, label in (meta.get("columns") or {}).items()},
        questions=tuple(meta.get("questions") or ()),
        sparql=body.strip() + "\n",
        starts_at=_start(body, header_lines),
    )


def _start(body: str, header_lines: int) -> tuple[int, int]:
    """Where the SPARQL of ``body`` begins in the query's text, after ``header_lines`` lines of header."""
    lead = body[: len(body) - len(body.lstrip())]
    return header_lines + lead.count("\n"), len(lead) - (lead.rfind("\n") + 1)


def _check_placeholder(body: str, parameter: Parameter, source: str) -> None:
    """The body holds the parameter's placeholder once, with ``UNDEF`` or the parameter's default in it."""
    found = placeholder_pattern(re.escape(parameter.name)).findall(body)
    default = placeholder_values(parameter.terms(parameter.default)) if parameter.default is not None else None
    expected = f"VALUES ?{parameter.name} {{ {default or 'UNDEF'} }}"
    if parameter.default is None and found and " ".join(found[0][1].split()) != "UNDEF":
        found = []  # a parameter without a default is free as written: its braces hold UNDEF
    if len(found) != 1:
        raise InputError(
            f"le corps doit contenir une fois et une seule / the body must hold exactly one '{expected}'",
            source=source,
            key=parameter.name,
        )
    held = " ".join(found[0][1].split())
    if held != "UNDEF" and _terms_of(held, source) != parameter.terms(parameter.default or ""):
        raise InputError(
            f"le paramètre {parameter.name!r} a pour défaut {parameter.default!r}, mais le corps tient "
            f"/ parameter {parameter.name!r} defaults to {parameter.default!r}, but the body holds {held!r}",
            source=source,
            key=parameter.name,
            hint=f"écrivez / write '{expected}'",
        )


def _terms_of(held: str, source: str) -> list:
    """The RDF terms that a placeholder's braces hold (``18``, ``"fr"``…), read by the engine itself."""
    try:
        solutions = ox.Store().query(f"SELECT ?x {{ VALUES ?x {{ {held} }} }}")
    except SyntaxError as exc:
        raise InputError(f"valeurs illisibles / unreadable values {held!r}: {exc}", source=source) from None
    return [solution["x"] for solution in solutions]


def _split_header(text: str) -> tuple[str, str, int]:
    """The header (comment lines at the top, ``#`` removed), the rest, and how many lines the header took."""
    lines = text.splitlines()
    count = 0
    while count < len(lines) and lines[count].startswith("#"):
        count += 1
    header = "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in lines[:count])
    return header, "\n".join(lines[count:]), count


def _parameter(name: str, spec: dict, source: str) -> Parameter:
    _check_keys(spec, _PARAMETER_KEYS, {"type", "description"}, f"{source}: parameter {name}")
    if spec["type"] not in PARAMETER_TYPES:
        raise InputError(
            f"paramètre / parameter {name}: type inconnu / unknown type {spec['type']!r}",
            source=source,
            hint=f"types : {', '.join(PARAMETER_TYPES)}",
        )
    default = spec.get("default")
    parameter = Parameter(
        name=name,
        type=spec["type"],
        description=_texts(spec["description"], f"parameter {name}", source),
        default=None if default is None else str(default),
        scheme=spec.get("scheme"),
        pattern=spec.get("pattern"),
        choices=tuple(str(c) for c in spec.get("choices") or ()),
        multiple=bool(spec.get("multiple", False)),
        examples=tuple(str(e) for e in spec.get("examples") or ()),
    )
    if parameter.default is not None:
        parameter.terms(parameter.default)  # a default that does not fit its type is our bug
    return parameter


def _texts(value: Any, where: str, source: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in LANGUAGES):
        raise InputError(
            f"{where} : il faut un texte en français et en anglais / needs a French and an English text (fr:, en:)",
            source=source,
        )
    others = [str(key) for key in value if key not in LANGUAGES]
    if others:
        # In a flow mapping, {fr: Issue (a, b), en: …}, each comma starts a key: the text is cut at the first one.
        raise InputError(
            f"{where} : clé(s) en trop / extra key(s) {', '.join(map(repr, others))}; "
            f"le texte {value[LANGUAGES[0]]!r} est-il coupé par une virgule ? / is the text cut by a comma?",
            source=source,
            hint='mettez le texte entre guillemets / quote the text: {fr: "a, b", en: "a, b"}',
        )
    return {lang: " ".join(value[lang].split()) for lang in LANGUAGES}


def _check_keys(meta: Any, allowed: set[str], required: set[str], source: str) -> None:
    if not isinstance(meta, dict):
        raise InputError("l'en-tête doit être un dictionnaire YAML / the header must be a YAML mapping", source=source)
    for key in meta:
        if key not in allowed:
            suggestion = nearest(str(key), sorted(allowed))
            raise InputError(
                f"clé inconnue / unknown key {key!r}",
                source=source,
                key=str(key),
                hint=did_you_mean(suggestion) if suggestion else None,
            )
    missing = required - set(meta)
    if missing:
        raise InputError(f"clé(s) manquante(s) / missing key(s): {', '.join(sorted(missing))}", source=source)
