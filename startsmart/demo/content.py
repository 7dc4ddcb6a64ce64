"""What the demo loads. Texts follow the source document (Start Smart, KTS, 2022/23)."""

from __future__ import annotations

from datetime import time
from typing import TypedDict

from startsmart.catalog.models import OfferingFormat
from startsmart.municipalities.models import FederalState as S
from startsmart.municipalities.models import MunicipalityKind as K
from startsmart.municipalities.models import PopulationClass as P
from startsmart.staff.models import Role

TOPICS = {
    "grundlagen": "Smart-City-Grundlagen",
    "handlungsfelder": "Integrierte Handlungsfelder",
    "kommunikation": "Kommunikation und Partizipation",
    "monitoring": "Monitoring und Evaluation",
}

# slug, format, title, summary, description, topic slugs, default capacity, minutes
OFFERINGS = [
    (
        "online-einfuehrung-grundlagen",
        OfferingFormat.ONLINE_INTRO,
        "Online-Einführung: Grundlagen der Smart City",
        "Mehrmals im Jahr führt Start Smart online in die Grundlagen der Smart City ein.",
        "Mehrmals im Jahr führt Start Smart online in Grundlagen der Smart City ein und gibt "
        "einen Überblick über aktuelle Beratungs-, Austausch- und Informationsangebote von "
        "Start Smart.\n\nDie Einführung richtet sich an Städte, Kreise, Gemeinden und "
        "Regionalverbände, die bisher wenig Erfahrung mit dem Thema haben und sich ihm "
        "annähern wollen. Vorkenntnisse sind nicht nötig.",
        ["grundlagen"],
        60,
        90,
    ),
    (
        "themen-input-kommunikation-partizipation",
        OfferingFormat.THEMATIC_INPUT,
        "Themen-Input: Kommunikation und Partizipation",
        "Praxisnah und bedarfsorientiert: wie Kommunen Bürgerinnen und Bürger mitnehmen.",
        "Praxisnah und bedarfsorientiert erhalten Sie einen Überblick über Themen und "
        "Möglichkeiten der Smart City. In diesem Input geht es um Kommunikation und "
        "Partizipation: wie aus Bürgerinnen und Bürgern „Smart Citizens“ werden und wie "
        "Storytelling abstrakte Vorhaben greifbar macht.",
        ["kommunikation"],
        40,
        90,
    ),
    (
        "themen-input-monitoring-evaluation",
        OfferingFormat.THEMATIC_INPUT,
        "Themen-Input: Monitoring und Evaluation",
        "Wie Kommunen die Wirkung ihrer Smart-City-Maßnahmen messen und daraus lernen.",
        "Praxisnah und bedarfsorientiert erhalten Sie einen Überblick über Themen und "
        "Möglichkeiten der Smart City. Dieser Input zeigt, wie sich Wirkungslogiken aufstellen, "
        "Ziele messbar machen und Rückkopplungsschleifen in den Smart-City-Prozess einbauen "
        "lassen.",
        ["monitoring"],
        40,
        90,
    ),
    (
        "themen-input-integrierte-handlungsfelder",
        OfferingFormat.THEMATIC_INPUT,
        "Themen-Input: Integrierte Handlungsfelder",
        "Smart City als Querschnittsaufgabe: Handlungsfelder als Leitplanken der Strategie.",
        "Praxisnah und bedarfsorientiert erhalten Sie einen Überblick über Themen und "
        "Möglichkeiten der Smart City. Schwerpunkt sind integrierte Handlungsfelder: "
        "Querschnittsthemen erkennen, Synergien nutzen und Maßnahmen auf eine übergreifende "
        "Strategie einzahlen lassen, statt Insellösungen zu bauen.",
        ["handlungsfelder", "grundlagen"],
        40,
        90,
    ),
    (
        "initialberatung",
        OfferingFormat.INITIAL_CONSULTATION,
        "Initialberatung für Kommunen",
        "Gemeinsam mit dem Start-Smart-Team Ziele, Mehrwerte und Chancen vor Ort klären.",
        "Gemeinsam mit dem Start-Smart-Team erarbeiten Sie als Kommune mögliche Zielsetzungen, "
        "Mehrwerte und Chancen der Smart City in Ihrem lokalen Kontext. Bei Bedarf erhält Ihre "
        "Kommune im Nachgang Informationen zu weiteren Austausch- und "
        "Vernetzungsmöglichkeiten.\n\nDie Initialberatung ist für Kommunen ohne Förderung als "
        "Modellprojekt Smart Cities gedacht. Sie findet online, telefonisch oder auf einer "
        "Regionalkonferenz vor Ort statt.",
        ["grundlagen", "handlungsfelder"],
        1,
        60,
    ),
    (
        "austausch-quick-wins",
        OfferingFormat.MODERATED_EXCHANGE,
        "Moderierter Austausch: Erste Quick-Win-Projekte aufsetzen",
        "Aus den Erfahrungen der Modellprojekte lernen: kleine Projekte mit großer Wirkung.",
        "In moderierten Austauschformaten können Sie zu einer konkreten "
        "Smart-City-Umsetzungsfrage aus den Erfahrungen der Modellprojekte Smart Cities (MPSC) "
        "lernen, gemeinsam gute Beispiele und Herausforderungen diskutieren und "
        "Lösungsansätze erarbeiten.\n\nDieses Mal: Wonach wählt man erste Quick-Win-Projekte "
        "aus, und was macht sie erfolgreich? Bitte reichen Sie mit der Anmeldung Ihre Frage ein.",
        ["grundlagen"],
        25,
        120,
    ),
    (
        "austausch-organisation",
        OfferingFormat.MODERATED_EXCHANGE,
        "Moderierter Austausch: Smart City in der Verwaltung verankern",
        "Welche Organisationsformen tragen? Modellprojekte berichten aus der Praxis.",
        "In moderierten Austauschformaten können Sie zu einer konkreten "
        "Smart-City-Umsetzungsfrage aus den Erfahrungen der Modellprojekte Smart Cities (MPSC) "
        "lernen, gemeinsam gute Beispiele und Herausforderungen diskutieren und "
        "Lösungsansätze erarbeiten.\n\nDieses Mal: Wie gelingt ein breit getragener Prozess in "
        "der Verwaltung, und wie bleibt das Smart-City-Wissen langfristig in der Kommune?",
        ["handlungsfelder", "kommunikation"],
        25,
        120,
    ),
]

