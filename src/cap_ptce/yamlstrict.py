"""A strict, safe YAML reader that remembers the line of every value.

PyYAML's ``safe_load`` accepts aliases (a 385-byte alias bomb becomes hundreds
of megabytes once the data is walked or turned into JSON-LD), silently keeps
the last of two duplicate keys, reads ``yes``/``on``/``no`` as booleans and
forgets where each value came from. :func:`load_yaml` reads the event stream of
PyYAML's parser (the C one when it is available) and builds the data itself,
refusing in the same pass:

- bytes that are not UTF-8, files over ``max_bytes``;
- anchors, aliases and merge keys (``<<``), and explicit tags (``!!python/…``);
- duplicate keys, keys that are not text, nesting deeper than ``max_depth``;
- booleans other than ``true`` and ``false``.

It returns the data and a :class:`LineMap` from each path (a tuple of keys and
list indexes) to its 1-based line, so that later errors can say where.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml import events
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from .errors import InputFileError, YamlError

__all__ = [
    "LineMap",
    "Path_",
    "load_yaml",
    "no_such_date",
    "read_text",
    "scalar_spans",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MONTH_NAMES",
]

MAX_BYTES = 1_000_000
MAX_DEPTH = 20

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple  # a path into the data: keys (str) and list indexes (int)

_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# Numbers that YAML 1.1 reads in another base than the one people write in: 012 is octal (10), 0b101 binary,
# 0x1F hexadecimal (31), 9:30 base 60 (570). A file's 012 is a code whose zero matters (a département, a
# commune): kept as written, as the others are.
_OTHER_BASE = re.compile(r"[-+]?(?:0[0-7_]+|0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)")
_ISO_DATE = re.compile(r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
# The months' names, in each language (a date that does not exist is said with them; the dossier writes dates so).
MONTH_NAMES = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}

# What the reader refuses: key -> (message, hint), each "français / English".
_REFUSALS = {
    "documents": (
        "le fichier contient plusieurs documents YAML / the file holds more than one YAML document",
        "une description par fichier : retirer le '---' en trop / one description per file: remove the extra '---'",
    ),
    "structure": (
        "structure YAML inattendue / unexpected YAML structure",
        "vérifier l'indentation / check the indentation",
    ),
    "alias": (
        "les alias (*{name}) sont refusés / aliases (*{name}) are refused",
        "réécrire la valeur au lieu d'y renvoyer / write the value out again instead of referring to it",
    ),
    "anchor": (
        "les ancres (&{name}) sont refusées / anchors (&{name}) are refused",
        "retirer l'ancre ; les alias sont refusés aussi / remove the anchor; aliases are refused too",
    ),
    "tag": (
        "les étiquettes YAML ({name}) sont refusées / YAML tags ({name}) are refused",
        "retirer l'étiquette ; mettre un texte entre guillemets / remove the tag; quote the value if it is text",
    ),
    "depth": (
        "plus de {name} niveaux d'imbrication / nested more than {name} levels deep",
        "le format des descriptions en demande bien moins / the description format needs far fewer levels",
    ),
    "boolean": (
        "{name!r} est un booléen ambigu / {name!r} is an ambiguous boolean",
        "écrire true ou false, ou mettre le texte entre guillemets / write true or false, or quote the text",
    ),
    "merge": (
        "les clés de fusion (<<) sont refusées / merge keys (<<) are refused",
        "écrire les clés en entier / write the keys out in full",
    ),
    "unreadable": (
        "valeur illisible : {name!r} / the value cannot be read: {name!r}",
        "mettre le texte entre guillemets / quote the text",
    ),
    "date": (
        "la date {name} n'existe pas ({fr}) / the date {name} does not exist ({en})",
        "écrire une date qui existe, année-mois-jour (2014-10-13) ou jour/mois/année (13/10/2014) / "
        "write a date that exists, year-month-day (2014-10-13) or day/month/year (13/10/2014)",
    ),
    "duplicate": (
        "la clé {name!r} apparaît deux fois / the key {name!r} appears twice",
        "n'en garder qu'une ; la première est ligne {first} / keep only one; the first is on line {first}",
    ),
    "key": (
        "une clé est un mot, pas une liste ni un bloc / a key is a word, not a list or a mapping",
        "écrire la clé comme un mot suivi de ':' / write the key as a word followed by ':'",
    ),
}


def no_such_date(year: int, month: int, day: int) -> tuple[str, str] | None:
    """Why ``year-month-day`` is no date, in French and English (« le mois 13 n'existe pas »); None if it is one."""
    if not 1 <= month <= 12:
        return f"le mois {month:02d} n'existe pas", f"there is no month {month:02d}"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        fr, en = MONTH_NAMES["fr"][month - 1], MONTH_NAMES["en"][month - 1]
        return f"il n'y a pas de {day} {fr} {year}", f"there is no {en} {day}, {year}"
    return None


def _why_no_such_date(value: str) -> dict[str, str]:
    """What makes ``value`` (read as a date by YAML) no date, in French (``fr``) and English (``en``)."""
    found = _ISO_DATE.match(value)
    why = found and no_such_date(int(found["year"]), int(found["month"]), int(found["day"]))
    fr, en = why or ("heure impossible", "impossible time")  # else a time that does not exist, after the date
    return {"fr": fr, "en": en}


@dataclass
class LineMap:
    """The 1-based line of every key and list item, by path."""

    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, path: tuple) -> int | None:
        """The line of ``path``, or of its nearest recorded ancestor."""
        lines = self.lines
        while path:
            found = lines.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return lines.get(())

    def __contains__(self, path: tuple) -> bool:
        return path in self.lines


