"""The register of real PTCEs beside the fictional sample corpus, in what came to the knowledge base after it.

Every corpus query gives the same rows with the register loaded as without it;
the explorer, its twins, the dashboards, the report, the project pages, the
dossier, the organisation and search pages name each pole for what it is (a
real pole of the register, a fictional example); the register's records are
never counted as applications that fail or lack answers; the register's and
the corpus's published parts share nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest
import yaml

from cap_ptce.corpus import record_validator
from cap_ptce.explorer import CorpusView, parse_selection
from cap_ptce.explorer.report import corpus_report, to_markdown
from cap_ptce.queries import get_query, list_queries, run_query
from cap_ptce.resources import data_dir
from cap_ptce.store import REGISTER_SCOPE, KnowledgeBase
from cap_ptce.web import create_app
from yaml_counts import region_name, register_poles_by_call_and_region, register_poles_by_region

REGISTER = sorted((data_dir("registre") / "poles").glob("*.yaml"))
SAMPLE = sorted(data_dir("corpus").rglob("*.yaml"))
CORPUS_QUERIES = [q.name for q in list_queries() if not q.reads_register]
_LOAD_TIME = {"charge_le"}  # validation-des-descriptions: when each description was loaded


@pytest.fixture(scope="module")
def bases():
    """The sample corpus alone, and the sample corpus with the register beside it."""
    alone, both = KnowledgeBase.open(workers=1), KnowledgeBase.open(workers=1)
    for kb in (alone, both):
        kb.load_reference_graphs()
        assert kb.load_corpus(data_dir("corpus")).ok
    assert both.load_corpus(data_dir("registre") / "poles", validator=record_validator, scope=REGISTER_SCOPE).ok
    yield alone, both
    alone.close()
    both.close()


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def _rows(kb, name: str) -> Counter:
    return Counter(
        tuple(sorted((k, str(v)) for k, v in row.items() if k not in _LOAD_TIME)) for row in run_query(kb, name)
    )


@pytest.mark.parametrize("name", CORPUS_QUERIES)
def test_every_corpus_query_leaves_the_register_aside(bases, name):
    alone, both = bases
    assert _rows(both, name) == _rows(alone, name)


@pytest.mark.parametrize("name", CORPUS_QUERIES)
def test_every_corpus_query_says_where_it_leaves_the_register_aside(name):
    """In the query's text, not only in today's rows: a record that gains members, fundings or actions later
    (the register grows) must still stay out of the corpus's counts."""
    sparql = get_query(name).sparql
    exclusion = r"^\s*MINUS \{ \?\w+ dcterms:isPartOf <https://w3id.org/cap-ptce/dataset#registre>"
    assert re.search(exclusion, sparql, re.M) and "PREFIX dcterms: <http://purl.org/dc/terms/>" in sparql


def test_the_register_is_there_for_the_queries_to_leave_aside(bases):
    """Not a vacuous comparison: the register's poles are projects, with members, places and answers."""
    _, both = bases
    count = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/cap-ptce/def#Project> }"
    assert int(both.select(count)[0]["n"].value) == len(REGISTER) + len(SAMPLE)
    tallies = "SELECT (COUNT(*) AS ?n) WHERE { ?p <https://w3id.org/cap-ptce/def#inRegion> ?r }"
    alone_count = int(bases[0].select(tallies)[0]["n"].value)
    assert int(both.select(tallies)[0]["n"].value) >= alone_count + len(REGISTER)


def test_the_register_is_marked_as_part_of_its_dcat_dataset():
    """The pole's dcterms:isPartOf names the catalogue's dataset of the register: it resolves to its description."""
    from cap_ptce.publish.catalog import part_iri
    from cap_ptce.store.provenance import REGISTER_DATASET

    assert REGISTER_DATASET == str(part_iri("registre"))


def test_poles_selected_more_than_once_one_row_per_selection(bases):
    _, both = bases
    selections = {}
    for path in REGISTER:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        chosen = {(r["appel"], r.get("phase")) for r in data["reconnaissances"] if r.get("appel")}
        if len(chosen) > 1:
            selections[data["id"]] = chosen
    rows = run_query(both, "registre-poles-selectionnes-plusieurs-fois")
    found = {}
    for row in rows:
        found.setdefault(row["pole"].rsplit("/", 1)[1], set()).add((row["appel"].rsplit("/", 1)[1], row["phase"]))
        assert row["selections"] > 1
    assert found == selections and selections


