"""The Leichte-Sprache page covers the site, the accessibility statement and reporting a barrier."""

from __future__ import annotations

from support import shown


def test_it_explains_navigation_the_statement_and_reporting_a_barrier(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OPERATOR_EMAIL", "kts@bund.example")
    html = client.get("/leichte-sprache").get_data(as_text=True)
    words = shown(client.get("/leichte-sprache"))
    assert "Oben auf jeder Seite ist ein Menü." in words
    assert "Dann sehen Sie den Link: Zum Inhalt springen." in words
    assert "Unsere Internet·seite ist noch nicht ganz barriere·frei." in words
    assert 'href="/barrierefreiheit"' in html
    assert "Eine Barriere melden" in words
    assert '<a href="mailto:kts@bund.example">kts@bund.example</a>' in html
    assert 'href="https://www.schlichtungsstelle-bgg.de"' in html
