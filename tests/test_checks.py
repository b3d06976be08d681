"""Deliberately broken descriptions, one fault each, and correct ones that must not be flagged.

Each fault of issue 11 ("checks that never state a false fact") has its case:
the change made to the valid test description, then the shapes that must
report it (and nothing else), their severity, a piece of the message, the YAML
line, and the verdict. Each correct case must give no result at all.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib.namespace import SH

from cap_ptce.corpus import summarise_report
from cap_ptce.grid import load_grid
from cap_ptce.project.template import template
from cap_ptce.validation import validate_file
from cap_ptce.validation.render import to_json, to_text
from valid_description import COOP_SIREN, SAS_SIREN, description, line_of, with_check_digit, write


@dataclass(frozen=True)
class Fault:
    name: str
    change: Callable[[dict], None]
    shapes: tuple[str, ...]  # every result expected, by shape, in any order
    severity: str
    message: str  # a piece of the French message of the first result
    lines: tuple[tuple[str, str], ...]  # per result: (a text above the line, the text of the line)
    conforms: bool


def actor(data: dict, actor_id: str) -> dict:
    return next(a for a in data["acteurs"] if a["id"] == actor_id)


def line_after(path: Path, anchor: str, text: str) -> int:
    """The line of the first ``text`` after the line that holds ``anchor``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = line_of(path, anchor)
    return next(n for n, line in enumerate(lines[start - 1 :], start=start) if text in line)


def change_actor(actor_id: str, **values) -> Callable[[dict], None]:
    return lambda data: actor(data, actor_id).update(values)


def drop(actor_id: str, *keys: str) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        for key in keys:
            actor(data, actor_id).pop(key, None)

    return change


def both(*changes) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        for one in changes:
            one(data)

    return change


def territory(**values) -> Callable[[dict], None]:
    return lambda data: data["territoire"].update(values)


FUTURE_YEAR = str(datetime.date.today().year + 5)
AGGLO, COOP, ASSO, SAS = "id: agglo-essai", "id: coop-essai", "id: asso-essai", "id: sas-essai"

