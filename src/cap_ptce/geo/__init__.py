"""The official French geography (Code officiel géographique) as a read-only Python table.

Owns: the answer to "does this INSEE code, SIREN of an EPCI,
département or région exist, what is it called, and what does it belong to"
for the checks and the pages. It knows communes (current ones, municipal
arrondissements of Paris, Lyon and Marseille, communes déléguées and
associées, and old codes merged into a current commune), EPCI à fiscalité
propre and the EPT of the Grand Paris with their member communes,
départements and régions.

Where the data comes from: ``cog.json.gz`` beside this file, built by
``tools/build_geography.py`` (``make geography``) from Etalab's npm package
``@etalab/decoupage-administratif``, pinned in package.json. The table's
``source`` names the package, its version and its COG millésime; it is never
fetched at run time. See docs/geography.md for what the table holds and omits
and how to move to a new millésime.

Overseas: the five DROM (971 Guadeloupe, 972 Martinique, 973 Guyane,
974 La Réunion, 976 Mayotte) are départements of régions 01–06. The
collectivities of Saint-Pierre-et-Miquelon (975), Saint-Barthélemy (977),
Saint-Martin (978), the TAAF (984), Wallis-et-Futuna (986), French Polynesia
(987), New Caledonia (988) and Clipperton (989) are each a "département" and
a pseudo-région of the same three-digit code, as the package has them; their
communes have no SIREN and no EPCI there.

May import: ``cap_ptce.errors`` only; it is a bottom-layer package, so that
any other stage may use it.

Usage::

    from cap_ptce.geo import load_geography

    geo = load_geography()
    geo.commune("80021").name              # 'Amiens'
    geo.current_commune("69381").code      # '69123' (Lyon 1er arrondissement → Lyon)
    geo.place_name("epci", "243500139")    # 'Rennes Métropole'
"""

from __future__ import annotations

import gzip
import json
import os
from functools import cache

from .geography import PLACE_KINDS, Geography
from .places import Commune, CommuneKind, Departement, Epci, Region, Source

__all__ = [
    "PLACE_KINDS",
    "Commune",
    "CommuneKind",
    "Departement",
    "Epci",
    "Geography",
    "Region",
    "Source",
    "TABLE_FORMAT",
    "load_geography",
]

# Layout version of cog.json.gz, written by tools/build_geography.py (FORMAT there).
TABLE_FORMAT = 1
# A plain path beside this file: wheels install unzipped, and importlib.resources
# cost more to import than the table takes to read.
_TABLE_PATH = os.path.join(os.path.dirname(__file__), "cog.json.gz")


@cache
def load_geography() -> Geography:
    """The geography shipped with the package, read once per process and shared."""
    with open(_TABLE_PATH, "rb") as stream:
        table = json.loads(gzip.decompress(stream.read()))
    if table.get("format") != TABLE_FORMAT:
        raise RuntimeError(
            f"{_TABLE_PATH} has layout {table.get('format')!r}, this code reads {TABLE_FORMAT}: rebuild it"
            " with `make geography`"
        )
    return Geography(table)
