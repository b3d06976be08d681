"""A SPARQL 1.1 server used as the store: queries through the SPARQL Protocol,
loading through the Graph Store Protocol (HTTP PUT and DELETE of whole graphs).

Only the two URLs given are ever contacted: redirects are not followed and the
environment's proxy settings are ignored. Credentials for the Graph Store go in
its URL (``http://user:password@host/…``); they are taken out of it, sent only
with the Graph Store requests (HTTP Digest or Basic, as the server asks) and
never shown in messages. Tested on Oxigraph server and Virtuoso 7 (:mod:`.virtuoso`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit, urlunsplit

import pyoxigraph as ox
import requests

from .. import errors
from ..errors import (
    ParameterError,
    QueryError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    QueryTooLargeError,
    StoreError,
    TooManyQueriesError,
)
from ..rdf.formats import FORMATS
from ..settings import defaults
from ..sparql.execute import QueryRequest, QueryResult, write_solutions, write_triples
from ..sparql.formats import ResultFormat
from ..sparql.inspect import QueryInfo
from ..sparql.sharing import ClientLedger, Sharing
from ..sparql.syntax import syntax_error
from . import virtuoso
from .provenance import graph_digest

__all__ = ["RemoteStore", "is_url", "default_graph_store", "split_credentials"]

_TABLE_TYPE = "application/sparql-results+json"
_GRAPH_TYPE = next(fmt.media_type for fmt in FORMATS if fmt.name == "nt")


def is_url(location: str | None) -> bool:
    """True when ``location`` is an http(s) URL rather than a folder."""
    return bool(location) and urlsplit(str(location)).scheme in {"http", "https"}


def default_graph_store(endpoint: str) -> str | None:
    """The Graph Store URL beside a query endpoint, for the layouts we know (Oxigraph, Fuseki, Virtuoso)."""
    parts = urlsplit(endpoint)
    head, _, last = parts.path.rstrip("/").rpartition("/")
    replacement = {"query": "store", "sparql": "data"}.get(last)
    if replacement is None:
        return None
    if last == "query" and head.count("/") >= 1:  # /{dataset}/query is Fuseki's layout
        replacement = "data"
    if last == "sparql" and not head:  # /sparql at the root is Virtuoso's layout
        replacement = "sparql-graph-crud"
    return urlunsplit(parts._replace(path=f"{head}/{replacement}", query=""))


def split_credentials(url: str | None) -> tuple[str | None, tuple[str, str] | None]:
    """``http://user:password@host/path`` -> (``http://host/path``, (user, password)); others unchanged."""
    parts = urlsplit(url or "")
    if parts.username is None:
        return url, None
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc)), (unquote(parts.username), unquote(parts.password or ""))


# a refusal said in JSON whose error names none of ours: its type by the HTTP status
_BY_STATUS = {
    400: QuerySyntaxError,
    403: QueryRefusedError,
    413: QueryTooLargeError,
    429: TooManyQueriesError,
    503: QueryTimeoutError,
}
_MAX_ERROR_BYTES = 65536  # an error page is read this far, never a whole body a server might send


def _said_in_json(response: requests.Response) -> errors.CapPtceError | None:
    """A refusal the server said in JSON with a message (our endpoint's error, or another's) as our own error,
    with its hint and position; None for a body that is no such JSON.

    The command line then says it as it says its own errors (``cap-ptce query --store URL`` printed the server's
    JSON as it came, braces and all).
    """
    try:
        data = json.loads(response.content[:_MAX_ERROR_BYTES])
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("message"), str) or not data["message"].strip():
        return None
    # a query error of ours, by its name (our own endpoint's); never another of our errors, which the command line
    # may take otherwise (a damaged store), chosen by whatever server the user named
    kind = getattr(errors, str(data.get("error")), None)
    ours = isinstance(kind, type) and issubclass(kind, (QueryError, ParameterError))
    if not ours:
        kind = _BY_STATUS.get(response.status_code, StoreError)
    message = data["message"][:2000]
    if not ours:
        said = data["message"][:300]
        message = f"le serveur SPARQL a refusé la requête : « {said} » / the SPARQL server refused the query: {said}"
    fields = {name: data.get(name) for name in ("line", "column") if isinstance(data.get(name), int)}
    fields |= {name: data[name][:2000] for name in ("hint", "key") if isinstance(data.get(name), str)}
    try:
        return kind(message, **fields)
    except TypeError:  # an error of ours that is made otherwise: the words alone
        return QueryError(message, **fields)


_ENGINE_POSITION = re.compile(r"^error at \d+:\d+: ")


