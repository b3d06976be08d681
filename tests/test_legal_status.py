"""Legal nature and ESS status from the facts given: the INSEE table, the kinds, the order of the rules."""

from __future__ import annotations

import pytest
import yaml

from cap_ptce.resources import data_dir
from cap_ptce.validation.legal import ActorFacts, legal_status
from cap_ptce.validation.legal_table import ESS_FAMILIES, legal_table


def status(**facts) -> tuple:
    found = legal_status(ActorFacts(**facts))
    return found.nature, found.family, found.ess_status, found.ess_basis


def test_the_table_names_its_source_and_version():
    source = legal_table().source
    assert source["publisher"] == "INSEE" and source["version"] == "2022-09-01"
    assert source["url"].startswith("https://www.insee.fr/")


def test_every_level_1_and_level_2_code_has_names_and_a_nature():
    data = yaml.safe_load((data_dir("shapes") / "categories-juridiques.yaml").read_text(encoding="utf-8"))
    assert sorted(data["niveau_1"]) == list("123456789")
    for code in data["niveau_2"]:
        category = legal_table().category(code + "00")
        assert category.name["fr"] and category.name["en"] and category.facts.nature, code
    for code, row in data["niveau_3"].items():
        assert code[:2] in data["niveau_2"], code  # every fine code sits under a known level 2
        assert row["fr"] and row["en"], code


@pytest.mark.parametrize(
    ("code", "nature", "family"),
    [
        ("1000", "personne-physique", "autre"),
        ("2900", "sans-personnalite-morale", "autre"),
        ("3120", "droit-prive", "autre"),
        ("3210", "droit-public", "autre"),
        ("4140", "droit-public", "autre"),
        ("5499", "droit-prive", "societe-commerciale"),
        ("5710", "droit-prive", "societe-commerciale"),
        ("5458", "droit-prive", "cooperative"),  # SCOP SARL
        ("5560", "droit-prive", "cooperative"),  # other cooperative SA (a SCIC SA)
        ("5194", "droit-prive", "cooperative"),  # level 2, 51: special commercial cooperatives
        ("6317", "droit-prive", "cooperative"),
        ("6411", "droit-prive", "mutuelle"),
        ("6540", "droit-prive", "autre"),
        ("7210", "droit-public", "autre"),
        ("7346", "droit-public", "autre"),
        ("8210", "droit-prive", "mutuelle"),
        ("8420", "droit-prive", "autre"),
        ("9210", "sans-personnalite-morale", "association"),
        ("9220", "droit-prive", "association"),
        ("9224", "droit-prive", "autre"),
        ("9300", "droit-prive", "fondation"),
        ("9900", "droit-prive", "autre"),
    ],
)
def test_a_code_takes_its_facts_from_its_levels(code, nature, family):
    facts = legal_table().category(code).facts
    assert (facts.nature, facts.family) == (nature, family)


def test_a_code_of_no_level_or_of_the_wrong_form_is_unknown():
    assert legal_table().category("0000") is None and legal_table().category("57") is None
    assert legal_table().category("5050").name["fr"] == "Société commerciale"  # level 1 only


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # the category decides; a missing SIREN says nothing
        (
            {"category": "5710", "kinds": ("entreprise-hors-ess",), "ess": False},
            ("droit-prive", "societe-commerciale", "entreprise-hors-ess", None),
        ),
        (
            {"category": "9220", "kinds": ("association",), "ess": True},
            ("droit-prive", "association", "entreprise-ess", "statut"),
        ),
        # a cooperative kind refines a company category: a SCIC SAS is 5710
        (
            {"category": "5710", "kinds": ("cooperative",), "ess": True},
            ("droit-prive", "cooperative", "entreprise-ess", "statut"),
        ),
        # without a category, the kind; an association is a private-law legal person
        ({"kinds": ("association",)}, ("droit-prive", "association", "entreprise-ess", "statut")),
        ({"kinds": ("collectivite-territoriale",), "ess": True}, ("droit-public", None, "personne-publique", None)),
        ({"kinds": ("habitant",)}, ("personne-physique", None, "hors-champ", None)),
        # a sole proprietor is an enterprise, never an ESS one
        ({"category": "1000", "ess": True}, ("personne-physique", "autre", "entreprise-hors-ess", None)),
        # an ESS family stays ESS whatever "ess" says; the shapes report the contradiction
        ({"category": "5458", "ess": False}, ("droit-prive", "cooperative", "entreprise-ess", "statut")),
        # a company: on evidence, on declaration, or outside
        ({"category": "5499", "evidence": True}, ("droit-prive", "societe-commerciale", "entreprise-ess", "preuve")),
        ({"category": "5499", "ess": True}, ("droit-prive", "societe-commerciale", "entreprise-ess", "declaration")),
        # nothing said: unknown, never "outside"
        ({"category": "5499"}, ("droit-prive", "societe-commerciale", "inconnu", None)),
        ({"kinds": ("entreprise",)}, (None, None, "inconnu", None)),
        ({}, (None, None, "inconnu", None)),
        # "ess: false" on something not known to be an enterprise: unknown
        ({"kinds": ("organisme-recherche",), "ess": False}, (None, None, "inconnu", None)),
        # two declarations that disagree: unknown
        ({"kinds": ("entreprise-hors-ess",), "ess": True}, (None, None, "inconnu", None)),
        # the weaker facts: an RNA number, a legal form in words
        ({"rna": "W802004512"}, ("droit-prive", "association", "entreprise-ess", "statut")),
        ({"legal_form": "SCIC SAS", "ess": True}, ("droit-prive", "cooperative", "entreprise-ess", "statut")),
        ({"legal_form": "Communauté de communes"}, ("droit-public", None, "personne-publique", None)),
    ],
)
def test_the_status_follows_from_the_facts_given(facts, expected):
    assert status(**facts) == expected


