"""The COG table in cap_ptce.geo: real codes, unknown codes, its header, and a rebuild that gives the same bytes.

The rebuild tests need node_modules: `make test` runs `npm ci` first, so a
missing package is a failure here, not a skip.
"""

from __future__ import annotations

import ast
import dataclasses
import gzip
import importlib.util
import json
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from cap_ptce.errors import ParameterError
from cap_ptce.geo import CommuneKind, load_geography

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "node_modules" / "@etalab" / "decoupage-administratif"
TABLE = ROOT / "src" / "cap_ptce" / "geo" / "cog.json.gz"


@pytest.fixture(scope="module")
def geo():
    return load_geography()


@pytest.fixture(scope="module")
def builder():
    """tools/build_geography.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_geography", ROOT / "tools" / "build_geography.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def package_dir() -> Path:
    assert (PACKAGE_DIR / "package.json").is_file(), f"{PACKAGE_DIR} is missing: run `npm ci` (make test does)"
    return PACKAGE_DIR


# -- header -------------------------------------------------------------------


def test_header_names_the_pinned_package_and_its_millesime(geo):
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert geo.source.package == "@etalab/decoupage-administratif"
    assert geo.source.version == pinned["@etalab/decoupage-administratif"] == "6.0.0"
    assert (geo.source.millesime, geo.source.as_of) == (2026, "2026-01-01")
    assert str(geo.source) == "@etalab/decoupage-administratif 6.0.0 (COG 2026)"


def test_pin_is_exact_and_installed(package_dir):
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    installed = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned["@etalab/decoupage-administratif"])
    assert installed == pinned["@etalab/decoupage-administratif"]


def test_table_is_loaded_once(geo):
    assert load_geography() is geo


# -- communes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "code, name, departement, region",
    [
        ("80021", "Amiens", "80", "32"),
        ("2A004", "Ajaccio", "2A", "94"),
        ("2B033", "Bastia", "2B", "94"),
        ("97411", "Saint-Denis", "974", "04"),
        ("97611", "Mamoudzou", "976", "06"),
        ("69123", "Lyon", "69", "84"),
        ("75056", "Paris", "75", "11"),
        ("35238", "Rennes", "35", "53"),
    ],
)
def test_current_commune(geo, code, name, departement, region):
    commune = geo.commune(code)
    assert (commune.name, commune.departement, commune.region) == (name, departement, region)
    assert commune.kind is CommuneKind.CURRENT and commune.is_current
    assert re.fullmatch(r"2\d{8}", commune.siren) and commune.population > 0
    assert geo.current_commune(code) is None


def test_commune_values_are_frozen(geo):
    with pytest.raises(dataclasses.FrozenInstanceError):
        geo.commune("80021").name = "Amiens-sur-Somme"


@pytest.mark.parametrize(
    "code, arrondissement, commune",
    [
        ("69381", "Lyon 1er Arrondissement", "69123"),
        ("75101", "Paris 1er Arrondissement", "75056"),
        ("13201", "Marseille 1er Arrondissement", "13055"),
    ],
)
def test_municipal_arrondissement_belongs_to_its_commune(geo, code, arrondissement, commune):
    place = geo.commune(code)
    assert (place.name, place.kind, place.siren) == (arrondissement, CommuneKind.MUNICIPAL_ARRONDISSEMENT, None)
    assert geo.current_commune(code).code == commune
    assert code in {c.code for c in geo.attached_communes(commune)}


@pytest.mark.parametrize(
    "postal, served",
    [("76200", ["76217"]), ("80000", ["80021"]), ("80021", []), ("00000", [])],
)
def test_the_communes_a_postal_code_serves(geo, postal, served):
    """La Poste's codes, which the package gives beside the COG: « 76200 » is Dieppe's, and Critot's INSEE code."""
    assert [commune.code for commune in geo.communes_of_postal_code(postal)] == served


def test_delegated_commune_of_a_commune_nouvelle(geo):
    # Hypercourt (Somme), a commune nouvelle, holds the communes déléguées Hyencourt-le-Grand, Omiécourt, Pertain.
    delegated = geo.commune("80447")
    expected = ("Hyencourt-le-Grand", CommuneKind.DELEGATED, "80")
    assert (delegated.name, delegated.kind, delegated.departement) == expected
    assert geo.current_commune("80447").name == "Hypercourt"
    assert {c.name for c in geo.attached_communes("80621")} >= {"Hyencourt-le-Grand", "Omiécourt"}


def test_old_code_without_a_name_still_finds_its_commune(geo):
    # 80448 is listed only among Hypercourt's former codes; 20004 is Ajaccio's code before Corsica's split (1976).
    assert geo.commune("80448") is None
    assert geo.current_commune("80448").code == "80621"
    assert geo.current_commune("20004").code == "2A004"


