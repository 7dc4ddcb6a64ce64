"""Staff review the municipalities public forms invented: the list with what points to each,
accepting a real new one (the forms suggest it then), merging a misspelt one into the
verified municipality it means (everything moves, the invented one goes), and who may."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from moments import working_day
from speed_dating_support import EVENT_TEAM, make_event
from startsmart import clock, tokens
from startsmart.audit.models import AuditEvent
from startsmart.consultations import booking
from startsmart.consultations.models import Consultation
from startsmart.extensions import db
from startsmart.municipalities import directory_search
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind, Person
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import mails as registration_mails
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Registration
from startsmart.speed_dating import service as speed_dating
from startsmart.speed_dating.models import SpeedDatingParticipant
from startsmart.staff.models import Role, StaffUser
from support import csrf_token, login, make_date, make_staff, text

LIST = "/staff/kommunen/ungeprueft"
NW = FederalState.NW
TEAM = "eva@kts.example"


def _register(date_id: int, email: str, town: str, by_staff: bool = False) -> int:
    outcome = registrations.register(
        date_id,
        registrations.Applicant(
            name=email.split("@")[0].title(),
            email=email,
            function="Digitalisierung",
            municipality=MunicipalityInput(town, FederalState.NW, MunicipalityKind.TOWN),
        ),
        clock.now(),
        by_staff=by_staff,
    )
    return outcome.registration_id


def _id_of(name: str) -> int | None:
    return db.session.execute(
        sa.select(Municipality.id).where(Municipality.name == name)
    ).scalar_one_or_none()


def _audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == action)).scalars()
    )


def _post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, LIST), **(data or {})})


def _as_team(app, client) -> None:
    make_staff(app, email=TEAM, role=Role.EVENT_TEAM, name="Eva Event")
    login(client, TEAM)


def test_the_list_shows_invented_municipalities_with_their_counts_not_verified_ones(
    app, client, smtp
):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        _register(date_id, "dora@detmold.de", "Detmold", by_staff=True)  # verified
        _register(date_id, "paul@detmlod.de", "Detmlod")  # invented, pending
        _register(date_id, "pia@detmlod.de", "Detmlod")
        db.session.commit()
    _as_team(app, client)
    page = text(client.get(LIST))
    assert "Detmlod" in page
    assert "2 unbestätigt, 0 bestätigt" in page
    assert "<td>keine</td>" in page  # no consultation
    assert ">Detmold</a>" not in page
    assert "Zusammenführen mit …" in page


def test_with_nothing_to_review_the_page_says_so(app, client):
    _as_team(app, client)
    page = text(client.get(LIST))
    assert "Keine ungeprüften Kommunen" in page
    assert "<table" not in page


def _offered(text: str) -> list[str]:
    """The names the municipality field's search offers for ``text``."""
    return [found.name for found in directory_search.find(text)]


def test_accepting_makes_it_suggested_once_and_is_harmless_twice(app, client, smtp):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        _register(date_id, "nina@neuheim.de", "Neuheim")
        invented = _id_of("Neuheim")
        assert "Neuheim" not in _offered("Neuheim")
    _as_team(app, client)
    for _ in range(2):
        response = _post(client, f"/staff/kommunen/{invented}/annehmen")
        assert response.status_code == 302
        assert response.headers["Location"] == LIST
    page = text(client.get(LIST))
    assert "„Neuheim“ ist angenommen" in page
    assert "Keine ungeprüften Kommunen" in page
    with app.app_context():
        assert "Neuheim" in _offered("Neuheim")
        [event] = _audit("municipality.verified")
        assert event.subject == f"municipality:{invented}"
        assert event.details == {"name": "Neuheim", "state": "NW"}
        assert event.actor_name == TEAM