def _refused_query(body: str) -> errors.CapPtceError:
    """A syntax error the server said as text: Oxigraph server's « error at 1:26: expected … » in our words and
    with its position; another server's words as they are, in both halves."""
    if _ENGINE_POSITION.match(body):
        return syntax_error(SyntaxError(body[:_MAX_ERROR_BYTES]))
    said = body[:300].strip()
    return QuerySyntaxError(
        f"le serveur SPARQL a refusé la requête : « {said} » / the SPARQL server refused the query: {said}",
        hint="corrigez la requête / fix the query",
    )


class _DigestOrBasic(requests.auth.HTTPDigestAuth):
    """Answers the server's challenge: Digest (Virtuoso's /sparql-graph-crud-auth) or Basic (Fuseki's)."""

    def handle_401(self, response, **kwargs):
        if not response.headers.get("www-authenticate", "").lower().startswith("basic"):
            return super().handle_401(response, **kwargs)
        response.close()
        retry = requests.auth.HTTPBasicAuth(self.username, self.password)(response.request.copy())
        again = response.connection.send(retry, **kwargs)  # the adapter's send: no hook, so no second retry
        again.history.append(response)
        return again


class RemoteStore:
    """A remote SPARQL 1.1 endpoint (and its Graph Store) behind the same interface as LocalStore."""

    def __init__(
        self,
        endpoint: str,
        graph_store: str | None = None,
        *,
        prefixes: dict[str, str] | None = None,
        timeout: float | None = None,
        sharing: Sharing | None = None,
    ) -> None:
        if not is_url(endpoint):
            raise ParameterError(
                f"pas une URL http(s) : {endpoint!r} / not an http(s) URL: {endpoint!r}",
                key="STORE",
                hint="donnez un dossier ou l'URL d'un point SPARQL / give a folder or a SPARQL endpoint's URL",
            )
        self.endpoint = endpoint
        self.graph_store, credentials = split_credentials(graph_store or default_graph_store(endpoint))
        self._graph_store_auth = _DigestOrBasic(*credentials) if credentials else None
        # our own requests (writes, loads' queries) wait this long; a visitor's query brings its own limit
        self.timeout = float(timeout if timeout is not None else defaults()["STORE_TIMEOUT"])
        self._prefixes = prefixes or {}
        self.clients = ClientLedger(sharing or Sharing())
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy, no .netrc: talk to the given URL only

    def _send(self, method: str, url: str, *, timeout: float | None = None, **kwargs) -> requests.Response:
        try:
            response = self._session.request(
                method, url, allow_redirects=False, timeout=timeout or self.timeout, **kwargs
            )
        except requests.Timeout:
            if timeout is not None:  # a visitor's query, under its own limit
                raise QueryTimeoutError(
                    f"le serveur SPARQL {self.endpoint} n'a pas répondu à temps / "
                    f"the SPARQL server {self.endpoint} did not answer in time",
                    hint="réessayez dans un moment, ou simplifiez la requête / retry in a while, or simplify the query",
                ) from None
            raise QueryTimeoutError(
                f"le serveur SPARQL {self.endpoint} n'a pas répondu à {method} {url} en {self.timeout:g} s / "
                f"the SPARQL server {self.endpoint} did not answer {method} {url} within {self.timeout:g} s",
                hint="un serveur lent ou chargé : augmentez STORE_TIMEOUT (docs/settings.md) / "
                "a slow or busy server: raise STORE_TIMEOUT (docs/settings.md)",
            ) from None
        except requests.RequestException as exc:
            raise StoreError(
                f"le serveur SPARQL {url} est injoignable / cannot reach the SPARQL server {url}: {exc}",
                source=url,
                hint="vérifiez l'URL et que le serveur tourne / check the URL and that the server runs",
            ) from None
        if response.status_code >= 400 and url == self.endpoint:
            said = _said_in_json(response)
            if said is not None:
                raise said
        if response.status_code == 400 and method == "POST" and url == self.endpoint:
            raise _refused_query(response.text)
        if response.status_code == 500 and url == self.endpoint and virtuoso.stopped_by_server(response.text[:300]):
            raise QueryTimeoutError(
                "le serveur SPARQL a arrêté la requête à sa limite de temps / "
                f"the SPARQL server stopped the query at its time limit: {response.text[:200]}",
                hint="simplifiez la requête ou ajoutez LIMIT / simplify the query or add LIMIT",
            )
        if response.status_code >= 300:
            raise StoreError(
                f"{method} {url} a répondu {response.status_code} / "
                f"{method} {url} answered {response.status_code}: {response.text[:300]}",
                source=url,
            )
        return response

    def _query(self, sparql: str, accept: str, *, params=(), timeout=None) -> bytes:
        # A form (query=…), which every server takes, not a body of type application/sparql-query,
        # which Virtuoso 7 never answers (openlink/virtuoso-opensource#842)
        response = self._send(
            "POST",
            self.endpoint,
            data=[("query", sparql), *params],
            timeout=timeout,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept},
        )
        virtuoso.check_answer(response.headers, self.endpoint)
        return virtuoso.standard_json(response.content) if accept == _TABLE_TYPE else response.content

    def graph_names(self) -> set[str]:
        # GROUP BY, not DISTINCT: the same graphs, but Virtuoso 7 takes minutes over DISTINCT at 500,000 quads
        rows = self.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {
            row["g"].value
            for row in rows
            if isinstance(row.get("g"), ox.NamedNode) and not row["g"].value.startswith(virtuoso.SERVER_GRAPHS)
        }

    def select(self, sparql: str) -> list[dict]:
        body = self._query(sparql, _TABLE_TYPE)
        results = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        names = [variable.value for variable in results.variables]
        return [dict(zip(names, row)) for row in results]

    def _graph_url(self) -> str:
        if not self.graph_store:
            raise ParameterError(
                f"aucune URL de Graph Store connue pour {self.endpoint} / no Graph Store URL known for {self.endpoint}",
                key="GRAPH_STORE",
                hint="donnez --graph-store URL / give --graph-store URL (see docs/sparql.md)",
            )
        return self.graph_store

    def replace_graph(self, iri: str, ntriples: bytes) -> None:
        self._send(
            "PUT",
            self._graph_url(),
            params={"graph": iri},
            data=ntriples,
            headers={"Content-Type": _GRAPH_TYPE},
            auth=self._graph_store_auth,
        )

    def replace_graphs(self, graphs: Mapping[str, bytes]) -> None:
        """One Graph Store PUT per graph: the protocol has no request for several graphs."""
        for iri, ntriples in graphs.items():
            self.replace_graph(iri, ntriples)

    def drop_graph(self, iri: str) -> None:
        try:
            self._send("DELETE", self._graph_url(), params={"graph": iri}, auth=self._graph_store_auth)
        except StoreError as exc:
            if " answered 404" not in exc.message:
                raise

    def run(
        self,
        request: QueryRequest,
        info: QueryInfo,
        fmt: ResultFormat,
        *,
        timeout: float | None,
        max_rows: int,
        client: str | None = None,
    ) -> QueryResult:
        """Ask the server, then cap and write the results ourselves, as for the local store.

        A ``client`` runs as many queries at once as the local store would let it;
        the server's own limits do the rest.
        """
        with self.clients.slot(client, timeout or self.timeout):
            return self._run(request, info, fmt, timeout=timeout, max_rows=max_rows)

    def _run(self, request: QueryRequest, info: QueryInfo, fmt: ResultFormat, *, timeout, max_rows) -> QueryResult:
        params = [("default-graph-uri", iri) for iri in request.default_graphs or ()]
        params += [("named-graph-uri", iri) for iri in request.named_graphs or ()]
        text = request.text
        if request.base_iri:  # a BASE of the query's own, later in the prologue, still wins
            text = f"BASE <{request.base_iri}>\n{text}"
        accept = _GRAPH_TYPE if info.returns_graph else _TABLE_TYPE
        try:
            body = self._query(text, accept, params=params, timeout=timeout)
        except QueryError as exc:
            if request.base_iri and exc.line is not None:  # the server counted our BASE line: the user's lines
                exc.line = max(exc.line - 1, 1)
            raise
        if info.returns_graph:
            return write_triples(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), fmt, max_rows, self._prefixes)
        results = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if isinstance(results, ox.QueryBoolean):
            return QueryResult(fmt, results.serialize(format=fmt.oxigraph), 1)
        return write_solutions(results, fmt, max_rows)

    #: A server may write a literal otherwise than Oxigraph (Virtuoso does): checksums are read back from it.
    rewrites_literals_its_own_way = True

    def graph_digests(self, iris) -> dict[str, str]:
        """Each graph's checksum (see :func:`cap_ptce.store.provenance.graph_digest`), from one query."""
        iris = list(iris)
        if not iris:
            return {}
        values = " ".join(f"<{iri}>" for iri in iris)
        rows = self.select(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
        by_graph: dict[str, list] = {iri: [] for iri in iris}
        for row in rows:
            by_graph[row["g"].value].append(ox.Quad(row["s"], row["p"], row["o"]))
        return {iri: graph_digest(quads) for iri, quads in by_graph.items()}

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """No transaction over the Graph Store Protocol: graphs are written one by one, provenance last."""
        yield

    def flush(self) -> None:
        """Nothing to do: the server commits each request."""

    def close(self) -> None:
        self._session.close()
