"""What a carrier sends: a description uploaded or pasted, read in memory and never kept.

The validator, the dossier and the editor receive a description in a form
(``multipart/form-data`` or ``application/x-www-form-urlencoded``). The body is
parsed here with every part kept in memory: werkzeug's default would spool an
upload over 500 kB to a temporary file, and nothing a carrier sends may be
written anywhere. Nothing here logs what it reads.
"""

from __future__ import annotations

import io
import posixpath
import re
from dataclasses import dataclass

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from ..errors import InputError
from ..project.description import format_of
from ..yamlstrict import MAX_BYTES

__all__ = ["Submission", "read_submission", "form_fields", "DESCRIPTION_LIMIT"]

# The largest description accepted: the loader's own limit.
DESCRIPTION_LIMIT = MAX_BYTES
# Room for the form's other fields and the multipart boundaries around the description.
_FORM_OVERHEAD = 64_000
_SUFFIX_FORMATS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".ttl": "turtle",
    ".nt": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}
_FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
_DEFAULT_NAMES = {"yaml": "description.yaml", "turtle": "description.ttl", "json-ld": "description.jsonld"}


@dataclass(frozen=True)
class Submission:
    """A description as sent: its bytes, the name it is reported under and its format (None: guess)."""

    content: bytes
    name: str
    format: str | None
    pasted: bool = False  # typed or pasted in the form, not a file: the page gives it back to edit

    @property
    def text(self) -> str | None:
        """The content as text, or None when it is not UTF-8 (the loader says why)."""
        try:
            return self.content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None


def _in_memory(total_content_length, content_type, filename, content_length=None):
    return io.BytesIO()


def form_fields() -> tuple[MultiDict, MultiDict]:
    """The request's form fields and files, parsed in memory (never spooled to disk)."""
    cached = request.environ.get("cap_ptce.form")
    if cached is None:
        limit = DESCRIPTION_LIMIT + _FORM_OVERHEAD
        if (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()
        try:
            _, form, files = parse_form_data(
                request.environ,
                stream_factory=_in_memory,
                max_form_memory_size=limit,
                max_content_length=limit,
                silent=False,
            )
        except ValueError:  # werkzeug's reading of a multipart body: no boundary, cut short…
            raise InputError(
                "le formulaire envoyé est illisible (corps multipart/form-data mal formé ou incomplet) / the form "
                "sent cannot be read (a malformed or incomplete multipart/form-data body)",
                hint="renvoyez-le depuis la page du formulaire / send it again from the form's page",
            ) from None
        if request.mimetype not in _FORM_TYPES and (request.content_length or request.mimetype):
            raise InputError(
                f"ce n’est pas un formulaire ({request.mimetype or 'sans type'}) / this is not a form "
                f"({request.mimetype or 'no type'})",
                hint="envoyez-le depuis la page du formulaire (multipart/form-data ou "
                "application/x-www-form-urlencoded) / send it from the form's page (multipart/form-data or "
                "application/x-www-form-urlencoded)",
            )
        cached = request.environ["cap_ptce.form"] = (form, files)
    return cached


def read_submission(*, text_field: str = "texte", file_field: str = "fichier", one_of: bool = True) -> Submission:
    """The description in the request: the uploaded file if one was chosen, else the pasted text.

    ``one_of``: a file and a text beside it (not blank) are refused, as two
    files are, instead of the file checked and the text dropped unsaid; the
    editor, whose text is the browser's copy of the form, lets the file win.
    """
    form, files = form_fields()
    uploads = [upload for upload in files.getlist(file_field) if upload.filename]
    _refuse_two(uploads, form.get(text_field, "") if one_of else "")
    upload = uploads[0] if uploads else None
    if upload is not None:
        content = upload.read(DESCRIPTION_LIMIT + 1)
        name = _safe_name(upload.filename)
        return Submission(content, name, _SUFFIX_FORMATS.get(posixpath.splitext(name)[1].lower()))
    text = form.get(text_field, "")
    if not text.strip():
        raise InputError(
            "aucune description reçue / no description received",
            hint="choisir un fichier ou coller le texte d’une description / choose a file or paste a description",
        )
    named = _safe_name(form.get("nom", ""))
    fmt = _SUFFIX_FORMATS.get(posixpath.splitext(named)[1].lower()) if named else None
    fmt = fmt or format_of(text)
    content = text.replace("\r\n", "\n").encode("utf-8")  # browsers send a textarea's lines with CRLF
    return Submission(content, named or _DEFAULT_NAMES.get(fmt, "description.yaml"), fmt, pasted=True)


def _refuse_two(uploads: list, text: str) -> None:
    """Refuse more than one description sent at once: which one the sender meant is theirs to say."""
    names = ", ".join(_safe_name(upload.filename) for upload in uploads)
    if len(uploads) > 1:
        raise InputError(
            f"{len(uploads)} fichiers reçus ({names}) : un seul fichier à la fois / {len(uploads)} files received "
            f"({names}): one file at a time",
            hint="envoyez-les l’un après l’autre ; plusieurs à la fois : cap-ptce validate FICHIER… / send them one "
            "after the other; several at once: cap-ptce validate FILE…",
        )
    if uploads and text.strip():
        raise InputError(
            f"un fichier ({names}) et un texte collé ont été reçus : lequel vérifier ? / a file ({names}) and a "
            "pasted text were received: which one is to be checked?",
            hint="videz la zone de texte pour le fichier, ou ne choisissez pas de fichier pour le texte / empty the "
            "text box for the file, or choose no file for the text",
        )


def _safe_name(filename: str) -> str:
    """The last segment of a client's file name, with only printable characters: it is shown and reported."""
    name = posixpath.basename(filename.replace("\\", "/"))
    name = re.sub(r"[^\w.\- ]", "_", name).strip()[:120]
    return name


def limit_megabytes() -> str:
    """The size limit in megabytes, as the page states it ("1")."""
    return f"{DESCRIPTION_LIMIT / 1_000_000:g}"
