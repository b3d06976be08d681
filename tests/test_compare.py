"""Where a project stands among the others: the same SPARQL measures a file and the corpus; percentiles; nearest poles."""

from __future__ import annotations

from pathlib import Path

import pytest

from cap_ptce.dossier.compare import MEASURES, Profile, corpus_profiles, profile_of_graph, standing_of
from cap_ptce.project import load_description
from cap_ptce.validation import validate_description

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"


@pytest.fixture(scope="module")
def profiles():
    from cap_ptce.store.build import build_kb

    kb = build_kb({})
    try:
        yield corpus_profiles(kb)
    finally:
        kb.close()


def test_every_project_of_the_corpus_is_measured(profiles):
    assert len(profiles) == len(list(CORPUS.glob("*.yaml")))
    for profile in profiles:
        assert set(profile.values) == set(MEASURES)
        assert profile.values["membres"] >= 3 and 0 <= profile.values["part_ess"] <= 1
        assert profile.axes and profile.places


def test_a_file_is_measured_as_the_corpus_measures_it(profiles):
    for path in sorted(CORPUS.glob("*.yaml"))[:5]:
        description = load_description(path)
        mine = profile_of_graph(description.graph, completeness=validate_description(description).completeness.ratio)
        theirs = next(p for p in profiles if p.iri == mine.iri)
        assert mine.values == pytest.approx(theirs.values) and mine.axes == theirs.axes and mine.places == theirs.places


def test_without_the_validation_the_completeness_is_unknown_not_guessed():
    # format 2 answers most questions by facts: counting written answers would say 3 of 18 for a complete file
    profile = profile_of_graph(load_description(CORPUS / "tiers-lieu-gueret.yaml").graph)
    assert profile.values["completude"] is None
    completeness = next(m for m in standing_of(profile, [profile], "en").measures if m.key == "completude")
    assert completeness.value_text == "—" and completeness.percentile is None


def test_counts_against_the_description_itself():
    data = load_description(CORPUS / "tiers-lieu-gueret.yaml").data
    profile = profile_of_graph(load_description(CORPUS / "tiers-lieu-gueret.yaml").graph)
    members = data["acteurs"]
    assert profile.values["membres"] == len(members)
    assert profile.values["part_ess"] == pytest.approx(sum(a["ess"] for a in members) / len(members))
    assert profile.values["financement"] == sum(f["montant"] for f in data["financements"])
    assert profile.places >= {"departement:23", "region:75"}


def _profile(iri: str, members: float, axes=(), places=()) -> Profile:
    values = {key: None for key in MEASURES} | {"membres": members}
    return Profile(iri, iri, values, frozenset(axes), frozenset(places))


def test_a_percentile_rank_is_the_share_of_the_others_lower_or_equal():
    others = [_profile(f"p{n}", n) for n in range(1, 11)]  # 1 … 10 members
    standing = standing_of(_profile("moi", 7), others, "fr")
    members = next(m for m in standing.measures if m.key == "membres")
    assert standing.others == 10 and members.percentile == 70 and members.median_text == "5,5"
    funding = next(m for m in standing.measures if m.key == "financement")
    assert funding.percentile is None and funding.value_text == "—"


def test_the_project_itself_is_left_out():
    others = [_profile("moi", 5), _profile("a", 1), _profile("b", 9)]
    assert standing_of(_profile("moi", 5), others).others == 2


def test_the_nearest_share_axes_and_territory():
    me = _profile("moi", 5, axes={"x", "y"}, places={"departement:80", "region:32"})
    near = _profile("proche", 5, axes={"x", "y"}, places={"region:32"})
    far = _profile("loin", 5, axes={"z"}, places={"region:11"})
    middle = _profile("moyen", 5, axes={"x"}, places=set())
    standing = standing_of(me, [far, middle, near], "fr")
    assert [n.iri for n in standing.nearest] == ["proche", "moyen"]
    assert "Hauts-de-France" in standing.nearest[0].why


def test_the_python_example_of_the_docs_runs(tmp_path, monkeypatch, capsys):
    import re

    text = (ROOT / "docs" / "carrier.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    (tmp_path / "mon-ptce.yaml").write_bytes((CORPUS / "tiers-lieu-gueret.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(example, "docs/carrier.md", "exec"), namespace)
    assert namespace["standing"].others == len(list(CORPUS.glob("*.yaml"))) - 1
    namespace["kb"].close()
    assert "Membres du consortium" in capsys.readouterr().out


def _fictional(iri: str, members: float, **kwargs) -> Profile:
    from dataclasses import replace

    return replace(_profile(iri, members, **kwargs), fictional=True)


def test_an_application_is_ranked_among_real_poles_only():
    real = [_profile(f"r{n}", n, axes={"x"}) for n in range(1, 11)]  # 1 … 10 members
    made_up = [_fictional(f"f{n}", 100, axes={"x", "y"}) for n in range(5)]
    me = _profile("moi", 7, axes={"x", "y"})
    standing = standing_of(me, real + made_up, "fr", real_only=True)
    members = next(m for m in standing.measures if m.key == "membres")
    assert (standing.others, standing.fictional_left_out, members.percentile) == (10, 5, 70)
    assert standing.nearest and not any(n.iri.startswith("f") for n in standing.nearest)
    # the project pages of the sample corpus still set its examples against each other, each said to be one
    assert standing_of(me, real + made_up, "fr").fictional_others == 5


def test_too_few_real_poles_make_no_ranking():
    others = [_profile(f"r{n}", n, axes={"x"}) for n in range(1, 4)] + [_fictional(f"f{n}", 3) for n in range(15)]
    standing = standing_of(_profile("moi", 2, axes={"x"}), others, "fr", real_only=True)
    assert (standing.others, standing.fictional_left_out) == (3, 15)
    assert standing.measures == () and standing.nearest == ()
