"""Typed parameters of the ready-made queries, and their safe injection.

A ready-made query declares each parameter in its header and carries, in its
body, one placeholder per parameter: ``VALUES ?name { UNDEF }`` for a parameter
without a default (``UNDEF`` leaves the variable free: every value), or
``VALUES ?langue { "fr" }``, its default, for one that has a default. So the
query as written runs, and gives what it gives with its defaults. To bind a
parameter, what the placeholder's braces hold is replaced by RDF terms that
pyoxigraph built and serialised from the user's value, after the value was
checked against the parameter's type: a value is never pasted into the query
text, so no value can change the query's shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..errors import ParameterError
from ..i18n import LANGUAGES
from ..i18n.suggest import did_you_mean, nearest

__all__ = [
    "Parameter",
    "PARAMETER_TYPES",
    "TERM_KINDS",
    "placeholder_pattern",
    "placeholder_values",
    "bind",
    "concept_ids",
    "concept_values",
]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_VOCAB = "https://w3id.org/cap-ptce/vocab/"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MAX_VALUE_CHARS = 500
_MAX_VALUES = 50


@dataclass(frozen=True)
class Parameter:
    """One parameter of a ready-made query, as its header declares it."""

    name: str
    type: str
    description: dict[str, str]
    default: str | None = None
    scheme: str | None = None  # for type ``concept``: the concept scheme's id
    pattern: str | None = None  # for type ``code``: a regular expression the code matches
    choices: tuple[str, ...] = ()
    multiple: bool = False  # several values, separated by commas
    examples: tuple[str, ...] = field(default=())

    def term(self, text: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for one value given as text; ParameterError when it does not fit."""
        text = text.strip()
        if not text:
            raise self._error(
                "",
                ("est une valeur vide", "is an empty value"),
                ("omettez le paramètre pour toutes les valeurs", "leave the parameter out to match every value"),
            )
        if len(text) > _MAX_VALUE_CHARS:
            raise self._error(
                text[:40] + "…", (f"dépasse {_MAX_VALUE_CHARS} caractères", f"is over {_MAX_VALUE_CHARS} characters")
            )
        if self.choices and text not in self.choices:
            raise self._error(
                text,
                ("n'est pas une valeur permise", "is not one of the allowed values"),
                _nearest_or_all(text, self.choices),
            )
        return PARAMETER_TYPES[self.type](self, text)

    def terms(self, text: str) -> list[ox.NamedNode | ox.Literal]:
        """The terms for ``text``: one value, or several separated by commas if ``multiple``."""
        values = text.split(",") if self.multiple else [text]
        if len(values) > _MAX_VALUES:
            raise self._error(
                text[:40] + "…", (f"compte plus de {_MAX_VALUES} valeurs", f"has more than {_MAX_VALUES} values")
            )
        return [self.term(value) for value in values]

    def for_machines(self, body: str) -> dict:
        """What a program needs to bind this parameter in ``body`` without our code (``/requetes.json``)."""
        described = {
            "name": self.name,
            "type": self.type,
            "term": TERM_KINDS[self.type],
            "default": self.default,
            "multiple": self.multiple,
            "description": self.description,
            "placeholder": placeholder_pattern(re.escape(self.name)).search(body).group(0),
        }
        if self.scheme:
            described["scheme"] = self.scheme
            described["scheme_iri"] = f"{_VOCAB}{self.scheme}"
            described["values"] = concept_values(self.scheme)
        if self.pattern:
            described["pattern"] = self.pattern
        if self.choices or self.type == "lang":
            described["choices"] = list(self.choices or LANGUAGES)
        if self.examples:
            described["examples"] = list(self.examples)
        return described

    def _error(self, value: str, problem: tuple[str, str], hint: tuple[str, str] | None = None) -> ParameterError:
        """A ParameterError in French and English: what the value is, and what to write instead."""
        return ParameterError(
            f"paramètre {self.name!r} : {value!r} {problem[0]} / parameter {self.name!r} ({self.type}): {value!r} {problem[1]}",
            key=self.name,
            hint=f"{hint[0]} / {hint[1]}" if hint else None,
        )


def _iri(param: Parameter, text: str) -> ox.NamedNode:
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", text):
        example = "https://w3id.org/cap-ptce/projet/x"
        raise param._error(
            text,
            ("n'est pas une IRI absolue", "is not an absolute IRI"),
            (f"écrivez-la en entier, par ex. {example}", f"write it in full, e.g. {example}"),
        )
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise param._error(text, (f"n'est pas une IRI valide ({exc})", f"is not a valid IRI ({exc})")) from exc


