"""A small, complete and valid PTCE description for the validation tests, and ways to break it.

The tests change one thing at a time and check that the report names it. The
numbers are computed (a Luhn check digit appended), so no real company is named.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from cap_ptce.grid import load_grid


def luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


COOP_SIREN = with_check_digit("41234567")
COOP_SIRET = with_check_digit(COOP_SIREN + "0001")
SAS_SIREN = with_check_digit("52345678")
EPCI_SIREN = "248000531"  # the EPCI of the sample corpus (Luhn-valid)


def description() -> dict:
    """The data of a valid description (a fresh copy each time)."""
    return copy.deepcopy(_DESCRIPTION)


_DESCRIPTION = {
    "fictif": True,
    "id": "pole-essai",
    "nom": "Pôle d'essai",
    "maturite": "etabli",
    "site_web": "https://pole-essai.example.org/",
    "courriel": "contact@pole-essai.example.org",
    "structure_porteuse": {"acteur": "coop-essai"},
    "strategie_commune": "Mutualiser un atelier et une tournée de livraison entre les membres.",
    "acteurs": [
        {
            "id": "coop-essai",
            "nom": "Coopérative d'essai",
            "type": "cooperative",
            "ess": True,
            "siren": COOP_SIREN,
            "siret": COOP_SIRET,
            "categorie_juridique": "5710",
            "commune": "80021",
        },
        {
            "id": "asso-essai",
            "nom": "Association d'essai",
            "type": "association",
            "ess": True,
            "rna": "W802004512",
            "categorie_juridique": "9220",
        },
        {
            "id": "sas-essai",
            "nom": "SAS d'essai",
            "type": "entreprise-hors-ess",
            "ess": False,
            "siren": SAS_SIREN,
            "categorie_juridique": "5710",
        },
        {
            "id": "agglo-essai",
            "nom": "Agglomération d'essai",
            "type": "epci",
            "ess": False,
            "siren": EPCI_SIREN,
            "categorie_juridique": "7348",
        },
    ],
    "territoire": {
        "nom": "Amiénois",
        "communes": ["80021"],
        "epci": [EPCI_SIREN],
        "departements": ["80"],
        "regions": ["32"],
        "population": 180000,
    },
    "financements": [
        {
            "financeur": "Région",
            "type_financeur": "region",
            "montant": 12000.5,
            "nature": "fonctionnement",
            "statut": "active",
        }
    ],
    "reponses": {q.id: f"Réponse d'essai à la question {q.id}." for q in load_grid().questions},
}


def write(data: dict, path: Path) -> Path:
    """Write ``data`` as YAML (no aliases: each value is written out) and return the path."""
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """The 1-based line of ``path`` that contains ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def unanswered(data: dict, *questions: str) -> dict:
    """``data`` without the written answers to ``questions`` nor any key that the grid says answers them."""
    grid = load_grid()
    for qid in questions:
        (data.get("reponses") or {}).pop(qid, None)
        data.pop(qid, None)
        for key_path in grid.question(qid).fields:
            _drop(data, key_path.split("."))
    return data


def _drop(node, keys: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _drop(item, keys)
    elif isinstance(node, dict) and keys[0] in node:
        if len(keys) == 1:
            del node[keys[0]]
        else:
            _drop(node[keys[0]], keys[1:])
