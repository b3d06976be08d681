"""The facts the engine adds before the shapes run: the official geography of each place, and the left-over
texts, recognised alike in Python, by rdflib and by Oxigraph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from cap_ptce import i18n
from cap_ptce.geo import load_geography
from cap_ptce.rdf.namespaces import CAP, IGEO
from cap_ptce.validation.geography import place_iri, place_triples
from cap_ptce.validation.placeholders import is_placeholder_text, placeholder_pattern


def facts_of(level: str, code: str) -> Graph:
    graph = Graph()
    node = place_iri(level, code)
    graph.add((node, RDF.type, {"commune": IGEO.Commune, "departement": IGEO.Departement}[level]))
    graph.add((node, IGEO.codeINSEE, Literal(code)))
    out = Graph()
    for triple in place_triples(graph):
        out.add(triple)
    return out


def test_a_commune_gets_its_name_parents_and_epci_from_the_cog():
    facts = facts_of("commune", "80021")
    amiens = place_iri("commune", "80021")
    assert facts.value(amiens, CAP.officialName) == Literal("Amiens")
    assert facts.value(amiens, CAP.inDepartement) == place_iri("departement", "80")
    assert facts.value(amiens, CAP.inRegion) == place_iri("region", "32")
    assert facts.value(amiens, CAP.inEpci) == place_iri("intercommunalite", "248000531")
    assert facts.value(place_iri("departement", "80"), CAP.officialName) == Literal("Somme")
    assert facts.value(amiens, CAP.geographySource) == Literal(f"COG {load_geography().source.millesime}")
    assert facts.value(amiens, CAP.currentCommune) is None


def test_a_municipal_arrondissement_is_a_place_of_its_own():
    facts = facts_of("commune", "69381")
    lyon_1 = place_iri("commune", "69381")
    assert facts.value(lyon_1, CAP.officialName) == Literal("Lyon 1er Arrondissement")
    assert facts.value(lyon_1, CAP.currentCommune) is None
    assert facts.value(lyon_1, CAP.inEpci) == place_iri("intercommunalite", "200046977")  # Lyon's


def test_a_former_code_leads_to_its_current_commune():
    facts = facts_of("commune", "20004")
    old = place_iri("commune", "20004")
    assert facts.value(old, CAP.officialName) is None
    assert facts.value(old, CAP.currentCommune) == place_iri("commune", "2A004")
    assert facts.value(place_iri("commune", "2A004"), CAP.officialName) == Literal("Ajaccio")
    assert facts.value(old, CAP.inDepartement) == place_iri("departement", "2A")


def test_an_unknown_code_gets_only_the_source():
    facts = facts_of("commune", "99999")
    assert set(facts.predicates(place_iri("commune", "99999"))) == {CAP.geographySource}
    assert set(facts_of("departement", "88").objects(place_iri("departement", "88"), CAP.inRegion)) == {
        place_iri("region", "44")
    }


# --- left-over texts ---------------------------------------------------------------------


def left_over_texts() -> list[str]:
    """Everything the template's messages name as not an answer, in every language."""
    texts = [f"{p} : nom du pôle" for p in i18n.texts("template.placeholder").values()]
    for lang in i18n.LANGUAGES:
        texts += [f.strip() for f in i18n.t("template.fillers", lang).split("|")]
        texts.append(i18n.t("template.siren", lang))
    return texts + ["   ", "xxx", "...", "TODO.", "à compléter"]


ANSWERS = [
    "Oui.",
    "Un atelier partagé.",
    "x y",
    "Le texte contient TODO au milieu.",
    "… et la suite de la réponse",
    "Axes : environnement.",
]


@pytest.mark.parametrize("text", left_over_texts())
def test_every_left_over_text_of_the_template_is_recognised(text):
    assert is_placeholder_text(text)


@pytest.mark.parametrize("text", ANSWERS)
def test_real_answers_are_not(text):
    assert not is_placeholder_text(text)


def test_python_rdflib_and_oxigraph_read_the_pattern_alike():
    texts = left_over_texts() + ANSWERS
    graph, store = Graph(), ox.Store()
    for n, text in enumerate(texts):
        node = URIRef(f"http://example.org/t/{n}")
        graph.add((node, URIRef("http://example.org/text"), Literal(text, lang="fr")))
        store.add(
            ox.Quad(ox.NamedNode(str(node)), ox.NamedNode("http://example.org/text"), ox.Literal(text, language="fr"))
        )
    pattern = placeholder_pattern().replace("\\", "\\\\").replace('"', '\\"')
    query = f'SELECT ?t WHERE {{ ?t <http://example.org/text> ?v . FILTER (REGEX(STR(?v), "{pattern}", "i")) }}'
    by_rdflib = {str(row[0]) for row in graph.query(query)}
    by_oxigraph = {row["t"].value for row in store.query(query)}
    expected = {f"http://example.org/t/{n}" for n, text in enumerate(texts) if is_placeholder_text(text)}
    assert by_rdflib == by_oxigraph == expected
    assert len(expected) == len(left_over_texts())
