"""From a path under the base to the resource it names, and the list of all of them.

The app answers for every IRI under its base by stripping the base
(``https://w3id.org/cap-ptce/grille/question/q01`` → ``/grille/question/q01``).
A path names a resource of a known kind (the grid, an entry, a question…), an
HTML-only page (home, future-tense grid, project list), a project of the
knowledge base, or any other resource the published graphs describe (shown by a
generic page). Anything else is a :class:`~cap_ptce.errors.NotFoundError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rdflib import URIRef

from ..errors import NotFoundError
from ..grid import Grid, load_grid
from ..i18n.suggest import nearest
from ..publish.parts import current_versions, frozen_release, frozen_versions
from ..publish.static_rules import PUBLICATION_STEMS
from ..rdf.namespaces import BASE
from ..rdf.negotiation import Representation, representations

__all__ = ["Resource", "resolve", "resolve_grid_path", "grid_resources", "nearest_address"]


@dataclass(frozen=True)
class Resource:
    """Something the app answers for: its path (no suffix), kind, key within the kind, IRI and offers.

    Kinds: home, grid, grid-future, entry, question, example, scheme, concept,
    public-scheme, ontology, shapes, catalog, projects, project, organisation,
    thing (any other described IRI). Pages only (no RDF) have no IRI.
    """

    path: str
    kind: str
    key: str | None
    iri: URIRef | None
    offers: tuple[Representation, ...]
    anchor: str | None = None  # a part of another resource's page (a project's actor): its section there
    version_of: URIRef | None = None  # a version (…/def/0.1.0): the resource it is a version of

    @property
    def described(self) -> URIRef | None:
        """The IRI whose description the documents carry: the resource's, or the one it is a version of."""
        return self.version_of or self.iri


def _page(path: str, kind: str) -> Resource:
    return Resource(path, kind, None, None, representations(rdf=False))


def _data(path: str, kind: str, key: str | None = None, *, csv: bool = False) -> Resource:
    return Resource(path, kind, key, URIRef(BASE + path.lstrip("/")), representations(csv=csv))


# path pattern -> builder of the resource, given the grid and the match; None when it does not exist.
_Builder = Callable[[Grid, re.Match], "Resource | None"]


def _entry(grid: Grid, m: re.Match) -> Resource | None:
    ok = any(entry.id == m["key"] for entry in grid.entries)
    return _data(m[0], "entry", m["key"]) if ok else None


def _question(grid: Grid, m: re.Match) -> Resource | None:
    ok = any(question.id == m["key"] for question in grid.questions)
    return _data(m[0], "question", m["key"]) if ok else None


def _example(grid: Grid, m: re.Match) -> Resource | None:
    ok = any(ex.id == m["key"] for question in grid.questions for ex in question.examples)
    return _data(m[0], "example", m["key"]) if ok else None


def _scheme(grid: Grid, m: re.Match) -> Resource | None:
    ok = m["key"] in {"entrees", "dispositifs", "exemples"} or any(s.id == m["key"] for s in grid.schemes)
    return _data(m[0], "scheme", m["key"]) if ok else None


def _concept(grid: Grid, m: re.Match) -> Resource | None:
    scheme, concept = m["scheme"], m["key"]
    if scheme == "dispositifs":
        ok = any(p.id == concept for p in grid.public_schemes)
        return _data(m[0], "public-scheme", concept) if ok else None
    ok = any(s.id == scheme and any(c.id == concept for c in s.concepts) for s in grid.schemes)
    return _data(m[0], "concept", f"{scheme}/{concept}") if ok else None


def _version(kind: str, *, csv: bool = False) -> _Builder:
    """A version of a versioned resource (``/def/0.1.0``): the current one, or an earlier release kept as published."""

    def build(grid: Grid, m: re.Match) -> Resource | None:
        current = URIRef(BASE + m["of"].lstrip("/"))
        if current_versions().get(current) != m["version"]:
            kept = frozen_release(current, m["version"])  # an earlier release, as it was published
            return replace(_data(m[0], "frozen-release", m["version"], csv=csv), version_of=current) if kept else None
        return replace(_data(m[0], kind, csv=csv), version_of=current)

    return build


