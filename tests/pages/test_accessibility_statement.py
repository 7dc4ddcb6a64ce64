"""The Barrierefreiheitserklärung holds every element of the model statement (EU 2018/1523,
BITV 2.0): status, known barriers with reason and alternative, date and method, feedback
contact, Schlichtungsstelle; and the app refuses a configuration that would make it untrue."""

from __future__ import annotations

import pytest

from startsmart.config import ConfigurationError, Defaults, check_accessibility
from startsmart.pages.barriers import ALWAYS, known_barriers
from support import shown


def page(client, path: str = "/barrierefreiheit") -> str:
    return shown(client.get(path))


def settings(**changes) -> dict:
    values = {name: getattr(Defaults, name) for name in vars(Defaults) if name.isupper()}
    return {**values, **changes}


def test_status_barriers_date_and_method_are_stated(app, client):
    words = page(client)
    assert (
        "wegen der unten genannten Unvereinbarkeiten teilweise mit der BITV 2.0 vereinbar" in words
    )
    with app.test_request_context():
        barriers = known_barriers(app.config)
    assert [b.key for b in barriers] == [*ALWAYS, "sign_language"]
    for barrier in barriers:
        for part in (barrier.criteria, barrier.what, barrier.reason, barrier.alternative):
            assert " ".join(part.split()) in words
    assert "am 7. Dezember 2026 erstellt und zuletzt am 7. Dezember 2026 überprüft" in words
    assert "Selbstbewertung" in words and "axe" in words and "allein mit der Tastatur" in words


def test_the_status_and_dates_follow_the_configuration(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ACCESSIBILITY_STATUS", "none")
    monkeypatch.setitem(app.config, "ACCESSIBILITY_REVIEW_DATE", "2027-03-01")
    words = page(client)
    assert "Diese Website ist nicht mit der BITV 2.0 vereinbar." in words
    assert "zuletzt am 1. März 2027 überprüft" in words
    assert "Unsere Internet·seite ist noch nicht barriere·frei." in page(client, "/leichte-sprache")


def test_feedback_goes_to_the_configured_contact_or_the_operator(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OPERATOR_EMAIL", "kts@bund.example")
    html = client.get("/barrierefreiheit").get_data(as_text=True)
    assert '<a href="mailto:kts@bund.example">kts@bund.example</a>' in html
    assert "E-Mail: kts@bund.example" in page(client)
    assert str(Defaults.OPERATOR_EMAIL) not in page(client)
    monkeypatch.setitem(app.config, "ACCESSIBILITY_CONTACT", "barrierefrei@bund.example")
    html = client.get("/barrierefreiheit").get_data(as_text=True)
    assert '<a href="mailto:barrierefrei@bund.example">' in html
    assert "barrierefrei@bund.example" in page(client, "/leichte-sprache")
    assert "barrierefrei@bund.example" in page(client, "/")


def test_the_schlichtungsstelle_with_address_and_link(client):
    html = client.get("/barrierefreiheit").get_data(as_text=True)
    words = page(client)
    assert "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)" in words
    assert "Mauerstraße 53 10117 Berlin" in words
    assert '<a href="https://www.schlichtungsstelle-bgg.de">' in html


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"ACCESSIBILITY_STATUS": "teilweise"}, "ACCESSIBILITY_STATUS must be one of"),
        ({"ACCESSIBILITY_STATUS": "full"}, 'cannot be "full" while barriers are known'),
        ({"ACCESSIBILITY_REVIEW_DATE": "1.3.2027"}, "ACCESSIBILITY_REVIEW_DATE must be a date"),
        ({"DGS_VIDEO_URL": "http://cdn.example/dgs.mp4"}, "DGS_VIDEO_URL must be a path"),
        ({"DGS_VIDEO_URL": "//cdn.example/dgs.mp4"}, "DGS_VIDEO_URL must be a path"),
        (
            {"DGS_VIDEO_URL": "/media/dgs.mp4", "ACCESSIBILITY_STATUS": "full"},
            r"while barriers are known \(conference_documents, sign_language_captions",
        ),
        (
            {
                "DGS_VIDEO_URL": "/media/dgs.mp4",
                "DGS_VIDEO_CAPTIONS_URL": "https://cdn.example/d.vtt",
            },
            "DGS_VIDEO_CAPTIONS_URL must be a path",
        ),
        (
            {"DGS_VIDEO_URL": "https://www.kts.example/dgs", "DGS_VIDEO_CAPTIONS_URL": "/d.vtt"},
            "not a video file this site plays",
        ),
        ({"DGS_VIDEO_CAPTIONS_URL": "/media/dgs.vtt"}, "not a video file this site plays"),
    ],
)
def test_a_statement_that_would_be_wrong_is_refused(changes, complaint):
    with pytest.raises(ConfigurationError, match=complaint):
        check_accessibility(settings(**changes))


def test_a_correct_statement_is_accepted():
    check_accessibility(settings())
    check_accessibility(settings(DGS_VIDEO_URL="/media/dgs.mp4", ACCESSIBILITY_STATUS="none"))
    for captions in ("/media/dgs.vtt", "https://startsmart.kts.example/media/dgs.vtt"):
        check_accessibility(
            settings(
                DGS_VIDEO_URL="/media/dgs.mp4",
                DGS_VIDEO_CAPTIONS_URL=captions,
                PUBLIC_URL="https://startsmart.kts.example",
            )
        )
