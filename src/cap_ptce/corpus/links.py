"""Links from a description to the public registers, where they are true.

An organisation that a description identifies by its SIREN is the one that the
public register of companies (the Annuaire des entreprises, data.gouv.fr) shows
at ``…/entreprise/{siren}``: it gets an ``rdfs:seeAlso`` to that page. A fictional
description (``fictif: true``, ``cap:fictional``) gets none: its SIRENs are made up
and may belong to real companies.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from ..rdf.namespaces import CAP

__all__ = ["REGISTER", "with_register_links"]

REGISTER = "https://annuaire-entreprises.data.gouv.fr/entreprise/"
_SIREN = re.compile(r"[0-9]{9}")
_TRUE = Literal(True)
# rdflib makes a namespace's term anew at each look-up: once here
_FICTIONAL, _SIREN_OF, _SEE_ALSO = CAP.fictional, CAP.siren, RDFS.seeAlso


def with_register_links(triples: list[tuple]) -> list[tuple]:
    """``triples`` and an ``rdfs:seeAlso`` to the register for every organisation given a SIREN, unless fictional."""
    if any(p == _FICTIONAL and o == _TRUE for _s, p, o in triples):
        return triples
    links = [
        (organisation, _SEE_ALSO, URIRef(REGISTER + str(siren)))
        for organisation, predicate, siren in triples
        if predicate == _SIREN_OF and _SIREN.fullmatch(str(siren))
    ]
    return triples + links
