"""rdflib's terms handed to Oxigraph directly, without filling an rdflib graph first.

A description's loader writes a list of rdflib triples. Filling an rdflib graph
with them and serialising it to N-Triples costs about four times what writing
the triples cost (26 ms and 9 ms against 20 ms for a generated description of
444 triples); Oxigraph makes the same N-Triples from its own terms in a
fraction of a millisecond. The terms are the same either way: Oxigraph builds
a literal or an IRI given here exactly as it does when it parses the N-Triples
that rdflib would write, which ``tests/test_bulk_loading.py`` checks quad for
quad on the sample corpus and on generated ones.

    >>> ntriples([(URIRef("http://example.org/a"), RDFS.label, Literal("A", lang="fr"))])
    b'<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A"@fr .\\n'
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from itertools import chain, islice

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

__all__ = [
    "ntriples",
    "oxigraph_triples",
    "stored_form",
    "StoredForms",
    "TermTexts",
    "in_graph",
    "graph_digest",
    "ntriples_digest",
    "stored_digest",
    "ChunkReader",
    "bulk_load_pieces",
]

_BLANK_LABEL = re.compile(rb"_:[^\s]+")


def ntriples(triples: Iterable[tuple]) -> bytes:
    """The N-Triples of ``triples``, each written once, as rdflib's serializer would give them to Oxigraph."""
    try:
        converted = oxigraph_triples(triples)
    except (TypeError, ValueError):  # a term Oxigraph refuses: rdflib's own serializer says which
        return _through_rdflib(triples)
    return ox.serialize(converted, format=ox.RdfFormat.N_TRIPLES)


def oxigraph_triples(triples: Iterable[tuple]) -> list[ox.Triple]:
    """``triples`` (rdflib terms) as Oxigraph's, each once; TypeError or ValueError for a term Oxigraph refuses."""
    convert = _converter()
    return [ox.Triple(convert(s), convert(p), convert(o)) for s, p, o in dict.fromkeys(triples)]


def stored_form(triples: Iterable[tuple]) -> bytes:
    """The N-Triples of ``triples`` (rdflib terms) as an Oxigraph store holds them, each once.

    What :func:`stored_digest` reads back, without writing N-Triples and
    parsing them again first: the text to load and its checksum come from one
    store in memory, which also drops the duplicates ("1.50"^^xsd:decimal is
    written "1.5", as a store keeps it). TypeError or ValueError for a term
    Oxigraph refuses.
    """
    store = ox.Store()
    store.load(TermTexts().lines(triples).encode(), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""


class TermTexts:
    """rdflib triples as N-Triples (or N-Quads) lines, each term written once from its Oxigraph term.

    A store fills faster from these lines than from ``Quad`` objects: making
    one in Python costs about 3 µs, more than Oxigraph takes to read its line
    (250 generated descriptions: 0.36 s of CPU against 0.55 s). The loader
    reuses its terms, so a term is looked up by its identity, without rdflib's
    ``__eq__`` and ``__hash__``, which are Python functions; the terms are kept
    while the texts are, so that an identity stays theirs. ``convert`` makes
    the Oxigraph term (which checks it): the lines can be read with
    ``lenient=True``.
    """

    def __init__(self, convert=None) -> None:
        self._convert = convert or _convert
        self._texts: dict[int, str] = {}
        self._terms: list = []

    def lines(self, triples: Iterable[tuple], graph: str | None = None) -> str:
        """The lines of ``triples``, as N-Quads in ``graph`` if given; what ``convert`` raises for a term."""
        known, write = self._texts.get, self._write
        end = f" <{graph}> .\n" if graph else " .\n"
        return "".join(
            [
                f"{known(id(s)) or write(s)} {known(id(p)) or write(p)} {known(id(o)) or write(o)}{end}"
                for s, p, o in triples
            ]
        )

    def _write(self, term) -> str:
        text = self._texts[id(term)] = str(self._convert(term))
        self._terms.append(term)
        return text


class StoredForms:
    """Many descriptions' :func:`stored_form`, from one store in memory that keeps each in its named graph.

    A load reads descriptions by the hundred in each process; kept together,
    the store that gave their texts can then answer queries over all of them
    (the derived facts, :mod:`cap_ptce.store.derived`) without loading them again.
    ``graphs`` maps each graph kept to the source it came from, ``texts`` to its text.
    """

    def __init__(self) -> None:
        self.store = ox.Store()
        self.graphs: dict[str, str] = {}
        self.texts: dict[str, bytes] = {}
        self._terms = TermTexts()  # the descriptions of a batch name the same few hundred IRIs over and over

    def add(self, graph: str, source: str, triples: Iterable[tuple]) -> bytes:
        """The :func:`stored_form` of ``triples``, kept in ``graph`` unless a description already fills it.

        TypeError or ValueError for a term Oxigraph refuses (nothing is kept then).
        """
        if graph in self.graphs:  # two files for one project: each text its own, the first one kept
            return stored_form(triples)
        lines, name = self._terms.lines(triples).encode(), ox.NamedNode(graph)
        self.store.load(lines, format=ox.RdfFormat.N_TRIPLES, to_graph=name, lenient=True)
        self.graphs[graph] = source
        self.texts[graph] = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b""
        return self.texts[graph]


def _converter():
    """:func:`_convert`, each IRI made once: a description names the same few hundred over and over."""
    iris: dict = {}

    def convert(term):
        if type(term) is URIRef:
            node = iris.get(term)
            if node is None:
                node = iris[term] = ox.NamedNode(term)
            return node
        return _convert(term)

    return convert


def in_graph(ntriples_text: bytes, graph_iri: str) -> bytes:
    """The N-Quads of ``ntriples_text`` (as :func:`ntriples` or Oxigraph writes it) in the graph ``graph_iri``.

    N-Triples escape line breaks inside literals, so every line ends with its
    own " ." and the graph's name goes just before it.
    """
    name = b" <" + graph_iri.encode("utf-8") + b"> .\n"
    return ntriples_text.replace(b" .\n", name)


def graph_digest(quads) -> str:
    """The SHA-256 of a graph's triples as sorted N-Triples lines, blank nodes unnamed.

    Blank nodes are written ``_:`` alike, so that a server that names them anew
    on each read gives the same checksum; a changed text, IRI or count does not.
    pyoxigraph writes the lines (a Python loop over terms took four times longer).
    """
    return ntriples_digest(ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES))