FAULTS = [
    # --- the law: who is an ESS enterprise (loi 2014-856, art. 1 and 9) ---
    Fault(
        "commune-declared-ess",
        change_actor("agglo-essai", ess=True),
        ("EssDeclaredImpossible",),
        "violation",
        "Pour Agglomération d'essai, « ess » dit oui, mais d'après la catégorie juridique 7348",
        ((AGGLO, "ess: true"), (AGGLO, "categorie_juridique")),
        False,
    ),
    Fault(
        "cooperative-declared-outside-the-ess",
        change_actor("coop-essai", ess=False),
        ("EssDeniedByStatus",),
        "violation",
        "d'après le type « cooperative » c'est une coopérative, entreprise de l'ESS par son statut",
        ((COOP, "ess: false"), (COOP, "type: cooperative")),
        False,
    ),
    Fault(
        "association-declared-outside-the-ess",
        change_actor("asso-essai", ess=False),
        ("EssDeniedByStatus",),
        "violation",
        "d'après la catégorie juridique 9220 (Association déclarée) c'est une association",
        ((ASSO, "ess: false"), (ASSO, "categorie_juridique")),
        False,
    ),
    Fault(
        "declared-ess-and-outside-the-ess",
        change_actor("sas-essai", ess=True),
        # its status stays unknown while they disagree, and it was the only enterprise outside the ESS: the
        # warning says so, never that "ess" or its kind is missing
        ("EssDeclaredOutsideKind", "EssStatusUnknownNoNonEss"),
        "violation",
        "SAS d'essai : « ess », qui dit oui, et « type: entreprise-hors-ess » se contredisent : l'un des deux est faux",
        ((SAS, "ess: true"), (SAS, "type: entreprise-hors-ess"), (SAS, "ess: true")),
        False,
    ),
    Fault(
        "declared-ess-and-outside-the-ess-with-a-company-category",
        change_actor("sas-essai", ess=True, categorie_juridique="5499"),
        ("EssStatusUnknownNoNonEss", "EssDeclaredOutsideKind"),
        "warning",
        "SAS d'essai : « ess », qui dit oui, et « type: entreprise-hors-ess » se contredisent, et tant que l'un des deux "
        "n'est pas corrigé, aucun membre n'est une entreprise hors ESS connue",
        ((SAS, "ess: true"), (SAS, "type: entreprise-hors-ess"), (SAS, "ess: true")),
        False,
    ),
    Fault(
        "declared-outside-the-ess-but-not-said-to-be-an-enterprise",
        both(change_actor("sas-essai", type="reseau"), drop("sas-essai", "categorie_juridique")),
        ("EssStatusUnknownNoNonEss",),
        "warning",
        "Pour SAS d'essai, « ess » dit non, mais ni sa catégorie juridique ni son type ne disent que c'est "
        "une entreprise",
        ((SAS, "ess: false"),),
        True,
    ),
    # --- a SIREN names one legal person: a commune's or an EPCI's, in the COG, is that body ---
    Fault(
        "a-commune-given-its-epcis-siren",
        change_actor("agglo-essai", nom="Ville d'essai", type="collectivite-territoriale", categorie_juridique="7210"),
        ("SirenOfAnotherBody",),
        "violation",
        "Ville d'essai : le SIREN 248000531 est, au COG 2026, celui de CA Amiens Métropole (EPCI), en contradiction "
        "avec le type « collectivite-territoriale » et la catégorie juridique 7210 (Commune et commune nouvelle). "
        "Un SIREN ne désigne qu'une personne morale : corriger le SIREN ou le type et la catégorie juridique.",
        ((AGGLO, "siren:"), (AGGLO, "type:"), (AGGLO, "categorie_juridique")),
        False,
    ),
    Fault(
        "two-actors-given-one-siren",
        change_actor("asso-essai", siren=SAS_SIREN),  # the association given the company's SIREN
        ("SirenSharedByActors",),
        "warning",
        f"SAS d'essai a le SIREN {SAS_SIREN}, comme Association d'essai : un SIREN ne désigne qu'une personne morale",
        ((SAS, "siren:"),),
        True,
    ),
    Fault(
        # the researcher's retest: one company, a member by its SIREN and again by its SIRET, counted twice unsaid
        "one-company-given-by-siren-and-by-siret",
        both(drop("sas-essai", "siren"), change_actor("sas-essai", siret=with_check_digit(COOP_SIREN + "0002"))),
        ("SirenSharedByActors",),
        "warning",
        f"SAS d'essai a le SIRET {with_check_digit(COOP_SIREN + '0002')}, du SIREN {COOP_SIREN}, comme Coopérative "
        "d'essai : un SIREN ne désigne qu'une personne morale",
        ((SAS, "siret:"),),
        True,
    ),
    Fault(
        "an-association-given-its-town-halls-siren",
        change_actor("asso-essai", siren="218000198"),  # Amiens's
        ("SirenOfAnotherBody",),
        "violation",
        "Association d'essai : le SIREN 218000198 est, au COG 2026, celui de Amiens (commune 80021), en "
        "contradiction avec le type « association » et la catégorie juridique 9220 (Association déclarée).",
        ((ASSO, "siren:"), (ASSO, "type:"), (ASSO, "categorie_juridique")),
        False,
    ),
    Fault(
        "an-agglomeration-community-given-a-community-of-communes-category",
        change_actor("agglo-essai", categorie_juridique="7346"),  # CA Amiens Métropole's SIREN: 7348
        ("SirenOfAnotherBody",),
        "violation",
        "celui de CA Amiens Métropole (EPCI), en contradiction avec la catégorie juridique 7346 (Communauté de "
        "communes).",
        ((AGGLO, "siren:"), (AGGLO, "categorie_juridique")),
        False,
    ),
    Fault(
        "an-association-given-the-metropole-de-lyons-siren",
        change_actor("asso-essai", siren="200046977"),
        ("SirenOfAnotherBody",),
        "violation",
        "celui de Métropole de Lyon (collectivité à statut particulier), en contradiction avec le type",
        ((ASSO, "siren:"), (ASSO, "type:"), (ASSO, "categorie_juridique")),
        False,
    ),
    Fault(
        "kind-contradicted-by-the-category",
        change_actor("agglo-essai", type="association"),
        # and its SIREN is CA Amiens Métropole's, which no association is
        ("KindContradictsCategory", "SirenOfAnotherBody"),
        "warning",
        "son type « association » et sa catégorie juridique 7348 (Communauté d'agglomération) ne concordent pas",
        ((AGGLO, "type: association"), (AGGLO, "categorie_juridique"), (AGGLO, "siren:"), (AGGLO, "type: association")),
        False,
    ),
    Fault(
        "legal-form-contradicted-by-the-category",
        change_actor("sas-essai", forme_juridique="Association loi 1901"),
        ("FormContradictsCategory",),
        "warning",
        "SAS d'essai : sa forme juridique « Association loi 1901 » et sa catégorie juridique 5710",
        ((SAS, "forme_juridique"), (SAS, "categorie_juridique")),
        True,
    ),
    Fault(
        "category-outside-the-nomenclature",
        change_actor("sas-essai", categorie_juridique="5790"),
        ("LegalCategoryInNomenclature",),
        "warning",
        "SAS d'essai : la catégorie juridique 5790 n'est pas un code de la nomenclature INSEE",
        ((SAS, "categorie_juridique"),),
        True,
    ),
    Fault(
        "company-in-the-ess-on-its-word-alone",
        lambda data: data["acteurs"].append(
            {"id": "sas-ess", "nom": "SAS sociale", "type": "entreprise", "ess": True, "categorie_juridique": "5710"}
        ),
        ("EssOnDeclarationOnly",),
        "warning",
        "SAS sociale compte comme entreprise de l'ESS sur le seul oui de « ess »",
        (("id: sas-ess", "ess: true"),),
        True,
    ),
    Fault(
        "ess-status-not-given",
        both(change_actor("sas-essai", type="entreprise"), drop("sas-essai", "ess", "categorie_juridique")),
        ("EssStatusUnknownNoNonEss",),
        "warning",
        "SAS d'essai : on ne sait pas si c'est une entreprise hors ESS",
        (("", SAS),),
        True,
    ),
    Fault(
        "no-known-ess-enterprise-among-members-declared-outside-it",
        both(
            change_actor("coop-essai", type="entreprise", ess=False),  # a company (5710) outside the ESS
            change_actor("asso-essai", type="reseau", ess=False),
            drop("asso-essai", "categorie_juridique", "rna"),
        ),
        ("EssStatusUnknownNoEss",),
        "warning",
        "Pour Association d'essai, « ess » dit non, mais ni sa catégorie juridique ni son type ne disent ce que c'est",
        ((ASSO, "ess: false"),),
        True,
    ),
    # --- the décret: what is not known is said as such ---
    Fault(
        "public-carrying-structure",
        lambda data: data["structure_porteuse"].update(acteur="agglo-essai"),
        ("EligibilityCarryingStructurePrivateLaw",),
        "warning",
        "La structure porteuse Agglomération d'essai n'est pas une personne morale de droit privé : d'après la catégorie",
        (("structure_porteuse:", "acteur: agglo-essai"),),
        True,
    ),
    Fault(
        "carrying-structure-of-unknown-nature",
        both(change_actor("coop-essai", type="entreprise"), drop("coop-essai", "categorie_juridique")),
        ("CarryingStructureNatureUnknown",),
        "info",
        # a carrier's finding of 2026-12-07: « ni type … (ou son SIREN…) » for an actor that gives both
        "n'est pas donnée (ni catégorie juridique, ni numéro RNA, ni forme juridique qui la dise ; son type, « "
        "entreprise », ne la dit pas)",
        (("structure_porteuse:", "acteur: coop-essai"),),
        True,
    ),
    Fault(
        "member-of-unknown-kind",
        drop("agglo-essai", "type", "categorie_juridique"),
        ("Article9RoleUnknown",),
        "info",
        "Agglomération d'essai : ni son type ni sa catégorie juridique ne sont donnés",
        (("", AGGLO),),
        True,
    ),
    # --- the official geography ---
    Fault(
        "commune-99999",
        territory(communes=["80021", "99999"]),
        ("CommuneInCog",),
        "violation",
        "Commune 99999 : ce code n'existe pas dans le Code officiel géographique (COG 2026)",
        (("territoire:", "99999"),),
        False,
    ),
    Fault(
        "commune-88999",
        territory(communes=["80021", "88999"]),
        ("CommuneInCog",),
        "violation",
        "Commune 88999 : ce code n'existe pas",
        (("territoire:", "88999"),),
        False,
    ),
    Fault(
        "seat-26100-also-a-postcode",  # Combovin's INSEE code, Romans-sur-Isère's postal code: a carrier's report
        change_actor("coop-essai", commune="26100"),
        ("CommuneCodeIsAlsoPostalCode",),
        "info",  # no check can tell which was meant, and a right code often is one: never a warning
        "Commune 26100 : ce code INSEE désigne Combovin au COG 2026, mais c'est aussi un code postal, qui dessert "
        "Romans-sur-Isère (26281) : si vous vouliez dire Romans-sur-Isère, écrire 26281",
        ((COOP, "commune: '26100'"),),
        True,
    ),
    Fault(
        "region-99",
        territory(regions=["32", "99"]),
        ("RegionInCog",),
        "violation",
        "Région 99 : ce code n'existe pas dans le Code officiel géographique (COG 2026)",
        (("territoire:", "- '99'"),),
        False,
    ),
    Fault(
        "departement-88-with-region-32",
        territory(departements=["80", "88"]),
        ("TerritoryDepartementInRegions",),
        "violation",
        "Le département 88 (Vosges) est dans la région 44 (Grand Est), qui n'est pas parmi les régions du territoire",
        (("territoire:", "- '88'"),),
        False,
    ),
    Fault(
        "commune-outside-the-departements",
        # Roubaix: Lille's own code, 59350, is also a postal code, which has a warning of its own
        both(territory(communes=["80021", "59512"]), lambda data: data["territoire"].pop("epci")),
        ("TerritoryCommuneInDepartements",),
        "violation",
        "La commune 59512 (Roubaix) est dans le département 59 (Nord)",
        (("territoire:", "59512"),),
        False,
    ),
    Fault(
        "commune-outside-the-regions",
        # Saint-Dié-des-Vosges: Épinal's code, 88160, is also a postal code, which has a warning of its own
        both(territory(communes=["80021", "88413"], departements=[]), lambda data: data["territoire"].pop("epci")),
        ("TerritoryCommuneInRegions",),
        "violation",
        "La commune 88413 (Saint-Dié-des-Vosges) est dans la région 44 (Grand Est)",
        (("territoire:", "88413"),),
        False,
    ),
    Fault(
        # a carrier's finding of 2026-12-07: an EPCI far from the territory's départements and régions went unsaid
        "epci-outside-the-departements-and-regions",
        territory(epci=["248000531", "200040715"]),  # Grenoble-Alpes-Métropole (Isère) beside Amiens Métropole
        ("TerritoryEpciInDepartements", "TerritoryEpciInRegions"),
        "violation",
        "L'EPCI 200040715 (Grenoble-Alpes-Métropole) est dans le département 38 (Isère)",
        (("territoire:", "200040715"), ("territoire:", "200040715")),
        False,
    ),
    Fault(
        "commune-outside-the-epci",
        territory(communes=["80001", "80021"]),
        ("TerritoryCommuneInEpcis",),
        "warning",
        "La commune 80001 (Abbeville) n'est membre d'aucun des EPCI du territoire",
        (("territoire:", "80001"),),
        True,
    ),
    Fault(
        "not-an-epci",
        territory(epci=["248000531", "200000016"]),  # a Luhn-valid SIREN that is no EPCI's
        ("EpciInCog",),
        "violation",
        "EPCI 200000016 : ce SIREN n'est celui d'aucun EPCI à fiscalité propre",
        (("territoire:", "200000016"),),
        False,
    ),
    Fault(
        "former-commune",
        territory(communes=["80021", "20004"]),
        ("CommuneIsCurrent",),
        "warning",
        "son territoire fait aujourd'hui partie de la commune 2A004 (Ajaccio). Donner le code 2A004.",
        (("territoire:", "20004"),),
        True,
    ),
    # --- dates and figures ---
    Fault(
        "founding-date-in-the-future",
        lambda data: data.update(date_creation=FUTURE_YEAR),
        ("FoundingDateNotFuture",),
        "violation",
        f"Début de la dynamique {FUTURE_YEAR} : c'est après aujourd'hui",
        (("", "date_creation:"),),
        False,
    ),
    Fault(
        "action-ending-before-it-starts",
        lambda data: data.update(
            actions=[{"nom": "Atelier partagé", "stade": "idee", "debut": "2025-09", "fin": "2024"}]
        ),
        ("ActionPeriodInOrder",),
        "violation",
        "Période à l'envers : elle finit (2024) avant de commencer (2025-09)",
        (("actions:", "fin:"),),
        False,
    ),
    Fault(
        "funding-period-reversed",
        lambda data: data["financements"][0].update(debut=datetime.date(2026, 3, 1), fin="2025-12"),
        ("FundingPeriodInOrder",),
        "violation",
        "elle finit (2025-12) avant de commencer (2026-03-01)",
        (("financements:", "fin:"),),
        False,
    ),
    Fault(
        "eighty-fte-of-coordination",
        lambda data: data.update(coordination=[{"nom": "Coordination du pôle", "etp": 80}]),
        ("CoordinationFtePlausible",),
        "warning",
        "Plus de 5 ETP pour une ressource de coordination",
        (("coordination:", "etp: 80"),),
        True,
    ),
    Fault(
        "eighty-million-euros",
        lambda data: data["financements"][0].update(montant=80_000_000),
        ("FundingAmountPlausible",),
        "warning",
        "Montant de moins de 100 € ou de plus de 5 millions d'euros",
        (("financements:", "montant:"),),
        True,
    ),
    # --- texts that are not answers ---
    Fault(
        "answer-of-spaces",
        lambda data: data["reponses"].update(q05="   "),
        ("PlaceholderText",),
        "violation",
        "Texte laissé tel quel : «     » n'est pas une réponse",
        (("reponses:", "q05:"),),
        False,
    ),
    Fault(
        "strategy-of-spaces",
        lambda data: data.update(strategie_commune="  "),
        ("Art9CommonStrategy",),  # no strategy for the law: the grid's left-over text leaves it to the law's shape
        "violation",
        "Pas de stratégie commune : «    » n'en est pas une (que des espaces",
        (("", "strategie_commune:"),),
        False,
    ),
    Fault(
        "name-left-as-the-template-wrote-it",
        change_actor("asso-essai", nom="À COMPLÉTER"),
        ("PlaceholderText",),
        "violation",
        "Texte laissé tel quel : « À COMPLÉTER » n'est pas une réponse",
        ((ASSO, "nom:"),),
        False,
    ),
    Fault(
        "hint-pasted-as-a-legal-form",
        change_actor("coop-essai", forme_juridique="catégorie juridique INSEE, 4 chiffres (9220, 5710, 7346…)"),
        ("PlaceholderText",),
        "violation",
        "n'est pas une réponse",
        ((COOP, "forme_juridique:"),),
        False,
    ),
    Fault(
        "answer-x",
        lambda data: data["reponses"].update(q12="x"),
        ("PlaceholderText",),
        "violation",
        "Texte laissé tel quel : « x » n'est pas une réponse",
        (("reponses:", "q12:"),),
        False,
    ),
    Fault(
        "answer-todo",
        lambda data: data["reponses"].update(q12="TODO…"),
        ("PlaceholderText",),
        "violation",
        "« TODO… »",
        (("reponses:", "q12:"),),
        False,
    ),
    Fault(
        "recognition-without-its-kind",  # a carrier's: « La reconnaissance doit dire une fois ce qu'elle est »
        lambda data: data.update(reconnaissances=[{"appel": "ami-ptce-2021", "phase": 1, "annee": 2021}]),
        ("RecognitionKind",),
        "violation",
        "« selection-etat » pour une sélection par l'État (l'appel à projets ou l'AMI qui l'a faite va sous « appel »)",
        (("reconnaissances:", "appel: ami-ptce-2021"),),
        False,
    ),
    Fault(
        "very-short-answer",
        lambda data: data["reponses"].update(q09="Oui."),
        ("ShortAnswer",),
        "warning",
        "Réponse très courte (1 mot(s)) : « Oui. »",
        (("reponses:", "q09:"),),
        True,
    ),
]


