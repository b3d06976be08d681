"""Read a user's JSON-LD safely, before any JSON-LD processing.

rdflib's JSON-LD parser fetches every ``@context`` given as a string (an http
URL or a local file name) and every ``@import``, with no switch to stop it.
:func:`parse_json_document` therefore refuses them, and refuses duplicate keys,
nesting deeper than the limit, and keys that no context defines (the JSON-LD
processor would drop them without a word).
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import InputError, RdfSyntaxError, UnknownKeyError
from ..i18n.suggest import did_you_mean, nearest
from ..yamlstrict import MAX_DEPTH
from .context import terms
from .values import MAX_DIGITS

__all__ = ["parse_json_document"]


def parse_json_document(text: str, source: str, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON document in ``text``, checked to be safe for the JSON-LD processor."""
    try:
        document = json.loads(text, object_pairs_hook=_refuse_duplicates, parse_int=_whole_number)
    except _LongNumber as exc:
        raise RdfSyntaxError(
            f"nombre de plus de {MAX_DIGITS} chiffres / number of over {MAX_DIGITS} digits: {exc.digits[:20]}…",
            source=source,
            line=text.count("\n", 0, max(text.find(exc.digits), 0)) + 1,
            hint="une description ne donne que des chiffres réalistes / a description gives realistic figures only",
        ) from exc
    except json.JSONDecodeError as exc:
        raise RdfSyntaxError(
            f"JSON invalide : {exc.msg} / invalid JSON: {exc.msg}",  # each half whole: a page shows its own
            source=source,
            line=exc.lineno,
            column=exc.colno,
            hint="vérifier accolades, virgules et guillemets / check brackets, commas and quotes",
        ) from exc
    except _DuplicateKey as exc:
        raise RdfSyntaxError(
            f"la clé {exc.key!r} apparaît deux fois / appears twice",
            source=source,
            key=exc.key,
            hint="n'en garder qu'une / keep only one",
        ) from exc
    except RecursionError as exc:
        raise InputError(
            "JSON trop imbriqué / JSON nested too deeply",
            source=source,
            hint=f"{max_depth} niveaux au plus / {max_depth} levels at most",
        ) from exc
    known = set(terms())
    for node, depth in _walk(document):
        if depth > max_depth:
            raise InputError(
                f"plus de {max_depth} niveaux d'imbrication / nested more than {max_depth} levels deep",
                source=source,
                hint="aplatir la structure / flatten the structure",
            )
        if isinstance(node, dict):
            _check_context(node, source, known)
    for node, _ in _walk(document):
        if isinstance(node, dict):
            _check_keys(node, source, known)
    return document


class _LongNumber(ValueError):
    def __init__(self, digits: str) -> None:
        super().__init__(digits)
        self.digits = digits


def _whole_number(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _LongNumber(digits)
    return int(digits)


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _walk(document: Any):
    """Every dict and list in the document with its depth, iteratively (no recursion)."""
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _check_context(node: dict, source: str, known: set[str]) -> None:
    if "@import" in node:
        raise RdfSyntaxError(
            "@import est refusé : il ferait télécharger un document / @import is refused: it would fetch a document",
            source=source,
            key="@import",
            hint="retirer @import / remove @import",
        )
    if "@context" not in node:
        return
    value = node["@context"]
    contexts = value if isinstance(value, list) else [value]
    for item in contexts:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise RdfSyntaxError(
                f"un @context donné par adresse ({str(item)[:80]!r}) est refusé : il serait téléchargé / "
                "a @context given by address is refused: it would be fetched",
                source=source,
                key="@context",
                hint="retirer @context (celui de CAP PTCE s'applique) ou l'écrire en objet / "
                "remove @context (the CAP PTCE context applies) or inline it as an object",
            )
        known.update(k for k in item if not k.startswith("@"))


def _check_keys(node: dict, source: str, known: set[str]) -> None:
    for key in node:
        if key.startswith("@") or ":" in key or key in known:
            continue
        suggestion = nearest(key, sorted(known))
        raise UnknownKeyError(
            f"clé inconnue / unknown key {key!r}",
            source=source,
            key=key,
            hint=did_you_mean(suggestion)
            if suggestion
            else "voir les clés dans / see the keys in docs/project-format.md",
        )
