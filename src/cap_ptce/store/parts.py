"""Which quads of the knowledge base each published part holds: the corpus, the register of real PTCEs.

Each is a SPARQL group pattern that binds ``?g ?s ?p ?o`` (graph, triple), for
the pages, the downloads and the catalogue's figures, counted in the store:

- :data:`REGISTER_QUADS`: the register's description graphs (the poles whose
  provenance record says ``dcterms:isPartOf <…/registre>``), and what the derived
  graphs (provenance, indicators, organisations) say of them: triples whose
  subject is one of its poles, its description graphs, a resource its
  descriptions describe (an actor, a funding…) or an organisation one of its
  poles involves, and the blank nodes these point at (a validation report, a
  tally of members);
- :data:`CORPUS_QUADS`: every other quad outside the reference graphs: the
  corpus's descriptions, what the derived graphs say of them, and the places
  graph (the official geography, about no pole in particular);
- :data:`ALL_QUADS`: both, every graph outside the ontology, the grid and the shapes.

The two parts share no quad, and together they are every quad outside the
reference graphs: a store that loads both dumps answers every query as the
endpoint does. The real poles' counts and places are never published under the
fictional sample's title.
"""

from __future__ import annotations

from . import REFERENCE_GRAPHS
from .indicators import INDICATORS_GRAPH, ORGANISATIONS_GRAPH
from .provenance import PROVENANCE_GRAPH, REGISTER_DATASET

__all__ = ["ALL_QUADS", "CORPUS_QUADS", "REGISTER_QUADS", "IN_REGISTER", "DERIVED_BY_POLE", "PART_QUADS"]

_DCT = "http://purl.org/dc/terms/"
_FOAF_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
_INVOLVED_IN = "https://w3id.org/cap-ptce/def#involvedIn"
_REFERENCE = ", ".join(f"<{iri}>" for iri in REFERENCE_GRAPHS.values())

# Binds ?project to each pole of the register (its provenance record says so).
IN_REGISTER = f"GRAPH <{PROVENANCE_GRAPH}> {{ ?project <{_DCT}isPartOf> <{REGISTER_DATASET}> }}"
# The derived graphs whose triples are about one description or another (the places graph is not).
DERIVED_BY_POLE = (PROVENANCE_GRAPH, INDICATORS_GRAPH, ORGANISATIONS_GRAPH)

ALL_QUADS = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({_REFERENCE}))"

_IN_PROVENANCE = f"GRAPH <{PROVENANCE_GRAPH}>"
_POLE = f"?pole <{_DCT}isPartOf> <{REGISTER_DATASET}>"
_REGISTER_GRAPHS = f"{_IN_PROVENANCE} {{ ?graphe <{_FOAF_TOPIC}> ?pole . {_POLE} }}"
# Every subject the derived graphs may say something of for the register, each branch on its own
# (a variable bound in one branch of a UNION is unbound in the others).
_REGISTER_SUBJECTS = f"""{{ SELECT DISTINCT ?sujet WHERE {{
      {{ {_IN_PROVENANCE} {{ ?sujet <{_FOAF_TOPIC}> ?pole . {_POLE} }} }}
      UNION {{ {_IN_PROVENANCE} {{ ?sujet <{_DCT}isPartOf> <{REGISTER_DATASET}> }} }}
      UNION {{ {_REGISTER_GRAPHS} GRAPH ?graphe {{ ?sujet ?x ?y }} }}
      UNION {{ {_IN_PROVENANCE} {{ {_POLE} }} GRAPH <{ORGANISATIONS_GRAPH}> {{ ?sujet <{_INVOLVED_IN}> ?pole }} }}
    }} }}"""
_DERIVED = " ".join(f"<{iri}>" for iri in DERIVED_BY_POLE)

_ABOUT = f"{_REGISTER_SUBJECTS} VALUES ?g {{ {_DERIVED} }}"
REGISTER_QUADS = f"""{{ {_REGISTER_GRAPHS} BIND(?graphe AS ?g) GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ {_ABOUT} GRAPH ?g {{ ?sujet ?p ?o }} BIND(?sujet AS ?s) }}
  UNION {{ {_ABOUT} GRAPH ?g {{ ?sujet ?lien ?s . ?s ?p ?o }} FILTER(isBlank(?s)) }}"""

# MINUS: a hash anti-join on Oxigraph, on the register's few thousand quads.
CORPUS_QUADS = f"{ALL_QUADS} MINUS {{ {REGISTER_QUADS} }}"

PART_QUADS = {"corpus": CORPUS_QUADS, "registre": REGISTER_QUADS, "tous": ALL_QUADS}
