"""Synthetic descriptions: deterministic, varied, valid, fast."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from cap_ptce.project import description_to_yaml, load_description
from cap_ptce.project.generate import (
    is_luhn_valid,
    luhn_digit,
    synthetic_description,
    synthetic_files,
    write_synthetic,
)


def test_luhn_check_digits():
    assert luhn_digit("73282932") == "0"  # SIREN 732 829 320, the textbook example
    assert is_luhn_valid("732829320")
    assert not is_luhn_valid("732829321")
    assert is_luhn_valid("73282932000074")  # one of its SIRETs
    assert not is_luhn_valid("12345678a")


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path):
    first = write_synthetic(20, tmp_path / "a", seed=5)
    second = write_synthetic(20, tmp_path / "b", seed=5)
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second))


def test_another_seed_gives_other_descriptions():
    assert next(synthetic_files(1, seed=1))[1] != next(synthetic_files(1, seed=2))[1]


def test_descriptions_are_varied():
    sample = [synthetic_description(11, i) for i in range(1, 301)]
    regions = Counter(d["territoire"]["regions"][0] for d in sample)
    sizes = [len(d["acteurs"]) for d in sample]
    assert len(regions) >= 15 and {"94", "04"} & set(regions)
    assert min(sizes) == 3 and max(sizes) == 25
    assert {d["maturite"] for d in sample} == {"emergent", "etabli"}
    schemes = {s["dispositif"] for d in sample for s in d.get("dispositifs", [])}
    assert {"pat", "crte", "tzcld"} <= schemes and any(not d.get("dispositifs") for d in sample)
    funders = {f["type_financeur"] for d in sample for f in d["financements"]}
    assert {"etat", "region", "autofinancement", "fondations"} <= funders


@pytest.mark.parametrize("index", range(1, 41))
def test_descriptions_load_round_trip_and_meet_the_law(index):
    name, text = list(synthetic_files(index, seed=3))[-1]
    description = load_description(text, source=name)
    assert description_to_yaml(description.graph) == text
    actors = description.data["acteurs"]
    assert all(is_luhn_valid(a["siren"]) and is_luhn_valid(a["siret"]) for a in actors)
    assert any(a["ess"] for a in actors) and any(a["type"] == "entreprise-hors-ess" for a in actors)
    assert description.data["fictif"] is True and description.data["format"] == 2
    assert sum(key.startswith("q") for key in description.data) == 18


def test_a_sample_of_descriptions_conforms_to_the_shapes(tmp_path: Path):
    from cap_ptce.validation import validate_file

    for path in write_synthetic(4, tmp_path, seed=21):
        report = validate_file(path, lang="fr")
        assert report.conforms, [r.message for r in report.results]
        assert report.count("warning") == 0


def test_counts_and_seeds_out_of_range_are_parameter_errors():
    from cap_ptce.errors import ParameterError

    with pytest.raises(ParameterError):
        list(synthetic_files(-1, seed=0))
    with pytest.raises(ParameterError):
        list(synthetic_files(1, seed=-5))


def test_a_thousand_descriptions_take_seconds_not_minutes():
    started = time.perf_counter()
    count = sum(1 for _ in synthetic_files(1000, seed=8))
    assert count == 1000 and time.perf_counter() - started < 10
