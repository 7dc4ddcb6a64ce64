"""The event team lists, creates, edits, retires and reactivates offerings."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from catalogue_support import offering_form
from staff_support import as_event_team, offering_by_title
from startsmart.catalog.models import Offering, OfferingFormat, Topic
from startsmart.catalog.service import CATALOGUE_FORMATS
from startsmart.extensions import db
from startsmart.staff.models import Role
from support import csrf_token, login, make_date, make_staff, submit, text


def make_topic(app, name: str, slug: str) -> int:
    with app.app_context():
        topic = Topic(name=name, slug=slug)
        db.session.add(topic)
        db.session.commit()
        return topic.id


def test_create_a_thematic_input_with_a_new_topic(app, client):
    as_event_team(app, client)
    known = make_topic(app, "Monitoring und Evaluation", "monitoring-und-evaluation")
    response = submit(
        client,
        "/staff/angebote/neu",
        offering_form(topics=[str(known)], new_topic="  Künstliche   Intelligenz "),
    )
    assert response.status_code == 302
    offering = offering_by_title(app, "Monitoring und Evaluation für Anfänger")
    assert offering.format is OfferingFormat.THEMATIC_INPUT
    assert offering.slug == "monitoring-und-evaluation-fuer-anfaenger"
    assert offering.description == "Erster Absatz.\n\nZweiter Absatz."  # CRLF from the browser
    assert (offering.default_capacity, offering.default_duration_minutes) == (25, 120)
    assert offering.per_municipality_limit == 3
    assert sorted(t.name for t in offering.topics) == [
        "Künstliche Intelligenz",
        "Monitoring und Evaluation",
    ]
    assert {t.slug for t in offering.topics} == {
        "kuenstliche-intelligenz",
        "monitoring-und-evaluation",
    }
    page = text(client.get(response.headers["Location"]))
    assert "wurde angelegt" in page
    public = text(client.get(f"/angebote/{offering.slug}"))
    assert "Zweiter Absatz." in public and "Künstliche Intelligenz" in public


def test_every_format_can_be_created_and_slugs_stay_unique(app, client):
    as_event_team(app, client)
    for fmt in CATALOGUE_FORMATS:  # conferences are made with their conference
        response = submit(
            client, "/staff/angebote/neu", offering_form(format=fmt.value, title="Austausch")
        )
        assert response.status_code == 302, fmt
    with app.app_context():
        slugs = db.session.execute(sa.select(Offering.slug).order_by(Offering.id)).scalars().all()
    assert slugs == ["austausch", "austausch-2", "austausch-3", "austausch-4"]


def test_a_new_topic_that_exists_already_is_reused(app, client):
    as_event_team(app, client)
    make_topic(app, "Smart-City-Grundlagen", "smart-city-grundlagen")
    submit(client, "/staff/angebote/neu", offering_form(new_topic="smart-city-GRUNDLAGEN"))
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Topic.id))).scalar() == 1


def test_edit_keeps_the_slug_and_changes_topics(app, client):
    as_event_team(app, client)
    old = make_topic(app, "Alt", "alt")
    new = make_topic(app, "Neu", "neu")
    submit(client, "/staff/angebote/neu", offering_form(topics=[str(old)]))
    offering = offering_by_title(app, "Monitoring und Evaluation für Anfänger")
    page = text(client.get(f"/staff/angebote/{offering.id}"))
    assert 'value="Monitoring und Evaluation für Anfänger"' in page
    assert f'checked id="topics-0" name="topics" type="checkbox" value="{old}"' in page
    response = submit(
        client,
        f"/staff/angebote/{offering.id}",
        offering_form(title="Wirkung messen", topics=[str(new)], default_capacity="40"),
    )
    assert response.status_code == 302
    changed = offering_by_title(app, "Wirkung messen")
    assert changed.slug == offering.slug  # links and feeds keep working
    assert [t.name for t in changed.topics] == ["Neu"]
    assert changed.default_capacity == 40
    assert changed.format is OfferingFormat.THEMATIC_INPUT  # the format is not editable


def test_retire_hides_from_the_catalogue_keeps_dates_and_can_be_undone(app, client):
    as_event_team(app, client)
    date_id = make_date(app, slug="einfuehrung")
    with app.app_context():
        offering_id = db.session.execute(sa.select(Offering.id)).scalar_one()
    title = "Grundlagen der Smart City"
    assert (
        'href="/angebote/einfuehrung"'
        in text(client.get("/angebote/")).split('id="dates-title"')[0]
    )
    client.post(
        f"/staff/angebote/{offering_id}/einstellen",
        data={"csrf_token": _token(client)},
    )
    with app.app_context():
        offering = db.session.get(Offering, offering_id)
        assert offering.retired_at is not None
        assert [d.id for d in offering.dates] == [date_id]
    # Gone from the list of offerings; its published dates keep taking registrations (the
    # model: "retired offerings keep their dates … but take no new dates").
    offerings_section = text(client.get("/angebote/")).split('id="dates-title"')[0]
    assert 'href="/angebote/einfuehrung"' not in offerings_section
    listing = text(client.get("/staff/angebote"))
    assert title in listing and "eingestellt" in listing
    assert "Neuen Termin anlegen" not in text(client.get(f"/staff/angebote/{offering_id}/termine"))
    client.post(
        f"/staff/angebote/{offering_id}/reaktivieren",
        data={"csrf_token": _token(client)},
    )
    with app.app_context():
        assert db.session.get(Offering, offering_id).retired_at is None


def _token(client) -> str:
    return csrf_token(client, "/staff/angebote/neu")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Bitte füllen Sie dieses Feld aus."),
        ({"title": "   "}, "title", "Bitte füllen Sie dieses Feld aus."),
        ({"title": "x" * 10_000}, "title", "200"),
        ({"description": "x" * 10_000}, "description", "5000"),
        ({"default_capacity": "-1"}, "default_capacity", "Zahl von 0 bis 10000"),
        ({"default_capacity": "viele"}, "default_capacity", "ganze Zahl"),
        ({"default_capacity": "99999999999999999999"}, "default_capacity", "0 bis 10000"),
        ({"default_duration_minutes": "0"}, "default_duration_minutes", "1 bis 1440"),
        ({"per_municipality_limit": ""}, "per_municipality_limit", "Bitte füllen"),
        ({"topics": ["9999"]}, "topics", "gibt es nicht mehr"),
        ({"topics": ["abc"]}, "topics", "Ungültige Auswahl"),
        ({"format": "webinar"}, "format", "Auswahl"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_kept(app, client, overrides, field, message):
    as_event_team(app, client)
    data = offering_form(**overrides)
    response = submit(client, "/staff/angebote/neu", data)
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert f'id="{field}-error"' in page
    assert 'value="Wie Kommunen Wirkung messen.' in page or "Wie Kommunen Wirkung messen." in page
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Offering.id))).scalar() == 0
        assert db.session.execute(sa.select(sa.func.count(Topic.id))).scalar() == 0


def test_html_in_a_title_is_shown_escaped(app, client):
    as_event_team(app, client)
    submit(client, "/staff/angebote/neu", offering_form(title="<script>alert(1)</script>"))
    page = text(client.get("/staff/angebote"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_offering_is_404(app, client):
    as_event_team(app, client)
    assert client.get("/staff/angebote/999").status_code == 404
    assert client.get("/staff/angebote/999/termine").status_code == 404
    assert client.get("/staff/angebote/999/termine/neu").status_code == 404
    response = client.post("/staff/angebote/999/einstellen", data={"csrf_token": _token(client)})
    assert response.status_code == 404


def test_advisors_may_not_manage_offerings(app, client):
    make_staff(app, email="bea@kts.example", role=Role.ADVISOR)
    login(client, "bea@kts.example")
    for path in ("/staff/angebote", "/staff/angebote/neu", "/staff/termine"):
        assert client.get(path).status_code == 403
    assert "Angebote verwalten" not in text(client.get("/staff/"))


def test_dashboard_links_to_offerings_and_dates_for_the_event_team(app, client):
    as_event_team(app, client)
    page = text(client.get("/staff/"))
    assert 'href="/staff/angebote"' in page and 'href="/staff/termine"' in page