def _validated(fault: Fault, tmp_path: Path):
    data = description()
    fault.change(data)
    path = write(data, tmp_path / f"{fault.name}.yaml")
    return path, validate_file(path)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_each_fault_gets_its_verdict_severity_message_and_line(fault, tmp_path):
    path, report = _validated(fault, tmp_path)
    shapes = sorted(r.shape.rsplit("#", 1)[1] for r in report.results)
    assert shapes == sorted(fault.shapes), [(r.line, r.message) for r in report.results]
    assert report.conforms is fault.conforms
    first = next(r for r in report.results if r.shape.endswith("#" + fault.shapes[0]))
    assert first.severity == fault.severity and fault.message in first.message, first.message
    expected = sorted(line_after(path, anchor, text) if anchor else line_of(path, text) for anchor, text in fault.lines)
    assert sorted(line for r in report.results for line, _path in r.places) == expected


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_one_mistake_at_two_keys_is_one_result_that_names_both_lines(engine, tmp_path):
    """A cooperative declared « ess: false »: the shape points at the type and at « ess », one SHACL result
    each; the carrier made one mistake, which counts once, at both lines, in every format and in a load."""
    data = description()
    change_actor("coop-essai", ess=False)(data)
    path = write(data, tmp_path / "coop.yaml")
    report = validate_file(path, engine=engine)
    [result] = report.results
    lines = [line_after(path, COOP, "ess: false"), line_after(path, COOP, "type: cooperative")]
    assert sorted(line for line, _path in result.places) == sorted(lines)
    assert result.line == min(lines) and report.count("violation") == 1
    assert len(list(report.graph.objects(None, SH.result))) == 2  # the SHACL report keeps both, as SHACL says
    [file] = json.loads(to_json([report]))["files"]
    assert [r["lines"] for r in file["results"]] == [sorted(lines)]
    assert f"{path}:{min(lines)},{max(lines)}" in to_text([report])
    assert summarise_report(report).violations == 1  # what a load records, and the explorer counts