def test_associated_commune(geo):
    associated = geo.commune("01120")
    assert (associated.name, associated.kind) == ("Cordieux", CommuneKind.ASSOCIATED)
    assert geo.current_commune("01120").code == "01262"


def test_delegated_commune_sharing_its_code_yields_the_commune_nouvelle(geo):
    # Arbignieu is the commune déléguée with the same code as Arboys en Bugey, the commune nouvelle.
    assert geo.commune("01015").name == "Arboys en Bugey"
    assert geo.current_commune("01015") is None
    assert ("01015", "Arbignieu") in {(c.code, c.name) for c in geo.attached_communes("01015")}


@pytest.mark.parametrize("code", ["99999", "88999", "2C004", "80021 ", "8021", "", "ABCDE"])
def test_unknown_commune_codes(geo, code):
    assert geo.commune(code) is None
    assert geo.current_commune(code) is None
    assert geo.place_name("commune", code) is None
    assert geo.epcis_of_commune(code) == ()


def test_overseas_collectivities_are_their_own_departement_and_region(geo):
    for code, name, collectivity in [
        ("97801", "Saint-Martin", "978"),
        ("97502", "Saint-Pierre", "975"),
        ("97701", "Saint-Barthélemy", "977"),
        ("98735", "Papeete", "987"),
    ]:
        commune = geo.commune(code)
        assert (commune.name, commune.departement, commune.region) == (name, collectivity, collectivity)
        assert (commune.siren, commune.epci) == (None, None)
    assert geo.region("975").name == geo.departement("975").name == "Saint-Pierre-et-Miquelon"


# -- EPCI -----------------------------------------------------------------------


def test_metropole_de_lyon(geo):
    lyon = geo.epci("200046977")
    assert (lyon.name, lyon.nature) == ("Métropole de Lyon", "MET69")
    assert "69123" in lyon.members and lyon.population > 1_000_000
    assert geo.commune("69123").epci == "200046977"


def test_rennes_metropole(geo):
    rennes = geo.epci("243500139")
    assert (rennes.name, rennes.nature) == ("Rennes Métropole", "METRO")
    assert "35238" in rennes.members
    assert [e.siren for e in geo.epcis_of_commune("35238")] == ["243500139"]


def test_grand_paris_commune_has_its_metropole_then_its_ept(geo):
    groupings = geo.epcis_of_commune("93001")  # Aubervilliers
    expected = [("Métropole du Grand Paris", "METRO"), ("Plaine Commune", "EPT")]
    assert [(e.name, e.nature) for e in groupings] == expected
    assert geo.commune("93001").epci == "200054781"


def test_a_communes_siren_names_it_and_no_other_siren_does(geo):
    assert geo.commune_of_siren("214601023").code == "46102"  # Figeac
    assert geo.commune_of_siren("200067361") is None and geo.epci("200067361") is not None  # Grand-Figeac, an EPCI
    sirens = [geo.commune(code).siren for code in geo.communes_of_departement("46")]
    assert all(geo.commune_of_siren(siren).siren == siren for siren in sirens)


def test_unknown_epci(geo):
    assert geo.epci("999999999") is None
    assert geo.epci("218000198") is None  # Amiens' own SIREN is a commune's, not an EPCI's


def test_island_commune_outside_any_epci(geo):
    assert geo.commune("29155").name == "Ouessant"
    assert (geo.commune("29155").epci, geo.epcis_of_commune("29155")) == (None, ())


# -- départements and régions ---------------------------------------------------


def test_corsica(geo):
    assert geo.departement("2A").name == "Corse-du-Sud" and geo.departement("2B").region == "94"
    assert geo.departements_of_region("94") == ("2A", "2B")
    assert geo.region("94").chef_lieu == "2A004"
    assert "2A004" in geo.communes_of_departement("2A")


def test_departements_of_a_region(geo):
    assert geo.departements_of_region("32") == ("02", "59", "60", "62", "80")
    assert geo.departements_of_region("99") == ()


def test_departement_region_mismatch(geo):
    assert geo.departement_in_region("80", "32")
    assert not geo.departement_in_region("88", "32")  # Vosges are in Grand Est (44)
    assert geo.departement_in_region("88", "44")
    assert not geo.departement_in_region("99", "32") and not geo.departement_in_region("80", "99")


def test_unknown_departement_and_region(geo):
    assert geo.departement("88").name == "Vosges"
    assert geo.departement("20") is None and geo.departement("96") is None
    assert geo.region("99") is None and geo.region("32").name == "Hauts-de-France"


def test_communes_of_departement_are_current_and_sorted(geo):
    codes = geo.communes_of_departement("80")
    assert list(codes) == sorted(codes) and "80021" in codes and "80447" not in codes
    assert {geo.commune(code).departement for code in codes} == {"80"}
    assert geo.communes_of_departement("88999") == ()


