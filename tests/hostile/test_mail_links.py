"""Nobody can make the KTS mailbox send a clickable link of theirs (issue 15, item 8).

Names, functions and municipalities that look like a web or e-mail address are refused at the
form; free text that reaches a mail (a consultation's "Ausgangslage") stays text in the HTML
part, while the join link staff entered and our own manage links stay clickable."""

from __future__ import annotations

import pytest

from consultation_support import booking_form, make_advisor
from hostile.checks import snapshot
from hostile.pages import field_errors
from moments import working_day
from startsmart.invitations.outbox import deliver_due
from support import csrf_token, links_in, make_date, path_of, registration_form, submit, text

pytestmark = pytest.mark.time_sensitive

PHISHING = "Jetzt neu anmelden: https://kts-login.evil.example/verify"


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("name", f"Kim Kommune {PHISHING}"),
        ("name", "Kim www.kts-login.example"),
        ("function", "Support kts-login.evil.example/verify"),
        ("municipality", "Kiel, Infos unter kiel-hilfe.com"),
        ("name", "kim@evil.example"),
    ],
)
def test_addresses_in_names_are_refused_and_the_input_is_kept(app, client, smtp, field, typed):
    date_id = make_date(app, capacity=5)
    before = snapshot(app)
    page = f"/angebote/termine/{date_id}/anmeldung"
    response = submit(client, page, registration_form(**{field: typed}))
    html = text(response)
    assert response.status_code == 200
    assert "keine Internet- oder E-Mail-Adresse" in field_errors(html)[field]
    assert snapshot(app) == before and smtp.received == []


@pytest.mark.parametrize(
    "typed", ["Dr. Kim Müller-Lüdenscheidt", "St. Ingbert", "Amt f. Digitales"]
)
def test_ordinary_names_with_dots_pass(app, client, smtp, typed):
    date_id = make_date(app, capacity=5)
    page = f"/angebote/termine/{date_id}/anmeldung"
    response = submit(client, page, registration_form(name=typed, municipality=typed))
    assert response.status_code == 302, field_errors(text(response))


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


def test_typed_text_stays_text_and_our_links_stay_links(app, client, smtp):
    make_advisor(app, "berta@kts.example")
    start = working_day()
    form = booking_form(start, situation=f"Wir haben Fragen. {PHISHING}")
    response = submit(client, f"/initialberatung/buchen?start={start.isoformat()}", form)
    assert response.status_code == 302, field_errors(text(response))
    [mail] = smtp.to("kim@kleinstadt.de")
    confirm = path_of(next(u for u in links_in(mail) if u.endswith("/bestaetigen")))
    client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})
    with app.app_context():
        deliver_due()
    advisor_mail = _html(smtp.to("berta@kts.example")[0])
    assert "https://kts-login.evil.example/verify" in advisor_mail  # shown, as text
    assert 'href="https://kts-login.evil.example' not in advisor_mail
    assert "<a href=" in advisor_mail  # the staff page of the booking is still a link


def test_the_join_link_staff_entered_is_clickable(app, client, smtp):
    date_id = make_date(app, capacity=5)
    response = submit(client, f"/angebote/termine/{date_id}/anmeldung", registration_form())
    assert response.status_code == 302
    [mail] = smtp.to("kim@flensburg.de")
    confirm = path_of(next(u for u in links_in(mail) if u.endswith("/bestaetigen")))
    client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})
    with app.app_context():
        deliver_due()
    invitation = _html(smtp.to("kim@flensburg.de")[1])
    assert 'href="https://konferenz.example.org/raum-1"' in invitation
    assert 'href="http' in invitation.split("raum-1", 1)[1]  # and the manage link after it
