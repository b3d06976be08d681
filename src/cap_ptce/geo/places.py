"""The places of the French geography, as frozen values.

Each lookup of :class:`cap_ptce.geo.Geography` builds one of these from a row
of the table; nothing here reads the table itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Commune", "CommuneKind", "Departement", "Epci", "Region", "Source"]


class CommuneKind(StrEnum):
    """What a commune code stands for; the values are the package's own ``type`` names."""

    CURRENT = "commune-actuelle"
    MUNICIPAL_ARRONDISSEMENT = "arrondissement-municipal"
    DELEGATED = "commune-deleguee"
    ASSOCIATED = "commune-associee"


@dataclass(frozen=True, slots=True)
class Source:
    """Where the table comes from: the npm package, its version, and the COG year it carries."""

    package: str
    version: str
    millesime: int
    as_of: str  # ISO date of the COG's state: 1 January of the millésime
    data_sha256: str  # digest of the package's data files that the table was built from

    def __str__(self) -> str:
        return f"{self.package} {self.version} (COG {self.millesime})"


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune code: a current commune, or a municipal arrondissement, or a commune déléguée or associée.

    Only a current commune has a SIREN and an EPCI; population is the
    municipal population the package gives (none for communes déléguées and
    associées, none for a few uninhabited overseas territories).
    """

    code: str
    name: str
    departement: str
    region: str
    kind: CommuneKind
    population: int | None = None
    siren: str | None = None
    epci: str | None = None  # SIREN of its EPCI à fiscalité propre

    @property
    def is_current(self) -> bool:
        return self.kind is CommuneKind.CURRENT

    @property
    def named(self) -> str:
        """« Amiens (80021) »: the commune as the checks, the editor and the dossier name it."""
        return f"{self.name} ({self.code})"


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region: str
    chef_lieu: str  # commune code of the préfecture


@dataclass(frozen=True, slots=True)
class Region:
    """A région; overseas collectivities (975, 977, 978, 984, 986–989) stand as their own pseudo-région."""

    code: str
    name: str
    chef_lieu: str


@dataclass(frozen=True, slots=True)
class Epci:
    """An EPCI à fiscalité propre (nature CC, CA, CU, METRO, MET69) or an EPT of the Grand Paris (nature EPT)."""

    siren: str
    name: str
    nature: str
    members: tuple[str, ...]  # commune codes, sorted
    population: int | None = None
