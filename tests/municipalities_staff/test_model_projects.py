"""Staff pages of the Modellprojekte Smart Cities: the list, a project with its members, and
the corrections (remove, search and add) that decide whether a municipality counts as a model
project — and so whether it may book an initial consultation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from moments import working_day
from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.consultations import booking
from startsmart.extensions import db
from startsmart.municipalities.model_projects import import_model_projects
from startsmart.municipalities.models import (
    FederalState,
    ModelProject,
    Municipality,
    MunicipalityKind,
)
from startsmart.municipalities.service import MunicipalityInput
from startsmart.staff.models import Role
from support import csrf_token, login, make_staff, text

pytestmark = pytest.mark.time_sensitive  # bookings are days ahead

TEAM = "eva@kts.example"
ADVISOR = "berta@kts.example"
LIST = "/staff/modellprojekte/"
GUBEN = MunicipalityInput("Guben, Stadt", FederalState.BB)


def _seed(app, tmp_path) -> tuple[int, int]:
    """Guben in the directory and in its project, as the import records it; an unverified
    Gubben that a public form invented. (project id, Guben's id)"""
    mpsc = tmp_path / "mpsc.csv"
    mpsc.write_text(
        "staffel,year,name,kind,members\n3,2021,Guben,Kleinstadt/Landgemeinde,\n",
        encoding="utf-8",
    )
    with app.app_context():
        guben = Municipality(
            name="Guben, Stadt",
            kind=MunicipalityKind.CITY,
            state=FederalState.BB,
            ags="12071160",
            ars="120715101160",
        )
        gubben = Municipality(name="Gubben", kind=MunicipalityKind.CITY, state=FederalState.BB)
        db.session.add_all([guben, gubben])
        db.session.flush()
        gubben.verified_at = None  # None at once would let the column's default fill it
        db.session.commit()
        import_model_projects(mpsc, clock.now())
        project = db.session.execute(sa.select(ModelProject)).scalar_one()
        return project.id, guben.id


def _flag(app, municipality_id: int) -> bool:
    with app.app_context():
        return db.session.get(Municipality, municipality_id).is_model_project


def _book(app, email: str) -> str | None:
    """Book an initial consultation for Guben: None when it is booked, else why not."""
    with app.app_context():
        try:
            booking.book(
                booking_request(working_day(), municipality=GUBEN, email=email), clock.now()
            )
        except booking.NotEligible as refusal:
            db.session.rollback()
            return refusal.message
        return None


def _audit(app, action: str) -> list[tuple[str | None, dict]]:
    with app.app_context():
        events = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == action))
        return [(e.subject, e.details) for e in events.scalars()]


def _post(client, path: str, page: str):
    return client.post(path, data={"csrf_token": csrf_token(client, page)})


def test_removing_and_adding_a_member_decides_whether_it_may_book(app, client, smtp, tmp_path):
    make_advisor(app, ADVISOR)
    project_id, guben_id = _seed(app, tmp_path)
    make_staff(app, TEAM, Role.EVENT_TEAM, name="Eva Event")
    login(client, TEAM)
    project_page = f"/staff/modellprojekte/{project_id}"

    overview = text(client.get(LIST))
    assert f'href="{project_page}">Guben</a>' in overview
    assert "<td>1</td>" in overview  # one member
    assert "gefördertes Modellprojekt" in _book(app, "kim@guben.de")
    assert "Moderierten Austauschen" in _book(app, "kim@guben.de")

    page = text(client.get(project_page))
    assert f'href="/staff/kommunen/{guben_id}">Guben, Stadt</a>' in page
    assert "Entfernen" in page
    removed = _post(client, f"{project_page}/mitglieder/{guben_id}/entfernen", project_page)
    assert removed.status_code == 302
    page = text(client.get(project_page))
    assert "„Guben, Stadt“ ist entfernt und gilt nicht mehr als Modellprojekt" in page
    assert "Vom Team entfernt:" in page
    assert not _flag(app, guben_id)
    assert _audit(app, "model_project.member_removed") == [
        (f"model_project:{project_id}", {"municipality_id": guben_id})
    ]
    assert _book(app, "kim@guben.de") is None

    # A second import keeps the team's decision.
    mpsc = tmp_path / "mpsc.csv"
    with app.app_context():
        import_model_projects(mpsc, clock.now())
    assert not _flag(app, guben_id)

    found = text(client.get(project_page, query_string={"q": "Gub"}))
    assert "Guben, Stadt" in found and "Hinzufügen" in found
    assert "Gubben" not in found  # not verified: never offered
    added = _post(client, f"{project_page}/mitglieder/{guben_id}/hinzufuegen", project_page)
    assert added.status_code == 302
    page = text(client.get(project_page))
    assert "„Guben, Stadt“ gehört jetzt zu diesem Modellprojekt." in page
    assert "vom Team hinzugefügt" in page
    assert _flag(app, guben_id)
    assert _audit(app, "model_project.member_added") == [
        (f"model_project:{project_id}", {"municipality_id": guben_id})
    ]
    assert "gefördertes Modellprojekt" in _book(app, "lea@guben.de")

    kommune = text(client.get(f"/staff/kommunen/{guben_id}"))
    assert f'<a href="{project_page}">Guben</a> (Staffel 3)' in kommune


