"""The ready-to-fill description that ``cap-ptce new`` writes, generated from the grid.

Each entry of the grid opens a section: its questions as comments, in the
future tense for an emerging project, with their examples as hints, then the
structured keys of that entry with placeholder values. ``reponses:`` closes
the file with an empty answer for each of the 18 questions.

Placeholders are texts that start with :data:`PLACEHOLDERS` (``À COMPLÉTER``
or ``TO COMPLETE``), so that a tool or a test can find what is left to fill;
the template loads as it is, and ``cap-ptce validate`` then reports every
question without an answer.
"""

from __future__ import annotations

import re

from .. import i18n
from ..errors import ParameterError
from ..grid import Grid, Question, load_grid
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["template", "PLACEHOLDERS", "is_placeholder", "strip_placeholders", "MATURITIES"]

MATURITIES = ("emergent", "etabli")
PLACEHOLDERS = i18n.texts("template.placeholder")

# The structured keys of each entry, with placeholder values; {P} is the placeholder,
# {c:scheme} the list of a scheme's concepts.
_SECTIONS = {
    "structure-porteuse": """\
structure_porteuse:
  acteur: structure-porteuse        # {t:actor}
  experience_cooperation: "{P}"
  cooperations_engagees: ["{P}"]
""",
    "objectifs-vision-strategique": """\
strategie_commune: "{P}"
objectifs: ["{P}"]
constats:
  - texte: "{P}"
    sources: ["{P}"]
    partage: true
axes: []                            # {c:axes-thematiques}
autres_axes: []
identification_axes: "{P}"
""",
    "acteurs-impliques": """\
acteurs:
  - id: structure-porteuse
    nom: "{P}"
    type: association               # {c:types-acteurs}
    ess: true
    siren: ""                       # {t:siren}
    siret: ""                       # {t:siret}
    forme_juridique: "{P}"
    categorie_juridique: ""         # {t:category}
    commune: ""                     # {t:commune}
    competences: ["{P}"]
    roles: ["Structure porteuse"]
  - id: entreprise-partenaire
    nom: "{P}"
    type: entreprise-hors-ess
    ess: false
    siren: ""
    competences: ["{P}"]
    roles: ["{P}"]
  - id: collectivite-partenaire
    nom: "{P}"
    type: epci
    ess: false
    siren: ""
    roles: ["{P}"]
""",
    "mode-gouvernance": """\
gouvernance:
  formes: []                        # {c:formes-gouvernance}
  instances:
    - nom: "{P}"
      type: instances-pilotage      # {c:espaces-implication}
      frequence: trimestrielle      # hebdomadaire, bimensuelle, mensuelle, bimestrielle, trimestrielle, semestrielle, annuelle, irreguliere
      participants: [collectivite-partenaire, entreprise-partenaire, structure-porteuse]
      autres_participants: []
""",
    "perimetre-ancrage-territorial": """\
territoire:
  nom: "{P}"
  description: "{P}"
  communes: []                      # {t:communes}
  epci: []                          # {t:epci}
  departements: []                  # ["80"]
  regions: []                       # ["32"]
  atouts: ["{P}"]
  faiblesses: ["{P}"]
  ressources: ["{P}"]
""",
    "plan-actions": """\
actions:
  - nom: "{P}"
    description: "{P}"
    stade: idee                     # {c:stades-action}
    axes: []
    debut: ""                       # {t:date}
    fin: ""
    porteurs: [structure-porteuse]
""",
    "implication-membres": """\
implications:
  - membre: entreprise-partenaire
    formes: []                      # {c:formes-implication}
    description: "{P}"
""",
    "politiques-publiques": """\
effets_attendus: ["{P}"]
dispositifs:
  - dispositif: pat                 # {d} — {t:other_scheme}
    nom: "{P}"
    description: "{P}"
""",
    "financement-previsionnel": """\
coordination:
  - nom: "{P}"
    fonctions: []                   # {c:fonctions-coordination}
    statut: salariee                # {c:statuts-ressources}
    etp: 0.5
    valorisation: creation-poste    # {c:valorisation-postes}
    employeur: structure-porteuse
financements:
  - financeur: "{P}"
    type_financeur: public          # {c:types-financeurs}
    montant: 0                      # {t:euros}
    nature: fonctionnement          # {c:natures-depenses}
    statut: activable               # {c:statuts-financement}
""",
}


