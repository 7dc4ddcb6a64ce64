"""After retention, speed-dating participants keep their place in the counts, not their names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from startsmart.conferences.models import Conference
from startsmart.extensions import db
from startsmart.privacy.service import purge

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def test_participants_of_an_old_conference_are_anonymised(app, client, event):
    ids = event.everyone_here(4, funded=1)
    event.plan()
    old_code = event.participant(ids[0]).code
    with app.app_context():
        conference = db.session.get(Conference, event.conference_id)
        later = conference.ends_at + timedelta(days=app.config["PERSONAL_DATA_RETENTION_DAYS"] + 1)
        assert purge(conference.ends_at + timedelta(days=1)).speed_dating == 0
        report = purge(later)
        assert report.speed_dating == 4
        assert purge(later).speed_dating == 0  # idempotent
    participant = event.participant(ids[0])
    assert participant.name == "" and participant.registration_id is None
    assert participant.code != old_code
    assert client.get(f"/sd/{old_code}.json").status_code == 404
