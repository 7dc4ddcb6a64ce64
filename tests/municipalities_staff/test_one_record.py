"""One record per Kommune, by staff: typed municipalities whose name fits several directory
entries are listed with the candidates told apart (Kreis, Land, population) to pick one or keep
the row; and any row can be merged into another of its Land from the Kommune page, never
across Länder and never a directory entry into a typed row."""

from __future__ import annotations

import sqlalchemy as sa

from directory_support import load_directory, staff_marked_model_project
from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.extensions import db
from startsmart.municipalities import notes
from startsmart.municipalities.matching import match
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    MunicipalityNote,
    Person,
)
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Registration
from startsmart.staff.models import Role, StaffUser
from support import csrf_token, login, make_date, make_staff, text

LIST = "/staff/kommunen/mehrdeutig"
TEAM = "eva@kts.example"
NI, SH = FederalState.NI, FederalState.SH


def _as_team(app, client) -> None:
    make_staff(app, email=TEAM, role=Role.EVENT_TEAM, name="Eva Event")
    login(client, TEAM)


def _post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, LIST), **(data or {})})


def _typed(name: str, state: FederalState, kind=MunicipalityKind.TOWN, **values) -> int:
    row = Municipality(name=name, state=state, kind=kind, **values)
    db.session.add(row)
    db.session.commit()
    return row.id


def _entry(name: str, district_key: str) -> int:
    return db.session.execute(
        sa.select(Municipality.id).where(
            Municipality.name == name, Municipality.ars.startswith(district_key)
        )
    ).scalar_one()


def _audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == action)).scalars()
    )


def _with_a_registration(app, name: str, state: FederalState) -> tuple[int, int]:
    """A typed row (verified, as staff entered it) with one registration, from before the
    directory was loaded (a form would now ask which of the directory's entries of that name
    is meant)."""
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        row = _typed(name, state)
        outcome = registrations.register(
            date_id,
            registrations.Applicant(
                name="Nele Nord",
                email="nele@neuenkirchen.de",
                function="Bauamt",
                municipality=MunicipalityInput(name, state, chosen_id=row),
            ),
            clock.now(),
            by_staff=True,
        )
        registration = db.session.get(Registration, outcome.registration_id)
        registration.municipality_id = row
        registration.person.municipality_id = row
        db.session.commit()
    return row, outcome.registration_id


def test_the_list_tells_the_candidates_apart_and_picking_one_merges(app, client, tmp_path, smtp):
    load_directory(app, tmp_path)
    typed, registration = _with_a_registration(app, "Neuenkirchen", NI)
    with app.app_context():
        stade = _entry("Neuenkirchen", "03359")
    _as_team(app, client)
    dashboard = text(client.get("/staff/"))
    assert f'href="{LIST}"' in dashboard
    assert f'href="{LIST}"' in text(client.get("/staff/kommunen/ungeprueft"))
    page = text(client.get(LIST))
    assert "1 Kommune wartet auf Ihre Wahl." in page
    assert "Welcher Eintrag ist „Neuenkirchen“?" in page
    # Five places, each with its Kreis and size, the largest first.
    assert "Neuenkirchen (Heidekreis, Niedersachsen, 5.634 Einwohner/innen)" in page
    assert "Neuenkirchen (Landkreis Stade, Niedersachsen, 822 Einwohner/innen)" in page
    assert page.index("Heidekreis, Niedersachsen") < page.index("Landkreis Stade, Niedersachsen")

    response = _post(client, f"/staff/kommunen/{typed}/zuordnen")  # nothing chosen
    assert response.status_code == 200
    assert "Bitte wählen Sie die Kommune, die gemeint ist." in text(response)

    response = _post(client, f"/staff/kommunen/{typed}/zuordnen", {"into": stade})
    assert response.status_code == 302
    page = text(client.get(LIST))
    assert "„Neuenkirchen“ ist jetzt „Neuenkirchen“. Verschoben: Anmeldungen 1" in page
    assert "Keine eingetippte Kommune wartet" in page
    with app.app_context():
        assert db.session.get(Municipality, typed) is None
        assert db.session.get(Registration, registration).municipality_id == stade
        [event] = _audit("municipality.merged")
        assert event.subject == f"municipality:{stade}" and event.actor_name == TEAM


