"""Synthetic descriptions: deterministic, varied, valid, fast."""

from __future__ import annotations

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
    schemes = {s.get("dispositif") for d in sample for s in d.get("dispositifs", [])}
    assert {"pat", "crte", "tzcld", None} <= schemes, "schemes of the grid, and local ones it does not name"
    funders = {f["type_financeur"] for d in sample for f in d["financements"]}
    assert {"etat", "region", "autofinancement", "fondations"} <= funders


def test_descriptions_show_the_situations_of_real_poles():
    sample = [synthetic_description(11, i) for i in range(1, 301)]
    arrangements = Counter(d["structure_porteuse"]["portage"] for d in sample)
    assert set(arrangements) == {"personne-morale", "co-portage", "convention-consortium"}
    assert all(
        len(d["structure_porteuse"]["porteurs"]) == 2
        for d in sample
        if d["structure_porteuse"]["portage"] == "co-portage"
    )
    groups = Counter(g["type"] for d in sample for g in d["groupes"])
    assert {"college", "federation", "grappe", "groupement", "reseau"} <= set(groups)
    assert any(g.get("personne_morale") for d in sample for g in d["groupes"])
    kinds = Counter(a["type"] for d in sample for a in d["acteurs"])
    assert kinds["epci"] and kinds["habitant"]
    assert any(a.get("relation") == "partenaire" for d in sample for a in d["acteurs"])
    two = [d["territoire"] for d in sample if len(d["territoire"]["departements"]) == 2]
    assert two and any(len(t["regions"]) == 2 for t in two)
    assert any(d["chiffres"] for d in sample) and any(d["reconnaissances"] for d in sample)


def test_incomplete_and_invalid_shares_are_drawn_as_asked(tmp_path: Path):
    from cap_ptce.validation.batch import validate_many

    paths = write_synthetic(40, tmp_path, seed=4, incomplete=0.5, invalid=0.25)
    reports = validate_many(paths, lang="en")
    incomplete = sum(r.completeness.answered < 18 for r in reports)
    outside = sum(any(r.shape.rsplit("#", 1)[1].startswith("Art9") for r in report.results) for report in reports)
    assert 10 <= incomplete <= 30 and 3 <= outside <= 18
    clean = write_synthetic(40, tmp_path / "propres", seed=4)
    assert all(report.conforms for report in validate_many(clean, lang="en"))


def test_shares_out_of_range_are_parameter_errors():
    from cap_ptce.errors import ParameterError

    with pytest.raises(ParameterError):
        list(synthetic_files(1, seed=0, invalid=1.5))


@pytest.mark.parametrize("index", range(1, 41))
def test_descriptions_load_round_trip_and_meet_the_law(index):
    name, text = list(synthetic_files(index, seed=3))[-1]
    description = load_description(text, source=name)
    assert description_to_yaml(description.graph) == text
    actors = description.data["acteurs"]
    assert all(is_luhn_valid(a["siren"]) for a in actors if "siren" in a and a["type"] != "epci")
    assert all(is_luhn_valid(a["siret"]) and a["siret"].startswith(a["siren"]) for a in actors if "siret" in a)
    assert any(a.get("ess") for a in actors) and any(a["type"] == "entreprise-hors-ess" for a in actors)
    assert description.data["fictif"] is True and description.data["format"] == 2
    assert {"q04", "q05", "q06"} <= set(description.data), "the questions that no key answers are answered in words"


def test_a_sample_of_descriptions_conforms_to_the_shapes(tmp_path: Path):
    from cap_ptce.validation import validate_file

    # a co-carried pole, or one carried by a consortium agreement, has no legal personality of its own:
    # the décret's warning about it is the one result such a description gets
    expected = {"co-portage": {"EligibilityCoCarrying"}, "convention-consortium": {"EligibilityConsortiumAgreement"}}
    for path in write_synthetic(4, tmp_path, seed=21):
        report = validate_file(path, lang="fr")
        assert report.conforms, [r.message for r in report.results]
        arrangement = load_description(path).data["structure_porteuse"].get("portage")
        assert {r.shape.rsplit("#", 1)[1] for r in report.results} == expected.get(arrangement, set())


def test_counts_and_seeds_out_of_range_are_parameter_errors():
    from cap_ptce.errors import ParameterError

    with pytest.raises(ParameterError):
        list(synthetic_files(-1, seed=0))
    with pytest.raises(ParameterError):
        list(synthetic_files(1, seed=-5))


def test_a_thousand_descriptions_are_a_thousand_distinct_files():
    names, texts = zip(*synthetic_files(1000, seed=8))
    assert len(set(names)) == len(set(texts)) == 1000
