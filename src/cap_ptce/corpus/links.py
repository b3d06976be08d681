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


def with_register_links(triples: list[tuple]) -> list[tuple]:
    """``triples`` and an ``rdfs:seeAlso`` to the register for every organisation given a SIREN, unless fictional."""
    if any(p == CAP.fictional and o == _TRUE for _s, p, o in triples):
        return triples
    links = [
        (organisation, RDFS.seeAlso, URIRef(REGISTER + str(siren)))
        for organisation, predicate, siren in triples
        if predicate == CAP.siren and _SIREN.fullmatch(str(siren))
    ]
    return triples + links
