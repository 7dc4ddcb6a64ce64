"""Staff book for a municipality: by phone (confirmed at once, invitations to both), despite the
eligibility rules when they say so, and for walk-ins at a conference without notice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consultation_support import make_advisor
from staff_support import calendars, deliver
from startsmart import clock
from startsmart.clock import BERLIN
from startsmart.consultations.models import Channel, Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from startsmart.staff.models import Role
from support import login, make_staff, submit, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

NEW = "/staff/beratungen/neu"


def phone_call(start, **overrides) -> dict:
    """What the colleague types while on the phone."""
    return {
        "starts_at": start.isoformat(),
        "municipality": "Kleinstadt",
        "state": "NW",
        "municipality_kind": "town",
        "name": "Kim Kommune",
        "email": "kim@kleinstadt.de",
        "phone": "",
        "situation": "Ruft aus dem Bauamt an.",
        **overrides,
    }


def only_consultation(app) -> Consultation:
    with app.app_context():
        found = db.session.execute(sa.select(Consultation)).scalar_one()
        found.municipality  # noqa: B018
        return found


def as_team(app, client) -> None:
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM, name="Eva")
    login(client, "team@kts.example")


def test_phone_booking_is_confirmed_and_both_get_the_invitation(app, client, smtp, slot):
    make_advisor(app, "berta@kts.example", name="Berta")
    as_team(app, client)
    start = slot(7)
    page = f"{NEW}?tag={start.astimezone(BERLIN).date().isoformat()}&kanal=video"
    html = text(client.get(page))
    assert f'value="{start.isoformat()}"' in html
    response = submit(client, page, phone_call(start))
    assert response.status_code == 302
    booked = only_consultation(app)
    assert response.headers["Location"] == f"/staff/beratungen/{booked.id}"
    assert booked.status is ConsultationStatus.CONFIRMED and booked.booked_by_staff
    assert not booked.eligibility_overridden
    assert booked.channel is Channel.VIDEO and booked.situation == "Ruft aus dem Bauamt an."
    assert booked.municipality.kind is MunicipalityKind.TOWN
    deliver(app)
    for address in ("kim@kleinstadt.de", "berta@kts.example"):
        [calendar] = calendars(smtp.to(address)[-1])
        assert calendar["METHOD"] == "REQUEST"
    assert "Gebucht und bestätigt: Beratung durch Berta" in text(
        client.get(response.headers["Location"])
    )


def test_phone_consultation_needs_a_number(app, client, slot):
    make_advisor(app, "berta@kts.example")
    as_team(app, client)
    start = slot(7)
    page = f"{NEW}?tag={start.astimezone(BERLIN).date().isoformat()}&kanal=phone"
    response = submit(client, page, phone_call(start))
    assert "brauchen wir Ihre Telefonnummer" in text(response)
    assert 'id="phone-error"' in text(response)
    assert submit(client, page, phone_call(start, phone="0461 123")).status_code == 302
    assert only_consultation(app).phone == "0461 123"


def test_model_project_needs_the_override_which_is_recorded(app, client, slot):
    make_advisor(app, "berta@kts.example")
    with app.app_context():
        db.session.add(
            Municipality(
                name="Guben",
                kind=MunicipalityKind.CITY,
                state=FederalState.BB,
                is_model_project=True,
            )
        )
        db.session.commit()
    as_team(app, client)
    start = slot(7)
    page = f"{NEW}?tag={start.astimezone(BERLIN).date().isoformat()}"
    call = phone_call(start, municipality="Guben", state="BB", municipality_kind="")
    response = submit(client, page, call)
    assert response.status_code == 200
    html = text(response)
    assert "gefördertes Modellprojekt" in html and "setzen Sie hier das Häkchen" in html
    assert 'value="Kim Kommune"' in html  # the input is kept
    response = submit(client, page, {**call, "override": "y"})
    assert response.status_code == 302
    booked = only_consultation(app)
    assert booked.eligibility_overridden and booked.municipality.name == "Guben"
    assert "Regel überschrieben" in text(client.get(response.headers["Location"]))


def test_override_is_recorded_only_where_a_rule_was_set_aside(app, client, slot):
    make_advisor(app, "berta@kts.example")
    as_team(app, client)
    start = slot(7)
    page = f"{NEW}?tag={start.astimezone(BERLIN).date().isoformat()}"
    assert submit(client, page, {**phone_call(start), "override": "y"}).status_code == 302
    assert not only_consultation(app).eligibility_overridden


def test_a_slot_taken_meanwhile_is_explained_and_fresh_slots_offered(
    app, client, slot, staff_booking
):
    make_advisor(app, "berta@kts.example")
    as_team(app, client)
    start = slot(7)
    page = f"{NEW}?tag={start.astimezone(BERLIN).date().isoformat()}"
    assert f'value="{start.isoformat()}"' in text(client.get(page))
    staff_booking(start, 9, now=clock.now())  # a colleague was faster
    response = submit(client, page, phone_call(start))
    assert response.status_code == 200
    html = text(response)
    assert "Dieser Termin ist leider gerade vergeben worden." in html
    assert f'value="{start.isoformat()}"' not in html
    assert '<option value="2' in html  # other free starts of the week are offered
    assert 'value="Kim Kommune"' in html


def test_forged_time_is_refused_without_a_500(app, client, slot):
    make_advisor(app, "berta@kts.example")
    as_team(app, client)
    start = slot(7)
    page = f"{NEW}?tag={start.astimezone(BERLIN).date().isoformat()}"
    response = submit(client, page, phone_call(start.replace(minute=10)))
    assert "Diesen Zeitpunkt bieten wir nicht an." in text(response)
    for forged in ("kaputt", "2030-01-07T10:00:00"):  # not a time; no time zone
        response = submit(client, page, phone_call(start, starts_at=forged))
        assert "Bitte wählen Sie einen der angezeigten Termine." in text(response)
    assert client.get(f"{NEW}?tag=kaputt&kanal=irgendwas").status_code == 200
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Consultation.id))).scalar() == 0


def test_walk_in_at_a_conference_today_needs_no_notice(app, client, smtp, conference):
    advisor_id = make_advisor(app, "berta@kts.example", hours=[])
    now = clock.now()
    half_hour = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)
    conference_id = conference(
        half_hour - timedelta(hours=1),
        half_hour + timedelta(hours=6),
        {advisor_id: (half_hour, half_hour + timedelta(hours=4))},
    )
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM, name="Eva")
    login(client, "team@kts.example")
    page = f"{NEW}?konferenz={conference_id}"
    html = text(client.get(page))
    first = half_hour + timedelta(minutes=30)  # the next start on the grid, in half an hour
    assert f'value="{first.isoformat()}"' in html and "Regionalkonferenz Nord" in html
    response = submit(client, page, phone_call(first, email="walk-in@kleinstadt.de"))
    assert response.status_code == 302
    booked = only_consultation(app)
    assert booked.conference_id == conference_id and booked.channel is Channel.ON_SITE
    assert booked.starts_at == first and booked.status is ConsultationStatus.CONFIRMED
    deliver(app)
    [calendar] = calendars(smtp.to("walk-in@kleinstadt.de")[-1])
    assert "Deutsches Haus" in str(calendar.walk("VEVENT")[0]["LOCATION"])
    assert f'value="{first.isoformat()}"' not in text(client.get(page))  # taken now


def test_unknown_conference_is_404(app, client):
    as_team(app, client)
    assert client.get(f"{NEW}?konferenz=999").status_code == 404
    assert client.get(f"{NEW}?konferenz=abc").status_code == 404
