"""Synthetic PTCE descriptions (format version 2), for benchmarks, load tests and demonstrations.

:func:`synthetic_description` builds one description from a seed and an index,
deterministically (the same seed gives the same bytes), varied in région,
maturity, size (3 to 25 actors), theme, public schemes, funding mix and in the
situations real poles are in: a cooperative carrier whose members sit in
colleges, co-carriers, a consortium agreement, a building federation or a
cluster of firms counted as a whole, partners beside members, an EPCI and
residents as actors, territories over two départements (of two régions for
some), figures with their year, State selections. By default a description is
valid: at least one ESS enterprise and one enterprise outside the ESS, at least
three legal persons, a local authority, research or training actor, a
private-law carrying structure, a territory, a common strategy, each question
answered once (by its keys, and in words for q04–q06), and SIREN/SIRET numbers
with their Luhn check digit. ``incomplete`` and ``invalid`` are the shares of
descriptions left incomplete or failing the law (:mod:`.generate_defects`).
Every description says it is fictional (``fictif: true``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from ..errors import ParameterError
from ..geo import load_geography
from . import generate_parts as parts
from .emit import data_to_yaml
from .generate_defects import spoil
from .generate_tables import (
    COLLEGES,
    ESS_KINDS,
    GROUP_KINDS,
    NAME_WORDS,
    OTHER_KINDS,
    PARTNER_KINDS,
    THEMES,
    Theme,
)
from .geo_sample import NEIGHBOURS, Departement, departement, departements, region_name

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


# an EPCI's catégorie juridique by its nature; an EPT of the Grand Paris or the Métropole de Lyon: one of 73xx
_EPCI_CATEGORIES = {"CC": "7346", "CA": "7348", "CU": "7343", "METRO": "7344"}


def _siren(rng: random.Random, first: str = "") -> str:
    """A Luhn-valid SIREN made up, none of a commune's or an EPCI's: a made-up association given a town hall's
    SIREN would be told that it is that commune (four in 1,000 files were, before)."""
    geo = load_geography()
    while True:
        width = 8 - len(first)
        body = first + str(rng.randrange(10**width)).zfill(width)
        siren = body + luhn_digit(body)
        if geo.commune_of_siren(siren) is None and geo.epci(siren) is None:
            return siren


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
        self.second: Departement | None = self._neighbour()
        self.theme: Theme = self.rng.choice(THEMES)
        self.word = self.rng.choice(self.theme.words)
        self.city = self.rng.choice(self.departement.communes)[1]
        self.maturity = self.rng.choice(("emergent", "etabli"))
        self.actors: list[dict] = []

    def _neighbour(self) -> Departement | None:
        pairs = [p for p in NEIGHBOURS if self.departement.code in p]
        if not pairs or self.rng.random() >= 0.6:
            return None
        pair = self.rng.choice(pairs)
        return departement(pair[1] if pair[0] == self.departement.code else pair[0])

    def actor(self, kind: tuple, *, siren_first: str = "", role: str, partner: bool = False) -> dict:
        concept, ess, category, form, pattern = kind
        word = self.rng.choice((self.word, *NAME_WORDS))
        name = pattern.format(w=word, c=self.city)
        actor = {"id": self.new_id(name), "nom": name}
        if partner:
            actor["relation"] = "partenaire"
        siren = _siren(self.rng, siren_first)
        actor |= {
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

    def new_id(self, name: str) -> str:
        slug, taken, suffix = _slug(name), {a["id"] for a in self.actors}, 2
        while slug in taken:
            slug, suffix = f"{_slug(name)}-{suffix}", suffix + 1
        return slug

    def cast(self) -> None:
        size = self.rng.randint(3, 25)
        self.carrier = self.actor(self.rng.choice(ESS_KINDS[:4]), role="Structure porteuse")
        self.actor(self.rng.choice(OTHER_KINDS), role="Membre fondateur")
        self.actor(self.rng.choice(PARTNER_KINDS[:3]), siren_first="2", role="Partenaire")
        for n in range(size - 3):
            if n == 0 and self.departement.epci and self.rng.random() < 0.3:
                self.epci_actor()
            elif n == 1 and self.rng.random() < 0.2:
                self.residents()
            else:
                kinds = self.rng.choice((ESS_KINDS, OTHER_KINDS, PARTNER_KINDS))
                partner = self.rng.random() < 0.2
                self.actor(self.rng.choice(kinds), role="Partenaire" if partner else "Membre associé", partner=partner)

    def epci_actor(self) -> None:
        """The département's first EPCI, of the catégorie juridique of its nature (its SIREN is a real one)."""
        siren, name = self.departement.epci[0]
        self.actors.append(
            {
                "id": self.new_id(name),
                "nom": name,
                "type": "epci",
                "ess": False,
                "siren": siren,
                "forme_juridique": "Établissement public de coopération intercommunale",
                "categorie_juridique": _EPCI_CATEGORIES.get(load_geography().epci(siren).nature, "7346"),
                "roles": ["Partenaire public"],
            }
        )

    def residents(self) -> None:
        name = f"Collectif des habitants de {self.city}"
        self.actors.append({"id": self.new_id(name), "nom": name, "type": "habitant", "roles": ["Membre associé"]})


@lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    from .values import slugify

    return slugify(text)[:60].strip("-")


def synthetic_description(seed: int, index: int, *, incomplete: float = 0.0, invalid: float = 0.0) -> dict:
    """The data of synthetic description ``index`` for ``seed``; ``incomplete`` and ``invalid`` are shares (0 to 1)."""
    draft = _Draft(seed, index)
    draft.cast()
    rng, theme, dep = draft.rng, draft.theme, draft.departement
    ids = [a["id"] for a in draft.actors if a.get("relation") != "partenaire"]
    data: dict = {
        "fictif": True,
        "format": 2,
        "id": f"synthetique-{draft.seed}-{index:06d}",
        "nom": f"Pôle {draft.word} {draft.city} (synthétique n° {index})",
        "description": f"Description synthétique d'un PTCE sur le thème « {theme.axis} » ({dep.name}).",
        "maturite": draft.maturity,
        "structure_porteuse": _carrying(draft, ids),
        "strategie_commune": f"Mutualiser moyens et compétences autour de « {theme.actions[0].lower()} » à {draft.city}.",
        "objectifs": [f"Créer {rng.randint(3, 40)} emplois durables", "Renforcer la coopération entre acteurs locaux"],
        "constats": [{"texte": theme.finding, "sources": ["Diagnostic territorial"], "partage": rng.random() < 0.8}],
        "axes": sorted({theme.axis, rng.choice(THEMES).axis}),
        "acteurs": draft.actors,
        "groupes": _groups(draft),
        "gouvernance": parts.governance(rng, ids),
        "territoire": _territory(draft),
        "actions": parts.actions(rng, theme, ids, draft.maturity),
        "implications": [{"membre": ids[1], "formes": ["apports-en-nature"], "description": "Locaux et matériel."}],
        "effets_attendus": ["Création d'emplois non délocalisables", "Transition écologique du territoire"],
        "dispositifs": parts.schemes(rng, theme, draft.city),
        "coordination": [parts.coordination(rng, draft.carrier["id"])],
        "financements": parts.fundings(rng, draft.carrier["id"]),
        "chiffres": parts.figures(rng, draft.maturity),
        "reconnaissances": parts.recognitions(rng, draft.maturity),
    }
    data["territoire"]["ressources"] = [f"Savoir-faire de {dep.name}", "Tissu associatif local"]
    data.update(parts.free_texts(rng, data, dep, theme))
    spoil(data, random.Random(f"cap-ptce/{seed}/{index}/defects"), incomplete=incomplete, invalid=invalid)
    return data


