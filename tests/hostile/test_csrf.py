"""A POST without its CSRF token (or with somebody else's) changes nothing: 400 with a page
that says why, in German."""

from __future__ import annotations

from hostile.checks import snapshot
from hostile.pages import client_for, crawl, post_forms, rules, url_of
from startsmart import form_fields
from support import csrf_token, make_date, registration_form, text

MESSAGE = "Aus Sicherheitsgründen wurde nichts gespeichert"


def test_every_post_without_csrf_token_is_refused_and_changes_nothing(app, admin, world):
    forms = post_forms(app, crawl(app, world, admin))
    failures = []
    for rule in rules(app, "POST"):
        form = forms.get(rule.endpoint)
        # Everything a browser would send, only the token missing.
        data = {k: v for k, v in (form.data() if form else {}).items() if "csrf_token" not in k}
        before = snapshot(app)
        response = client_for(app, admin, rule.endpoint).post(url_of(app, rule, world), data=data)
        html = text(response)
        if response.status_code != 400 or MESSAGE not in html or '<html lang="de">' not in html:
            failures.append(f"{rule.endpoint}: HTTP {response.status_code}")
        if snapshot(app) != before:
            failures.append(f"{rule.endpoint}: something changed")
    assert not failures, "\n".join(failures)
    assert admin.get("/staff/").status_code == 200  # the logout without a token did not count


def test_a_token_from_another_session_is_refused(app, world):
    page = f"/angebote/termine/{world.date_id}/anmeldung"
    somebody_else = csrf_token(app.test_client(), page)
    before = snapshot(app)
    response = app.test_client().post(
        page,
        data={
            "csrf_token": somebody_else,
            "name": "Kim Kommune",
            "email": "kim@kiel.de",
            "municipality": "Kiel",
            "state": "SH",
            "privacy": "y",
        },
    )
    assert response.status_code == 400
    assert MESSAGE in text(response)
    assert snapshot(app) == before


def test_the_refusal_speaks_english_to_english_visitors(app, world):
    visitor = app.test_client()
    visitor.get("/sprache/en")
    response = visitor.post(f"/angebote/termine/{world.date_id}/anmeldung", data={})
    assert response.status_code == 400
    assert '<html lang="en">' in text(response)


def test_a_form_signs_its_token_only_for_a_page_that_shows_it(app, client, smtp, monkeypatch):
    """``form_fields.Form``: the page shows a token that the POST's check accepts, and a POST
    that succeeds (a redirect, no form shown) signs none."""
    signed = []
    sign = form_fields.generate_csrf

    def counted(**names):
        signed.append(names)
        return sign(**names)

    monkeypatch.setattr(form_fields, "generate_csrf", counted)
    page = f"/angebote/termine/{make_date(app)}/anmeldung"
    token = csrf_token(client, page)
    assert len(signed) == 1
    response = client.post(page, data={"csrf_token": token, **registration_form()})
    assert response.status_code == 302 and len(signed) == 1
    shown_again = client.post(page, data={"csrf_token": token, **registration_form(name="")})
    assert shown_again.status_code == 200 and len(signed) == 2
    assert csrf_token(client, page) == token or len(signed) == 3  # a fresh one validates too