# offering slug, days from today, Berlin start hour, online (True) or venue text
DATES = [
    ("online-einfuehrung-grundlagen", 9, 10, True),
    ("online-einfuehrung-grundlagen", 44, 14, True),
    ("online-einfuehrung-grundlagen", 93, 10, True),
    ("themen-input-kommunikation-partizipation", 16, 10, True),
    ("themen-input-monitoring-evaluation", 30, 14, True),
    ("themen-input-integrierte-handlungsfelder", 51, 10, True),
    ("austausch-quick-wins", 23, 13, True),
    ("austausch-organisation", 65, 10, "KTS, Berlin (Ort wird mit der Bestätigung mitgeteilt)"),
]

# A note for some dates (offering slug, days from today as in DATES): German and English, or
# German only (English pages show it marked as German).
DATE_NOTES = {
    ("online-einfuehrung-grundlagen", 9): (
        "Bitte halten Sie eine Kamera und ein Mikrofon bereit.",
        "Please have a camera and a microphone ready.",
    ),
    ("austausch-organisation", 65): (
        "Bitte melden Sie sich bei Ihrer Ankunft am Empfang der KTS.",
        "",
    ),
}


class DemoConference(TypedDict):
    title: str
    slug: str
    city: str
    venue: str
    days_ahead: int
    hours: tuple[int, int, int, int]  # Berlin start and end, hour and minute
    description: str


CONFERENCE: DemoConference = {
    "title": "Regionalkonferenz Nord der Modellprojekte Smart Cities",
    "slug": "regionalkonferenz-nord",
    "city": "Flensburg",
    "venue": "Deutsches Haus, Friedrich-Ebert-Straße 7, 24937 Flensburg",
    "days_ahead": 40,  # inside the 8-week booking horizon, so on-site slots are bookable
    "hours": (9, 30, 16, 30),
    "description": "Kommunen aus dem Norden treffen Modellprojekte Smart Cities: Fachimpulse, "
    "Workshops, Initialberatungen vor Ort und ein Speed-Dating – drei Fragen in drei Minuten, "
    "dann wechselt das Gegenüber.",
}

# Berlin wall-clock windows, Monday to Thursday, for every demo advisor.
CONSULTATION_HOURS = [(time(9), time(12)), (time(13), time(16))]

# e-mail, name, role, password: printed by the run command, refused in production. Each
# passes the rules for staff accounts (tests/staff/test_account_rules.py).
STAFF = [
    ("admin@kts.example", "Katrin Vogel", Role.ADMIN, "demo-leitung-startsmart"),
    ("j.berger@kts.example", "Jonas Berger", Role.ADVISOR, "demo-beratung-startsmart"),
    ("m.yilmaz@kts.example", "Miriam Yılmaz", Role.ADVISOR, "demo-beratung-startsmart"),
    ("f.hartmann@kts.example", "Felix Hartmann", Role.ADVISOR, "demo-beratung-startsmart"),
    ("veranstaltungen@kts.example", "Lena Schröder", Role.EVENT_TEAM, "demo-team-startsmart"),
]

