"""Content negotiation: one table of representations and one function to choose among them.

A resource is offered as HTML (for people) and in every RDF serialisation of
:data:`cap_ptce.serialize.FORMATS` (for machines); the grid also as CSV. A client
names what it wants either with an explicit suffix (``q01.ttl``, ``q01.en.html``)
or with ``Accept`` and its q-values. Decisions, documented in ``docs/publishing.md``:

- ``*/*``, a missing ``Accept`` header or a tie goes to HTML: the first entry of
  the table. Browsers list ``text/html`` explicitly anyway; a machine says what
  it wants.
- When ``Accept`` names only types we do not have, there is no answer
  (:func:`negotiate` returns None and the web answers 406 with the list of types).
- ``Accept`` is read as :mod:`.accept` says (q-values, the most specific range), the
  reading that the static servers' rules also follow, so that they answer alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import NotFoundError
from .accept import best, language_ranges, media_type_ranges
from .serialize import FORMATS, Format, get_format

__all__ = [
    "Representation",
    "HTML",
    "CSV",
    "rdf_representations",
    "representations",
    "negotiate",
    "negotiate_language",
    "offered_types",
    "by_suffix",
    "split_document_name",
    "VERSION",
    "link_header",
]


@dataclass(frozen=True)
class Representation:
    """One way of answering for a resource: a format name, its media type and its file suffix."""

    name: str
    media_type: str
    suffix: str
    aliases: tuple[str, ...] = ()


HTML = Representation("html", "text/html", "html", ("application/xhtml+xml",))


def _from_format(fmt: Format) -> Representation:
    return Representation(fmt.name, fmt.media_type, fmt.suffix.lstrip("."), fmt.media_types[1:])


CSV = _from_format(get_format("csv"))


def rdf_representations() -> tuple[Representation, ...]:
    """One representation per RDF serialisation of :data:`cap_ptce.serialize.FORMATS`."""
    return tuple(_from_format(fmt) for fmt in FORMATS if fmt.is_rdf)


def representations(*, csv: bool = False, html: bool = True, rdf: bool = True) -> tuple[Representation, ...]:
    """What a resource offers, HTML first (the answer to ``*/*``)."""
    offered = [HTML] if html else []
    if rdf:
        offered.extend(rdf_representations())
    if csv:
        offered.append(CSV)
    return tuple(offered)


def negotiate(
    accept_header: str | None, suffix: str | None, offered: Sequence[Representation]
) -> Representation | None:
    """The representation asked for: by ``suffix`` when there is one, else the best for ``Accept``.

    Returns None when ``Accept`` accepts none of ``offered`` (the web answers 406);
    raises :class:`NotFoundError` for a suffix the resource has no document for.
    """
    if suffix is not None:
        return by_suffix(suffix, offered)
    types = offered_types(offered)
    found = best(accept_header, [media_type_ranges(media_type) for media_type, _ in types])
    return types[found][1] if found is not None else None


def offered_types(offered: Sequence[Representation]) -> list[tuple[str, Representation]]:
    """Every media type that selects one of ``offered``, in the order of preference on a tie."""
    found: dict[str, Representation] = {}
    for rep in offered:
        for media_type in (rep.media_type, *rep.aliases):
            found.setdefault(media_type, rep)
    return list(found.items())


def negotiate_language(accept_language: str | None, languages: Sequence[str]) -> str:
    """The language of ``languages`` that ``Accept-Language`` prefers; the first one on a tie or none."""
    found = best(accept_language, [language_ranges(lang) for lang in languages], anything="*")
    return languages[found if found is not None else 0]


def by_suffix(suffix: str, offered: Sequence[Representation]) -> Representation:
    """The representation whose file suffix is ``suffix`` (``ttl``, ``jsonld``…)."""
    for rep in offered:
        if rep.suffix == suffix:
            return rep
    known = ", ".join("." + rep.suffix for rep in offered)
    raise NotFoundError(
        f"aucun document en / no document with the suffix .{suffix}",
        hint=f"cette ressource existe en / this resource exists as {known}",
    )


VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")


def split_document_name(name: str) -> tuple[str, str | None, str | None]:
    """``q01`` → (q01, None, None); ``q01.ttl`` → (q01, ttl, None); ``q01.en.html`` → (q01, html, en).

    A version number is a name of its own: ``0.1.0`` → (0.1.0, None, None), ``0.1.0.ttl`` → (0.1.0, ttl, None).
    """
    version = VERSION.match(name)
    if version and name[version.end() : version.end() + 1] in {"", "."}:
        stem, rest = version[0], name[version.end() + 1 :]
    else:
        stem, _, rest = name.partition(".")
    if not rest:
        return stem, None, None
    first, _, second = rest.partition(".")
    if second:
        return stem, second, first
    return stem, first, None


def link_header(links: Iterable[tuple[str, str, str | None, str | None]]) -> str:
    """A ``Link`` header from (url, rel, media type or None, hreflang or None) tuples."""
    parts = []
    for url, rel, media_type, hreflang in links:
        part = f'<{url}>; rel="{rel}"'
        if media_type:
            part += f'; type="{media_type}"'
        if hreflang:
            part += f'; hreflang="{hreflang}"'
        parts.append(part)
    return ", ".join(parts)
