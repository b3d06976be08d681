"""No message states a fact that its description contradicts.

Every result of every sample, generated and test description is read against
the facts of the description it speaks of, re-derived here from the YAML data
with rules written again (a category's first digits, a kind, "ess", the COG):
a claim that an actor is a public body, that fewer than three members are legal
persons, that a code names no commune… must be true of the file. A shape whose
results this test cannot read fails it, so that a new check gets its reading.
The same descriptions get the same reports from the fast engine and pySHACL.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml

from cap_ptce.geo import load_geography
from cap_ptce.grid import load_grid
from cap_ptce.project import load_description
from cap_ptce.project.generate import write_synthetic
from cap_ptce.project.template import template
from cap_ptce.resources import data_dir
from cap_ptce.validation.batch import validate_many
from cap_ptce.validation.fast import validate_batch
from cap_ptce.validation.placeholders import is_placeholder_text
from test_checks import CORRECT, FAULTS
from test_checks_v2 import CORRECT as CORRECT_V2
from test_checks_v2 import FAULTS_V2, base_v2
from test_decree_earlier_call import FAULTS as FAULTS_EARLIER_CALL
from test_decree_member_groups import FAULTS as FAULTS_MEMBER_GROUPS
from test_validation_fast import report_key
from valid_description import description, write

NOMENCLATURE = set(yaml.safe_load((data_dir("shapes") / "categories-juridiques.yaml").read_text())["codes"].split())
SITUATIONS = Path(__file__).resolve().parents[1] / "examples" / "situations"

PUBLIC_KINDS = {"collectivite", "collectivite-territoriale", "epci", "etablissement-public"}
ESS_KINDS = {"association", "cooperative", "mutuelle", "fondation"}
COOPERATIVE_CODES = set(
    "5307 5443 5451 5453 5454 5455 5458 5459 5460 5543 5547 5551 5552 5553 5554 5555 5558 5559 5560 "
    "5643 5647 5651 5652 5653 5654 5655 5658 5659 5660 6543 6551 6554 6558 6560 6595 6596".split()
)
GROUPS_OF_ENTERPRISES = {"groupement", "grappe", "federation"}  # their definitions in grille/vocabulaires.yaml
ARTICLE_9_KINDS = {
    "collectivite-territoriale",
    "epci",
    "organisme-recherche",
    "enseignement-superieur",
    "organisme-formation",
}


# --- facts, re-derived from the YAML data ------------------------------------------------


def category(actor: dict) -> str:
    return str(actor.get("categorie_juridique") or "")  # YAML may give it as a number: 5499


def kinds(actor: dict) -> set[str]:
    """An actor's kinds: one in format 1, one or several in format 2."""
    given = actor.get("type") or []
    return {given} if isinstance(given, str) else set(given)


def first_number(text) -> float:
    """The first number of a figure as written ("environ 70", "20 à 25", 48)."""
    found = re.search(r"\d+", str(text or ""))
    return float(found.group()) if found else 0.0


def is_public(actor: dict) -> bool:
    code = category(actor)
    if code:
        return code[0] in "47" or code in ("3110", "3205", "3210")
    return bool(kinds(actor) & PUBLIC_KINDS)


def is_natural_person(actor: dict) -> bool:
    code = category(actor)
    return code.startswith("1") if code else "habitant" in kinds(actor)


def has_no_personality(actor: dict) -> bool:
    return category(actor).startswith("2") or category(actor) == "9210"


def is_ess_family(actor: dict) -> bool:
    if actor.get("groupe"):
        return False
    code = category(actor)
    by_code = code[:2] in ("51", "63", "64", "82", "92", "93") and code != "9224" or code in COOPERATIVE_CODES
    by_kind = bool(kinds(actor) & ESS_KINDS) and (not code or code[0] in "56" or by_code)
    return by_code or by_kind


def may_be_legal_person(actor: dict) -> bool:
    return bool(actor.get("groupe")) or not (is_natural_person(actor) or has_no_personality(actor))


def is_known_legal_person(actor: dict) -> bool:
    code = category(actor)
    if code:
        return may_be_legal_person(actor)
    return bool(actor.get("rna")) or bool(kinds(actor) & (PUBLIC_KINDS | ESS_KINDS | {"societe-commerciale-ess"}))


