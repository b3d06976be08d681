"""Synthetic PTCE descriptions, for benchmarks and load tests.

:func:`synthetic_description` builds one description from a seed and an index,
deterministically (the same seed gives the same bytes), varied in région,
maturity, size (3 to 25 actors), theme, public schemes and funding mix, and
valid: at least one ESS enterprise and one enterprise outside the ESS, at
least three legal persons, a local authority, research or training actor, a
private-law carrying structure, a territory, a common strategy, an answer to
every question, and SIREN/SIRET numbers with their Luhn check digit. Every
description says it is fictional (``fictif: true``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import ParameterError
from .emit import data_to_yaml
from .geo_sample import Departement, departements, region_name

__all__ = ["luhn_digit", "is_luhn_valid", "synthetic_description", "synthetic_files", "write_synthetic"]

MAX_COUNT = 1_000_000


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def is_luhn_valid(number: str) -> bool:
    """True when the last digit of ``number`` is its Luhn check digit."""
    return number.isdigit() and len(number) > 1 and luhn_digit(number[:-1]) == number[-1]


@dataclass(frozen=True)
class _Theme:
    axis: str
    scheme: str | None
    words: tuple[str, ...]
    actions: tuple[str, ...]
    finding: str
    skills: tuple[str, ...]


_THEMES = (
    _Theme(
        "circuits-courts-alimentaires",
        "pat",
        ("Saveurs", "Terroirs", "Paniers", "Récoltes"),
        (
            "Légumerie solidaire",
            "Épicerie solidaire",
            "Plateforme logistique des producteurs",
            "Cuisine partagée",
            "Conserverie",
        ),
        "Les producteurs locaux n'ont pas accès à la restauration collective.",
        ("Maraîchage", "Transformation alimentaire", "Logistique"),
    ),
    _Theme(
        "mobilite-durable",
        "crte",
        ("Mobilités", "Trajets", "Roues"),
        ("Garage solidaire", "Service d'autopartage", "Atelier vélo", "Transport à la demande"),
        "Un tiers des demandeurs d'emploi n'ont pas de moyen de transport.",
        ("Mécanique", "Conseil en mobilité", "Conduite"),
    ),
    _Theme(
        "environnement",
        "crte",
        ("Réemploi", "Ressources", "Matières"),
        ("Ressourcerie", "Matériauthèque", "Atelier de réparation", "Collecte des biodéchets"),
        "Les déchets réutilisables du territoire partent à l'enfouissement.",
        ("Réemploi", "Réparation", "Tri des déchets"),
    ),
    _Theme(
        "services-proximite",
        None,
        ("Proximité", "Bourg", "Voisinage"),
        ("Tiers-lieu", "Conciergerie de territoire", "Commerce multiservice", "Maison de services"),
        "Les services ferment dans les bourgs et les habitants doivent se déplacer.",
        ("Animation", "Accueil du public", "Gestion de lieux"),
    ),
    _Theme(
        "parcours-emploi-formation",
        "tzcld",
        ("Emplois", "Parcours", "Compétences"),
        ("Entreprise à but d'emploi", "Parcours de formation", "Groupement d'employeurs", "Chantier d'insertion"),
        "Le chômage de longue durée dépasse la moyenne régionale.",
        ("Insertion", "Formation", "Accompagnement vers l'emploi"),
    ),
)

# (type concept, ESS, legal category, legal form, name pattern)
_ESS_KINDS = (
    ("association", True, "9220", "Association loi 1901", "Association {w} de {c}"),
    ("cooperative", True, "5710", "SCIC SAS", "SCIC {w} {c}"),
    ("cooperative", True, "5499", "SCOP SARL", "SCOP {w} et Cie"),
    ("structure-insertion", True, "9220", "Association (atelier et chantier d'insertion)", "Chantier {w} de {c}"),
    ("fondation", True, "9300", "Fondation", "Fondation {w}"),
)
_OTHER_KINDS = (
    ("entreprise-hors-ess", False, "5710", "SAS", "{w} Services SAS"),
    ("entreprise-hors-ess", False, "5499", "SARL", "SARL {w} de {c}"),
    ("entreprise-hors-ess", False, "5599", "SA", "{w} Industries SA"),
)
_PARTNER_KINDS = (
    ("collectivite-territoriale", False, "7210", "Commune", "Ville de {c}"),
    ("organisme-formation", False, "7331", "Établissement public local d'enseignement", "Lycée professionnel de {c}"),
    (
        "enseignement-superieur",
        False,
        "7383",
        "Établissement public d'enseignement supérieur",
        "Université de {c} (fictive)",
    ),
    ("reseau", True, "9220", "Association loi 1901", "Réseau {w} de {c}"),
)
_NAME_WORDS = (
    "Horizon",
    "Entraide",
    "Avenir",
    "Convergence",
    "Alliance",
    "Racines",
    "Atelier",
    "Passerelle",
    "Solidarités",
    "Rivages",
    "Ensemble",
    "Élan",
    "Ruches",
    "Sillons",
)
_FREQUENCIES = ("mensuelle", "bimestrielle", "trimestrielle", "semestrielle", "annuelle")
_STAGES = ("idee", "etude", "experimentation", "concretisation", "fonctionnement")


def _siren(rng: random.Random, first: str = "") -> str:
    width = 8 - len(first)
    body = first + str(rng.randrange(10**width)).zfill(width)
    return body + luhn_digit(body)


def _siret(rng: random.Random, siren: str) -> str:
    body = siren + str(rng.randrange(10_000)).zfill(4)
    return body + luhn_digit(body)


class _Draft:
    """One synthetic description being drawn."""

    def __init__(self, seed: int, index: int) -> None:
        self.rng = random.Random(f"cap-ptce/{seed}/{index}")
        self.index = index
        self.seed = seed
        self.departement: Departement = self.rng.choice(departements())
        self.theme: _Theme = self.rng.choice(_THEMES)
        self.word = self.rng.choice(self.theme.words)
        self.city = self.rng.choice(self.departement.communes)[1]
        self.maturity = self.rng.choice(("emergent", "etabli"))
        self.actors: list[dict] = []

    def actor(self, kind: tuple, *, siren_first: str = "", role: str) -> dict:
        concept, ess, category, form, pattern = kind
        word = self.rng.choice((self.word, *_NAME_WORDS))
        name = pattern.format(w=word, c=self.city)
        slug = _slug(name)
        taken = {a["id"] for a in self.actors}
        suffix = 2
        while slug in taken:
            slug, suffix = f"{_slug(name)}-{suffix}", suffix + 1
        siren = _siren(self.rng, siren_first)
        actor = {
            "id": slug,
            "nom": name,
            "type": concept,
            "ess": ess,
            "siren": siren,
            "siret": _siret(self.rng, siren),
            "forme_juridique": form,
            "categorie_juridique": category,
            "commune": self.rng.choice(self.departement.communes)[0],
            "competences": sorted(self.rng.sample(self.theme.skills, 2)),
            "roles": [role],
        }
        self.actors.append(actor)
        return actor

    def cast(self) -> None:
        size = self.rng.randint(3, 25)
        self.carrier = self.actor(self.rng.choice(_ESS_KINDS[:4]), role="Structure porteuse")
        self.actor(self.rng.choice(_OTHER_KINDS), role="Membre fondateur")
        self.actor(self.rng.choice(_PARTNER_KINDS[:3]), siren_first="2", role="Partenaire")
        for _ in range(size - 3):
            kinds = self.rng.choice((_ESS_KINDS, _OTHER_KINDS, _PARTNER_KINDS))
            self.actor(self.rng.choice(kinds), role=self.rng.choice(("Membre associé", "Partenaire")))


@lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    from .values import slugify

    return slugify(text)[:60].strip("-")


def synthetic_description(seed: int, index: int) -> dict:
    """The data of synthetic description ``index`` for ``seed``."""
    draft = _Draft(seed, index)
    draft.cast()
    rng, theme, dep = draft.rng, draft.theme, draft.departement
    ids = [a["id"] for a in draft.actors]
    communes = sorted(code for code, _ in rng.sample(dep.communes, rng.randint(1, len(dep.communes))))
    data: dict = {
        "fictif": True,
        "format": 2,
        "id": f"synthetique-{draft.seed}-{index:06d}",
        "nom": f"Pôle {draft.word} {draft.city} (synthétique n° {index})",
        "description": f"Description synthétique d'un PTCE sur le thème « {theme.axis} » ({dep.name}).",
        "maturite": draft.maturity,
        "structure_porteuse": {
            "porteurs": [draft.carrier["id"]],
            "experience_cooperation": f"{draft.carrier['nom']} coopère depuis {rng.randint(2, 15)} ans sur le territoire.",
        },
        "strategie_commune": f"Mutualiser moyens et compétences autour de « {theme.actions[0].lower()} » à {draft.city}.",
        "objectifs": [f"Créer {rng.randint(3, 40)} emplois durables", "Renforcer la coopération entre acteurs locaux"],
        "constats": [{"texte": theme.finding, "sources": ["Diagnostic territorial"], "partage": rng.random() < 0.8}],
        "axes": sorted({theme.axis, rng.choice(_THEMES).axis}),
        "acteurs": draft.actors,
        "gouvernance": _governance(rng, ids),
        "territoire": _territory(rng, dep, communes, draft.city),
        "actions": _actions(rng, theme, ids, draft.maturity),
        "implications": [{"membre": ids[1], "formes": ["apports-en-nature"], "description": "Locaux et matériel."}],
        "dispositifs": _schemes(rng, theme, draft.city),
        "coordination": [
            {
                "nom": "Coordination du pôle",
                "fonctions": ["animation", "ingenierie-projet-collectif"],
                "statut": "salariee",
                "etp": rng.choice((0.5, 0.8, 1)),
                "valorisation": rng.choice(("creation-poste", "mise-a-disposition")),
                "employeur": draft.carrier["id"],
            }
        ],
        "financements": _fundings(rng, draft.carrier["id"]),
    }
    data.update(_answers(data, dep, theme))
    return data


def _governance(rng: random.Random, ids: list[str]) -> dict:
    participants = sorted(rng.sample(ids, min(len(ids), rng.randint(3, 8))))
    return {
        "formes": sorted(rng.sample(("formalisee", "comites", "convention", "charte"), 2)),
        "instances": [
            {
                "nom": "Comité de pilotage",
                "type": "instances-pilotage",
                "frequence": rng.choice(_FREQUENCIES),
                "participants": participants,
            }
        ],
    }


def _territory(rng: random.Random, dep: Departement, communes: list[str], city: str) -> dict:
    territory = {
        "nom": f"Territoire de {city}",
        "communes": communes,
        "departements": [dep.code],
        "regions": [dep.region],
        "population": rng.randint(5, 400) * 1000,
    }
    if dep.epci and rng.random() < 0.7:
        territory["epci"] = [dep.epci[0][0]]
    territory["description"] = f"Territoire de la région {region_name(dep.region)}."
    return territory


def _actions(rng: random.Random, theme: _Theme, ids: list[str], maturity: str) -> list[dict]:
    stages = _STAGES[:3] if maturity == "emergent" else _STAGES
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


def _schemes(rng: random.Random, theme: _Theme, city: str) -> list[dict]:
    found = []
    if theme.scheme and rng.random() < 0.7:
        found.append({"dispositif": theme.scheme, "nom": f"{theme.scheme.upper()} de {city}"})
    if rng.random() < 0.3 and theme.scheme != "crte":
        found.append({"dispositif": "crte", "nom": f"CRTE de {city}"})
    return found


def _fundings(rng: random.Random, carrier: str) -> list[dict]:
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


def _answers(data: dict, dep: Departement, theme: _Theme) -> dict:
    actors = data["acteurs"]
    texts = [
        data["structure_porteuse"]["experience_cooperation"],
        f"{theme.finding} Constat issu d'un diagnostic territorial partagé.",
        f"Axes thématiques retenus : {', '.join(data['axes'])}.",
        "La dynamique expérimente des réponses que ni le marché ni la collectivité n'apportaient.",
        data["objectifs"][0] + ", non délocalisables.",
        f"Elle valorise les ressources et les savoir-faire de {dep.name}.",
        f"{len(actors)} acteurs : entreprises de l'ESS et hors ESS, collectivités, formation.",
        "Un comité de pilotage réunit les membres.",
        f"Gouvernance : {', '.join(data['gouvernance']['formes'])}.",
        data["territoire"]["nom"] + ", " + data["territoire"]["description"],
        "La dynamique s'appuie sur le tissu économique et associatif local.",
        f"{len(data['actions'])} action(s) : " + ", ".join(a["nom"] for a in data["actions"]) + ".",
        "Les membres apportent locaux, matériel, expertise et mise en relation.",
        "Elle concourt à l'emploi et à la transition écologique.",
        "Liens réguliers avec les élus et les techniciens des collectivités.",
        "Une coordination salariée anime la démarche.",
        "Le poste est "
        + ("créé" if data["coordination"][0]["valorisation"] == "creation-poste" else "mis à disposition")
        + ".",
        f"{len(data['financements'])} financement(s) prévus, publics et privés.",
    ]
    return {f"q{n:02d}": text for n, text in enumerate(texts, start=1)}


def synthetic_files(count: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """``(file name, YAML text)`` for each of ``count`` synthetic descriptions."""
    if seed < 0:
        raise ParameterError(
            f"graine négative / negative seed: {seed}",
            key="seed",
            hint="un entier positif ou nul / a whole number from 0",
        )
    if not 0 <= count <= MAX_COUNT:
        raise ParameterError(
            f"impossible de produire {count} descriptions / cannot generate {count} descriptions",
            key="N",
            hint=f"de 0 à / from 0 to {MAX_COUNT:,}",
        )
    for index in range(1, count + 1):
        data = synthetic_description(seed, index)
        yield f"{data['id']}.yaml", data_to_yaml(data)


def write_synthetic(count: int, directory: Path, seed: int = 0) -> list[Path]:
    """Write ``count`` synthetic descriptions into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in synthetic_files(count, seed):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
