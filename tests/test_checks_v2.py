"""The law and the décret on descriptions of format 2: partners, several kinds, groups of members,
co-carrying and consortium agreements, ESUS evidence, figures and recognitions.

The base is the valid test description rewritten in format 2 (``cap-ptce upgrade``);
each case changes one thing and names the results it must give, or none.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from cap_ptce.project.description import upgrade
from cap_ptce.validation import validate_file
from valid_description import description, line_of, write


def base_v2(tmp_path: Path) -> dict:
    return yaml.safe_load(upgrade(write(description(), tmp_path / "v1.yaml")))


def actor(data: dict, actor_id: str) -> dict:
    return next(a for a in data["acteurs"] if a["id"] == actor_id)


def validated(tmp_path: Path, change: Callable[[dict], None], name: str = "v2"):
    data = base_v2(tmp_path)
    change(data)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, validate_file(path)


def shapes(report) -> list[str]:
    return sorted(r.shape.rsplit("#", 1)[1] for r in report.results)


def without_the_sas(data: dict) -> None:
    data["acteurs"] = [a for a in data["acteurs"] if a["id"] != "sas-essai"]


FEDERATION = {"id": "federation-btp", "nom": "Fédération du BTP", "type": "federation", "nombre_membres": "environ 70"}


# --- correct descriptions --------------------------------------------------------------------

CORRECT = {
    "the-base-itself": lambda data: None,
    "a-federation-mostly-outside-the-ess-as-the-only-link-to-firms": lambda data: (
        without_the_sas(data),
        data.setdefault("groupes", []).append({**FEDERATION, "majoritairement_ess": False}),
    ),
    "a-company-in-the-ess-with-its-esus-approval": lambda data: data["acteurs"].append(
        {
            "id": "sas-esus",
            "nom": "SAS agréée",
            "type": "entreprise",
            "ess": True,
            "agrement_esus": True,
            "categorie_juridique": "5710",
        }
    ),
    "a-cooperative-of-two-kinds": lambda data: actor(data, "coop-essai").update(
        type=["cooperative", "structure-insertion"]
    ),
    "a-scic-college-with-the-agglomeration": lambda data: data.setdefault("groupes", []).append(
        {
            "id": "college-collectivites",
            "nom": "Collège des collectivités",
            "type": "college",
            "au_sein_de": "coop-essai",
            "membres": ["agglo-essai"],
            "nombre_membres": 3,
        }
    ),
    "a-partner-besides-the-members": lambda data: data["acteurs"].append(
        {"id": "banque", "nom": "Banque", "relation": "partenaire", "type": "entreprise-hors-ess", "ess": False}
    ),
    "a-founding-date-known-within-years": lambda data: data.update(date_creation="2002 ou 2004"),
    "an-ami-2021-laureate": lambda data: data.setdefault("reconnaissances", []).append(
        {"type": "selection-etat", "appel": "ami-ptce-2021", "phase": 2, "annee": 2021, "montant": 100000}
    ),
}


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_correct_v2_descriptions_get_no_result(name, tmp_path):
    _path, report = validated(tmp_path, CORRECT[name], name)
    assert report.results == (), [(r.shape, r.line, r.message) for r in report.results]


# --- faults ---------------------------------------------------------------------------------


def consortium(data: dict) -> None:
    data["structure_porteuse"] = {
        "portage": "convention-consortium",
        "convention": {"signataires": ["asso-essai", "coop-essai"], "nombre_signataires": "environ 15"},
    }


def co_carrying(data: dict) -> None:
    data["structure_porteuse"] = {"portage": "co-portage", "porteurs": ["asso-essai", "coop-essai"]}


def test_a_consortium_agreement_gets_the_decrees_warning_about_legal_personality(tmp_path):
    path, report = validated(tmp_path, consortium)
    [result] = report.results  # not also "no carrying structure", and no crash
    assert result.shape.endswith("#EligibilityConsortiumAgreement") and result.severity == "warning"
    assert "convention de consortium, qui n'a pas de personnalité morale" in result.message
    assert "décret n° 2015-431 du 15 avril 2015" in result.message
    assert result.line == line_of(path, "portage:")


def test_co_carrying_gets_the_decrees_warning(tmp_path):
    path, report = validated(tmp_path, co_carrying)
    [result] = report.results
    assert result.shape.endswith("#EligibilityCoCarrying") and result.line == line_of(path, "portage:")


def test_a_group_of_unknown_majority_is_asked_for_it_and_the_law_is_not_said_to_fail(tmp_path):
    path, report = validated(
        tmp_path, lambda data: (without_the_sas(data), data.setdefault("groupes", []).append(dict(FEDERATION)))
    )
    assert shapes(report) == ["GroupEssStatusUnknown"]
    [result] = report.results
    assert result.severity == "warning" and "majoritairement_ess" in result.message
    assert result.line == line_of(path, "id: federation-btp")


def test_without_the_group_there_is_no_enterprise_outside_the_ess(tmp_path):
    _path, report = validated(tmp_path, without_the_sas)
    assert shapes(report) == ["Art9NonEssEnterprise"]


def enterprise_outside_the_ess_as_partner(data: dict) -> None:
    actor(data, "sas-essai").update(relation="partenaire")


def ess_enterprises_as_partners(data: dict) -> None:
    for ess in ("asso-essai", "coop-essai"):
        actor(data, ess).update(relation="partenaire")


def test_an_enterprise_outside_the_ess_declared_a_partner_is_named_with_the_fix(tmp_path):
    """The law counts members: the carrier who declared the enterprise, as a partner, is told so, not to declare it."""
    path, report = validated(tmp_path, enterprise_outside_the_ess_as_partner)
    assert shapes(report) == ["Art9NonEssEnterprise", "NonEssEnterpriseIsPartner"]
    law, partner = sorted(report.results, key=lambda r: r.shape)
    assert "parmi les membres (un partenaire ne compte pas)" in law.message
    assert partner.severity == "info" and partner.message.startswith("SAS d'essai est une entreprise hors ESS")
    assert "la déclarer membre (« relation: membre »)" in partner.message
    assert partner.line == line_of(path, "relation: partenaire")  # where the fix is made


def test_ess_enterprises_declared_partners_are_named_each(tmp_path):
    _path, report = validated(tmp_path, ess_enterprises_as_partners)
    named = sorted(r.message.split(" est ", 1)[0] for r in report.results if r.shape.endswith("IsPartner"))
    assert named == ["Association d'essai", "Coopérative d'essai"]
    assert "Art9EssEnterprise" in shapes(report)


def test_a_partner_is_not_named_when_a_member_meets_the_condition(tmp_path):
    def also_a_member(data: dict) -> None:
        data["acteurs"].append({**actor(data, "sas-essai"), "id": "sas-partenaire", "relation": "partenaire"})

    _path, report = validated(tmp_path, also_a_member)
    assert not [r for r in report.results if r.shape.endswith("IsPartner")]


def few_legal_persons(data: dict) -> None:
    """Two possible legal persons among the members: the cooperative and the SAS; two residents."""
    for person in ("asso-essai", "agglo-essai"):
        found = actor(data, person)
        for key in ("siren", "rna", "categorie_juridique"):
            found.pop(key, None)
        found.update(type="habitant", ess=False)


@pytest.mark.parametrize(
    ("counted_as_a_whole", "warned"),
    [
        (lambda data: None, True),
        (lambda data: data.setdefault("groupes", []).append({**FEDERATION, "majoritairement_ess": False}), False),
        (
            lambda data: data.setdefault("groupes", []).append(
                {"id": "grappe", "nom": "Grappe", "type": "grappe", "nombre_membres": "20 à 25"}
            ),
            False,
        ),
        (
            lambda data: data["structure_porteuse"].update(
                portage="convention-consortium", convention={"nombre_signataires": "environ 15"}
            ),
            False,
        ),
        # a group that is one person of its own counts as that person, here a resident
        (lambda data: data.setdefault("groupes", []).append({**FEDERATION, "personne_morale": "agglo-essai"}), True),
    ],
    ids=["none", "federation-of-70", "cluster-of-20-to-25", "agreement-of-15", "group-that-is-a-resident"],
)
def test_a_group_or_an_agreement_counts_its_members_towards_three_legal_persons(counted_as_a_whole, warned, tmp_path):
    _path, report = validated(tmp_path, lambda data: (few_legal_persons(data), counted_as_a_whole(data)))
    assert ("EligibilityLegalPersons" in shapes(report)) is warned


def test_esus_evidence_denied_by_ess_false(tmp_path):
    path, report = validated(tmp_path, lambda data: actor(data, "sas-essai").update(agrement_esus=True))
    # the evidence makes it an ESS enterprise: the project is left without an enterprise outside the ESS
    assert shapes(report) == ["Art9NonEssEnterprise", "EssEvidenceDenied"]  # one mistake, at both its lines
    lines = sorted(line for r in report.results if r.shape.endswith("#EssEvidenceDenied") for line, _ in r.places)
    assert lines == sorted([line_of(path, "ess: false"), line_of(path, "agrement_esus:")])  # the SAS's, both


def test_a_company_declared_in_the_ess_is_asked_for_its_evidence_by_its_keys(tmp_path):
    _path, report = validated(
        tmp_path,
        lambda data: data["acteurs"].append(
            {"id": "sas-ess", "nom": "SAS sociale", "type": "entreprise", "ess": True, "categorie_juridique": "5710"}
        ),
    )
    [result] = report.results
    assert result.shape.endswith("#EssOnDeclarationOnly")
    assert "« agrement_esus: true »" in result.message and "« statuts_ess: true »" in result.message


def test_two_kinds_that_the_category_denies_come_once_at_each_line(tmp_path):
    path, report = validated(tmp_path, lambda data: actor(data, "agglo-essai").update(type=["association", "epci"]))
    # one message, at each of its lines; and its SIREN is an EPCI's, which no association is
    assert shapes(report) == ["KindContradictsCategory", "SirenOfAnotherBody"]
    kind, siren = sorted(report.results, key=lambda r: r.shape)
    assert "son type « association, epci » et sa catégorie juridique 7348" in kind.message
    assert "en contradiction avec le type « association »." in siren.message
    assert sorted(line for line, _ in kind.places) == sorted(
        [line_of(path, "- association") - 1, line_of(path, "categorie_juridique: '7348'")]  # the line of "type:"
    )


def test_the_only_local_authority_as_a_partner_does_not_count_for_the_decree(tmp_path):
    _path, report = validated(tmp_path, lambda data: actor(data, "agglo-essai").update(relation="partenaire"))
    assert shapes(report) == ["EligibilityPublicOrKnowledgeActor"]


def test_more_coordination_than_jobs(tmp_path):
    def coordination(data):
        data["chiffres"] = [{"indicateur": "emplois", "valeur": 2, "annee": 2025}]
        data["coordination"] = [{"nom": "Équipe de coordination", "etp": 3}]

    path, report = validated(tmp_path, coordination)
    [result] = report.results
    assert result.shape.endswith("#CoordinationFteOverJobs") and result.severity == "warning"
    assert "3 ETP pour cette ressource de coordination, plus que les 2" in result.message
    assert result.line == line_of(path, "etp: 3")


def test_an_ami_2021_amount_beyond_what_the_call_gave(tmp_path):
    path, report = validated(
        tmp_path,
        lambda data: data.setdefault("reconnaissances", []).append(
            {"type": "selection-etat", "appel": "ami-ptce-2021", "phase": 2, "annee": 2021, "montant": 1000000}
        ),
    )
    [result] = report.results
    assert result.shape.endswith("#RecognitionAmountPlausible") and result.line == line_of(path, "montant: 1000000")


def test_a_founding_span_after_today(tmp_path):
    future = datetime.date.today().year + 3
    path, report = validated(tmp_path, lambda data: data.update(date_creation=f"{future} ou {future + 2}"))
    [result] = report.results
    assert result.shape.endswith("#FoundingDateNotFuture") and result.line == line_of(path, "date_creation:")


def test_an_answer_of_format_2_left_as_the_template_wrote_it(tmp_path):
    path, report = validated(tmp_path, lambda data: data.update(q05="À COMPLÉTER"))
    [result] = report.results
    assert result.shape.endswith("#PlaceholderText") and result.question == "q05"
    assert result.line == line_of(path, "q05:") and report.completeness.answered == 17


# Every change above, for tests/test_message_claims.py, which reads each message against its description.
FAULTS_V2 = {
    "consortium": consortium,
    "co-carrying": co_carrying,
    "group-of-unknown-majority": lambda data: (
        without_the_sas(data),
        data.setdefault("groupes", []).append(dict(FEDERATION)),
    ),
    "no-enterprise-outside-the-ess": without_the_sas,
    "few-legal-persons": few_legal_persons,
    "esus-denied": lambda data: actor(data, "sas-essai").update(agrement_esus=True),
    "two-kinds-denied": lambda data: actor(data, "agglo-essai").update(type=["association", "epci"]),
    "authority-as-partner": lambda data: actor(data, "agglo-essai").update(relation="partenaire"),
    "enterprise-outside-the-ess-as-partner": enterprise_outside_the_ess_as_partner,
    "ess-enterprises-as-partners": ess_enterprises_as_partners,
}
