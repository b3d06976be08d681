"""The RDF stage: namespaces, the ontology's files, serialisation and content negotiation.

Owns: the namespaces and base IRIs (:mod:`.namespaces`), the Turtle files of
the data folders and the ontology (:mod:`.vocabulary`), the table of RDF
formats and deterministic serialisation (:mod:`.serialize`), rdflib's triples
written for Oxigraph without an rdflib graph (:mod:`.oxigraph`), the table of
representations and content negotiation (:mod:`.negotiation`), the
description of one resource for pages (:mod:`.describe`), and which IRIs may
become links (:mod:`.weblinks`: http and https only). May import: the
foundations only (``errors``, ``settings``, ``resources``, ``i18n``).
"""
