"""The demo data a newcomer sees: complete, plausible, relative to today, loaded only once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from moments import moment_of_this_run
from startsmart.catalog.models import EventDate, Offering, OfferingFormat, Topic
from startsmart.catalog.service import CATALOGUE_FORMATS
from startsmart.clock import BERLIN
from startsmart.conferences.models import Conference
from startsmart.demo.service import load_demo
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from support import login, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

NOW = moment_of_this_run()  # every test starts at it (tests/moments.py)


def _municipality(name: str) -> Municipality:
    return db.session.execute(sa.select(Municipality).where(Municipality.name == name)).scalar_one()


def test_demo_covers_the_four_formats_and_the_source_topics(app):
    with app.app_context():
        summary = load_demo(NOW)
        assert summary is not None
        formats = set(db.session.execute(sa.select(Offering.format)).scalars())
        assert formats == {*CATALOGUE_FORMATS, OfferingFormat.CONFERENCE}  # today's conference
        topics = set(db.session.execute(sa.select(Topic.name)).scalars())
        assert topics == {
            "Smart-City-Grundlagen",
            "Integrierte Handlungsfelder",
            "Kommunikation und Partizipation",
            "Monitoring und Evaluation",
        }


def test_demo_dates_lie_around_the_day_they_are_loaded(app):
    """Most lie ahead (the catalogue); two took place; today's conference is on today."""
    with app.app_context():
        load_demo(NOW)
        dates = (
            db.session.execute(
                sa.select(EventDate)
                .join(Offering)
                .where(Offering.format != OfferingFormat.CONFERENCE)
                .order_by(EventDate.starts_at)
            )
            .scalars()
            .all()
        )
        ahead = [d for d in dates if d.starts_at > NOW]
        assert len(ahead) >= 7 and len(dates) - len(ahead) == 2
        assert all(d.ends_at < NOW for d in dates[:2])
        assert all(d.ends_at > d.starts_at for d in dates)
        assert all(d.starts_at.astimezone(BERLIN).weekday() < 5 for d in dates)
        conferences = db.session.execute(sa.select(Conference).order_by(Conference.starts_at))
        today, ahead_conference = conferences.scalars().all()
        assert today.starts_at.astimezone(BERLIN).date() == NOW.astimezone(BERLIN).date()
        assert ahead_conference.city == "Flensburg" and ahead_conference.starts_at > NOW


def test_only_municipalities_the_source_calls_model_projects_are_marked(app):
    with app.app_context():
        load_demo(NOW)
        frankfurt = _municipality("Frankfurt (Oder)")
        assert not frankfurt.is_model_project
        assert frankfurt.kind is MunicipalityKind.INDEPENDENT_CITY
        assert frankfurt.state is FederalState.BB
        assert _municipality("Guben").is_model_project
        assert _municipality("Kreis Schleswig-Flensburg").kind is MunicipalityKind.DISTRICT
        assert _municipality("Amt Süderbrarup").kind is MunicipalityKind.AMT
        assert not _municipality("Detmold").is_model_project
        assert _municipality("Eichenzell").state is FederalState.HE


def test_demo_is_not_loaded_twice(app):
    with app.app_context():
        assert load_demo(NOW) is not None
        assert load_demo(NOW) is None
        assert db.session.execute(sa.select(sa.func.count()).select_from(Offering)).scalar() == 8


def test_cli_loads_demo_and_prints_working_staff_logins(app, runner, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "admin@kts.example" in result.output and "demo-leitung-startsmart" in result.output
    again = runner.invoke(args=["demo", "load"])
    assert "already holds data" in again.output and "demo-leitung-startsmart" in again.output
    login(client, "admin@kts.example", "demo-leitung-startsmart")
    assert "Guten Tag, Katrin Vogel" in text(client.get("/staff/"))


def test_demo_catalogue_shows_the_dates(app, runner, client):
    runner.invoke(args=["demo", "load"])
    page = text(client.get("/angebote/"))
    assert "Online-Einführung: Grundlagen der Smart City" in page
    assert page.count('class="date-item"') >= 6


def test_demo_advisors_can_be_booked(app):
    from startsmart.consultations import schedule

    with app.app_context():
        load_demo(NOW)
        slots = schedule.free(NOW)
        assert len(slots) > 50
        assert {"video", "phone"} <= set().union(*(s.channels for s in slots))
        on_site = [s for s in schedule.free(NOW, channel="on_site")]
        assert on_site and all(len(s.advisor_ids) <= 2 for s in on_site)