def test_merging_moves_everything_to_the_verified_one_and_deletes_the_invented(app, client, smtp):
    event = make_event(app)
    make_advisor(app, "berta@kts.example")
    date_id = make_date(app, capacity=10, limit=5)
    second_date = make_date(app, capacity=10, limit=5)
    with app.app_context():
        now = clock.now()
        _register(date_id, "dora@detmold.de", "Detmold", by_staff=True)
        detmold = _id_of("Detmold")
        newcomer = _register(date_id, "paul@detmlod.de", "Detmlod")  # a new person
        invented = _id_of("Detmlod")
        # Dora is known (from Detmold): her stored municipality stays until she confirms.
        pending = _register(second_date, "dora@detmold.de", "Detmlod")
        booked = booking.book(
            booking_request(
                working_day(7),
                municipality=MunicipalityInput("Detmlod", FederalState.NW),
                email="kim@detmlod.de",
            ),
            now,
        )
        actor = db.session.get(StaffUser, event.actor_id)
        walk_in, _new = speed_dating.add_walk_in(
            event.conference_id,
            speed_dating.WalkIn("Wanda Walk", "Detmlod", FederalState.NW, False),
            actor,
            now,
        )
        participant_id = walk_in.id
        assert db.session.get(Registration, pending).pending_person["municipality_id"] == invented
    login(client, EVENT_TEAM)
    page = text(client.get(f"/staff/kommunen/{invented}/zusammenfuehren"))
    assert "Ähnlich geschrieben" in page
    assert f'value="{detmold}"' in page and "Detmold (Nordrhein-Westfalen" in page
    response = _post(client, f"/staff/kommunen/{invented}/zusammenfuehren", {"into": detmold})
    assert response.status_code == 302, text(response)
    page = text(client.get(LIST))
    assert "„Detmlod“ ist mit „Detmold“ zusammengeführt" in page
    assert "Anmeldungen 2, Beratungen 1, Personen 2" in page
    assert "Keine ungeprüften Kommunen" in page
    with app.app_context():
        assert _id_of("Detmlod") is None
        moved = db.session.execute(sa.select(Registration.municipality_id)).scalars().all()
        assert set(moved) == {detmold}
        consultation = db.session.get(Consultation, booked.consultation_id)
        assert consultation.municipality_id == detmold
        assert consultation.pending_person["municipality_id"] == detmold
        people = db.session.execute(sa.select(Person.email, Person.municipality_id)).all()
        assert dict(people) == {
            "dora@detmold.de": detmold,
            "paul@detmlod.de": detmold,
            "kim@detmlod.de": detmold,
        }
        assert db.session.get(Registration, newcomer).pending_person["municipality_id"] == detmold
        participant = db.session.get(SpeedDatingParticipant, participant_id)
        assert (participant.municipality_id, participant.municipality_name) == (
            detmold,
            "Detmold",
        )
        [merged] = _audit("municipality.merged")
        assert merged.subject == f"municipality:{detmold}"
        assert merged.details == {
            "merged": "Detmlod",
            "merged_id": invented,
            "into": "Detmold",
            "state": "NW",
            "registrations": 2,
            "consultations": 1,
            "people": 2,
            "notes": 0,
            "speed_dating": 1,
            "model_projects": 0,
        }
        # Dora confirms her second registration: she takes the merged (verified) municipality.
        now = clock.now()
        token = tokens.mint(registration_mails.TOKEN_PURPOSE, pending, now, now + timedelta(1))
        db.session.commit()
        registrations.confirm(token, now)
        assert db.session.get(Registration, pending).municipality_id == detmold
        dora = db.session.execute(sa.select(Person).where(Person.email == "dora@detmold.de"))
        assert dora.scalar_one().municipality_id == detmold


def test_merging_into_another_land_or_an_unverified_one_is_refused(app, client, smtp):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        _register(date_id, "paul@detmlod.de", "Detmlod")
        _register(date_id, "otto@ottersberg.de", "Ottersberg")  # unverified too
        invented, unverified = _id_of("Detmlod"), _id_of("Ottersberg")
        elsewhere = Municipality(name="Detmold", kind=MunicipalityKind.CITY, state=FederalState.BY)
        db.session.add(elsewhere)
        db.session.commit()
        elsewhere_id = elsewhere.id
    _as_team(app, client)
    page = text(client.get(f"/staff/kommunen/{invented}/zusammenfuehren"))
    assert "In Nordrhein-Westfalen gibt es noch keine geprüfte Kommune" in page
    with app.app_context():
        db.session.add(Municipality(name="Lemgo", kind=MunicipalityKind.TOWN, state=NW))
        db.session.commit()
    for target in (elsewhere_id, unverified, invented, ""):
        response = _post(client, f"/staff/kommunen/{invented}/zusammenfuehren", {"into": target})
        assert response.status_code == 200
        assert "error-summary" in text(response)
    with app.app_context():
        assert _id_of("Detmlod") == invented
        assert _audit("municipality.merged") == []


def test_an_advisor_may_neither_see_nor_change_the_review(app, client, smtp):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        _register(date_id, "paul@detmlod.de", "Detmlod")
        _register(date_id, "dora@detmold.de", "Detmold", by_staff=True)
        invented, detmold = _id_of("Detmlod"), _id_of("Detmold")
    make_staff(app, email="bea@kts.example", role=Role.ADVISOR)
    login(client, "bea@kts.example")
    token = csrf_token(client, "/staff/passwort")
    assert client.get(LIST).status_code == 403
    assert client.get(f"/staff/kommunen/{invented}/zusammenfuehren").status_code == 403
    for path, data in (
        (f"/staff/kommunen/{invented}/annehmen", {}),
        (f"/staff/kommunen/{invented}/zusammenfuehren", {"into": detmold}),
    ):
        assert client.post(path, data={"csrf_token": token, **data}).status_code == 403
    with app.app_context():
        assert "Detmlod" not in _offered("Detmlod")
        assert _id_of("Detmlod") == invented
        assert _audit("municipality.verified") == _audit("municipality.merged") == []


def test_the_dashboard_links_the_review_with_how_many_wait(app, client, smtp):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        _register(date_id, "paul@detmlod.de", "Detmlod")
    _as_team(app, client)
    page = text(client.get("/staff/"))
    assert "1 Kommune wartet auf Prüfung." in page
    assert f'href="{LIST}"' in page
