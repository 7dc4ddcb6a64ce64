"""Forged, truncated, expired and revoked links (manage, confirm, cancel, privacy, calendar feed,
speed-dating code) all get the same answer: the same status, the same page, the same database
work (so neither the page nor the time it takes tells whether a link ever existed). Links used
twice answer calmly. No 500 anywhere. Start Smart has no password reset, so no reset links."""

from __future__ import annotations

import secrets
from datetime import timedelta

from hostile.checks import counting_statements
from hostile.pages import rules
from startsmart import clock
from startsmart.consultations import feed
from startsmart.consultations import mails as consultation_mails
from startsmart.consultations.models import Consultation
from startsmart.extensions import db, limiter
from startsmart.privacy import service as privacy
from startsmart.registrations import mails as registration_mails
from startsmart.registrations.models import Registration
from startsmart.staff.models import StaffUser
from startsmart.tokens import mint
from support import csrf_token, text


def _bad_tokens(app, purpose: str, real: str, subject_id: int) -> dict[str, str]:
    """Every kind of link that must not open anything, for links of ``purpose``."""
    now = clock.now()
    with app.app_context():
        expired = mint(purpose, subject_id, now - timedelta(days=90), now - timedelta(seconds=1))
        other = "registration" if purpose != "registration" else "consultation"
        wrong_purpose = mint(other, subject_id, now, now + timedelta(days=30))
        db.session.commit()
    return {
        "forged": secrets.token_urlsafe(32),
        "truncated": real[:-1],
        "one character changed": real[:-1] + ("A" if real[-1] != "A" else "B"),
        "expired": expired,
        "for something else": wrong_purpose,
    }


def _answer(app, client, method: str, url: str, token: str, csrf: str | None = None):
    """Status, the page with the token taken out, and how many SQL statements it took."""
    limiter.reset()
    with counting_statements(app) as statements:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf})
    assert response.status_code < 500
    return response.status_code, text(response).replace(token, "TOKEN"), statements.count


def _token_rules(app, name: str, prefix: str):
    return [
        (method, rule)
        for method in ("GET", "POST")
        for rule in rules(app, method)
        if name in rule.arguments and rule.endpoint.startswith(prefix)
    ]


def _same_answer_for_every_bad_link(app, world, prefix, kind, purpose, real, subject):
    bad = _bad_tokens(app, purpose, real, subject)
    visitor = app.test_client()  # a staff page would carry a fresh CSRF token every second
    csrf = csrf_token(visitor, f"/angebote/termine/{world.date_id}/anmeldung")
    checked = 0
    for method, rule in _token_rules(app, "token", prefix):
        if "kind" in rule.arguments and kind is None:
            continue
        answers = {}
        for label, token in bad.items():
            values = {**world.url_values(rule), "token": token}
            if kind is not None and "kind" in rule.arguments:
                values["kind"] = kind
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
            answers[label] = _answer(app, visitor, method, url, token, csrf)
        first = next(iter(answers.values()))
        assert first[0] in (404, 410), (rule.endpoint, first[0])
        for label, answer in answers.items():
            assert answer == first, f"{method} {rule.endpoint}: {label} differs"
        checked += 1
    return checked


def test_bad_registration_links_all_look_alike(app, world):
    checked = _same_answer_for_every_bad_link(
        app,
        world,
        "registrations.",
        None,
        registration_mails.TOKEN_PURPOSE,
        world.registration_token,
        world.registration_id,
    )
    checked += _same_answer_for_every_bad_link(
        app,
        world,
        "privacy.",
        "anmeldung",
        registration_mails.TOKEN_PURPOSE,
        world.registration_token,
        world.registration_id,
    )
    assert checked >= 8  # manage, confirm, cancel, calendar, privacy export/delete/revoke


def test_bad_consultation_links_all_look_alike(app, world):
    checked = _same_answer_for_every_bad_link(
        app,
        world,
        "consultations.",
        None,
        consultation_mails.TOKEN_PURPOSE,
        world.consultation_token,
        world.consultation_id,
    )
    checked += _same_answer_for_every_bad_link(
        app,
        world,
        "privacy.",
        "beratung",
        consultation_mails.TOKEN_PURPOSE,
        world.consultation_token,
        world.consultation_id,
    )
    assert checked >= 8


def test_links_of_deleted_data_look_like_forged_ones(app, world):
    """After "delete my data" the old links are dead, and say no more than a forged one."""
    visitor = app.test_client()
    with app.app_context():
        registration = db.session.get(Registration, world.registration_id)
        privacy.delete_person(registration.person, clock.now())
    for pattern in ("/anmeldung/{}", "/anmeldung/{}/meine-daten", "/anmeldung/{}/stornieren"):
        forged = secrets.token_urlsafe(32)
        token = world.registration_token
        revoked = _answer(app, visitor, "GET", pattern.format(token), token)
        assert revoked == _answer(app, visitor, "GET", pattern.format(forged), forged)


def test_a_rotated_calendar_feed_link_looks_like_a_forged_one(app, world):
    client = app.test_client()
    old = world.feed_token
    with app.app_context():
        feed.rotate(db.session.get(StaffUser, world.advisor_id), clock.now())
        db.session.commit()
    answers = {
        label: _answer(app, client, "GET", f"/kalender/beratungen/{token}.ics", token)
        for label, token in {
            "rotated": old,
            "forged": secrets.token_urlsafe(32),
            "truncated": old[:-1],
        }.items()
    }
    assert {a[0] for a in answers.values()} == {404}
    assert len(set(answers.values())) == 1, answers


def test_unknown_speed_dating_codes_look_alike(app, world):
    client = app.test_client()
    code = world.speed_code
    others = {
        "forged": "".join(secrets.choice("ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(8)),
        "truncated": code[:-1],
        "one character changed": code[:-1] + ("A" if code[-1] != "A" else "B"),
        "far too long": code * 50,
        "not a code": "<b>%20;DROP",
    }
    answers = {
        label: _answer(app, client, "GET", f"/sd/{value}.json", value)[:2]
        for label, value in others.items()
    }
    assert {a[0] for a in answers.values()} == {404}
    assert len(set(answers.values())) == 1, answers


def test_links_used_twice_answer_calmly(app, world, smtp):
    """Confirming or cancelling again: a message, never an error page."""
    visitor = app.test_client()
    # One token for the whole visit, taken while the confirm page still shows its button: a tab
    # left open posts the same again after the page would show none.
    token = csrf_token(visitor, f"/anmeldung/{world.registration_token}/bestaetigen")
    for path in (
        f"/anmeldung/{world.registration_token}/bestaetigen",
        f"/anmeldung/{world.registration_token}/stornieren",
        f"/beratung/{world.consultation_token}/bestaetigen",
        f"/beratung/{world.consultation_token}/absagen",
    ):
        for _twice in range(2):
            limiter.reset()
            response = visitor.post(path, data={"csrf_token": token})
            assert response.status_code == 302, path
            page = visitor.get(response.headers["Location"])
            assert page.status_code == 200
            assert 'class="flash' in text(page)  # it says what happened (or why not)
    with app.app_context():
        assert db.session.get(Registration, world.registration_id).status.value == "cancelled"
        consultation = db.session.get(Consultation, world.consultation_id)
        assert consultation.status.value == "cancelled"
