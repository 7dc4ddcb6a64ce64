"""Every staff route is closed to anonymous visitors, including routes added later."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from startsmart import create_app
from startsmart.staff.models import Role
from support import csrf_token, login, make_staff

# The login and its second step (code, or set-up of the app): open before a session exists;
# they answer only to a visitor whose password was right minutes ago.
PUBLIC_STAFF_ENDPOINTS = {"staff.login", "staff_second_factor.code", "staff_second_factor.set_up"}


def _staff_rules() -> list[Rule]:
    # Built at import time from a throwaway app, so each route becomes its own test case.
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff") and rule.endpoint not in PUBLIC_STAFF_ENDPOINTS
    ]


def _example_url(rule: Rule) -> str:
    # 1 satisfies int, path and string converters alike; an any() converter takes its first.
    values: dict[str, object] = dict.fromkeys(rule.arguments, 1)
    for items, name in re.findall(r"<any\(([^)]*)\):(\w+)>", rule.rule):
        values[name] = items.split(",")[0].strip()
    return rule.build(values, append_unknown=False)[1]


STAFF_RULES = _staff_rules()


def test_the_staff_area_has_routes_to_check():
    assert len(STAFF_RULES) >= 6


@pytest.mark.parametrize("rule", STAFF_RULES, ids=lambda r: f"{r.endpoint}")
def test_anonymous_request_is_sent_to_the_login_page(client, rule):
    url = _example_url(rule)
    # A valid CSRF token, so a POST is judged on who sends it, not stopped earlier with 400.
    token = csrf_token(client, "/staff/login")
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        data = {"csrf_token": token} if method != "GET" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.headers["Location"].startswith("/staff/login?next="), (method, url)


@pytest.mark.parametrize("rule", STAFF_RULES, ids=lambda r: f"{r.endpoint}")
def test_staff_view_carries_the_role_decorator(app, rule):
    view = app.view_functions[rule.endpoint]
    assert hasattr(view, "staff_roles"), f"{rule.endpoint} lacks @staff_required"


def test_advisor_may_not_manage_accounts(app, client):
    make_staff(app, email="bea@kts.example", role=Role.ADVISOR)
    login(client, "bea@kts.example")
    response = client.get("/staff/konten")
    assert response.status_code == 403
    assert "Kein Zugriff" in response.get_data(as_text=True)
