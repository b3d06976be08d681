"""The dashboards' numbers are the ready-made queries' rows, and the counts made from the YAML files.

On the sample corpus and on a generated corpus, for the whole corpus and for
selections of it (by région, public scheme, maturity, words), every chart's
rows equal the rows of its ready-made query and the rows that
tests/yaml_counts.py counts from the YAML files of the selected projects alone,
without cap_ptce. The explorer's facet counts agree with the charts, and its
facets with the YAML. The charts are SVG that a screen reader can name and that
say nothing by colour alone.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from click.testing import CliRunner

from cap_ptce.cli import cli
from cap_ptce.explorer import CHARTS, CorpusView, parse_selection
from cap_ptce.explorer import view as view_module
from cap_ptce.explorer.subset import subset_kb
from cap_ptce.queries import get_query, run_query
from cap_ptce.resources import data_dir
from cap_ptce.store import KnowledgeBase
from test_counts import read_corpus
from yaml_counts import EXPECTED, VOCAB, expected

SELECTIONS = [
    "",
    "region=32",
    "dispositif=pat",
    "region=32&dispositif=crte",
    "maturite=emergent",
    "axe=environnement&q=a",
]


def _loaded(folder, validate: bool) -> KnowledgeBase:
    kb = KnowledgeBase.open(workers=1)
    kb.load_reference_graphs()
    kwargs = {} if validate else {"validator": None}
    assert kb.load_corpus(folder, **kwargs).ok
    return kb


@pytest.fixture(scope="module")
def sample():
    kb = _loaded(data_dir("corpus"), validate=True)
    view = CorpusView(kb)
    yield view, read_corpus(data_dir("corpus"))
    view.close()
    kb.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    result = CliRunner().invoke(cli, ["generate", "60", "--seed", "17", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    kb = _loaded(folder, validate=False)
    view = CorpusView(kb)
    yield view, read_corpus(folder)
    view.close()
    kb.close()


def _normal(rows: list[dict], columns) -> Counter:
    return Counter(tuple((c, row.get(c)) for c in columns) for row in rows)


def assert_rows(got: list[dict], want: list[dict], what: str) -> None:
    columns = sorted(want[0]) if want else sorted(got[0]) if got else []
    missing, extra = _normal(want, columns) - _normal(got, columns), _normal(got, columns) - _normal(want, columns)
    assert not missing and not extra, f"{what}: missing {list(missing)[:3]}, unexpected {list(extra)[:3]}"


def selected(view: CorpusView, projects: list[dict], selection) -> list[dict]:
    ids = {iri.rsplit("/", 1)[-1] for iri in view.matching(selection)}
    return [p for p in projects if p["id"] in ids]


def _check_dashboard(view, projects, query_string: str, lang: str = "fr") -> None:
    selection = parse_selection(query_string)
    chosen = selected(view, projects, selection)
    assert chosen or query_string, "the whole corpus has projects"
    for chart in view.dashboard(selection, lang):
        for series in chart.series:
            params = {"langue": lang} if any(p.name == "langue" for p in get_query(chart.spec.query).parameters) else {}
            rows = run_query(view.kb_for(series.selection), chart.spec.query, params)
            maturity = None if series.key == "aucun" else f"{VOCAB}maturites/{series.key}"
            if chart.spec.by_maturity:  # one query counts each maturity apart: the series is its maturity's rows
                rows = [row for row in rows if row.get("maturite") == maturity]
            assert series.rows == rows
            what = f"{chart.spec.id} {query_string!r} {series.key}"
            if chart.spec.by_maturity:  # each series is the grid's coverage on that maturity's projects alone
                own = [p for p in chosen if (p.get("maturite") or None) == (maturity and series.key)]
                if own or maturity:  # the projects without a maturity have rows when there are some
                    assert_rows(series.rows, expected("couverture-par-question", own, params), what)
                want = expected(chart.spec.query, chosen, params)
                assert_rows(series.rows, [row for row in want if row["maturite"] == maturity], what)
            elif chart.spec.query in EXPECTED:
                assert_rows(series.rows, expected(chart.spec.query, chosen, params), what)


@pytest.mark.parametrize("query_string", SELECTIONS)
def test_the_sample_dashboards_give_the_yaml_counts(sample, query_string):
    _check_dashboard(*sample, query_string)


def test_the_sample_dashboards_in_english(sample):
    _check_dashboard(*sample, "dispositif=crte", lang="en")


@pytest.mark.parametrize(
    "query_string", ["", "maturite=etabli", "dispositif=tzcld&axe=mobilite-durable", "completude=aucun"]
)
def test_the_generated_dashboards_give_the_yaml_counts(generated, query_string):
    _check_dashboard(*generated, query_string)


def test_every_chart_has_a_query_of_the_catalogue():
    for spec in CHARTS:
        columns = get_query(spec.query).columns
        assert {spec.label, spec.value} <= set(columns), spec.id
        assert spec.second is None or spec.second in columns
        assert spec.column is None or spec.column in columns


def test_the_whole_dashboard_is_the_queries_on_the_knowledge_base(sample, monkeypatch):
    view, _ = sample
    made = []
    monkeypatch.setattr(view_module, "subset_kb", lambda *args, **kw: made.append(args) or subset_kb(*args, **kw))
    fresh = CorpusView(view.kb)
    try:
        for chart in fresh.dashboard(parse_selection(""), "fr"):
            assert all(fresh.kb_for(series.selection) is view.kb for series in chart.series), chart.spec.id
        assert made == []  # no copy for the whole corpus, nor for each maturity of the coverage
        fresh.dashboard(parse_selection("dispositif=pat"), "fr")
        assert len(made) == 1  # one copy for a selection, whatever its charts
    finally:
        fresh.close()


def test_the_validation_outcomes_sum_the_descriptions_rows(sample):
    view, projects = sample
    rows = run_query(view.kb, "validation-des-descriptions")
    outcomes = Counter(
        "non-validee" if r.get("conforme") is None else "conforme" if r["conforme"] else "non-conforme" for r in rows
    )
    chart = view.chart("validation", parse_selection(""), "fr")
    assert {r["issue"]: r["descriptions"] for r in chart.rows} == dict(outcomes)
    assert sum(outcomes.values()) == len(projects)


# --- the explorer's facets against the YAML and against the charts ---------------------------


@pytest.mark.parametrize(("facet", "key"), [("dispositif", "dispositifs"), ("axe", "axes"), ("maturite", "maturite")])
def test_facets_select_what_the_yaml_says(generated, facet, key):
    view, projects = generated
    for value in ("pat", "crte", "tzcld", "environnement", "mobilite-durable", "emergent", "etabli"):
        try:
            selection = parse_selection(f"{facet}={value}")
        except Exception:  # noqa: BLE001 - not a value of this facet's pattern
            continue
        got = {p["id"] for p in selected(view, projects, selection)}
        want = {p["id"] for p in projects if value in _given(p, key)}
        assert got == want, (facet, value)


def _given(project: dict, key: str) -> set[str]:
    value = project.get(key)
    if key == "dispositifs":
        return {d.get("dispositif") for d in value or [] if isinstance(d, dict)}
    return set(value) if isinstance(value, list) else {value} if value else set()


def test_region_facet_counts_are_the_regions_chart(sample):
    view, _ = sample
    exploration = view.explore(parse_selection(""), "fr")
    chart = view.chart("regions", parse_selection(""), "fr")
    by_code = {r["code_region"] or "aucun": r["projets"] for r in chart.rows}
    assert {v.value: v.count for v in exploration.facets["region"]} == by_code


def test_search_folds_case_and_accents(sample):
    view, projects = sample
    name = projects[0]["nom"]
    word = max(name.split(), key=len)
    upper = word.upper().replace("É", "E").replace("È", "E")
    found = view.explore(parse_selection(f"q={upper}"), "fr").projects
    assert projects[0]["id"] in {p.id for p in found}
    assert view.explore(parse_selection("q=zzzqqq"), "fr").projects == []


def test_sorting_by_completeness_and_name(sample):
    view, _ = sample
    ordered = view.explore(parse_selection("tri=-nom"), "fr").projects
    assert [p.id for p in ordered] == [p.id for p in view.explore(parse_selection(""), "fr").projects][::-1]
    by_completeness = [p.completeness for p in view.explore(parse_selection("tri=completude"), "fr").projects]
    assert by_completeness == sorted(by_completeness, reverse=True)


@pytest.mark.parametrize("bad", ["regoin=32", "region=Somme", "tri=hasard", "q=" + "x" * 300])
def test_a_bad_filter_is_refused_with_a_hint(bad):
    from cap_ptce.errors import ParameterError

    with pytest.raises(ParameterError) as caught:
        parse_selection(bad)
    assert caught.value.hint


@pytest.mark.parametrize(
    ("bad", "nearest"),
    [
        ("maturite=etablie", "etabli"),
        ("dispositif=patt", "pat"),
        ("dispositif=PAT", "pat"),
        ("type=associations", "association"),
        ("axe=mobilite", "mobilite-durable"),
        ("jeu=registres", "registre"),
        ("conformite=sans-objt", "sans-objet"),
        ("completude=hautes", "haute"),
        ("region=032", "32"),
        ("departement=2a", "2A"),
        ("departement=20", "2A, 2B"),  # Corsica's code before 1976
        ("region=99", "84"),  # no région is near: the hint lists the COG's codes
        ("departement=96", "69"),  # two digits swapped
    ],
)
def test_a_value_that_is_not_in_the_vocabulary_or_the_cog_is_refused_with_the_nearest(bad, nearest):
    """A well-formed value that names nothing (a typo of the grid's id, a code the COG does not hold) would
    give 0 poles, a figure that looks citable: it is refused, as a ready-made query's parameter is."""
    from cap_ptce.errors import ParameterError

    with pytest.raises(ParameterError) as caught:
        parse_selection(bad)
    assert caught.value.key == bad.split("=")[0]
    assert nearest in caught.value.hint


def test_every_value_the_explorer_offers_is_one_it_accepts(sample):
    """The facets' values come from the knowledge base; each must pass the check that refuses typos."""
    view, _ = sample
    for facet, values in view.explore(parse_selection(""), "fr").facets.items():
        for value in values:
            assert parse_selection(f"{facet}={value.value}").values(facet) == (value.value,)


def test_a_selection_is_one_address():
    selection = parse_selection("dispositif=pat&region=84&region=32&tri=nom&lang=en")
    assert selection.query_string() == "?region=32&region=84&dispositif=pat"
    assert parse_selection(selection.query_string()) == selection


# --- the charts themselves -------------------------------------------------------------------


def test_charts_are_accessible_svg_in_black_and_white(sample):
    view, _ = sample
    for chart in view.dashboard(parse_selection("region=32"), "en"):
        assert chart.svg.startswith('<svg role="img" aria-label="')
        assert chart.title in chart.summary and "table" in chart.summary
        for colour in re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', chart.svg):
            red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
            assert max(red, green, blue) - min(red, green, blue) <= 24, f"{chart.spec.id}: {colour} is a colour"
        assert "url(" not in chart.svg and "<script" not in chart.svg


@pytest.fixture(scope="module")
def without_maturity(tmp_path_factory):
    """The sample corpus, two of its projects no longer saying their maturity."""
    import shutil

    folder = tmp_path_factory.mktemp("sans-maturite")
    for path in sorted(data_dir("corpus").glob("*.yaml")):
        shutil.copy(path, folder / path.name)
    edited = sorted(folder.glob("*.yaml"))[:2]
    for path in edited:
        text = path.read_text(encoding="utf-8")
        assert re.search(r"(?m)^maturite: \S+\n", text), path.name
        path.write_text(re.sub(r"(?m)^maturite: \S+\n", "", text), encoding="utf-8")
    kb = _loaded(folder, validate=False)
    view = CorpusView(kb)
    yield view, read_corpus(folder)
    view.close()
    kb.close()


@pytest.mark.parametrize("query_string", ["", "maturite=aucun", "maturite=aucun&region=32", "maturite=etabli"])
def test_projects_that_give_no_maturity_are_counted_apart_not_left_out(without_maturity, query_string):
    """The coverage chart counted each maturity of the grid, and nothing else: two projects without a maturity
    were in no series, and a selection of them alone (maturite=aucun, which the explorer offers) failed."""
    view, projects = without_maturity
    _check_dashboard(view, projects, query_string)
    chart = view.chart("couverture", parse_selection(query_string), "fr")
    series = {s.key: s for s in chart.series}
    counted = {key: s.rows[0]["projets"] for key, s in series.items() if s.rows}
    chosen = selected(view, projects, parse_selection(query_string))
    assert sum(counted.values()) == len(chosen)  # every project of the selection, in one series
    if query_string in ("", "maturite=aucun"):
        assert counted["aucun"] == 2 and series["aucun"].label == "Maturité non dite"
    if query_string == "maturite=aucun&region=32":  # none of the selection: the series is there, empty
        assert list(series) == ["aucun"] and series["aucun"].rows == []
    if query_string == "maturite=aucun":  # the table beside the chart names them, one series or several
        named = [i for i, (column, _) in enumerate(chart.columns) if column == "libelle_maturite"]
        assert named and {row[named[0]] for row in chart.table("fr")} == {"Maturité non dite"}
    assert chart.svg.startswith("<svg")


def test_the_coverage_is_drawn_by_maturity(sample):
    view, projects = sample
    chart = view.chart("couverture", parse_selection(""), "fr")
    assert [s.key for s in chart.series] == ["emergent", "etabli"]
    assert all(
        row["projets"] == sum(p.get("maturite") == s.key for p in projects) for s in chart.series for row in s.rows
    )
