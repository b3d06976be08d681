"""The site's A–Z list (/recherche) gives its entries in one order, whatever order Python's hashing gives sets."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # two fresh processes build the site

DRAW = (
    "import sys; from cap_ptce.web import create_app; "
    "sys.stdout.write(create_app({'TESTING': True}).test_client().get('/recherche.en.html').get_data(as_text=True))"
)


def test_the_a_to_z_list_is_the_same_whatever_the_hash_seed():
    """A publisher's test of 2026-12-06: « attestation » and « Attestation », and the same names of several kinds,
    came in another order from one build of the static site to the next."""
    pages = [
        subprocess.run(
            [sys.executable, "-c", DRAW],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=300,
        ).stdout
        for seed in ("1", "2", "3")
    ]
    assert pages[0].count("<li") > 100
    assert pages[0] == pages[1] == pages[2]
