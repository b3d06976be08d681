"""Web area ``validator``: check a description in the browser (``/valider``, ``/validate`` in English).

A carrier uploads or pastes a description (YAML, Turtle, JSON-LD) and gets the
report grouped by grid entry, with the lines of the file around each result,
the completeness per entry as a chart, and downloads: the report (JSON, Turtle,
HTML), the dossier, a blank template. ``POST`` with ``Accept: application/json``
answers ``cap-ptce validate --format json``'s structure. Nothing is stored:
each download sends the description again, from a hidden field of the page.
The page works without JavaScript and needs no session, so there is no state
to protect from cross-site requests.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup

from ..dossier.checks import SEVERITY_SYMBOLS, completeness_svg, result_groups
from ..errors import InputError, ParameterError
from ..grid import load_grid
from ..project import Description, load_description
from ..project.template import MATURITIES, template
from ..validation import Unreadable, validate_description
from ..validation.render import render
from ..validation.report import GENERAL
from . import links
from .cache import check_turn
from .headers import set_download_name
from .i18n import route_lang
from .submission import Submission, form_fields, limit_megabytes, read_submission

__all__ = ["bp", "ROUTES", "check_submission"]

bp = Blueprint("validator", __name__)

# The page's path in each language; each is the other's language switch.
ROUTES = {"fr": "/valider", "en": "/validate"}
TEMPLATE_ROUTES = {"fr": "/valider/modele.yaml", "en": "/validate/template.yaml"}
DOSSIER_ROUTE = "/dossier"
# Report downloads: the form's value -> (renderer's format, media type, file suffix).
_REPORT_DOWNLOADS = {
    "json": ("json", "application/json", "json"),
    "turtle": ("turtle", "text/turtle", "ttl"),
    "html": ("html", "text/html", "html"),
}


def check_submission(submission: Submission, lang: str) -> tuple[Description | None, object]:
    """Load and validate a submission: (description, Report), or (None, Unreadable) when it cannot be read."""
    try:
        description = load_description(submission.content, source=submission.name, format=submission.format)
    except InputError as exc:
        return None, Unreadable(submission.name, exc, lang)
    return description, validate_description(description, lang=lang)


@bp.get(ROUTES["fr"])
@bp.get(ROUTES["en"])
def form() -> str:
    """The empty form."""
    lang = route_lang(ROUTES)
    return _page(lang)


@bp.post(ROUTES["fr"])
@bp.post(ROUTES["en"])
def check() -> Response | str:
    """Validate what was sent: the report as a page, as JSON (by ``Accept``), or as a download; in one of the
    checks' turns (CHECKS)."""
    return check_turn(lambda: _check(route_lang(ROUTES)))


def _check(lang: str) -> Response | str:
    try:
        submission = read_submission()
    except InputError as exc:  # nothing sent: said on the form itself, where the visitor is
        if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
            raise
        return Response(_page(lang, nothing=exc), status=400, mimetype="text/html")
    description, report = check_submission(submission, lang)
    wanted = form_fields()[0].get("rapport")
    if wanted is not None:
        return _download(report, wanted)
    status = 400 if isinstance(report, Unreadable) else 200  # what was sent cannot be read: the sender's to fix
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return Response(render([report], "json"), status=status, mimetype="application/json")
    page = _page(lang, submission=submission, description=description, report=report)
    return Response(page, status=status, mimetype="text/html")


@bp.get(TEMPLATE_ROUTES["fr"])
@bp.get(TEMPLATE_ROUTES["en"])
def blank_template() -> Response:
    """A blank description to fill in (``?maturite=emergent|etabli``), in the route's language."""
    lang = route_lang(ROUTES)
    maturity = request.args.get("maturite", "emergent")
    if maturity not in MATURITIES:
        raise ParameterError(
            f"maturité inconnue / unknown maturity {maturity!r}", key="maturite", hint="emergent ou / or etabli"
        )
    name = "mon-ptce.yaml" if lang == "fr" else "my-ptce.yaml"
    return _attachment(template(maturity, lang), "application/yaml", name)


def _download(report, wanted: str) -> Response:
    if wanted not in _REPORT_DOWNLOADS:
        raise ParameterError(
            f"forme de rapport inconnue / unknown report form {wanted!r}",
            key="rapport",
            hint=f"au choix / one of: {', '.join(_REPORT_DOWNLOADS)}",
        )
    fmt, media_type, suffix = _REPORT_DOWNLOADS[wanted]
    stem = report.source.rsplit(".", 1)[0] or "description"
    return _attachment(render([report], fmt), media_type, f"{stem}-rapport.{suffix}")


def _attachment(text: str, media_type: str, filename: str) -> Response:
    return set_download_name(Response(text, mimetype=media_type), filename)


def _page(
    lang: str, *, submission: Submission | None = None, description=None, report=None, nothing: InputError | None = None
) -> str:
    context = {
        "routes": ROUTES,
        "limit_mb": limit_megabytes(),
        "switch_url": _switch(lang),
        "maturities": MATURITIES,
        "template_route": TEMPLATE_ROUTES[lang],
        "dossier_route": DOSSIER_ROUTE,
        **grid_links(lang),
    }
    if report is not None:
        context.update(_report_context(submission, description, report, lang))
    # what was pasted comes back in the form, to be corrected where the report says (nothing is kept server-side);
    # and when nothing was checked (a file and a text sent together), the text typed, not lost
    context["pasted"] = (submission.text or "") if submission is not None and submission.pasted else ""
    if nothing is not None:
        context["pasted"] = _typed_text()
    context["nothing"] = nothing
    return render_template("validator.html", **context)


def _typed_text() -> str:
    """The text box's content as the form sent it, or "" when the form itself could not be read."""
    try:
        return form_fields()[0].get("texte", "")
    except InputError:
        return ""


def grid_links(lang: str) -> dict:
    """Links from the current page to the grid's question and entry pages, in ``lang``."""
    here = request.path

    def question_href(qid: str) -> str:
        return links.relative(here, links.html_document(f"/grille/question/{qid}", lang))

    def entry_href(entry_id: str) -> str | None:
        if entry_id == GENERAL:
            return None
        return links.relative(here, links.html_document(f"/grille/entree/{entry_id}", lang))

    return {"question_href": question_href, "entry_href": entry_href}


def _switch(lang: str) -> str:
    other = "en" if lang == "fr" else "fr"
    return ROUTES[other].lstrip("/")


def _report_context(submission: Submission, description, report, lang: str) -> dict:
    context = {"report": report, "submitted_text": submission.text, "submitted_name": submission.name}
    if isinstance(report, Unreadable):
        return context
    maturity = (description.data or {}).get("maturite")
    context.update(
        groups=result_groups(report, submission.text if description.format == "yaml" else None),
        chart=Markup(completeness_svg(report, lang)),
        symbols=SEVERITY_SYMBOLS,
        future=maturity == "emergent",
        grid=load_grid(),
        project_name=(description.data or {}).get("nom") or description.data.get("id"),
    )
    return context