_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_VERSION = r"/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)"
_PATTERNS: tuple[tuple[re.Pattern, _Builder], ...] = tuple(
    (re.compile(pattern), builder)
    for pattern, builder in (
        (r"/", lambda g, m: _page("/", "home")),
        (r"/grille/futur", lambda g, m: _page(m[0], "grid-future")),
        (r"/grille/(?P<key>" + _SLUG + ")", lambda g, m: _data(m[0], "grid", csv=True) if m["key"] == g.id else None),
        (r"/grille/entree/(?P<key>" + _SLUG + ")", _entry),
        (r"/grille/question/(?P<key>q[0-9]{2})", _question),
        (r"/grille/exemple/(?P<key>q[0-9]{2}-[0-9]+)", _example),
        (r"/vocab/(?P<key>" + _SLUG + ")", _scheme),
        (r"/vocab/(?P<scheme>" + _SLUG + ")/(?P<key>" + _SLUG + ")", _concept),
        (r"/def", lambda g, m: _data(m[0], "ontology")),
        (r"/shapes", lambda g, m: _data(m[0], "shapes")),
        (r"/shapes/registre", lambda g, m: _data(m[0], "register-profile")),
        (r"/catalog", lambda g, m: _data(m[0], "catalog")),
        (r"/dataset", lambda g, m: _data(m[0], "catalog")),
        (r"/projet", lambda g, m: _page(m[0], "projects")),
        (r"/registre", lambda g, m: _page(m[0], "register")),
        (r"/recherche", lambda g, m: _page(m[0], "search")),
        (r"(?P<of>/def)" + _VERSION, _version("ontology")),
        (r"(?P<of>/shapes)" + _VERSION, _version("shapes")),
        (r"(?P<of>/grille/cap-ptce)" + _VERSION, _version("grid", csv=True)),
    )
)


# An organisation of the corpus, by its SIREN (9 digits) or RNA number (W and 9 characters).
_ORGANISATION = re.compile(r"/organisation/(?P<key>siren/[0-9]{9}|rna/W[0-9A-Z]{9})")


def resolve_grid_path(path: str, grid: Grid | None = None) -> Resource | None:
    """The resource of a fixed kind at ``path`` (no suffix), or None if no pattern names it."""
    grid = grid or load_grid()
    for pattern, builder in _PATTERNS:
        match = pattern.fullmatch(path)
        if match:
            return builder(grid, match)
    return None


# Characters that cannot appear in an IRI (RFC 3987), nor in anything rdflib accepts as one.
_NOT_IN_AN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def resolve(
    path: str,
    *,
    project_iri: Callable[[str], URIRef | None],
    is_thing: Callable[[URIRef], bool],
    project_part: Callable[[str], tuple[str, str] | None] = lambda path: None,
    organisation_iri: Callable[[str], URIRef | None] = lambda key: None,
    base: str = BASE,
) -> Resource:
    """The resource at ``path``.

    ``project_iri`` gives a project's IRI (None: no such project); ``project_part``
    gives, for the path of a part of a project (its actors, actions…), the
    project's id and the part's anchor on the project's page (None: no such part);
    ``organisation_iri`` gives the IRI of an organisation ``siren/…`` or ``rna/…``;
    ``base`` is the deployment's base, under which the catalogue and the dataset are named.
    """
    found = resolve_grid_path(path)
    if found is not None and found.path.lstrip("/") in PUBLICATION_STEMS:  # this publication's, not the grid's
        return replace(found, iri=URIRef(base + found.path.lstrip("/")))
    if found is not None:
        return found
    if _NOT_IN_AN_IRI.search(path):  # nothing we publish has such a name; rdflib would warn on each one
        raise NotFoundError(
            f"rien n’est publié à / nothing is published at {path}",
            hint='une IRI ne contient ni espace ni <>"{}|\\^` / an IRI has no space nor <>"{}|\\^`',
        )
    project = re.fullmatch(r"/projet/(?P<key>" + _SLUG + ")", path)
    iri = project_iri(project["key"]) if project else None
    if iri is not None:
        return Resource(path, "project", project["key"], iri, representations())
    organisation = _ORGANISATION.fullmatch(path)
    iri = organisation_iri(organisation["key"]) if organisation else None
    if iri is not None:
        return Resource(path, "organisation", organisation["key"], iri, representations())
    part = project_part(path)
    if part is not None:
        owner, anchor = part
        return Resource(f"/projet/{owner}", "project", owner, project_iri(owner), representations(), anchor)
    iri = URIRef(BASE + path.lstrip("/"))
    if path != "/" and is_thing(iri):
        return _data(path, "thing")
    raise NotFoundError(
        f"rien n’est publié à / nothing is published at {path}",
        hint="partir de l’accueil ou de la grille / start from the home page or the grid",
    )


