"""The grid's content against its source: the Institut Godin's document, read from beside the clone.

The source stays outside the repository (``../shared/seeds/`` beside the checkout, see
:mod:`shared_material`); these tests fail, never skip, when it is missing.
"""

from __future__ import annotations

import re

import pytest

from cap_ptce.grid import FRAMING_KEYS, load_grid
from shared_material import find, missing

SEED_PATH = "seeds/000_b8c594b483f6ea17.txt"
SEED = find(SEED_PATH)

# The seed's table: how many questions each of its 9 entries has, in order.
QUESTIONS_PER_ENTRY = [1, 5, 1, 2, 2, 1, 1, 2, 3]


def normalise(text: str) -> str:
    """The seed's text with PDF hyphenation repaired and its line breaks joined."""
    text = re.sub(r"-[ \t]*\n[ \t]*", "", text)  # "Connais-\nsance" -> "Connaissance"
    text = re.sub(r"(?<=\w)- (?=\w)", "-", text)  # "socio- économiques" -> "socio-économiques"
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def seed() -> str:
    if SEED is None:
        pytest.fail(missing(SEED_PATH, "the grid's source"))
    return normalise(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def grid():
    return load_grid()


def walk_seed(grid, seed: str):
    """Find each entry label, question and example in the seed, in order; yield (question, text after it)."""
    position = seed.index("Entrées Questions à se poser")
    for entry in grid.entries:
        position = find_after(seed, entry.label.fr, position, entry.id)
        for question in entry.questions:
            position = find_after(seed, question.text.fr, position, question.id)
            for example in question.examples:
                position = find_after(seed, example.label.fr, position, example.id)
            yield question, seed[position:]


def find_after(seed: str, text: str, start: int, what: str) -> int:
    found = seed.find(text, start)
    assert found >= 0, f"{what}: {text!r} is not in the source after position {start}"
    return found + len(text)


def test_nine_entries_and_eighteen_questions_in_the_source_order(grid):
    assert [len(entry.questions) for entry in grid.entries] == QUESTIONS_PER_ENTRY
    assert [q.id for q in grid.questions] == [f"q{n:02d}" for n in range(1, 19)]
    assert [q.position for q in grid.questions] == list(range(1, 19))
    assert [e.position for e in grid.entries] == list(range(1, 10))
    for entry in grid.entries:
        assert all(q.entry_id == entry.id for q in entry.questions)


def test_entries_questions_and_examples_are_the_source_text_in_order(grid, seed):
    walked = [question.id for question, _ in walk_seed(grid, seed)]
    assert walked == [q.id for q in grid.questions]


def test_open_lists_are_those_the_source_ends_with_an_ellipsis(grid, seed):
    for question, rest in walk_seed(grid, seed):
        assert question.open_list == rest.lstrip().startswith("..."), question.id


def test_the_multi_sentence_questions_are_one_question_each(grid):
    assert grid.question("q02").text.fr.count("?") == 3
    assert grid.question("q16").text.fr.startswith("Quelles sont les ressources humaines nécessaires")
    assert "Sous quelles formes ces ressources interviennent-elles ?" in grid.question("q16").text.fr


def test_examples_are_numbered_in_order(grid):
    for question in grid.questions:
        numbers = range(1, len(question.examples) + 1)
        assert [e.id for e in question.examples] == [f"{question.id}-{n}" for n in numbers]
        assert [e.position for e in question.examples] == list(numbers)


def test_the_precision_in_parentheses_is_kept_and_marked(grid):
    precisions = [e for q in grid.questions for e in q.examples if e.precision]
    assert [(e.id, e.label.fr) for e in precisions] == [("q08-6", "(Préciser les participants)")]


def test_hyphenation_is_repaired_everywhere(grid):
    texts = [q.text.fr for q in grid.questions] + [e.label.fr for q in grid.questions for e in q.examples]
    for text in texts:
        assert "- " not in text and " -" not in text, text
    assert "Connaissance du territoire" in [e.label.fr for e in grid.question("q01").examples]


def test_every_text_has_french_and_english(grid):
    texts = [grid.title, grid.subtitle, grid.source, grid.project_text, *grid.framing.values()]
    texts += [*grid.framing_titles.values(), *(h.note for h in grid.history)]
    for entry in grid.entries:
        texts += [entry.label, entry.definition]
        for question in entry.questions:
            texts += [question.text, question.future, *(e.label for e in question.examples)]
    for text in texts:
        assert text.fr.strip() and text.en.strip()
    for question in grid.questions:
        assert question.text.en != question.text.fr
        assert question.text.en.endswith("?") and question.future.en.endswith("?")


def test_every_question_has_a_future_form_different_from_the_present(grid):
    for question in grid.questions:
        assert question.future.fr not in (question.text.fr, question.corrected)
        assert question.future.en != question.text.en
        assert question.future.fr.endswith("?"), question.id


def test_corrections_fix_the_source_and_differ_from_it(grid, seed):
    corrected = {q.id: q.corrected for q in grid.questions if q.corrected}
    assert set(corrected) == {"q01", "q06", "q08", "q15"}
    for qid, text in corrected.items():
        assert text != grid.question(qid).text.fr
        assert text not in seed, f"{qid}: the correction is the source's own text"


def test_framing_is_the_source_text(grid, seed):
    assert tuple(grid.framing) == FRAMING_KEYS
    for key, text in grid.framing.items():
        assert normalise(text.fr) in seed, key
        assert normalise(grid.framing_titles[key].fr) in seed or key == "temps", key
    assert normalise(grid.project_text.fr) in seed
    assert grid.project_name in grid.project_text.fr
    assert normalise(grid.subtitle.fr) in seed


def test_history_holds_the_current_version(grid):
    assert grid.history[0].version == grid.version
    assert grid.history[0].date == grid.modified


@pytest.mark.parametrize(
    "scheme_id",
    [
        "axes-thematiques",
        "types-acteurs",
        "espaces-implication",
        "formes-gouvernance",
        "formes-implication",
        "stades-action",
        "fonctions-coordination",
        "statuts-ressources",
        "valorisation-postes",
        "types-financeurs",
        "natures-depenses",
        "maturites",
        "statuts-financement",
    ],
)
def test_the_required_concept_schemes_exist_with_labels(grid, scheme_id):
    scheme = grid.scheme(scheme_id)
    assert scheme.concepts
    for concept in scheme.concepts:
        assert concept.label.fr and concept.label.en
        assert concept.scheme_id == scheme_id


def test_schemes_answer_the_questions_they_name(grid):
    for scheme in grid.schemes:
        for qid in scheme.questions:
            assert scheme.id in grid.question(qid).schemes
    for question in grid.questions:
        for scheme_id in question.schemes:
            assert question.id in grid.scheme(scheme_id).questions


def test_every_referenced_concept_and_scheme_exists(grid):
    for question in grid.questions:
        for example in question.examples:
            if example.concept:
                assert grid.concept(example.concept).ref == example.concept
        for public_scheme_id in question.public_schemes:
            grid.public_scheme(public_scheme_id)
    for scheme in grid.schemes:
        for concept in scheme.concepts:
            if concept.broader:
                scheme.concept(concept.broader)


def test_linked_examples_name_their_concept(grid):
    """An example and the concept it links to share a word: a wrong link shows."""

    def stems(text: str) -> set[str]:
        return {word[:5] for word in re.findall(r"\w{5,}", text.lower())}

    linked = [e for q in grid.questions for e in q.examples if e.concept]
    assert len(linked) >= 25
    for example in linked:
        assert stems(example.label.fr) & stems(grid.concept(example.concept).label.fr), example.id


def test_kinds_of_actors_carry_the_distinctions_of_the_law(grid):
    """Law of 31 July 2014 (art. 1, 9) and décret of 15 April 2015: ESS / non-ESS, families, partners."""
    kinds = grid.scheme("types-acteurs")
    assert kinds.concept("entreprise-ess").broader == "entreprise"
    assert kinds.concept("entreprise-hors-ess").broader == "entreprise"
    for family in ("association", "cooperative", "mutuelle", "fondation", "societe-commerciale-ess"):
        assert kinds.concept(family).broader == "entreprise-ess"
    for partner in ("collectivite-territoriale", "epci", "etablissement-public"):
        assert kinds.concept(partner).broader == "collectivite"
    for partner in ("organisme-recherche", "enseignement-superieur", "organisme-formation"):
        assert kinds.concept(partner).broader == "recherche-enseignement-formation"


def test_funders_stages_and_statuses(grid):
    funders = grid.scheme("types-financeurs")
    public = {c.id for c in funders.concepts if c.broader == "public"}
    private = {c.id for c in funders.concepts if c.broader == "prive"}
    assert {"epci", "departement", "region", "agences", "etat", "europe"} <= public
    assert {"fondations", "financement-participatif", "entreprises"} <= private
    assert funders.concept("autofinancement").broader is None
    stages = [c.id for c in grid.scheme("stades-action").concepts]
    assert stages == ["idee", "etude", "experimentation", "concretisation", "fonctionnement"]
    assert [c.id for c in grid.scheme("maturites").concepts] == ["emergent", "etabli"]
    assert [c.id for c in grid.scheme("statuts-financement").concepts] == ["active", "activable"]


def test_public_schemes_named_by_the_grid(grid, seed):
    ids = [s.id for s in grid.public_schemes]
    assert ids == ["pat", "cte", "crte", "tzcld"]
    assert grid.public_scheme("cte").successor == "crte"
    assert "L111-2-2" in grid.public_scheme("pat").legal_basis.fr
    assert "2016-231" in grid.public_scheme("tzcld").legal_basis.fr
    assert "2020-1577" in grid.public_scheme("tzcld").legal_basis.fr
    # How the source names them in q15's first example.
    names = {
        "cte": "Contrat de Transition Ecologique",
        "tzcld": "Territoire zéro chômeur",
        "pat": "Projet Alimentaire Territorial",
    }
    named = grid.question("q15")
    assert sorted(named.public_schemes) == sorted(names)
    for scheme_id, name in names.items():
        assert name in named.examples[0].label.fr
        assert grid.public_scheme(scheme_id).acronym == scheme_id.upper()
