"""A knowledge base opened as the settings say (``STORE``, ``CORPUS``, the query workers' limits)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from ..corpus import DescriptionValidator, default_loader, record_validator
from ..resources import data_dir
from ..settings import defaults
from ..sparql.sharing import Sharing
from . import REGISTER_SCOPE, KnowledgeBase

__all__ = ["build_kb", "sharing_of"]


def sharing_of(config: Mapping[str, Any]) -> Sharing:
    """How clients share the query workers, from the settings."""
    return Sharing(
        per_client=int(config["QUERIES_PER_CLIENT"]),
        queue=int(config["QUERY_QUEUE"]),
        heavy_workers=int(config["HEAVY_QUERY_WORKERS"]),
        client_seconds=float(config["CLIENT_QUERY_SECONDS"]),
        main_seconds=float(config["MAIN_QUERY_SECONDS"]),
    )


def build_kb(config: Mapping[str, Any]) -> KnowledgeBase:
    """A knowledge base from the STORE and CORPUS settings (missing settings take their defaults).

    No STORE: in memory, with the grid, the CORPUS (default: the embedded
    sample corpus) and the REGISTRE of real PTCEs (default: the embedded
    register). A folder or a URL: that store, as it is; with CORPUS, brought up
    to date with the corpus and the register first.
    """
    config = {**defaults(), **config}
    store, corpus = config["STORE"], config["CORPUS"]
    options = {
        "workers": int(config["QUERY_WORKERS"]),
        "workers_in_memory": bool(config["WORKERS_IN_MEMORY"]),
        "query_memory_mib": int(config["QUERY_MEMORY_MB"]) or None,
        "sharing": sharing_of(config),
    }
    loader = partial(default_loader, base=config["BASE_IRI"] or None)
    validator = DescriptionValidator(config["VALIDATION_ENGINE"] or None)
    register = config["REGISTRE"] or data_dir("registre") / "poles"
    if not store:
        kb = KnowledgeBase.open(**options)
        kb.load_reference_graphs(license=config["LICENSE"])
        kb.load_corpus(corpus or data_dir("corpus"), loader=loader, validator=validator)
        kb.load_corpus(register, loader=loader, validator=record_validator, scope=REGISTER_SCOPE)
        return kb
    kb = KnowledgeBase.open(
        store, graph_store=config["GRAPH_STORE"] or None, store_timeout=float(config["STORE_TIMEOUT"]), **options
    )
    if corpus:
        kb.load_reference_graphs(license=config["LICENSE"])
        kb.load_corpus(corpus, loader=loader, validator=validator)
        kb.load_corpus(register, loader=loader, validator=record_validator, scope=REGISTER_SCOPE)
    return kb
