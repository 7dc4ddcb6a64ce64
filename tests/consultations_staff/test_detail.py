"""One consultation for staff: notes and recommendations, the follow-up mail, hand-over to a
colleague and cancelling — each with the calendar messages the people involved receive."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from consultation_support import make_advisor
from staff_support import body, calendars, deliver
from startsmart import clock
from startsmart.catalog.models import EventDate
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.consultations import followup
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.staff.models import Role, StaffUser
from support import csrf_token, links_in, login, make_date, make_staff, path_of, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def post(client, url: str, data: dict | None = None, **kwargs):
    token = csrf_token(client, "/staff/")
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def consultation(app, consultation_id: int) -> Consultation:
    with app.app_context():
        found = db.session.get(Consultation, consultation_id)
        found.advisor, found.recommendations  # noqa: B018  (load while the session is open)
        return found


def test_notes_recommendations_and_the_follow_up_mail(app, client, smtp, slot, staff_booking):
    make_advisor(app, "berta@kts.example", name="Berta")
    held = staff_booking(slot(-9))  # took place last week
    deliver(app)
    smtp.clear()
    chosen = make_date(app, fmt="thematic_input", starts_in=timedelta(days=20))
    other = make_date(app, fmt="moderated_exchange", starts_in=timedelta(days=30))
    with app.app_context():  # titles often name their format already
        db.session.get(EventDate, chosen).offering.title = "Themen-Input: Datenstrategien"
        db.session.commit()
    login(client, "berta@kts.example")
    page = f"/staff/beratungen/{held}"
    html = text(client.get(page))
    assert f'value="{chosen}"' in html and f'value="{other}"' in html  # both suggested
    assert "Überfällig" in html  # more than three working days ago

    response = post(
        client, f"{page}/notizen", {"notes": "Ratsbeschluss im Mai.", "recommended": [chosen]}
    )
    assert response.status_code == 302
    html = text(client.get(page))
    assert "Ratsbeschluss im Mai." in html
    assert re.search(rf'<input checked id="recommended-\d" [^>]*value="{chosen}">', html)
    assert not re.search(rf'<input checked [^>]*value="{other}">', html)

    assert post(client, f"{page}/follow-up").status_code == 302
    [mail] = smtp.to("kim1@kleinstadt.de")
    assert mail["Subject"] == "Ihre Initialberatung: nächste Schritte"
    links = links_in(mail)
    assert f"https://startsmart.test/angebote/termine/{chosen}/anmeldung" in links
    assert not any(f"/termine/{other}/" in link for link in links)
    assert "Ratsbeschluss" not in body(mail)  # the notes stay internal
    assert "\n- Themen-Input: Datenstrategien, " in body(mail).replace("\r\n", "\n")
    assert client.get(path_of(links[0])).status_code == 200  # the link opens the form
    html = text(client.get(page))
    assert "Gesendet am" in html and "Follow-up erneut senden" in html
    assert consultation(app, held).follow_up_sent_at is not None


def test_recommending_a_date_that_is_gone_is_refused_with_the_notes_kept(
    app, client, slot, staff_booking
):
    make_advisor(app, "berta@kts.example")
    held = staff_booking(slot(-9))
    login(client, "berta@kts.example")
    response = post(
        client, f"/staff/beratungen/{held}/notizen", {"notes": "Wichtig", "recommended": [999]}
    )
    assert response.status_code == 200
    assert "nicht mehr buchbar" in text(response) and "Wichtig" in text(response)
    assert consultation(app, held).notes == ""


def test_follow_up_is_refused_before_the_consultation(app, client, smtp, slot, staff_booking):
    advisor_id = make_advisor(app, "berta@kts.example")
    coming = staff_booking(slot(7), now=clock.now())
    with app.app_context():
        advisor = db.session.get(StaffUser, advisor_id)
        with pytest.raises(DomainError, match="erst nach einer stattgefundenen Beratung"):
            followup.send(coming, advisor, clock.now())
        db.session.rollback()
    login(client, "berta@kts.example")
    html = text(client.get(f"/staff/beratungen/{coming}"))
    assert "Follow-up senden" not in html and "lässt sich nach der Beratung senden" in html
    response = post(client, f"/staff/beratungen/{coming}/follow-up", follow_redirects=True)
    assert "erst nach einer stattgefundenen Beratung" in text(response)
    assert consultation(app, coming).follow_up_sent_at is None


def test_follow_up_is_overdue_after_three_working_days(app, staff_booking):
    advisor_id = make_advisor(app, "berta@kts.example")
    other_id = make_advisor(app, "carl@kts.example", hours=[])
    wednesday = berlin_today(clock.now()) + timedelta(days=7)
    while wednesday.weekday() != 2:
        wednesday += timedelta(days=1)
    held = staff_booking(berlin_to_utc(wednesday, time(10)), now=clock.now())
    monday = wednesday + timedelta(days=5)  # three working days later: Thu, Fri, Mon
    tuesday = berlin_to_utc(monday + timedelta(days=1), time(0, 30))
    with app.app_context():
        advisor = db.session.get(StaffUser, advisor_id)
        other = db.session.get(StaffUser, other_id)
        assert followup.due_on(db.session.get(Consultation, held)) == monday
        assert followup.overdue(berlin_to_utc(wednesday, time(12))) == []
        assert followup.overdue(berlin_to_utc(monday, time(23, 59))) == []
        assert [c.id for c in followup.overdue(tuesday)] == [held]
        assert [c.id for c in followup.overdue(tuesday, advisor)] == [held]
        assert followup.overdue(tuesday, other) == []
        followup.send(held, advisor, tuesday)
        assert followup.overdue(tuesday + timedelta(days=1)) == []


def test_reassign_through_the_page_moves_the_calendar_entries(
    app, client, smtp, slot, staff_booking
):
    first = make_advisor(app, "a@kts.example", name="Anna")
    second = make_advisor(app, "b@kts.example", name="Ben")
    booked = staff_booking(slot(7), now=clock.now())
    deliver(app)
    current = consultation(app, booked).advisor_id
    target = second if current == first else first
    addresses = {first: "a@kts.example", second: "b@kts.example"}
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM, name="Eva")
    login(client, "team@kts.example")
    html = text(client.get(f"/staff/beratungen/{booked}"))
    assert "Übergeben" in html and f'<option value="{target}">' in html
    assert f'<option value="{current}">' not in html

    response = post(client, f"/staff/beratungen/{booked}/uebergeben", {"advisor": ""})
    assert "Bitte wählen Sie eine Person." in text(response)
    response = post(client, f"/staff/beratungen/{booked}/uebergeben", {"advisor": str(target)})
    assert response.status_code == 302
    deliver(app)
    assert consultation(app, booked).advisor_id == target
    removed = [c for m in smtp.to(addresses[current]) for c in calendars(m)]
    added = [c for m in smtp.to(addresses[target]) for c in calendars(m)]
    assert [str(c["METHOD"]) for c in removed] == ["REQUEST", "CANCEL"]
    assert [str(c["METHOD"]) for c in added] == ["REQUEST"]
    municipality = [c for m in smtp.to("kim1@kleinstadt.de") for c in calendars(m)]
    assert [str(c["METHOD"]) for c in municipality] == ["REQUEST", "REQUEST"]
    assert municipality[1].walk("VEVENT")[0]["SEQUENCE"] == 1
    uids = {str(c.walk("VEVENT")[0]["UID"]) for c in removed + added + municipality}
    assert len(uids) == 1


def test_reassign_to_someone_not_free_is_refused_at_the_field(app, client, slot, staff_booking):
    make_advisor(app, "a@kts.example", name="Anna")
    busy = make_advisor(app, "b@kts.example", name="Ben", hours=[])  # no hours at all
    booked = staff_booking(slot(7), now=clock.now())
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM, name="Eva")
    login(client, "team@kts.example")
    response = post(client, f"/staff/beratungen/{booked}/uebergeben", {"advisor": str(busy)})
    assert response.status_code == 200
    assert "Ben ist zu dieser Zeit nicht frei" in text(response)
    assert 'id="advisor-error"' in text(response)


def test_only_the_responsible_advisor_acts_on_a_consultation(app, client, slot, staff_booking):
    owner = make_advisor(app, "a@kts.example", name="Anna")
    make_advisor(app, "c@kts.example", name="Carl", hours=[])
    booked = staff_booking(slot(7), now=clock.now())
    assert consultation(app, booked).advisor_id == owner
    login(client, "c@kts.example")
    html = text(client.get(f"/staff/beratungen/{booked}"))
    assert "Übergeben" not in html and 'name="notes"' not in html
    for action, data in (
        ("notizen", {"notes": "Meins"}),
        ("uebergeben", {"advisor": str(owner)}),
        ("absagen", {"reason": "Weg"}),
    ):
        response = post(client, f"/staff/beratungen/{booked}/{action}", data, follow_redirects=True)
        assert "nur die zuständige Beraterin" in text(response), action
    assert consultation(app, booked).status is ConsultationStatus.CONFIRMED
    assert consultation(app, booked).notes == ""


def test_staff_cancel_sends_cancel_to_both_with_the_reason(app, client, smtp, slot, staff_booking):
    make_advisor(app, "berta@kts.example")
    booked = staff_booking(slot(7), now=clock.now())
    deliver(app)
    login(client, "berta@kts.example")
    page = f"/staff/beratungen/{booked}/absagen"
    assert "lässt sich nicht rückgängig machen" in text(client.get(page))
    response = post(client, page, {"reason": ""})
    assert "Bitte füllen Sie dieses Feld aus." in text(response)
    response = post(client, page, {"reason": "Die Beraterin ist erkrankt."})
    assert response.status_code == 302
    deliver(app)
    assert consultation(app, booked).status is ConsultationStatus.CANCELLED
    for address in ("kim1@kleinstadt.de", "berta@kts.example"):
        last = smtp.to(address)[-1]
        [calendar] = calendars(last)
        assert calendar["METHOD"] == "CANCEL"
        assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert "Die Beraterin ist erkrankt." in body(smtp.to("kim1@kleinstadt.de")[-1])
    assert "nicht mehr aktiv" in text(client.get(page))


def test_unknown_consultation_is_404(app, client):
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    assert client.get("/staff/beratungen/999").status_code == 404
    assert client.get("/staff/beratungen/999/absagen").status_code == 404
    for action in ("notizen", "follow-up", "uebergeben"):
        assert post(client, f"/staff/beratungen/999/{action}").status_code == 404
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Consultation.id))).scalar() == 0