def test_a_missing_answer_is_near_where_it_goes_an_empty_one_at_its_key(tmp_path):
    data = description()
    del data["reponses"]["q05"]
    path = write(data, tmp_path / "sans-q05.yaml")
    [result] = validate_file(path).results
    assert result.near and result.line == line_of(path, "reponses:")  # no key of its own: where it goes
    [file] = json.loads(to_json([validate_file(path)]))["files"]
    assert file["results"][0]["near"] is True
    assert f"{path}, près de la ligne {result.line}" in to_text([validate_file(path)])
    data["reponses"]["q05"] = ""
    path = write(data, tmp_path / "q05-vide.yaml")
    [result] = validate_file(path).results
    assert not result.near and result.line == line_of(path, "q05:")


def test_a_whole_entry_left_out_is_at_no_line_rather_than_the_first(tmp_path):
    """A carrier's retest of 2026-12-07: with entry 6 gone (q12, « actions: »), question 12 came « près de la
    ligne 1 », the file's « format: 2 », which is nowhere near where it goes."""
    sample = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "tiers-lieu-gueret.yaml"
    text = sample.read_text(encoding="utf-8")
    start, end = text.index("# Entrée 6"), text.index("# Entrée 7")
    path = tmp_path / "sans-entree-6.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    [result] = [r for r in validate_file(path).results if r.question == "q12"]
    assert result.line is None and not result.near
    assert "près de la ligne" not in to_text([validate_file(path)])


