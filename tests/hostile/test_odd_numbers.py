"""Numbers nobody would type, where the app expects one: superscript digits ("²" is a digit to
``str.isdigit``), numbers beyond any database integer, negative ones, the first and the last
day Python knows. No 500 anywhere."""

from __future__ import annotations

import pytest

from hostile.pages import (
    client_for,
    crawl,
    fresh_form,
    is_staff,
    post_forms,
    query_parameters,
    rules,
    send,
    url_of,
)
from support import csrf_token

ODD_NUMBERS = ["²", "9" * 30, "-5", "1" * 5000, "0001-01-01", "9999-12-31", "9999-12"]


def test_odd_numbers_in_query_strings(app, admin, world):
    visitor = app.test_client()
    failures = []
    for rule in rules(app, "GET"):
        client = admin if is_staff(rule) else visitor
        url = url_of(app, rule, world)
        for name in query_parameters(app, rule.endpoint):
            for value in ODD_NUMBERS:
                response = client.get(url, query_string={name: value})
                if response.status_code >= 500:
                    failures.append(f"{rule.endpoint} ?{name}={value[:10]}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_numbers_beyond_any_database_integer_in_paths(app, admin, world):
    """``<int:...>`` takes any run of digits; the row simply does not exist."""
    token = csrf_token(admin, "/staff/")
    failures = []
    for rule in [*rules(app, "GET"), *rules(app, "POST")]:
        numbers = [n for n, c in rule._converters.items() if type(c).__name__ == "IntegerConverter"]
        for name in numbers:
            values = {**world.url_values(rule), name: 10**20}
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
            if "GET" in rule.methods:
                response = (admin if is_staff(rule) else app.test_client()).get(url)
            else:
                response = admin.post(url, data={"csrf_token": token})
            if response.status_code != 404:
                failures.append(f"{rule.endpoint} <{name}>: HTTP {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_odd_values_in_every_choice_number_date_and_hidden_field(app, admin, world):
    """What no browser sends for a select, a checkbox, a number or a date: a refusal, no 500."""
    failures = []
    for endpoint, found in sorted(post_forms(app, crawl(app, world, admin)).items()):
        client = client_for(app, admin, endpoint)
        for field in [f for f in found.fields if not f.is_text and "csrf_token" not in f.name]:
            for value in ODD_NUMBERS:
                form = fresh_form(client, found, gone_ok=True)
                if form is None:
                    break  # e.g. the speed-dating was started: no start button any more
                response = send(client, form, **{field.name: value})
                if response.status_code >= 500:
                    failures.append(f"{endpoint}.{field.name}={value[:10]}: {response.status_code}")
    assert not failures, "\n".join(failures)