def declared_ess(actor: dict) -> bool:
    if actor.get("groupe"):
        return actor.get("ess") is True
    impossible = is_public(actor) or is_natural_person(actor) or has_no_personality(actor)
    if has_evidence(actor):
        return not impossible
    return actor.get("ess") is True and not impossible and "entreprise-hors-ess" not in kinds(actor)


def has_evidence(actor: dict) -> bool:
    """An ESUS approval or statutes meeting article 1: the law's evidence for a company."""
    return bool(actor.get("agrement_esus") or actor.get("statuts_ess"))


def outside_the_ess(actor: dict) -> bool:
    """An enterprise outside the ESS by the facts: a sole proprietor, or a company or enterprise kind declared so."""
    if actor.get("groupe"):
        return actor.get("ess") is False
    if category(actor).startswith("1"):
        return True
    if has_evidence(actor):
        return False
    said = actor.get("ess") is False or "entreprise-hors-ess" in kinds(actor)
    enterprise = category(actor)[:1] in ("5", "6") or any(k.startswith("entreprise") for k in kinds(actor))
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
    return by_code or bool(kinds(actor) & ARTICLE_9_KINDS)


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
    actor_id = result.focus.rsplit("/", 1)[-1]
    return next(a for a in (data.get("acteurs") or []) + (data.get("groupes") or []) if a["id"] == actor_id)


def carrier(result, data: dict) -> dict:
    """The carrying structure that a result names (its value), in format 1 or 2."""
    return next(a for a in (data.get("acteurs") or []) if result.value.endswith("/acteur/" + a["id"]))


def members(data: dict, relation: str = "membre") -> list[dict]:
    """The actors that are members (format 2 has partners too), and the groups of members as actors of their kind."""
    actors = [a for a in data.get("acteurs") or [] if a.get("relation", "membre") == relation]
    groups = [g for g in data.get("groupes") or [] if g.get("relation", "membre") == relation]
    return actors + [
        {"id": g["id"], "ess": g.get("majoritairement_ess"), "groupe": g, "personne_morale": g.get("personne_morale")}
        for g in groups
    ]


def partner_of(result, data: dict) -> dict:
    """The partner that a result is about, as :func:`members` gives an actor or a group; an error if it is none."""
    actor_id = result.focus.rsplit("/", 1)[-1]
    return next(partner for partner in members(data, "partenaire") if partner["id"] == actor_id)


def answers(data: dict) -> dict:
    return data.get("reponses") or {key: value for key, value in data.items() if re.fullmatch(r"q\d\d", key)}


def names_the_fact(result, actor: dict) -> bool:
    facts = (category(actor), ", ".join(sorted(kinds(actor))), actor.get("forme_juridique"), actor.get("rna"))
    return any(fact and fact in result.message for fact in facts)


def says_what_ess_is(result, actor: dict) -> bool:
    """A message that says "ni « ess »" is of an actor without "ess"; one that says « ess » says no, of one whose
    "ess" says no; one that says "ess" and its kind contradict each other, of one whose "ess" says yes."""
    if "ni « ess »" in result.message:
        return "ess" not in actor
    if "se contredisent" in result.message:
        return actor.get("ess") is True and "entreprise-hors-ess" in kinds(actor)
    return "« ess » dit non" in result.message and actor.get("ess") is False


def form_denied_by_category(actor: dict) -> bool:
    """A legal form whose words name what the category's first digits are not."""
    form, code = actor["forme_juridique"].lower(), category(actor)
    public = code[:1] in ("4", "7")
    if re.search(r"\b(scop|scic|coop[ée]rative)\b", form):
        return code[:1] in ("1", "2", "4", "7") or code[:2] in ("82", "92", "93")
    if re.search(r"\bassociation\b", form) and not re.search(r"association (syndicale|fonci)", form):
        return code[:2] != "92"
    if re.search(r"\b(sarl|sas|sa|eurl|sasu)\b", form):
        return code[:1] != "5"
    if re.search(r"\b(commune|epci|communaut[ée] (de communes|d'agglom[ée]ration|urbaine))\b", form):
        return not public
    return (
        bool(re.search(r"\bfondation\b", form))
        and code != "9300"
        or bool(re.search(r"\bmutuelle\b", form))
        and code[:2] not in ("82", "64")
    )


def geo_facts(value: str, level: str):
    geo = load_geography()
    return {"commune": geo.commune, "departement": geo.departement, "region": geo.region, "epci": geo.epci}[level](
        value
    )


