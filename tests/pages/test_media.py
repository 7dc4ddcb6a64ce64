"""The media folder served at /media/: the DGS video and its captions, with the types a browser
needs, parts of a video on request, nothing from outside the folder."""

from __future__ import annotations

import pytest

from dgs_media import CAPTIONS


@pytest.fixture
def media(app, tmp_path, monkeypatch):
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "dgs.vtt").write_text(CAPTIONS, encoding="utf-8")
    (folder / "dgs.webm").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "secret.txt").write_text("not media")
    monkeypatch.setitem(app.config, "MEDIA_DIR", str(folder))
    return folder


def test_captions_are_served_as_webvtt(client, media):
    with client.get("/media/dgs.vtt") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/vtt"  # browsers may refuse a track of another type
        assert response.get_data(as_text=True) == CAPTIONS
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_a_video_is_answered_in_parts(client, media):
    with client.get("/media/dgs.webm", headers={"Range": "bytes=256-511"}) as response:
        assert response.status_code == 206
        assert response.mimetype == "video/webm"
        assert response.data == bytes(range(256))
        assert response.headers["Content-Range"] == "bytes 256-511/1024"


@pytest.mark.parametrize("name", ["fehlt.mp4", "../secret.txt", "..%2Fsecret.txt"])
def test_nothing_else_is_served(client, media, name):
    assert client.get(f"/media/{name}").status_code == 404
