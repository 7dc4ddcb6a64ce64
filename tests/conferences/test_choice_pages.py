"""The public pages of the workshop choice: a radio group per slot on the conference's
registration form (free places or "Warteliste", kept when something else is wrong), and the
change through the manage link until "Workshopwahl bis"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from startsmart import clock, tokens
from startsmart.conferences import choices
from startsmart.conferences.models import ChoiceStatus, Conference
from startsmart.extensions import db
from startsmart.registrations.models import Registration
from support import registration_form, submit, text
from workshop_support import choices_of, make_workshops, register

pytestmark = pytest.mark.time_sensitive


def _page(date_id: int) -> str:
    return f"/angebote/termine/{date_id}/anmeldung"


def _form(w, **changes) -> dict:
    return registration_form(
        municipality="Gemeinde 9", state="NI", municipality_kind="town", **changes
    )


def _token(app, registration_id: int) -> str:
    with app.app_context():
        now = clock.now()
        token = tokens.mint("registration", registration_id, now, now + timedelta(days=90))
        db.session.commit()
        return token


def test_the_form_offers_each_workshop_with_its_places(app, client, smtp):
    w = make_workshops(app, capacities=(1, 4))
    with app.app_context():
        register(w.date_id, 1, w.session_ids[0])
    html = text(client.get(_page(w.date_id)))
    group = re.search(r'<fieldset[^>]*id="workshop_0".*?</fieldset>', html, re.S).group(0)
    assert "<legend>Programmpunkt ab 10:30 Uhr" in group
    radios = re.findall(r'<input type="radio" name="workshop_0"[^>]*value="(\d+)"', group)
    assert radios == [str(i) for i in w.session_ids]
    assert "Workshop 1" in group and "Warteliste" in group
    assert "Workshop 2" in group and "noch 4 Plätze frei" in group
    assert "Begrüßung" not in group  # the plenary is no choice


def test_registering_with_a_choice_takes_the_place(app, client, smtp):
    w = make_workshops(app)
    response = submit(client, _page(w.date_id), _form(w, workshop_0=str(w.session_ids[1])))
    assert response.status_code == 302
    with app.app_context():
        registration_id = db.session.execute(sa.select(Registration.id)).scalar_one()
        assert choices_of(w.session_ids[1]) == [(registration_id, ChoiceStatus.SEATED)]


@pytest.mark.parametrize("value", ["", "abc", "0", "-5", "1" * 30, "<script>", "²", "1e3", " 7 "])
def test_no_or_a_tampered_choice_is_a_message_and_the_form_keeps_what_was_typed(
    app, client, smtp, value
):
    w = make_workshops(app)
    response = submit(client, _page(w.date_id), _form(w, name="Kim Beispiel", workshop_0=value))
    assert response.status_code == 200
    page = text(response)
    assert 'class="error-summary"' in page
    assert 'href="#workshop_0"' in page
    assert 'value="Kim Beispiel"' in page
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar_one() == 0


def test_a_session_of_another_conference_is_refused(app, client, smtp):
    w = make_workshops(app)
    other = make_workshops(app, towns=0)
    response = submit(client, _page(w.date_id), _form(w, workshop_0=str(other.session_ids[0])))
    assert response.status_code == 200
    assert "gibt es in diesem Zeitfenster nicht" in text(response)


def test_the_manage_link_changes_the_choice_until_the_deadline(app, client, smtp, travel):
    w = make_workshops(app, capacities=(1, 1), days=3)
    one, two = w.session_ids
    with app.app_context():
        a = register(w.date_id, 1, one)
        b = register(w.date_id, 2, one)
        deadline = choices.deadline(db.session.get_one(Conference, w.conference_id))
    token = _token(app, b)
    manage = text(client.get(f"/anmeldung/{token}"))
    assert "Platz 1 der Warteliste" in manage
    page = f"/anmeldung/{token}/workshops"
    checked = re.findall(r'value="(\d+)"[^>]* checked>', text(client.get(page)))
    assert checked == [str(one)]  # the current choice
    response = submit(client, page, {"workshop_0": str(two)})
    assert response.status_code == 302
    assert "Sie haben dort einen Platz." in text(client.get(f"/anmeldung/{token}"))
    with app.app_context():
        assert choices_of(two) == [(b, ChoiceStatus.SEATED)]
        assert choices_of(one) == [(a, ChoiceStatus.SEATED)]

    travel.move_to(deadline)
    closed = text(client.get(page))
    assert "Die Workshopwahl ist seit" in closed and 'type="radio"' not in closed
    response = client.post(page, data={"workshop_0": str(one)})  # a form left open
    assert response.status_code in (200, 400)
    with app.app_context():
        assert choices_of(two) == [(b, ChoiceStatus.SEATED)]


def test_a_tampered_change_is_a_message(app, client, smtp):
    w = make_workshops(app)
    with app.app_context():
        a = register(w.date_id, 1, w.session_ids[0])
    page = f"/anmeldung/{_token(app, a)}/workshops"
    response = submit(client, page, {"workshop_0": str(w.plenary_id)})
    assert response.status_code == 200
    assert "gibt es in diesem Zeitfenster nicht" in text(response)
    with app.app_context():
        assert choices_of(w.session_ids[0]) == [(a, ChoiceStatus.SEATED)]


def test_a_date_without_choices_has_no_workshop_page(app, client, smtp):
    from support import make_date

    date_id = make_date(app, capacity=5)
    html = text(client.get(_page(date_id)))
    assert "workshop_0" not in html
