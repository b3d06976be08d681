"""Web area ``dossier``: ``POST /dossier`` turns a description sent from the validator or the editor into its dossier.

The form carries the description (``texte`` and ``nom``, or an uploaded
``fichier``), the ``format`` (``html``, ``pdf`` or ``md``), the ``lang`` and
``comparaison`` (``oui``, the default, or ``non``) and ``mots`` (``fichier``, the
default, or ``formulaire``: the checks' messages in the editor's words, its
fields for the file's keys, as the editor's last step gives them). The answer is a download;
nothing is kept. Unless ``comparaison=non``, the annex sets the pole against the
projects of this app's knowledge base.
"""

from __future__ import annotations

from flask import Blueprint, Response, g

from ..dossier.build import dossier_bytes
from ..dossier.compare import profile_of_graph, standing_of
from ..dossier.render import DOSSIER_FORMATS, MEDIA_TYPES
from ..errors import ParameterError
from ..i18n import LANGUAGES
from ..validation import Unreadable
from .cache import dossier_turn, pdf_in_own_process
from .editor import in_form_report
from .headers import set_download_name
from .i18n import current_lang
from .site import get_site
from .submission import form_fields, read_submission
from .validator import DOSSIER_ROUTE, check_submission

__all__ = ["bp"]

bp = Blueprint("dossier", __name__)


@bp.post(DOSSIER_ROUTE)
def make_dossier() -> Response:
    """The dossier of the description sent, as a download in the format asked for."""
    form = form_fields()[0]
    if form.get("lang") in LANGUAGES:
        g.lang = form["lang"]
    lang = current_lang()
    fmt = form.get("format", "html")
    if fmt not in DOSSIER_FORMATS:
        raise ParameterError(
            f"format de dossier inconnu / unknown dossier format {_quoted(fmt)}",
            key="format",
            hint=f"au choix / one of: {', '.join(DOSSIER_FORMATS)}",
        )
    form_words, comparison = _in_form_words(form), _with_comparison(form)  # checked before the description is read
    # in a turn of the dossiers' own, before the description is read and checked: the largest one a list allows
    # takes 1.4 s to check and 0.6 s to lay out, then 13 s and 500 MB for its PDF (in a process of its own)
    return dossier_turn(lambda: _dossier(fmt, lang, form_words=form_words, comparison=comparison))


def _dossier(fmt: str, lang: str, *, form_words: bool, comparison: bool) -> Response:
    submission = read_submission()
    description, report = check_submission(submission, lang)
    if isinstance(report, Unreadable):
        raise report.error
    if form_words:
        report = in_form_report(report, submission.text or "", description.data, lang)
    standing = None
    if comparison:
        profile = profile_of_graph(description.graph, completeness=report.completeness.ratio)
        standing = standing_of(profile, get_site().corpus_profiles, lang, real_only=True)
    body = dossier_bytes(
        description, fmt, lang, report=report, standing=standing, text=submission.text, pdf=pdf_in_own_process
    )
    response = Response(body, mimetype=MEDIA_TYPES[fmt])
    stem = (description.data.get("id") or "dossier").strip() or "dossier"
    return set_download_name(response, f"{stem}-dossier.{fmt}")


def _with_comparison(form) -> bool:
    """``comparaison``: oui (the default) or non, which leaves the comparison with the other poles out."""
    words = {"oui": True, "yes": True, "non": False, "no": False}
    return _choice(form, "comparaison", words, "valeur de comparaison inconnue / unknown comparison value")


def _in_form_words(form) -> bool:
    """``mots``: fichier (the default: the file's keys, as the command says them) or formulaire (the editor's fields)."""
    words = {"fichier": False, "file": False, "formulaire": True, "form": True}
    return _choice(form, "mots", words, "mots inconnus / unknown words")


def _choice(form, key: str, words: dict[str, bool], unknown: str) -> bool:
    """The form's ``key``: one of ``words`` in any case, the first when it is not sent; a ParameterError else."""
    (
        first,
        *_,
    ) = words
    value = (form.get(key) or first).strip().lower()
    if value not in words:
        french = " ou ".join(list(words)[0::2])  # the French words: each English one follows its own
        raise ParameterError(
            f"{unknown} {_quoted(value)}", key=key, hint=f"{french} / {french.replace(' ou ', ' or ')}"
        )
    return words[value]


def _quoted(value: str, most: int = 40) -> str:
    """A value sent, quoted in an error as far as ``most`` characters: what was sent, never all of it sent back."""
    return repr(value if len(value) <= most else value[: most - 1] + "…")