def names_what_it_gives(result, actor: dict) -> bool:
    """A carrier's finding of 2026-12-07: « ni type … Donner … (ou son SIREN) » for an actor of a kind and a SIREN.
    The message names the kind the actor gives (which does not say its nature), and its SIREN when it has one."""
    kinds = actor.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds or []
    siren = re.sub(r"\D", "", str(actor.get("siren") or ""))
    said_kind = all(kind in result.message for kind in kinds) and ("ni type" in result.message) is not bool(kinds)
    return said_kind and (f"son SIREN, {siren}, la donne" in result.message) is bool(siren)


def territory(data: dict, key: str) -> list:
    return data.get("territoire", {}).get(key, [])


def enough_counted_as_a_whole(data: dict) -> bool:
    """A group without a legal personality of its own, or a consortium agreement, of three members or more."""
    groups = [
        g for g in (data.get("groupes") or []) if g.get("relation", "membre") == "membre" and "personne_morale" not in g
    ]
    agreement = (data.get("structure_porteuse") or {}).get("convention") or {}
    counts = [first_number(g.get("nombre_membres")) for g in groups] + [
        first_number(agreement.get("nombre_signataires"))
    ]
    return any(count >= 3 for count in counts)


def portage(data: dict) -> str | None:
    return (data.get("structure_porteuse") or {}).get("portage")


def jobs(data: dict) -> list[float]:
    return [
        first_number(f.get("valeur")) for f in data.get("chiffres", []) if f.get("indicateur") in ("emplois", "etp")
    ]


def reversed_period(items) -> bool:
    return any(latest(str(i["fin"])) < earliest(str(i["debut"])) for i in items if "fin" in i and "debut" in i)


def shares_its_siren(result, actor: dict, data: dict) -> bool:
    """« X a le SIREN N, comme Y » (or « le SIRET S, du SIREN N », when X gives no SIREN): X's SIREN is N, and Y
    is another actor of the file that gives N, or a SIRET that starts with it."""
    siret = str(actor.get("siret") or "")
    siren = str(actor.get("siren") or "") or siret[:9]
    given = f"le SIREN {siren}" if actor.get("siren") else f"le SIRET {siret}, du SIREN {siren}"

    def sirens(other: dict) -> set[str]:
        return {str(other.get("siren") or ""), str(other.get("siret") or "")[:9]}

    others = [a for a in data.get("acteurs") or [] if a is not actor and siren in sirens(a)]
    said = f"{actor.get('nom') or actor['id']} a {given}, comme "
    return bool(siren and others) and any(said + str(a.get("nom") or a["id"]) + " :" in result.message for a in others)


def siren_of_another_body(result, actor: dict) -> bool:
    """The actor's SIREN is that of the commune (or EPCI) the message names, and its kinds or category say it is
    another sort of body: a commune is a territorial authority (7210, Paris 7229), an EPCI a local public body of
    its nature's category (or 73xx for an EPT), the Métropole de Lyon either."""
    siren, geo = str(actor.get("siren")), load_geography()
    commune = re.search(r"\(commune (\w+)\)", result.message)
    if commune:
        is_it, sorts, categories = (
            geo.commune(commune.group(1)).siren == siren,
            {"collectivite-territoriale"},
            (
                "7210",
                "7229",
            ),
        )
    else:
        epci = geo.epci(siren)
        nature = epci.nature if epci else None
        is_it = epci is not None and ("(EPCI)" in result.message or "(collectivité à statut" in result.message)
        sorts = {"epci", "collectivite-territoriale"} if nature == "MET69" else {"epci", "etablissement-public"}
        categories = {"CC": ("7346",), "CA": ("7348",), "CU": ("7343",), "METRO": ("7344",), "MET69": ("72", "73")}
        categories = categories.get(nature, ("73",))
    other_kinds = kinds(actor) - sorts - {"collectivite", "reseau", "autre"}
    other_category = bool(category(actor)) and not category(actor).startswith(categories)
    return is_it and (bool(other_kinds) or other_category) and f"SIREN {siren}" in result.message


def selected_in_a_call_for_projects(result, data: dict) -> bool:
    """« l'État a retenu le pôle [en A | entre A et B] à son appel à projets PTCE de N (« type: selection-etat »,
    « appel: aap-ptce-N ») »: the file records that selection in a call for projects, with that year or none."""
    for recognition in data.get("reconnaissances") or []:
        call = recognition.get("appel")
        if recognition.get("type") != "selection-etat" or call not in ("aap-ptce-2013", "aap-ptce-2015"):
            continue
        years = re.findall(r"\d{4}", str(recognition.get("annee") or ""))
        when = f" entre {years[0]} et {years[-1]}" if len(years) == 2 else f" en {years[0]}" if years else ""
        said = f"le pôle{when} à son appel à projets PTCE de {call[-4:]} (« type: selection-etat », « appel: {call} »)"
        if said in result.message and result.value.endswith("/" + call):
            return True
    return False


