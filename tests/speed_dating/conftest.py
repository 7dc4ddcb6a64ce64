"""The speed-dating tests' fixtures: the conference of ``speed_dating_support`` and a client
logged in as its event team member."""

from __future__ import annotations

import pytest

from speed_dating_support import EVENT_TEAM, Event, make_event
from support import login


@pytest.fixture
def event(app) -> Event:
    return make_event(app)


@pytest.fixture
def team_client(app, client, event):
    """A client logged in as the event team member who owns ``event``."""
    login(client, EVENT_TEAM)
    return client


@pytest.fixture
def base(event) -> str:
    """The speed-dating staff pages of ``event``."""
    return f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating"
