"""The tables that synthetic descriptions are drawn from: themes, kinds of actors, names.

:mod:`cap_ptce.project.generate` draws from them; nothing here is random.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Theme",
    "THEMES",
    "ESS_KINDS",
    "OTHER_KINDS",
    "PARTNER_KINDS",
    "NAME_WORDS",
    "FREQUENCIES",
    "STAGES",
    "GROUP_KINDS",
    "COLLEGES",
]


@dataclass(frozen=True)
class Theme:
    axis: str
    scheme: str | None
    words: tuple[str, ...]
    actions: tuple[str, ...]
    finding: str
    skills: tuple[str, ...]


THEMES = (
    Theme(
        "circuits-courts-alimentaires",
        "pat",
        ("Saveurs", "Terroirs", "Paniers", "Récoltes"),
        (
            "Légumerie solidaire",
            "Épicerie solidaire",
            "Plateforme logistique des producteurs",
            "Cuisine partagée",
            "Conserverie",
        ),
        "Les producteurs locaux n'ont pas accès à la restauration collective.",
        ("Maraîchage", "Transformation alimentaire", "Logistique"),
    ),
    Theme(
        "mobilite-durable",
        "crte",
        ("Mobilités", "Trajets", "Roues"),
        ("Garage solidaire", "Service d'autopartage", "Atelier vélo", "Transport à la demande"),
        "Un tiers des demandeurs d'emploi n'ont pas de moyen de transport.",
        ("Mécanique", "Conseil en mobilité", "Conduite"),
    ),
    Theme(
        "environnement",
        "crte",
        ("Réemploi", "Ressources", "Matières"),
        ("Ressourcerie", "Matériauthèque", "Atelier de réparation", "Collecte des biodéchets"),
        "Les déchets réutilisables du territoire partent à l'enfouissement.",
        ("Réemploi", "Réparation", "Tri des déchets"),
    ),
    Theme(
        "services-proximite",
        None,
        ("Proximité", "Bourg", "Voisinage"),
        ("Tiers-lieu", "Conciergerie de territoire", "Commerce multiservice", "Maison de services"),
        "Les services ferment dans les bourgs et les habitants doivent se déplacer.",
        ("Animation", "Accueil du public", "Gestion de lieux"),
    ),
    Theme(
        "parcours-emploi-formation",
        "tzcld",
        ("Emplois", "Parcours", "Compétences"),
        ("Entreprise à but d'emploi", "Parcours de formation", "Groupement d'employeurs", "Chantier d'insertion"),
        "Le chômage de longue durée dépasse la moyenne régionale.",
        ("Insertion", "Formation", "Accompagnement vers l'emploi"),
    ),
)

# (type concept, ESS, legal category, legal form, name pattern)
ESS_KINDS = (
    ("association", True, "9220", "Association loi 1901", "Association {w} de {c}"),
    ("cooperative", True, "5710", "SCIC SAS", "SCIC {w} {c}"),
    ("cooperative", True, "5499", "SCOP SARL", "SCOP {w} et Cie"),
    ("structure-insertion", True, "9220", "Association (atelier et chantier d'insertion)", "Chantier {w} de {c}"),
    ("fondation", True, "9300", "Fondation", "Fondation {w}"),
)
OTHER_KINDS = (
    ("entreprise-hors-ess", False, "5710", "SAS", "{w} Services SAS"),
    ("entreprise-hors-ess", False, "5499", "SARL", "SARL {w} de {c}"),
    ("entreprise-hors-ess", False, "5599", "SA", "{w} Industries SA"),
)
PARTNER_KINDS = (
    ("collectivite-territoriale", False, "7210", "Commune", "Ville de {c}"),
    ("organisme-formation", False, "7331", "Établissement public local d'enseignement", "Lycée professionnel de {c}"),
    (
        "enseignement-superieur",
        False,
        "7383",
        "Établissement public d'enseignement supérieur",
        "Université de {c} (fictive)",
    ),
    ("reseau", True, "9220", "Association loi 1901", "Réseau {w} de {c}"),
)
NAME_WORDS = (
    "Horizon",
    "Entraide",
    "Avenir",
    "Convergence",
    "Alliance",
    "Racines",
    "Atelier",
    "Passerelle",
    "Solidarités",
    "Rivages",
    "Ensemble",
    "Élan",
    "Ruches",
    "Sillons",
)
FREQUENCIES = ("mensuelle", "bimestrielle", "trimestrielle", "semestrielle", "annuelle")
STAGES = ("idee", "etude", "experimentation", "concretisation", "fonctionnement")


# Groups of members: (kind, name pattern, mostly in the ESS?, with a legal person of its own?)
GROUP_KINDS = (
    ("federation", "Fédération du bâtiment de {d}", False, True),
    ("grappe", "Grappe des entreprises créatives de {c}", False, False),
    ("groupement", "Groupement des artisans de {c}", False, False),
    ("reseau", "Réseau des structures d'insertion de {d}", True, False),
)
# Colleges of a cooperative carrier (SCIC): name and whether its members are mostly in the ESS (None for
# colleges of people or public bodies, which are not enterprises either way).
COLLEGES = (
    ("Collège des salariés", None),
    ("Collège des entreprises locales", False),
    ("Collège des collectivités", None),
    ("Collège des usagers", None),
    ("Collège des partenaires de l'ESS", True),
)