def test_a_question_with_a_left_over_answer_is_not_counted(tmp_path):
    _path, report = _validated(FAULTS[[f.name for f in FAULTS].index("answer-x")], tmp_path)
    assert report.completeness.answered == 17
    [result] = report.results
    assert (result.entry, result.question) == ("plan-actions", "q12")


def test_a_template_left_as_it_is_does_not_conform_and_answers_nothing(tmp_path):
    text = template("etabli", "fr")
    for question in load_grid().questions:  # every written answer "x"
        text = re.sub(rf'^(\s*{question.id}): ""', r'\1: "x"', text, flags=re.MULTILINE)
    path = tmp_path / "modele.yaml"
    path.write_text(text, encoding="utf-8")
    report = validate_file(path)
    assert not report.conforms
    assert (report.completeness.answered, report.completeness.total) == (0, 18)
    left_over = [r for r in report.results if r.shape.endswith("#PlaceholderText")]
    assert {r.value for r in left_over} >= {"x", "À COMPLÉTER"}
    answers = {r.question for r in left_over if r.value == "x"}
    assert answers == {q.id for q in load_grid().questions}
    assert any(r.value == "À COMPLÉTER" for r in left_over)
    assert all(r.line for r in report.results)


# --- correct descriptions: nothing to say ------------------------------------------------

