"""Every page of offerings, dates and registrations is for the event team and admins only."""

from __future__ import annotations

import pytest

from staff_support import register_person
from startsmart import create_app
from startsmart.catalog.models import Topic
from startsmart.extensions import db
from startsmart.staff.models import Role
from support import csrf_token, login, make_date, make_staff

BLUEPRINTS = ("catalog_staff.", "registrations_staff.", "registrations_detail_staff.")


def _rules():
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith(BLUEPRINTS)]


RULES = _rules()


def _topic(app) -> int:
    with app.app_context():
        topic = Topic(name="Datenstrategie", slug="datenstrategie")
        db.session.add(topic)
        db.session.commit()
        return topic.id


def test_all_routes_live_under_staff():
    assert len(RULES) == 24
    assert all(rule.rule.startswith("/staff/") for rule in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.endpoint)
def test_advisors_get_403_and_the_event_team_and_admins_get_in(app, client, rule):
    date_id = make_date(app)  # date and offering id 1
    values = {
        "date_id": date_id,
        "registration_id": register_person(app, date_id, 1),
        "topic_id": _topic(app),
    }
    make_staff(app, email="bea@kts.example", role=Role.ADVISOR)
    login(client, "bea@kts.example")
    url = rule.build({name: values.get(name, 1) for name in rule.arguments}, append_unknown=False)[
        1
    ]
    token = csrf_token(client, "/staff/")
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        data = {"csrf_token": token} if method == "POST" else None
        assert client.open(url, method=method, data=data).status_code == 403, (method, url)
    for email, role in (("eva@kts.example", Role.EVENT_TEAM), ("ada@kts.example", Role.ADMIN)):
        make_staff(app, email=email, role=role)
        other = app.test_client()
        login(other, email)
        if "GET" in rule.methods:
            assert other.get(url).status_code == 200, (email, url)