def given_as_enterprises(group: dict, data: dict) -> bool:
    """A group that is none of the décret's third kind of member: a legal person of its own whose facts say it
    is not, else one said to be mostly in or outside the ESS, or of a kind defined as enterprises."""
    person = next((a for a in data.get("acteurs") or [] if a["id"] == group.get("personne_morale")), None)
    if person is not None and (kinds(person) or category(person) or person.get("rna") or person.get("forme_juridique")):
        return not article_9_partner(person)
    return group.get("majoritairement_ess") is not None or group.get("type") in GROUPS_OF_ENTERPRISES


def no_member_may_be_the_third_kind(data: dict) -> bool:
    """No member actor is a local authority, research or training body, and no member group may count one."""
    everyone = members(data)
    groups = [m["groupe"] for m in everyone if m.get("groupe")]
    return not any(map(article_9_partner, everyone)) and all(given_as_enterprises(g, data) for g in groups)


def known_ess_and_outside(data: dict) -> bool:
    everyone = members(data)
    return any(is_ess_family(a) or declared_ess(a) for a in everyone) and any(map(outside_the_ess, everyone))


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
    "EssDeclaredOutsideKind": lambda r, d: (a := actor_of(r, d))["ess"] is True and "entreprise-hors-ess" in kinds(a),
    "EssEvidenceDenied": lambda r, d: (
        (a := actor_of(r, d))["ess"] is False and bool(a.get("agrement_esus") or a.get("statuts_ess"))
    ),
    "EssOnDeclarationOnly": lambda r, d: (
        (a := actor_of(r, d))["ess"] is True
        and not is_ess_family(a)
        and not (a.get("agrement_esus") or a.get("statuts_ess"))
        and names_the_fact(r, a)
    ),
    # a SIREN names one legal person: the commune's or EPCI's the message names, which the actor's keys deny
    "SirenOfAnotherBody": lambda r, d: siren_of_another_body(r, actor_of(r, d)),
    "SirenSharedByActors": lambda r, d: shares_its_siren(r, actor_of(r, d), d),
    "KindContradictsCategory": lambda r, d: (
        f"« {', '.join(sorted(kinds(a := actor_of(r, d))))} »" in r.message and category(a) in r.message
    ),
    "FormContradictsCategory": lambda r, d: (
        f"« {(a := actor_of(r, d))['forme_juridique']} »" in r.message
        and category(a) in r.message
        and form_denied_by_category(a)
    ),
    "LegalCategoryInNomenclature": lambda r, d: (
        (code := category(actor_of(r, d))) in r.message and code not in NOMENCLATURE
    ),
    "EssStatusUnknownNoEss": lambda r, d: (
        not any(is_ess_family(a) or declared_ess(a) for a in members(d))
        and not is_ess_family(a := actor_of(r, d))
        and says_what_ess_is(r, a)
    ),
    "EssStatusUnknownNoNonEss": lambda r, d: (
        not any(map(outside_the_ess, members(d)))
        and not outside_the_ess(a := actor_of(r, d))
        and says_what_ess_is(r, a)
    ),
    "GroupEssStatusUnknown": lambda r, d: "majoritairement_ess" not in actor_of(r, d) and not known_ess_and_outside(d),
    "Art9EssEnterprise": lambda r, d: not any(is_ess_family(a) or declared_ess(a) for a in members(d)),
    "Art9NonEssEnterprise": lambda r, d: not any(map(outside_the_ess, members(d))),
    "NonEssEnterpriseIsPartner": lambda r, d: (
        outside_the_ess(partner_of(r, d)) and not any(map(outside_the_ess, members(d)))
    ),
    "EssEnterpriseIsPartner": lambda r, d: (
        (is_ess_family(a := partner_of(r, d)) or declared_ess(a))
        and not any(is_ess_family(m) or declared_ess(m) for m in members(d))
    ),
    "Art9Territory": lambda r, d: not any(territory(d, key) for key in ("communes", "epci", "departements", "regions")),
    "Art9CommonStrategy": lambda r, d: not d.get("strategie_commune") or is_placeholder_text(d["strategie_commune"]),
    # the décret
    "EligibilityCarryingStructurePrivateLaw": lambda r, d: (
        (is_public(c := carrier(r, d)) or is_natural_person(c) or has_no_personality(c)) and names_the_fact(r, c)
    ),
    "CarryingStructureNatureUnknown": lambda r, d: (
        not category(c := carrier(r, d)) and not c.get("rna") and names_what_it_gives(r, c)
    ),
    "EligibilityCarryingStructure": lambda r, d: (
        not (d.get("structure_porteuse") or {}).get("porteurs")
        and not (d.get("structure_porteuse") or {}).get("acteur")
    ),
    "EligibilityConsortiumAgreement": lambda r, d: portage(d) == "convention-consortium",
    "EligibilityCoCarrying": lambda r, d: portage(d) == "co-portage",
    "EligibilityLegalPersons": lambda r, d: (
        sum(map(may_be_legal_person, members(d))) < 3 and not enough_counted_as_a_whole(d)
    ),
    "LegalNatureUnknown": lambda r, d: (
        not category(a := actor_of(r, d))
        and sum(map(is_known_legal_person, members(d))) < 3
        and names_what_it_gives(r, a)
    ),
    "EligibilityPublicOrKnowledgeActor": lambda r, d: no_member_may_be_the_third_kind(d),
    "GroupArticle9RoleUnknown": lambda r, d: (
        not given_as_enterprises(g := actor_of(r, d), d)
        and not any(map(article_9_partner, members(d)))
        and r.message.startswith(f"{g.get('nom') or g['id']} : on ne sait pas de quels membres ce groupe est fait")
    ),
    "EligibilityNoEarlierCallForProjects": selected_in_a_call_for_projects,
    "Article9RoleUnknown": lambda r, d: not kinds(a := actor_of(r, d)) and not category(a),
    # identifiers and the geography
    "SirenCheckDigit": lambda r, d: not luhn(r.value),
    "SiretCheckDigit": lambda r, d: (
        not luhn(r.value) and not (r.value.startswith("356000000") and sum(map(int, r.value)) % 5 == 0)
    ),
    "CommuneInCog": lambda r, d: (
        geo_facts(r.value, "commune") is None and load_geography().current_commune(r.value) is None
    ),
    "CommuneIsCurrent": lambda r, d: f"commune {load_geography().current_commune(r.value).code}" in r.message,
    "CommuneCodeIsAlsoPostalCode": lambda r, d: (
        f"désigne {load_geography().commune(r.value).name} au" in r.message
        and bool(served := [c for c in load_geography().communes_of_postal_code(r.value) if c.code != r.value])
        and all(f"{c.name} ({c.code})" in r.message for c in served[:5])
    ),
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
    "TerritoryEpciInDepartements": lambda r, d: (
        not {geo_facts(code, "commune").departement for code in geo_facts(r.value.rsplit("/", 1)[1], "epci").members}
        & set(territory(d, "departements"))
    ),
    "TerritoryEpciInRegions": lambda r, d: (
        not {geo_facts(code, "commune").region for code in geo_facts(r.value.rsplit("/", 1)[1], "epci").members}
        & set(territory(d, "regions"))
    ),
    "TerritoryCommuneInEpcis": lambda r, d: (
        not any(
            r.value.rsplit("/", 1)[1] in geo_facts(siren, "epci").members
            for siren in territory(d, "epci")
            if geo_facts(siren, "epci")
        )
    ),
    # dates and figures
    "FoundingDateNotFuture": lambda r, d: (
        earliest(re.search(r"\d{4}(-\d\d(-\d\d)?)?", str(d["date_creation"])).group())
        > datetime.date.today().isoformat()
    ),
    "ActionPeriodInOrder": lambda r, d: reversed_period(d.get("actions", [])),
    "FundingPeriodInOrder": lambda r, d: reversed_period(d.get("financements", [])),
    "CoordinationFtePlausible": lambda r, d: float(r.value) > 5,
    "CoordinationFteOverJobs": lambda r, d: any(float(r.value) > figure for figure in jobs(d)),
    "FundingAmountPlausible": lambda r, d: not 100 <= float(r.value) <= 5_000_000,
    "RecognitionKind": lambda r, d: any(  # a recognition of the file has no kind, or more than one
        not isinstance(x.get("type"), str) for x in d.get("reconnaissances", []) if isinstance(x, dict)
    ),
    "RecognitionAmountPlausible": lambda r, d: (
        float(r.value) > 100_000 and any(x.get("appel") == "ami-ptce-2021" for x in d.get("reconnaissances", []))
    ),
    # texts
    "PlaceholderText": lambda r, d: (
        not r.value.strip()
        or r.value.startswith(("À COMPLÉTER", "TO COMPLETE"))
        or r.value.strip(" .…") in ("x", "TODO", "")
        or "chiffres" in r.value
    ),
    "ShortAnswer": lambda r, d: len(re.findall(r"\w+", r.value)) < 3,
    # completeness: the question is not answered, or only by a left-over text
    "Answered": lambda r, d: not str(answers(d).get(r.question) or "").strip(),
}


