"""Links for English readers: ``lang=en`` on this site's addresses, honoured for the request it
is in, whatever the language cookie says; German links and other sites' links stay as they
are. The choice of text itself (``bilingual``) is pure."""

from __future__ import annotations

import re

from startsmart.bilingual import choose, is_german_fallback
from startsmart.links import in_language, links_in_language


def test_choose_takes_english_where_written_and_german_otherwise():
    assert choose("Titel", "Title", "en") == "Title"
    assert choose("Titel", "", "en") == "Titel"
    assert choose("Titel", "Title", "de") == "Titel"
    assert is_german_fallback("", "en") and not is_german_fallback("Title", "en")
    assert not is_german_fallback("", "de")


def test_only_this_sites_links_get_the_language(app, monkeypatch):
    # The app is shared by the tests of a worker: the address is set for this test only.
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://start.example")
    with app.app_context():
        assert in_language("https://start.example/a?x=1&y=2", "en") == (
            "https://start.example/a?x=1&y=2&lang=en"
        )
        once = in_language("https://start.example/a", "en")
        assert in_language(once, "en") == once == "https://start.example/a?lang=en"
        assert in_language("https://start.example/a", "de") == "https://start.example/a"
        assert in_language("https://start.example.evil/a", "en") == "https://start.example.evil/a"
        text = "Hier: https://start.example/anmeldung/t/bestaetigen. Und https://other.example/x"
        assert links_in_language(text, "en") == (
            "Hier: https://start.example/anmeldung/t/bestaetigen?lang=en. "
            "Und https://other.example/x"
        )
        html = (
            '<a href="https://start.example/a?x=1&amp;y=2">https://start.example/a?x=1&amp;y=2</a>'
        )
        assert links_in_language(html, "en", in_html=True).count("?x=1&amp;y=2&amp;lang=en") == 2


def test_the_lang_parameter_wins_over_the_cookie_for_that_request(client):
    client.get("/sprache/de")

    def language(path: str) -> str:
        return re.search(r'<html lang="(\w+)"', client.get(path).get_data(as_text=True))[1]

    assert language("/impressum?lang=en") == "en"
    assert language("/impressum") == "de"  # the cookie is not changed by it
    assert language("/impressum?lang=xx") == "de"
