"""10,000 characters in every field a person types into: "zu lang" with the limit, what was
typed is still there, nothing stored."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from hostile.checks import mail_texts, snapshot
from hostile.pages import (
    client_for,
    crawl,
    field_errors,
    flashes,
    fresh_form,
    same_form,
    send,
    typing_forms,
)
from material_support import a_pdf
from moments import working_day
from startsmart import clock
from startsmart.clock import berlin_today
from support import DEFAULT_PASSWORD


def test_ten_thousand_characters_in_every_text_field(app, admin, world):
    forms = typing_forms(app, crawl(app, world, admin))
    assert len(forms) >= 20, sorted(forms)  # the crawl found the forms, not error pages
    failures = []
    for (endpoint, _names), found in sorted(forms.items()):
        client = client_for(app, admin, endpoint)
        form = fresh_form(client, found)
        # 10,000 characters, or one more than a field takes if it takes that many.
        typed = {f.name: "x" * max(10_000, (f.maxlength or 0) + 1) for f in form.text_fields()}
        before = snapshot(app)
        response = send(client, form, **typed)
        html = response.get_data(as_text=True)
        if response.status_code != 200:
            failures.append(f"{endpoint}: HTTP {response.status_code}")
            continue
        if snapshot(app) != before:
            failures.append(f"{endpoint}: something was stored")
        errors = field_errors(html)
        shown = {f.name: f for f in (same_form(form, html) or form).fields}
        for f in form.text_fields():
            message = errors.get(f.id or f.name, "")
            if f.maxlength is None:
                failures.append(f"{endpoint}.{f.name}: the page announces no limit")
            elif "zu lang" not in message or f"{f.maxlength:,}".replace(",", ".") not in message:
                failures.append(f"{endpoint}.{f.name}: message {message!r}")
            if f.kind != "password" and shown[f.name].value != typed[f.name]:
                failures.append(f"{endpoint}.{f.name}: the typed text is gone")
    assert not failures, "\n".join(failures)


# Per form: what else it needs to be accepted (dates, times, a slot); text fields are filled up
# to their limit. Every form with a text field must be listed, so new forms are covered too.
def _in_days(days: int) -> str:
    return (berlin_today(clock.now()) + timedelta(days=days)).isoformat()


AT_THE_LIMIT: dict[str, dict[str, str]] = {
    "registrations.register": {"state": "SH", "municipality_kind": "town", "privacy": "y"},
    "consultations.booking_form": {"channel": "video", "privacy": "y", "state": "SH"},
    "my_bookings.ask": {},
    "consultations.cancel": {},
    "consultations.reschedule": {"channel": "phone"},
    "consultations_staff.cancel": {},
    "consultations_staff.notes": {},
    "consultations_staff.join_link": {},
    "consultations_staff.room": {},
    "consultations_booking_staff.new": {"state": "SH", "municipality_kind": "town"},
    "consultations_availability_staff.add_absence": {
        "absence-first_day": _in_days(50),
        "absence-last_day": _in_days(51),
    },
    "consultations_availability_staff.add_extra": {
        "extra-day": _in_days(30),
        "extra-start": "14:00",
        "extra-end": "16:00",
        "extra-conference": "",
    },
    "conferences_staff.new": {"day": _in_days(40), "starts": "09:00", "ends": "17:00"},
    "conferences_staff.edit": {},
    # The seeded conference's day is the form's default; the limit battery keeps it.
    "conferences_staff.new_session": {"starts": "11:00", "ends": "12:00", "capacity": ""},
    # The world's workshop is chosen by one person: its places cannot drop below that.
    "conferences_staff.edit_session": {"capacity": "5"},
    # The file itself is added by the test below (a real PDF); the title is at its limit.
    "conferences_materials_staff.add_file": {},
    "conferences_materials_staff.add_link": {},
    "conferences_materials_staff.edit": {"position": "3"},
    "speed_dating_staff.settings": {},
    "speed_dating_staff.walk_in": {"state": "SH"},
    # A password of one letter repeated is refused as guessable (zxcvbn): this one is not.
    "staff.account_new": {"role": "advisor", "password": ("Kirschbaum-Zugfahrt-am-Meer" * 8)[:200]},
    "staff_second_factor.set_up": {},
    "staff.password": {"current_password": DEFAULT_PASSWORD},
    "staff.login": {},
    "catalog_staff.date_new": {"day": _in_days(30), "starts": "10:00", "status": "published"},
    "catalog_staff.date_place": {},
    "catalog_staff.date_details": {"status": "published"},
    "catalog_staff.date_cancel": {},
    "catalog_staff.offering_new": {"format": "online_intro"},
    "catalog_staff.offering_edit": {},
    "catalog_staff.topic_edit": {},
    "registrations_staff.add": {"state": "SH", "municipality_kind": "town"},
    "registrations_staff.message": {"to_pending": "y"},
    "registrations_detail_staff.cancel": {"notify": "y"},
    "registrations_detail_staff.email": {"notify": "y"},
    "municipalities_staff.add_note": {},
    "feedback.survey_page": {},
    "feedback_staff.question_list": {},
    "feedback_staff.question_edit": {},
}


def test_every_form_with_text_fields_is_in_the_limit_battery(app, admin, world):
    endpoints = {endpoint for endpoint, _names in typing_forms(app, crawl(app, world, admin))}
    assert endpoints == set(AT_THE_LIMIT)


def _at_limit(field) -> str:
    """A valid value exactly as long as the field allows: "ß" grows when case-folded or
    slugged (ss), which shows whether a derived column is long enough too."""
    limit = field.maxlength
    if field.kind == "email":
        local = "k" * 64
        domain = f"{'a' * 63}.{'b' * 63}.{'c' * 58}.de"
        return f"{local}@{domain}"[: max(limit, 6)] if limit < 254 else f"{local}@{domain}"
    if field.name.endswith("url"):  # a date's, offering's or consultation's link, a room
        start = "https://konferenz.example.org/raum-"
        return start + "a" * (limit - len(start))
    if field.kind == "password" or field.kind == "tel":
        return ("0" if field.kind == "tel" else "p") * limit
    return "ß" * limit


@pytest.mark.parametrize("endpoint", sorted(AT_THE_LIMIT))
def test_text_at_its_limit_is_accepted_and_stored_in_full(app, admin, world, smtp, endpoint):
    """The form's limits are the database's: on PostgreSQL a longer value would fail."""
    client = client_for(app, admin, endpoint)
    nearby = typing_forms(app, crawl(app, world, admin, near=endpoint))
    found = [f for (e, _n), f in nearby.items() if e == endpoint]
    form = fresh_form(client, found[-1])
    values = {f.name: _at_limit(f) for f in form.text_fields()}
    for f in form.fields:  # a choice where the page offers an empty one
        if f.kind == "select" and not f.value and len(f.options) > 1:
            values.setdefault(f.name, f.options[1])
    if endpoint == "consultations.booking_form":
        values["starts_at"] = working_day(14).isoformat()
    if endpoint == "conferences_materials_staff.add_file":
        values["file-file"] = (io.BytesIO(a_pdf()), "folien.pdf")
    values.update(AT_THE_LIMIT[endpoint])
    response = send(client, form, **values)
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 302), html
    if endpoint in ("staff.login", "staff.password", "staff_second_factor.set_up"):
        return  # a password is stored hashed, a login or a code not at all
    assert response.status_code == 302, (field_errors(html), flashes(html))
    kept = repr(snapshot(app)) + "".join(mail_texts(smtp))
    for f in form.text_fields():
        if f.kind not in ("password", "email"):
            assert values[f.name] in kept, f"{f.name} was not kept in full"
