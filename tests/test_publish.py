"""`cap-ptce publish`: a static site whose links all resolve and whose data all parses."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCAT

from cap_ptce.cli import main
from cap_ptce.publish.server_rules import apache_rules, media_types, nginx_rules
from cap_ptce.publish.static import check_folder, staging_folder, swap_in
from cap_ptce.resources import data_dir
from pages_helpers import Page

pytestmark = pytest.mark.slow  # the site is published once per module: tens of seconds

BASE = "https://donnees.example.org/cap-ptce/"
PARSERS = {".ttl": "turtle", ".jsonld": "json-ld", ".rdf": "xml", ".nt": "nt"}
QUADS = {".nq": "nquads", ".trig": "trig"}


CORPUS = ("pole-saveurs-somme", "tiers-lieu-gueret")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, str, str]:
    """The site of two sample projects, published once through the command line at a base path, without the
    publisher's settings; what the command wrote on its standard output and error."""
    folder = tmp_path_factory.mktemp("publish")
    corpus = folder / "corpus"
    corpus.mkdir()
    for name in CORPUS:
        shutil.copy(data_dir("corpus") / f"{name}.yaml", corpus)
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name in ("PUBLISHER", "PUBLISHER_IRI", "CONTACT"):
            patch.delenv(f"CAP_PTCE_{name}", raising=False)
        with redirect_stdout(out), redirect_stderr(err):
            assert main(["publish", str(folder / "site"), "--base-iri", BASE, "--corpus", str(corpus)]) == 0
    return folder / "site", out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def site(published) -> Path:
    return published[0]


def test_the_command_says_the_base_and_who_the_catalogue_names_as_publisher(published):
    """A publisher's finding of 2026-12-07: a corpus of their own went out with CAP PTCE as its publisher and
    contact in the DCAT catalogue, without a word."""
    _site, out, err = published
    assert f"publié sous / published under {BASE}" in out
    assert "CAP PTCE" in err and "CAP_PTCE_PUBLISHER" in err and "docs/publishing.md" in err
    assert err.startswith("Attention : ")


def test_the_static_search_page_says_it_does_not_search(site, client):
    """A publisher's finding of 2026-12-07: /recherche?q=mobilite led to the list of everything, the words
    dropped without a word."""
    assert "elle ne cherche pas les mots donnés" in (site / "recherche.fr.html").read_text(encoding="utf-8")
    assert "it does not search for the words given" in (site / "recherche.en.html").read_text(encoding="utf-8")
    live = client.get("/recherche?q=mobilite", headers={"Accept": "text/html"}, follow_redirects=True)
    assert "ne cherche pas" not in live.get_data(as_text=True)


def test_no_warning_once_the_publisher_is_given(monkeypatch):
    from cap_ptce.cli.publish import _publisher_left_as_default

    assert _publisher_left_as_default()
    monkeypatch.setenv("CAP_PTCE_PUBLISHER", "Observatoire régional de l'ESS")
    assert not _publisher_left_as_default()


def test_a_corpus_folder_with_no_description_is_refused_before_anything_is_built(tmp_path, capsys):
    (tmp_path / "vide").mkdir()
    (tmp_path / "vide" / "notes.txt").write_text("rien")
    assert main(["publish", str(tmp_path / "site"), "--corpus", str(tmp_path / "vide")]) == 2
    err = capsys.readouterr().err
    assert "aucune description" in err and "no description" in err and str(tmp_path / "vide") in err
    assert not (tmp_path / "site").exists()


def test_the_corpus_given_is_the_corpus_published(site):
    register = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "registre" / "poles").glob("*.yaml"))
    published = sorted(p.name for p in (site / "projet").glob("*.ttl"))
    assert published == sorted(f"{name}.ttl" for name in [*CORPUS, *register])  # the corpus given, and the register
    project = Graph().parse(site / "projet" / f"{CORPUS[0]}.ttl", format="turtle")
    assert any(str(s) == BASE + f"projet/{CORPUS[0]}" for s in project.subjects())


@pytest.fixture(scope="module")
def pages(site) -> dict[Path, Page]:
    return {path: Page(path.read_text(encoding="utf-8")) for path in site.rglob("*.html")}


