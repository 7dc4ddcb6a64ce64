"""German by default, English on request; the English catalogue is complete and compiled."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import startsmart
from support import text

CATALOGUE = Path(startsmart.__file__).parent / "translations" / "en" / "LC_MESSAGES"


def test_pages_are_german_by_default(client):
    page = text(client.get("/"))
    assert '<html lang="de">' in page
    assert "Vier Angebote für Ihre Kommune" in page


def test_switching_to_english_and_back(client):
    response = client.get("/sprache/en?next=/angebote/")
    assert response.status_code == 302 and response.headers["Location"] == "/angebote/"
    page = text(client.get("/"))
    assert '<html lang="en">' in page
    assert "Four offerings for your municipality" in page
    client.get("/sprache/de")
    assert "Vier Angebote für Ihre Kommune" in text(client.get("/"))


def test_language_switch_never_leads_off_site(client):
    response = client.get("/sprache/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    client.get("/sprache/xx")
    assert '<html lang="de">' in text(client.get("/"))


def test_english_catalogue_is_complete_and_compiled():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    missing = [
        m.id
        for m in catalogue
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []
    with open(CATALOGUE / "messages.mo", "rb") as handle:
        compiled = read_mo(handle)

    # The shipped .mo must say what the .po says: nobody forgot 'flask translate compile'.
    # (read_mo gives plural forms as lists, read_po as tuples.)
    def frozen(value):
        return tuple(value) if isinstance(value, list) else value

    def entries(messages):
        return {frozen(m.id): frozen(m.string) for m in messages if m.id}

    assert entries(compiled) == entries(catalogue)