def claim_of(shape: str):
    name = shape.rsplit("#", 1)[1]
    return CLAIMS.get("Answered" if name.startswith("Answered-") else name)


# --- every description we have ------------------------------------------------------------


def descriptions(folder: Path) -> list[Path]:
    paths = sorted(data_dir("corpus").glob("*.yaml")) + sorted(SITUATIONS.glob("*.yaml"))
    for fault in FAULTS:
        data = description()
        fault.change(data)
        paths.append(write(data, folder / f"faute-{fault.name}.yaml"))
    for name, change in CORRECT.items():
        data = description()
        change(data)
        paths.append(write(data, folder / f"juste-{name}.yaml"))
    for name, change in {**CORRECT_V2, **FAULTS_V2, **FAULTS_EARLIER_CALL, **FAULTS_MEMBER_GROUPS}.items():
        data = base_v2(folder)
        change(data)
        path = folder / f"v2-{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    for maturity in ("emergent", "etabli"):
        path = folder / f"modele-{maturity}.yaml"
        path.write_text(template(maturity, "fr"), encoding="utf-8")
        paths.append(path)
    return paths + write_synthetic(10, folder / "synthetiques", seed=7)


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    return descriptions(tmp_path_factory.mktemp("descriptions"))


# format 2 writes its yes and no in words ("ess: oui"); the loader reads them as booleans, and so do the claims
BOOLEAN_WORDS = {"oui": True, "non": False, "vrai": True, "faux": False, "true": True, "false": False}


