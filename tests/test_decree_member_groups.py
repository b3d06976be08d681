"""A group of members and the décret's third kind of member (a local authority, research or training body).

Reported by a carrier: with the town and the agglomeration as partners, the members left were an association,
an enterprise and a group "Entreprises hébergées…" of enterprises mostly outside the ESS; the report said
"✔ Conforme — 0 avertissement", and removing the group brought back the décret's warning. The group was counted
as possibly the local authority or training body, though its description says it is enterprises. Now a group
that its description gives as enterprises (``majoritairement_ess``, or a kind defined as enterprises:
``groupement``, ``grappe``, ``federation``) is not that member; a group that is a legal person of its own is what
that person is; and a group whose make-up is not given may be it, which an information says, with the facts that
would settle it, instead of silence.
"""

from __future__ import annotations

import re

import pytest

from cap_ptce.grid import load_grid
from cap_ptce.validation import validate_file
from cap_ptce.validation.legal_table import legal_table
from test_checks_v2 import actor, shapes, validated
from valid_description import line_of

WARNING, INFORMATION = "EligibilityPublicOrKnowledgeActor", "GroupArticle9RoleUnknown"
HOSTED = {"id": "hebergees", "nom": "Entreprises hébergées au tiers-lieu", "nombre_membres": 12}


def with_group(group: dict, authority_as_partner: bool = True):
    """The base with ``group`` among its members and, as the carrier had it, the agglomeration only a partner."""

    def change(data: dict) -> None:
        if authority_as_partner:
            actor(data, "agglo-essai").update(relation="partenaire")
        data.setdefault("groupes", []).append(dict(group))

    return change


GROUPS_OF_ENTERPRISES = {
    "mostly-outside-the-ess": {**HOSTED, "type": "groupement", "majoritairement_ess": False},
    "mostly-outside-the-ess-of-no-kind": {**HOSTED, "majoritairement_ess": False},
    "mostly-in-the-ess": {**HOSTED, "type": "reseau", "majoritairement_ess": True},
    "a-grouping-of-enterprises": {**HOSTED, "type": "groupement"},
    "a-cluster-of-firms": {**HOSTED, "type": "grappe"},
    "a-federation-of-enterprises": {**HOSTED, "type": "federation"},
    # a group that is a legal person of its own is that person: here the association, which is none of them
    "a-network-that-is-the-association": {**HOSTED, "type": "reseau", "personne_morale": "asso-essai"},
}
GROUPS_OF_UNKNOWN_MAKE_UP = {
    "no-kind": dict(HOSTED),
    "a-network": {**HOSTED, "type": "reseau"},
    "a-college": {**HOSTED, "type": "college", "au_sein_de": "coop-essai"},
}


@pytest.mark.parametrize("name", sorted(GROUPS_OF_ENTERPRISES))
def test_a_group_of_enterprises_does_not_hide_the_missing_authority_or_training_body(name, tmp_path):
    path, report = validated(tmp_path, with_group(GROUPS_OF_ENTERPRISES[name]))
    assert shapes(report) == [WARNING] and report.conforms
    [result] = report.results
    assert result.severity == "warning" and "Aucune collectivité" in result.message


def test_the_carriers_case_gets_the_warning_it_had_without_the_group(tmp_path):
    _path, alone = validated(tmp_path, lambda data: actor(data, "agglo-essai").update(relation="partenaire"), "seul")
    _path, grouped = validated(tmp_path, with_group(GROUPS_OF_ENTERPRISES["mostly-outside-the-ess"]), "groupe")
    assert shapes(alone) == [WARNING]
    assert [r.message for r in grouped.results] == [r.message for r in alone.results]


@pytest.mark.parametrize("name", sorted(GROUPS_OF_UNKNOWN_MAKE_UP))
def test_a_group_of_unknown_make_up_is_named_with_the_facts_that_would_settle_it(name, tmp_path):
    path, report = validated(tmp_path, with_group(GROUPS_OF_UNKNOWN_MAKE_UP[name]))
    # it may be the local authority or training body: no warning, but not silence either
    assert shapes(report) == [INFORMATION] and report.conforms
    [result] = report.results
    assert result.severity == "info" and result.entry == "acteurs-impliques" and result.question == "q07"
    assert result.line == line_of(path, "id: hebergees")
    message = result.message
    assert message.startswith("Entreprises hébergées au tiers-lieu : on ne sait pas de quels membres ce groupe")
    assert "aucun membre n'est une collectivité" in message and "décret n° 2015-431 du 15 avril 2015" in message
    assert "« majoritairement_ess »" in message and "« acteurs »" in message


def test_the_information_speaks_english_too(tmp_path):
    path, _report = validated(tmp_path, with_group(GROUPS_OF_UNKNOWN_MAKE_UP["no-kind"]))
    [result] = validate_file(path, lang="en").results
    assert result.message.startswith("Entreprises hébergées au tiers-lieu: what members this group is made of")
    assert "decree no. 2015-431 of 15 April 2015" in result.message


def test_a_known_authority_among_the_members_leaves_nothing_to_settle(tmp_path):
    for name, group in {**GROUPS_OF_UNKNOWN_MAKE_UP, **GROUPS_OF_ENTERPRISES}.items():
        _path, report = validated(tmp_path, with_group(group, authority_as_partner=False), name)
        assert report.results == (), (name, [(r.shape, r.message) for r in report.results])


def test_a_partner_group_says_nothing(tmp_path):
    _path, report = validated(tmp_path, with_group({**HOSTED, "relation": "partenaire"}))
    assert shapes(report) == [WARNING]


def test_the_groups_of_enterprises_are_the_kinds_the_vocabulary_defines_as_enterprises():
    """One source: the table names the kinds of groups whose definition (grille/vocabulaires.yaml) is enterprises."""
    concepts = load_grid().scheme("types-groupes").concepts
    defined = {c.id for c in concepts if re.search(r"\bentreprises\b", c.definition.fr)}
    assert legal_table().enterprise_groups == defined == {"groupement", "grappe", "federation"}


# For tests/test_message_claims.py, which reads each message against its description.
FAULTS = {
    **{f"group-{name}": with_group(group) for name, group in GROUPS_OF_ENTERPRISES.items()},
    **{f"group-{name}": with_group(group) for name, group in GROUPS_OF_UNKNOWN_MAKE_UP.items()},
}
