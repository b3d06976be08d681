"""The namespaces and base IRIs of CAP PTCE, declared once."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

__all__ = [
    "BASE",
    "CAP",
    "ONTOLOGY_IRI",
    "GRID_IRI",
    "GRILLE",
    "VOCAB",
    "SHAPES",
    "SHAPES_DOCUMENT",
    "INSTITUT_GODIN",
    "CAP_PTCE_TEAM",
    "DISCO",
    "ORG",
    "ROV",
    "ADMS",
    "SCHEMA",
    "IGEO",
    "ESS",
    "VANN",
    "PREFIXES",
    "bind_prefixes",
]

BASE = "https://w3id.org/cap-ptce/"
ONTOLOGY_IRI = BASE + "def"
CAP = Namespace(ONTOLOGY_IRI + "#")
GRILLE = Namespace(BASE + "grille/")
GRID_IRI = GRILLE["cap-ptce"]
VOCAB = Namespace(BASE + "vocab/")
SHAPES = Namespace(BASE + "shapes#")
SHAPES_DOCUMENT = URIRef(BASE + "shapes")  # the shapes as a document (an owl:Ontology with a version)
# The grid's author, when grille.yaml gives no IRI of its own (one IRI for every graph we publish).
INSTITUT_GODIN = URIRef(BASE + "organisation/institut-godin")
# We who made the ontology, the shapes and the vocabularies drawn from the grid (described in ontology/cap.ttl).
CAP_PTCE_TEAM = URIRef(BASE + "organisation/cap-ptce")

DISCO = Namespace("http://rdf-vocabulary.ddialliance.org/discovery#")
ORG = Namespace("http://www.w3.org/ns/org#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SCHEMA = Namespace("https://schema.org/")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
ESS = Namespace("http://purl.org/essglobal/vocab/")
VANN = Namespace("http://purl.org/vocab/vann/")

PREFIXES: dict[str, Namespace] = {
    "cap": CAP,
    "grille": GRILLE,
    "vocab": VOCAB,
    "capsh": SHAPES,
    "disco": DISCO,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "void": VOID,
    "org": ORG,
    "rov": ROV,
    "adms": ADMS,
    "schema": SCHEMA,
    "prov": PROV,
    "igeo": IGEO,
    "ess": ESS,
    "sh": SH,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "foaf": FOAF,
    "vann": VANN,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind our prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
