"""The dossier: a project description laid out along the grid for people, and the project among the others.

Owns: the description as a dossier (:mod:`.model`: the grid's 9 entries and 18
questions in the tense of the project's maturity, each with its answer, then
the structured facts as tables with labels instead of codes, places by name
and amounts in euros), its renderers (:mod:`.render`: a self-contained HTML
file, Markdown, and an A4 PDF through WeasyPrint), the validation report for
people (:mod:`.checks`: results by entry with the lines around them, the
completeness chart), and where a project stands among the others of a
knowledge base (:mod:`.compare`: percentiles and nearest poles, computed in
SPARQL). The web's project page, the validator, the editor and
``cap-ptce dossier`` all draw from here. May import: every stage up to
``store`` (a knowledge base is passed in, never built here), ``charts`` and
``geo``; never ``queries``, ``publish``, ``web`` or ``cli``.
"""
