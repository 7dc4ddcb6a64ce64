"""The search in the staff header: what each role finds, umlauts either way, purged people
gone, short queries told, names escaped, and every hit a link to the page where staff act."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from consultation_support import booking_request, make_advisor
from moments import working_day
from staff_support import register_person
from startsmart import clock
from startsmart.consultations import booking
from startsmart.extensions import db
from startsmart.municipalities.models import Person
from startsmart.privacy import service as privacy
from startsmart.registrations.models import Registration
from startsmart.staff.models import Role
from support import login, make_date, make_staff, text

TEAM, ADVISOR = "team@kts.example", "beratung@kts.example"


@pytest.fixture
def people(app):
    """Three registrants and one booking; returns the ids the tests look for."""
    make_staff(app, email=TEAM, role=Role.EVENT_TEAM, name="Eva Event")
    advisor_id = make_advisor(app, ADVISOR)
    date_id = make_date(app, capacity=10)
    ids = {
        "date": date_id,
        "advisor": advisor_id,
        "juergen": register_person(app, date_id, 1, name="Jürgen Müller", municipality="Göttingen"),
        "anna": register_person(app, date_id, 2, name="Anna Mueller", municipality="Flensburg"),
        "peter": register_person(app, date_id, 3, name="Peter Groß", municipality="Weißenfels"),
    }
    with app.app_context():
        ids["consultation"] = booking.book(
            booking_request(working_day(7, 9), 1, name="Kim Kowalczyk"), clock.now()
        ).consultation_id
    return ids


def search(client, query: str, **more) -> str:
    response = client.get("/staff/suche/", query_string={"q": query, **more})
    assert response.status_code == 200
    return text(response)


def names(html: str) -> list[str]:
    """The people listed, in order (the bold name of each person hit)."""
    section = html.split('id="hits-people"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<strong>(.*?)</strong>", section)


def hits(html: str) -> str:
    """The groups of hits, without the header and heading that repeat the query."""
    return html.split('id="hits-people"', 1)[1].split("</main>", 1)[0]


def test_every_staff_page_has_the_search_in_its_header(app, client, people):
    assert 'role="search"' not in text(client.get("/"))  # the public does not search
    login(client, ADVISOR)
    html = text(client.get("/staff/"))
    form = re.search(
        r'<form method="get" action="/staff/suche/" role="search".*?</form>',
        html,
        re.S,
    )
    assert form, "no search form in the header"
    assert '<label for="staff-search">' in form.group(0)
    assert 'name="q"' in form.group(0) and 'maxlength="200"' in form.group(0)


def test_umlauts_and_their_spelling_find_each_other(app, client, people):
    login(client, TEAM)
    for query in ("Müller", "mueller", "MUELLER", "MÜLLER", "ller"):
        assert names(search(client, query)) == ["Anna Mueller", "Jürgen Müller"], query
    assert names(search(client, "gross")) == ["Peter Groß"]
    assert names(search(client, "Groß")) == ["Peter Groß"]
    html = search(client, "weissenfels")
    linked = r"<strong><a href=\"/staff/kommunen/\d+\">Weißenfels</a></strong> · Hessen"
    assert re.search(linked, html)
    assert ">Göttingen</a></strong>" in search(client, "Goettingen")


def test_a_person_hit_links_to_their_row_on_the_dates_list(app, client, people):
    login(client, TEAM)
    html = search(client, "Jürgen")
    assert names(html) == ["Jürgen Müller"]
    assert "person1@kommune.de" in html
    link = f"/staff/termine/{people['date']}#anmeldung-{people['juergen']}"
    assert f'href="{link}"' in html
    assert "bestätigt" in html and "Grundlagen der Smart City" in html
    page = text(client.get(link.split("#")[0]))
    assert f'id="anmeldung-{people["juergen"]}"' in page


def test_e_mail_exact_or_in_part(app, client, people):
    login(client, TEAM)
    assert names(search(client, "person2@kommune.de")) == ["Anna Mueller"]
    assert names(search(client, "PERSON3@")) == ["Peter Groß"]
    assert names(search(client, "@kommune.de")) == ["Anna Mueller", "Jürgen Müller", "Peter Groß"]


def test_each_role_sees_only_what_it_may_open(app, client, people):
    consultation_link = f'href="/staff/beratungen/{people["consultation"]}"'
    login(client, ADVISOR)
    html = search(client, "müller")
    assert names(html) == []  # they only registered for dates, which advisors cannot open
    assert "/staff/termine/" not in html
    html = search(client, "Göttingen")
    assert ">Göttingen</a></strong>" in html  # municipalities are public facts
    assert "Keine Anmeldungen oder Beratungen, die Sie hier öffnen können." in html
    assert "/staff/termine/" not in html
    html = search(client, "Kowalczyk")
    assert names(html) == ["Kim Kowalczyk"]
    assert consultation_link in html and "Initialberatung" in html

    client.post("/staff/logout", data={"csrf_token": _token(client)})
    login(client, TEAM)
    html = search(client, "Kowalczyk")
    assert names(html) == ["Kim Kowalczyk"] and consultation_link in html
    assert names(search(client, "müller")) == ["Anna Mueller", "Jürgen Müller"]


def _token(client) -> str:
    html = text(client.get("/staff/"))
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_anonymous_visitors_are_sent_to_the_login(app, client, people):
    response = client.get("/staff/suche/?q=müller")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_person_who_asked_to_be_forgotten_is_not_found(app, client, people):
    with app.app_context():
        person = db.session.get(Registration, people["juergen"]).person
        privacy.delete_person(person, clock.now())
        assert db.session.query(Person).filter_by(email="person1@kommune.de").first() is None
    login(client, TEAM)
    for query in ("Jürgen", "person1@kommune.de", "Müller"):
        html = hits(search(client, query))
        assert "Jürgen" not in html and "person1@" not in html, query
    # The municipality still counts the registration, naming nobody.
    html = hits(search(client, "Göttingen"))
    assert "(anonymisiert)" in html and "Jürgen" not in html


@pytest.mark.time_sensitive  # the purge's cut-off, like tests/privacy/test_purge.py
def test_people_purged_after_retention_are_not_found(app, client, people):
    with app.app_context():
        old = db.session.get(Registration, people["peter"]).event_date
        old.starts_at = clock.now() - timedelta(days=181, hours=2)
        old.ends_at = clock.now() - timedelta(days=181)
        db.session.commit()
        report = privacy.purge(clock.now())
        assert report.people == 3  # the three registrants of that date
    login(client, TEAM)
    for query in ("Peter", "Groß", "person3@kommune.de", "Anna Mueller"):
        assert names(search(client, query)) == [], query
        assert "Peter" not in hits(search(client, query)), query
    assert "(anonymisiert)" in hits(search(client, "Weißenfels"))


def test_too_short_or_empty_says_so(app, client, people):
    login(client, TEAM)
    for query in ("", "a", "  ü  "):
        html = search(client, query)
        assert "Bitte geben Sie mindestens 2 Zeichen ein" in html, query
        assert 'id="hits-people"' not in html
    html = text(client.get("/staff/suche/"))
    assert "mindestens 2 Zeichen ein" not in html  # opened without a search: no reproach
    html = search(client, "x" * 201)
    assert "höchstens 200 Zeichen" in html


def test_names_are_shown_as_text_not_markup(app, client, people):
    register_person(app, people["date"], 9, name="<script>alert(1)</script> Mallory")
    login(client, TEAM)
    html = search(client, "<script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Mallory" in html
    assert "<script>alert(1)" not in html


def test_many_hits_come_in_pages(app, client, people):
    for number in range(10, 23):
        register_person(app, people["date"], number, name=f"Sabine Schmidt {number}")
    login(client, TEAM)
    html = search(client, "schmidt")
    assert len(names(html)) == 10
    assert "Personen (13)" in html and "Alle 13 Personen anzeigen" in html
    html = search(client, "schmidt", gruppe="personen", seite=2)
    assert names(html) == ["Sabine Schmidt 20", "Sabine Schmidt 21", "Sabine Schmidt 22"]
    assert "Seite 2 von 2" in html and 'id="hits-municipalities"' not in html
    html = search(client, "schmidt", gruppe="anmeldungen")
    assert "Anmeldungen und Beratungen (13)" in html and "Seite 1 von 2" in html


def test_nothing_found_says_so(app, client, people):
    login(client, TEAM)
    html = search(client, "Zyxwv")
    assert "Nichts gefunden" in html


def test_accents_and_foreign_letters_need_not_be_typed(app, client, people):
    for number, name in enumerate(("Renée Dupont", "Łukasz Wałęsa", "Ayşe Öztürk"), start=30):
        register_person(app, people["date"], number, name=name)
    login(client, TEAM)
    assert names(search(client, "renee")) == ["Renée Dupont"]
    assert names(search(client, "lukasz walesa")) == ["Łukasz Wałęsa"]
    assert names(search(client, "Ayse Oeztuerk")) == ["Ayşe Öztürk"]
