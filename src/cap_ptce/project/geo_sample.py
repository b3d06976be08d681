"""Real French territories for synthetic descriptions, taken from the official geography (:mod:`cap_ptce.geo`).

A fixed choice of départements, every région, Corsica (2A/2B) and overseas
(97x) included; for each, from the Code officiel géographique: its name and
région, its préfecture and up to two more of the most populous communes of the
préfecture's EPCI in the same département, and that EPCI. So a synthetic
territory's communes lie in its départements and régions and belong to their
EPCI, as the checks require. Pairs of neighbouring départements give
territories over two départements (of two régions for the first six).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..geo import load_geography

__all__ = ["Departement", "NEIGHBOURS", "departement", "departements", "region_name"]

# The départements drawn from: a spread over every région of the COG.
_CODES = (
    "75 93 94 37 45 18 21 25 58 14 76 50 80 59 62 02 67 57 51 88 44 49 72 35 29 56 22 33 87 64 86 23 "
    "31 34 30 66 12 09 69 38 63 42 15 01 13 06 84 05 2A 2B 971 972 973 974 976"
).split()


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: str
    communes: tuple[tuple[str, str], ...]  # (INSEE code, name)
    epci: tuple[tuple[str, str], ...] = ()  # (SIREN, name)


@cache
def departements() -> tuple[Departement, ...]:
    """The départements drawn from, with their communes and EPCI as the COG gives them."""
    geo = load_geography()
    return tuple(_departement(geo, code) for code in _CODES)


def _departement(geo, code: str) -> Departement:
    found = geo.departement(code)
    seat = geo.commune(found.chef_lieu)
    epci = geo.epci(seat.epci) if seat.epci else None
    others = [geo.commune(c) for c in (epci.members if epci else ()) if c != seat.code]
    others = sorted((c for c in others if c.departement == code), key=lambda c: (-(c.population or 0), c.code))
    communes = tuple((c.code, c.name) for c in (seat, *others[:2]))
    return Departement(code, found.name, found.region, communes, ((epci.siren, epci.name),) if epci else ())


@cache
def departement(code: str) -> Departement:
    """One of the départements drawn from, by its code."""
    return next(d for d in departements() if d.code == code)


# Départements that share a border, for territories over two départements; the first six pairs
# straddle two régions (Aisne and Marne, Vienne and Indre-et-Loire, Aveyron and Cantal…).
NEIGHBOURS: tuple[tuple[str, str], ...] = (
    ("02", "51"),
    ("86", "37"),
    ("12", "15"),
    ("49", "86"),
    ("56", "44"),
    ("30", "84"),
    ("42", "63"),
    ("57", "67"),
    ("59", "62"),
    ("29", "56"),
    ("13", "84"),
    ("35", "22"),
    ("31", "09"),
)


def region_name(code: str) -> str:
    """The région's name in the COG."""
    return load_geography().region(code).name
