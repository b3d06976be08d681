"""No message states a fact that its description contradicts.

Every result of every sample, generated and test description is read against
the facts of the description it speaks of, re-derived here from the YAML data
with rules written again (a category's first digits, a kind, "ess", the COG):
a claim that an actor is a public body, that fewer than three members are legal
persons, that a code names no commune… must be true of the file. A shape whose
results this test cannot read fails it, so that a new check gets its reading.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml

from cap_ptce.geo import load_geography
from cap_ptce.grid import load_grid
from cap_ptce.project.generate import write_synthetic
from cap_ptce.project.template import template
from cap_ptce.resources import data_dir
from cap_ptce.validation.batch import validate_many
from test_checks import CORRECT, FAULTS
from valid_description import description, write

PUBLIC_KINDS = {"collectivite", "collectivite-territoriale", "epci", "etablissement-public"}
ESS_KINDS = {"association", "cooperative", "mutuelle", "fondation"}
COOPERATIVE_CODES = set(
    "5307 5443 5451 5453 5454 5455 5458 5459 5460 5543 5547 5551 5552 5553 5554 5555 5558 5559 5560 "
    "5643 5647 5651 5652 5653 5654 5655 5658 5659 5660 6543 6551 6554 6558 6560 6595 6596".split()
)
ARTICLE_9_KINDS = {
    "collectivite-territoriale",
    "epci",
    "organisme-recherche",
    "enseignement-superieur",
    "organisme-formation",
}


# --- facts, re-derived from the YAML data ------------------------------------------------


def category(actor: dict) -> str:
    return actor.get("categorie_juridique") or ""


def is_public(actor: dict) -> bool:
    code = category(actor)
    if code:
        return code[0] in "47" or code in ("3110", "3205", "3210")
    return actor.get("type") in PUBLIC_KINDS


def is_natural_person(actor: dict) -> bool:
    code = category(actor)
    return code.startswith("1") if code else actor.get("type") == "habitant"


def has_no_personality(actor: dict) -> bool:
    return category(actor).startswith("2") or category(actor) == "9210"


def is_ess_family(actor: dict) -> bool:
    code = category(actor)
    by_code = code[:2] in ("51", "63", "64", "82", "92", "93") and code != "9224" or code in COOPERATIVE_CODES
    by_kind = actor.get("type") in ESS_KINDS and (not code or code[0] in "56" or by_code)
    return by_code or by_kind


def may_be_legal_person(actor: dict) -> bool:
    return not (is_natural_person(actor) or has_no_personality(actor))


def is_known_legal_person(actor: dict) -> bool:
    code = category(actor)
    if code:
        return may_be_legal_person(actor)
    return bool(actor.get("rna")) or actor.get("type") in PUBLIC_KINDS | ESS_KINDS | {"societe-commerciale-ess"}


def declared_ess(actor: dict) -> bool:
    impossible = is_public(actor) or is_natural_person(actor) or has_no_personality(actor)
    return actor.get("ess") is True and not impossible and actor.get("type") != "entreprise-hors-ess"


def outside_the_ess(actor: dict) -> bool:
    """An enterprise outside the ESS by the facts: a sole proprietor, or a company or enterprise kind declared so."""
    if category(actor).startswith("1"):
        return True
    said = actor.get("ess") is False or actor.get("type") == "entreprise-hors-ess"
    enterprise = category(actor)[:1] in ("5", "6") or actor.get("type", "").startswith("entreprise")
    return said and actor.get("ess") is not True and enterprise and not is_ess_family(actor) and not is_public(actor)


def article_9_partner(actor: dict) -> bool:
    code = category(actor)
    by_code = (
        code[:2] == "72"
        or code in {"7340", "7343", "7344", "7345", "7346", "7347", "7348", "7353"}
        or code
        in {
            "7354",
            "7355",
            "7357",
            "7331",
            "7383",
            "7384",
        }
    )
    return by_code or actor.get("type") in ARTICLE_9_KINDS


def luhn(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def earliest(date: str) -> str:
    return date + "-01-01"[len(date) - 4 :]


def latest(date: str) -> str:
    return date + "-12-31"[len(date) - 4 :]


# --- the claims, by shape -----------------------------------------------------------------


def actor_of(result, data: dict) -> dict:
    actor_id = result.focus.rsplit("/acteur/", 1)[-1]
    return next(a for a in data["acteurs"] if a["id"] == actor_id)


def carrier(data: dict) -> dict:
    return next(a for a in data["acteurs"] if a["id"] == data["structure_porteuse"]["acteur"])


def names_the_fact(result, actor: dict) -> bool:
    facts = (category(actor), actor.get("type"), actor.get("forme_juridique"), actor.get("rna"))
    return any(fact and fact in result.message for fact in facts)


def geo_facts(value: str, level: str):
    geo = load_geography()
    return {"commune": geo.commune, "departement": geo.departement, "region": geo.region, "epci": geo.epci}[level](
        value
    )


def territory(data: dict, key: str) -> list:
    return data.get("territoire", {}).get(key, [])


CLAIMS = {
    # the law: an actor's ESS status
    "EssDeclaredImpossible": lambda r, d: (
        (a := actor_of(r, d))["ess"] is True
        and (is_public(a) or is_natural_person(a) or has_no_personality(a))
        and names_the_fact(r, a)
    ),
    "EssDeniedByStatus": lambda r, d: (
        (a := actor_of(r, d))["ess"] is False and is_ess_family(a) and names_the_fact(r, a)
    ),
    "EssDeclaredOutsideKind": lambda r, d: (a := actor_of(r, d))["ess"] is True and a["type"] == "entreprise-hors-ess",
    "EssOnDeclarationOnly": lambda r, d: (
        (a := actor_of(r, d))["ess"] is True and not is_ess_family(a) and names_the_fact(r, a)
    ),
    "KindContradictsCategory": lambda r, d: (
        f"« {(a := actor_of(r, d))['type']} »" in r.message and category(a) in r.message
    ),
    "EssStatusUnknownNoEss": lambda r, d: (
        not any(is_ess_family(a) or declared_ess(a) for a in d["acteurs"]) and not is_ess_family(actor_of(r, d))
    ),
    "EssStatusUnknownNoNonEss": lambda r, d: (
        not any(outside_the_ess(a) for a in d["acteurs"]) and not outside_the_ess(actor_of(r, d))
    ),
    "Art9EssEnterprise": lambda r, d: not any(is_ess_family(a) or declared_ess(a) for a in d["acteurs"]),
    "Art9NonEssEnterprise": lambda r, d: not any(outside_the_ess(a) for a in d["acteurs"]),
    "Art9Territory": lambda r, d: not any(territory(d, key) for key in ("communes", "epci", "departements", "regions")),
    "Art9CommonStrategy": lambda r, d: not d.get("strategie_commune"),
    # the décret
    "EligibilityCarryingStructurePrivateLaw": lambda r, d: (
        (c := carrier(d)) is not None
        and (is_public(c) or is_natural_person(c) or has_no_personality(c))
        and names_the_fact(r, c)
    ),
    "CarryingStructureNatureUnknown": lambda r, d: not category(c := carrier(d)) and not c.get("rna"),
    "EligibilityLegalPersons": lambda r, d: sum(map(may_be_legal_person, d["acteurs"])) < 3,
    "LegalNatureUnknown": lambda r, d: (
        not category(actor_of(r, d)) and sum(map(is_known_legal_person, d["acteurs"])) < 3
    ),
    "EligibilityPublicOrKnowledgeActor": lambda r, d: not any(map(article_9_partner, d["acteurs"])),
    "Article9RoleUnknown": lambda r, d: not (a := actor_of(r, d)).get("type") and not category(a),
    # identifiers and the geography
    "SirenCheckDigit": lambda r, d: not luhn(r.value),
    "SiretCheckDigit": lambda r, d: (
        not luhn(r.value) and not (r.value.startswith("356000000") and sum(map(int, r.value)) % 5 == 0)
    ),
    "CommuneInCog": lambda r, d: (
        geo_facts(r.value, "commune") is None and load_geography().current_commune(r.value) is None
    ),
    "CommuneIsCurrent": lambda r, d: f"commune {load_geography().current_commune(r.value).code}" in r.message,
    "DepartementInCog": lambda r, d: geo_facts(r.value, "departement") is None,
    "RegionInCog": lambda r, d: geo_facts(r.value, "region") is None,
    "EpciInCog": lambda r, d: geo_facts(r.value, "epci") is None,
    "TerritoryCommuneInDepartements": lambda r, d: (
        geo_facts(r.value.rsplit("/", 1)[1], "commune").departement not in territory(d, "departements")
    ),
    "TerritoryCommuneInRegions": lambda r, d: (
        geo_facts(r.value.rsplit("/", 1)[1], "commune").region not in territory(d, "regions")
    ),
    "TerritoryDepartementInRegions": lambda r, d: (
        geo_facts(r.value.rsplit("/", 1)[1], "departement").region not in territory(d, "regions")
    ),
    "TerritoryCommuneInEpcis": lambda r, d: (
        not any(
            r.value.rsplit("/", 1)[1] in geo_facts(siren, "epci").members
            for siren in territory(d, "epci")
            if geo_facts(siren, "epci")
        )
    ),
    # dates and figures
    "FoundingDateNotFuture": lambda r, d: earliest(str(d["date_creation"])) > datetime.date.today().isoformat(),
    "ActionPeriodInOrder": lambda r, d: any(
        latest(str(a["fin"])) < earliest(str(a["debut"])) for a in d["actions"] if "fin" in a and "debut" in a
    ),
    "FundingPeriodInOrder": lambda r, d: any(
        latest(str(f["fin"])) < earliest(str(f["debut"])) for f in d["financements"] if "fin" in f and "debut" in f
    ),
    "CoordinationFtePlausible": lambda r, d: float(r.value) > 5,
    "FundingAmountPlausible": lambda r, d: not 100 <= float(r.value) <= 5_000_000,
    # texts
    "PlaceholderText": lambda r, d: (
        not r.value.strip()
        or r.value.startswith(("À COMPLÉTER", "TO COMPLETE"))
        or r.value.strip(" .…") in ("x", "TODO", "")
        or "chiffres" in r.value
    ),
    "ShortAnswer": lambda r, d: len(re.findall(r"\w+", r.value)) < 3,
    # completeness: the question is not answered, or only by a left-over text
    "Answered": lambda r, d: not str(d.get("reponses", {}).get(r.question) or "").strip(),
}


def claim_of(shape: str):
    name = shape.rsplit("#", 1)[1]
    return CLAIMS.get("Answered" if name.startswith("Answered-") else name)


# --- every description we have ------------------------------------------------------------


def descriptions(folder: Path) -> list[Path]:
    paths = sorted(data_dir("corpus").glob("*.yaml"))
    for fault in FAULTS:
        data = description()
        fault.change(data)
        paths.append(write(data, folder / f"faute-{fault.name}.yaml"))
    for name, change in CORRECT.items():
        data = description()
        change(data)
        paths.append(write(data, folder / f"juste-{name}.yaml"))
    for maturity in ("emergent", "etabli"):
        path = folder / f"modele-{maturity}.yaml"
        path.write_text(template(maturity, "fr"), encoding="utf-8")
        paths.append(path)
    return paths + write_synthetic(20, folder / "synthetiques", seed=7)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    paths = descriptions(tmp_path_factory.mktemp("descriptions"))
    return [
        (yaml.safe_load(path.read_text(encoding="utf-8")), report) for path, report in zip(paths, validate_many(paths))
    ]


def test_every_description_was_validated(reports):
    assert len(reports) > 60 and all(report.results is not None for _data, report in reports)
    assert any(report.results for _data, report in reports)


def test_no_message_states_a_fact_that_its_description_contradicts(reports):
    unread, false = set(), []
    for data, report in reports:
        for result in report.results:
            claim = claim_of(result.shape)
            if claim is None:
                unread.add(result.shape.rsplit("#", 1)[1])
            elif not claim(result, data):
                false.append((report.source, result.line, result.message))
    assert false == []
    assert unread <= {"CommuneCode", "DepartementCode", "RegionCode", "EpciCode", "EpciCheckDigit"}, unread


def test_every_question_left_unanswered_by_the_template_is_named(reports):
    questions = {q.id for q in load_grid().questions}
    for _data, report in reports:
        if report.source.rsplit("/", 1)[-1].startswith("modele-"):
            assert {
                r.question for r in report.results if r.shape.endswith("#Answered-" + (r.question or ""))
            } == questions
