"""The register of real PTCEs (registre/): every fact with its source, the profile, the counts per call.

The expected numbers are those of registre/appels.yaml, which also says which
poles are missing and why (the full official lists could not be read: the
search tool returned only the first ~2,000 characters of each source).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from cap_ptce.project import load_description
from cap_ptce.validation.registre import validate_record, validate_record_paths, validate_records

ROOT = Path(__file__).resolve().parents[1]
REGISTER = ROOT / "registre"
RECORDS = sorted((REGISTER / "poles").glob("*.yaml"))
CALLS = yaml.safe_load((REGISTER / "appels.yaml").read_text(encoding="utf-8"))["appels"]
SOURCES = yaml.safe_load((REGISTER / "sources.yaml").read_text(encoding="utf-8"))
SAMPLE = yaml.safe_load((REGISTER / "verification.yaml").read_text(encoding="utf-8"))["echantillon"]
# The facts a record holds on the project itself, each of which needs an attestation with a source.
ATTESTED = {
    "nom": lambda d: [d["nom"]] if d.get("nom") else [],
    "site_web": lambda d: [d["site_web"]] if d.get("site_web") else [],
    "autres_axes": lambda d: d.get("autres_axes") or [],
    "territoire.regions": lambda d: (d.get("territoire") or {}).get("regions") or [],
    "territoire.departements": lambda d: (d.get("territoire") or {}).get("departements") or [],
    "territoire.communes": lambda d: (d.get("territoire") or {}).get("communes") or [],
}


def _data(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reports():
    return {Path(str(r.source)).name: r for r in validate_records([load_description(p) for p in RECORDS])}


def _complete(source) -> bool:
    return isinstance(source, dict) and all(source.get(key) for key in ("titre", "editeur", "url"))


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_every_fact_of_a_record_carries_its_source(path):
    data = _data(path)
    assert data["fictif"] is False and data["format"] == 2
    attested = {a["cle"] for a in data.get("attestations", []) if _complete(a.get("source"))}
    for key, values in ATTESTED.items():
        assert not values(data) or key in attested, f"{path.name}: {key} has no sourced attestation"
    assert data["reconnaissances"], f"{path.name}: no selection"
    for recognition in data["reconnaissances"]:
        assert _complete(recognition.get("source")), f"{path.name}: a recognition without a full source"
    for actor in data.get("acteurs", []):
        assert _complete(actor.get("source")), f"{path.name}: actor {actor['id']} without a full source"
    for attestation in data.get("attestations", []):
        assert _complete(attestation.get("source")), f"{path.name}: {attestation['cle']} without a full source"


def test_the_register_holds_the_poles_the_issue_asks_for_at_least():
    counts = Counter(
        (r.get("appel"), r.get("phase")) for path in RECORDS for r in _data(path)["reconnaissances"] if r.get("appel")
    )
    for call in CALLS:
        assert counts[(call["appel"], call["phase"])] == call["trouves"], call["appel"]
        assert call["trouves"] <= call["attendus"]
        assert len(call["manquants"]) > 0 or call["trouves"] == call["attendus"], call["appel"]
    found = {(c["appel"], c["phase"]): (c["trouves"], c["attendus"]) for c in CALLS}
    # The three calls the issue names: 21 of the 23 of 2014, 7 of the 14 of 2016, the 15 funded in 2021.
    assert found[("aap-ptce-2013", None)] == (21, 23)
    assert found[("aap-ptce-2015", None)] == (7, 14)
    assert found[("ami-ptce-2021", 2)] == (15, 15)
    assert len(RECORDS) == 57


def test_each_record_gives_name_region_call_and_year(reports):
    for path in RECORDS:
        data = _data(path)
        assert data["nom"] and data["territoire"]["regions"], path.name
        selections = [r for r in data["reconnaissances"] if r["type"] == "selection-etat"]
        assert selections and all(r.get("appel") for r in selections), path.name
        # one selection has no year: the source does not give it (AMI 2022), and the profile warns
        if any("annee" not in r for r in selections):
            assert any("SelectionYear" in x.shape for x in reports[path.name].results), path.name


def test_the_register_validates_under_its_profile(reports):
    assert len(reports) == len(RECORDS)
    for name, report in reports.items():
        assert report.conforms, (name, [(r.message, r.line) for r in report.results if r.severity == "violation"])
        # the law, the décret and the grid's completeness are information, not violations
        assert any(r.severity == "info" and "Answered-q04" in r.shape for r in report.results), name


def test_the_profile_refuses_a_fact_without_source_and_a_fictional_record(tmp_path):
    data = _data(REGISTER / "poles" / "le-damier.yaml")
    data["attestations"] = [a for a in data["attestations"] if a["cle"] != "territoire.departements"]
    del data["reconnaissances"][0]["source"]
    data["fictif"] = True
    path = tmp_path / "defaut.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = validate_record(load_description(path))
    violations = {r.shape.rsplit("#", 1)[1] for r in report.results if r.severity == "violation"}
    assert {"AttestedDepartements", "RecognitionSource", "Real"} <= violations
    assert not report.conforms
    assert all(r.line for r in report.results if r.severity == "violation" and "Attested" not in r.shape)


def test_the_fast_engine_gives_the_profiles_results_that_pyshacl_gives(tmp_path):
    from cap_ptce.validation.registre import _profile_engine, _profile_results, _pyshacl_results

    faulty = _data(REGISTER / "poles" / "le-damier.yaml")
    faulty["attestations"] = [a for a in faulty["attestations"] if a["cle"] != "territoire.regions"]
    del faulty["reconnaissances"][0]["source"]
    faulty["fictif"] = True
    (tmp_path / "defaut.yaml").write_text(yaml.safe_dump(faulty, allow_unicode=True, sort_keys=False), "utf-8")
    register = [load_description(p) for p in RECORDS]
    alone = [load_description(tmp_path / "defaut.yaml")]  # Le Damier's IRIs: apart from the register's record
    for records in (register, alone):
        assert None not in _profile_engine().validate_batch([tuple(r.triples) for r in records])  # none for pySHACL
        for lang in ("fr", "en"):
            fast, reference = _profile_results(records, lang), _pyshacl_results(records, lang)
            assert [sorted(map(repr, r)) for r in fast] == [sorted(map(repr, r)) for r in reference]
    assert len(reference[0]) >= 3  # the faulty record's violations were compared too


def test_records_cite_the_sources_of_the_register_as_it_lists_them():
    by_url = {s["url"]: s for s in SOURCES.values() if s.get("url")}
    for path in RECORDS:
        data = _data(path)
        blocks = [r["source"] for r in data["reconnaissances"]] + [a["source"] for a in data.get("attestations", [])]
        blocks += [a["source"] for a in data.get("acteurs", [])]
        for block in blocks:
            listed = by_url.get(block["url"])
            assert listed is not None, (path.name, block["url"])
            assert (block["titre"], block["editeur"]) == (listed["titre"], listed["editeur"]), path.name
            if "date" in block:
                assert str(listed["date"]).startswith(str(block["date"])), (path.name, block["date"], listed["date"])


def test_uncertain_and_conflicting_facts_are_marked():
    damier = _data(REGISTER / "poles" / "le-damier.yaml")
    assert any(a["cle"] == "reconnaissances.1" and a.get("incertain") for a in damier["attestations"])
    ecopal = _data(REGISTER / "poles" / "ecopal.yaml")
    communes = [a for a in ecopal["attestations"] if a["cle"] == "territoire.communes" and a.get("incertain")]
    assert len({a["source"]["url"] for a in communes}) == 2  # Saint-Paul or Le Port, each with its source


@pytest.mark.parametrize("check", SAMPLE, ids=lambda c: c["fiche"])
def test_sampled_records_agree_with_their_sources(check):
    """Records drawn at random: the fact each source supports (written in registre/verification.yaml) is in the
    record, cited to that source."""
    assert check["resultat"].startswith("concorde")
    data = _data(REGISTER / "poles" / f"{check['fiche']}.yaml")
    for fact in check["faits"]:
        url = fact["source"]["url"]
        if fact["cle"] == "reconnaissances":
            found = [
                r
                for r in data["reconnaissances"]
                if r.get("appel") == fact["appel"]
                and r.get("phase") == fact.get("phase")
                and r.get("annee") == fact.get("annee")
                and r.get("montant") == fact.get("montant")
            ]
            assert found and any(r["source"]["url"] == url for r in found), (check["fiche"], fact)
        else:
            held = data["territoire"][fact["cle"].split(".")[1]]
            assert fact["valeur"] in held, (check["fiche"], fact)
            cited = [a["source"]["url"] for a in data["attestations"] if a["cle"] == fact["cle"]]
            assert url in cited, (check["fiche"], fact)


def test_ten_records_at_least_were_checked_against_their_sources():
    assert len({c["fiche"] for c in SAMPLE}) >= 10
    assert all(c["faits"] and c["ce_que_dit_la_source"] for c in SAMPLE)


def test_validate_cli_with_the_register_profile(cap_ptce, tmp_path):
    result = cap_ptce("validate", str(REGISTER / "poles" / "le-damier.yaml"), "--profil", "registre")
    assert result.exit_code == 0, result.output
    broken = tmp_path / "x.yaml"
    broken.write_text("format: 2\nid: x\nnmo: y\n", encoding="utf-8")
    reports = validate_record_paths([broken])
    assert reports[0].error.line == 3


def test_the_register_is_served_beside_the_fictional_corpus_each_named_for_what_it_is(client):
    page = client.get("/registre.fr.html").get_data(as_text=True)
    assert "Données réelles" in page and "aap-ptce-2013" in page and "Le Damier" in page
    listing = client.get("/projet.fr.html").get_data(as_text=True)
    assert listing.count("pôle réel (registre)") == len(RECORDS)
    assert listing.count("exemple fictif") == 15 and "Exemples fictifs" in listing
    real = client.get("/projet/le-damier.fr.html").get_data(as_text=True)
    assert "Pôle réel du registre" in real and "Exemples fictifs" not in real
    fictional = client.get("/projet/pole-saveurs-somme.en.html").get_data(as_text=True)
    assert "Fictional description" in fictional
    download = client.get("/telechargements/registre.nt").get_data(as_text=True)
    assert "/projet/le-damier>" in download and "/projet/pole-saveurs-somme>" not in download


def test_register_queries_read_the_register_and_corpus_queries_leave_it_aside(client):
    from cap_ptce.queries import run_query
    from cap_ptce.web.sparql import get_kb

    with client.application.test_request_context("/"):
        kb = get_kb()
        by_call = Counter()
        for row in run_query(kb, "registre-poles-par-appel-et-region"):
            phase = int(row["phase"]) if row.get("phase") is not None else None
            by_call[(str(row["appel"]).rsplit("/", 1)[1], phase)] += int(row["poles"])
        assert by_call[("aap-ptce-2013", None)] == 21 and by_call[("ami-ptce-2021", 2)] == 15
        twice = {str(row["nom"]) for row in run_query(kb, "registre-poles-selectionnes-plusieurs-fois")}
        assert "EDENN" in twice
        population = run_query(kb, "registre-poles-par-region-et-population")
        assert sum(int(row["poles"]) for row in population) == len(RECORDS)
        themes = run_query(kb, "registre-themes-par-appel")
        assert {str(row["appel"]).rsplit("/", 1)[1] for row in themes} >= {"aap-ptce-2013", "aap-ptce-2015"}
        regions = run_query(kb, "projets-par-region")
        # the sample corpus only: 15 projects, one of which covers two régions; La Réunion has one
        # fictional project and five real poles, and only the former is counted
        assert sum(int(row["projets"]) for row in regions) == 16
        assert {str(row["code_region"]): int(row["projets"]) for row in regions}["04"] == 1