LA_POSTE_SIRET = "35600000000048"  # La Poste's head office


def ten_organisations_without_siren(data: dict) -> None:
    for member in data["acteurs"]:
        for key in ("siren", "siret", "rna"):
            member.pop(key, None)
    kinds = ["association", "cooperative", "fondation", "mutuelle", "organisme-formation", "association"]
    for n, kind in enumerate(kinds, start=1):
        data["acteurs"].append({"id": f"membre-{n}", "nom": f"Membre {n}", "type": kind, "ess": True})


CORRECT = {
    "sas-carrying-structure-5710-without-siren": both(
        drop("sas-essai", "siren"), lambda data: data["structure_porteuse"].update(acteur="sas-essai")
    ),
    "association-carrying-structure-without-siren-rna-or-category": both(
        drop("asso-essai", "rna", "categorie_juridique"),
        lambda data: data["structure_porteuse"].update(acteur="asso-essai"),
    ),
    "scic-sas-with-an-epci-member": change_actor("coop-essai", forme_juridique="SCIC SAS"),
    # its SIREN is CA Amiens Métropole's: an EPCI is a public body (établissement public)
    "an-epci-said-a-public-body": change_actor("agglo-essai", type=["etablissement-public"]),
    "scop-sarl": change_actor("coop-essai", categorie_juridique="5458", forme_juridique="SCOP SARL"),
    "written-forms-that-agree-with-the-category": both(
        change_actor("sas-essai", forme_juridique="SAS"),
        change_actor("asso-essai", forme_juridique="Association loi 1901"),
        change_actor("agglo-essai", forme_juridique="Communauté d'agglomération"),
    ),
    "la-poste-siret": lambda data: data["acteurs"].append(
        {
            "id": "la-poste",
            "nom": "La Poste",
            "type": "entreprise-hors-ess",
            "ess": False,
            "siren": "356000000",
            "siret": LA_POSTE_SIRET,
            "categorie_juridique": "5510",
        }
    ),
    "ten-organisations-without-siren": ten_organisations_without_siren,
    "an-emerging-project-founded-this-year": lambda data: data.update(
        maturite="emergent", date_creation=str(datetime.date.today().year)
    ),
    "a-period-within-one-year": lambda data: data.update(
        actions=[{"nom": "Atelier partagé", "stade": "idee", "debut": "2026-09", "fin": "2026"}]
    ),
    "a-sole-proprietor-outside-the-ess": lambda data: data["acteurs"].append(
        {"id": "artisan", "nom": "Artisan", "type": "entreprise-hors-ess", "ess": False, "categorie_juridique": "1000"}
    ),
    "a-company-with-its-esus-evidence-given-as-a-valid-siren": change_actor(
        "sas-essai", siren=with_check_digit("73282932")
    ),
}


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_correct_descriptions_get_no_result(name, tmp_path):
    data = description()
    CORRECT[name](data)
    report = validate_file(write(data, tmp_path / f"{name}.yaml"))
    assert report.results == (), [(r.shape, r.message) for r in report.results]
    assert report.conforms


