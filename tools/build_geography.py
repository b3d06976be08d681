#!/usr/bin/env python3
"""Build src/cap_ptce/geo/cog.json.gz from the npm package @etalab/decoupage-administratif.

Run from a checkout after ``npm ci`` (``make geography`` does both). Standard
library only, so that it runs before the project's virtual environment exists.

The output is deterministic: the same package gives the same bytes (sorted
keys, compact JSON, gzip without a timestamp or a file name). Nothing in it
comes from the clock: the date it carries is the COG's reference date
(1 January of the millésime), which the package's README names by version.

The table is a JSON object with a "source" header and one table per kind of
place. A table is stored by columns (a "code" list, then one list per field,
in the same order): parsing a few long lists is about twice as fast as one
small list per row, which keeps the cold load of the Python side short.

- communes: current communes only (type "commune-actuelle"), with their postal
  codes (La Poste's, which the package gives beside the COG), space-separated;
- arrondissements_municipaux: Paris, Lyon, Marseille, each with its commune;
- former_communes: communes déléguées and associées (with a name) and the old
  codes that the package lists under "anciensCodes" (without one), each with
  the current commune that holds it;
- epci: EPCI à fiscalité propre and the EPT of the Grand Paris (nature "EPT"),
  with their member communes;
- departements and regions.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sys
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PACKAGE_DIR = ROOT / "node_modules" / PACKAGE
DEFAULT_OUTPUT = ROOT / "src" / "cap_ptce" / "geo" / "cog.json.gz"
DATA_FILES = ("communes", "arrondissements", "departements", "regions", "epci", "ept")
FORMAT = 1


class BuildError(Exception):
    """The package is missing or does not look as this script expects."""


def read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{path} is missing: run `npm ci` first (or `make geography`)") from None


def read_data(package_dir: Path) -> dict[str, list[dict]]:
    """Every data file of the package, by its name without .json."""
    return {name: read_json(package_dir / "data" / f"{name}.json") for name in DATA_FILES}


def data_digest(package_dir: Path) -> str:
    """SHA-256 over the data files read, so that a table names the exact input it came from."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(name.encode() + b"\0")
        digest.update((package_dir / "data" / f"{name}.json").read_bytes())
    return digest.hexdigest()


def millesime_from_readme(readme: str, version: str) -> int:
    """The year that the README's "Millésimes et versions de package" table gives for this version.

    The package's metadata names no date (and npm gives installed files the
    time of the install), and a version number says nothing of the year: the
    README's table is the only statement of it inside the package.
    """
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"\d{4}", cells[0]) and cells[1] == version:
            return int(cells[0])
    raise BuildError(f"the README of {PACKAGE} {version} names no millésime for it: pass --millesime YEAR")


def source_header(package_dir: Path, millesime: int | None) -> dict:
    version = read_json(package_dir / "package.json")["version"]
    if millesime is None:
        readme = (package_dir / "README.md").read_text(encoding="utf-8")
        millesime = millesime_from_readme(readme, version)
    return {
        "package": PACKAGE,
        "version": version,
        "millesime": millesime,
        "as_of": f"{millesime}-01-01",
        "data_sha256": data_digest(package_dir),
    }


def by_type(communes: list[dict], kind: str) -> list[dict]:
    return [row for row in communes if row["type"] == kind]


def current_communes(communes: list[dict]) -> dict[str, dict]:
    return {
        row["code"]: {
            "name": row["nom"],
            "departement": row["departement"],
            "siren": row.get("siren"),
            "population": row.get("population"),
            # one string, not a list: 35,000 small lists cost a third of the table's parsing at each start
            "postal_codes": " ".join(sorted(row.get("codesPostaux", ()))),
        }
        for row in by_type(communes, "commune-actuelle")
    }


def municipal_arrondissements(communes: list[dict]) -> dict[str, dict]:
    return {
        row["code"]: {
            "name": row["nom"],
            "departement": row["departement"],
            "commune": row["commune"],
            "population": row.get("population"),
        }
        for row in by_type(communes, "arrondissement-municipal")
    }


def old_codes(communes: list[dict]) -> dict[str, dict]:
    """Codes that a current commune absorbed, from its "anciensCodes" (no name is given for them)."""
    return {
        old: {"name": None, "departement": None, "kind": "ancien-code", "current": row["code"]}
        for row in by_type(communes, "commune-actuelle")
        for old in row.get("anciensCodes", ())
    }


def attached_communes(communes: list[dict]) -> dict[str, dict]:
    """Communes déléguées and associées, each with the current commune ("chefLieu") that holds it."""
    return {
        row["code"]: {
            "name": row["nom"],
            "departement": row["departement"],
            "kind": row["type"],
            "current": row["chefLieu"],
        }
        for row in communes
        if row["type"] in ("commune-deleguee", "commune-associee")
    }


