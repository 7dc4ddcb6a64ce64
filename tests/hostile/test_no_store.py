"""Pages and downloads with personal data tell every browser and proxy not to keep a copy
(``Cache-Control: no-store``): the whole staff area with its CSV and calendar downloads, the
pages behind a manage link with their .ics, the phone view of speed dating. Public pages
without personal data stay cacheable."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from hostile.pages import is_staff, rules, url_of
from hostile.world import World, as_admin
from support import submit

# Public endpoints whose answer names a person (or is a calendar file with their manage link).
PERSONAL_PUBLIC = {
    "registrations.manage",
    "registrations.confirm",
    "registrations.cancel",
    "consultations.manage",
    "consultations.confirm",
    "consultations.cancel",
    "consultations.reschedule",
    "consultations.advisor_feed",
    "consultations.calendar_file",  # staff booked it: confirmed
    "my_bookings.overview",
    "privacy.export",
    "privacy.delete",
    "speed_dating.phone",
    "speed_dating.participant_json",
}
# Public pages without personal data: caching them is fine (the feed even asks for it).
CACHEABLE = {"pages.start", "catalog.index", "catalog.offering", "catalog.feed", "catalog.date_ics"}


def _get(app: Flask, client: FlaskClient, world: World, endpoint: str):
    [rule] = [r for r in rules(app, "GET") if r.endpoint == endpoint][:1]
    return client.get(url_of(app, rule, world))


def test_every_staff_page_and_download_says_no_store(app, admin, world):
    kinds = set()
    checked = 0
    for rule in rules(app, "GET"):
        if not is_staff(rule):
            continue
        response = admin.get(url_of(app, rule, world))
        if response.status_code != 200:
            continue  # a redirect or a refusal: nothing personal in it
        checked += 1
        kinds.add(response.mimetype)
        assert response.headers.get("Cache-Control") == "no-store", rule.endpoint
    assert checked > 40
    assert {"text/html", "text/csv"} <= kinds, kinds


def test_manage_pages_and_their_downloads_say_no_store(app, client, world):
    for endpoint in sorted(PERSONAL_PUBLIC):
        response = _get(app, client, world, endpoint)
        assert response.status_code == 200, endpoint
        assert response.headers.get("Cache-Control") == "no-store", endpoint
    # The calendar file of a confirmed registration carries its manage link.
    confirmed = submit(client, f"/anmeldung/{world.registration_token}/bestaetigen", {})
    assert confirmed.status_code == 302
    ics = _get(app, client, world, "registrations.calendar_file")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert f"/anmeldung/{world.registration_token}" in ics.get_data(as_text=True).replace(
        "\r\n ", ""
    )
    assert ics.headers.get("Cache-Control") == "no-store"


def test_public_pages_stay_cacheable_but_not_when_staff_see_them(app, client, world):
    for endpoint in sorted(CACHEABLE):
        response = _get(app, client, world, endpoint)
        assert response.status_code == 200, endpoint
        assert "no-store" not in response.headers.get("Cache-Control", ""), endpoint
    # A logged-in staff member's copy of a public page names them and carries their form token.
    as_admin(client)
    assert _get(app, client, world, "catalog.index").headers["Cache-Control"] == "no-store"
