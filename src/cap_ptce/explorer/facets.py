"""The explorer's filters: which facets there are, how a URL's query string states them, and back.

A state of the explorer is a :class:`Selection`: for each facet, the values
chosen (a project matches when it has one of them: OR within a facet, AND
across facets), words to search, and an order. It travels in the URL's query
string, so every state is a link: ``?region=32&dispositif=pat&q=alimentation&tri=completude``.
The same string gives the ``.csv`` and ``.json`` twins, the dashboards of the
selection and ``cap-ptce report --filter``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from ..errors import ParameterError
from ..i18n.suggest import did_you_mean, nearest
from ..queries.parameters import Parameter

__all__ = [
    "FACETS",
    "FACET_NAMES",
    "SORTS",
    "NONE",
    "NOT_APPLICABLE",
    "DATASETS",
    "BANDS",
    "Facet",
    "Selection",
    "parse_selection",
    "completeness_band",
]


@dataclass(frozen=True)
class Facet:
    """A facet: its URL parameter, the values it takes, and whether it has a value for the projects that give none.

    The values are those a ready-made query's parameter of the same type takes (the grid's concept
    scheme, the COG's régions or départements, a fixed list), checked by that parameter before any
    query runs: a mistyped value is refused with the nearest valid one, never counted as 0 poles.
    """

    name: str
    values: Parameter
    ordered: bool = False  # values shown in their own order (bands, stages), not by count
    none: bool = True  # takes « aucun »: the projects that give no value


def _takes(name: str, type_: str, *, scheme: str | None = None, choices: tuple[str, ...] = ()) -> Parameter:
    """The parameter that checks a facet's values: the same types as the ready-made queries' parameters."""
    return Parameter(name, type_, description={}, scheme=scheme, choices=choices)


NONE = "aucun"  # the value of a facet for the projects that give none (no région, no verdict…)
# The conformity and completeness of a record of the register of real PTCEs: it is no application
# described with the grid, so it neither passes nor fails the grid's checks (its own profile checks it).
NOT_APPLICABLE = "sans-objet"
# Which set of descriptions a pole comes from: the register of real PTCEs (public sources), the corpus's
# fictional examples (``fictif: true``), the rest of the corpus (descriptions a deployment loads).
DATASETS = ("registre", "fictif", "corpus")

# Completeness bands: the share of the grid's questions a description answers.
BANDS = ("complete", "haute", "moyenne", "basse", NOT_APPLICABLE, NONE)
FACETS: tuple[Facet, ...] = (
    Facet("jeu", _takes("jeu", "literal", choices=DATASETS), ordered=True, none=False),
    Facet("region", _takes("region", "region")),
    Facet("departement", _takes("departement", "departement")),
    Facet("dispositif", _takes("dispositif", "concept", scheme="dispositifs")),
    Facet("maturite", _takes("maturite", "concept", scheme="maturites"), ordered=True),
    Facet("axe", _takes("axe", "concept", scheme="axes-thematiques")),
    Facet("type", _takes("type", "concept", scheme="types-acteurs")),
    Facet("conformite", _takes("conformite", "literal", choices=("oui", "non", NOT_APPLICABLE)), ordered=True),
    Facet("completude", _takes("completude", "literal", choices=BANDS[:-1]), ordered=True),
)
FACET_NAMES = tuple(facet.name for facet in FACETS)
SORTS = ("nom", "-nom", "completude", "-completude", "region")
MAX_WORDS = 200  # characters of a search: more is no search a person types
_OTHER_PARAMS = {"q", "tri", "lang"}


def completeness_band(completeness: float | None) -> str:
    """The band of a completeness ratio (0 to 1): complete, haute ≥ 75 %, moyenne ≥ 50 %, basse; aucun when unknown."""
    if completeness is None:
        return NONE
    if completeness >= 1:
        return "complete"
    return "haute" if completeness >= 0.75 else "moyenne" if completeness >= 0.5 else "basse"


@dataclass(frozen=True)
class Selection:
    """What the explorer shows: the values chosen per facet, words to search, the order."""

    chosen: dict[str, tuple[str, ...]] = field(default_factory=dict)
    words: str = ""
    sort: str = "nom"

    def __post_init__(self) -> None:
        # a frozen dataclass with a dict: kept sorted and without empty facets, so equal states compare equal
        object.__setattr__(self, "chosen", {k: tuple(sorted(set(v))) for k, v in sorted(self.chosen.items()) if v})

    @property
    def is_everything(self) -> bool:
        """True when nothing narrows the corpus (the order does not)."""
        return not self.chosen and not self.words

    def values(self, facet: str) -> tuple[str, ...]:
        return self.chosen.get(facet, ())

    def params(self, *, with_sort: bool = True) -> list[tuple[str, str]]:
        """The state as query-string pairs, in a fixed order: one state, one URL."""
        pairs = [(name, value) for name in FACET_NAMES for value in self.values(name)]
        if self.words:
            pairs.append(("q", self.words))
        if with_sort and self.sort != "nom":
            pairs.append(("tri", self.sort))
        return pairs

    def query_string(self, *, with_sort: bool = True) -> str:
        """``?region=32&…`` (empty for the whole corpus in its default order)."""
        pairs = self.params(with_sort=with_sort)
        return "?" + urlencode(pairs) if pairs else ""

    def toggled(self, facet: str, value: str) -> Selection:
        """The same state with ``value`` of ``facet`` added, or removed when it was chosen."""
        current = set(self.values(facet))
        current ^= {value}
        return Selection({**self.chosen, facet: tuple(current)}, self.words, self.sort)

    def sorted_by(self, sort: str) -> Selection:
        return Selection(self.chosen, self.words, sort)

    def without_words(self) -> Selection:
        return Selection(self.chosen, "", self.sort)


def parse_selection(pairs) -> Selection:
    """The :class:`Selection` stated by query-string pairs (a Werkzeug MultiDict, a list, or a string).

    Unknown parameters and malformed values are refused (ParameterError, a 400
    on the web, exit code 2 on the command line) with the nearest valid name:
    a misspelt filter must not silently show the whole corpus.
    """
    chosen: dict[str, list[str]] = {}
    words, sort = "", "nom"
    for name, value in _pairs(pairs):
        value = value.strip()
        if name == "q":
            words = _words(value)
        elif name == "tri":
            sort = _sort(value)
        elif name == "lang" or not value:
            continue
        else:
            chosen.setdefault(_facet(name).name, []).append(_value(_facet(name), value))
    return Selection({k: tuple(v) for k, v in chosen.items()}, words, sort)


def _pairs(pairs) -> list[tuple[str, str]]:
    if isinstance(pairs, str):
        return parse_qsl(pairs.lstrip("?"), keep_blank_values=True)
    if hasattr(pairs, "items") and hasattr(pairs, "getlist"):
        return list(pairs.items(multi=True))
    return list(pairs)


def _facet(name: str) -> Facet:
    for facet in FACETS:
        if facet.name == name:
            return facet
    known = [*FACET_NAMES, *sorted(_OTHER_PARAMS)]
    suggestion = nearest(name, known)
    raise ParameterError(
        f"filtre inconnu / unknown filter {name!r}",
        key=name,
        hint=did_you_mean(suggestion) if suggestion else f"filtres / filters: {', '.join(known)}",
    )


def _value(facet: Facet, value: str) -> str:
    """The value as the project table holds it: a code, or a concept's identifier (its IRI is accepted too)."""
    if value == NONE and facet.none:
        return value
    term = facet.values.term(value)  # ParameterError, with the nearest valid value, when it is none of them
    return term.value.rsplit("/", 1)[-1]


def _words(value: str) -> str:
    if len(value) > MAX_WORDS:
        raise ParameterError(
            f"recherche trop longue / search too long ({len(value)} > {MAX_WORDS} characters)",
            key="q",
            hint="quelques mots suffisent / a few words are enough",
        )
    return " ".join(value.split())


def _sort(value: str) -> str:
    if value not in SORTS:
        raise ParameterError(
            f"ordre inconnu / unknown order {value!r}", key="tri", hint=f"au choix / one of: {', '.join(SORTS)}"
        )
    return value
