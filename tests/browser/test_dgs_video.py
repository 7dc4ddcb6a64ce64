"""The start page's DGS video with its German captions in Chromium, under the app's real content
security policy: the video and the WebVTT file come from the media folder this site serves, the
caption track loads with its cues, and the browser reports no policy violation."""

from __future__ import annotations

import pytest

from dgs_media import FIRST_CUE, put_dgs_media
from startsmart import security

pytestmark = pytest.mark.browser

# Every violation the page's policy reports, collected before any of the page's own scripts run.
WATCH_POLICY = """window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});"""

# The caption track once the browser is done with it: 2 is LOADED, 3 is ERROR.
TRACK = """() => {
  const video = document.querySelector("video.dgs-video");
  const element = video.querySelector("track");
  const track = video.textTracks[0];
  return {
    readyState: element.readyState,
    mode: track.mode,
    language: track.language,
    cues: track.cues ? Array.from(track.cues, (cue) => cue.text) : null,
    videoState: video.readyState,
    videoError: video.error && video.error.code,
  };
}"""


@pytest.fixture
def dgs_video(app, browser, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_DIR", str(tmp_path / "media"))
    for name, value in put_dgs_media(browser, tmp_path / "media").items():
        monkeypatch.setitem(app.config, name, value)


def _open_start_page(fresh_page):
    page = fresh_page()
    page.add_init_script(script=WATCH_POLICY)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto("/")
    return page, console


def test_the_captions_load_under_the_content_security_policy(dgs_video, fresh_page):
    page, console = _open_start_page(fresh_page)
    page.wait_for_function(
        "() => [2, 3].includes(document.querySelector('video.dgs-video track').readyState)"
    )
    page.wait_for_function("() => document.querySelector('video.dgs-video').readyState >= 1")
    track = page.evaluate(TRACK)
    assert track["readyState"] == 2, track  # LOADED, not ERROR
    assert (track["mode"], track["language"]) == ("showing", "de")  # the `default` track
    assert track["cues"] == [FIRST_CUE, "Hier finden Sie Termine für Ihre Kommune."]
    assert track["videoError"] is None and track["videoState"] >= 1  # the video itself plays
    assert page.evaluate("() => window.__violations") == []
    assert [line for line in console if "Content Security Policy" in line] == []


def test_the_probe_sees_a_policy_that_blocks_media(dgs_video, fresh_page, monkeypatch):
    """The check above would notice a policy that keeps the captions out."""
    strict = security.CONTENT_SECURITY_POLICY + "; media-src 'none'"
    monkeypatch.setattr(security, "CONTENT_SECURITY_POLICY", strict)
    page, console = _open_start_page(fresh_page)
    page.wait_for_function("() => window.__violations.length >= 2")
    violations = page.evaluate("() => window.__violations")
    assert any(v.startswith("media-src") and v.endswith("/media/dgs-test.vtt") for v in violations)
    assert any(v.startswith("media-src") and v.endswith("/media/dgs-test.webm") for v in violations)
    assert page.evaluate("() => document.querySelector('video.dgs-video track').readyState") != 2
