"""The audit log: staff logins (also failed ones), changes and exports — who, when, what."""

from __future__ import annotations

import sqlalchemy as sa

from startsmart.audit.models import AuditEvent
from startsmart.extensions import db
from startsmart.staff.models import Role
from support import csrf_token, login, make_date, make_staff, submit, text


def actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (e.action, e.actor_name)
            for e in db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).scalars()
        ]


def test_logins_failed_logins_and_logouts_are_recorded(app, client):
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example", "falsches-passwort!")
    login(client, "unbekannt@kts.example", "egal-egal-egal")
    login(client, "team@kts.example")
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert actions(app) == [
        ("staff.login_failed", "team@kts.example"),
        ("staff.login_failed", "unbekannt@kts.example"),
        ("staff.login", "team@kts.example"),
        ("staff.logout", "team@kts.example"),
    ]


def test_date_changes_and_exports_are_recorded_and_admins_can_filter(app, client, smtp):
    make_staff(app, email="admin@kts.example", role=Role.ADMIN)
    date_id = make_date(app, capacity=10)
    login(client, "admin@kts.example")
    submit(client, f"/staff/termine/{date_id}/plaetze", {"capacity": "12"})
    client.get(f"/staff/termine/{date_id}/anmeldungen.csv")
    recorded = [a for a, _ in actions(app)]
    assert "date.capacity" in recorded and "registrations.exported" in recorded
    page = text(client.get("/staff/protokoll/?aktion=date."))
    assert "<td>Plätze geändert</td>" in page and "10 -&gt; 12" in page
    assert "<td>Anmeldungen exportiert</td>" not in page
    assert "<td>Anmeldungen exportiert</td>" in text(client.get("/staff/protokoll/"))


def test_only_admins_read_the_log(app, client):
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    assert client.get("/staff/protokoll/").status_code == 403
    assert "/staff/protokoll/" not in text(client.get("/staff/"))


def test_admins_find_the_log_from_the_dashboard(app, client):
    make_staff(app, email="chefin@kts.example", role=Role.ADMIN)
    login(client, "chefin@kts.example")
    assert 'href="/staff/protokoll/"' in text(client.get("/staff/"))


def test_consultation_staff_actions_are_recorded(app, client, smtp):
    from consultation_support import make_advisor

    advisor_id = make_advisor(app, "berta@kts.example")
    make_staff(app, email="admin@kts.example", role=Role.ADMIN)
    login(client, "admin@kts.example")
    submit(
        client,
        f"/staff/beratungszeiten/{advisor_id}",
        {
            "weekly-weekday": "0",
            "weekly-start": "13:00",
            "weekly-end": "15:00",
            "weekly-channels": ["video"],
        },
        action=f"/staff/beratungszeiten/{advisor_id}/wochenzeiten",
    )
    assert ("availability.changed", "admin@kts.example") in actions(app)
