"""Lookups in the decoded COG table: codes to places, and the links a checker follows.

The table is kept as decoded (one list per column); a place object is built
on each lookup, and each reverse index on its first use, so that loading stays
a matter of decompressing and parsing JSON.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from ..i18n.folding import fold
from .places import Commune, CommuneKind, Departement, Epci, Region, Source

__all__ = ["Geography", "PLACE_KINDS"]

# The kinds of place that place_name() knows.
PLACE_KINDS = ("commune", "departement", "region", "epci")

# Former codes that no list of the COG names any more: kept only to find their current commune.
_OLD_CODE = "ancien-code"


class _Table:
    """One kind of place stored by columns: a "code" list and one list per field, in the same order."""

    def __init__(self, columns: Mapping[str, list]) -> None:
        self._columns = columns

    @cached_property
    def _position(self) -> dict[str, int]:
        codes = self._columns["code"]
        return dict(zip(codes, range(len(codes))))

    def __len__(self) -> int:
        return len(self._columns["code"])

    def get(self, code: str) -> dict[str, Any] | None:
        """The row for code as {field: value}, or None."""
        i = self._position.get(code)
        if i is None:
            return None
        return {field: values[i] for field, values in self._columns.items()}

    def column(self, field: str) -> list:
        """One field of every row, in code order (the reverse indexes zip these rather than build row dicts)."""
        return self._columns[field]


class Geography:
    """The Code officiel géographique of one millésime: read-only lookups by INSEE code or SIREN.

    Codes are matched exactly as INSEE writes them ("2A004", "01001"): a
    checker reports a malformed code rather than have it silently repaired.
    """

    def __init__(self, table: Mapping[str, Any]) -> None:
        self._source = Source(**table["source"])
        self._communes = _Table(table["communes"])
        self._arrondissements = _Table(table["arrondissements_municipaux"])
        self._former = _Table(table["former_communes"])
        self._epci = _Table(table["epci"])
        self._departements = _Table(table["departements"])
        self._regions = _Table(table["regions"])

    def __repr__(self) -> str:
        return f"<Geography {self.source}>"

    @property
    def source(self) -> Source:
        """The npm package, its version and the millésime that the table was built from."""
        return self._source

    # -- places by code -------------------------------------------------------

    def commune(self, code: str) -> Commune | None:
        """The commune that code names today: current first, then a municipal arrondissement or a commune déléguée or
        associée (a commune déléguée that shares its code with its commune nouvelle yields the commune nouvelle)."""
        return self._current(code) or self._arrondissement(code) or self._attached(code)

    def departement(self, code: str) -> Departement | None:
        row = self._departements.get(code)
        return Departement(**row) if row else None

    def region(self, code: str) -> Region | None:
        row = self._regions.get(code)
        return Region(**row) if row else None

    def region_codes(self) -> tuple[str, ...]:
        """The INSEE code of every région (and pseudo-région of an overseas collectivity), sorted."""
        return tuple(sorted(self._regions.column("code")))

    def departement_codes(self) -> tuple[str, ...]:
        """The INSEE code of every département (and overseas collectivity), sorted."""
        return tuple(sorted(self._departements.column("code")))

    def commune_of_siren(self, siren: str) -> Commune | None:
        """The current commune whose SIREN ``siren`` is (« 214601023 »: Figeac, 46102), or None."""
        code = self._communes_by_siren.get(siren)
        return self._current(code) if code else None

    def epci(self, siren: str) -> Epci | None:
        row = self._epci.get(siren)
        if row is None:
            return None
        return Epci(siren, row["name"], row["nature"], tuple(row["members"]), row["population"])

    def place_name(self, kind: str, code: str) -> str | None:
        """The name of a place of one of PLACE_KINDS, or None when the code names none."""
        lookups = {"commune": self.commune, "departement": self.departement, "region": self.region, "epci": self.epci}
        if kind not in lookups:
            from cap_ptce.errors import ParameterError  # only on a caller's mistake: keeps the load path bare

            raise ParameterError(f"unknown kind of place {kind!r}", hint=f"one of {', '.join(PLACE_KINDS)}")
        place = lookups[kind](code)
        return place.name if place else None

    def communes_named(self, name: str) -> tuple[Commune, ...]:
        """The current communes called ``name``, whatever its case, accents, hyphens or « St » for « Saint »:
        what a carrier who typed a commune's name where its INSEE code goes meant (« Dieppe »: 76217)."""
        return tuple(self._current(code) for code in self._communes_by_name.get(_name_key(name), ()))

    def places_named(self, kind: str, name: str) -> tuple:
        """The places of a kind of PLACE_KINDS called ``name``, compared as :meth:`communes_named` does (an EPCI
        with or without its « CC », « CA » or « CU »): what a carrier who typed a name where the code goes meant
        (« Drôme »: 26)."""
        if kind == "commune":
            return self.communes_named(name)
        indexes = {
            "departement": (self._departements_by_name, self.departement),
            "region": (self._regions_by_name, self.region),
            "epci": (self._epcis_by_name, self.epci),
        }
        if kind not in indexes:
            from cap_ptce.errors import ParameterError  # only on a caller's mistake: keeps the load path bare

            raise ParameterError(f"unknown kind of place {kind!r}", hint=f"one of {', '.join(PLACE_KINDS)}")
        index, lookup = indexes[kind]
        return tuple(lookup(code) for code in index.get(_name_key(name), ()))

    def communes_of_postal_code(self, code: str) -> tuple[Commune, ...]:
        """The current communes whose postal code ``code`` is (« 76200 »: Dieppe, 76217): what a carrier who
        typed a postal code where the INSEE code goes meant; an INSEE code may be another commune's postal code."""
        return tuple(self._current(commune) for commune in self._communes_by_postal_code.get(code, ()))

    # -- links ----------------------------------------------------------------

    def current_commune(self, code: str) -> Commune | None:
        """For a municipal arrondissement, a commune déléguée or associée, or a former code: the current commune
        that holds it today. None for a current commune's own code and for a code the data does not know."""
        if self._communes.get(code):
            return None
        row = self._arrondissements.get(code)
        if row:
            return self._current(row["commune"])
        row = self._former.get(code)
        return self._current(row["current"]) if row else None

    def attached_communes(self, code: str) -> tuple[Commune, ...]:
        """The municipal arrondissements and the communes déléguées and associées that a current commune holds."""
        return tuple(self._arrondissement(c) or self._attached(c) for c in self._attached_codes.get(code, ()))

    def communes_of_departement(self, code: str) -> tuple[str, ...]:
        """Codes of the current communes of a département, sorted."""
        return self._communes_by_departement.get(code, ())

    def departements_of_region(self, code: str) -> tuple[str, ...]:
        """Codes of the départements of a région, sorted."""
        return self._departements_by_region.get(code, ())

    def epcis_of_commune(self, code: str) -> tuple[Epci, ...]:
        """The groupings a current commune belongs to: its EPCI à fiscalité propre, then an EPT if any."""
        sirens = self._epcis_by_commune.get(code, ())
        return tuple(epci for epci in map(self.epci, sirens) if epci)

    def departement_in_region(self, departement: str, region: str) -> bool:
        """Whether the département belongs to the région (False when either code is unknown)."""
        found = self.departement(departement)
        return found is not None and found.region == region

    def counts(self) -> dict[str, int]:
        """How many rows each part of the table has (former codes include those that carry no name)."""
        return {
            "communes": len(self._communes),
            "arrondissements_municipaux": len(self._arrondissements),
            "former_communes": len(self._former),
            "epci": len(self._epci),
            "departements": len(self._departements),
            "regions": len(self._regions),
        }

    # -- building place objects -----------------------------------------------

    def _region_of(self, departement: str) -> str:
        return self._departements.get(departement)["region"]

    def _current(self, code: str) -> Commune | None:
        row = self._communes.get(code)
        if row is None:
            return None
        return Commune(
            code,
            row["name"],
            row["departement"],
            self._region_of(row["departement"]),
            CommuneKind.CURRENT,
            population=row["population"],
            siren=row["siren"],
            epci=self._fiscal_epci.get(code),
        )

    def _arrondissement(self, code: str) -> Commune | None:
        row = self._arrondissements.get(code)
        if row is None:
            return None
        departement = row["departement"]
        return Commune(
            code,
            row["name"],
            departement,
            self._region_of(departement),
            CommuneKind.MUNICIPAL_ARRONDISSEMENT,
            population=row["population"],
        )

    def _attached(self, code: str) -> Commune | None:
        row = self._former.get(code)
        if row is None or row["kind"] == _OLD_CODE:
            return None
        departement = row["departement"]
        return Commune(code, row["name"], departement, self._region_of(departement), CommuneKind(row["kind"]))

    # -- reverse indexes, each built on first use ----------------------------

    @cached_property
    def _communes_by_name(self) -> dict[str, tuple[str, ...]]:
        return _group(
            (_name_key(name), code) for name, code in zip(self._communes.column("name"), self._communes.column("code"))
        )

    @cached_property
    def _departements_by_name(self) -> dict[str, tuple[str, ...]]:
        return _names_index(self._departements)

    @cached_property
    def _regions_by_name(self) -> dict[str, tuple[str, ...]]:
        return _names_index(self._regions)

    @cached_property
    def _epcis_by_name(self) -> dict[str, tuple[str, ...]]:
        return _names_index(self._epci, _EPCI_NATURE)

    @cached_property
    def _communes_by_postal_code(self) -> dict[str, tuple[str, ...]]:
        pairs = zip(self._communes.column("postal_codes"), self._communes.column("code"))
        return _group((postal, code) for postals, code in pairs for postal in postals.split())

    @cached_property
    def _communes_by_siren(self) -> dict[str, str]:
        return {
            siren: code for siren, code in zip(self._communes.column("siren"), self._communes.column("code")) if siren
        }

    @cached_property
    def _communes_by_departement(self) -> dict[str, tuple[str, ...]]:
        return _group(zip(self._communes.column("departement"), self._communes.column("code")))

    @cached_property
    def _departements_by_region(self) -> dict[str, tuple[str, ...]]:
        return _group(zip(self._departements.column("region"), self._departements.column("code")))

    @cached_property
    def _epcis_by_commune(self) -> dict[str, tuple[str, ...]]:
        # The EPCI à fiscalité propre before the EPT: a commune of the Grand Paris has one of each.
        ordered = sorted(
            zip(self._epci.column("nature"), self._epci.column("code"), self._epci.column("members")),
            key=lambda grouping: (grouping[0] == "EPT", grouping[1]),
        )
        return _group(((member, siren) for _, siren, members in ordered for member in members), keep_order=True)

    @cached_property
    def _fiscal_epci(self) -> dict[str, str]:
        groupings = zip(self._epci.column("nature"), self._epci.column("code"), self._epci.column("members"))
        return {member: siren for nature, siren, members in groupings if nature != "EPT" for member in members}

    @cached_property
    def _attached_codes(self) -> dict[str, tuple[str, ...]]:
        arrondissements = zip(self._arrondissements.column("commune"), self._arrondissements.column("code"))
        former = zip(self._former.column("current"), self._former.column("code"), self._former.column("kind"))
        attached = ((current, code) for current, code, kind in former if kind != _OLD_CODE)
        return _group([*arrondissements, *attached])