def test_every_result_of_a_yaml_description_carries_its_line(tmp_path):
    for fault in FAULTS:
        _path, report = _validated(fault, tmp_path)
        assert all(r.line for r in report.results), fault.name


def test_a_seat_that_is_no_commune_is_reported_beside_its_actor_not_the_territory(tmp_path):
    data = description()
    actor(data, "coop-essai")["commune"] = "39000"  # Lons-le-Saunier's postcode, not its INSEE code
    path = write(data, tmp_path / "siege.yaml")
    [result] = validate_file(path).results
    assert result.shape.endswith("#CommuneCodeIsNoPostalCode") and "c'est un code postal" in result.message
    assert "Lons-le-Saunier (39300)" in result.message  # the commune meant, by its INSEE code
    assert (result.entry, result.question) == ("acteurs-impliques", "q07")
    assert result.line == line_after(path, COOP, "commune: '39000'")


def test_a_territory_commune_that_does_not_exist_stays_with_the_territory(tmp_path):
    data = description()
    data["territoire"]["communes"].append("39999")  # neither an INSEE code nor a postcode
    path = write(data, tmp_path / "territoire.yaml")
    found = [r for r in validate_file(path).results if r.shape.endswith("#CommuneInCog")]
    assert [(r.entry, r.question, r.line) for r in found] == [
        ("perimetre-ancrage-territorial", "q10", line_of(path, "- '39999'"))
    ]


# --- a place of the territory that is also an actor's seat -------------------------------

SOMME = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "pole-saveurs-somme.yaml"
SOMME_TERRITORY = (
    '  communes: ["80001", "80021"]\n  epci: ["200070993", "248000531"]\n  departements: ["80"]\n  regions: ["32"]\n'
)
_TERRITORY_KEYS = {
    "commune": "communes",
    "intercommunalite": "epci",
    "departement": "departements",
    "region": "regions",
}


def _somme(tmp_path: Path, name: str, territory_text: str) -> Path:
    text = SOMME.read_text(encoding="utf-8")
    assert SOMME_TERRITORY in text and 'commune: "80021"' in text  # Amiens: a commune of the territory, and seats
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace(SOMME_TERRITORY, territory_text), encoding="utf-8")
    return path


def _block(territory_text: str) -> str:
    """The territory's lists written one item a line (« - "80021" »), each place at a line of its own."""
    return re.sub(
        r"^  (\w+): \[(.*)\]$",
        lambda m: f"  {m[1]}:\n" + "".join(f"    - {item.strip()}\n" for item in m[2].split(",")),
        territory_text,
        flags=re.MULTILINE,
    )


