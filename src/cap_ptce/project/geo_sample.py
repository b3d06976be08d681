"""A small table of real French territories, for synthetic descriptions.

INSEE codes of régions, départements and communes (Code officiel
géographique), and the SIREN of a few EPCI. Enough to vary synthetic and
sample descriptions across every région, Corsica (2A/2B) and overseas (97x)
included; not a reference: use INSEE's COG for that.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Departement", "DEPARTEMENTS", "REGIONS", "NEIGHBOURS"]

REGIONS: dict[str, str] = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: str
    communes: tuple[tuple[str, str], ...]  # (INSEE code, name)
    epci: tuple[tuple[str, str], ...] = ()  # (SIREN, name)


DEPARTEMENTS: tuple[Departement, ...] = (
    Departement("75", "Paris", "11", (("75056", "Paris"),), (("200054781", "Métropole du Grand Paris"),)),
    Departement("93", "Seine-Saint-Denis", "11", (("93066", "Saint-Denis"), ("93048", "Montreuil"))),
    Departement("94", "Val-de-Marne", "11", (("94028", "Créteil"),)),
    Departement("37", "Indre-et-Loire", "24", (("37261", "Tours"),), (("243700754", "Tours Métropole Val de Loire"),)),
    Departement("45", "Loiret", "24", (("45234", "Orléans"),), (("244500468", "Orléans Métropole"),)),
    Departement("18", "Cher", "24", (("18033", "Bourges"),)),
    Departement("21", "Côte-d'Or", "27", (("21231", "Dijon"),), (("242100410", "Dijon Métropole"),)),
    Departement("25", "Doubs", "27", (("25056", "Besançon"),)),
    Departement("58", "Nièvre", "27", (("58194", "Nevers"),)),
    Departement("14", "Calvados", "28", (("14118", "Caen"),)),
    Departement("76", "Seine-Maritime", "28", (("76540", "Rouen"), ("76351", "Le Havre"))),
    Departement("50", "Manche", "28", (("50502", "Saint-Lô"),)),
    Departement(
        "80", "Somme", "32", (("80021", "Amiens"), ("80001", "Abbeville")), (("248000531", "Amiens Métropole"),)
    ),
    Departement(
        "59",
        "Nord",
        "32",
        (("59350", "Lille"), ("59183", "Dunkerque")),
        (("200093201", "Métropole européenne de Lille"),),
    ),
    Departement("62", "Pas-de-Calais", "32", (("62041", "Arras"),)),
    Departement("02", "Aisne", "32", (("02408", "Laon"), ("02691", "Saint-Quentin"))),
    Departement("67", "Bas-Rhin", "44", (("67482", "Strasbourg"),), (("246700488", "Eurométropole de Strasbourg"),)),
    Departement("57", "Moselle", "44", (("57463", "Metz"),)),
    Departement("51", "Marne", "44", (("51454", "Reims"),)),
    Departement("88", "Vosges", "44", (("88160", "Épinal"),)),
    Departement(
        "44",
        "Loire-Atlantique",
        "52",
        (("44109", "Nantes"), ("44184", "Saint-Nazaire")),
        (("244400404", "Nantes Métropole"), ("244400644", "CA de la Région Nazairienne et de l'Estuaire")),
    ),
    Departement("49", "Maine-et-Loire", "52", (("49007", "Angers"),), (("244900015", "Angers Loire Métropole"),)),
    Departement("72", "Sarthe", "52", (("72181", "Le Mans"),), (("247200132", "Le Mans Métropole"),)),
    Departement("35", "Ille-et-Vilaine", "53", (("35238", "Rennes"),), (("243500139", "Rennes Métropole"),)),
    Departement(
        "29", "Finistère", "53", (("29019", "Brest"), ("29232", "Quimper")), (("242900314", "Brest Métropole"),)
    ),
    Departement("56", "Morbihan", "53", (("56121", "Lorient"), ("56260", "Vannes"))),
    Departement("22", "Côtes-d'Armor", "53", (("22278", "Saint-Brieuc"),)),
    Departement("33", "Gironde", "75", (("33063", "Bordeaux"),), (("243300316", "Bordeaux Métropole"),)),
    Departement("87", "Haute-Vienne", "75", (("87085", "Limoges"),)),
    Departement(
        "64",
        "Pyrénées-Atlantiques",
        "75",
        (("64445", "Pau"), ("64102", "Bayonne")),
        (("200067106", "Communauté d'agglomération du Pays Basque"),),
    ),
    Departement("86", "Vienne", "75", (("86194", "Poitiers"),)),
    Departement("23", "Creuse", "75", (("23096", "Guéret"),)),
    Departement("31", "Haute-Garonne", "76", (("31555", "Toulouse"),), (("243100518", "Toulouse Métropole"),)),
    Departement(
        "34", "Hérault", "76", (("34172", "Montpellier"),), (("243400017", "Montpellier Méditerranée Métropole"),)
    ),
    Departement("30", "Gard", "76", (("30189", "Nîmes"),)),
    Departement("66", "Pyrénées-Orientales", "76", (("66136", "Perpignan"),)),
    Departement("12", "Aveyron", "76", (("12202", "Rodez"),)),
    Departement("09", "Ariège", "76", (("09122", "Foix"),)),
    Departement("69", "Rhône", "84", (("69123", "Lyon"),), (("200046977", "Métropole de Lyon"),)),
    Departement("38", "Isère", "84", (("38185", "Grenoble"),), (("200040715", "Grenoble-Alpes Métropole"),)),
    Departement(
        "63", "Puy-de-Dôme", "84", (("63113", "Clermont-Ferrand"),), (("246300701", "Clermont Auvergne Métropole"),)
    ),
    Departement("42", "Loire", "84", (("42218", "Saint-Étienne"),)),
    Departement("15", "Cantal", "84", (("15014", "Aurillac"),)),
    Departement("01", "Ain", "84", (("01053", "Bourg-en-Bresse"),)),
    Departement("13", "Bouches-du-Rhône", "93", (("13055", "Marseille"), ("13001", "Aix-en-Provence"))),
    Departement("06", "Alpes-Maritimes", "93", (("06088", "Nice"),)),
    Departement("84", "Vaucluse", "93", (("84007", "Avignon"),)),
    Departement("05", "Hautes-Alpes", "93", (("05061", "Gap"),)),
    Departement(
        "2A",
        "Corse-du-Sud",
        "94",
        (("2A004", "Ajaccio"), ("2A247", "Porto-Vecchio")),
        (("242010056", "Communauté d'agglomération du Pays Ajaccien"),),
    ),
    Departement(
        "2B",
        "Haute-Corse",
        "94",
        (("2B033", "Bastia"), ("2B096", "Corte")),
        (("242020071", "Communauté d'agglomération de Bastia"),),
    ),
    Departement("971", "Guadeloupe", "01", (("97120", "Pointe-à-Pitre"), ("97101", "Les Abymes"))),
    Departement("972", "Martinique", "02", (("97209", "Fort-de-France"),)),
    Departement("973", "Guyane", "03", (("97302", "Cayenne"),)),
    Departement(
        "974",
        "La Réunion",
        "04",
        (("97411", "Saint-Denis"), ("97416", "Saint-Pierre"), ("97407", "Le Port")),
        (("249740119", "Communauté intercommunale du Nord de La Réunion"),),
    ),
    Departement("976", "Mayotte", "06", (("97611", "Mamoudzou"),)),
)

# Départements that share a border, for territories over two départements; the first six pairs
# straddle two régions (Aisne and Marne, Vienne and Indre-et-Loire, Aveyron and Cantal…).
NEIGHBOURS: tuple[tuple[str, str], ...] = (
    ("02", "51"),
    ("86", "37"),
    ("12", "15"),
    ("49", "86"),
    ("56", "44"),
    ("30", "84"),
    ("42", "63"),
    ("57", "67"),
    ("59", "62"),
    ("29", "56"),
    ("13", "84"),
    ("35", "22"),
    ("31", "09"),
)
