"""Nobody can change somebody else's data by typing their address (issue 15, item 7), and the
municipality suggestions cannot be filled with junk (item 10).

A stranger sends the public registration or booking form with Kim's address and other data:
Kim's stored name, function and municipality stay as they are (staff list, CSV export, Kim's
next mail) until the mailbox owner clicks the confirmation link; staff see what is pending.
A municipality that only an unconfirmed anonymous form named is never suggested; once a
registration or booking from it is confirmed by mail, it is."""

from __future__ import annotations

import html as html_lib

import pytest
import sqlalchemy as sa

from consultation_support import booking_form, make_advisor
from hostile.visitors import confirm_by_mail, visitor
from moments import working_day
from startsmart.extensions import db
from startsmart.municipalities.models import Person
from support import links_in, make_date, path_of, registration_form, submit, text

pytestmark = pytest.mark.time_sensitive

KIM = "kim@flensburg.de"
STRANGER = {
    "name": "Mallory Fremd",
    "function": "Übernahme",
    "municipality": "Fremdhausen",
    "state": "BY",
    "municipality_kind": "town",
}


def _register(app, date_id: int, number: int, **typed):
    response = submit(
        visitor(app, number), f"/angebote/termine/{date_id}/anmeldung", registration_form(**typed)
    )
    assert response.status_code == 302, text(response)


def _stored(app) -> tuple[str, str | None, str | None]:
    with app.app_context():
        person = db.session.execute(sa.select(Person).where(Person.email == KIM)).scalar_one()
        return person.name, person.function, person.municipality.name


def _suggestions(client, typed: str) -> list[str]:
    """What the municipality field's search offers for ``typed``."""
    response = client.get("/kommunen/suche", query_string={"q": typed})
    assert response.status_code == 200
    return [found["name"] for found in response.get_json()["results"]]


def test_a_strangers_registration_changes_kims_data_only_once_the_mailbox_confirms(
    app, smtp, admin
):
    kims_date, strangers_date = make_date(app), make_date(app)
    _register(app, kims_date, 1)
    confirm_by_mail(app, smtp.to(KIM)[0])
    assert _stored(app) == ("Kim Kommune", "Digitalisierung", "Flensburg")

    _register(app, strangers_date, 2, **STRANGER)
    assert _stored(app) == ("Kim Kommune", "Digitalisierung", "Flensburg")
    # Kim's next mail (the request to confirm the stranger's registration) greets Kim by the
    # stored name; the stranger's text does not reach Kim's mailbox.
    request_mail = smtp.to(KIM)[-1]
    body = request_mail.get_body(("plain",)).get_content()
    assert "Kim Kommune" in body and "Mallory" not in body
    # The staff list and its CSV show the stored person; the stranger's registration carries
    # a visible marker of what is pending.
    kims_list = text(admin.get(f"/staff/termine/{kims_date}"))
    assert "Kim Kommune" in kims_list and "Mallory" not in kims_list
    csv = admin.get(f"/staff/termine/{kims_date}/anmeldungen.csv").get_data(as_text=True)
    assert "Kim Kommune" in csv and "Digitalisierung" in csv and "Mallory" not in csv
    strangers_list = text(admin.get(f"/staff/termine/{strangers_date}"))
    assert "Kim Kommune" in strangers_list
    assert "unbestätigte Änderung" in strangers_list and "Mallory Fremd" in strangers_list

    # The mailbox owner sees on the confirm page what confirming would change.
    link = path_of(next(u for u in links_in(request_mail) if u.endswith("/bestaetigen")))
    page = html_lib.unescape(text(visitor(app, 3).get(link)))
    assert "Mit Ihrer Bestätigung übernehmen wir diese Angaben" in page
    assert "Mallory Fremd (bisher: Kim Kommune)" in page
    assert "Fremdhausen (bisher: Flensburg)" in page
    confirm_by_mail(app, request_mail)  # the mailbox owner wants it after all
    assert _stored(app) == ("Mallory Fremd", "Übernahme", "Fremdhausen")
    strangers_list = text(admin.get(f"/staff/termine/{strangers_date}"))
    assert "Mallory Fremd" in strangers_list and "unbestätigte Änderung" not in strangers_list
    csv = admin.get(f"/staff/termine/{kims_date}/anmeldungen.csv").get_data(as_text=True)
    assert "Mallory Fremd" in csv


def test_a_strangers_booking_changes_kims_data_only_once_the_mailbox_confirms(app, smtp, admin):
    make_advisor(app, "wera@kts.example", name="Wera Beraterin")
    _register(app, make_date(app), 1)
    confirm_by_mail(app, smtp.to(KIM)[0])
    start = working_day()
    response = submit(
        visitor(app, 2),
        f"/initialberatung/buchen?start={start.isoformat()}",
        booking_form(start, email=KIM, **STRANGER),
    )
    assert response.status_code == 302, text(response)
    assert _stored(app) == ("Kim Kommune", "Digitalisierung", "Flensburg")
    request_mail = smtp.to(KIM)[-1]
    assert "Mallory" not in request_mail.get_body(("plain",)).get_content()
    with app.app_context():
        from startsmart.consultations.models import Consultation

        consultation_id = db.session.execute(
            sa.select(Consultation.id).join(Person).where(Person.email == KIM)
        ).scalar_one()
    detail = text(admin.get(f"/staff/beratungen/{consultation_id}"))
    assert "Kim Kommune" in detail
    assert "unbestätigte Änderung" in detail and "Mallory Fremd" in detail

    confirm_by_mail(app, request_mail)
    assert _stored(app) == ("Mallory Fremd", "Übernahme", "Fremdhausen")


def test_staff_entries_change_the_person_at_once(app, smtp, admin):
    date_id = make_date(app)
    _register(app, date_id, 1)
    confirm_by_mail(app, smtp.to(KIM)[0])
    page = f"/staff/termine/{make_date(app)}/anmeldungen/neu"
    response = submit(
        admin, page, registration_form(name="Kim Neuname", function="Bauamt", locale="de")
    )
    assert response.status_code == 302, text(response)
    assert _stored(app) == ("Kim Neuname", "Bauamt", "Flensburg")


def test_junk_municipalities_are_suggested_only_once_confirmed(app, smtp, client):
    make_advisor(app, "wera@kts.example", name="Wera Beraterin")
    date_id = make_date(app, capacity=20, limit=20)
    start = working_day()
    form_page = f"/angebote/termine/{date_id}/anmeldung"
    booking_page = f"/initialberatung/buchen?start={start.isoformat()}"
    junk = "<b>Jetzt neu anmelden</b> kts-login"
    _register(app, date_id, 1, email="a@junk.example", municipality=junk)
    response = submit(
        visitor(app, 2),
        booking_page,
        booking_form(start, email="b@junk.example", municipality=junk + " 2"),
    )
    assert response.status_code == 302, text(response)
    for page in (form_page, booking_page):  # the forms do not list any names
        assert "Jetzt neu" not in text(client.get(page)), page
    assert _suggestions(client, "Jetzt neu") == []

    _register(app, date_id, 3, email="c@elmshorn.de", municipality="Elmshorn")
    confirm_by_mail(app, smtp.to("c@elmshorn.de")[0])
    confirm_by_mail(app, smtp.to("b@junk.example")[0])
    assert _suggestions(client, "Elmshorn") == ["Elmshorn"]
    assert _suggestions(client, "Jetzt neu") == [junk + " 2"]
