"""A small world for the reach report in which every figure is known by construction.

Five Gemeinden of the directory in two Länder (Bayern: Aheim, Bstadt, Cdorf; Schleswig-Holstein:
Dorf D, Estadt), a dissolved one and a district (both outside every share), and one municipality
somebody typed (Neuhausen, SH). The year 2026 is the period; one introduction in 2025 makes
Aheim returning. What each row does to the figures is written beside it; the tests assert the
sums of these lines, never the report's own queries.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat, Topic
from startsmart.consultations.models import Channel, Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    PopulationClass,
)
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from startsmart.staff.models import Role
from support import make_staff

PERIOD = {"von": "2026-01-01", "bis": "2026-12-31"}
_serial = itertools.count(1)


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


@dataclass
class World:
    ids: dict[str, int]


def _town(name, state, kind, size, urban, funded=False, ags=True, ars=True, dissolved=None):
    n = next(_serial)
    return Municipality(
        name=name,
        kind=kind,
        state=state,
        ags=f"{n:08d}" if ags else None,
        ars=f"{n:012d}" if ars else None,
        population_class=size,
        urbanisation=urban,
        is_model_project=funded,
        dissolved_at=dissolved,
    )


def _date(offering, starts, status=EventDateStatus.PUBLISHED):
    return EventDate(
        offering=offering,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        capacity=30,
        online_url="https://konferenz.example.org/raum-1",
        status=status,
    )


def _offering(fmt, title, topics):
    n = next(_serial)
    return Offering(
        format=fmt, title=title, slug=f"r-{n}", summary="Kurz.", description="Lang.", topics=topics
    )


def build(app) -> World:
    advisor_id = make_staff(app, "beraterin@kts.example", Role.ADVISOR, name="Berta Beraterin")
    with app.app_context():
        by, sh = FederalState.BY, FederalState.SH
        town, city = MunicipalityKind.TOWN, MunicipalityKind.CITY
        places = {
            "aheim": _town("Aheim", by, town, PopulationClass.FROM_5K, "03"),
            "bstadt": _town("Bstadt", by, city, PopulationClass.FROM_20K, "02", funded=True),
            "cdorf": _town("Cdorf", by, town, PopulationClass.UNDER_5K, "03"),
            "dorf_d": _town("Dorf D", sh, town, PopulationClass.UNDER_5K, "03"),
            "estadt": _town(
                "Estadt", sh, MunicipalityKind.INDEPENDENT_CITY, PopulationClass.FROM_100K, "01"
            ),
            "dissolved": _town(
                "Altort", by, town, PopulationClass.UNDER_5K, "03", dissolved=at(1, 1, 2024)
            ),
            "district": _town("Landkreis X", by, MunicipalityKind.DISTRICT, None, None, ags=False),
            "typed": _town("Neuhausen", sh, town, None, None, ags=False, ars=False),
        }
        db.session.add_all(places.values())
        data, participation = (
            Topic(name="Datenstrategie", slug="daten"),
            Topic(name="Beteiligung", slug="beteiligung"),
        )
        intro = _offering(OfferingFormat.ONLINE_INTRO, "Online-Einführung", [data])
        exchange = _offering(OfferingFormat.MODERATED_EXCHANGE, "Austausch", [participation])
        thematic = _offering(OfferingFormat.THEMATIC_INPUT, "Themen-Input", [])
        intro_2025 = _date(intro, at(5, 10, 2025))
        intro_2026 = _date(intro, at(3, 10))
        exchange_2026 = _date(exchange, at(6, 10))
        input_2026 = _date(thematic, at(9, 10))
        cancelled = _date(intro, at(4, 1), EventDateStatus.CANCELLED)
        intro_2027 = _date(intro, at(2, 10, 2027))

        def registration(place, date, status=RegistrationStatus.CONFIRMED, **more):
            row = Registration(
                event_date=date,
                municipality=places[place],
                status=status,
                privacy_notice_version="1",
                privacy_acknowledged_at=date.starts_at - timedelta(days=20),
                **more,
            )
            db.session.add(row)
            return row

        attended, no_show = Attendance.ATTENDED, Attendance.NO_SHOW
        rows = {
            # Aheim took part in 2025: returning in 2026.
            "a_2025": registration("aheim", intro_2025, attendance=attended),
            "a_intro": registration("aheim", intro_2026, attendance=attended),
            "b_intro": registration("bstadt", intro_2026, attendance=attended),
            # Cdorf came to nothing: a no-show, and a cancelled consultation (below).
            "c_no_show": registration("cdorf", intro_2026, attendance=no_show),
            "d_exchange": registration("dorf_d", exchange_2026),  # attendance not marked
            # Estadt waited in vain; its seat on a cancelled date counts for nothing.
            "e_waiting": registration(
                "estadt", exchange_2026, RegistrationStatus.WAITLISTED, queued_at=at(5, 1)
            ),
            "e_cancelled_date": registration("estadt", cancelled, attendance=attended),
            "district_input": registration("district", input_2026, attendance=attended),
            # Aheim went on from the introduction to an exchange (via the waiting list).
            "a_exchange": registration(
                "aheim", exchange_2026, attendance=attended, promoted_at=at(5, 20)
            ),
            # After the period: counts in no figure of 2026.
            "b_2027": registration("bstadt", intro_2027),
        }

        def consultation(place, starts, status=ConsultationStatus.CONFIRMED, topics=()):
            row = Consultation(
                advisor_id=advisor_id,
                municipality=places[place],
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                channel=Channel.VIDEO,
                status=status,
                privacy_notice_version="1",
                privacy_acknowledged_at=starts - timedelta(days=5),
                topics=list(topics),
            )
            db.session.add(row)
            return row

        consultations = {
            # Bstadt went on from the introduction to a consultation.
            "b": consultation("bstadt", at(5, 5), topics=[data]),
            "typed": consultation("typed", at(7, 1)),
            "c_cancelled": consultation("cdorf", at(8, 1), ConsultationStatus.CANCELLED),
        }
        db.session.commit()
        ids = {f"m:{k}": v.id for k, v in places.items()}
        ids |= {f"r:{k}": v.id for k, v in rows.items()}
        ids |= {f"c:{k}": v.id for k, v in consultations.items()}
        ids |= {"topic:data": data.id, "topic:participation": participation.id}
        return World(ids)


def more_activity(app, count: int) -> None:
    """``count`` more Gemeinden, each with a confirmed registration in 2026 and a consultation:
    more rows, the same number of queries."""
    with app.app_context():
        offering = _offering(OfferingFormat.THEMATIC_INPUT, "Noch ein Input", [])
        date = _date(offering, at(10, 1))
        for i in range(count):
            town = _town(f"Mehrort {i}", FederalState.HE, MunicipalityKind.TOWN, None, "02")
            db.session.add(
                Registration(
                    event_date=date,
                    municipality=town,
                    status=RegistrationStatus.CONFIRMED,
                    privacy_notice_version="1",
                    privacy_acknowledged_at=at(9, 1),
                )
            )
        db.session.commit()