def read_text(
    text_or_path: str | bytes | Path, *, source: str | None = None, max_bytes: int = MAX_BYTES
) -> tuple[str, str]:
    """Return ``(text, source)``: a path is read, bytes are decoded as strict UTF-8."""
    if isinstance(text_or_path, Path):
        source = source or str(text_or_path)
        try:
            size = text_or_path.stat().st_size
            if size > max_bytes:
                raise _too_large(size, max_bytes, source)
            raw = text_or_path.read_bytes()
        except OSError as exc:
            raise InputFileError(
                f"impossible de lire le fichier / cannot read the file: {exc.strerror or exc}",
                source=source,
                hint="vérifier le chemin et les droits / check the path and its permissions",
            ) from exc
    elif isinstance(text_or_path, str):
        raw = text_or_path.encode("utf-8", "surrogatepass")
    else:
        raw = bytes(text_or_path)
    source = source or "<input>"
    if len(raw) > max_bytes:
        raise _too_large(len(raw), max_bytes, source)
    return _decode(raw, source), source


def _too_large(size: int, max_bytes: int, source: str) -> InputFileError:
    return InputFileError(
        f"le fichier fait {_french(size)} octets, au-delà de la limite de {_french(max_bytes)} / "
        f"the file is {size:,} bytes, over the limit of {max_bytes:,}",
        source=source,
        hint="alléger la description / remove what the description does not need",
    )


def _french(number: int) -> str:
    """« 1 117 277 »: thousands set apart as French sets them (a narrow no-break space), not with commas."""
    return f"{number:,}".replace(",", "\u202f")


