"""HTML and script in names and texts: shown as text on every page (staff lists, check-in,
cards, table sheets, the audit log ...) and in the HTML part of every mail; exports are served
as what they are (CSV, JSON, iCalendar), never as a page a browser would run."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from consultation_support import booking_request
from hostile.pages import is_staff, rules
from hostile.world import SCRIPT_NAME, applicant
from moments import working_day
from speed_dating_support import arrives
from staff_support import deliver
from startsmart import clock
from startsmart.clock import berlin_to_utc
from startsmart.conferences import service as conferences
from startsmart.consultations import booking
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState
from startsmart.registrations import service as registrations
from startsmart.speed_dating import planning, service
from startsmart.staff.models import Role, StaffUser
from support import make_staff

RAW = ("<script>alert", "<b>Kim</b>")  # pages have <script src=...> of their own
ESCAPED = "&lt;script&gt;alert"


def _people_with_markup(app, world) -> int:
    """A registration per date, a conference participant (checked in and planned), a walk-in,
    a staff account, a consultation: each named (and described) with HTML and a script.
    Returns the consultation's id."""
    now = clock.now()
    make_staff(app, email="markup@kts.example", role=Role.EVENT_TEAM, name=SCRIPT_NAME)
    with app.app_context():
        actor = db.session.execute(
            db.select(StaffUser).where(StaffUser.role == Role.ADMIN)
        ).scalar_one()
        for date_id in (world.date_id, world.exchange_date_id):
            registrations.register(
                date_id,
                applicant(
                    SCRIPT_NAME,
                    "script@kiel.de",
                    SCRIPT_NAME,
                    function=SCRIPT_NAME,
                    question=SCRIPT_NAME,
                ),
                now,
                by_staff=True,
            )
        conference = conferences.conference_date(world.conference_id)
        arrives(
            world.conference_id,
            applicant(SCRIPT_NAME, "script@kiel.de", SCRIPT_NAME, speed_dating=True),
            actor,
            now,
        )
        service.add_walk_in(
            world.conference_id,
            service.WalkIn(SCRIPT_NAME, SCRIPT_NAME, FederalState.SH, False),
            actor,
            now,
        )
        noon = berlin_to_utc(conference.starts_at.date(), time(12))
        planning.make_plan(world.conference_id, actor, noon)
        booked = booking.book(
            booking_request(
                working_day(21),
                7,
                name=SCRIPT_NAME,
                function=SCRIPT_NAME,
                situation=SCRIPT_NAME,
                goals=SCRIPT_NAME,
            ),
            now,
            by_staff=True,
        )
        db.session.commit()
        return booked.consultation_id


def test_markup_in_names_is_shown_as_text_everywhere(app, admin, world, smtp):
    consultation_id = _people_with_markup(app, world)
    deliver(app)  # what the outbox worker would send
    world = replace(world, consultation_id=consultation_id)
    visitor = app.test_client()
    shown, failures = 0, []
    for rule in rules(app, "GET"):
        if rule.endpoint in ("language.switch", "health.healthz", "health.readyz"):
            continue
        client = admin if is_staff(rule) else visitor
        response = client.get(
            app.url_map.bind("localhost").build(rule.endpoint, world.url_values(rule))
        )
        if response.mimetype == "application/pdf":
            continue  # a published file, not text: its headers are checked in test_materials
        body = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            if any(raw in body for raw in RAW):
                failures.append(f"{rule.endpoint}: markup as markup")
            shown += ESCAPED in body
        elif SCRIPT_NAME.split(">")[0] in body:
            # Data with markup in it is never served as something a browser renders.
            assert response.mimetype in ("text/csv", "application/json", "text/calendar")
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert not failures, "\n".join(failures)
    assert shown >= 8, shown  # lists, check-in, cards, tables, consultations, accounts, audit
    html_parts = [
        part.get_content()
        for received in smtp.received
        for part in received.message.walk()
        if part.get_content_type() == "text/html"
    ]
    assert html_parts
    assert not [p for p in html_parts if any(raw in p for raw in RAW)]
    assert any(ESCAPED in p for p in html_parts)
