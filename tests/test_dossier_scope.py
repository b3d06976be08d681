"""What a dossier claims: what « Conforme » covers, in every format and language; the compared poles said to be
fictional in every format; and the comparison left out on request (command line and web download)."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest

from cap_ptce.cli import main
from cap_ptce.i18n import t

ROOT = Path(__file__).resolve().parents[1]
EMERGING = ROOT / "examples" / "corpus" / "tiers-lieu-gueret.yaml"


def _flat(text: str) -> str:
    """Text without whitespace nor typographic variants: a PDF's line breaks and ligatures do not matter."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _text(fmt: str, data: bytes) -> str:
    if fmt == "pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = data.decode("utf-8")
    return re.sub(r"<[^>]+>", " ", text).replace("&#39;", "'").replace("&quot;", '"') if fmt == "html" else text


def _dossier(tmp_path, fmt: str, *options: str) -> str:
    out = tmp_path / f"dossier.{fmt}"
    assert main(["dossier", str(EMERGING), "--format", fmt, "-o", str(out), *options]) == 0
    return _text(fmt, out.read_bytes())


@pytest.mark.parametrize(("fmt", "lang"), [("md", "fr"), ("md", "en"), ("html", "fr"), ("html", "en"), ("pdf", "fr")])
def test_every_dossier_says_what_conforms_covers(tmp_path, fmt, lang):
    text = _flat(_dossier(tmp_path, fmt, "--lang", lang, "--sans-comparaison"))
    assert _flat(t("dossier.scope", lang)) in text
    for fact in {"fr": ("2014-856", "2015-431", "Sirene", "l’État"), "en": ("2014-856", "2015-431", "Sirene", "State")}[
        lang
    ]:
        assert _flat(fact) in _flat(t("dossier.scope", lang))


def test_the_scope_names_the_law_as_violations_the_decree_as_warnings_and_the_siren_form_only():
    scope = t("dossier.scope", "fr")
    assert (
        "loi n° 2014-856 du 31 juillet 2014 (article 9 : ce qu’est un PTCE ; article 1 : qui est une entreprise de "
        "l’ESS) sont contrôlées comme des violations"
    ) in scope
    assert "décret n° 2015-431 du 15 avril 2015, seulement comme des avertissements" in scope
    assert "n’est vérifié que dans sa forme (sa clé de contrôle), pas dans le répertoire Sirene" in scope
    assert "Ce n’est pas l’appréciation de l’État" in scope


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_markdown_dossier_says_which_compared_poles_are_fictional(tmp_path, lang):
    text = _dossier(tmp_path, "md", "--lang", lang)
    nearest = text[text.index(t("standing.nearest_title", lang)) :].split("\n---\n")[0]
    poles = re.findall(r"^\d+\. .*$", nearest, re.M)
    assert len(poles) >= 3
    assert all(f"({t('standing.fictional_example', lang)})" in pole for pole in poles), poles  # the corpus is made up
    assert re.search(t("standing.fictional_others", lang, count=r"\d+"), text)


def test_the_html_dossier_says_it_too(tmp_path):
    text = _dossier(tmp_path, "html")
    assert "(exemple fictif)" in text


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_sans_comparaison_leaves_the_comparison_out(tmp_path, fmt):
    title = _flat(t("standing.title", "fr"))
    assert title in _flat(_dossier(tmp_path, fmt))
    without = _flat(_dossier(tmp_path, fmt, "--sans-comparaison"))
    assert title not in without and "centile" not in without and _flat(t("dossier.scope", "fr")) in without


def _web_dossier(client, **fields) -> str:
    data = {"texte": EMERGING.read_text(encoding="utf-8"), "nom": EMERGING.name, "format": "md", **fields}
    response = client.post("/dossier", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_the_web_download_leaves_the_comparison_out_on_request(client):
    title = t("standing.title", "fr")
    assert title in _web_dossier(client) and title in _web_dossier(client, comparaison="oui")
    without = _web_dossier(client, comparaison="non")
    assert title not in without and t("dossier.scope", "fr") in without
    data = {"texte": EMERGING.read_text(encoding="utf-8"), "format": "md", "comparaison": "peut-être"}
    refused = client.post("/dossier", data=data)
    assert refused.status_code == 400 and "comparaison" in refused.get_data(as_text=True)


def test_the_validator_offers_the_dossier_without_comparison(client):
    page = client.post("/valider", data={"texte": EMERGING.read_text(encoding="utf-8")}).get_data(as_text=True)
    form = page[page.index('class="dossier-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="comparaison" value="non"' in form and t("dossier.without_comparison", "fr") in form
    assert [m for m in re.findall(r'name="format" value="(\w+)"', form)] == ["html", "pdf", "md"]