def test_the_reason_names_the_fact_that_decided():
    found = legal_status(ActorFacts(category="7210", kinds=("association",)))
    assert found.nature_source.reason["fr"] == "la catégorie juridique 7210 (Commune et commune nouvelle)"
    assert found.kind_contradicts_category
    assert legal_status(ActorFacts(kinds=("association",))).nature_source.reason["en"] == "the kind “association”"


@pytest.mark.parametrize(
    ("kinds", "category", "contradicts"),
    [
        (("association",), "5710", True),
        (("association",), "9230", False),
        (("cooperative",), "5710", False),
        (("cooperative",), "9220", True),
        (("collectivite-territoriale",), "9220", True),
        (("epci",), "7348", False),
        (("entreprise-hors-ess",), "9220", True),
        (("entreprise-hors-ess",), "5458", True),
        (("entreprise-hors-ess",), "5710", False),
        (("societe-commerciale-ess",), "5458", False),
        (("habitant",), "5710", True),
        (("reseau",), "8420", False),
    ],
)
def test_a_kind_that_the_category_denies(kinds, category, contradicts):
    assert legal_status(ActorFacts(category=category, kinds=kinds)).kind_contradicts_category is contradicts


def test_the_decree_roles():
    def role(**facts):
        return legal_status(ActorFacts(**facts)).article9

    assert role(category="7346") == role(kinds=("epci",)) == "collectivite"
    assert role(category="7383") == role(kinds=("organisme-formation",)) == "recherche-formation"
    assert role(category="9220", kinds=("association",)) == "aucun"
    assert role(kinds=("reseau",)) == "aucun"
    assert role() is None  # nothing said


def test_the_ess_families_are_the_four_of_article_1():
    assert ESS_FAMILIES == {"association", "cooperative", "mutuelle", "fondation"}


@pytest.mark.parametrize(
    ("form", "category", "contradicts"),
    [
        ("Association loi 1901", "5499", True),
        ("Association loi 1901", "9220", False),
        ("Association syndicale autorisée", "7321", False),  # a public body, not a 1901 association
        ("Association syndicale libre", "9150", False),
        ("SCIC SAS", "5710", False),
        ("SCOP SARL", "5458", False),
        ("SARL", "5458", False),
        ("SARL", "9220", True),
        ("SAS", "5710", False),
        ("Coopérative", "9300", True),
        ("Fondation", "9300", False),
        ("Mutuelle", "8210", False),
        ("Commune", "7210", False),
        ("Commune", "5499", True),
        ("Communauté d'agglomération", "7348", False),
        ("Groupement d'employeurs", "5499", False),  # words that say nothing are not checked
    ],
)
def test_a_written_legal_form_that_the_category_denies(form, category, contradicts):
    assert legal_status(ActorFacts(category=category, legal_form=form)).form_contradicts_category is contradicts


def test_the_nomenclature_holds_every_code_of_the_table_and_no_code_of_no_level_2():
    data = yaml.safe_load((data_dir("shapes") / "categories-juridiques.yaml").read_text(encoding="utf-8"))
    codes = data["codes"].split()
    assert len(codes) == len(set(codes)) > 250 and codes == sorted(codes)
    assert set(data["niveau_3"]) <= set(codes)
    assert {code[:2] for code in codes} == set(data["niveau_2"])
    table = legal_table()
    assert table.in_nomenclature("5499") and table.in_nomenclature("9220") and not table.in_nomenclature("5490")
    assert legal_status(ActorFacts(category="5490")).category_outside_nomenclature
    assert not legal_status(ActorFacts(category="5499")).category_outside_nomenclature
