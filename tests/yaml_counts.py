"""What every ready-made query must answer, counted in Python straight from the YAML files.

Nothing here imports ``cap_ptce``: descriptions, the grid's vocabularies and
public schemes are read with PyYAML, the official geography from the gzip JSON
table shipped in the package (``src/cap_ptce/geo/cog.json.gz``) with the
standard library. So a query and its check share no code, and a mistake in the
knowledge base's RDF, indicators or places graph cannot hide in both.

``expected(name, projects, params)`` gives the rows of the query ``name`` for the
descriptions ``projects`` (dicts as PyYAML reads them), as dicts of Python values
shaped as :mod:`cap_ptce.queries.results` gives them (IRIs as text, counts as
``int``, amounts as ``Decimal``, an absent value as ``None``).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml

from valid_description import luhn_valid

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/cap-ptce/"
PROJECT = BASE + "projet/"
VOCAB = BASE + "vocab/"
INSEE = "http://id.insee.fr/geo/"
STAGES = ("idee", "etude", "experimentation", "concretisation", "fonctionnement")

# ---------------------------------------------------------------------------------------------
# reference data, read as data


@cache
def schemes() -> dict[str, dict[str, dict]]:
    """scheme id -> concept id -> its YAML (libelle, broader…), from grille/vocabulaires.yaml."""
    data = yaml.safe_load((ROOT / "grille" / "vocabulaires.yaml").read_text(encoding="utf-8"))
    return {scheme["id"]: {c["id"]: c for c in scheme["concepts"]} for scheme in data["schemas"]}


@cache
def public_schemes() -> dict[str, dict]:
    data = yaml.safe_load((ROOT / "grille" / "dispositifs.yaml").read_text(encoding="utf-8"))
    return {scheme["id"]: scheme for scheme in data["dispositifs"]}


@cache
def grid_questions() -> list[tuple[str, dict, dict]]:
    """(question id, question YAML, entry YAML) in the grid's order."""
    data = yaml.safe_load((ROOT / "grille" / "grille.yaml").read_text(encoding="utf-8"))
    return [(q["id"], q, entry) for entry in data["entrees"] for q in entry["questions"]]


def label(scheme: str, concept: str | None, lang: str) -> str | None:
    return schemes()[scheme][concept]["libelle"][lang] if concept else None


def ancestors(scheme: str, concept: str | None) -> list[str]:
    """The concept and every broader one, narrowest first ([] for none or one outside the scheme)."""
    found, concepts = [], schemes()[scheme]
    while concept in concepts:
        found.append(concept)
        concept = concepts[concept].get("broader")
    return found


def top(scheme: str, concept: str) -> str:
    return ancestors(scheme, concept)[-1]


def parent_label(scheme: str, concept: str, lang: str) -> str | None:
    return label(scheme, schemes()[scheme][concept].get("broader"), lang)


class Geography:
    """The COG table's columns, indexed by code: only what deriving a project's areas needs."""

    def __init__(self, table: dict) -> None:
        def rows(part):
            columns = table[part]
            return {code: {k: columns[k][i] for k in columns} for i, code in enumerate(columns["code"])}

        self.communes = rows("communes")
        self.arrondissements = rows("arrondissements_municipaux")
        self.former = {c: r for c, r in rows("former_communes").items() if r["kind"] != "ancien-code"}
        self.epci = rows("epci")
        self.departements = rows("departements")
        self.regions = rows("regions")

    def commune_departement(self, code: str) -> str | None:
        for part in (self.communes, self.arrondissements, self.former):
            if code in part:
                return part[code]["departement"]
        return None

    def areas(self, territory: dict) -> tuple[set[str], set[str]]:
        """A territory's départements and régions: named, those its communes and EPCI lie in, those it
        covers part of (``parties``) and those a change added (``evolutions``)."""
        named = [territory, *blocks(territory, "evolutions")]
        departements = {code for part in named for code in part.get("departements") or ()}
        regions = {code for part in named for code in part.get("regions") or ()}
        for part in blocks(territory, "parties"):
            departements |= {part["departement"]} if part.get("departement") else set()
            regions |= {part["region"]} if part.get("region") else set()
        found = {self.commune_departement(code) for part in named for code in part.get("communes") or ()}
        for siren in (siren for part in named for siren in part.get("epci") or ()):
            found |= {self.commune_departement(code) for code in self.epci.get(siren, {}).get("members", ())}
        departements |= {code for code in found if code}
        regions |= {self.departements[code]["region"] for code in departements if code in self.departements}
        return departements, regions