def _concept(param: Parameter, text: str) -> ox.NamedNode:
    namespace = f"{_VOCAB}{param.scheme}/"
    concept_id = text.removeprefix(namespace)
    if not _SLUG.fullmatch(concept_id):
        # « PAT » for « pat »: the nearest id of the scheme is the example to give
        example = nearest(concept_id.casefold(), concept_ids(param.scheme)) or (
            param.examples[0] if param.examples else "mon-concept"
        )
        raise param._error(
            text,
            (
                f"n'est pas un identifiant de concept du schéma {param.scheme!r}",
                f"is not a concept id of the scheme {param.scheme!r}",
            ),
            (
                f"écrivez un identifiant comme {example}, ou son IRI {namespace}…",
                f"write an id such as {example}, or its IRI {namespace}…",
            ),
        )
    known = concept_ids(param.scheme)
    if concept_id not in known:
        raise param._error(
            text,
            (f"n'est pas un concept du schéma {param.scheme!r}", f"is not a concept of the scheme {param.scheme!r}"),
            _nearest_or_all(concept_id, known),
        )
    return ox.NamedNode(namespace + concept_id)


def concept_values(scheme_id: str) -> list[dict]:
    """Each concept a parameter of the scheme takes: its id (what to type), IRI (what to bind) and labels."""
    from ..grid import load_grid

    grid = load_grid()
    found = grid.public_schemes if scheme_id == "dispositifs" else grid.scheme(scheme_id).concepts
    return [
        {
            "value": concept.id,
            "iri": f"{_VOCAB}{scheme_id}/{concept.id}",
            "label": {lang: getattr(concept.label, lang) for lang in LANGUAGES},
        }
        for concept in found
    ]


def concept_ids(scheme_id: str | None) -> list[str]:
    """The ids of the concepts of a scheme of the grid (``dispositifs``: the public schemes)."""
    from ..grid import load_grid  # the grid is the one source of the concept lists

    grid = load_grid()
    if scheme_id == "dispositifs":
        return [scheme.id for scheme in grid.public_schemes]
    return [concept.id for concept in grid.scheme(scheme_id).concepts]


def _literal(param: Parameter, text: str) -> ox.Literal:
    return ox.Literal(text)


def _code(param: Parameter, text: str) -> ox.Literal:
    if param.pattern and not re.fullmatch(param.pattern, text):
        raise param._error(
            text, (f"n'est pas un code de la forme {param.pattern}", f"is not a code of the form {param.pattern}")
        )
    return ox.Literal(text)


# Which places a ``region`` or ``departement`` parameter names, in French and English.
_PLACES = {"region": ("région", "région"), "departement": ("département", "département")}
# Codes that people still type for places the COG names otherwise: Corsica was département 20 until 1976.
_FORMER_CODES = {"20": "2A, 2B"}


def _place(param: Parameter, text: str) -> ox.Literal:
    """The INSEE code of a région or a département that the official geography (the COG) holds."""
    from ..geo import load_geography  # the COG is the one source of the codes that exist

    geography = load_geography()
    known = geography.region_codes() if param.type == "region" else geography.departement_codes()
    if text in known:
        return ox.Literal(text)
    place, year = _PLACES[param.type], geography.source.millesime
    problem = (
        f"n'est pas un code INSEE de {place[0]} du COG {year}",
        f"is not the INSEE code of a {place[1]} in the COG {year}",
    )
    written = text.upper().lstrip("0").zfill(2)  # « 032 », « 2 », « 2a » for « 32 », « 02 », « 2A »
    if written in known:
        raise param._error(text, problem, tuple(did_you_mean(written).split(" / ")))
    if param.type == "departement" and text in _FORMER_CODES:
        raise param._error(text, problem, tuple(did_you_mean(_FORMER_CODES[text]).split(" / ")))
    # a code of the same length only: « 99 » is no misspelt « 989 »
    raise param._error(text, problem, _nearest_or_all(text, [code for code in known if len(code) == len(text)], known))


