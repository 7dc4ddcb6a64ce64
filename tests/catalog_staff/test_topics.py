"""Staff keep the topics: a list with each topic's German and English name and how many
offerings have it, renaming in German and English (the slug and so the public filter links
stay), no two topics named alike, deleting only an unused one, each change in the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from catalogue_support import add_date, at, offerings, options, selected
from staff_support import as_event_team
from startsmart.audit.models import AuditEvent
from startsmart.catalog.models import Topic
from startsmart.extensions import db
from startsmart.staff.models import Role
from support import login, make_staff, shown, submit, text


def _topic(app, slug: str) -> Topic:
    with app.app_context():
        topic = db.session.execute(sa.select(Topic).where(Topic.slug == slug)).scalar_one()
        db.session.expunge(topic)
        return topic


def _audit(app, action: str) -> list[tuple[str | None, dict]]:
    with app.app_context():
        return [
            (e.subject, e.details)
            for e in db.session.execute(
                sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            ).scalars()
        ]


def test_the_list_shows_both_names_and_how_many_offerings_have_each(app, client):
    offerings(app)  # "monitoring" on three offerings, "kommunikation" on two
    with app.app_context():
        db.session.add(Topic(name="Offene Verwaltung", name_en="Open government", slug="ov"))
        db.session.commit()
    as_event_team(app, client)
    assert 'href="/staff/themen"' in text(client.get("/staff/angebote"))
    page = shown(client.get("/staff/themen"))
    assert "Kommunikation und Partizipation nicht übersetzt" in page
    assert "Monitoring und Evaluation nicht übersetzt (englische Seiten zeigen den" in page
    assert "Offene Verwaltung Open government 0 Bearbeiten" in page
    html = text(client.get("/staff/themen"))
    assert '<a href="/angebote/?thema=monitoring#termine">3</a>' in html
    assert '<a href="/angebote/?thema=kommunikation#termine">2</a>' in html
    # Only the unused topic offers to be deleted.
    assert html.count("/loeschen") == 1


def test_only_the_event_team_and_admins_keep_the_topics(app, client):
    offerings(app)
    make_staff(app, email="beraterin@kts.example", role=Role.ADVISOR)
    login(client, "beraterin@kts.example")
    assert client.get("/staff/themen").status_code == 403


def test_a_renamed_topic_shows_on_the_public_filter_in_german_and_english(app, client):
    ids = offerings(app)
    add_date(app, ids["input-monitoring"], at(1, 20))
    monitoring = _topic(app, "monitoring")
    as_event_team(app, client)
    form = text(client.get(f"/staff/themen/{monitoring.id}"))
    assert form.count('class="bilingual"') == 1
    assert 'value="Monitoring und Evaluation"' in form
    assert "/angebote/?thema=monitoring" in form  # the public filter's address, which stays

    response = submit(
        client,
        f"/staff/themen/{monitoring.id}",
        {"name": "  Wirkung   messen ", "name_en": "Measuring impact"},
    )
    assert response.status_code == 302, text(response)
    assert "Das Thema „Wirkung messen“ wurde gespeichert." in text(client.get("/staff/themen"))
    assert _topic(app, "monitoring").name == "Wirkung messen"  # found by the same slug

    german = text(client.get("/angebote/?thema=monitoring"))
    assert ("monitoring", "Wirkung messen") in options(german, "thema")
    assert selected(german, "thema") == "monitoring"  # the old link still filters
    assert "Monitoring und Evaluation" not in german
    client.get("/sprache/en")
    english = text(client.get("/angebote/?thema=monitoring"))
    assert ("monitoring", "Measuring impact") in options(english, "thema")
    assert selected(english, "thema") == "monitoring"
    assert "Wirkung messen" not in english

    # The English name taken back: English pages show the German one again.
    submit(client, f"/staff/themen/{monitoring.id}", {"name": "Wirkung messen", "name_en": ""})
    english = text(client.get("/angebote/?thema=monitoring&lang=en"))
    assert ("monitoring", "Wirkung messen") in options(english, "thema")


def test_a_rename_is_in_the_audit_log_with_what_it_was(app, client):
    offerings(app)
    monitoring = _topic(app, "monitoring")
    as_event_team(app, client)
    page = f"/staff/themen/{monitoring.id}"
    submit(client, page, {"name": "Wirkung messen", "name_en": "Measuring impact"})
    submit(client, page, {"name": "Wirkung messen", "name_en": "Measuring impact"})  # unchanged
    assert _audit(app, "topic.updated") == [
        (
            f"topic:{monitoring.id}",
            {
                "name": "Monitoring und Evaluation -> Wirkung messen",
                "name_en": "– -> Measuring impact",
            },
        )
    ]


def test_a_name_another_topic_has_is_refused_at_its_field_keeping_what_was_typed(app, client):
    offerings(app)
    monitoring = _topic(app, "monitoring")
    with app.app_context():
        db.session.add(Topic(name="Offene Verwaltung", name_en="Open government", slug="ov"))
        db.session.commit()
    as_event_team(app, client)
    page = f"/staff/themen/{monitoring.id}"

    response = submit(client, page, {"name": "KOMMUNIKATION und partizipation", "name_en": "X"})
    html = text(response)
    assert response.status_code == 200
    assert 'id="name-error">Ein Thema „Kommunikation und Partizipation“ gibt es schon.' in html
    assert 'value="KOMMUNIKATION und partizipation"' in html and 'value="X"' in html

    response = submit(client, page, {"name": "Monitoring", "name_en": "open GOVERNMENT"})
    html = text(response)
    assert '<p class="error" id="name_en-error">Auf englischen Seiten heißt schon' in html
    assert 'value="open GOVERNMENT"' in html

    # Without an English name, English pages show the German one: that must not clash either.
    response = submit(client, page, {"name": "Open Government", "name_en": ""})
    assert 'id="name_en-error"' in text(response)

    response = submit(client, page, {"name": "", "name_en": "Monitoring"})
    assert '<p class="error" id="name-error">Bitte füllen Sie dieses Feld aus.</p>' in text(
        response
    )
    response = submit(client, page, {"name": "M" * 121, "name_en": "e" * 121})
    html = text(response)
    for field in ("name", "name_en"):
        assert f'id="{field}-error">Dieser Text ist zu lang: erlaubt sind höchstens 120' in html
    assert _topic(app, "monitoring").name == "Monitoring und Evaluation"
    assert _audit(app, "topic.updated") == []


def test_a_topic_keeps_its_own_name_in_another_spelling(app, client):
    offerings(app)
    monitoring = _topic(app, "monitoring")
    as_event_team(app, client)
    response = submit(
        client, f"/staff/themen/{monitoring.id}", {"name": "MONITORING und Evaluation"}
    )
    assert response.status_code == 302, text(response)
    assert _topic(app, "monitoring").name == "MONITORING und Evaluation"


def test_a_topic_offerings_have_is_not_deleted_and_the_page_says_how_many(app, client):
    offerings(app)
    monitoring = _topic(app, "monitoring")
    as_event_team(app, client)
    page = f"/staff/themen/{monitoring.id}/loeschen"
    asked = shown(client.get(page))
    message = (
        "„Monitoring und Evaluation“ lässt sich nicht löschen: 3 Angebote haben dieses Thema. "
        "Nehmen Sie es dort zuerst heraus."
    )
    assert message in asked
    assert "Titel austausch Titel initialberatung Titel input-monitoring" in asked
    assert "Ja, Thema löschen" not in asked
    # A form sent all the same (an old tab) deletes nothing.
    response = submit(client, "/staff/themen", {}, action=page)
    assert response.status_code == 200
    assert message in shown(response)
    assert _topic(app, "monitoring").name == "Monitoring und Evaluation"
    assert _audit(app, "topic.deleted") == []


def test_an_unused_topic_is_deleted_after_asking_and_the_log_keeps_its_names(app, client):
    offerings(app)
    with app.app_context():
        topic = Topic(name="Offene Verwaltung", name_en="Open government", slug="ov")
        db.session.add(topic)
        db.session.commit()
        topic_id = topic.id
    as_event_team(app, client)
    page = f"/staff/themen/{topic_id}/loeschen"
    assert "Ja, Thema löschen" in text(client.get(page))
    response = submit(client, page, {})
    assert response.status_code == 302
    assert "Das Thema „Offene Verwaltung“ ist gelöscht." in text(client.get("/staff/themen"))
    with app.app_context():
        assert db.session.get(Topic, topic_id) is None
    assert _audit(app, "topic.deleted") == [
        (
            f"topic:{topic_id}",
            {"name": "Offene Verwaltung", "name_en": "Open government", "slug": "ov"},
        )
    ]
    assert client.get(page).status_code == 404
    # The audit log names the action.
    make_staff(app, email="admin@kts.example", role=Role.ADMIN)
    admin = app.test_client()
    login(admin, "admin@kts.example")
    assert "<td>Thema gelöscht</td>" in text(admin.get("/staff/protokoll/?aktion=topic."))
