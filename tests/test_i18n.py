"""The message catalogue and the choice of a page's language."""

from __future__ import annotations

import re

import pytest

from cap_ptce import i18n
from cap_ptce.web.i18n import choose_lang


def test_every_message_has_french_and_english_text():
    for key, texts in i18n.catalogue().items():
        assert texts["fr"].strip() and texts["en"].strip(), key


def test_placeholders_are_the_same_in_both_languages():
    for key, texts in i18n.catalogue().items():
        names = [set(re.findall(r"\{(\w+)\}", texts[lang])) for lang in i18n.LANGUAGES]
        assert names[0] == names[1], key


def test_t_fills_placeholders_and_refuses_unknown_keys():
    assert i18n.t("common.nav_grid", "fr") == "La grille"
    assert i18n.t("common.nav_grid", "en") == "The grid"
    with pytest.raises(KeyError, match="messages"):
        i18n.t("no.such.key", "fr")


@pytest.mark.parametrize(
    ("fixed", "param", "header", "expected"),
    [
        (None, None, "", "fr"),
        (None, None, "en-GB,en;q=0.9", "en"),
        (None, None, "de-DE,en;q=0.5,fr;q=0.8", "fr"),
        (None, None, "de", "fr"),
        (None, "en", "fr", "en"),
        (None, "xx", "en", "en"),
        ("fr", "en", "en", "fr"),
        # a regional tag counts for its language, even when the other language is named exactly
        (None, None, "fr-FR,en;q=0.5", "fr"),
        (None, None, "fr;q=0.2, en-US", "en"),
        (None, None, "en;q=0, *", "fr"),
        (None, None, "en, fr", "fr"),  # a tie goes to the default language
    ],
)
def test_language_order_is_url_then_parameter_then_header_then_default(fixed, param, header, expected):
    assert choose_lang(fixed, param, header, "fr") == expected


def test_default_language_comes_from_the_setting():
    assert choose_lang(None, None, "", "en") == "en"
    assert choose_lang(None, None, None, "en") == "en"
    assert choose_lang(None, None, "fr, en", "en") == "en"


def test_localise_picks_the_page_language():
    assert i18n.localise({"fr": "grille", "en": "grid"}, "en") == "grid"
    assert i18n.localise(None, "fr") == ""


def test_base_template_follows_the_request_language(app):
    from flask import render_template_string

    page = '{% extends "base.html" %}{% block content %}x{% endblock %}'
    with app.test_request_context("/sparql", headers={"Accept-Language": "en"}):
        html = render_template_string(page)
    assert '<html lang="en">' in html and "Institut Godin" in html
    assert 'href="sparql?lang=fr"' in html and app.config["LICENSE"] in html
    assert "http" not in re.sub(r'href="https?://spdx[^"]*"', "", html)
