"""A knowledge base opened as the settings say (``STORE``, ``CORPUS``, the query workers' limits)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from ..corpus import DescriptionValidator, LoadReport, default_loader, record_validator, why_ignored
from ..errors import InputFileError, together
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

    A file of CORPUS that cannot be read is an error (every such file told),
    not a description left out: the figures of a query or a page would
    otherwise count one project less, without a word; so is a data file that
    a load does not read (:func:`~cap_ptce.corpus.ignored_files`).
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
        _loaded_whole(kb, kb.load_corpus(corpus or data_dir("corpus"), loader=loader, validator=validator))
        _loaded_whole(kb, kb.load_corpus(register, loader=loader, validator=record_validator, scope=REGISTER_SCOPE))
        return kb
    kb = KnowledgeBase.open(
        store, graph_store=config["GRAPH_STORE"] or None, store_timeout=float(config["STORE_TIMEOUT"]), **options
    )
    if corpus:
        kb.load_reference_graphs(license=config["LICENSE"])
        _loaded_whole(kb, kb.load_corpus(corpus, loader=loader, validator=validator))
        _loaded_whole(kb, kb.load_corpus(register, loader=loader, validator=record_validator, scope=REGISTER_SCOPE))
    return kb


def _loaded_whole(kb: KnowledgeBase, report: LoadReport) -> None:
    """When a file of the load failed: close ``kb``, and raise every such file together (an InputFileError each,
    named by its file: « registre/echobat.yaml », whose project a corpus's file named again)."""
    failed = report.by_status("failed")
    if not failed and not report.ignored:
        return
    kb.close()
    hint = (
        "un fichier en échec serait laissé de côté, et chaque chiffre compterait sans lui : "
        "corrigez-le (« cap-ptce validate FICHIER ») ; pour interroger ou servir les autres en attendant, "
        "« cap-ptce load DOSSIER --store STORE » les charge et nomme ceux en échec, et « cap-ptce serve "
        "--store STORE » les sert / a file that fails would be left out, and every figure would count "
        "without it: fix it (`cap-ptce validate FILE`); to query or serve the others meanwhile, `cap-ptce load "
        "FOLDER --store STORE` loads them and names those that failed, and `cap-ptce serve --store STORE` "
        "serves them"
    )
    errors = [InputFileError(_named(outcome), hint=None if n else hint) for n, outcome in enumerate(failed)]
    # a data file the load does not read (a JSON-LD description named .json) would be left out as well
    errors += [InputFileError(f"{name}: {why_ignored(name)}", hint=None if errors else hint) for name in report.ignored]
    raise together(errors)


def _named(outcome) -> str:
    """A failed file's error, after its name (the loader's own errors give it; a project described twice not)."""
    error = outcome.error or ""
    return error if error.startswith(f"{outcome.source}:") else f"{outcome.source}: {error}".rstrip(": ")
