"""The package works when installed outside the repository.

The wheel must carry the ontology, the grid, the shapes and the sample corpus
as package data copied by the build from the top-level folders.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
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
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("cap_ptce-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    return target


def _run_outside(installed: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True)


def _top_level_files(folder: str) -> set[str]:
    return {p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "folder, packaged",
    [("ontology", "ontology"), ("grille", "grille"), ("shapes", "shapes"), ("examples/corpus", "corpus")],
)
def test_wheel_carries_each_top_level_folder_whole(wheel, folder, packaged):
    prefix = f"cap_ptce/data/{packaged}/"
    with zipfile.ZipFile(wheel) as archive:
        names = {n[len(prefix) :] for n in archive.namelist() if n.startswith(prefix)}
    expected = _top_level_files(folder)
    assert expected, f"{folder}/ is empty"
    assert names == expected


def test_installed_package_reads_its_own_data(installed, tmp_path):
    code = (
        "import cap_ptce, cap_ptce.resources as r;"
        "print(cap_ptce.__file__);"
        "print(*(r.data_dir(k) for k in r.DATA_KINDS), sep='\\n')"
    )
    result = _run_outside(installed, tmp_path, "-c", code)
    assert result.returncode == 0, result.stderr
    paths = result.stdout.split()
    assert all(p.startswith(str(installed)) for p in paths), paths


def test_installed_command_exports_the_grid(installed, tmp_path):
    result = _run_outside(installed, tmp_path, "-m", "cap_ptce", "export", "--what", "all", "--format", "nt")
    assert result.returncode == 0, result.stderr
    assert "https://w3id.org/cap-ptce/grille/question/q18" in result.stdout
    assert str(ROOT) not in result.stdout