def grid_resources(grid: Grid | None = None) -> Iterator[Resource]:
    """Every page and data resource of a fixed kind, in site order (projects and others aside)."""
    grid = grid or load_grid()
    fixed = [
        "/",
        f"/grille/{grid.id}",
        "/grille/futur",
        "/def",
        "/shapes",
        "/shapes/registre",
        "/catalog",
        "/dataset",
        "/projet",
        "/registre",
        "/recherche",
        "/vocab/entrees",
        "/vocab/dispositifs",
        "/vocab/exemples",
    ]
    fixed += [f"/grille/entree/{entry.id}" for entry in grid.entries]
    for question in grid.questions:
        fixed.append(f"/grille/question/{question.id}")
        fixed += [f"/grille/exemple/{ex.id}" for ex in question.examples]
    for scheme in grid.schemes:
        fixed.append(f"/vocab/{scheme.id}")
        fixed += [f"/vocab/{scheme.id}/{concept.id}" for concept in scheme.concepts]
    fixed += [f"/vocab/dispositifs/{public.id}" for public in grid.public_schemes]
    fixed += [f"{iri[len(BASE) - 1 :]}/{version}" for iri, version in current_versions().items()]
    fixed += [f"{iri[len(BASE) - 1 :]}/{version}" for iri, version in frozen_versions()]
    for path in fixed:
        resource = resolve_grid_path(path, grid)
        assert resource is not None, path  # the patterns and this list must agree
        yield resource


def nearest_address(path: str, addresses: frozenset[str]) -> str | None:
    """The address of ``addresses`` that ``path`` most likely meant, or None.

    A slash too many (``/editor/``), a typo in a folder (``/grile/…``) or in a
    name (``/projet/pole-saveur-somme``), a word near one of ours
    (``/validateur``). Read step by step, each step among the names its folder
    holds: a 404 costs a few dozen comparisons, and a long name is not matched
    on the folder it shares with the others.
    """
    wanted = path.rstrip("/") or "/"
    if wanted in addresses:
        return wanted if wanted != path else None
    step_of = _tree(addresses)
    for name in wanted.strip("/").split("/"):
        if name not in step_of.children:
            name = _same_numbers(name, step_of.children) or nearest(name, step_of.children)
            if name is None:
                return None
        step_of = step_of.children[name]
    return step_of.address


def _same_numbers(name: str, names) -> str | None:
    """The name that is ``name`` with its numbers written otherwise (``q1`` for ``q01``), if there is one."""
    canonical = _NUMBER.sub(lambda found: str(int(found.group())), name)
    return next((other for other in names if _NUMBER.sub(lambda f: str(int(f.group())), other) == canonical), None)


_NUMBER = re.compile(r"[0-9]+")


@dataclass
class _Step:
    """One step of the site's addresses: the names under it, and the address it ends (None: a folder)."""

    children: dict[str, _Step] = field(default_factory=dict)
    address: str | None = None


@lru_cache(maxsize=4)
def _tree(addresses: frozenset[str]) -> _Step:
    """``addresses`` as a tree of their steps (sorted: among equally near names, always the same one)."""
    root = _Step()
    for address in sorted(addresses):
        step = root
        for name in address.strip("/").split("/"):
            step = step.children.setdefault(name, _Step())
        step.address = address
    return root
