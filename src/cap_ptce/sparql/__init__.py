"""SPARQL for the knowledge base: read a request safely, run it with limits, write its results.

- :mod:`.inspect` scans a request: its form, and refusals (updates, ``SERVICE``);
- :mod:`.formats` is the table of result formats and the negotiation;
- :mod:`.execute` runs a query on a pyoxigraph store and writes its results under a row cap;
- :mod:`.pool` runs queries in worker processes, killed at the time limit, and
  :mod:`.sharing` shares them between clients; :mod:`.workers` is what a worker runs;
  :mod:`.memory` holds one in-memory copy of the store for the ready-made queries;
- :mod:`.description` builds the SPARQL 1.1 Service Description.

Owns: everything about one SPARQL request, whatever store answers it. May
import: the foundations only. It imports neither rdflib nor Flask, so that
worker processes start fast.
"""

from __future__ import annotations

from .execute import QueryRequest, QueryResult, dataset_options, execute
from .formats import GRAPH_FORMATS, TABLE_FORMATS, ResultFormat, by_name, choose_format, formats_for
from .inspect import QUERY_FORMS, QueryInfo, inspect_query, is_update
from .pool import WorkerPool
from .sharing import Sharing
from .syntax import syntax_error

__all__ = [
    "QUERY_FORMS",
    "QueryInfo",
    "inspect_query",
    "is_update",
    "QueryRequest",
    "QueryResult",
    "execute",
    "dataset_options",
    "ResultFormat",
    "TABLE_FORMATS",
    "GRAPH_FORMATS",
    "formats_for",
    "by_name",
    "choose_format",
    "WorkerPool",
    "Sharing",
    "syntax_error",
]