def test_every_internal_link_and_anchor_resolves(site, pages):
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//") or path.name == "404.html":
                continue  # 404.html has links from the base path: checked on its own
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{path.relative_to(site)} -> {link}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in pages[target].ids:
                broken.append(f"{path.relative_to(site)} -> {link} (no anchor)")
    assert len(pages) > 250
    assert not broken, broken[:10]


def test_every_page_is_reached_from_the_home_page(site, pages):
    """A publisher's finding: dataset.fr.html and dataset.en.html were written and in the sitemap, and no link
    from the home page led to them (they linked each other; the IRI /dataset 303s there)."""
    reached, todo = set(), [site / "index.fr.html"]
    while todo:
        path = todo.pop()
        if path in reached or path not in pages:
            continue
        reached.add(path)
        for link in [*pages[path].links, *pages[path].actions]:  # the search page: by the header's form
            parts = urlsplit(link)
            if not parts.scheme and not link.startswith("//") and parts.path:
                target = Path(os.path.normpath(path.parent / unquote(parts.path)))
                todo.append(target / "index.html" if target.is_dir() else target)
    orphans = sorted(str(path.relative_to(site)) for path in pages if path not in reached)
    assert len(reached) > 250
    assert orphans == ["404.html", "index.html"], (
        orphans
    )  # the error page, the home page's copy for a host without rules


def test_every_fragment_iri_lands_on_an_anchor_of_its_page(site, pages):
    """``…/shapes#ProjectName``, ``…/def#Entry``, ``…/dataset#grille-ttl``: their page has that anchor, in both languages."""
    published = Graph()
    for name in ("telechargements/cap-ptce.nt", "catalog.nt"):
        published.parse(site / name, format="nt")
    fragments = {
        str(term)
        for triple in published
        for term in triple
        if isinstance(term, URIRef) and "#" in str(term) and str(term).startswith(("https://w3id.org/cap-ptce/", BASE))
    }
    assert len(fragments) > 200
    missing = []
    for iri in sorted(fragments):
        document, anchor = iri.split("#", 1)
        path = document.replace("https://w3id.org/cap-ptce/", "").replace(BASE, "")
        for lang in ("fr", "en"):
            page = pages.get(site / f"{path}.{lang}.html")
            if page is None or (anchor and anchor not in page.ids):  # def# itself is the top of the page
                missing.append(f"{iri} ({lang})")
    assert not missing, missing[:10]


def test_every_serialisation_parses(site):
    files = [p for p in site.rglob("*") if p.suffix in PARSERS]
    assert len(files) > 600
    for path in files:
        graph = Graph().parse(data=path.read_text(encoding="utf-8"), format=PARSERS[path.suffix])
        assert len(graph) > 0, path
    for path in (p for p in site.rglob("*") if p.suffix in QUADS):
        dataset = Dataset()
        dataset.parse(data=path.read_text(encoding="utf-8"), format=QUADS[path.suffix])
        assert len(list(dataset.graphs())) >= 4


def test_the_404_page_works_at_any_depth(site):
    page = Page((site / "404.html").read_text(encoding="utf-8"))
    internal = [link for link in page.links if not urlsplit(link).scheme and not link.startswith("#")]
    assert internal and all(link.startswith("/cap-ptce/") for link in internal)
    for link in internal:
        assert (site / urlsplit(link).path[len("/cap-ptce/") :]).exists() or link == "/cap-ptce/", link
    assert "ErrorDocument 404 /cap-ptce/404.html" in (site / ".htaccess").read_text(encoding="utf-8")
    assert "error_page 404 /cap-ptce/404.html;" in (site / "nginx-cap-ptce-server.conf").read_text(encoding="utf-8")


def test_the_grid_csv_has_a_row_per_question(site):
    rows = list(csv.reader(io.StringIO((site / "telechargements" / "grille.csv").read_text(encoding="utf-8"))))
    assert len(rows) >= 19 and rows[0]