def _nearest_or_all(text: str, candidates, every=None) -> tuple[str, str]:
    """The hint for a value that is none of ``candidates``: the nearest one, or else all of ``every`` (the candidates)."""
    suggestion = nearest(text, candidates)
    if suggestion:
        return tuple(did_you_mean(suggestion).split(" / "))
    listed = ", ".join(every if every is not None else candidates)
    return (f"valeurs : {listed}", "use one of these values")


def _integer(param: Parameter, text: str) -> ox.Literal:
    if re.fullmatch(r"[+-]?[0-9]{19,}", text):  # an integer all the same: said so (a researcher read « not one »)
        raise param._error(
            text,
            ("est un entier trop long (18 chiffres au plus)", "is an integer too long (18 digits at most)"),
            ("écrivez un nombre plus court, par ex. 999999999", "write a shorter number, e.g. 999999999"),
        )
    if not re.fullmatch(r"[+-]?[0-9]{1,18}", text):
        raise param._error(
            text,
            ("n'est pas un entier", "is not an integer"),
            ("écrivez des chiffres, par ex. 3", "write digits only, e.g. 3"),
        )
    return ox.Literal(str(int(text)), datatype=ox.NamedNode(_XSD + "integer"))


def _decimal(param: Parameter, text: str) -> ox.Literal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or len(text) > 30:
        raise param._error(
            text,
            ("n'est pas un nombre décimal", "is not a decimal number"),
            ("écrivez-le avec un point, par ex. 1500.50", "write it with a dot, e.g. 1500.50"),
        )
    return ox.Literal(format(number, "f"), datatype=ox.NamedNode(_XSD + "decimal"))


def _boolean(param: Parameter, text: str) -> ox.Literal:
    lowered = text.lower()
    if lowered not in {"true", "false", "oui", "non", "1", "0"}:
        raise param._error(
            text, ("n'est pas un booléen", "is not a boolean"), ("écrivez true ou false", "write true or false")
        )
    value = "true" if lowered in {"true", "oui", "1"} else "false"
    return ox.Literal(value, datatype=ox.NamedNode(_XSD + "boolean"))


def _lang(param: Parameter, text: str) -> ox.Literal:
    if text not in LANGUAGES:
        raise param._error(
            text,
            ("n'est pas une langue publiée", "is not a language we publish"),
            ("écrivez fr ou en", "write fr or en"),
        )
    return ox.Literal(text)


# What each type of parameter becomes in the query: an IRI, a plain string or a typed literal.
TERM_KINDS = {
    "iri": "iri",
    "concept": "iri",
    "literal": "string",
    "code": "string",
    "region": "string",
    "departement": "string",
    "lang": "string",
    "integer": _XSD + "integer",
    "decimal": _XSD + "decimal",
    "boolean": _XSD + "boolean",
}

PARAMETER_TYPES: dict[str, Callable[[Parameter, str], ox.NamedNode | ox.Literal]] = {
    "iri": _iri,
    "concept": _concept,
    "literal": _literal,
    "code": _code,
    "region": _place,
    "departement": _place,
    "integer": _integer,
    "decimal": _decimal,
    "boolean": _boolean,
    "lang": _lang,
}


def placeholder_pattern(name: str = r"[A-Za-z_][A-Za-z0-9_]*") -> re.Pattern[str]:
    """The placeholder ``VALUES ?name { … }`` (or ``$name``); any parameter's by default.

    Group 1 is the variable's name, group 2 what the braces hold: ``UNDEF`` (every
    value) or the serialised terms of the parameter's default.
    """
    return re.compile(r"VALUES\s+[?$](" + name + r")\s*\{([^{}]*)\}", re.IGNORECASE)


def placeholder_values(terms: list[ox.NamedNode | ox.Literal] | None) -> str:
    """What a placeholder's braces hold for ``terms``: their serialisations, or ``UNDEF`` for none."""
    return " ".join(str(term) for term in terms) if terms else "UNDEF"


def bind(body: str, values: dict[str, list[ox.NamedNode | ox.Literal]]) -> str:
    """``body`` with each bound parameter's placeholder holding its serialised terms.

    One pass over the body: text already substituted (a literal that looks like a
    placeholder, say) is never scanned again.
    """

    def substitute(match: re.Match[str]) -> str:
        terms = values.get(match.group(1))
        if terms is None:
            return match.group(0)
        return f"VALUES ?{match.group(1)} {{ {placeholder_values(terms)} }}"

    return placeholder_pattern().sub(substitute, body)
