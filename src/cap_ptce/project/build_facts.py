"""How the loader reads the facts of format version 2: years and spans, figures, sources, related poles, answers.

:class:`FactReader` is mixed into :class:`cap_ptce.project.build._Builder`
with :class:`cap_ptce.project.build_kinds.KindReader`, whose helpers it uses.
"""

from __future__ import annotations

from typing import Any

from ..errors import UnknownKeyError
from ..i18n.suggest import did_you_mean, nearest
from ..rdf.namespaces import GRILLE, VOCAB
from .build_kinds import XSD, Merge, grid_ids
from .schema import SPECS
from .values import Unreadable, decimal_lexical, empty, read_date, read_quantity, read_years

__all__ = ["FactReader"]

_IRI_START = ("http://", "https://")


class FactReader:
    """The fact readers of the builder (``kind_*`` methods found by name)."""

    def kind_date_span(self, value, path, spec_field, iri):
        try:
            read_years(value)
        except Unreadable:
            return self.date_value(value, path)
        span = read_years(value)
        if span.exact:
            return self.date_value(value, path)
        return Merge({"annee_debut": str(span.low), "annee_fin": str(span.high)})

    def kind_year(self, value, path, spec_field, iri):
        span = self.readable(read_years, value, path)
        if span.exact:
            return Merge({"annee": str(span.low)})
        return Merge({"annee_debut": str(span.low), "annee_fin": str(span.high)})

    def kind_quantity(self, value, path, spec_field, iri):
        self.expect(not isinstance(value, (dict, list)), "une seule valeur / one value", path)
        quantity = self.readable(read_quantity, value, path)
        if quantity.value is not None:
            found = Merge({"valeur": decimal_lexical(quantity.value)})
        else:
            found = Merge({"valeur_min": decimal_lexical(quantity.low), "valeur_max": decimal_lexical(quantity.high)})
        if quantity.approximate:
            found["environ"] = True
        return found

    def kind_figure(self, value, path, spec_field, iri):
        """A figure in one key (``nombre_membres: "environ 15"``) or a block; a cap:Figure of its own."""
        figure = f"{iri}/{spec_field.key.replace('_', '-')}"
        node = {"@id": figure, "@type": "cap:Figure", "indicateur": str(VOCAB[f"indicateurs/{spec_field.arg}"])}
        self.note(figure, None, path)
        if isinstance(value, dict):
            node.update(self.properties(SPECS["chiffre_valeur"], value, path, figure))
        else:
            for key, inner in self.kind_quantity(value, path, spec_field, figure).items():
                node[key] = inner
                self.note(figure, key, path)
        return node

    def kind_source(self, value, path, spec_field, iri):
        key = self.source_key(value, path)
        source = self.sources[key]
        self.note(source, None, path)
        node = {"@id": source, "@type": "cap:Source"}
        for term, inner in zip(("titre", "editeur", "date", "url"), key):
            if inner is None:
                continue
            if term == "editeur":
                inner = {"@id": f"{source}/editeur", "@type": "schema:Organization", "nom": inner}
            elif term == "date":
                inner = {"@value": inner[0], "@type": XSD + inner[1]}
            node[term] = inner
        return node

    def source_key(self, value: Any, path: tuple) -> tuple:
        """What identifies a source: (title, publisher, (date, type), url); a text or a URL on its own."""
        if isinstance(value, str):
            is_url = value.startswith(_IRI_START)
            return (None, None, None, self.kind_url(value, path, None, None)) if is_url else (value, None, None, None)
        self.mapping(value, path, SPECS["source"])
        self.check_keys(SPECS["source"], value, path)
        title = None if empty(value.get("titre")) else self.text(value["titre"], path + ("titre",))
        publisher = None if empty(value.get("editeur")) else self.text(value["editeur"], path + ("editeur",))
        when = None if empty(value.get("date")) else self.readable(read_date, value["date"], path + ("date",))
        url = None if empty(value.get("url")) else self.kind_url(value["url"], path + ("url",), None, None)
        self.expect(
            any(v is not None for v in (title, publisher, when, url)),
            "une source avec un titre ou une adresse / a source with a title or a URL",
            path,
        )
        return title, publisher, when, url

    def kind_sources(self, value, path, spec_field, iri):
        self.expect(isinstance(value, list), "une liste de sources / a list of sources", path)
        nodes = []
        for index, item in enumerate(value):
            if empty(item):
                continue
            node = self.kind_source(item, path + (index,), spec_field, iri)
            if any(n["@id"] == node["@id"] for n in nodes):
                raise self.fail(
                    "cette source est donnée deux fois / this source is given twice",
                    path + (index,),
                    "ne la garder qu'une fois / keep it once",
                )
            nodes.append(node)
        return nodes

    def kind_poles(self, value, path, spec_field, iri):
        """Other projects of the corpus by their id, and poles outside it as blocks (nom:, site_web:)."""
        self.expect(isinstance(value, list), "une liste (pôles liés) / a list (pôles liés)", path)
        spec, out, rank, seen = SPECS["poles_lies"], [], 0, set()
        for index, item in enumerate(value):
            item_path = path + (index,)
            if isinstance(item, dict):
                rank += 1
                node = self.node(spec, item, item_path, f"{self.iri}/{spec.segment}/{rank}")
                node["position"] = rank
                out.append(node)
                continue
            pole_id = self.slug(item, item_path)
            self.expect(
                pole_id != self.iri.rsplit("/", 1)[1], "un autre projet que celui-ci / another project", item_path
            )
            if pole_id in seen:
                raise self.fail(
                    f"{pole_id!r} est donné deux fois / is given twice", item_path, "le garder une fois / keep it once"
                )
            seen.add(pole_id)
            out.append(f"{self.base}projet/{pole_id}")
        return out

    def kind_answer(self, value, path, spec_field, iri):
        return self.answer(spec_field.arg, value, path)

    def answer(self, qid: str, text: Any, path: tuple) -> list:
        answer = f"{self.iri}/reponse/{qid}"
        self.note(answer, None, path)  # also for an empty answer: where to write it
        if empty(text):
            return []
        self.note(answer, "texte", path)
        question = str(GRILLE[f"question/{qid}"])
        return [{"@id": answer, "@type": "cap:Answer", "question": question, "texte": self.text(text, path)}]

    def kind_answers(self, value, path, spec_field, iri):
        self.expect(isinstance(value, dict), "un bloc q01 … q18 → texte / a mapping from q01 … q18 to texts", path)
        questions = grid_ids()[2]
        answers = []
        for qid, text in value.items():
            if qid not in questions:
                suggestion = nearest(str(qid), questions)
                hint = did_you_mean(suggestion) if suggestion else "questions q01 … q18"
                raise self.fail(f"question inconnue / unknown question {qid!r}", path + (qid,), hint, UnknownKeyError)
            answers.extend(self.answer(qid, text, path + (qid,)))
        return answers
