"""Setting up the speed-dating, and the check-in on a tablet: search, tick, walk-ins."""

from __future__ import annotations

import re

import sqlalchemy as sa

from startsmart import clock
from startsmart.extensions import db
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.models import Municipality
from startsmart.speed_dating.models import SpeedDatingParticipant, SpeedDatingSession
from startsmart.speed_dating.service import CODE_ALPHABET
from support import directory_extract, submit, text


def settings_form(**changes) -> dict:
    return {
        "starts": "13:00",
        "total_minutes": "45",
        "round_minutes": "3",
        "changeover_minutes": "1",
        "table_size": "2",
        "tables_available": "",
        "question_1": "Woran arbeiten Sie gerade?",
        "question_2": "Was hat Sie überrascht?",
        "question_3": "Wobei können wir voneinander lernen?",
        **changes,
    }


def rounds_shown(page: str) -> str:
    return re.search(r'<output id="rounds-fit"[^>]*>([^<]*)</output>', page).group(1)


def participants(app) -> list[SpeedDatingParticipant]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(SpeedDatingParticipant).order_by(SpeedDatingParticipant.id)
        ).scalars()
        result = list(rows)
        for row in result:
            db.session.expunge(row)
        return result


def test_settings_show_the_rounds_that_fit_and_save(app, team_client, event, base):
    page = text(team_client.get(f"{base}/einstellungen"))
    assert rounds_shown(page) == "11"  # 11 rounds of 3 minutes and 10 changeovers of 1
    assert "Woran arbeiten Sie gerade beim Thema Smart City?" in page
    assert "js/speed-dating.js" in page
    response = submit(team_client, f"{base}/einstellungen", settings_form(total_minutes="30"))
    assert response.status_code == 302, text(response)
    with app.app_context():
        session = db.session.execute(sa.select(SpeedDatingSession)).scalar_one()
        assert session.total_minutes == 30 and session.version > 1
        assert session.question_2 == "Was hat Sie überrascht?"
    response = submit(
        team_client,
        f"{base}/einstellungen",
        settings_form(starts="18:00", total_minutes="20", round_minutes="4"),
    )
    page = text(response)
    assert "muss in die Zeit der Konferenz fallen (09:00–17:00 Uhr)" in page
    assert rounds_shown(page) == "4"  # for the values typed, not the saved ones
    assert 'value="18:00"' in page


def test_timing_stays_once_the_speed_dating_has_begun(app, team_client, event, base):
    event.everyone_here(2)
    event.plan()
    event.run("start", event.at(13, 0))
    response = submit(team_client, f"{base}/einstellungen", settings_form(round_minutes="4"))
    assert "die Zeiten lassen sich nicht ändern" in text(response)
    response = submit(team_client, f"{base}/einstellungen", settings_form(question_1="Neu?"))
    assert response.status_code == 302


def test_check_in_lists_who_asked_for_the_speed_dating_and_searches(team_client, event, base):
    event.register("Anna Alt", "Husum")
    event.register("Ben Berg", "Kiel", speed=False)
    page = text(team_client.get(f"{base}/check-in"))
    assert "Anna Alt" in page and "Ben Berg" not in page
    assert 'role="search"' in page and 'id="checkin-search"' in page
    everyone = text(team_client.get(f"{base}/check-in?alle=1"))
    assert "Anna Alt" in everyone and "Ben Berg" in everyone
    assert "Speed-Dating nicht angekreuzt" in everyone
    found = text(team_client.get(f"{base}/check-in?q=kiel&alle=1"))
    assert "Ben Berg" in found and "Anna Alt" not in found


def test_ticking_present_makes_a_participant_with_a_code_and_twice_is_once(
    app, team_client, event, base
):
    registration = event.register("Anna Alt", "Husum", model_project=True)
    tick = {"registration_id": str(registration), "present": "1", "q": "anna"}
    response = submit(team_client, f"{base}/check-in", tick)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"check-in?q=anna#r{registration}")
    submit(team_client, f"{base}/check-in", tick)  # a double tap
    (anna,) = participants(app)
    assert anna.present and anna.checked_in_at is not None and anna.departed_at is None
    assert anna.registration_id == registration and anna.is_model_project
    assert anna.municipality_name == "Husum"
    assert len(anna.code) == 8 and set(anna.code) <= set(CODE_ALPHABET)
    page = text(team_client.get(f"{base}/check-in"))
    assert "1 Person ist als anwesend markiert." in page and "Nicht mehr da" in page
    submit(team_client, f"{base}/check-in", {"participant_id": str(anna.id), "present": "0"})
    (anna,) = participants(app)
    assert not anna.present and anna.departed_at is not None