# The first bytes of the files people send instead of a text: what they are, French / English.
_NOT_TEXT = (
    (b"\x89PNG", "une image PNG / a PNG image"),
    (b"\xff\xd8\xff", "une image JPEG / a JPEG image"),
    (b"GIF8", "une image GIF / a GIF image"),
    (b"{\\rtf", "un document RTF, du texte mis en forme / an RTF document, formatted text"),
    (
        b"PK\x03\x04",
        "un document Word ou OpenDocument (.docx, .odt), ou une archive zip / a Word or OpenDocument "
        "document (.docx, .odt), or a zip archive",
    ),
    (b"\xd0\xcf\x11\xe0", "un document Word ou Excel ancien (.doc, .xls) / an old Word or Excel document (.doc, .xls)"),
    (b"%PDF", "un PDF / a PDF"),
)
_TEXT_HINT = (
    "enregistrer la description en texte brut, en .yaml (dans un traitement de texte : Enregistrer sous, puis "
    "Texte brut (.txt), codage UTF-8), ou la remplir dans l'éditeur, /editeur / save the description as "
    "plain text, as .yaml (in a word processor: Save as, then Plain text (.txt), UTF-8), or fill it in with the "
    "editor, /editeur"
)  # no quoted label: a page shows its own half alone (i18n.one_language)


