"""Staff write an offering's and a topic's texts in German (required) and English (optional),
side by side; English pages show the English ones and mark German fallbacks as German."""

from __future__ import annotations

import sqlalchemy as sa

from catalogue_support import offering_form
from staff_support import as_event_team, offering_by_title
from startsmart.catalog.models import Topic
from startsmart.extensions import db
from support import submit, text


def test_english_texts_are_stored_beside_the_german_ones(app, client):
    as_event_team(app, client)
    page = text(client.get("/staff/angebote/neu"))
    assert page.count('class="bilingual"') == 4  # title, summary, description, new topic
    response = submit(
        client,
        "/staff/angebote/neu",
        offering_form(
            title_en="  Monitoring   for beginners ",
            summary_en="How municipalities measure impact.",
            description_en="First paragraph.\r\n\r\nSecond paragraph.",
            new_topic="Künstliche Intelligenz",
            new_topic_en="Artificial intelligence",
        ),
    )
    assert response.status_code == 302, text(response)
    offering = offering_by_title(app, "Monitoring und Evaluation für Anfänger")
    assert offering.title_en == "Monitoring for beginners"
    assert offering.description_en == "First paragraph.\n\nSecond paragraph."
    with app.app_context():
        topic = db.session.execute(sa.select(Topic)).scalar_one()
        assert (topic.name, topic.name_en) == ("Künstliche Intelligenz", "Artificial intelligence")

    edit = text(client.get(f"/staff/angebote/{offering.id}"))
    assert 'value="Monitoring for beginners"' in edit and "Second paragraph." in edit


def test_an_english_topic_name_needs_its_german_one(app, client):
    as_event_team(app, client)
    response = submit(
        client, "/staff/angebote/neu", offering_form(new_topic_en="Artificial intelligence")
    )
    page = text(response)
    assert response.status_code == 200
    assert "Bitte geben Sie den deutschen Namen des neuen Themas an." in page
    assert 'value="Artificial intelligence"' in page  # what was typed stays
    with app.app_context():
        assert db.session.execute(sa.select(Topic)).first() is None


def test_english_pages_show_english_where_written_and_mark_german_where_not(app, client):
    as_event_team(app, client)
    response = submit(
        client, "/staff/angebote/neu", offering_form(title_en="Monitoring for beginners")
    )
    client.get(response.headers["Location"])  # the staff's flash message is shown there
    offering = offering_by_title(app, "Monitoring und Evaluation für Anfänger")
    client.get("/sprache/en")
    start = text(client.get("/"))
    assert "<span>Monitoring for beginners</span>" in start
    assert "Monitoring und Evaluation für Anfänger" not in start
    client.get("/sprache/de")
    assert "<span>Monitoring und Evaluation für Anfänger</span>" in text(client.get("/"))
    with app.app_context():
        db.session.get(type(offering), offering.id).title_en = ""
        db.session.commit()
    client.get("/sprache/en")
    assert '<span lang="de">Monitoring und Evaluation für Anfänger</span>' in text(client.get("/"))


def test_topics_to_choose_when_booking_a_consultation_speak_the_page_language(app, client):
    with app.app_context():
        db.session.add_all(
            [
                Topic(
                    name="Monitoring und Evaluation", name_en="Monitoring and evaluation", slug="m"
                ),
                Topic(name="Integrierte Handlungsfelder", slug="h"),
            ]
        )
        db.session.commit()
    client.get("/sprache/en")
    page = text(client.get("/initialberatung/buchen"))
    assert "<span>Monitoring and evaluation</span>" in page
    assert '<span lang="de">Integrierte Handlungsfelder</span>' in page
    assert "Monitoring und Evaluation" not in page