def test_stale_or_foreign_ticks_are_refused_politely(app, team_client, event, base):
    response = submit(team_client, f"{base}/check-in", {"registration_id": "999", "present": "1"})
    assert response.status_code == 302
    page = text(team_client.get(response.headers["Location"]))
    assert "gehört nicht zu dieser Konferenz" in page
    response = submit(team_client, f"{base}/check-in", {"participant_id": "abc", "present": "1"})
    assert response.status_code == 302
    assert participants(app) == []
    # Without the form's token (a stale page from before a restart): refused, nothing stored.
    assert team_client.post(f"{base}/check-in", data={"present": "1"}).status_code == 400
    assert submit(team_client, f"{base}/check-in", {"present": "1"}).status_code == 302


def test_walk_ins_with_known_or_new_municipality(app, team_client, event, base):
    event.register("Anna Alt", "Husum")
    url = f"{base}/check-in/ohne-anmeldung"
    response = submit(
        team_client, url, {"name": "Wim Walk", "municipality": "husum", "model_project": "y"}
    )
    assert response.status_code == 302, text(response)
    response = submit(team_client, url, {"name": "Nora Neu", "municipality": "Neustadt"})
    page = text(response)
    assert "Diese Kommune kennen wir noch nicht" in page and 'value="Nora Neu"' in page
    response = submit(
        team_client, url, {"name": "Nora Neu", "municipality": "Neustadt", "state": "HE"}
    )
    assert response.status_code == 302
    submit(team_client, url, {"name": "Nora Neu", "municipality": "Neustadt", "state": "HE"})
    wim, nora = participants(app)
    assert wim.walk_in and wim.present and wim.is_model_project
    assert wim.municipality_name == "Husum" and wim.municipality_id is not None
    assert nora.municipality_id is None and nora.municipality_state.value == "HE"
    assert wim.code != nora.code
    response = submit(team_client, url, {"name": "", "municipality": ""})
    assert "Bitte füllen Sie dieses Feld aus." in text(response)


def test_seven_walk_ins_are_all_listed_found_and_can_be_marked_gone(app, team_client, event, base):
    event.register("Anna Alt", "Husum")
    names = [f"Walk {letter}" for letter in "ABCDEFG"]
    ids = [event.walk_in(name, f"Ort {name[-1]}") for name in names]
    page = text(team_client.get(f"{base}/check-in"))
    assert "7 Personen sind als anwesend markiert." in page
    for name in names:
        assert name in page
    for name, person_id in zip(names, ids, strict=True):
        found = text(team_client.get(f"{base}/check-in?q={name.replace(' ', '+')}"))
        assert name in found and f'value="{person_id}"' in found
    submit(team_client, f"{base}/check-in", {"participant_id": str(ids[3]), "present": "0"})
    page = text(team_client.get(f"{base}/check-in"))
    assert "6 Personen sind als anwesend markiert." in page and "Walk D" in page


def test_a_walk_in_from_the_directory_chosen_or_typed(app, team_client, event, base, tmp_path):
    extract = directory_extract(tmp_path / "extract.csv", {"Heide, Stadt"})
    with app.app_context():
        import_directory(extract, clock.now())
        heide = db.session.execute(
            sa.select(Municipality.id).where(Municipality.ags == "01051044")
        ).scalar_one()
    url = f"{base}/check-in/ohne-anmeldung"
    chosen = {"name": "Hanna Heide", "municipality": "Heide, Stadt", "municipality_id": heide}
    assert submit(team_client, url, chosen).status_code == 302
    typed = {"name": "Hein Heide", "municipality": "heide"}  # without a choice, no Land
    assert submit(team_client, url, typed).status_code == 302
    assert [(p.municipality_id, p.municipality_name) for p in participants(app)] == [
        (heide, "Heide, Stadt"),
        (heide, "Heide, Stadt"),
    ]


def test_colleagues_apart_is_a_setting_the_plan_keeps_and_reports(app, team_client, event, base):
    page = text(team_client.get(f"{base}/einstellungen"))
    assert "Kolleginnen und Kollegen nie an einen Tisch" in page
    response = submit(team_client, f"{base}/einstellungen", settings_form(colleagues_apart="y"))
    assert response.status_code == 302, text(response)
    with app.app_context():
        assert db.session.execute(sa.select(SpeedDatingSession)).scalar_one().colleagues_apart
    # Two towns of two: after two rounds only colleagues are left to meet, so everyone waits.
    for name, town in [("Anna", "Nordstadt"), ("Ben", "Nordstadt")]:
        event.check_in(event.register(name, town))
    for name, town in [("Cem", "Südstadt"), ("Dora", "Südstadt")]:
        event.check_in(event.register(name, town))
    stored = event.plan()["plan"]
    assert stored["colleagues_apart"] is True
    assert [len(r["tables"]) for r in stored["rounds"]] == [2, 2]
    page = text(team_client.get(base))
    assert "Aussetzen, weil Kolleginnen und Kollegen getrennt bleiben" in page
    response = submit(team_client, f"{base}/einstellungen", settings_form())
    with app.app_context():
        assert not db.session.execute(sa.select(SpeedDatingSession)).scalar_one().colleagues_apart