@pytest.mark.parametrize(
    "kind, code, name",
    [
        ("commune", "80021", "Amiens"),
        ("commune", "69381", "Lyon 1er Arrondissement"),
        ("departement", "2A", "Corse-du-Sud"),
        ("region", "04", "La Réunion"),
        ("epci", "243500139", "Rennes Métropole"),
        ("region", "99", None),
    ],
)
def test_place_name(geo, kind, code, name):
    assert geo.place_name(kind, code) == name


def test_place_name_refuses_an_unknown_kind(geo):
    with pytest.raises(ParameterError, match="kind of place"):
        geo.place_name("pays", "FR")
    with pytest.raises(ParameterError, match="kind of place"):
        geo.places_named("pays", "France")


@pytest.mark.parametrize(
    "kind, name, codes",
    [
        ("departement", "drome", ["26"]),
        ("departement", "Cotes d'Armor", ["22"]),
        ("region", "ILE DE FRANCE", ["11"]),
        ("region", "Nord", []),  # a département's name, not a région's
        ("epci", "Valence Romans Agglo", ["200068781"]),  # « CA Valence Romans Agglo », without its « CA »
        ("epci", "ca valence romans agglo", ["200068781"]),
        ("commune", "St Denis", ["11339", "30247", "93066", "97411"]),
    ],
)
def test_places_named(geo, kind, name, codes):
    assert [place.siren if kind == "epci" else place.code for place in geo.places_named(kind, name)] == codes


def test_table_is_whole_and_consistent(geo):
    counts = geo.counts()
    assert counts["communes"] > 34_000 and counts["epci"] > 1_200 and counts["regions"] == 26
    assert counts["arrondissements_municipaux"] == 20 + 9 + 16
    mainland_and_drom = [d for r in ("01", "02", "03", "04", "06") for d in geo.departements_of_region(r)]
    mainland_and_drom += [d for r in range(11, 95) for d in geo.departements_of_region(str(r))]
    assert len(mainland_and_drom) == 101


# -- the package stays a bottom layer -------------------------------------------


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    absolute = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    froms = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0}
    return absolute | froms


@pytest.mark.parametrize("path", sorted((ROOT / "src" / "cap_ptce" / "geo").glob("*.py")), ids=lambda p: p.name)
def test_geo_imports_nothing_from_cap_ptce_but_errors(path):
    ours = {name for name in _imported_modules(path) if name.split(".")[0] == "cap_ptce"}
    assert ours <= {"cap_ptce.errors"}, ours


# -- the build --------------------------------------------------------------------


def test_committed_table_equals_a_fresh_build(builder, package_dir):
    fresh = builder.build(package_dir)
    committed = TABLE.read_bytes()
    if committed != fresh:
        same_content = gzip.decompress(committed) == gzip.decompress(fresh)
        assert not same_content, f"same table, other compression: this zlib is {zlib.ZLIB_RUNTIME_VERSION}"
        pytest.fail("src/cap_ptce/geo/cog.json.gz is not what the pinned package gives: run `make geography`")


def test_build_is_deterministic(builder, package_dir):
    assert builder.build(package_dir) == builder.build(package_dir)


def test_table_is_compact():
    assert TABLE.stat().st_size < 1_000_000


def test_millesime_comes_from_the_readme_table(builder):
    readme = "| Année | Version |\n|---|---|\n| 2026  | 6.0.0 | x |\n| 2025  | 5.3.0 | y |\n"
    assert builder.millesime_from_readme(readme, "5.3.0") == 2025
    with pytest.raises(builder.BuildError, match="--millesime"):
        builder.millesime_from_readme(readme, "6.1.0")


def test_build_refuses_links_to_nowhere(builder):
    tables = {
        "communes": {"80021": {"departement": "80"}},
        "departements": {"80": {"region": "32"}},
        "regions": {"32": {}},
        "arrondissements_municipaux": {},
        "former_communes": {"80448": {"current": "80621", "departement": None}},
        "epci": {"248000531": {"members": ["80021", "80999"]}},
    }
    with pytest.raises(builder.BuildError, match="2 links"):
        builder.check_tables(tables)


def test_build_script_runs_from_the_command_line(tmp_path, package_dir):
    output = tmp_path / "cog.json.gz"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_geography.py"), "--output", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == TABLE.read_bytes()


def test_build_script_explains_a_missing_package(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_geography.py"),
            "--package-dir",
            str(tmp_path),
            "--output",
            str(tmp_path / "out.gz"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "npm ci" in result.stderr
    assert not (tmp_path / "out.gz").exists()


@pytest.mark.slow
def test_wheel_carries_the_table(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("cap_ptce-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("cap_ptce/geo/cog.json.gz") == TABLE.read_bytes()