def test_themes_by_call_one_row_per_theme_as_the_yaml_files(bases):
    _, both = bases
    themes, known = Counter(), {}
    for path in REGISTER:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for call in {r["appel"] for r in data["reconnaissances"] if r.get("appel")}:
            for theme in set(data.get("autres_axes") or []):
                themes[(call, theme)] += 1
            if data.get("autres_axes"):
                known[call] = known.get(call, 0) + 1
    rows = run_query(both, "registre-themes-par-appel")
    assert Counter({(r["appel"].rsplit("/", 1)[1], r["theme"]): r["poles"] for r in rows}) == themes
    assert {r["appel"].rsplit("/", 1)[1]: r["poles_au_theme_connu"] for r in rows} == known


def _by_call_and_region(kb) -> Counter:
    rows = run_query(kb, "registre-poles-par-appel-et-region")
    # each région by its COG name too (a researcher read bare codes)
    assert [r["nom_region"] for r in rows] == [region_name(r["code_region"]) for r in rows]
    return Counter(
        {
            (r["appel"].rsplit("/", 1)[1], None if r["phase"] is None else int(r["phase"]), r["code_region"]): r[
                "poles"
            ]
            for r in rows
        }
    )


def _by_region(kb) -> Counter:
    return Counter({r["code_region"]: r["poles"] for r in run_query(kb, "registre-poles-par-region-et-population")})


def _records(folder) -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))]


def test_the_register_queries_count_the_calls_as_the_yaml_files(bases):
    _, both = bases
    records = _records(data_dir("registre") / "poles")
    assert _by_call_and_region(both) == register_poles_by_call_and_region(records)
    assert _by_region(both) == register_poles_by_region(records)
    # the numbers per call themselves: tests/test_registre.py, registre/appels.yaml


