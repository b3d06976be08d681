"""A project's page for people: the dossier's layout, every value whole, labels instead of IRIs, the pole among others."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from pathlib import Path

import pytest

from cap_ptce.grid import load_grid
from cap_ptce.project import load_description

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"


def _text(html: str) -> str:
    body = html[html.index("<main") : html.index("</main>")]
    return "".join(unicodedata.normalize("NFKC", unescape(re.sub(r"<[^>]+>", " ", body))).split())


def _flat(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _lists(data, path=()):
    """Every list of plain values in the description's data, with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _lists(value, (*path, key))
    elif isinstance(data, list):
        if data and all(not isinstance(v, (dict, list)) for v in data):
            yield path, data
        for n, value in enumerate(data):
            yield from _lists(value, (*path, n))


@pytest.fixture(scope="module")
def pages():
    from cap_ptce.web import create_app

    app = create_app({"TESTING": True})
    client = app.test_client()
    return {
        (path.stem, lang): client.get(f"/projet/{path.stem}.{lang}.html").get_data(as_text=True)
        for path in sorted(CORPUS.glob("*.yaml"))
        for lang in ("fr", "en")
    }


def _field(path: tuple):
    """The format's field at a data path (``("gouvernance", "instances", 0, "participants")``)."""
    from cap_ptce.project.schema import PROJECT, SPECS, Kind

    spec, found = PROJECT, None
    for segment in path:
        if isinstance(segment, int):
            continue
        found = spec.field(segment)
        if found.kind in (Kind.OBJECTS, Kind.NEST, Kind.OBJECT):
            spec = SPECS[found.arg]
    return found


def _shown(field, value, actors: dict) -> str:
    """How a value of ``field`` reads on the page (French)."""
    from cap_ptce.geo import load_geography
    from cap_ptce.project.schema import Kind

    if field.kind in (Kind.CONCEPT, Kind.CONCEPTS, Kind.CONCEPT_SET):
        return load_grid().scheme(field.arg).concept(value).label.fr
    if field.kind in (Kind.ACTOR, Kind.ACTORS, Kind.MEMBERS):
        return actors[value]
    if field.kind == Kind.GEO:
        return load_geography().place_name({"intercommunalite": "epci"}.get(field.arg, field.arg), value)
    return str(value)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_multi_valued_field_appears_whole(pages, path):
    data = load_description(path).data
    text = _text(pages[path.stem, "fr"])
    actors = {a["id"]: a["nom"] for key in ("acteurs", "groupes") for a in data.get(key, [])}
    checked = 0
    for where, values in _lists(data):
        field = _field(where)
        for value in values:
            assert _flat(_shown(field, value, actors)) in text, f"{path.stem}: {'.'.join(map(str, where))} = {value!r}"
            checked += 1
    assert checked > 20


def test_the_page_reads_like_the_dossier_in_the_project_tense(pages):
    grid = load_grid()
    emerging = pages["tiers-lieu-gueret", "fr"]
    established = pages["pole-saveurs-somme", "en"]
    for question in grid.questions:
        assert _flat(question.future.fr) in _text(emerging)
        assert _flat(question.text.en) in _text(established)
    assert emerging.index('id="reponses"') < emerging.index('id="faits"') < emerging.index('id="annexe"')


def test_labels_instead_of_iris_and_codes(pages):
    page = pages["pole-saveurs-somme", "fr"]
    body = page[page.index("<main") : page.index('id="donnees-brutes"')]
    text = unescape(re.sub(r"<[^>]+>", " ", body))
    for raw in (
        "http://id.insee.fr",
        "http://purl.org/cld/freq",
        "org:Membership",
        "rdf:type",
        "adhesion/",
        "financement/1",
    ):
        assert raw not in text, raw
    assert "Amiens (80021)" in text and "trimestrielle" in text and "€" in text
    assert 'href="pole-saveurs-somme.ttl"' in page  # the raw RDF behind a link


def test_the_pole_among_the_others(pages):
    page = pages["pole-saveurs-somme", "fr"]
    standing = page[page.index('id="annexe-corpus"') :]
    assert "Le pôle parmi les autres" in standing and "14 autres pôles" in standing
    assert "e centile" in standing and "<svg" in standing
    assert "Les pôles les plus proches" in standing and ".fr.html" in standing


def test_the_pole_among_the_others_counts_its_members_as_the_queries_do(pages):
    """The page's « Membres du consortium » and « Part des membres de l'ESS » are the YAML's and the
    queries' (heterogeneite-consortium 8, membres-ess 37.5): the 3 colleges of pole-saveurs-somme are
    groups of members, never members (tests/test_counts.py checks every project against the queries)."""
    data = load_description(CORPUS / "pole-saveurs-somme.yaml").data
    members = [actor for actor in data["acteurs"] if actor.get("relation", "membre") != "partenaire"]
    sse = sum(actor.get("ess") is True for actor in members)
    assert (len(members), sse, len(data["groupes"])) == (8, 3, 3)
    page = pages["pole-saveurs-somme", "fr"]
    standing = page[page.index('id="annexe-corpus"') :]

    def value(label: str) -> str:
        return _flat(unescape(re.search(rf">{label}</th>\s*<td[^>]*>([^<]*)</td>", standing).group(1)))

    assert value("Membres du consortium") == str(len(members))
    assert (
        value("Part des membres de l’ESS")
        == f"{Decimal(100 * sse / len(members)).quantize(Decimal(1), ROUND_HALF_UP)}%"
    )


def test_an_unsafe_web_address_is_not_a_link():
    from cap_ptce.dossier.model import build_dossier
    from cap_ptce.dossier.render import to_html

    data = load_description(CORPUS / "tiers-lieu-gueret.yaml").data
    data = {**data, "site_web": "javascript:alert(document.domain)"}
    html = to_html(build_dossier(data, "fr"))
    assert "javascript:alert(document.domain)" in html and 'href="javascript' not in html