def ntriples_digest(text: bytes | None) -> str:
    """The :func:`graph_digest` of a graph that Oxigraph wrote as these N-Triples."""
    text = text or b""
    if b"_:" in text:  # a label never runs over a line's end: the whole text at once
        text = _BLANK_LABEL.sub(b"_:", text)
    lines = sorted(text.splitlines())
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def stored_digest(ntriples_text: bytes) -> str:
    """The :func:`graph_digest` of these N-Triples once Oxigraph holds them.

    Oxigraph stores some literals in their canonical form ("1.50"^^xsd:decimal
    is read back as "1.5"), so the digest is taken from a store in memory, which
    keeps them as an on-disk store does: the same checksum as reading the graph
    back after writing it, without the read (12 s for 1,000 graphs on disk).
    """
    store = ox.Store()
    store.load(ntriples_text, format=ox.RdfFormat.N_TRIPLES)
    return ntriples_digest(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))


class ChunkReader(io.RawIOBase):
    """Byte strings read one after the other as one stream: N-Quads for the bulk loader, never joined in memory."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._rest = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._rest = memoryview(chunk)
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


class _Shared:
    """An iterator that several threads may draw from: each item goes to one of them, until ``stop`` is set."""

    def __init__(self, items: Iterator[bytes], stop: threading.Event) -> None:
        self._items, self._lock, self._stop = items, threading.Lock(), stop

    def __iter__(self) -> _Shared:
        return self

    def __next__(self) -> bytes:
        with self._lock:
            if self._stop.is_set():
                raise StopIteration
            return next(self._items)


def bulk_load_pieces(store: ox.Store, pieces: Iterable[bytes], loaders: int) -> None:
    """Give ``store``'s bulk loader the N-Quads ``pieces``, dealt out to up to ``loaders`` loaders at once.

    Each piece must be whole lines whose blank nodes no other piece names: a
    loader reads its pieces as one document, and two loaders' documents share no
    blank node. Oxigraph's bulk loader works a call of less than a million quads
    in one thread; two calls side by side wrote the 600,709 quads of 1,000
    generated descriptions to disk in 2.6 s instead of 5.5 s, and the 5.9 million
    of 10,000 in 36.6 s instead of 42.0 s (it works larger calls in threads of its own).
    Oxigraph lets go of the interpreter while it loads; the pieces are read,
    one at a time, by whichever loader asks.
    """
    pieces = iter(pieces)
    first = list(islice(pieces, max(1, loaders)))  # a loader starts only if it has a piece to load
    if not first:
        return
    stop = threading.Event()
    shared = _Shared(pieces, stop)
    streams = [io.BufferedReader(ChunkReader(chain([piece], shared))) for piece in first]
    if len(streams) == 1:
        store.bulk_load(streams[0], format=ox.RdfFormat.N_QUADS)
        return
    with ThreadPoolExecutor(len(streams), thread_name_prefix="cap-ptce-bulk-load") as pool:
        done = [pool.submit(store.bulk_load, stream, format=ox.RdfFormat.N_QUADS) for stream in streams]
        try:
            for future in done:
                future.result()
        except BaseException:  # Ctrl-C, or a loader that failed: the others end with the piece they read
            stop.set()
            _until_done(done)
            raise


def _until_done(futures) -> None:
    """Wait for ``futures`` to end, through any further Ctrl-C: the store they write to may be put back next,
    which must not happen under a loader still writing."""
    while True:
        try:
            wait(futures)
            return
        except KeyboardInterrupt:
            continue


def _convert(term):
    kind = type(term)  # rdflib's own classes first: a description's terms are nothing else
    if kind is URIRef:
        return ox.NamedNode(term)
    if kind is BNode:
        return ox.BlankNode(term)
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language is not None:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _through_rdflib(triples: Iterable[tuple]) -> bytes:
    from rdflib import Graph

    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph.serialize(format="nt", encoding="utf-8")
