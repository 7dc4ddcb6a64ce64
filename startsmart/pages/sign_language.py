"""The start page's information in Deutscher Gebärdensprache (BITV 2.0 § 4): a video the operator
configures (``DGS_VIDEO_URL``), played in the page when this site serves the file, linked when it
is a page of its own; without one, the page says where to ask for it."""

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
    local = url.startswith("/") and not url.startswith("//")
    mime = next((t for ext, t in VIDEO_TYPES.items() if path.endswith(ext)), None)
    return DgsVideo(url, mime if local else None)