def former_communes(communes: list[dict]) -> dict[str, dict]:
    # A commune déléguée or associée still exists in the COG with its own
    # "chefLieu": where the derived "anciensCodes" history disagrees with it
    # (two codes in 2026), the COG's own link wins.
    return {**old_codes(communes), **attached_communes(communes)}


def epci_rows(groupings: list[dict]) -> dict[str, dict]:
    # Municipal population, as for the communes: the "populationTotale" counts
    # some people twice (students, boarders) and is not what pages show.
    return {
        row["code"]: {
            "name": row["nom"],
            "nature": row["type"],
            "population": row.get("populationMunicipale"),
            "members": sorted(member["code"] for member in row["membres"]),
        }
        for row in groupings
    }


def departement_rows(departements: list[dict]) -> dict[str, dict]:
    return {
        row["code"]: {"name": row["nom"], "region": row["region"], "chef_lieu": row["chefLieu"]} for row in departements
    }


def region_rows(regions: list[dict]) -> dict[str, dict]:
    return {row["code"]: {"name": row["nom"], "chef_lieu": row["chefLieu"]} for row in regions}


def place_tables(package_dir: Path) -> dict[str, dict[str, dict]]:
    """Each kind of place: code → named fields."""
    data = read_data(package_dir)
    return {
        "communes": current_communes(data["communes"]),
        "arrondissements_municipaux": municipal_arrondissements(data["communes"]),
        "former_communes": former_communes(data["communes"]),
        "epci": epci_rows(data["epci"] + data["ept"]),
        "departements": departement_rows(data["departements"]),
        "regions": region_rows(data["regions"]),
    }


def broken(table: dict[str, dict], field: str, targets: dict) -> list[str]:
    """ "code.field → value" for each row whose field names a code absent from targets (None is no link)."""
    return [
        f"{code}.{field} → {value}"
        for code, row in table.items()
        for value in (row[field] if isinstance(row[field], list) else [row[field]])
        if value is not None and value not in targets
    ]


def dangling_links(tables: dict[str, dict[str, dict]]) -> list[str]:
    communes = tables["communes"]
    return [
        *broken(communes, "departement", tables["departements"]),
        *broken(tables["departements"], "region", tables["regions"]),
        *broken(tables["arrondissements_municipaux"], "commune", communes),
        *broken(tables["arrondissements_municipaux"], "departement", tables["departements"]),
        *broken(tables["former_communes"], "current", communes),
        *broken(tables["former_communes"], "departement", tables["departements"]),
        *broken(tables["epci"], "members", communes),
    ]


def check_tables(tables: dict[str, dict[str, dict]]) -> None:
    """Refuse tables whose links point nowhere: a new package layout must be looked at, not shipped."""
    dangling = dangling_links(tables)
    if dangling:
        raise BuildError(f"{len(dangling)} links point to no place, e.g. {dangling[:5]}")


def to_columns(table: dict[str, dict]) -> dict[str, list]:
    """{code: {field: value}} → {"code": [codes in order], field: [values in the same order]}."""
    codes = sorted(table)
    fields = next(iter(table.values())).keys()
    return {"code": codes, **{field: [table[code][field] for code in codes] for field in fields}}


def build_table(package_dir: Path, millesime: int | None = None) -> dict:
    tables = place_tables(package_dir)
    check_tables(tables)
    columns = {kind: to_columns(table) for kind, table in tables.items()}
    return {"format": FORMAT, "source": source_header(package_dir, millesime), **columns}


def encode(table: dict) -> bytes:
    """Compact, sorted JSON in a gzip stream with no timestamp and no file name: same table, same bytes."""
    payload = json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    buffer = io.BytesIO()
    # GzipFile rather than gzip.compress: its header always says "unknown OS",
    # whereas gzip.compress(mtime=0) hands the header to zlib, which writes the build machine's OS.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as stream:
        stream.write(payload)
    return buffer.getvalue()


def build(package_dir: Path = DEFAULT_PACKAGE_DIR, millesime: int | None = None) -> bytes:
    """The bytes of cog.json.gz for the package installed at package_dir."""
    return encode(build_table(package_dir, millesime))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package-dir", type=Path, default=DEFAULT_PACKAGE_DIR, help="the installed npm package")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the table")
    parser.add_argument("--millesime", type=int, help="COG year, when the package's README does not name it")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        data = build(args.package_dir, args.millesime)
    except BuildError as error:
        print(f"build_geography: {error}", file=sys.stderr)
        return 1
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