@cache
def geography() -> Geography:
    with gzip.open(ROOT / "src" / "cap_ptce" / "geo" / "cog.json.gz") as stream:
        return Geography(json.load(stream))


# ---------------------------------------------------------------------------------------------
# small helpers


def iri(project: dict) -> str:
    return PROJECT + project["id"]


def dec(value) -> Decimal:
    return Decimal(str(value))


def percent(part, whole) -> Decimal:
    """ROUND(1000 * part / whole) / 10, as the queries compute a share (0 for an empty whole)."""
    if not whole or not part:
        return Decimal(0)
    return (Decimal(1000) * Decimal(part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 10


def rounded(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def actors(project: dict) -> list[dict]:
    """Every actor of the description, members and partners."""
    return blocks(project, "acteurs")


def members(project: dict) -> list[dict]:
    """The actors that are members of the consortium (format 2: ``relation: partenaire`` is not)."""
    return [actor for actor in actors(project) if actor.get("relation", "membre") != "partenaire"]


def partners(project: dict) -> list[dict]:
    return [actor for actor in actors(project) if actor.get("relation") == "partenaire"]


def groups(project: dict, relation: str | None = "membre") -> list[dict]:
    return [g for g in blocks(project, "groupes") if relation is None or g.get("relation", "membre") == relation]


def kinds(actor: dict) -> list[str]:
    """The actor's kinds that are the scheme's (format 2: one or several)."""
    given = actor.get("type")
    given = given if isinstance(given, list) else [given] if given else []
    return [kind for kind in given if kind in schemes()["types-acteurs"]]


def kind_ancestors(actor: dict) -> set[str]:
    """Every kind the actor has, and every broader one."""
    return {concept for kind in kinds(actor) for concept in ancestors("types-acteurs", kind)}


def fundings(project: dict) -> list[dict]:
    return blocks(project, "financements")


def answers(project: dict) -> dict[str, object]:
    """The written answers: ``reponses:`` (format 1) or ``q01:`` … keys under their entry (format 2)."""
    found = dict(project.get("reponses") or {})
    found.update({key: value for key, value in project.items() if re.fullmatch(r"q[0-9]{2}", key)})
    return found


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _given(value) -> bool:
    """A value, as the loader reads one: a block whose keys are all empty (``instances: [{}]``, ``- nom:``)
    says nothing and counts as absent."""
    blank = _empty(value) or (isinstance(value, str) and not value.strip())
    return not blank and not (isinstance(value, dict) and all(not _given(v) for v in value.values()))


def blocks(node: dict, key: str) -> list[dict]:
    """The blocks of the list ``key`` of ``node`` that say something."""
    return [item for item in node.get(key) or [] if _given(item)]


def values_at(project: dict, key_path: str) -> list:
    """The values a path of keys (``coordination.valorisation``) reaches, through lists of blocks."""
    nodes = [project]
    for key in key_path.split("."):
        reached = []
        for node in nodes:
            value = node.get(key) if isinstance(node, dict) else None
            reached.extend(v for v in (value if isinstance(value, list) else [value]) if _given(v))
        nodes = reached
    return nodes


def answered_questions(project: dict) -> set[str]:
    """The grid's questions a description answers: a written answer, or a key the grid names
    for the question (``champs:`` in grille/grille.yaml) that holds a value."""
    written = {qid for qid, text in answers(project).items() if text and str(text).strip()}
    keyed = {
        qid for qid, question, _ in grid_questions() if any(values_at(project, k) for k in question.get("champs", []))
    }
    return written | keyed


def answered(project: dict) -> int:
    return len(answered_questions(project))


def maturity_ok(project: dict, params: dict) -> bool:
    return not params.get("maturite") or project.get("maturite") == params["maturite"]


def literal_value(value):
    """A YAML date as the queries give it: a date, or the text of a year or a month."""
    if value is None or isinstance(value, date):
        return value
    return str(value)


SIREN = re.compile(r"[0-9]{9}")
SIRET = re.compile(r"[0-9]{14}")
RNA = re.compile(r"W[0-9A-Z]{9}")


# ---------------------------------------------------------------------------------------------
# one function per ready-made query


def acteurs_par_type(projects, params):
    lang = params.get("langue", "fr")
    counts = defaultdict(lambda: [0, 0, set()])
    for project in projects:
        for actor in members(project):
            for concept in kind_ancestors(actor) or [None]:
                entry = counts[concept]
                entry[0] += 1
                entry[1] += actor.get("ess") is True
                entry[2].add(project["id"])
    return [
        {
            "type": VOCAB + "types-acteurs/" + concept if concept else None,
            "libelle": label("types-acteurs", concept, lang),
            "type_parent": parent_label("types-acteurs", concept, lang) if concept else None,
            "categorie": label("types-acteurs", top("types-acteurs", concept), lang) if concept else None,
            "acteurs": count,
            "acteurs_ess": sse,
            "projets": len(ids),
        }
        for concept, (count, sse, ids) in counts.items()
    ]


def axes_thematiques(projects, params):
    lang = params.get("langue", "fr")
    scheme = schemes()["axes-thematiques"]
    actions = [a for p in projects for a in blocks(p, "actions")]
    rows = [
        {
            "axe": VOCAB + "axes-thematiques/" + axis,
            "libelle": label("axes-thematiques", axis, lang),
            "projets": sum(1 for p in projects if axis in (p.get("axes") or [])),
            "actions": sum(1 for a in actions if axis in (a.get("axes") or [])),
        }
        for axis in scheme
    ]
    without = (sum(1 for p in projects if not p.get("axes")), sum(1 for a in actions if not a.get("axes")))
    if sum(without):
        rows.append({"axe": None, "libelle": None, "projets": without[0], "actions": without[1]})
    return rows


def axes_cooccurrences(projects, params):
    """Each ordered pair of axes (the same twice on the diagonal) with the projects taking up both."""
    lang = params.get("langue", "fr")
    counts = Counter((a, b) for p in projects for a in set(p.get("axes") or []) for b in set(p.get("axes") or []))
    return [
        {
            "axe": VOCAB + "axes-thematiques/" + a,
            "libelle": label("axes-thematiques", a, lang),
            "autre_axe": VOCAB + "axes-thematiques/" + b,
            "autre_libelle": label("axes-thematiques", b, lang),
            "projets": n,
        }
        for (a, b), n in counts.items()
    ]


def coordination_par_projet(projects, params):
    rows = []
    for project in (p for p in projects if maturity_ok(p, params)):
        posts = blocks(project, "coordination")

        def fte(test, posts=posts):
            return sum((dec(post["etp"]) for post in posts if "etp" in post and test(post)), Decimal(0))

        rows.append(
            {
                "projet": iri(project),
                "nom": project.get("nom"),
                "postes": len(posts),
                "etp_total": fte(lambda post: True),
                "etp_salarie": fte(lambda post: post.get("statut") == "salariee"),
                "etp_benevole": fte(lambda post: post.get("statut") == "benevole"),
                "etp_postes_crees": fte(lambda post: post.get("valorisation") == "creation-poste"),
                "postes_sans_etp": sum(1 for post in posts if "etp" not in post),
            }
        )
    return rows


def couverture_par_projet(projects, params):
    limit, total = int(params.get("maximum", 18)), len(grid_questions())
    return [
        {
            "projet": iri(p),
            "nom": p.get("nom"),
            "reponses": answered(p),
            "questions": total,
            "taux": percent(answered(p), total),
        }
        for p in projects
        if maturity_ok(p, params) and answered(p) <= limit
    ]


def couverture_par_question(projects, params):
    lang = params.get("langue", "fr")
    rows = []
    for qid, question, entry in grid_questions():
        answering = sum(1 for p in projects if qid in answered_questions(p))
        rows.append(
            {
                "question": BASE + "grille/question/" + qid,
                "numero": qid,
                "entree": entry["libelle"][lang],
                "texte": question["texte"][lang],
                "projets_repondants": answering,
                "projets": len(projects),
                "taux": percent(answering, len(projects)) if projects else None,
            }
        )
    return rows


def couverture_par_question_et_maturite(projects, params):
    """couverture-par-question on each maturity's projects, every maturity of the scheme (by IRI), its label;
    then, when some project gives no maturity, on those, without a maturity."""
    lang, rows = params.get("langue", "fr"), []
    for maturity in sorted(schemes()["maturites"]):
        own = [p for p in projects if p.get("maturite") == maturity]
        for row in couverture_par_question(own, params):
            rows.append(
                {"maturite": VOCAB + "maturites/" + maturity, "libelle_maturite": label("maturites", maturity, lang)}
                | row
            )
    without = [p for p in projects if not p.get("maturite")]
    if without:
        rows.extend(
            {"maturite": None, "libelle_maturite": None} | row for row in couverture_par_question(without, params)
        )
    return rows


def _schemes_of(project: dict) -> set[str]:
    return {item["dispositif"] for item in blocks(project, "dispositifs") if item.get("dispositif")}


def engagement_dispositifs(projects, params):
    lang, total = params.get("langue", "fr"), len(projects)
    rows = []
    for scheme_id, scheme in public_schemes().items():
        engaged = sum(1 for p in projects if scheme_id in _schemes_of(p))
        rows.append(
            {
                "dispositif": VOCAB + "dispositifs/" + scheme_id,
                "sigle": scheme["sigle"],
                "libelle": scheme["libelle"][lang],
                "projets": engaged,
                "total": total,
                "part": percent(engaged, total) if total else None,
            }
        )
    without = sum(1 for p in projects if not _schemes_of(p))
    if without:
        rows.append(
            {
                "dispositif": None,
                "sigle": None,
                "libelle": None,
                "projets": without,
                "total": total,
                "part": percent(without, total),
            }
        )
    return rows


def funder_category(funding: dict) -> str | None:
    kind = funding.get("type_financeur")
    return top("types-financeurs", kind) if kind in schemes()["types-financeurs"] else None


def financement_par_projet(projects, params):
    rows = []
    for project in projects:
        chosen = [f for f in fundings(project) if not params.get("statut") or f.get("statut") == params["statut"]]
        sums = defaultdict(Decimal)
        for funding in chosen:
            if "montant" in funding:
                sums[funder_category(funding)] += dec(funding["montant"])
        total = sum(sums.values(), Decimal(0))
        rows.append(
            {
                "projet": iri(project),
                "nom": project.get("nom"),
                "financements": len(chosen),
                "public": sums["public"],
                "prive": sums["prive"],
                "autofinancement": sums["autofinancement"],
                "sans_type": sums[None],
                "total": total,
                "part_publique": percent(sums["public"], total) if total else None,
                "sans_montant": sum(1 for f in chosen if "montant" not in f),
            }
        )
    return rows


def financements_par_type_de_financeur(projects, params):
    lang = params.get("langue", "fr")
    groups = defaultdict(list)
    for project in projects:
        for funding in fundings(project):
            if params.get("nature") and funding.get("nature") != params["nature"]:
                continue
            given = funding.get("type_financeur")
            for concept in ancestors("types-financeurs", given) or [None]:
                groups[concept].append((project["id"], funding))
    rows = []
    for concept, items in groups.items():
        amounts = [dec(f["montant"]) for _, f in items if "montant" in f]
        total = sum(amounts, Decimal(0))
        rows.append(
            {
                "type": VOCAB + "types-financeurs/" + concept if concept else None,
                "libelle": label("types-financeurs", concept, lang),
                "type_parent": parent_label("types-financeurs", concept, lang) if concept else None,
                "categorie": label("types-financeurs", top("types-financeurs", concept), lang) if concept else None,
                "financements": len(items),
                "projets": len({pid for pid, _ in items}),
                "montant_total": total,
                "montant_moyen": rounded(total / len(amounts)) if amounts else None,
                "sans_montant": len(items) - len(amounts),
            }
        )
    return rows


def formes_gouvernance(projects, params):
    lang = params.get("langue", "fr")

    def forms(project):
        return set((project.get("gouvernance") or {}).get("formes") or [])

    rows = [
        {
            "forme": VOCAB + "formes-gouvernance/" + form,
            "libelle": label("formes-gouvernance", form, lang),
            "forme_parente": parent_label("formes-gouvernance", form, lang),
            "projets": sum(1 for p in projects if any(form in ancestors("formes-gouvernance", f) for f in forms(p))),
        }
        for form in schemes()["formes-gouvernance"]
    ]
    without = sum(1 for p in projects if not forms(p))
    if without:
        rows.append({"forme": None, "libelle": None, "forme_parente": None, "projets": without})
    return rows


def formes_implication(projects, params):
    lang = params.get("langue", "fr")
    items = [(p["id"], i) for p in projects for i in blocks(p, "implications")]

    def row(form, chosen):
        return {
            "forme": VOCAB + "formes-implication/" + form if form else None,
            "libelle": label("formes-implication", form, lang),
            "implications": len(chosen),
            "membres": len({(pid, i["membre"]) for pid, i in chosen if i.get("membre")}),
            "projets": len({pid for pid, _ in chosen}),
            "montant_total": sum((dec(i["montant"]) for _, i in chosen if "montant" in i), Decimal(0)),
            "etp_total": sum((dec(i["etp"]) for _, i in chosen if "etp" in i), Decimal(0)),
        }

    rows = [
        row(form, [(pid, i) for pid, i in items if form in (i.get("formes") or [])])
        for form in schemes()["formes-implication"]
    ]
    without = [(pid, i) for pid, i in items if not i.get("formes")]
    return rows + ([row(None, without)] if without else [])


CATEGORIES = {
    "socio_economiques": "acteur-socio-economique",
    "reseaux": "reseau",
    "collectivites": "collectivite",
    "recherche_formation": "recherche-enseignement-formation",
    "habitants": "habitant",
}


def heterogeneite_consortium(projects, params):
    rows = []
    for project in projects:
        consortium = members(project)
        categories = [{top("types-acteurs", k) for k in kinds(a)} for a in consortium]
        row = {
            "projet": iri(project),
            "nom": project.get("nom"),
            "acteurs": len(consortium),
            "types": len({k for a in consortium for k in kinds(a)}),
            "categories": len(set().union(*categories)),
            "sans_type": sum(1 for a in consortium if not kinds(a)),
            # a partner group (a federation, a cluster) is one partner, like a partner actor
            "partenaires": len(partners(project)) + len(groups(project, "partenaire")),
            "groupes": len(groups(project)),
        }
        row.update({column: sum(c in found for found in categories) for column, c in CATEGORIES.items()})
        if row["categories"] >= int(params.get("minimum", 0)):
            rows.append(row)
    return rows


def is_enterprise(actor: dict) -> bool:
    return "entreprise" in kind_ancestors(actor)


def membres_ess(projects, params):
    rows = []
    for project in (p for p in projects if maturity_ok(p, params)):
        consortium = members(project)
        sse = sum(1 for a in consortium if a.get("ess") is True)
        outside = sum(1 for a in consortium if a.get("ess") is False and is_enterprise(a))
        unknown = sum(1 for a in consortium if a.get("ess") is None)
        rows.append(
            {
                "projet": iri(project),
                "nom": project.get("nom"),
                "membres": len(consortium),
                "ess": sse,
                "hors_ess": outside,
                "ess_non_dit": unknown,
                "autres": len(consortium) - sse - outside - unknown,
                "part_ess": percent(sse, len(consortium)) if consortium else None,
            }
        )
    return rows


@cache
def legal_table() -> dict:
    """The INSEE categories and what kinds and legal forms say (shapes/categories-juridiques.yaml), as data."""
    return yaml.safe_load((ROOT / "shapes" / "categories-juridiques.yaml").read_text(encoding="utf-8"))


def _said(row: dict | None) -> dict:
    return {fact: row[fact] for fact in ("nature", "famille") if row and row.get(fact)}


def _category(actor: dict) -> dict | None:
    """The nature and family of the actor's catégorie juridique (level 1, then 2, then 3), None if none is known."""
    code, table = str(actor.get("categorie_juridique") or "").strip(), legal_table()
    if not re.fullmatch(r"[0-9]{4}", code) or code[0] not in table["niveau_1"]:
        return None
    found = {}
    for level, width in (("niveau_1", 1), ("niveau_2", 2), ("niveau_3", 4)):
        found.update(_said(table[level].get(code[:width])))
    return found


def _by_kinds(actor: dict) -> dict | None:
    """What the actor's kinds say together (each with its broader kinds; a fact two kinds disagree on is unsaid)."""
    if not kinds(actor):
        return None
    said = []
    for kind in kinds(actor):
        facts = {}
        for step in reversed(ancestors("types-acteurs", kind)):
            facts.update(_said(legal_table()["types"].get(step)))
        said.append(facts)
    agreed = {fact: {f[fact] for f in said if fact in f} for fact in ("nature", "famille")}
    return {fact: values.pop() for fact, values in agreed.items() if len(values) == 1}


def _by_form(actor: dict) -> dict | None:
    form = str(actor.get("forme_juridique") or "").strip()
    if not form:
        return None
    rows = legal_table()["formes"]
    return next((_said(r) for r in rows if re.search(rf"\b({r['motif']})\b", form, re.IGNORECASE)), {})


def ess_status(actor: dict) -> str:
    """The actor's status under article 1 of loi n° 2014-856, as docs/validation.md's table gives it."""
    category, by_kinds = _category(actor), _by_kinds(actor)
    ordered = [category, by_kinds, {"nature": "droit-prive", "famille": "association"} if actor.get("rna") else None]
    ordered.append(_by_form(actor))
    nature = next((s["nature"] for s in ordered if s and "nature" in s), None)
    refines = category and by_kinds and by_kinds.get("famille") == "cooperative"
    if refines and category.get("famille") in ("societe-commerciale", "autre"):
        family = "cooperative"
    else:
        family = next((s["famille"] for s in ordered if s and "famille" in s), None)
    code, outside = str(actor.get("categorie_juridique") or "").strip(), "entreprise-hors-ess" in kinds(actor)
    if nature == "droit-public":
        return "personne-publique"
    if nature in ("personne-physique", "sans-personnalite-morale"):
        return "entreprise-hors-ess" if nature == "personne-physique" and code.startswith("1") else "hors-champ"
    if family in ("association", "cooperative", "mutuelle", "fondation"):
        return "entreprise-ess"
    if actor.get("agrement_esus") is True or actor.get("statuts_ess") is True:
        return "entreprise-ess"
    if actor.get("ess") is True:
        return "inconnu" if outside else "entreprise-ess"
    if actor.get("ess") is False or outside:
        enterprise = family == "societe-commerciale" or code[:1] in ("5", "6") or is_enterprise(actor)
        return "entreprise-hors-ess" if enterprise else "inconnu"
    return "inconnu"


def legal_gaps(project: dict) -> set[str]:
    """What the description does not show of article 9; each member's ESS status as validation derives it."""
    consortium, territory = members(project), project.get("territoire") or {}
    statuses = {ess_status(actor) for actor in consortium}
    gaps = set()
    if "entreprise-ess" not in statuses and not any(g.get("majoritairement_ess") is True for g in groups(project)):
        gaps.add("entreprise-ess")
    outside = "entreprise-hors-ess" in statuses
    if not outside and not any(g.get("majoritairement_ess") is False for g in groups(project)):
        gaps.add("entreprise-hors-ess")
    parts = [p for p in blocks(territory, "parties") if p.get("departement") or p.get("region")]
    if not parts and not any(territory.get(key) for key in ("communes", "epci", "departements", "regions")):
        gaps.add("territoire")
    if not _given(project.get("strategie_commune")):  # the corpora counted here hold no text of the template
        gaps.add("strategie-commune")
    return gaps


def projets_hors_definition_legale(projects, params):
    # the explanation is the query's own text: checked apart (present, in the language asked)
    return [{"projet": iri(p), "nom": p.get("nom"), "manque": gap} for p in projects for gap in legal_gaps(p)]


def _areas(project):
    return geography().areas(project.get("territoire") or {})


def projets_par_departement(projects, params):
    geo, counts = geography(), defaultdict(int)
    for project in projects:
        departements, regions = _areas(project)
        if params.get("region") and params["region"] not in regions:
            continue
        for code in departements or [None]:
            counts[code] += 1
    return [
        {
            "code_departement": code,
            "nom_departement": geo.departements[code]["name"] if code in geo.departements else None,
            "projets": count,
        }
        for code, count in counts.items()
    ]


def region_name(code: str | None) -> str | None:
    """The région's name in the COG table (None for no code, or a code the table lacks)."""
    return geography().regions[code]["name"] if code in geography().regions else None


def projets_par_region(projects, params):
    counts = defaultdict(int)
    for project in (p for p in projects if maturity_ok(p, params)):
        for code in _areas(project)[1] or [None]:
            counts[code] += 1
    return [{"code_region": code, "nom_region": region_name(code), "projets": n} for code, n in counts.items()]


def projets_par_dispositif(projects, params):
    wanted = set(params["dispositif"].split(",")) if params.get("dispositif") else None
    rows = []
    for project in projects:
        items = blocks(project, "dispositifs")
        chosen = [i for i in items if wanted is None or i.get("dispositif") in wanted]
        for item in chosen:
            rows.append(
                {
                    "projet": iri(project),
                    "nom": project.get("nom"),
                    "sigle": item["dispositif"].upper() if item.get("dispositif") else None,
                    "declinaison": item.get("nom"),
                    "depuis": literal_value(item.get("depuis")),
                }
            )
        if wanted is None and not items:
            rows.append(
                {"projet": iri(project), "nom": project.get("nom"), "sigle": None, "declinaison": None, "depuis": None}
            )
    return rows


def projets_par_maturite(projects, params):
    lang, by_maturity = params.get("langue", "fr"), defaultdict(list)
    for project in projects:
        by_maturity[project.get("maturite")].append(project)
    return [
        {
            "maturite": VOCAB + "maturites/" + maturity if maturity else None,
            "libelle": label("maturites", maturity, lang),
            "projets": len(chosen),
            "acteurs_moyen": rounded(10 * Decimal(sum(len(members(p)) for p in chosen)) / len(chosen)) / 10,
            "reponses_moyen": rounded(10 * Decimal(sum(answered(p) for p in chosen)) / len(chosen)) / 10,
        }
        for maturity, chosen in by_maturity.items()
    ]


def stades_plan_action(projects, params):
    lang, axis = params.get("langue", "fr"), params.get("axe")
    actions = [
        (p["id"], a) for p in projects for a in blocks(p, "actions") if not axis or axis in (a.get("axes") or [])
    ]
    rows = []
    for rank, stage in enumerate(STAGES, start=1):
        chosen = [(pid, a) for pid, a in actions if a.get("stade") == stage]
        rows.append(
            {
                "stade": VOCAB + "stades-action/" + stage,
                "rang": rank,
                "libelle": label("stades-action", stage, lang),
                "actions": len(chosen),
                "projets": len({pid for pid, _ in chosen}),
            }
        )
    without = [(pid, a) for pid, a in actions if not a.get("stade")]
    if without:
        rows.append(
            {
                "stade": None,
                "rang": None,
                "libelle": None,
                "actions": len(without),
                "projets": len({p for p, _ in without}),
            }
        )
    return rows


def organisation_keys(projects) -> dict[tuple[str, str], str]:
    """(project id, actor id) -> the organisation's IRI, for the actors that give a usable identifier."""
    siren_of_rna = defaultdict(set)
    for project in projects:
        for actor in actors(project):
            siren = str(actor.get("siren", ""))
            if RNA.fullmatch(str(actor.get("rna", ""))) and SIREN.fullmatch(siren) and luhn_valid(siren):
                siren_of_rna[actor["rna"]].add(siren)
    keys = {}
    for project in projects:
        for actor in actors(project):
            siren = str(actor.get("siren", ""))
            siret = str(actor.get("siret", ""))
            rna = str(actor.get("rna", ""))
            # a SIREN whose check digit is wrong names no one: as if the actor did not give it
            if SIREN.fullmatch(siren) and luhn_valid(siren):
                candidate = siren
            elif SIRET.fullmatch(siret) and luhn_valid(siret[:9]):
                candidate = siret[:9]
            elif RNA.fullmatch(rna) and siren_of_rna[rna]:
                candidate = min(siren_of_rna[rna])
            else:
                candidate = None
            if candidate is not None:
                key = "siren/" + candidate
            elif RNA.fullmatch(rna):
                key = "rna/" + rna
            else:
                continue
            keys[project["id"], actor["id"]] = BASE + "organisation/" + key
    return keys


def organisations(projects) -> dict[str, dict]:
    """organisation IRI -> its SIREN, RNA numbers, names and project ids."""
    found = defaultdict(lambda: {"rna": set(), "names": set(), "projects": set()})
    by_id = {p["id"]: p for p in projects}
    for (pid, aid), organisation in organisation_keys(projects).items():
        actor = next(a for a in actors(by_id[pid]) if a["id"] == aid)
        entry = found[organisation]
        if RNA.fullmatch(str(actor.get("rna", ""))):
            entry["rna"].add(actor["rna"])
        if actor.get("nom"):
            entry["names"].add(actor["nom"])
        entry["projects"].add(pid)
    return found


def organisations_partagees(projects, params):
    names = {p["id"]: p.get("nom") or iri(p) for p in projects}
    rows = []
    for organisation, entry in organisations(projects).items():
        if len(entry["projects"]) < int(params.get("minimum", 2)):
            continue
        siren = organisation.rsplit("/", 1)[1] if "/siren/" in organisation else None
        for rna in sorted(entry["rna"]) or [None]:
            rows.append(
                {
                    "organisation": organisation,
                    "siren": siren,
                    "rna": rna,
                    "nom": min(entry["names"]) if entry["names"] else None,
                    "poles": len(entry["projects"]),
                    "noms_poles": " ; ".join(sorted({names[pid] for pid in entry["projects"]})),  # as SPARQL sorts
                }
            )
    return rows


APPROXIMATELY = re.compile(r"^(environ|à peu près|près de|presque|autour de|~)\s*", re.IGNORECASE)
RANGE = re.compile(r"^([0-9 ]+)\s*(?:à|-|–)\s*([0-9 ]+)$")


def figure(given) -> tuple:
    """(value, low, high, approximate, year) of a figure as descriptions write it: a number, "environ 15",
    "20 à 25", or a block whose valeur is one of those, with environ and annee."""
    if given is None:
        return None, None, None, None, None
    if isinstance(given, dict):
        value, low, high, approximate, _ = figure(given.get("valeur"))
        year = str(given["annee"]) if "annee" in given else None
        return value, low, high, True if given.get("environ") or approximate else None, year
    if isinstance(given, (int, float)):
        return dec(given), None, None, None, None
    text = str(given).strip()
    approximate = APPROXIMATELY.match(text)
    if approximate:
        return dec(text[approximate.end() :].replace(" ", "")), None, None, True, None
    span = RANGE.match(text)
    if span:
        return None, dec(span[1].replace(" ", "")), dec(span[2].replace(" ", "")), None, None
    return dec(text.replace(" ", "")), None, None, None, None


def groupes_de_membres(projects, params):
    rows = []
    for project in projects:
        for group in groups(project, params.get("relation")):
            value, low, high, approximate, year = figure(group.get("nombre_membres"))
            given = group.get("type")
            rows.append(
                {
                    "projet": iri(project),
                    "nom_projet": project.get("nom"),
                    "groupe": f"{iri(project)}/groupe/{group['id']}",
                    "nom": group.get("nom"),
                    "type": VOCAB + "types-groupes/" + given if given else None,
                    "relation": group.get("relation", "membre"),
                    "effectif": value,
                    "effectif_min": low,
                    "effectif_max": high,
                    "environ": approximate,
                    "annee": year,
                    "membres_nommes": len(group.get("membres") or []),
                    "surtout_ess": group.get("majoritairement_ess"),
                }
            )
    return rows


EXPECTED = {
    "acteurs-par-type": acteurs_par_type,
    "axes-thematiques": axes_thematiques,
    "axes-cooccurrences": axes_cooccurrences,
    "coordination-par-projet": coordination_par_projet,
    "couverture-par-projet": couverture_par_projet,
    "couverture-par-question": couverture_par_question,
    "couverture-par-question-et-maturite": couverture_par_question_et_maturite,
    "engagement-dispositifs": engagement_dispositifs,
    "financement-par-projet": financement_par_projet,
    "financements-par-type-de-financeur": financements_par_type_de_financeur,
    "formes-gouvernance": formes_gouvernance,
    "formes-implication": formes_implication,
    "groupes-de-membres": groupes_de_membres,
    "heterogeneite-consortium": heterogeneite_consortium,
    "membres-ess": membres_ess,
    "organisations-partagees": organisations_partagees,
    "projets-hors-definition-legale": projets_hors_definition_legale,
    "projets-par-departement": projets_par_departement,
    "projets-par-dispositif": projets_par_dispositif,
    "projets-par-maturite": projets_par_maturite,
    "projets-par-region": projets_par_region,
    "stades-plan-action": stades_plan_action,
}


def expected(name: str, projects: list[dict], params: dict[str, str]) -> list[dict]:
    """The rows the query ``name`` must give on ``projects`` with ``params``."""
    return EXPECTED[name](projects, params)


# ---------------------------------------------------------------------------------------------
# the register of real poles (registre/poles/): its queries, apart from the corpus's


def register_poles_by_call_and_region(records: list[dict]) -> Counter:
    """registre-poles-par-appel-et-region: (call, phase, région code) → poles, a pole counting in each
    région its territory lies in (named, or found from its départements and communes), and under
    no région (None) when it gives none."""
    counts = Counter()
    for record in records:
        regions = _areas(record)[1] or {None}
        for selection in {(r.get("appel"), r.get("phase")) for r in record.get("reconnaissances") or ()}:
            if selection[0]:
                counts.update((*selection, region) for region in regions)
    return counts


def register_poles_by_region(records: list[dict]) -> Counter:
    """registre-poles-par-region-et-population: région code → poles (None: placed in no région)."""
    return Counter(region for record in records for region in _areas(record)[1] or {None})
