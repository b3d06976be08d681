"""Relative links between pages: each one leads where it says, from any page."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from cap_ptce.web import create_app
from cap_ptce.web.links import relative


@pytest.mark.parametrize(
    ("here", "there", "link"),
    [
        ("/requetes/projets-par-region", "/requetes", "../requetes"),  # "./" would be /requetes/, a 404
        ("/requetes/projets-par-region", "/requetes/", "./"),
        ("/a/b/c", "/a/b", "../b"),
        ("/a/b/", "/a/b", "../b"),
        ("/x", "/", "./"),
        ("/requetes", "/requetes/projets-par-region", "requetes/projets-par-region"),
        ("/a/b", "/a/c/", "c/"),
    ],
)
def test_a_relative_link_resolves_to_its_target(here, there, link):
    assert relative(here, there) == link
    assert urljoin("http://h" + here, link) == "http://h" + there


def test_the_back_link_of_a_query_page_leads_to_the_list():
    client = create_app({"TESTING": True}).test_client()
    page = client.get("/requetes/projets-par-region").get_data(as_text=True)
    back = re.search(r'<a href="([^"]+)">← Toutes les requêtes</a>', page)
    assert back
    target = urljoin("http://h/requetes/projets-par-region", back.group(1))
    assert client.get(target.removeprefix("http://h")).status_code == 200