def template(maturite: str = "emergent", lang: str = DEFAULT_LANGUAGE, grid: Grid | None = None) -> str:
    """The YAML text of a ready-to-fill description."""
    if maturite not in MATURITIES:
        raise ParameterError(
            f"maturité inconnue / unknown maturity {maturite!r}", key="maturite", hint="emergent ou / or etabli"
        )
    if lang not in LANGUAGES:
        raise ParameterError(f"langue inconnue / unknown language {lang!r}", key="lang", hint="fr ou / or en")
    grid = grid or load_grid()
    words = _words(lang)
    parts = [_header(grid, maturite, lang), _identity(maturite, lang)]
    for entry in grid.entries:
        parts.append(_comment_block(_entry_comments(entry, grid, maturite, lang)))
        parts.append(_fill(_SECTIONS[entry.id], grid, lang))
    parts.append(_comment_block([words["answers"], words["answer_hint"]]))
    parts.append(_answers(grid, maturite, lang))
    return "\n".join(parts)


def _header(grid: Grid, maturite: str, lang: str) -> str:
    words = _words(lang)
    tense = words["future"] if maturite == "emergent" else words["present"]
    lines = [
        words["title"].format(version=grid.version),
        *words["how"].format(p=PLACEHOLDERS[lang]).splitlines(),
        words["tense"].format(m=_maturity_label(grid, maturite, lang), t=tense),
    ]
    return _comment_block(lines)


def _identity(maturite: str, lang: str) -> str:
    placeholder = PLACEHOLDERS[lang]
    words = _words(lang)
    return (
        f"id: mon-ptce                        # {words['slug']}\n"
        f'nom: "{placeholder}"\n'
        f'description: "{placeholder}"\n'
        f"maturite: {maturite}                 # {', '.join(MATURITIES)}\n"
        f'site_web: ""\n'
        f'courriel: ""\n'
        f'date_creation: ""\n'
    )


def question_text(question: Question, maturite: str, lang: str) -> str:
    """The question in the tense that the maturity calls for."""
    return question.wording(lang, future=maturite == "emergent")


def _entry_comments(entry, grid: Grid, maturite: str, lang: str) -> list[str]:
    words = _words(lang)
    lines = [words["entry"].format(n=entry.position, label=entry.label.get(lang))]
    for question in entry.questions:
        lines.append(f"{question.id.upper()}. {question_text(question, maturite, lang)}")
        examples = [example.label.get(lang) for example in question.examples]
        if examples:
            ending = " …" if question.open_list else ""
            lines.append(
                f"     {words['examples']} : " + " ; ".join(examples) + ending
                if lang == "fr"
                else f"     {words['examples']}: " + "; ".join(examples) + ending
            )
    return lines


def _comment_block(lines: list[str]) -> str:
    rule = "# " + "-" * 76
    return "\n".join([rule, *(f"# {line}".rstrip() for line in lines), rule])


def _fill(section: str, grid: Grid, lang: str) -> str:
    words = _words(lang)

    def concepts(match: re.Match) -> str:
        return f"{words['choose']} " + ", ".join(c.id for c in grid.scheme(match.group(1)).concepts)

    text = re.sub(r"\{c:([a-z-]+)\}", concepts, section)
    text = re.sub(r"\{t:([a-z_]+)\}", lambda m: words[m.group(1)], text)
    text = text.replace("{d}", f"{words['choose']} " + ", ".join(p.id for p in grid.public_schemes))
    return text.replace("{P}", PLACEHOLDERS[lang])


def _answers(grid: Grid, maturite: str, lang: str) -> str:
    lines = ["reponses:"]
    for question in grid.questions:
        lines.append(f"  # {question.id.upper()}. {question_text(question, maturite, lang)}")
        lines.append(f'  {question.id}: ""')
    return "\n".join(lines) + "\n"


def is_placeholder(value: object) -> bool:
    """True for a template value that is still a placeholder."""
    return isinstance(value, str) and value.startswith(tuple(PLACEHOLDERS.values()))


def strip_placeholders(text: str) -> str:
    """The template text with every placeholder value emptied (an empty value counts as absent)."""
    pattern = "|".join(re.escape(p) for p in PLACEHOLDERS.values())
    text = re.sub(rf'"(?:{pattern})[^"]*"', '""', text)
    return text.replace('[""]', "[]")


def _maturity_label(grid: Grid, maturite: str, lang: str) -> str:
    label = grid.scheme("maturites").concept(maturite).label.get(lang)
    return label.lower() if lang == "fr" else label


def _words(lang: str) -> dict[str, str]:
    """The template's wording in ``lang`` (message catalogue, area ``template``)."""
    return i18n.words("template", lang)