def _carrying(draft: _Draft, members: list[str]) -> dict:
    """One legal person mostly; some pairs of co-carriers and some consortium agreements with a lead member."""
    rng, carrier = draft.rng, draft.carrier["id"]
    years = rng.randint(2, 15)
    block = {"experience_cooperation": f"{draft.carrier['nom']} coopère depuis {years} ans sur le territoire."}
    draw = rng.random()
    if draw < 0.6:
        return {"portage": "personne-morale", "porteurs": [carrier]} | block
    if draw < 0.8:
        return {"portage": "co-portage", "porteurs": sorted({carrier, members[1]})} | block
    named = sorted(rng.sample(members, min(len(members), rng.randint(2, 4))))
    agreement = {
        "date": f"{rng.randint(2012, 2024)}",
        "signataires": named,
        "nombre_signataires": len(named) + rng.randint(0, 12),
    }
    return {"portage": "convention-consortium", "porteurs": [carrier], "convention": agreement} | block


def _groups(draft: _Draft) -> list[dict]:
    rng, groups = draft.rng, []
    if "SCIC" in draft.carrier["forme_juridique"] and rng.random() < 0.7:
        for name, mostly_ess in COLLEGES[: rng.randint(3, 5)]:
            college = {"id": _slug(name), "nom": name, "type": "college", "au_sein_de": draft.carrier["id"]}
            college["nombre_membres"] = rng.randint(2, 30)
            if mostly_ess is not None:
                college["majoritairement_ess"] = mostly_ess
            groups.append(college)
    if rng.random() < 0.35:
        groups.append(_group(draft, rng.choice(GROUP_KINDS)))
    return groups


def _group(draft: _Draft, kind: tuple) -> dict:
    rng = draft.rng
    concept, pattern, mostly_ess, legal_person = kind
    name = pattern.format(c=draft.city, d=draft.departement.name)
    group = {"id": "groupe-" + _slug(concept), "nom": name, "type": concept, "majoritairement_ess": mostly_ess}
    count = rng.randint(12, 60)
    group["nombre_membres"] = count if rng.random() < 0.5 else f"{count} à {count + rng.randint(3, 10)}"
    if legal_person and len(draft.actors) < 25:
        siren = _siren(rng)
        federation = {
            "id": draft.new_id(name),
            "nom": name,
            "type": "reseau",
            "ess": False,
            "siren": siren,
            "forme_juridique": "Syndicat patronal",
            "categorie_juridique": "8420",
            "roles": ["Membre associé"],
        }
        draft.actors.append(federation)
        group["personne_morale"] = federation["id"]
    return group


def _territory(draft: _Draft) -> dict:
    rng, dep, second = draft.rng, draft.departement, draft.second
    deps = [dep] + ([second] if second else [])
    communes = sorted(code for d in deps for code, _ in rng.sample(d.communes, rng.randint(1, len(d.communes))))
    territory = {
        "nom": f"Territoire de {draft.city}" + (f" et {second.name}" if second else ""),
        "communes": communes,
        "departements": sorted(d.code for d in deps),
        "regions": sorted({d.region for d in deps}),
        "population": rng.randint(5, 400) * 1000,
    }
    if dep.epci and rng.random() < 0.7:  # the EPCI of each département, so that every commune is a member of one
        territory["epci"] = sorted({d.epci[0][0] for d in deps if d.epci})
    names = " et ".join(region_name(code) for code in territory["regions"])
    territory["description"] = f"Territoire de la région {names}." if len(deps) == 1 else f"Territoire sur {names}."
    return territory


def synthetic_files(
    count: int, seed: int = 0, *, incomplete: float = 0.0, invalid: float = 0.0
) -> Iterator[tuple[str, str]]:
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
    for name, share in (("incomplete", incomplete), ("invalid", invalid)):
        if not 0 <= share <= 1:
            raise ParameterError(
                f"part hors de 0 à 1 / share out of 0 to 1: {share}",
                key=name,
                hint="par exemple / for example 0.2 (une description sur cinq / one description in five)",
            )
    for index in range(1, count + 1):
        data = synthetic_description(seed, index, incomplete=incomplete, invalid=invalid)
        yield f"{data['id']}.yaml", data_to_yaml(data)


def write_synthetic(
    count: int, directory: Path, seed: int = 0, *, incomplete: float = 0.0, invalid: float = 0.0
) -> list[Path]:
    """Write ``count`` synthetic descriptions into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in synthetic_files(count, seed, incomplete=incomplete, invalid=invalid):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
