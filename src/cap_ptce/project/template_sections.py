"""The YAML of each grid entry in the template of ``cap-ptce new``, key by key.

``TEMPLATE_SECTIONS[entry id][key]`` is the text of one key of the project
(its sub-keys included); :mod:`cap_ptce.project.template` writes them in the
format's order, each question's free text after its keys. In the texts, ``{P}``
is the placeholder, ``{c:scheme}`` the list of a scheme's concepts, ``{t:word}``
a word of the message catalogue (area ``template``) and ``{d}`` the public
schemes. Blocks of lists are examples in comments (see the module above); a
test loads every one of them with its ``#`` removed.
"""

from __future__ import annotations

__all__ = ["TEMPLATE_SECTIONS"]

TEMPLATE_SECTIONS: dict[str, dict[str, str] | str] = {
    "structure-porteuse": {
        "structure_porteuse": """\
structure_porteuse:
  portage: ""                       # {c:portages}
  porteurs: []                      # {t:carriers}
  convention:                       # {t:agreement}
    # date: ""                      # {t:date}
    # signataires: []               # {t:signatories}
    # nombre_signataires: ""        # {t:count}
  experience_cooperation: ""
  cooperations_engagees: []
""",
    },
    "objectifs-vision-strategique": {
        "strategie_commune": 'strategie_commune: "{P}"         # {t:strategy}\n',
        "objectifs": "objectifs: []\n",
        "constats": """\
constats:                           # {t:example_block}
  # - texte: ""
  #   sources: []
  #   partage: oui                  # {t:yes_no}
""",
        "axes": "axes: []                            # {c:axes-thematiques}\n",
        "autres_axes": "autres_axes: []                     # {t:other_axes}\n",
        "identification_axes": 'identification_axes: ""\n',
    },
    "acteurs-impliques": {
        "acteurs": """\
acteurs:                            # {t:example_block}
  # - id: structure-porteuse        # {t:slug}
  #   nom: ""
  #   relation: membre              # {t:relation}
  #   type: association             # {c:types-acteurs} — {t:several}
  #   type_autre: ""                # {t:other}
  #   ess: oui                      # {t:ess}
  #   agrement_esus: non            # {t:esus}
  #   statuts_ess: non              # {t:statutes}
  #   siren: ""                     # {t:siren}
  #   siret: ""                     # {t:siret}
  #   rna: ""                       # {t:rna}
  #   forme_juridique: ""
  #   categorie_juridique: ""       # {t:category}
  #   commune: ""                   # {t:commune}
  #   site_web: ""
  #   competences: []
  #   roles: []
  #   depuis: ""                    # {t:member_since}
  #   chiffres:
  #     - indicateur: emplois       # {c:indicateurs}
  #       valeur: ""                # {t:figure}
  #       annee: ""                 # {t:year}
  #       source: ""                # {t:source}
""",
        "groupes": """\
groupes:                            # {t:groups}
  # - id: college-salaries          # {t:slug}
  #   nom: ""
  #   type: college                 # {c:types-groupes}
  #   relation: membre              # {t:relation}
  #   nombre_membres: ""            # {t:head_count}
  #   majoritairement_ess: non      # {t:mostly_ess}
  #   membres: []                   # {t:actor_ids}
  #   personne_morale: ""           # {t:group_actor}
  #   au_sein_de: ""                # {t:within}
""",
    },
    "mode-gouvernance": {
        "gouvernance": """\
gouvernance:
  formes: []                        # {c:formes-gouvernance}
  formes_autre: ""                  # {t:other}
  instances:                        # {t:example_block}
    # - nom: ""
    #   type: instances-pilotage    # {c:espaces-implication}
    #   frequence: trimestrielle    # hebdomadaire, bimensuelle, mensuelle, bimestrielle, trimestrielle, semestrielle, annuelle, irreguliere
    #   participants: []            # {t:actor_ids}
    #   autres_participants: []
""",
    },
    "perimetre-ancrage-territorial": {
        "territoire": """\
territoire:
  nom: ""
  description: ""
  communes: []                      # {t:communes}
  epci: []                          # {t:epci}
  departements: []                  # ["80", "60"]
  regions: []                       # ["32"]
  parties:                          # {t:parts}
    # - departement: "60"
    #   description: ""
  qpv: []                           # {t:qpv}
  petr: []                          # {t:petr}
  population: ""                    # {t:population}
  atouts: []
  faiblesses: []
  ressources: []
  evolutions:                       # {t:changes}
    # - annee: ""                   # {t:year}
    #   description: ""
    #   communes: []
""",
    },
    "plan-actions": {
        "actions": """\
actions:                            # {t:example_block}
  # - nom: ""
  #   description: ""
  #   stade: idee                   # {c:stades-action}
  #   axes: []
  #   debut: ""                     # {t:date}
  #   fin: ""
  #   porteurs: []                  # {t:actor_ids}
""",
    },
    "implication-membres": {
        "implications": """\
implications:                       # {t:example_block}
  # - membre: ""                    # {t:actor}
  #   formes: []                    # {c:formes-implication}
  #   description: ""
  #   etp: ""                       # 0,5
  #   montant: ""                   # {t:euros}
""",
    },
    "politiques-publiques": {
        "effets_attendus": "effets_attendus: []\n",
        "dispositifs": """\
dispositifs:                        # {t:example_block}
  # - dispositif: pat               # {d} — {t:other_scheme}
  #   nom: ""
  #   description: ""
""",
    },
    "financement-previsionnel": {
        "coordination": """\
coordination:                       # {t:example_block}
  # - nom: ""
  #   fonctions: []                 # {c:fonctions-coordination}
  #   statut: salariee              # {c:statuts-ressources}
  #   etp: ""                       # 0,5
  #   valorisation: creation-poste  # {c:valorisation-postes}
  #   employeur: ""                 # {t:actor}
""",
        "financements": """\
financements:                       # {t:example_block}
  # - financeur: ""
  #   type_financeur: region        # {c:types-financeurs}
  #   montant: ""                   # {t:euros}
  #   nature: fonctionnement        # {c:natures-depenses}
  #   statut: activable             # {c:statuts-financement}
""",
    },
    "faits": """\
chiffres:                           # {t:example_block}
  # - indicateur: etp               # {c:indicateurs}
  #   valeur: ""                    # {t:figure}
  #   annee: ""                     # {t:year}
  #   source: ""                    # {t:source}
reconnaissances:                    # {t:example_block}
  # - type: selection-etat          # {c:reconnaissances}
  #   appel: ami-ptce-2021          # {c:appels}
  #   phase: 1
  #   annee: ""                     # {t:year}
poles_lies: []                      # {t:poles}
sources: []                         # {t:source}
""",
}