def test_a_record_naming_only_a_departement_is_counted_in_its_region(bases, tmp_path):
    """A record whose territory gives départements and no région is counted in the région they lie
    in (cap:inRegion, as the corpus's queries read it); one that gives no place at all, in the last
    row without a code: no pole is lost from either breakdown."""
    folder = tmp_path / "poles"
    folder.mkdir()
    for path in REGISTER:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["id"] == "edenn":  # Toulouse's pole, in Haute-Garonne (31), in Occitanie (76)
            assert data["territoire"] == {"departements": ["31"], "regions": ["76"]}
            del data["territoire"]["regions"]
        if data["id"] == "la-verriere":  # selected in 2013, in Île-de-France: now placed nowhere
            assert data["territoire"] == {"regions": ["11"]}
            del data["territoire"]
        (folder / path.name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with KnowledgeBase.open(workers=1) as kb:
        kb.load_reference_graphs()
        assert kb.load_corpus(folder, validator=None, scope=REGISTER_SCOPE).ok
        by_call, by_region = _by_call_and_region(kb), _by_region(kb)
    records = _records(folder)
    assert by_call == register_poles_by_call_and_region(records)
    assert by_region == register_poles_by_region(records)
    _, both = bases
    whole_by_call, whole_by_region = _by_call_and_region(both), _by_region(both)
    assert by_call[("ami-ptce-2021", 1, "76")] == whole_by_call[("ami-ptce-2021", 1, "76")]  # EDENN still there
    assert by_region["76"] == whole_by_region["76"] and by_region["11"] == whole_by_region["11"] - 1
    assert by_region[None] == by_call[("aap-ptce-2013", None, None)] == 1  # the last rows, without a code
    assert sum(by_region.values()) == sum(whole_by_region.values())


def test_the_explorer_has_a_dataset_facet_with_its_counts(app, client):
    html = client.get("/explorateur").get_data(as_text=True)
    facet = re.search(r'id="facette-jeu">.*?</fieldset>', html, re.S).group(0)
    assert f'Registre des PTCE réels (sources publiques) <span class="count">({len(REGISTER)})</span>' in facet
    assert f'Corpus d’exemples fictifs <span class="count">({len(SAMPLE)})</span>' in facet
    assert f"{len(REGISTER) + len(SAMPLE)} pôle(s) sur {len(REGISTER) + len(SAMPLE)}" in html
    real = client.get("/explorateur?jeu=registre").get_data(as_text=True)
    assert f"{len(REGISTER)} pôle(s) sur" in real and "Le Damier" in real and "Pôle Saveurs" not in real
    # the facets count within the dataset chosen: every région count sums the register's poles there
    assert 'value="fictif"' in real  # the other dataset stays offered, with what it would give


def test_the_twins_say_the_dataset_and_no_conformity_for_a_register_record(client):
    data = client.get("/explorateur.json").get_json()
    assert Counter(p["jeu"] for p in data["projects"]) == {"registre": len(REGISTER), "fictif": len(SAMPLE)}
    for project in data["projects"]:
        if project["jeu"] == "registre":
            assert project["conforme"] is None and project["completude"] is None, project["id"]
        else:
            assert project["completude"] is not None, project["id"]
    rows = list(csv.DictReader(io.StringIO(client.get("/explorateur.csv?jeu=fictif").get_data(as_text=True))))
    assert len(rows) == len(SAMPLE) and {r["jeu"] for r in rows} == {"fictif"}
    assert list(rows[0])[:3] == ["id", "nom", "jeu"]


def test_register_records_are_no_failed_applications_in_the_explorer(app, client):
    from cap_ptce.web.explorer import corpus_view

    with app.app_context():
        view = corpus_view()
        everything = view.explore(parse_selection(""), "fr")
    conformity = {v.value: v.count for v in everything.facets["conformite"]}
    completeness = {v.value: v.count for v in everything.facets["completude"]}
    assert conformity["sans-objet"] == completeness["sans-objet"] == len(REGISTER)
    assert sum(n for value, n in conformity.items() if value != "sans-objet") == len(SAMPLE)
    assert sum(n for value, n in completeness.items() if value != "sans-objet") == len(SAMPLE)
    failing = client.get("/explorateur.json?jeu=registre&conformite=non").get_json()
    assert failing["count"] == 0
    html = client.get("/explorateur?jeu=registre").get_data(as_text=True)
    assert "Non conforme" not in re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    assert html.count("sans objet (registre)") == 2 * len(REGISTER)


def test_the_dashboard_says_what_its_charts_count(client):
    whole = client.get("/tableau-de-bord").get_data(as_text=True)
    scope = re.search(r'<div class="scope".*?</div>', whole, re.S).group(0)
    assert f"les {len(SAMPLE)} description(s) du corpus" in scope and "exemples fictifs" in scope
    assert f"Les {len(REGISTER)} pôle(s) réel(s) du registre" in scope and "registre.fr.html" in scope
    real = client.get("/tableau-de-bord?jeu=registre").get_data(as_text=True)
    assert "ne compte aucune description du corpus" in real
    fictional = client.get("/dashboard?jeu=fictif").get_data(as_text=True)
    assert "fictional examples" in fictional and "real pole(s) of the register" not in fictional


def test_the_dashboard_of_the_whole_counts_the_corpus_as_the_corpus_alone(bases):
    """The charts of every pole (register included) are those of the sample corpus loaded alone."""
    alone, both = bases
    everything = parse_selection("")
    with_register, without = CorpusView(both), CorpusView(alone)
    for ours, theirs in zip(with_register.dashboard(everything, "fr"), without.dashboard(everything, "fr")):
        assert [s.rows for s in ours.series] == [s.rows for s in theirs.series], ours.spec.id
    corpus_only = with_register.dashboard(parse_selection("jeu=fictif"), "fr")
    for ours, theirs in zip(corpus_only, without.dashboard(everything, "fr")):
        assert [_no_time(s.rows) for s in ours.series] == [_no_time(s.rows) for s in theirs.series], ours.spec.id
    with_register.close()
    without.close()


def _no_time(rows):
    return [{k: v for k, v in row.items() if k not in _LOAD_TIME} for row in rows]


def test_the_report_names_the_register_and_the_fictional_examples(bases):
    _, both = bases
    view = CorpusView(both)
    text = to_markdown(corpus_report(view, parse_selection(""), "fr"))
    assert f"les {len(SAMPLE)} description(s) du corpus" in text and "exemples fictifs" in text
    assert f"Les {len(REGISTER)} pôle(s) réel(s) du registre des PTCE" in text
    english = to_markdown(corpus_report(view, parse_selection("jeu=registre"), "en"))
    assert "Data set: Register of real PTCEs (public sources)" in english
    assert "holds no description of the corpus" in english
    # A researcher's test of 2026-12-06: the provenance said « 1 description(s) chargée(s) » for a selection of one,
    # and 72 for the whole, beside « les 15 descriptions du corpus »: it counted the selection's own base, and the
    # register with the corpus. It now speaks of the base, whatever the selection, with the two apart.
    base = f"tient {len(SAMPLE) + len(REGISTER)} description(s) : {len(SAMPLE)} du corpus, {len(REGISTER)} du registre"
    for selection in ("", "region=32&dispositif=pat"):
        assert base in to_markdown(corpus_report(view, parse_selection(selection), "fr")), selection
    view.close()


def test_cap_ptce_report_filters_on_the_dataset(cap_ptce, tmp_path):
    out = tmp_path / "rapport.md"
    assert cap_ptce("report", "--filter", "jeu=fictif", "--format", "md", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert f"Sélection : {len(SAMPLE)} pôle(s) sur {len(SAMPLE) + len(REGISTER)}" in text
    assert "pôle(s) réel(s) du registre" not in text


def test_project_pages_and_the_dossier_say_what_a_pole_is(client):
    real = client.get("/projet/le-damier.fr.html").get_data(as_text=True)
    assert "Pôle réel du registre des PTCE" in real and "Description fictive" not in real
    assert 'href="../registre.fr.html"' in real
    assert "annexe-corpus" not in real  # a register record is set against no application
    fictional = client.get("/projet/pole-saveurs-somme.fr.html").get_data(as_text=True)
    assert "Description fictive" in fictional and "Pôle réel du registre" not in fictional
    standing = fictional[fictional.index('id="annexe-corpus"') :]
    assert f"parmi les {len(SAMPLE) - 1} autres pôles du corpus" in standing
    assert f"{len(SAMPLE) - 1} d’entre eux sont des exemples fictifs" in standing
    nearest = re.search(r'<ol class="nearest">.*?</ol>', standing, re.S).group(0)
    assert nearest.count("<li>") == nearest.count("(exemple fictif)") > 0


def test_the_dossier_of_a_register_record(cap_ptce, tmp_path):
    out = tmp_path / "damier.md"
    record = str(data_dir("registre") / "poles" / "le-damier.yaml")
    assert cap_ptce("dossier", record, "--format", "md", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Pôle réel du registre des PTCE" in text and "Le pôle parmi les autres" not in text
    assert "Violation" not in text  # under the register's profile: the law and the grid are information
    sample = str(SAMPLE[0])
    assert cap_ptce("dossier", sample, "--format", "md", "-o", str(out), "--no-corpus").exit_code == 0
    assert "Pôle réel du registre" not in out.read_text(encoding="utf-8")
    assert cap_ptce("dossier", sample, "--format", "md", "-o", str(out), "--profil", "registre").exit_code == 0
    assert "Pôle réel du registre" in out.read_text(encoding="utf-8")


def test_search_and_home_name_each_pole_for_what_it_is(client):
    found = client.get("/recherche.fr.html?q=damier").get_data(as_text=True)
    assert re.search(r"Le Damier</a>\s*<span class=\"kind real\">pôle réel \(registre\)</span>", found)
    home = client.get("/index.fr.html").get_data(as_text=True)
    assert f"({len(REGISTER)} pôles, sources publiques)" in home
    assert f"Parcourir les descriptions du corpus ({len(SAMPLE)})" in home and "exemples fictifs" in home


def test_the_register_and_the_corpus_parts_share_nothing(client):
    register = client.get("/telechargements/registre.nt").get_data(as_text=True)
    corpus = client.get("/telechargements/corpus.nt").get_data(as_text=True)
    assert "/projet/le-damier>" in register and "/projet/pole-saveurs-somme>" not in register
    assert "/projet/pole-saveurs-somme>" in corpus and "/projet/le-damier>" not in corpus
    assert "Lycée professionnel" not in register  # no fictional organisation among the real data
    assert not set(register.splitlines()) & set(corpus.splitlines())


def test_cap_ptce_load_keeps_the_register_beside_the_corpus(capsys, tmp_path):
    """--registre loads the register under its own scope; the corpus's loads never remove it."""
    from cap_ptce.cli import main

    def run(*args) -> tuple[int, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out + err

    store = str(tmp_path / "store")
    assert run("load", str(data_dir("corpus")), "--store", store)[0] == 0
    code, out = run("load", str(data_dir("registre") / "poles"), "--store", store, "--registre")
    assert code == 0 and "registre des PTCE réels" in out
    code, out = run("load", str(data_dir("corpus")), "--store", store, "--replace")
    assert code == 0 and f"{len(SAMPLE)} inchangés" in out and "0 retiré / removed" in out
    with KnowledgeBase.open(store) as kb:
        sources = [record.source for record in kb.records()]
        assert sum(source.startswith("registre/") for source in sources) == len(REGISTER)
        assert len(sources) == len(REGISTER) + len(SAMPLE)
        rows = run_query(kb, "registre-poles-par-region-et-population")
        assert sum(row["poles"] for row in rows) == len(REGISTER)
    named = tmp_path / "registre"
    named.mkdir()
    (named / "x.yaml").write_text(SAMPLE[0].read_text(encoding="utf-8"), encoding="utf-8")
    code, out = run("load", str(named), "--store", store, "--add")
    assert code == 2 and "--registre" in out


def test_query_pages_say_which_data_they_read(client):
    corpus = client.get("/requetes/membres-ess").get_data(as_text=True)
    assert f"ici {len(SAMPLE)} exemples fictifs" in corpus and "laisse de côté les pôles réels du registre" in corpus
    register = client.get("/requetes/registre-poles-par-appel-et-region?lang=en").get_data(as_text=True)
    assert "reads the register of real PTCEs" in register and "fictional" not in register


def test_the_register_profile_the_catalogue_names_is_published(client):
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS, SH

    from cap_ptce.validation.registre import register_shapes

    catalog = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    profile = URIRef("https://w3id.org/cap-ptce/shapes/registre")
    assert (None, DCTERMS.conformsTo, profile) in catalog
    answer = client.get("/shapes/registre", headers={"Accept": "text/turtle"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("registre.ttl")
    published = Graph().parse(data=client.get("/shapes/registre.ttl").get_data(as_text=True), format="turtle")
    assert len(published) == len(register_shapes())
    page = client.get("/shapes/registre.fr.html").get_data(as_text=True)
    anchors = set(re.findall(r'<section class="term" id="([^"]+)"', page))
    named = {str(s).split("#", 1)[1] for s in published.subjects(SH.severity, None) if str(s).startswith(str(profile))}
    assert named and named <= anchors  # every shape of the profile IRI lands on its section
    assert "Profil de validation du registre" in page


def test_the_register_page_gives_each_call_its_announcement_date(client):
    # a researcher met « laureates of 2014 » in the README and « aap-ptce-2013 » in the queries: the date of
    # each call's announcement ties them, from registre/appels.yaml
    calls = yaml.safe_load((data_dir("registre") / "appels.yaml").read_text(encoding="utf-8"))["appels"]
    calls.sort(key=lambda call: (call["appel"], call["phase"] or 0))  # by call, phase 1 before phase 2
    html = client.get("/registre.fr.html").get_data(as_text=True)
    rows = re.findall(r"<tr><td><a [^>]*>[^<]+</a></td>.*?</tr>", html, re.S)
    assert len(rows) == len(calls)
    assert any(call.get("annonce") for call in calls) and not all(call.get("annonce") for call in calls)
    for call, row in zip(calls, rows, strict=True):
        assert call["appel"] in row
        if call.get("annonce"):
            assert f'<time datetime="{call["annonce"].isoformat()}">' in row
        else:
            assert "<time" not in row  # not known: said by no date rather than a made-up one
    assert "Annonce des lauréats" in html and ">10 janvier 2014</time>" in html  # written as the pages write dates
