"""Shared helpers of the publishing tests: one app per module, the kinds of resource, an HTML reader."""

from __future__ import annotations

from html.parser import HTMLParser

from cap_ptce.grid import load_grid
from cap_ptce.rdf.namespaces import BASE

RDF_TYPES = {  # media type -> (suffix, rdflib parser)
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/rdf+xml": ("rdf", "xml"),
    "application/n-triples": ("nt", "nt"),
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def resource_paths(project_id: str) -> dict[str, str]:
    """One path of each kind of resource the app answers for, taken from the data itself."""
    grid = load_grid()
    scheme = next(s for s in grid.schemes if s.concepts)
    question = grid.questions[0]
    return {
        "ontology": "/def",
        "grid": f"/grille/{grid.id}",
        "entry": f"/grille/entree/{grid.entries[0].id}",
        "question": f"/grille/question/{question.id}",
        "example": f"/grille/exemple/{question.examples[0].id}",
        "entries scheme": "/vocab/entrees",
        "concept scheme": f"/vocab/{scheme.id}",
        "concept": f"/vocab/{scheme.id}/{scheme.concepts[0].id}",
        "public schemes": "/vocab/dispositifs",
        "public scheme": f"/vocab/dispositifs/{grid.public_schemes[0].id}",
        "shapes": "/shapes",
        "catalogue": "/catalog",
        "dataset": "/dataset",
        "project": f"/projet/{project_id}",
        "organisation": "/organisation/institut-godin",
    }


def iri_of(path: str, base_iri: str = BASE) -> str:
    return (base_iri if path.startswith("/projet/") else BASE) + path.lstrip("/")


class Page(HTMLParser):
    """An HTML page read into its links, ids, language and text (with each text's language)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.actions: list[str] = []  # where the page's forms go
        self.ids: set[str] = set()
        self.lang: str | None = None
        self.texts: list[tuple[str, str | None]] = []
        self._langs: list[tuple[str, str | None]] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self.links += [found[name] for name in ("href", "src") if found.get(name) is not None]
        if tag == "form" and found.get("action"):
            self.actions.append(found["action"])
        if found.get("id"):
            self.ids.add(found["id"])
        if tag == "html":
            self.lang = found.get("lang")
        if tag in {"script", "style"}:
            self._skip += 1
        if tag not in {"br", "meta", "link", "img", "input"}:
            current = self._langs[-1][1] if self._langs else self.lang
            self._langs.append((tag, found.get("lang", current)))

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1
        while self._langs:
            opened, _ = self._langs.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self._skip:
            self.texts.append((data, self._langs[-1][1] if self._langs else self.lang))

    def text_in(self, lang: str) -> str:
        """The page's text that is in ``lang`` (not inside an element marked with another language)."""
        return " ".join(" ".join(text.split()) for text, text_lang in self.texts if text_lang == lang)
