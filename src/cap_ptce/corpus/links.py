"""Links from a description to the public registers, where they are true.

An organisation that a description identifies by its SIREN is the one that the
public register of companies (the Annuaire des entreprises, data.gouv.fr) shows
at ``…/entreprise/{siren}``: it gets an ``rdfs:seeAlso`` to that page. A fictional
description (``fictif: true``, ``cap:fictional``) gets none: its SIRENs are made up
and may belong to real companies.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ..rdf.namespaces import CAP

__all__ = ["REGISTER", "with_register_links"]

REGISTER = "https://annuaire-entreprises.data.gouv.fr/entreprise/"
_SIREN = re.compile(r"[0-9]{9}")


def with_register_links(graph: Graph) -> Graph:
    """``graph`` with an ``rdfs:seeAlso`` to the register for every organisation it gives a SIREN, unless fictional."""
    if (None, CAP.fictional, Literal(True)) in graph:
        return graph
    for organisation, siren in graph.subject_objects(CAP.siren):
        if _SIREN.fullmatch(str(siren)):
            graph.add((organisation, RDFS.seeAlso, URIRef(REGISTER + str(siren))))
    return graph