# Personal video rooms: Felix Hartmann has none yet, so his video consultations show "Link fehlt".
ROOMS = {
    "j.berger@kts.example": "https://konferenz.example.org/raum-berger",
    "m.yilmaz@kts.example": "https://konferenz.example.org/raum-yilmaz",
}

# name, kind, state, AGS (from the Gemeindeverzeichnis, so `flask municipalities import` finds
# these rows again; a district's key has 5 digits), population class
MUNICIPALITIES = [
    ("Berlin", K.INDEPENDENT_CITY, S.BE, "11000000", P.OVER_500K),
    ("Hamburg", K.INDEPENDENT_CITY, S.HH, "02000000", P.OVER_500K),
    ("München", K.INDEPENDENT_CITY, S.BY, "09162000", P.OVER_500K),
    ("Leipzig", K.INDEPENDENT_CITY, S.SN, "14713000", P.OVER_500K),
    ("Landeshauptstadt Hannover", K.CITY, S.NI, "03241001", P.OVER_500K),
    ("Wolfsburg", K.INDEPENDENT_CITY, S.NI, "03103000", P.FROM_100K),
    ("Landkreis Hameln-Pyrmont", K.DISTRICT, S.NI, "03252", P.FROM_100K),
    ("Flensburg", K.INDEPENDENT_CITY, S.SH, "01001000", P.FROM_20K),
    ("Kreis Nordfriesland", K.DISTRICT, S.SH, "01054", P.FROM_100K),
    ("Kreis Schleswig-Flensburg", K.DISTRICT, S.SH, "01059", P.FROM_100K),
    ("Hansestadt Lübeck", K.INDEPENDENT_CITY, S.SH, "01003000", P.FROM_100K),
    ("Guben", K.CITY, S.BB, "12071160", P.FROM_5K),
    ("Eichenzell", K.TOWN, S.HE, "06631006", P.FROM_5K),
    ("Soest", K.CITY, S.NW, "05974040", P.FROM_20K),
    ("Menden (Sauerland)", K.CITY, S.NW, "05962040", P.FROM_20K),
    ("Arnsberg", K.CITY, S.NW, "05958004", P.FROM_20K),
    ("Olpe", K.CITY, S.NW, "05966024", P.FROM_20K),
    ("Bad Berleburg", K.CITY, S.NW, "05970004", P.FROM_5K),
    ("Frankfurt (Oder)", K.INDEPENDENT_CITY, S.BB, "12053000", P.FROM_20K),
    ("Detmold", K.CITY, S.NW, "05766020", P.FROM_20K),
    ("Amt Süderbrarup", K.AMT, S.SH, None, P.FROM_5K),
    ("Iserlohn", K.CITY, S.NW, "05962024", P.FROM_20K),
    ("Köln", K.INDEPENDENT_CITY, S.NW, "05315000", P.OVER_500K),
    ("Kaiserslautern", K.INDEPENDENT_CITY, S.RP, "07312000", P.FROM_100K),
]

# Modellprojekte Smart Cities (name, Staffel, year, the programme's category, members): the
# municipalities above that the source document calls model projects (Frankfurt (Oder) is named
# there as not funded), in the projects of the programme's list
# (municipalities/data/modellprojekte-smart-cities.csv). Flensburg and Kreis Nordfriesland are
# not on that list; the demo keeps them as the source document has them, as projects of their own.
MODEL_PROJECTS = [
    ("Wolfsburg", 1, 2019, "Großstadt", ["Wolfsburg"]),
    (
        "5 für Südwestfalen",
        1,
        2019,
        "Interkommunale Kooperation",
        ["Arnsberg", "Olpe", "Menden (Sauerland)", "Soest", "Bad Berleburg"],
    ),
    ("Berlin", 2, 2020, "Großstadt", ["Berlin"]),
    ("Eichenzell", 2, 2020, "Kleinstadt/Landgemeinde", ["Eichenzell"]),
    ("Lübeck", 2, 2020, "Großstadt", ["Hansestadt Lübeck"]),
    (
        "Hamburg mit Leipzig und München",
        2,
        2020,
        "Interkommunale Kooperation",
        ["Hamburg", "Leipzig", "München"],
    ),
    ("Guben", 3, 2021, "Kleinstadt/Landgemeinde", ["Guben"]),
    ("Landkreis Hameln-Pyrmont", 3, 2021, "Landkreis", ["Landkreis Hameln-Pyrmont"]),
    ("Hannover", 3, 2021, "Großstadt", ["Landeshauptstadt Hannover"]),
    ("Kreis Schleswig-Flensburg", 3, 2021, "Landkreis", ["Kreis Schleswig-Flensburg"]),
    ("Flensburg", 3, 2021, "Mittelstadt", ["Flensburg"]),
    ("Kreis Nordfriesland", 3, 2021, "Landkreis", ["Kreis Nordfriesland"]),
]

