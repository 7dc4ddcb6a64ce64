"""Spreadsheet formulas in names, functions, municipalities and questions: every CSV export
(found in the url_map by its ``.csv`` address) shows them as text, never as a formula."""

from __future__ import annotations

import csv
import io
from datetime import time

import sqlalchemy as sa

from hostile.pages import rules
from hostile.world import applicant
from speed_dating_support import arrives
from startsmart import clock
from startsmart.clock import berlin_to_utc
from startsmart.conferences import choices
from startsmart.conferences import service as conferences
from startsmart.conferences.models import SessionChoice
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Registration
from startsmart.speed_dating import planning, service
from startsmart.staff.models import Role, StaffUser

FORMULAS = [
    '=HYPERLINK("https://evil.example","Klick")',
    "+49*1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
]
STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _people_with_formulas(app, world) -> None:
    now = clock.now()
    with app.app_context():
        actor = db.session.execute(
            db.select(StaffUser).where(StaffUser.role == Role.ADMIN)
        ).scalar_one()
        conference = conferences.conference_date(world.conference_id)
        for number, formula in enumerate(FORMULAS):
            fields = {"function": formula, "question": formula}
            town = f"{formula} {number}"  # one municipality each: at most 2 people per date
            for date_id in (world.date_id, world.exchange_date_id):
                registrations.register(
                    date_id,
                    applicant(formula, f"f{number}@kiel.de", town, **fields),
                    now,
                    by_staff=True,
                )
            arrives(
                world.conference_id,
                applicant(formula, f"f{number}@kiel.de", town, speed_dating=True, **fields),
                actor,
                now,
            )
            service.add_walk_in(
                world.conference_id,
                service.WalkIn(f"{formula} Gast", town, FederalState.SH, False),
                actor,
                now,
            )
        for registration_id in db.session.execute(
            sa.select(Registration.id).where(
                Registration.event_date_id == conference.id,
                ~sa.exists().where(SessionChoice.registration_id == Registration.id),
            )
        ).scalars():
            choices.choose(registration_id, [world.session_id], now)  # seated, then waiting
        noon = berlin_to_utc(conference.starts_at.date(), time(12))
        planning.make_plan(world.conference_id, actor, noon)
        db.session.commit()


def test_every_csv_export_neutralises_formulas(app, admin, world):
    _people_with_formulas(app, world)
    exports = [rule for rule in rules(app, "GET") if rule.rule.endswith(".csv")]
    assert len(exports) >= 3  # registrations of a date, of a conference, the speed-dating plan
    for rule in exports:
        for date_id in (world.date_id, world.exchange_date_id):
            values = {**world.url_values(rule)}
            if "date_id" in values:
                values["date_id"] = date_id
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
            response = admin.get(url)
            assert response.status_code == 200, url
            assert response.mimetype == "text/csv"
            content = response.data.decode("utf-8-sig")
            cells = [
                cell
                for row in csv.reader(io.StringIO(content, newline=""), delimiter=";")
                for cell in row
            ]
            live = [c for c in cells if c.lstrip(" \u00a0").startswith(STARTS)]
            assert not live, (rule.endpoint, live)
            shown = sum(f"'{formula}" in cells for formula in FORMULAS)
            assert shown >= 4, (rule.endpoint, shown)  # the names are there, as text
