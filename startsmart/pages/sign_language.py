"""The start page's information in Deutscher Gebärdensprache (BITV 2.0 § 4): a video the operator
configures (``DGS_VIDEO_URL``), played in the page when this site serves the file, linked when it
is a page of its own; without one, the page says where to ask for it. A video played here may
carry German captions (``DGS_VIDEO_CAPTIONS_URL``, WebVTT) for people who do not sign."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# Files a browser plays in a <video> element; anything else is a page and gets a link.
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg"}


@dataclass(frozen=True)
class DgsVideo:
    url: str
    mime_type: str | None  # None: a page showing the video, linked rather than embedded
    captions_url: str | None = None  # WebVTT in German; only for a video played in the page

    @property
    def embedded(self) -> bool:
        return self.mime_type is not None


def dgs_video(config: Mapping[str, Any]) -> DgsVideo | None:
    """The configured DGS video, or None when there is none yet."""
    url = (config.get("DGS_VIDEO_URL") or "").strip()
    if not url:
        return None
    path = urlsplit(url).path.lower()
    # Only a file of this site is played here: the content security policy loads media from
    # this site alone (no CDN, nothing that tells a third party who watched).
    mime = next((t for ext, t in VIDEO_TYPES.items() if path.endswith(ext)), None)
    if not on_this_site(url, None) or mime is None:
        return DgsVideo(url, None)
    # A page elsewhere shows its own captions; a <track> belongs to a video played here.
    captions = (config.get("DGS_VIDEO_CAPTIONS_URL") or "").strip() or None
    return DgsVideo(url, mime, captions)


def on_this_site(url: str, public_url: str | None) -> bool:
    """Whether the browser may load ``url`` as media of this site: a path here, or an absolute
    address at the site's public origin (``PUBLIC_URL``); the content security policy blocks
    media from anywhere else, and a caption track from elsewhere would also need CORS."""
    if url.startswith("/") and not url.startswith("//"):
        return True
    if not public_url:
        return False
    here, there = urlsplit(public_url), urlsplit(url)
    return (there.scheme, there.netloc.lower()) == (here.scheme, here.netloc.lower())


def has_captions_barrier(config: Mapping[str, Any]) -> bool:
    """Whether the video played on the start page lacks captions: a barrier for deaf and
    hard-of-hearing people who do not sign (WCAG 1.2.2). A linked page is not ours to caption."""
    video = dgs_video(config)
    return video is not None and video.embedded and video.captions_url is None
