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
