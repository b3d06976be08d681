"""SIREN, SIRET and INSEE codes: the SHACL-SPARQL check digits agree with a Python Luhn on many numbers."""

from __future__ import annotations

import random

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from cap_ptce.rdf.namespaces import CAP, IGEO, SHAPES
from cap_ptce.validation import validate_graph

LA_POSTE = "356000000"


def luhn_valid(number: str) -> bool:
    """The reference: from the right, double every second digit, sum the digits, mod 10."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def siret_valid(number: str) -> bool:
    """Luhn, or for La Poste, whose establishments outnumber the Luhn keys, a digit sum multiple of 5."""
    return luhn_valid(number) or (number.startswith(LA_POSTE) and sum(map(int, number)) % 5 == 0)


def with_check_digit(body: str) -> str:
    """``body`` followed by the digit that makes it Luhn-valid."""
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


def failing(graph: Graph, shape: str) -> set[str]:
    """Values that ``shape`` reports."""
    report = validate_graph(graph)
    return {result.value for result in report.results if result.shape == str(SHAPES[shape])}


def numbers_graph(prop, numbers) -> Graph:
    graph = Graph()
    for index, number in enumerate(numbers):
        graph.add((URIRef(f"http://example.org/org/{index}"), prop, Literal(number)))
    return graph


def sample_numbers(length: int, count: int, seed: int) -> list[str]:
    """Half valid by construction, half random (mostly invalid)."""
    rng = random.Random(seed)
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    valid = [with_check_digit(digits(length - 1)) for _ in range(count // 2)]
    return valid + [digits(length) for _ in range(count - count // 2)]


def test_the_reference_luhn_knows_published_numbers():
    assert luhn_valid("732829320")  # a well-known SIREN
    assert luhn_valid("73282932000074")
    assert not luhn_valid("732829321")
    assert luhn_valid(LA_POSTE)


def test_siren_check_digit_agrees_with_python_on_300_numbers():
    numbers = sample_numbers(9, 300, seed=1)
    expected = {n for n in numbers if not luhn_valid(n)}
    assert 100 < len(expected) < 200  # both kinds are really tested
    assert failing(numbers_graph(CAP.siren, numbers), "SirenCheckDigit") == expected


def test_siret_check_digit_agrees_with_python_on_300_numbers():
    numbers = sample_numbers(14, 300, seed=2)
    expected = {n for n in numbers if not siret_valid(n)}
    assert 100 < len(expected) < 200
    assert failing(numbers_graph(CAP.siret, numbers), "SiretCheckDigit") == expected


def test_la_poste_sirets_pass_by_luhn_or_by_a_digit_sum_multiple_of_5():
    rng = random.Random(3)
    numbers = [LA_POSTE + "".join(rng.choice("0123456789") for _ in range(5)) for _ in range(120)]
    expected = {n for n in numbers if sum(map(int, n)) % 5 and not luhn_valid(n)}
    # some pass by the digit sum although Luhn would refuse them, some by Luhn alone
    assert any(not luhn_valid(n) and n not in expected for n in numbers)
    assert any(luhn_valid(n) and sum(map(int, n)) % 5 for n in numbers)
    assert failing(numbers_graph(CAP.siret, numbers), "SiretCheckDigit") == expected


def test_la_postes_head_office_siret_is_valid():
    # 35600000000048: Luhn-valid, digit sum 26
    assert luhn_valid("35600000000048") and sum(map(int, "35600000000048")) % 5
    assert failing(numbers_graph(CAP.siret, ["35600000000048"]), "SiretCheckDigit") == set()


def test_a_la_poste_siret_that_luhn_refuses_is_accepted():
    # digit sum 15, a multiple of 5, but the Luhn sum is 16
    assert not luhn_valid("35600000000001")
    assert failing(numbers_graph(CAP.siret, ["35600000000001"]), "SiretCheckDigit") == set()
    # the same digits outside La Poste are refused
    assert failing(numbers_graph(CAP.siret, ["35600000100001"]), "SiretCheckDigit") == {"35600000100001"}


@pytest.mark.parametrize("value", ["12345678", "1234567890", "12345678a", " 732829320", "732 829 320"])
def test_a_siren_that_is_not_9_digits_fails_its_format_not_its_check_digit(value):
    graph = numbers_graph(CAP.siren, [value])
    assert failing(graph, "SirenForm") == {value}
    assert failing(graph, "SirenCheckDigit") == set()


def test_a_siret_must_start_with_the_siren_of_its_actor():
    graph = Graph()
    actor = URIRef("http://example.org/org/a")
    graph.add((actor, CAP.siren, Literal("732829320")))
    graph.add((actor, CAP.siret, Literal("73282932000074")))
    graph.add((actor, CAP.siret, Literal(with_check_digit("4598800010001"))))
    assert failing(graph, "SiretStartsWithSiren") == {with_check_digit("4598800010001")}


def geo_graph(cls, codes) -> Graph:
    graph = Graph()
    for index, code in enumerate(codes):
        node = URIRef(f"http://example.org/geo/{index}")
        graph.add((node, RDF.type, cls))
        graph.add((node, IGEO.codeINSEE, Literal(code)))
    return graph


COMMUNES_OK = ["80021", "01053", "2A004", "2B033", "97411", "97101", "97611", "75056", "95018"]
COMMUNES_BAD_FORM = ["8002", "800210", "2C004", "2a004", "ABCDE"]
COMMUNES_NOT_IN_COG = ["00001", "96001", "97901", "88999"]


def test_commune_codes():
    """A code of the wrong form fails its form; a code of the right form that names no commune, the COG."""
    graph = geo_graph(IGEO.Commune, COMMUNES_OK + COMMUNES_BAD_FORM + COMMUNES_NOT_IN_COG + ["20004"])
    assert failing(graph, "CommuneCode") == set(COMMUNES_BAD_FORM)
    assert failing(graph, "CommuneInCog") == set(COMMUNES_NOT_IN_COG)
    assert failing(graph, "CommuneIsCurrent") == {"20004"}  # Ajaccio before 1976: a former code


def test_departement_codes():
    ok, bad_form, not_in_cog = (
        ["01", "2A", "2B", "80", "95", "971", "974", "976"],
        ["1", "2C", "9740"],
        ["20", "96", "970", "00"],
    )
    graph = geo_graph(IGEO.Departement, ok + bad_form + not_in_cog)
    assert failing(graph, "DepartementCode") == set(bad_form)
    assert failing(graph, "DepartementInCog") == set(not_in_cog)


def test_region_codes():
    ok, ko = ["32", "04", "11", "94"], ["4", "320", "A1"]
    graph = geo_graph(IGEO.Region, ok + ko + ["99"])
    assert failing(graph, "RegionCode") == set(ko)
    assert failing(graph, "RegionInCog") == {"99"}


def test_an_epci_is_named_by_a_valid_siren():
    graph = geo_graph(IGEO.Intercommunalite, ["248000531", "248000532", "24800053"])
    assert failing(graph, "EpciCheckDigit") == {"248000532"}
    assert failing(graph, "EpciCode") == {"24800053"}