_SEPARATORS = re.compile(r"[\s\-'’]+")
_EPCI_NATURE = re.compile(r"^(CC|CA|CU)\s+")  # « CA Valence Romans Agglo », as carriers write it without
_SAINTS = {"st": "saint", "ste": "sainte"}


def _name_key(name: str) -> str:
    """A place's name as compared: lower case, no accents, words apart whatever separates them."""
    return " ".join(_SAINTS.get(word, word) for word in _SEPARATORS.split(fold(name).replace(".", " ")) if word)


def _names_index(table: _Table, prefix: re.Pattern | None = None) -> dict[str, tuple[str, ...]]:
    """{name as compared: (codes…)} of a table; with ``prefix``, each name also without it."""
    pairs = set()
    for name, code in zip(table.column("name"), table.column("code")):
        pairs.add((_name_key(name), code))
        if prefix is not None and prefix.match(name):
            pairs.add((_name_key(prefix.sub("", name, count=1)), code))
    return _group(pairs)


def _group(pairs: Iterable[tuple[str, str]], keep_order: bool = False) -> dict[str, tuple[str, ...]]:
    """{key: (values…)} from (key, value) pairs; values sorted unless keep_order."""
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return {key: tuple(values if keep_order else sorted(values)) for key, values in groups.items()}