@pytest.mark.parametrize("layout", ["flow", "block"])
@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize(
    "change, shapes",
    [
        # Amiens left without its EPCI: « n'est membre d'aucun des EPCI du territoire »
        (
            ("248000531", "200040715"),
            {"TerritoryCommuneInEpcis", "TerritoryEpciInDepartements", "TerritoryEpciInRegions"},
        ),
        (
            ('departements: ["80"]', 'departements: ["60"]'),
            {"TerritoryCommuneInDepartements", "TerritoryEpciInDepartements"},
        ),
        (
            ('regions: ["32"]', 'regions: ["11"]'),
            {"TerritoryCommuneInRegions", "TerritoryEpciInRegions", "TerritoryDepartementInRegions"},
        ),
    ],
    ids=["epci", "departement", "region"],
)
def test_a_result_about_a_place_of_the_territory_points_at_the_territory_not_at_a_seat_there(
    change, shapes, engine, layout, tmp_path
):
    """A carrier's finding: with a wrong EPCI (département, région), « La commune 80021 (Amiens) n'est membre
    d'aucun des EPCI du territoire » pointed at an actor's « commune: "80021" », its seat: the line was the
    commune's own, the first key naming it in the file. It is where the territory names it."""
    territory_text = SOMME_TERRITORY.replace(*change)
    path = _somme(tmp_path, f"{layout}-{engine}", _block(territory_text) if layout == "block" else territory_text)
    report = validate_file(path, engine=engine)
    found = [r for r in report.results if r.shape.rsplit("#", 1)[1] in shapes]
    assert {r.shape.rsplit("#", 1)[1] for r in found} == shapes, [(r.shape, r.line) for r in report.results]
    assert any(r.value.endswith("/commune/80021") for r in found)  # Amiens, the seat of five actors
    seats = {n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "commune: " in line}
    for result in found:
        level, code = result.value.rsplit("/", 2)[-2:]
        key = _TERRITORY_KEYS[level]
        if layout == "flow":
            expected = line_after(path, "territoire:", f"{key}:")
        else:
            expected = line_after(path, f"  {key}:", f'- "{code}"')
        assert result.lines == [expected] and not seats & set(result.lines), (result.message, result.lines)
        assert (result.entry, result.question) == ("perimetre-ancrage-territorial", "q10")
    [file] = json.loads(to_json([report]))["files"]
    assert sorted(r["line"] for r in file["results"]) == sorted(r.line for r in report.results)
    text = to_text([report])
    for result in found:
        assert f"{path}:{result.line}\n" in text


def test_a_wrong_code_at_a_seat_and_in_the_territory_is_one_result_at_both_lines(tmp_path, client):
    """A postal code written both as an actor's seat and among the territory's communes is one node, so one
    result: it stays with the actor whose seat it is, and names the territory's line too; a seat alone keeps
    its actor's line only (see above)."""
    territory_text = SOMME_TERRITORY.replace('"80021"]', '"80000"]')
    path = _somme(tmp_path, "code-postal", territory_text)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('commune: "80021"', 'commune: "80000"', 1), encoding="utf-8")
    seat = line_of(path, 'commune: "80000"')
    [result] = [r for r in validate_file(path).results if r.shape.endswith("#CommuneCodeIsNoPostalCode")]
    assert result.lines == [seat, line_of(path, "  communes:")] and result.line == seat
    assert (result.entry, result.question) == ("acteurs-impliques", "q07")
    page = client.post("/valider", data={"texte": path.read_text(encoding="utf-8"), "nom": "p.yaml"})
    assert f"lignes {seat}, {line_of(path, '  communes:')}" in page.get_data(as_text=True)


def test_the_validator_page_shows_a_territory_result_at_the_territory(tmp_path, client):
    path = _somme(tmp_path, "epci", SOMME_TERRITORY.replace("248000531", "200040715"))
    page = client.post("/valider", data={"texte": path.read_text(encoding="utf-8"), "nom": "p.yaml"})
    html = page.get_data(as_text=True)
    start = html.index("La commune 80021 (Amiens) n&#39;est membre d&#39;aucun des EPCI")
    assert f"ligne {line_of(path, '  communes:')}" in html[start : start + 2000]
    seat = line_of(path, 'commune: "80021"')
    assert f"ligne {seat}" not in html[start : start + 2000]
