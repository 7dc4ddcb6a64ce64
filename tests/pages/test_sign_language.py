"""The start page's information in Deutscher Gebärdensprache: the operator's video with what it
explains, or, without one, where to ask; never an empty player."""

from __future__ import annotations

from support import shown


def test_without_a_video_the_page_says_where_to_ask(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OPERATOR_EMAIL", "kts@bund.example")
    html = client.get("/").get_data(as_text=True)
    assert "<video" not in html
    words = shown(client.get("/"))
    assert "Informationen in Deutscher Gebärdensprache" in words
    assert "in Gebärdensprache: Schreiben Sie an kts@bund.example." in words
    assert "Das Video erklärt" not in words  # no video, nothing to describe
    assert "BITV 2.0 § 4" in shown(client.get("/barrierefreiheit"))


def test_a_video_served_here_plays_in_the_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DGS_VIDEO_URL", "/media/dgs-start-smart.webm")
    html = client.get("/").get_data(as_text=True)
    assert '<source src="/media/dgs-start-smart.webm" type="video/webm">' in html
    assert "<video" in html and "controls" in html
    words = shown(client.get("/"))
    assert "Das Video erklärt in Deutscher Gebärdensprache (DGS), was Start Smart ist" in words
    assert "Schreiben Sie an" not in words
    assert "BITV 2.0 § 4" not in shown(client.get("/barrierefreiheit"))


def test_a_video_page_elsewhere_is_linked_not_embedded(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DGS_VIDEO_URL", "https://www.kts.example/dgs.mp4")
    html = client.get("/").get_data(as_text=True)
    assert "<video" not in html
    assert '<a href="https://www.kts.example/dgs.mp4">' in html
    assert "Das Video erklärt in Deutscher Gebärdensprache" in shown(client.get("/"))


def test_a_video_played_here_without_captions_is_a_known_barrier(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DGS_VIDEO_URL", "/media/dgs-start-smart.mp4")
    assert "<track" not in client.get("/").get_data(as_text=True)
    statement = shown(client.get("/barrierefreiheit"))
    assert "EN 301 549, 9.1.2.2 (Untertitel, aufgezeichnet)" in statement
    assert "hat keine Untertitel" in statement


def test_captions_are_shown_by_default_and_the_barrier_is_gone(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DGS_VIDEO_URL", "/media/dgs-start-smart.mp4")
    monkeypatch.setitem(app.config, "DGS_VIDEO_CAPTIONS_URL", "/media/dgs-start-smart.vtt")
    html = client.get("/").get_data(as_text=True)
    video = html.split("<video", 1)[1].split("</video>", 1)[0]
    assert (
        '<track kind="captions" src="/media/dgs-start-smart.vtt" srclang="de" label="Deutsch" '
        "default>" in video
    )
    statement = shown(client.get("/barrierefreiheit"))
    assert "Untertitel" not in statement
    assert "BITV 2.0 § 4" not in statement


def test_a_linked_video_page_gets_no_track_and_no_captions_barrier(app, client, monkeypatch):
    # The page elsewhere plays (and captions) the video; nothing of it is ours to list.
    monkeypatch.setitem(app.config, "DGS_VIDEO_URL", "https://www.kts.example/dgs")
    html = client.get("/").get_data(as_text=True)
    assert "<track" not in html
    assert "Untertitel" not in shown(client.get("/barrierefreiheit"))