# -- the history played before the demo is loaded (startsmart/demo/history.py) ----------------

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "Deniz",
    "Elif",
    "Finn",
    "Greta",
    "Hannes",
    "Ilse",
    "Jan",
    "Katja",
    "Lukas",
    "Maren",
    "Nils",
    "Olga",
    "Paul",
    "Rieke",
    "Sven",
    "Tanja",
    "Ulf",
    "Vera",
    "Yusuf",
]
LAST_NAMES = [
    "Albers",
    "Brandt",
    "Claßen",
    "Dietrich",
    "Ernst",
    "Friedrichs",
    "Günther",
    "Hoffmann",
    "Jansen",
    "Krüger",
    "Lorenz",
    "Möller",
    "Neumann",
    "Otto",
    "Petersen",
    "Quast",
    "Richter",
    "Schulz",
    "Thiele",
    "Ulrich",
    "Vogt",
    "Wagner",
    "Zimmermann",
]

# offering slug, days before today (the weekday on or before), Berlin start hour, who came
# from where (one registration each), how many of them did not come (the first ones)
PAST_DATES = [
    (
        "online-einfuehrung-grundlagen",
        24,
        10,
        [
            "Detmold",
            "Iserlohn",
            "Köln",
            "Kaiserslautern",
            "Amt Süderbrarup",
            "Frankfurt (Oder)",
            "Guben",
            "Soest",
        ],
        2,
    ),
    (
        "themen-input-kommunikation-partizipation",
        9,
        14,
        ["Arnsberg", "Olpe", "Menden (Sauerland)", "Eichenzell", "Bad Berleburg", "Wolfsburg"],
        1,
    ),
]

# A small workshop, every seat taken: offering slug, days ahead, Berlin hour, venue, seats;
# the towns register in this order, the last three end on the waiting list.
FULL_DATE = (
    "austausch-quick-wins",
    12,
    10,
    "KTS, Berlin, Raum 2.14 (Werkstattformat)",
    8,
)
FULL_DATE_TOWNS = [
    "Soest",
    "Arnsberg",
    "Olpe",
    "Guben",
    "Eichenzell",
    "Menden (Sauerland)",
    "Detmold",
    "Iserlohn",
    "Köln",
    "Kaiserslautern",
    "Bad Berleburg",
]

TODAYS_CONFERENCE: DemoConference = {
    "title": "Regionalkonferenz Ost der Modellprojekte Smart Cities",
    "slug": "regionalkonferenz-ost",
    "city": "Guben",
    "venue": "Stadthalle, Gasstraße 5, 03172 Guben",
    "days_ahead": 0,
    "hours": (9, 0, 17, 0),
    "description": "Kommunen aus dem Osten treffen Modellprojekte Smart Cities: Fachimpulse, "
    "Workshops und ein Speed-Dating am Nachmittag.",
}
# registered for today's conference with the speed-dating; the last three have not come
CONFERENCE_TOWNS = [
    "Guben",
    "Frankfurt (Oder)",
    "Leipzig",
    "Berlin",
    "Wolfsburg",
    "Landeshauptstadt Hannover",
    "Kreis Nordfriesland",
    "Hansestadt Lübeck",
    "Detmold",
    "Köln",
    "Soest",
    "Hamburg",
    "München",
    "Landkreis Hameln-Pyrmont",
]
# came without registering: name, municipality, Land, model project
WALK_INS = [
    ("Doreen Lehmann", "Cottbus", "BB", False),
    ("Mehmet Aksoy", "Frankfurt (Oder)", "BB", False),
    ("Sabine Krause", "Eisenhüttenstadt", "BB", False),
]

# what the demo's undeliverable mail was answered
REFUSAL = "550 5.1.1 Recipient address rejected: User unknown in virtual mailbox table"
UNREACHABLE = "SMTP server not reachable: [Errno 111] Connection refused"
GREYLISTED = "451 4.7.1 Greylisted, please try again later"
