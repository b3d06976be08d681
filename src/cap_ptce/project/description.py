"""Load a project description from YAML, Turtle or JSON-LD; convert between them.

YAML goes through the strict reader and the format table, then through the
JSON-LD context. Turtle and JSON-LD are parsed, read back into the people's
data, and rebuilt: a triple that the rebuilt graph lacks is outside the format
and is refused, so that every accepted file converts to YAML and back without
loss. RDF/XML is refused (see docs/project-format.md, "Strictness").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.parsers.jsonld import to_rdf

from ..errors import InputError, InputFileError, RdfSyntaxError, UnknownKeyError
from ..rdf.describe import LABEL_PROPERTIES
from ..rdf.namespaces import BASE, CAP, bind_prefixes
from ..yamlstrict import MAX_BYTES, MAX_DEPTH, load_yaml, read_text
from .build import build_document
from .context import context
from .emit import data_to_yaml
from .graph import document_triples, graph_of_triples
from .jsonld_input import parse_json_document
from .readback import find_project, graph_to_data
from .values import SLUG_RE, START_FROM_TEMPLATE, decimal_lexical

__all__ = [
    "Description",
    "FORMATS",
    "load_description",
    "description_to_yaml",
    "to_turtle",
    "to_jsonld",
    "convert",
    "upgrade",
    "format_of",
    "DESCRIPTION_SUFFIXES",
]

FORMATS = ("yaml", "turtle", "json-ld")
_SUFFIXES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".ttl": "turtle",
    ".nt": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}
_XML_SUFFIXES = (".rdf", ".xml", ".owl")
# The suffixes of the files that a folder of descriptions holds.
DESCRIPTION_SUFFIXES = (".yaml", ".yml", ".ttl", ".jsonld")


@dataclass
class Description:
    """One loaded description: its triples (and graph), project IRI, source, input format, data and lines.

    ``triples`` are the description's triples in the order the loader wrote them
    (a triple may come twice); ``graph`` holds them in an rdflib graph, built on
    first use: the fast validation engine reads the triples and never needs it.
    """

    triples: tuple[tuple, ...]
    iri: URIRef
    source: str
    format: str
    data: dict
    lines: dict[tuple, int] = field(default_factory=dict)

    @cached_property
    def graph(self) -> Graph:
        return graph_of_triples(self.triples)

    def line_for(self, focus_node: Any, path: Any = None, value: Any = None) -> int | None:
        """The YAML line behind ``focus_node path …``, else the node's own line, else None.

        With ``value``, a place that the key names, the line where it names it first: a place is one node
        wherever the file names it (Amiens, the territory's commune and an actor's seat), and its own line is
        the first of them, which may be another key's.
        """
        if path is not None and value is not None:
            line = self.lines.get((str(focus_node), str(path), str(value)))
            if line is not None:
                return line
        if path is not None:
            line = self.lines.get((str(focus_node), str(path)))
            if line is not None:
                return line
        return self.lines.get((str(focus_node), None))


def load_description(
    path_or_text: str | bytes | Path,
    *,
    source: str | None = None,
    base: str = BASE,
    format: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Description:
    """Load a description. A :class:`~pathlib.Path` is read; a ``str`` is always the text itself.

    ``format`` is ``yaml``, ``turtle`` or ``json-ld``; by default the file suffix
    decides, or the text's first characters. Raises :mod:`cap_ptce.errors` input errors.
    """
    suffix = path_or_text.suffix.lower() if isinstance(path_or_text, Path) else ""
    if suffix in _XML_SUFFIXES or format in ("xml", "rdf/xml", "rdfxml"):
        raise _xml_refused(source or str(path_or_text))
    text, source = read_text(path_or_text, source=source, max_bytes=max_bytes)
    if not text.strip():  # « un bloc de clés », « ce graphe en a 0 » said nothing of it
        raise InputFileError(
            "le fichier est vide / the file is empty",
            source=source,
            hint=START_FROM_TEMPLATE,
        )
    fmt = format or _SUFFIXES.get(suffix) or format_of(text)
    if fmt == "xml":
        raise _xml_refused(source)
    if fmt == "yaml":
        try:
            return _from_yaml(text, source, base, max_bytes)
        except InputError as exc:  # YAML's refusal, or a JSON text (which YAML reads) with unknown keys
            raise _other_format(text, source) or exc from exc
    if fmt == "turtle":
        return _from_graph(_parse_turtle(text, source), source, "turtle")
    if fmt == "json-ld" and _plain_json_object(text):
        # a JSON object without « @context » or any « @ » key is the YAML form's data written in JSON (JSON is
        # YAML): read with the same keys, concepts by their ids (read as JSON-LD, « etabli » was a relative IRI)
        return _from_yaml(text, source, base, max_bytes)
    if fmt == "json-ld":
        return _from_graph(_parse_jsonld_text(text, source), source, "json-ld")
    raise InputError(
        f"format de description inconnu / unknown description format {fmt!r}",
        source=source,
        hint=f"au choix / one of: {', '.join(FORMATS)}",
    )


def _plain_json_object(text: str) -> bool:
    """Whether ``text`` is a JSON object none of whose keys, at any depth, is a JSON-LD keyword (« @context »,
    « @id »…); False for a text that is no JSON or holds a key twice, which the JSON reader refuses in its own
    words."""

    def no_duplicates(pairs):
        if len({key for key, _ in pairs}) != len(pairs):
            raise ValueError("duplicate key")  # the JSON reader says which, at its line
        return dict(pairs)

    def plain(node) -> bool:
        if isinstance(node, dict):
            return not any(str(key).startswith("@") for key in node) and all(map(plain, node.values()))
        return all(map(plain, node)) if isinstance(node, list) else True

    try:
        document = json.loads(text, object_pairs_hook=no_duplicates)
        return isinstance(document, dict) and plain(document)
    except ValueError:
        return False
    except RecursionError:  # nested past Python's stack: the JSON-LD reader refuses it, with its depth
        return False


def format_of(text: str) -> str:
    """Guess the format of a description text from its first significant line."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(("{", "[")):
            return "json-ld"
        if stripped.startswith("<?xml") or stripped.startswith("<rdf:RDF"):
            return "xml"
        if stripped.startswith(("@prefix", "@base", "PREFIX", "BASE", "<")):
            return "turtle"
        return "yaml"
    return "yaml"


_NAMES = {"turtle": ("du Turtle", "Turtle", ".ttl"), "json-ld": ("du JSON-LD", "JSON-LD", ".jsonld")}


def _other_format(text: str, source: str) -> InputFileError | None:
    """A text read as YAML (by its name, .yaml) that the YAML loader refuses and that reads as Turtle or JSON-LD by
    its first line (« @prefix… », « { »): that is what to say, not YAML's refusal; None for any other text."""
    found = format_of(text)
    if found not in _NAMES:
        return None
    fr, en, suffix = _NAMES[found]
    first = next(line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#"))
    start = first[:20]
    return InputFileError(
        f"ce texte, lu comme du YAML (d'après son nom), est {fr} : il commence par « {start} » / this text, read "
        f"as YAML (by its name), is {en}: it starts with « {start} »",
        source=source,
        line=next(n for n, line in enumerate(text.splitlines(), 1) if line.strip() == first),
        hint=f"renommer le fichier en {suffix} (ou coller son texte dans la zone de texte, qui reconnaît le "
        f"format) / rename the file to {suffix} (or paste its text in the text box, which tells the format)",
    )


def _xml_refused(source: str) -> RdfSyntaxError:
    return RdfSyntaxError(
        "les descriptions en RDF/XML sont refusées / RDF/XML descriptions are refused",
        source=source,
        hint="convertir d'abord le fichier en Turtle / convert the file to Turtle "
        "first: XML entity expansion makes RDF/XML unsafe to read",
    )


def _from_yaml(text: str, source: str, base: str, max_bytes: int) -> Description:
    data, line_map = load_yaml(text, source=source, max_bytes=max_bytes, max_depth=MAX_DEPTH)
    built = build_document(data, line_map, source=source, base=base)
    triples = tuple(document_triples(built.document))
    return Description(triples, URIRef(built.iri), source, "yaml", data, built.lines)


def _parse_turtle(text: str, source: str) -> Graph:
    if format_of(text) == "xml":
        raise _xml_refused(source)
    try:
        graph = Graph().parse(data=text, format="turtle", publicID=_RELATIVE_TURTLE)
    except Exception as exc:  # rdflib raises many types for bad syntax
        if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
            raise _long_number(text, source) from exc  # Python's own words would advise a change to Python
        if isinstance(exc, RecursionError):  # lists in lists past Python's stack: Python's words said nothing
            raise RdfSyntaxError(
                "Turtle trop imbriqué (listes ou [ ] les unes dans les autres) / Turtle nested too deeply (lists "
                "or [ ] one inside another)",
                source=source,
                hint="le format des descriptions en demande bien moins / the description format needs far fewer levels",
            ) from None
        reason, line, column = _turtle_mistake(text, exc)
        raise RdfSyntaxError(
            f"Turtle invalide : {reason} / invalid Turtle: {reason}",  # each half whole: a page shows its own
            source=source,
            line=line,
            column=column,
            hint="vérifier la syntaxe à cet endroit / check the syntax at that place",
        ) from exc
    _refuse_bad_iris(graph, source, text)
    return graph


# The base of what a description's Turtle and JSON-LD do not give one: without it, rdflib resolves a relative
# IRI of Turtle against the folder the program runs in (file:///srv/…, the machine's path in the dossier and
# the messages) and drops one of JSON-LD. No IRI of a description is under this name (.invalid). Turtle's is
# of a scheme of its own, which a reference to another host keeps (« <//ailleurs.example/x> », resolved
# against an https base, was https://ailleurs.example/x, unsaid); JSON-LD's processor resolves against web
# schemes only (see _refuse_bad_ids).
_RELATIVE = "https://iri-relative.invalid/"
_RELATIVE_SCHEME = "cap-ptce-relatif:"
_RELATIVE_TURTLE = _RELATIVE_SCHEME + "//iri-relative.invalid/"


# What an IRI cannot hold (RFC 3987; Turtle's IRIREF): rdflib's parsers let some through, escaped or not.
_NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)} | {0x0A: "\\n", 0x09: "\\t", 0x0D: "\\r"}


def _refuse_bad_iris(graph: Graph, source: str, text: str = "") -> None:
    """An IRI with a character IRIs cannot hold (« <https://…/con<tat> », a space), or a relative one
    (« <site-relatif> », « "site_web": "site-relatif" », with no base), names nothing a reader can find: said,
    neither kept nor dropped (the first could not even be written back in a message)."""
    iris = {term for triple in graph for term in triple if isinstance(term, URIRef)}
    iris |= {term.datatype for _s, _p, term in graph if isinstance(term, Literal) and term.datatype is not None}
    broken = [str(iri) for iri in iris if _NOT_IN_IRIS.search(str(iri))]
    if broken:
        raise _impossible_iris(broken, source, text)
    relative = [_as_written(str(iri)) for iri in iris if str(iri).startswith((_RELATIVE, _RELATIVE_SCHEME))]
    if relative:
        raise _relative_iris(relative, source)


def _relative_iris(relative: list[str], source: str) -> RdfSyntaxError:
    shown = ", ".join(f"<{iri}>" for iri in sorted(relative)[:3]) + (" …" if len(relative) > 3 else "")
    return RdfSyntaxError(
        f"IRI relative(s) {shown} : une description ne donne que des IRI entières / relative IRI(s) {shown}: "
        "a description gives whole IRIs only",
        source=source,
        hint="écrire l'IRI entière (https://…), ou déclarer @base / write the whole IRI (https://…), or declare @base",
    )


def _refuse_bad_ids(document, source: str, text: str = "") -> None:
    """An IRI of the document (an ``@id``, or the value of a term its context types ``@id`` or ``@vocab``,
    « "site_web": "…" ») that no IRI can be (« "https://celea figeac.example.org" »): rdflib's JSON-LD processor
    drops its node, or makes it the base, which was then told as the relative IRI « <> »; one that names another
    host relatively (« "//ailleurs.example/x" »), it resolves against the base's https. Said, as the same IRIs
    in Turtle are (:func:`_refuse_bad_iris`)."""
    values = list(_iri_values(document))
    found = {value for value in values if _NOT_IN_IRIS.search(value)}
    if found:
        raise _impossible_iris(found, source, text)
    elsewhere = [value for value in values if value.startswith("//")]  # resolved to https://… against the base
    if elsewhere:
        raise _relative_iris(elsewhere, source)


def _iri_values(document):
    """The strings of a JSON-LD document that stand for IRIs: ``@id`` values, and the values of the terms that
    its contexts (the descriptions' own when it gives none) type ``@id`` or ``@vocab``."""
    typed = _iri_terms(context()) if not (isinstance(document, dict) and "@context" in document) else set()
    todo = [(document, frozenset(typed))]
    while todo:
        node, terms = todo.pop()
        if isinstance(node, list):
            todo.extend((item, terms) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("@context"), dict):
            terms = terms | _iri_terms(node["@context"])
        for key, value in node.items():
            if key == "@context":
                continue
            if key == "@id" or key in terms:
                yield from (one for one in (value if isinstance(value, list) else [value]) if isinstance(one, str))
            todo.append((value, terms))


def _iri_terms(definitions: dict) -> set[str]:
    return {
        term
        for term, definition in definitions.items()
        if isinstance(definition, dict) and definition.get("@type") in ("@id", "@vocab")
    }


def _impossible_iris(iris, source: str, text: str = "") -> RdfSyntaxError:
    """The error for IRIs no IRI can be, each shown as written but for a control character (« \\n »), at the
    line of the first that the text writes as it is (one written with escapes, « \\u0020 », has none)."""
    shown = ", ".join(iri.translate(_CONTROLS) for iri in sorted(iris)[:3]) + (" …" if len(iris) > 3 else "")
    at = min((found for iri in iris if (found := text.find(iri)) >= 0), default=None)
    return RdfSyntaxError(
        f'IRI impossible(s) : {shown} (ni espace, ni < > " {{ }} | ^ ` \\ dans une IRI) / impossible IRI(s): '
        f'{shown} (no space, nor < > " {{ }} | ^ ` \\ in an IRI)',
        source=source,
        line=None if at is None else text.count("\n", 0, at) + 1,
        hint="corriger l'IRI, ou coder ces caractères (%20 pour une espace) / correct the IRI, or encode "
        "those characters (%20 for a space)",
    )


def _as_written(resolved: str) -> str:
    """A relative IRI as the description wrote it, from what it was resolved to (« //ailleurs.example/x »)."""
    for base in (_RELATIVE, _RELATIVE_TURTLE):
        if resolved.startswith(base):
            return resolved[len(base) :]
    return resolved.removeprefix(_RELATIVE_SCHEME)


def _long_number(text: str, source: str) -> RdfSyntaxError:
    """An integer too long for Python to read (over 4,300 digits), with its line."""
    found = re.search(r"\d{4301,}", text)
    return RdfSyntaxError(
        "nombre de plus de 4 300 chiffres / number of over 4,300 digits",
        source=source,
        line=text.count("\n", 0, found.start()) + 1 if found else None,
        hint="une description ne donne que des chiffres réalistes / a description gives realistic figures only",
    )


def _turtle_mistake(text: str, exc: Exception) -> tuple[str, int | None, int | None]:
    """What is wrong in a Turtle text that rdflib refused, and where.

    rdflib's BadSyntax gives an offset in the text that may stop short of the
    failure (at the end of the term before), and its own count of lines gains one
    at each list of values broken over lines: line 312 for an error on line 303 of
    a 309-line file. Oxigraph's parser gives the exact line and column. When its
    line lies between rdflib's two, both found the same mistake: rdflib's words
    (« expected '.' … at end of statement ») at Oxigraph's place; else
    Oxigraph's words and place, which agree with each other.
    """
    import pyoxigraph

    reason = str(getattr(exc, "_why", None) or getattr(exc, "message", None) or exc)
    lines, raw, offset = getattr(exc, "lines", None), getattr(exc, "_str", None), getattr(exc, "_i", None)
    known = isinstance(raw, (bytes, str)) and isinstance(offset, int)
    low = raw.count(b"\n" if isinstance(raw, bytes) else "\n", 0, offset) + 1 if known else None
    high = lines + 1 if isinstance(lines, int) else None
    try:
        for _quad in pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE, base_iri=_RELATIVE):
            pass
    except SyntaxError as found:
        if isinstance(found.lineno, int):
            column = found.offset if isinstance(found.offset, int) else None
            if low is not None and high is not None and low <= found.lineno <= high:
                return reason, found.lineno, column
            words = re.sub(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ", "", found.msg)
            return words, found.lineno, column
    except (ValueError, OSError):
        pass
    return reason, high if high is not None else low, None


def _parse_jsonld_text(text: str, source: str) -> Graph:
    document = parse_json_document(text, source)
    _refuse_bad_ids(document, source, text)
    graph = Graph()
    try:
        if isinstance(document, list) or "@context" not in document:
            document = {"@context": context(), "@graph": document if isinstance(document, list) else [document]}
        to_rdf(document, graph, base=_RELATIVE)  # without a base, it drops a relative IRI without a word
    except Exception as exc:  # the JSON-LD processor raises plain exceptions
        raise RdfSyntaxError(
            f"JSON-LD illisible / unreadable JSON-LD: {exc}", source=source, hint="voir / see docs/project-format.md"
        ) from exc
    _refuse_bad_iris(graph, source, text)
    return graph


def _from_graph(graph: Graph, source: str, fmt: str) -> Description:
    iri = find_project(graph, source)
    base = base_of(iri, source)
    data = graph_to_data(graph, iri)
    built = build_document(data, source=source, base=base)
    triples = tuple(document_triples(built.document))
    rebuilt = graph_of_triples(triples)
    _refuse_extra_triples(graph, rebuilt, source, iri)
    description = Description(triples, iri, source, fmt, data, {})
    description.graph = rebuilt  # already built: the check needed it
    return description


def base_of(iri: URIRef, source: str | None = None) -> str:
    """The base of a project IRI ``{base}projet/{id}``."""
    text = str(iri)
    base, marker, project_id = text.rpartition("projet/")
    if not marker or not SLUG_RE.match(project_id):
        raise InputError(
            f"l'IRI du projet <{text}> n'est pas de la forme / is not of the form {{base}}projet/{{id}}",
            source=source,
            hint="ex. / e.g. https://w3id.org/cap-ptce/projet/mon-ptce",
        )
    return base


def _canonical(term: Any) -> Any:
    """Literals compared by value: 1.50 and 1.5 are the same decimal."""
    if not isinstance(term, Literal) or term.datatype is None:
        return term
    try:
        if term.datatype == XSD.decimal:
            return Literal(decimal_lexical(Decimal(str(term))), datatype=XSD.decimal)
        if term.datatype in (XSD.integer, XSD.boolean):
            return Literal(term.toPython(), datatype=term.datatype)
    except (InvalidOperation, ValueError):
        return term
    return term


def _refuse_extra_triples(graph: Graph, rebuilt: Graph, source: str, project: URIRef) -> None:
    kept = {(s, p, _canonical(o)) for s, p, o in rebuilt}
    extra = [t for t in graph if (t[0], t[1], _canonical(t[2])) not in kept]
    extra = sorted((t for t in extra if not _published_beside(t, project, rebuilt)), key=str)
    if extra:
        s, p, o = extra[0]
        example = f"<{s}> <{p}> {o.n3()}"
        raise UnknownKeyError(
            f"{len(extra)} triplet(s) hors du format des descriptions, par ex. {example} / {len(extra)} triple(s) "
            f"outside the description format, e.g. {example}",
            source=source,
            key=str(p),
            hint="voir les termes permis dans docs/project-format.md, ou partir du modèle à remplir / see the allowed "
            "terms in docs/project-format.md, or start from the template",
        )


def _published_beside(triple: tuple, project: URIRef, rebuilt: Graph) -> bool:
    """Whether ``triple`` is one that a project's page adds to its description, which a load works out again:
    the name of a term it uses (a concept of the grid, a class, a place, an organisation), or an actor's link to
    the organisation it stands for (``cap:organisation``). A project's Turtle or JSON-LD downloaded from the site
    is then read as the description it is; a name given to the project or to one of its own nodes is not one of
    these, and is refused with the rest."""
    subject, predicate, obj = triple
    own = subject == project or str(subject).startswith(f"{project}/") or isinstance(subject, BNode)
    if predicate in LABEL_PROPERTIES:
        return not own and isinstance(obj, Literal)
    return predicate == CAP.organisation and isinstance(obj, URIRef) and (subject, RDF.type, CAP.Actor) in rebuilt


def description_to_yaml(graph: Graph) -> str:
    """The people's YAML for the project described in ``graph``."""
    iri = find_project(graph)
    return data_to_yaml(graph_to_data(graph, iri))


def to_turtle(graph: Graph) -> str:
    """Turtle for a description graph, the same bytes for the same graph."""
    from ..rdf.serialize import serialize

    return serialize(bind_prefixes(graph), "turtle").decode("utf-8")


def to_jsonld(graph: Graph) -> str:
    """JSON-LD for a description graph, in the shape of the YAML, with the context inline."""
    iri = find_project(graph)
    built = build_document(graph_to_data(graph, iri), base=base_of(iri))
    document = {"@context": context(), **built.document}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def convert(
    path_or_text: str | bytes | Path, to: str, *, source: str | None = None, base: str = BASE, format: str | None = None
) -> str:
    """Load a description and write it as ``to`` (yaml, turtle or json-ld)."""
    writers = {"yaml": description_to_yaml, "turtle": to_turtle, "json-ld": to_jsonld}
    if to not in writers:
        raise InputError(
            f"conversion impossible vers / cannot convert to {to!r}",
            key="to",
            hint=f"au choix / one of: {', '.join(FORMATS)}",
        )
    description = load_description(path_or_text, source=source, base=base, format=format)
    return writers[to](description.graph)


def upgrade(path_or_text: str | bytes | Path, *, source: str | None = None, base: str = BASE) -> str:
    """A description of any format version, rewritten as YAML of the current version; nothing is lost.

    The graph of the text returned is the graph of the description given (a test
    checks it on every sample of the first version). Comments are not data and
    are not kept; the writer gives each grid entry a title instead.
    """
    return convert(path_or_text, "yaml", source=source, base=base)