def with_booleans(value):
    """The YAML data with each yes or no in words as a boolean."""
    if isinstance(value, dict):
        return {key: with_booleans(item) for key, item in value.items()}
    if isinstance(value, list):
        return [with_booleans(item) for item in value]
    if isinstance(value, str) and value.strip().lower() in BOOLEAN_WORDS:
        return BOOLEAN_WORDS[value.strip().lower()]
    return value


@pytest.fixture(scope="module")
def reports(paths):
    return [
        (with_booleans(yaml.safe_load(path.read_text(encoding="utf-8"))), report)
        for path, report in zip(paths, validate_many(paths, engine="fast"))
    ]


def test_the_fast_engine_and_pyshacl_give_the_same_reports_on_every_description(paths, reports):
    """The facts the checks add (legal, ESS, COG) reach both engines alike; the fast one evaluates each file itself."""
    taken = validate_batch([load_description(path).triples for path in paths])
    assert [path.name for path, done in zip(paths, taken) if done is None] == []
    reference = validate_many(paths, engine="pyshacl")
    assert [report_key(report) for _data, report in reports] == [report_key(report) for report in reference]


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


def test_no_message_quotes_a_spelling_of_ess_the_file_may_not_have(reports):
    """A file writes "ess: non", "faux" or "false": a message says what « ess » says, never a spelling of it (it
    quoted « ess: false » to a carrier whose file said "ess: non")."""
    messages = [result.message for _data, report in reports for result in report.results]
    quoted = re.compile(r"[«“]\s?ess: ?(?:true|false|oui|non|vrai|faux)\b", re.IGNORECASE)
    assert [message for message in messages if quoted.search(message)] == []
    assert any("« ess » dit non" in message for message in messages)  # the descriptions do have such results


def test_every_question_left_unanswered_by_the_template_is_named(reports):
    questions = {q.id for q in load_grid().questions}
    for _data, report in reports:
        if report.source.rsplit("/", 1)[-1].startswith("modele-"):
            assert {
                r.question for r in report.results if r.shape.endswith("#Answered-" + (r.question or ""))
            } == questions
