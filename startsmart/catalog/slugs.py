"""URL slugs from German titles: "Bürger & Öffentlichkeit" → "buerger-oeffentlichkeit".

Pure: no Flask, no SQLAlchemy. The service asks the database which slugs are taken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# German readers expect "ae" for "ä" (as in URLs and e-mail addresses), not the "a" that
# stripping the accent would give.
_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)
_NOT_ALLOWED = re.compile(r"[^a-z0-9]+")

MAX_LENGTH = 80


def slugify(text: str, fallback: str = "angebot", max_length: int = MAX_LENGTH) -> str:
    """Lower-case ASCII letters and digits joined by single hyphens; ``fallback`` if none."""
    text = unicodedata.normalize("NFC", text).translate(_GERMAN)  # "a" + combining mark too
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_ALLOWED.sub("-", text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback


def unique_slug(base: str, is_taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is still free."""
    if not is_taken(base):
        return base
    number = 2
    while True:
        candidate = f"{base[: MAX_LENGTH - len(str(number)) - 1]}-{number}"
        if not is_taken(candidate):
            return candidate
        number += 1
