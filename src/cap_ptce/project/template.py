"""The ready-to-fill description that ``cap-ptce new`` writes, generated from the grid (format version 2).

Each entry of the grid opens a section: its questions as comments, in the
future tense for an emerging project, with their examples and the keys that
answer them; then the entry's keys, empty, with the values they take; then,
for each question, its free text (``q01: ""``), optional where keys answer the
question and required where none does. Lists of blocks (actors, actions…)
show one example block as comments, to copy without the ``#``: an example
that loaded would answer its question before the carrier wrote anything.

Placeholders are texts that start with :data:`PLACEHOLDERS` (``À COMPLÉTER``
or ``TO COMPLETE``), kept for the few texts that no question asks for (the
name, the description, the common strategy); the template loads as it is,
and ``cap-ptce validate`` then reports every unanswered question.
"""

from __future__ import annotations

import re

from .. import i18n
from ..errors import ParameterError
from ..grid import Entry, Grid, Question, load_grid
from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from .schema import SECTIONS, Kind
from .template_sections import TEMPLATE_SECTIONS

__all__ = ["template", "PLACEHOLDERS", "is_placeholder", "strip_placeholders", "MATURITIES", "question_text"]

MATURITIES = ("emergent", "etabli")
PLACEHOLDERS = i18n.texts("template.placeholder")


def template(maturite: str = "emergent", lang: str = DEFAULT_LANGUAGE, grid: Grid | None = None) -> str:
    """The YAML text of a ready-to-fill description."""
    if maturite not in MATURITIES:
        raise ParameterError(
            f"maturité inconnue / unknown maturity {maturite!r}", key="maturite", hint="emergent ou / or etabli"
        )
    if lang not in LANGUAGES:
        raise ParameterError(f"langue inconnue / unknown language {lang!r}", key="lang", hint="fr ou / or en")
    grid = grid or load_grid()
    parts = [_header(grid, maturite, lang), _identity(maturite, lang)]
    for entry in grid.entries:
        parts.append(_comment_block(_entry_comments(entry, grid, maturite, lang)))
        parts.append(_section(entry.id, grid, lang))
    parts.append(_comment_block([_words(lang)["facts_title"], *_words(lang)["facts_hint"].splitlines()]))
    parts.append(_fill(TEMPLATE_SECTIONS["faits"], grid, lang))
    return "\n".join(parts)


def _header(grid: Grid, maturite: str, lang: str) -> str:
    words = _words(lang)
    tense = words["future"] if maturite == "emergent" else words["present"]
    lines = [
        words["title"].format(version=grid.version),
        *words["how"].format(p=PLACEHOLDERS[lang]).splitlines(),
        words["tense"].format(m=_maturity_label(grid, maturite, lang), t=tense),
        *words["once"].splitlines(),
    ]
    return _comment_block(lines)


def _identity(maturite: str, lang: str) -> str:
    placeholder = PLACEHOLDERS[lang]
    words = _words(lang)
    return (
        f"format: 2                           # {words['format']}\n"
        f"id: mon-ptce                        # {words['slug']}\n"
        f'nom: "{placeholder}"\n'
        f'description: "{placeholder}"\n'
        f"maturite: {maturite}                 # {', '.join(MATURITIES)}\n"
        f'site_web: ""\n'
        f'courriel: ""\n'
        f'date_creation: ""                   # {words["date_span"]}\n'
    )


def question_text(question: Question, maturite: str, lang: str) -> str:
    """The question in the tense that the maturity calls for."""
    return question.wording(lang, future=maturite == "emergent")


def _entry_comments(entry: Entry, grid: Grid, maturite: str, lang: str) -> list[str]:
    words = _words(lang)
    colon = " :" if lang == "fr" else ":"
    separator = " ; " if lang == "fr" else "; "
    lines = [words["entry"].format(n=entry.position, label=entry.label.get(lang))]
    for question in entry.questions:
        lines.append(f"{question.id.upper()}. {question_text(question, maturite, lang)}")
        examples = [example.label.get(lang) for example in question.examples]
        if examples:
            ending = " …" if question.open_list else ""
            lines.append(f"     {words['examples']}{colon} " + separator.join(examples) + ending)
        if question.fields:
            lines.append(f"     {words['answered_by']}{colon} " + ", ".join(question.fields))
        else:
            lines.append(f"     {words['words_only'].format(n=question.id)}")
    return lines


def _section(entry_id: str, grid: Grid, lang: str) -> str:
    """The entry's keys, then the free text of each of its questions, in the format's order."""
    fields = dict(SECTIONS)[entry_id]
    blocks = TEMPLATE_SECTIONS[entry_id]
    out = []
    for spec_field in fields:
        if spec_field.kind == Kind.ANSWER:
            out.append(_answer_line(grid.question(spec_field.arg), lang))
        else:
            out.append(_fill(blocks[spec_field.key], grid, lang))
    return "".join(out)


def _answer_line(question: Question, lang: str) -> str:
    words = _words(lang)
    hint = words["answer_optional"] if question.fields else words["answer_required"]
    return f'{question.id}: ""'.ljust(36) + f"# {hint}\n"


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
