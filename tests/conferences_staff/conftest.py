"""Staff of the event team, logged in, and what they type to create a conference."""

from __future__ import annotations

from datetime import timedelta

import pytest

from startsmart import clock
from startsmart.clock import berlin_today
from startsmart.staff.models import Role
from support import login, make_staff


@pytest.fixture
def team(app, client):
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM, name="Eva Team")
    login(client, "team@kts.example")
    return client


@pytest.fixture
def conference_form():
    """The create form of a conference ``days`` ahead, 9 to 17 h Berlin time."""

    def form(days: int = 20, **changes) -> dict:
        day = berlin_today(clock.now()) + timedelta(days=days)
        return {
            "title": "Regionalkonferenz Nord",
            "day": day.isoformat(),
            "starts": "09:00",
            "ends": "17:00",
            "city": "Flensburg",
            "venue": "Deutsches Haus, Friedrich-Ebert-Straße 7",
            "description": "10 Uhr: Begrüßung\n\n13 Uhr: Speed-Dating",
            "capacity": "80",
            "deadline_day": "",
            "deadline_time": "",
            **changes,
        }

    return form
