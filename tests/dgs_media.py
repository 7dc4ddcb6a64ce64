"""A DGS video and its German captions, made for a test: a WebM of one second recorded by
Chromium itself (MediaRecorder on a canvas; no video tool needed, nothing downloaded) and a
WebVTT file with two cues, written into the app's media folder."""

from __future__ import annotations

import base64
from pathlib import Path

VIDEO_NAME = "dgs-test.webm"
CAPTIONS_NAME = "dgs-test.vtt"
FIRST_CUE = "Willkommen bei Start Smart."

CAPTIONS = f"""WEBVTT

00:00:00.000 --> 00:00:00.500
{FIRST_CUE}

00:00:00.500 --> 00:00:01.000
Hier finden Sie Termine für Ihre Kommune.
"""

# A second of a moving square, recorded as VP8 in WebM; answered as base64 (Playwright carries
# strings, not bytes).
RECORD = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 48;
  const ctx = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(25), {mimeType: "video/webm"});
  const parts = [];
  recorder.ondataavailable = (event) => parts.push(event.data);
  const done = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start();
  for (let frame = 0; frame < 25; frame++) {
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, 64, 48);
    ctx.fillStyle = "#036"; ctx.fillRect(frame * 2, 16, 16, 16);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  recorder.stop();
  await done;
  const bytes = new Uint8Array(await new Blob(parts, {type: "video/webm"}).arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""


def record_video(browser) -> bytes:
    context = browser.new_context()
    try:
        return base64.b64decode(context.new_page().evaluate(RECORD))
    finally:
        context.close()


def put_dgs_media(browser, media_dir: str | Path) -> dict[str, str]:
    """Write the video and its captions into ``media_dir``; the settings that show them."""
    folder = Path(media_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / VIDEO_NAME).write_bytes(record_video(browser))
    (folder / CAPTIONS_NAME).write_text(CAPTIONS, encoding="utf-8")
    return dgs_settings()


def dgs_settings() -> dict[str, str]:
    """The settings that show the video of ``put_dgs_media`` on the start page."""
    return {
        "DGS_VIDEO_URL": f"/media/{VIDEO_NAME}",
        "DGS_VIDEO_CAPTIONS_URL": f"/media/{CAPTIONS_NAME}",
    }