def test_a_pick_must_be_one_of_the_candidates(app, client, tmp_path, smtp):
    load_directory(app, tmp_path)
    typed, _registration = _with_a_registration(app, "Neuenkirchen", NI)
    with app.app_context():
        gifhorn = db.session.execute(
            sa.select(Municipality.id).where(Municipality.name == "Gifhorn, Stadt")
        ).scalar_one()
    _as_team(app, client)
    for wrong in (gifhorn, "x", 99999):
        response = _post(client, f"/staff/kommunen/{typed}/zuordnen", {"into": wrong})
        assert response.status_code == 200
        assert "Bitte wählen Sie einen der Einträge aus dem Verzeichnis." in text(response)
    with app.app_context():
        assert db.session.get(Municipality, typed) is not None
        assert _audit("municipality.merged") == []


def test_keeping_a_row_takes_it_off_the_list_and_out_of_matching(app, client, tmp_path, smtp):
    load_directory(app, tmp_path)
    with app.app_context():
        typed = _typed("Neuenkirchen", NI)
        db.session.get(Municipality, typed).verified_at = None  # as a public form leaves it
        db.session.commit()
    _as_team(app, client)
    response = _post(client, f"/staff/kommunen/{typed}/behalten")
    assert response.status_code == 302
    page = text(client.get(LIST))
    assert "„Neuenkirchen“ bleibt eine eigene Kommune" in page
    assert "Keine eingetippte Kommune wartet" in page
    with app.app_context():
        row = db.session.get(Municipality, typed)
        assert row.kept_at is not None and row.verified_at is not None
        assert match(clock.now()).ambiguous == []
        [event] = _audit("municipality.kept")
        assert event.details == {"name": "Neuenkirchen", "state": "NI", "verified": True}


def test_an_advisor_may_not_decide(app, client, tmp_path, smtp):
    load_directory(app, tmp_path)
    with app.app_context():
        typed = _typed("Neuenkirchen", NI)
    make_staff(app, email="bea@kts.example", role=Role.ADVISOR)
    login(client, "bea@kts.example")
    token = csrf_token(client, "/staff/passwort")
    assert client.get(LIST).status_code == 403
    for path in (f"/staff/kommunen/{typed}/behalten", f"/staff/kommunen/{typed}/zuordnen"):
        assert client.post(path, data={"csrf_token": token}).status_code == 403
    assert "Mit einer anderen Kommune zusammenführen" not in text(
        client.get(f"/staff/kommunen/{typed}")
    )


