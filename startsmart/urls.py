"""Redirect targets taken from user input (``next=``) must stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None.

    Rejects absolute URLs, scheme-relative ``//host`` and the backslash variants browsers
    normalise into them, and control characters.
    """
    if not target or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")) or any(ord(c) < 32 or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
