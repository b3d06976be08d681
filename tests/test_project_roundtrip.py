"""Round trips between YAML, Turtle and JSON-LD lose nothing, for every sample description."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from cap_ptce.project import data_to_graph, data_to_yaml, description_to_yaml, load_description, to_jsonld, to_turtle
from cap_ptce.project.schema import PROJECT, SPECS, Kind
from cap_ptce.resources import data_dir

CORPUS = sorted(data_dir("corpus").glob("*.yaml"))


def test_the_sample_corpus_has_at_least_twelve_descriptions():
    assert len(CORPUS) >= 12


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_yaml_rdf_yaml_gives_the_same_data_and_the_same_text(path: Path):
    description = load_description(path)
    text = description_to_yaml(description.graph)
    assert load_description(text).data == description.data
    assert text == path.read_text(encoding="utf-8"), "sample files are written in the canonical layout"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_turtle_yaml_turtle_is_isomorphic(path: Path):
    turtle = to_turtle(load_description(path).graph)
    from_turtle = load_description(turtle, format="turtle")
    back = load_description(description_to_yaml(from_turtle.graph))
    assert isomorphic(from_turtle.graph, back.graph)
    assert to_turtle(back.graph) == turtle


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_json_ld_round_trips_too(path: Path):
    description = load_description(path)
    document = to_jsonld(description.graph)
    assert isinstance(json.loads(document)["@context"], dict), "the context travels inline, never as a URL"
    from_jsonld = load_description(document, format="json-ld")
    assert isomorphic(from_jsonld.graph, description.graph)
    assert from_jsonld.data == description.data


def _shuffle_sets(data, spec, rng):
    """A copy of ``data`` whose set-valued lists are in another order."""
    out = {}
    for key, value in data.items():
        field = spec.field(key)
        if field.kind in Kind.SETS and isinstance(value, list):
            value = rng.sample(value, len(value))
        elif field.kind in (Kind.NEST, Kind.OBJECT):
            value = _shuffle_sets(value, SPECS[field.arg], rng)
        elif field.kind == Kind.OBJECTS:
            value = [_shuffle_sets(item, SPECS[field.arg], rng) for item in value]
        out[key] = value
    return out


def test_the_order_of_set_valued_lists_is_not_data():
    path = CORPUS[0]
    description = load_description(path)
    shuffled = _shuffle_sets(description.data, PROJECT, random.Random(3))
    graph = data_to_graph(shuffled)
    assert isomorphic(graph, description.graph)
    assert description_to_yaml(graph) == path.read_text(encoding="utf-8")


def test_the_order_of_object_lists_is_kept():
    data = load_description(CORPUS[0]).data
    data["acteurs"] = list(reversed(data["acteurs"]))
    back = load_description(data_to_yaml(data)).data
    assert [a["id"] for a in back["acteurs"]] == [a["id"] for a in data["acteurs"]]


def test_turtle_decimals_are_compared_by_value():
    description = load_description(CORPUS[0])
    turtle = to_turtle(description.graph)
    amount = re.search(r"schema:amount ([0-9]+)\.0 ", turtle)
    assert amount, "rdflib writes decimals in their short form"
    padded = turtle.replace(amount.group(0), f'schema:amount "{amount.group(1)}.000"^^xsd:decimal ', 1)
    reloaded = load_description(padded, format="turtle")
    assert reloaded.data == description.data


def test_conversion_writes_the_fictional_warning_back():
    text = description_to_yaml(load_description(CORPUS[0]).graph)
    assert text.startswith("# DESCRIPTION FICTIVE")