def test_every_page_exists_in_french_and_english(site):
    french = {p.name[: -len(".fr.html")] for p in site.rglob("*.fr.html")}
    english = {p.name[: -len(".en.html")] for p in site.rglob("*.en.html")}
    assert french == english
    assert (site / "index.html").read_bytes() == (site / "index.fr.html").read_bytes()


def test_the_static_site_names_its_base_and_no_live_endpoint(site, pages):
    catalog = Graph().parse(site / "catalog.ttl", format="turtle")
    urls = {str(url) for url in catalog.objects(None, DCAT.downloadURL)}
    assert urls and all(url.startswith(BASE + "telechargements/") for url in urls)
    assert all(not link.endswith("sparql") for page in pages.values() for link in page.links)


def test_the_static_pages_promise_nothing_only_the_live_app_has(site):
    """A publisher's finding of 2026-12-07: the dashboards said their queries open in the SPARQL editor, which
    the static site has not, and the explorer offered a JSON version its host answers 404 for."""
    dashboard = (site / "tableau-de-bord.fr.html").read_text(encoding="utf-8")
    assert "éditeur SPARQL" not in dashboard and "ses chiffres sont dans le tableau à côté, et en CSV" in dashboard
    assert "requêtes prêtes à l’emploi (registre-…)" not in dashboard
    explorer = (site / "explorateur.fr.html").read_text(encoding="utf-8")
    assert "la version JSON demandent le serveur" in explorer and (site / "explorateur.csv").exists()
    assert "avec ses versions CSV et JSON" not in explorer
    assert not (site / "explorateur.json").exists()


