"""The parts of a synthetic description drawn from its random stream: governance, actions, schemes, money, facts.

:mod:`cap_ptce.project.generate` calls them in a fixed order, so that the same
seed gives the same description.
"""

from __future__ import annotations

import random

from .generate_tables import FREQUENCIES, STAGES, Theme
from .geo_sample import Departement

__all__ = ["governance", "actions", "schemes", "coordination", "fundings", "figures", "recognitions", "free_texts"]


def governance(rng: random.Random, ids: list[str]) -> dict:
    participants = sorted(rng.sample(ids, min(len(ids), rng.randint(3, 8))))
    return {
        "formes": sorted(rng.sample(("formalisee", "comites", "convention", "charte"), 2)),
        "instances": [
            {
                "nom": "Comité de pilotage",
                "type": "instances-pilotage",
                "frequence": rng.choice(FREQUENCIES),
                "participants": participants,
            }
        ],
    }


def actions(rng: random.Random, theme: Theme, ids: list[str], maturity: str) -> list[dict]:
    stages = STAGES[:3] if maturity == "emergent" else STAGES
    names = rng.sample(theme.actions, rng.randint(1, len(theme.actions)))
    year = rng.randint(2021, 2026)
    return [
        {
            "nom": name,
            "stade": rng.choice(stages),
            "axes": [theme.axis],
            "debut": f"{year + n}",
            "porteurs": sorted(rng.sample(ids, min(2, len(ids)))),
        }
        for n, name in enumerate(names)
    ]


def schemes(rng: random.Random, theme: Theme, city: str) -> list[dict]:
    found = []
    if theme.scheme and rng.random() < 0.7:
        found.append({"dispositif": theme.scheme, "nom": f"{theme.scheme.upper()} de {city}"})
    if rng.random() < 0.3 and theme.scheme != "crte":
        found.append({"dispositif": "crte", "nom": f"CRTE de {city}"})
    if not found:
        found.append({"nom": f"Plan local pour l'emploi de {city}"})
    return found


def coordination(rng: random.Random, carrier: str) -> dict:
    return {
        "nom": "Coordination du pôle",
        "fonctions": ["animation", "ingenierie-projet-collectif"],
        "statut": "salariee",
        "etp": rng.choice((0.5, 0.8, 1)),
        "valorisation": rng.choice(("creation-poste", "mise-a-disposition")),
        "employeur": carrier,
    }


def fundings(rng: random.Random, carrier: str) -> list[dict]:
    fundings = [
        {
            "financeur": "État — AMI PTCE",
            "type_financeur": "etat",
            "montant": 100000,
            "nature": "fonctionnement",
            "statut": rng.choice(("active", "activable")),
        }
    ]
    for funder, kind in rng.sample(
        (
            ("Région", "region"),
            ("Département", "departement"),
            ("Fondation", "fondations"),
            ("Financement participatif", "financement-participatif"),
            ("Europe (FSE+)", "europe"),
        ),
        rng.randint(0, 3),
    ):
        fundings.append(
            {
                "financeur": funder,
                "type_financeur": kind,
                "montant": rng.randint(5, 200) * 500,
                "nature": rng.choice(("fonctionnement", "investissement")),
                "statut": rng.choice(("active", "activable")),
            }
        )
    if rng.random() < 0.5:
        fundings.append(
            {
                "financeur_acteur": carrier,
                "type_financeur": "autofinancement",
                "montant": rng.randint(1, 40) * 1000,
                "nature": "fonctionnement",
                "statut": "active",
            }
        )
    return fundings


def figures(rng: random.Random, maturity: str) -> list[dict]:
    if maturity == "emergent" or rng.random() < 0.3:
        return []
    year = rng.randint(2019, 2025)
    jobs = rng.randint(10, 300)
    figures = [{"indicateur": "emplois", "valeur": jobs, "annee": year}]
    if rng.random() < 0.5:
        figures.append(
            {"indicateur": "etp", "valeur": round(jobs * rng.uniform(0.5, 0.9)), "environ": True, "annee": year}
        )
    if rng.random() < 0.4:
        figures.append({"indicateur": "budget", "valeur": rng.randint(10, 400) * 1000, "annee": year})
    return figures


def recognitions(rng: random.Random, maturity: str) -> list[dict]:
    draw = rng.random()
    if draw < 0.5:
        return []
    if draw < 0.8:
        return [{"type": "selection-etat", "appel": "ami-ptce-2021", "phase": 1, "annee": 2021}]
    phase = 2 if maturity == "etabli" else 1
    return [{"type": "selection-etat", "appel": "ami-ptce-2022", "phase": phase, "annee": 2022}]


def free_texts(rng: random.Random, data: dict, dep: Departement, theme: Theme) -> dict:
    """The three questions that no key answers, and now and then a few optional lines on another."""
    texts = {
        "q04": "La dynamique expérimente des réponses que ni le marché ni la collectivité n'apportaient.",
        "q05": data["objectifs"][0] + ", non délocalisables.",
        "q06": f"Elle valorise les ressources et les savoir-faire de {dep.name}.",
    }
    if rng.random() < 0.3:
        texts["q01"] = data["structure_porteuse"]["experience_cooperation"]
    if rng.random() < 0.3:
        texts["q02"] = f"{theme.finding} Constat issu d'un diagnostic territorial partagé."
    return texts
