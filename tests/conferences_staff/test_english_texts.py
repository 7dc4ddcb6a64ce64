"""A conference's title and programme text in German and, optionally, English: its public
pages and its registration (the internal offering, kept in step) follow the reader's
language; a German fallback is marked as German."""

from __future__ import annotations

import sqlalchemy as sa

from startsmart.catalog.models import EventDate
from startsmart.conferences.models import Conference
from startsmart.extensions import db
from support import submit, text

NEW = "/staff/regionalkonferenzen/neu"


def test_english_texts_reach_the_conference_and_its_registration(app, team, conference_form):
    response = submit(
        team,
        NEW,
        conference_form(
            title_en="Regional Conference North",
            description_en="10 am: welcome\r\n\r\n1 pm: speed networking",
        ),
    )
    assert response.status_code == 302, text(response)
    with app.app_context():
        conference = db.session.execute(sa.select(Conference)).scalar_one()
        assert conference.title_en == "Regional Conference North"
        offering = db.session.execute(sa.select(EventDate)).scalar_one().offering
        assert (offering.title, offering.title_en) == (conference.title, conference.title_en)
        # The summary in both languages, whatever the language of the staff page.
        assert offering.summary.startswith("Regionalkonferenz der Modellprojekte")
        assert offering.summary_en.startswith("Regional conference")
        assert offering.description_en == "10 am: welcome\n\n1 pm: speed networking"
        slug, date_id = conference.slug, db.session.execute(sa.select(EventDate.id)).scalar()

    team.get("/sprache/en")
    page = text(team.get(f"/regionalkonferenzen/{slug}"))
    assert "<h1><span>Regional Conference North</span></h1>" in page
    assert "1 pm: speed networking" in page and "13 Uhr: Speed-Dating" not in page
    form = text(team.get(f"/angebote/termine/{date_id}/anmeldung"))
    assert "Regional Conference North" in form and "Regionalkonferenz Nord" not in form


def test_a_conference_without_english_shows_german_marked_as_german(app, team, conference_form):
    assert submit(team, NEW, conference_form()).status_code == 302
    team.get("/sprache/en")
    page = text(team.get("/regionalkonferenzen/regionalkonferenz-nord"))
    assert '<h1><span lang="de">Regionalkonferenz Nord</span></h1>' in page
    assert '<div lang="de"><p class="prewrap">10 Uhr: Begrüßung</p>' in page
    listing = text(team.get("/regionalkonferenzen/"))
    assert '<span lang="de">Regionalkonferenz Nord</span>' in listing
