"""The publishing stage: what open-data publishers and harvesters get.

Owns: the dataset's parts (:mod:`.parts`: ontology, grid, shapes), the DCAT
catalogue and VoID description (:mod:`.catalog`), the Apache and nginx rules
that make a static host negotiate as the app does (:mod:`.server_rules`), and
the writer of a static copy of the site (:mod:`.static`), fed with the app's
documents by :mod:`cap_ptce.web.export`. May import: the foundations, ``rdf``,
``grid`` and ``validation`` (for the shapes); never ``web`` or ``cli``.
"""