def test_merging_from_the_kommune_page_moves_everything_with_an_audit_entry(
    app, client, tmp_path, smtp
):
    load_directory(app, tmp_path)
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        # "Stadt Heide": staff typed it, kept it, then found it is the directory's Heide.
        typed = _typed("Stadt Heide", SH, kept_at=clock.now())
        staff_marked_model_project(typed)
        registrations.register(
            date_id,
            registrations.Applicant(
                name="Hanna Heide",
                email="hanna@heide.de",
                function="Bauamt",
                municipality=MunicipalityInput("Stadt Heide", SH),
            ),
            clock.now(),
            by_staff=True,
        )
        team = make_staff(app, email=TEAM, role=Role.EVENT_TEAM, name="Eva Event")
        notes.add_note(
            typed, "Bürgermeisterin ruft zurück.", db.session.get(StaffUser, team), clock.now()
        )
        heide = db.session.execute(
            sa.select(Municipality.id).where(Municipality.name == "Heide, Stadt")
        ).scalar_one()
    login(client, TEAM)
    page = text(client.get(f"/staff/kommunen/{typed}"))
    assert f'href="/staff/kommunen/{typed}/zusammenfuehren"' in page
    page = text(client.get(f"/staff/kommunen/{typed}/zusammenfuehren"))
    assert "Ähnlich geschrieben" in page
    assert "Heide, Stadt (Kreis Dithmarschen, Schleswig-Holstein, 21.852 Einwohner/innen)" in page
    found = text(client.get(f"/staff/kommunen/{typed}/zusammenfuehren?q=heide"))
    assert "Gefunden für „heide“" in found and f'value="{heide}"' in found
    nothing = text(client.get(f"/staff/kommunen/{typed}/zusammenfuehren?q=zzz"))
    assert "Keine geprüfte Kommune in Schleswig-Holstein passt zu „zzz“." in nothing

    response = _post(client, f"/staff/kommunen/{typed}/zusammenfuehren", {"into": heide})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/kommunen/{heide}"
    page = text(client.get(f"/staff/kommunen/{heide}"))
    assert "„Stadt Heide“ ist mit „Heide, Stadt“ zusammengeführt." in page
    assert "Hanna Heide" in page and "Bürgermeisterin ruft zurück." in page
    with app.app_context():
        assert db.session.get(Municipality, typed) is None
        assert db.session.get(Municipality, heide).is_model_project
        assert db.session.execute(sa.select(Person.municipality_id)).scalar_one() == heide
        assert db.session.execute(sa.select(MunicipalityNote.municipality_id)).scalar_one() == heide
        [event] = _audit("municipality.merged")
        assert event.subject == f"municipality:{heide}"
        assert event.details["merged"] == "Stadt Heide" and event.details["notes"] == 1
        assert event.actor_name == TEAM


def test_no_merge_across_lander_nor_of_a_directory_entry_into_a_typed_row(
    app, client, tmp_path, smtp
):
    load_directory(app, tmp_path)
    with app.app_context():
        typed = _typed("Heide", SH)
        elsewhere = _typed("Heide", NI)
        heide = db.session.execute(
            sa.select(Municipality.id).where(Municipality.name == "Heide, Stadt")
        ).scalar_one()
        match(clock.now())  # merges the typed SH "Heide"; the NI one stays
        typed = _typed("Heyde", SH)
    _as_team(app, client)

    response = _post(client, f"/staff/kommunen/{typed}/zusammenfuehren", {"into": elsewhere})
    assert response.status_code == 200
    assert (
        "„Heyde“ liegt in Schleswig-Holstein, „Heide“ in Niedersachsen: Kommunen verschiedener "
        "Bundesländer lassen sich nicht zusammenführen."
    ) in text(response)

    response = _post(client, f"/staff/kommunen/{heide}/zusammenfuehren", {"into": typed})
    assert response.status_code == 200
    assert (
        "„Heide, Stadt“ ist ein Eintrag des amtlichen Gemeindeverzeichnisses und lässt sich "
        "nicht in eine eingetippte Kommune überführen. Führen Sie umgekehrt „Heyde“ mit "
        "„Heide, Stadt“ zusammen."
    ) in text(response)
    # The directory entry's own page explains why it stays, and offers no merge.
    page = text(client.get(f"/staff/kommunen/{heide}/zusammenfuehren"))
    assert "ist ein gültiger Eintrag des amtlichen Gemeindeverzeichnisses und bleibt" in page
    assert "zusammenfuehren" not in text(client.get(f"/staff/kommunen/{heide}")).split("<main")[-1]
    with app.app_context():
        assert {db.session.get(Municipality, i) is not None for i in (typed, elsewhere, heide)} == {
            True
        }
        assert _audit("municipality.merged") == []


def test_an_entry_imported_before_districts_were_named_is_placed_by_its_key(
    app, client, tmp_path, smtp
):
    load_directory(app, tmp_path)
    with app.app_context():
        _typed("Neuenkirchen", NI)
        db.session.execute(sa.update(Municipality).values(region=None))
        db.session.commit()
    _as_team(app, client)
    page = text(client.get(LIST))
    assert "Neuenkirchen (Stade, Niedersachsen, 822 Einwohner/innen)" in page