def test_negotiation_rules_for_apache_and_nginx_are_written_for_the_base_path(site):
    htaccess = (site / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteBase /cap-ptce/" in htaccess and "R=303" in htaccess
    types = [line for line in htaccess.splitlines() if line.startswith("AddType ")]
    charset = next(line for line in htaccess.splitlines() if line.startswith("AddCharset ")).split()[2:]
    assert len(types) == len(set(types)) and len(charset) == len(set(charset)) and ".txt" in charset  # each once
    server = (site / "nginx-cap-ptce-server.conf").read_text(encoding="utf-8")
    assert "location /cap-ptce/ {" in server and "return 303" in server
    http = (site / "nginx-cap-ptce-http.conf").read_text(encoding="utf-8")
    assert re.search(r"map \$http_accept \$cap_ptce_[0-9a-f]{6}_accept ", http) and "~^/cap-ptce/projet/" in http
    sites = {name[:16] for name in re.findall(r"\$\{?(cap_ptce_\w+)", http + server)}
    assert len(sites) == 1 and re.fullmatch(r"cap_ptce_[0-9a-f]{6}_", sites.pop())  # one site's names, in both files
    # a project's parts go to their section of the project's document, whatever their depth
    assert "E=CAP_ANCHOR:#$2-$3-$4" in htaccess and "'#$2-$3-$4'" in http


def test_rules_know_every_media_type_of_the_site(site):
    suffixes = {
        p.suffix.lstrip(".") for p in site.rglob("*") if p.is_file() and p.suffix not in {".html", ".css", ".conf", ""}
    }
    declared = {suffix for suffix, _ in media_types()}
    assert suffixes <= declared
    rules = apache_rules("/", "fr", BASE) + "".join(nginx_rules("/", "fr", BASE).values())
    for suffix, media_type in media_types():
        assert f"AddType {media_type} .{suffix}" in rules and f"{media_type} {suffix};" in rules


def test_publishing_again_into_a_site_of_ours_replaces_it(site, tmp_path):
    assert (site / ".cap-ptce-site").is_file()
    out = check_folder(tmp_path / "site")
    swap_in(staging_folder(out), out)
    (out / "stale.html").write_text("old")
    swap_in(staging_folder(check_folder(out)), out)
    assert [p.name for p in out.iterdir()] == [".cap-ptce-site"]


def test_a_folder_of_someone_else_is_never_overwritten(tmp_path, capsys):
    (tmp_path / "thesis.tex").write_text("precious")
    assert main(["publish", str(tmp_path)]) == 2
    assert "cap-ptce publish" in capsys.readouterr().err
    assert (tmp_path / "thesis.tex").read_text() == "precious"


@pytest.mark.parametrize(
    "base",
    [
        "ftp://example.org/",
        "https:///no-host/",
        "cap-ptce/",
        "https://example.org/?q#f",
        "https://example.org/données/",  # a publisher's of 2026-12-07: raw UTF-8 in nginx's Location
        "https://example.org/donn%C3%A9es/",
        "https://example.org/o bs/",  # a traceback: every IRI minted under it was invalid
    ],
)
def test_a_bad_base_iri_is_refused(tmp_path, capsys, base):
    assert main(["publish", str(tmp_path / "out"), "--base-iri", base]) == 2
    assert "--base-iri" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_description_outside_the_sites_base_is_refused_by_its_file(tmp_path, capsys):
    """A publisher's finding of 2026-12-07: Turtle converted under the default base was published under
    another one with no page, dead links in the explorer and two counts of the corpus."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(data_dir("corpus") / "tiers-lieu-gueret.yaml", corpus)
    assert main(["convert", str(data_dir("corpus") / "pole-saveurs-somme.yaml"), "--to", "turtle"]) == 0
    (corpus / "saveurs.ttl").write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["publish", str(tmp_path / "site"), "--base-iri", BASE, "--corpus", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert "saveurs.ttl: décrit <https://w3id.org/cap-ptce/projet/pole-saveurs-somme>, hors de la base" in err
    assert "cap-ptce convert FICHIER --to yaml" in err and not (tmp_path / "site").exists()


def test_a_project_of_the_corpus_that_the_register_describes_names_both_files(tmp_path, capsys):
    """The register's file failed with « déjà décrit par mine.yaml », without its own name."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (data_dir("corpus") / "tiers-lieu-gueret.yaml").read_text(encoding="utf-8")
    (corpus / "mine.yaml").write_text(re.sub(r"(?m)^id: .*$", "id: echobat", text), encoding="utf-8")
    assert main(["publish", str(tmp_path / "site"), "--corpus", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert (
        "registre/echobat.yaml: le projet <https://w3id.org/cap-ptce/projet/echobat> est déjà décrit par mine.yaml"
        in err
    )
    assert "puis --store STORE" not in err  # publish takes no store


VNU = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _live_only_pages(folder: Path) -> Path:
    """The pages that only the live app serves (the SPARQL editor, the ready-made queries, errors), as files."""
    from cap_ptce.queries import list_queries
    from cap_ptce.web import create_app

    client = create_app({"TESTING": True}).test_client()
    paths = ["/sparql", "/requetes", "/nulle-part", *(f"/requetes/{query.name}" for query in list_queries())]
    folder.mkdir()
    for number, path in enumerate(paths):
        for lang in ("fr", "en"):
            response = client.get(f"{path}?lang={lang}", headers={"Accept": "text/html"})
            (folder / f"{number:02d}.{lang}.html").write_bytes(response.get_data())
    return folder


def test_every_page_is_valid_html_for_the_w3c_checker(site, tmp_path):
    """vnu (the Nu Html Checker, npm vnu-jar, run by Debian's Java) over every page of the site and of the app."""
    assert VNU.is_file(), f"{VNU} is missing: run `npm ci` (make install)"
    java = shutil.which("java")
    assert java, "Java is missing: `make system-deps` (as root) or `sudo apt-get install default-jre-headless`"
    live = _live_only_pages(tmp_path / "live")
    command = [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(site), str(live)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [f"{m['url'].rsplit('/', 2)[-2:]}: {m['message']}" for m in messages] == []


def test_the_explorers_address_to_share_is_the_published_sites(site):
    """A publisher's test of 2026-12-06: the static explorer gave « http://localhost/explorateur.fr.html » to share."""
    for lang in ("fr", "en"):
        html = (site / f"explorateur.{lang}.html").read_text(encoding="utf-8")
        assert f'id="adresse" readonly value="{BASE}explorateur.{lang}.html"' in html
        assert "localhost" not in html
        assert (
            "filtres</button>" not in html and "filters</button>" not in html and 'type="checkbox"' in html
        )  # the counts, without filters a static host ignores
        assert all(" disabled" in box for box in re.findall(r'<input type="checkbox"[^>]*>', html))