def _utf16(raw: bytes) -> bool:
    """Whether the bytes are a text in UTF-16, as Windows' Notepad may save one: its byte-order mark, or a null
    byte beside each letter of Latin script."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = raw[:1000]
    return len(head) >= 8 and max(head[0::2].count(0), head[1::2].count(0)) >= 0.4 * len(head) / 2


def _not_text(source: str, what: str, line: int | None = None) -> InputFileError:
    """The error for a file that is no text at all (a Word file, a PDF, an image…): what it is, how to get one.

    ``what``: what was found, « français / English ».
    """
    fr, en = what.split(" / ")
    return InputFileError(
        f"ce fichier n'est pas un fichier texte : {fr} / this is not a text file: {en}",
        source=source,
        line=line,
        hint=_TEXT_HINT,
    )


# No quoted label: a page shows one half only when the other quotes nothing it does not (i18n.one_language).
_SAVE_AS_UTF8 = (
    "l'enregistrer en UTF-8 (dans Bloc-notes : Enregistrer sous, puis Codage UTF-8) / save it as UTF-8 (in "
    "Notepad: Save as, then Encoding UTF-8)"
)


def _decode(raw: bytes, source: str) -> str:
    for magic, what in _NOT_TEXT:
        if raw.startswith(magic):
            raise _not_text(source, what)
    if _utf16(raw):
        raise InputFileError(
            "le fichier est enregistré en UTF-16, pas en UTF-8 / the file is saved as UTF-16, not UTF-8",
            source=source,
            hint=_SAVE_AS_UTF8,
        )
    if b"\x00" in raw[:8192]:
        line = raw.count(b"\n", 0, raw.index(0)) + 1
        raise _not_text(source, "un octet nul / a null byte", line)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(raw, exc.start, source) from exc


def _not_utf8(raw: bytes, at: int, source: str) -> InputFileError:
    """The error for the byte at ``at``, which is not UTF-8: its line and column, and what it reads as in the
    encoding a file not saved as UTF-8 is almost always in, Windows-1252 (« ANSI »: Notepad's and Excel's on
    Windows, a superset of Latin-1's letters), in its word.

    A carrier was told « l'octet 0xf4 (position 37) n'est pas de l'UTF-8 », and had to guess that it was the
    « ô » of « Pôle », on line 3.
    """
    start = raw.rfind(b"\n", 0, at) + 1
    end = raw.find(b"\n", at)
    line_bytes = raw[start : len(raw) if end < 0 else end]
    column = len(raw[start:at].decode("utf-8", errors="replace")) + 1
    read = line_bytes.decode("cp1252", errors="replace")
    where = len(raw[start:at].decode("cp1252", errors="replace"))
    word = re.search(r"[\w'’-]*$", read[:where])[0] + re.match(r"[\w'’-]*", read[where:])[0]
    word = word if len(word) <= 40 else read[where : where + 1]
    letter = read[where]
    line = raw.count(b"\n", 0, at) + 1
    seen = (
        f' : en Windows-1252 (« ANSI »), c\'est « {letter} » dans « {word} » / in Windows-1252 ("ANSI"), it is '
        f'"{letter}" in "{word}"'
        if letter != "\ufffd"
        else " / "
    )
    fr, en = seen.split(" / ", 1)
    return InputFileError(
        f"ligne {line}, colonne {column} : l'octet 0x{raw[at]:02x} n'est pas de l'UTF-8{fr} / line {line}, column "
        f"{column}: byte 0x{raw[at]:02x} is not valid UTF-8{(': ' + en) if en else ''}",
        source=source,
        line=line,
        column=column,
        hint=_SAVE_AS_UTF8,
    )


def load_yaml(
    text_or_path: str | bytes | Path,
    *,
    source: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> tuple[Any, LineMap]:
    """Read one YAML document strictly; return ``(data, line_map)``.

    ``text_or_path`` is the YAML text, its bytes, or a :class:`pathlib.Path`.
    Raises :class:`~cap_ptce.errors.InputFileError` or :class:`~cap_ptce.errors.YamlError`.
    """
    text, source = read_text(text_or_path, source=source, max_bytes=max_bytes)
    builder = _Builder(source, max_depth)
    try:
        return builder.build(yaml.parse(text, Loader=Loader))
    except yaml.MarkedYAMLError as exc:
        raise _odd_space(exc, text, source) or _unclosed_quote(exc, text, source) or _syntax_error(exc, source) from exc
    except yaml.reader.ReaderError as exc:  # a control character: a binary file, not a text
        code = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        line = text.count("\n", 0, exc.position) + 1
        raise _not_text(source, f"un caractère de contrôle ({code}) / a control character ({code})", line) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML invalide : {exc} / invalid YAML: {exc}", source=source) from exc


# What the parser's problems mean for someone who writes a description, and what to do: (words found in
# the problem, as libyaml or PyYAML's own scanner words it; French / English; what to do, French / English).
_SYNTAX_PROBLEMS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("maximum nesting depth",),  # the C parser's own bound, met before ours can count
        "trop de niveaux d'imbrication ([ ou { ouverts) / nested too deeply (too many [ or { opened)",
        "le format des descriptions en demande bien moins / the description format needs far fewer levels",
    ),
    (
        ("mapping values are not allowed", "could not find expected ':'"),
        "un deux-points « : » inattendu, ou une ligne décalée / an unexpected colon, or a line out of alignment",
        'mettre entre guillemets la valeur qui contient « : » (nom: "Pôle : ESS"), ou aligner la ligne sur '
        "les autres clés de son bloc / quote the value that holds a colon, or align the line with the other keys",
    ),
    (
        ("unexpected end of stream",),
        "un guillemet ouvert n'est jamais refermé / a quote is opened and never closed",
        "refermer le guillemet de la valeur qui commence à la ligne indiquée / close the quote of the value that "
        "starts on the line given",
    ),
    (
        ("expected '-' indicator", "expected <block end>", "expected key", "sequence entries are not allowed"),
        "l'indentation n'est pas cohérente / the indentation is inconsistent",
        "aligner la ligne sur celles de son bloc (mêmes espaces en début de ligne), chaque « - » de liste sur sa "
        "propre ligne, et rien après une valeur entre guillemets / align the line with its block, put each list "
        "dash on a line of its own, and nothing after a quoted value",
    ),
    (
        ("tab character",),
        "une tabulation dans l'indentation / a tab in the indentation",
        "indenter avec des espaces, pas des tabulations / indent with spaces, not tabs",
    ),
    (
        ("cannot start any token",),
        "un caractère qui ne peut pas commencer une valeur (tabulation, @ ou `) / a character that cannot start "
        "a value (a tab, @ or `)",
        "indenter avec des espaces, pas des tabulations, et mettre entre guillemets une valeur qui commence par @ "
        "ou ` / indent with spaces, not tabs, and quote a value that starts with @ or `",
    ),
    (
        ("expected ',' or ']'",),
        "une liste ouverte par « [ » n'est pas refermée / a list opened with '[' is not closed",
        "refermer la liste par « ] » sur la même ligne / close the list with ']' on the same line",
    ),
    (
        ("expected ',' or '}'",),
        "un bloc ouvert par « { » n'est pas refermé / a block opened with '{' is not closed",
        "refermer le bloc par « } » / close the block with '}'",
    ),
    (
        ("unknown escape character",),
        "une barre oblique inverse « \\ » dans une valeur entre guillemets doubles / a backslash inside double quotes",
        "doubler la barre (« \\\\ ») ou mettre la valeur entre guillemets simples / double the backslash, or use "
        "single quotes",
    ),
    (
        ("directive",),
        "une ligne qui commence par « % » / a line that starts with '%'",
        "mettre la valeur entre guillemets / quote the value",
    ),
    (
        ("comment or line break", "comment or a line break", "chomping or indentation indicators"),
        "du texte après « | » ou « > » sur la même ligne / text after '|' or '>' on the same line",
        "écrire le texte sur les lignes suivantes, indenté / write the text on the next lines, indented",
    ),
)
_SYNTAX_HINT = (
    "vérifier l'indentation et mettre entre guillemets les valeurs qui contiennent ':' ou '#' / "
    "check the indentation, and quote values that contain ':' or '#'"
)


def scalar_spans(text: str) -> list[tuple[int, int]] | None:
    """The spans (start and end offsets, in characters) of the scalars of a YAML text, in order; None when the
    text is no YAML. A « # » inside one (a line of a block, of a quoted text over two lines) is no comment."""
    try:
        return [
            (token.start_mark.index, token.end_mark.index)
            for token in yaml.scan(text, Loader=Loader)
            if isinstance(token, yaml.ScalarToken)
        ]
    except yaml.YAMLError:
        return None


def _syntax_error(exc: yaml.MarkedYAMLError, source: str) -> YamlError:
    """The parser's refusal in the words of someone who writes a description, at the line where it is."""
    problem = exc.problem or exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    what, hint = f"YAML invalide : {problem} / invalid YAML: {problem}", _SYNTAX_HINT
    for words, meaning, todo in _SYNTAX_PROBLEMS:
        if any(word in problem for word in words):
            fr, en = meaning.split(" / ")  # each half whole, so that a page can show one of them
            # the parser's words in « » in both halves: quoted otherwise, « expected ',' or ']' » reads as
            # several quotations, and a page could not tell the halves apart to show one
            what, hint = f"YAML invalide : {fr} (« {problem} ») / invalid YAML: {en} (« {problem} »)", todo
            break
    context = exc.context or ""
    if ("quoted scalar" in context or "flow sequence" in context or "flow mapping" in context) and exc.context_mark:
        # where the quote, « [ » or « { » was opened, not the later line where the parser missed its end
        mark = exc.context_mark
    return YamlError(
        what,
        source=source,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
        hint=hint,
    )


# A key whose colon a space of another kind follows (a no-break space, as a word processor puts after « : »), or a
# line indented with one: YAML sees no key there, and says so a line or more later.
_ODD_SPACES = "\u00a0\u202f\u2007\u2009\u3000"
_ODD_SPACE = re.compile(
    rf"^(?:[ ]*(?:-[ ]+)?([^\s:#\"'-][^\s:#]*):([{_ODD_SPACES}])|[ ]*([{_ODD_SPACES}]))", re.MULTILINE
)


ODD_SPACE_HINT = (
    "la remplacer par une espace ordinaire ; elle vient souvent d'un copier-coller depuis un traitement de texte / "
    "replace it with a plain space; it often comes from a copy from a word processor"
)


def odd_space(text: str) -> str | None:
    """The first space of another kind (no-break, thin…) in ``text``, None when it has none: in a key, the sign
    that a word processor's space stood for YAML's after a colon or in an indentation."""
    return next((char for char in text if char in _ODD_SPACES), None)


def _odd_space(exc: yaml.MarkedYAMLError, text: str, source: str) -> YamlError | None:
    """A space of another kind after a key's colon or in an indentation, up to the line where the parser stopped,
    at its own line; None when there is none."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    for found in _ODD_SPACE.finditer(text):
        line = text.count("\n", 0, found.start()) + 1
        if line > mark.line + 1:
            return None
        if not _gets_further(text[: found.end() - 1] + " " + text[found.end() :], mark.line):
            continue  # a space in a text (a block's line), not the mistake
        key, space = found.group(1), found.group(2) or found.group(3)
        code = f"U+{ord(space):04X}"
        where_fr = f"après « {key}: »" if key else "dans l'indentation"
        where_en = f'after "{key}:"' if key else "in the indentation"
        return YamlError(
            f"YAML invalide : {where_fr}, une espace insécable ou fine ({code}) au lieu d'une espace ordinaire / "
            f"invalid YAML: {where_en}, a no-break or thin space ({code}) instead of a plain space",
            source=source,
            line=line,
            column=found.end() - text.rfind("\n", 0, found.start()) - 1,
            hint=ODD_SPACE_HINT,
        )
    return None


def _gets_further(text: str, line: int) -> bool:
    """Whether the parser reads ``text`` whole, or stops past the 0-based ``line``."""
    try:
        for _event in yaml.parse(text, Loader=Loader):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark is None or mark.line > line
    except yaml.YAMLError:
        return False
    return True


# A line that starts a key, as a quoted value left open swallows the next ones: "  siren: ", "- id: ".
_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[^\s:#\"'-][^\s:#]*:(?:\s|$)")


def _unclosed_quote(exc: yaml.MarkedYAMLError, text: str, source: str) -> YamlError | None:
    """A quote left open in the middle of the file, at the line where it opens; None for any other mistake.

    The parser reads the value on, over the next lines, to the next quote (that which opens a later
    value) and stops after it, at a line that looks well indented. A value quoted over several lines
    that ends on the line where the parser stopped, and has swallowed lines that start a key, is that.
    """
    mark = exc.problem_mark
    if mark is None:
        return None
    opened = None
    try:
        for token in yaml.scan(text, Loader=Loader):
            if token.start_mark.line > mark.line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                opened = token
    except yaml.YAMLError:
        pass  # the tokens up to the mistake are those that matter
    if opened is None or opened.end_mark.line != mark.line or opened.start_mark.line == mark.line:
        return None
    swallowed = text.splitlines()[opened.start_mark.line + 1 : opened.end_mark.line + 1]
    if not any(_KEY_LINE.match(line) for line in swallowed):
        return None
    return YamlError(
        f"YAML invalide : un guillemet ouvert à cette ligne n'est pas refermé ; la valeur court jusqu'au "
        f"guillemet suivant, ligne {opened.end_mark.line + 1} / invalid YAML: a quote opened on this line is "
        f"not closed; the value runs on to the next quote, on line {opened.end_mark.line + 1}",
        source=source,
        line=opened.start_mark.line + 1,
        column=opened.start_mark.column + 1,
        hint=f"refermer le guillemet « {opened.style} » à la fin de la valeur, sur la même ligne / close the "
        f"quote ({opened.style}) at the end of the value, on the same line",
    )


class _Builder:
    """Turns a stream of parser events into plain data and a line map."""

    def __init__(self, source: str, max_depth: int) -> None:
        self.source = source
        self.max_depth = max_depth
        self.lines = LineMap()
        self.resolver = Resolver()
        self.constructor = SafeConstructor()

    def refuse(self, what: str, event: events.Event, **values: Any) -> YamlError:
        """The error for refusal ``what`` (a key of ``_REFUSALS``) at ``event``'s position."""
        message, hint = _REFUSALS[what]
        mark = event.start_mark
        return YamlError(
            message.format(**values),
            source=self.source,
            line=mark.line + 1,
            column=mark.column + 1,
            hint=hint.format(**values),
        )

    def build(self, stream: Iterator[events.Event]) -> tuple[Any, LineMap]:
        self.stream = stream
        data: Any = None
        documents = 0
        for event in stream:
            if isinstance(event, events.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.refuse("documents", event)
                top = next(stream)
                # the line where the description starts: a key missing from it is reported there
                self.lines.lines[()] = top.start_mark.line + 1
                data = self.value(top, (), 1)
        return data, self.lines

    def value(self, event: events.Event, path: tuple, depth: int) -> Any:
        self.check_node(event, depth)
        if isinstance(event, events.ScalarEvent):
            return self.scalar(event)
        if isinstance(event, events.SequenceStartEvent):
            return self.sequence(path, depth)
        if isinstance(event, events.MappingStartEvent):
            return self.mapping(path, depth)
        raise self.refuse("structure", event)

    def check_node(self, event: events.Event, depth: int) -> None:
        if isinstance(event, events.AliasEvent):
            raise self.refuse("alias", event, name=event.anchor)
        if getattr(event, "anchor", None):
            raise self.refuse("anchor", event, name=event.anchor)
        if getattr(event, "tag", None) not in (None, "!"):
            raise self.refuse("tag", event, name=event.tag)
        if depth > self.max_depth:
            raise self.refuse("depth", event, name=self.max_depth)

    def scalar(self, event: events.ScalarEvent) -> Any:
        if event.style:  # quoted, or a block: text, whatever it looks like
            return event.value
        tag = self.resolver.resolve(ScalarNode, event.value, event.implicit)
        if tag == _STR_TAG or _OTHER_BASE.fullmatch(event.value):
            return event.value
        if tag == _BOOL_TAG:
            if event.value not in _BOOLEANS:
                raise self.refuse("boolean", event, name=event.value)
            return _BOOLEANS[event.value]
        if tag == _MERGE_TAG:
            raise self.refuse("merge", event)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark)
        try:
            return self.constructor.construct_object(node)
        except (ConstructorError, ValueError) as exc:
            if tag == _TIMESTAMP_TAG:  # a date: quoting it would not make it exist
                raise self.refuse("date", event, name=event.value, **_why_no_such_date(event.value)) from exc
            raise self.refuse("unreadable", event, name=event.value) from exc

    def sequence(self, path: tuple, depth: int) -> list:
        items: list = []
        for event in self.stream:
            if isinstance(event, events.SequenceEndEvent):
                return items
            item_path = path + (len(items),)
            self.lines.lines[item_path] = event.start_mark.line + 1
            items.append(self.value(event, item_path, depth + 1))
        raise YamlError("le YAML s'arrête dans une liste / the YAML ends inside a list", source=self.source)

    def mapping(self, path: tuple, depth: int) -> dict:
        result: dict = {}
        for event in self.stream:
            if isinstance(event, events.MappingEndEvent):
                return result
            key = self.key(event)
            if key in result:
                first = self.lines.lines.get(path + (key,))
                error = self.refuse("duplicate", event, name=key, first=first)
                error.key = key
                raise error
            key_path = path + (key,)
            self.lines.lines[key_path] = event.start_mark.line + 1
            result[key] = self.value(next(self.stream), key_path, depth + 1)
        raise YamlError("le YAML s'arrête dans un bloc / the YAML ends inside a mapping", source=self.source)

    def key(self, event: events.Event) -> str:
        if not isinstance(event, events.ScalarEvent):
            self.check_node(event, 0)
            raise self.refuse("key", event)
        self.check_node(event, 0)
        # only a plain "<<" resolves to the merge tag: other keys need not be resolved
        if event.value == "<<" and self.resolver.resolve(ScalarNode, event.value, event.implicit) == _MERGE_TAG:
            raise self.refuse("merge", event)
        return event.value