def test_a_member_of_two_projects_stays_one_when_it_leaves_one(app, client, tmp_path):
    project_id, guben_id = _seed(app, tmp_path)
    with app.app_context():
        other = ModelProject(name="Lausitz", round=2, year=2020, kind="Interkommunale Kooperation")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    make_staff(app, TEAM, Role.EVENT_TEAM)
    login(client, TEAM)
    other_page = f"/staff/modellprojekte/{other_id}"
    _post(client, f"{other_page}/mitglieder/{guben_id}/hinzufuegen", other_page)
    _post(
        client,
        f"/staff/modellprojekte/{project_id}/mitglieder/{guben_id}/entfernen",
        other_page,
    )
    assert _flag(app, guben_id)
    page = text(client.get(f"/staff/modellprojekte/{project_id}"))
    assert "gehört noch zu einem anderen und gilt weiter als Modellprojekt" in page
    kommune = text(client.get(f"/staff/kommunen/{guben_id}"))
    assert "Lausitz</a> (Staffel 2)" in kommune and ">Guben</a>" not in kommune


def test_wrong_requests_are_answered_on_the_page(app, client, tmp_path):
    project_id, guben_id = _seed(app, tmp_path)
    with app.app_context():
        gubben_id = db.session.execute(
            sa.select(Municipality.id).where(Municipality.name == "Gubben")
        ).scalar_one()
    make_staff(app, TEAM, Role.EVENT_TEAM)
    login(client, TEAM)
    project_page = f"/staff/modellprojekte/{project_id}"

    short = text(client.get(project_page, query_string={"q": "G"}))
    assert "Bitte geben Sie mindestens 2 Zeichen ein." in short
    long = client.get(project_page, query_string={"q": "G" * 5000})
    assert long.status_code == 200
    assert "Der Suchtext ist zu lang: höchstens 100 Zeichen." in text(long)
    assert "Keine Kommune des Verzeichnisses passt zu „Xyzzy“." in text(
        client.get(project_page, query_string={"q": "Xyzzy"})
    )

    _post(client, f"{project_page}/mitglieder/{gubben_id}/hinzufuegen", project_page)
    assert "steht nicht (mehr) im Verzeichnis" in text(client.get(project_page))
    _post(client, f"{project_page}/mitglieder/{guben_id}/hinzufuegen", project_page)
    assert "„Guben, Stadt“ gehört schon zu diesem Modellprojekt." in text(client.get(project_page))
    _post(client, f"{project_page}/mitglieder/{gubben_id}/entfernen", project_page)
    assert "gehört nicht (mehr) zu diesem Modellprojekt" in text(client.get(project_page))
    assert client.get("/staff/modellprojekte/999999").status_code == 404
    assert _audit(app, "model_project.member_added") == []
    assert not _flag(app, gubben_id) and _flag(app, guben_id)


def test_only_the_event_team_and_admins_open_the_pages(app, client, tmp_path):
    project_id, _guben_id = _seed(app, tmp_path)
    make_staff(app, ADVISOR, Role.ADVISOR)
    login(client, ADVISOR)
    assert client.get(LIST).status_code == 403
    assert client.get(f"/staff/modellprojekte/{project_id}").status_code == 403
    admin = app.test_client()
    make_staff(app, "ada@kts.example", Role.ADMIN)
    login(admin, "ada@kts.example")
    assert admin.get(LIST).status_code == 200


def test_without_an_import_the_list_says_how_to_get_one(app, client):
    make_staff(app, TEAM, Role.EVENT_TEAM)
    login(client, TEAM)
    assert "flask municipalities import-mpsc" in text(client.get(LIST))
