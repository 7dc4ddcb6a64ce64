"""NUL (``\\x00``) in form fields, query strings, URL paths and JSON: PostgreSQL refuses it in
text, so it must be refused before it gets there, with a clear message, nothing stored."""

from __future__ import annotations

import json

from hostile.checks import snapshot
from hostile.pages import (
    client_for,
    crawl,
    fresh_form,
    is_staff,
    query_parameters,
    rules,
    send,
    typing_forms,
    url_of,
)
from support import csrf_token

NUL = "Kim\x00Kommune"
MESSAGE = "unzulässiges Zeichen"


def _refused(response) -> str | None:
    """Why the answer is not the expected clear refusal, or None."""
    text = response.get_json()["error"] if response.is_json else response.get_data(as_text=True)
    if response.status_code != 400:
        return f"HTTP {response.status_code}"
    if MESSAGE not in text:
        return f"no clear message: {text[:200]!r}"
    return None


def test_nul_in_every_text_field_is_refused(app, admin, world):
    failures = []
    for (endpoint, _names), found in sorted(typing_forms(app, crawl(app, world, admin)).items()):
        client = client_for(app, admin, endpoint)
        form = fresh_form(client, found)
        for field in form.text_fields():
            before = snapshot(app)
            problem = _refused(send(client, form, **{field.name: NUL}))
            if problem:
                failures.append(f"{endpoint}.{field.name}: {problem}")
            if snapshot(app) != before:
                failures.append(f"{endpoint}.{field.name}: something was stored")
    assert not failures, "\n".join(failures)


def test_nul_in_every_query_string_parameter_is_refused(app, admin, world):
    visitor = app.test_client()
    failures = []
    for rule in rules(app, "GET"):
        client = admin if is_staff(rule) else visitor
        url = url_of(app, rule, world)
        for name in [*query_parameters(app, rule.endpoint), "x"]:
            problem = _refused(client.get(url, query_string={name: NUL}))
            if problem:
                failures.append(f"{rule.endpoint} ?{name}=: {problem}")
    assert not failures, "\n".join(failures)


def test_nul_in_every_url_placeholder_is_refused(app, admin, world):
    failures = []
    token = csrf_token(admin, "/staff/")
    for method in ("GET", "POST"):
        for rule in rules(app, method):
            if method == "POST" and "GET" in rule.methods:
                continue  # the GET of the same address is tried
            for name, converter in rule._converters.items():
                if type(converter).__name__ not in ("UnicodeConverter", "PathConverter"):
                    continue  # numbers and fixed words: a NUL does not match the route
                values = {**world.url_values(rule), name: "ab\x00cd"}
                url = app.url_map.bind("localhost").build(rule.endpoint, values)
                if method == "GET":
                    client = admin if is_staff(rule) else app.test_client()
                    response = client.get(url)
                else:  # the admin's session has a valid CSRF token
                    response = admin.post(url, data={"csrf_token": token})
                problem = _refused(response)
                if problem:
                    failures.append(f"{method} {rule.endpoint} <{name}>: {problem}")
    assert not failures, "\n".join(failures)


def test_nul_in_a_json_body_is_refused_everywhere(app, admin, world):
    failures = []
    token = csrf_token(admin, "/staff/")
    for rule in rules(app, "POST"):
        before = snapshot(app)
        response = admin.post(
            url_of(app, rule, world),
            data=json.dumps({"name": NUL, "notes": NUL, "csrf_token": token}),
            content_type="application/json",
            headers={"X-CSRFToken": token, "Accept": "application/json"},
        )
        if problem := _refused(response):
            failures.append(f"{rule.endpoint}: {problem}")
        if snapshot(app) != before:
            failures.append(f"{rule.endpoint}: something was stored")
    assert not failures, "\n".join(failures)
