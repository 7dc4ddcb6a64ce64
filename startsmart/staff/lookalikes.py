"""Staff names and addresses that cannot pass for somebody else's.

An account list is read by eye: ``h-admin@kts.exаmple`` with a Cyrillic ``а`` looks like the
real admin's address, and a name with a right-to-left override or a zero-width space reads as
something it is not. Which characters look alike comes from the Unicode consortium's
confusables data (``confusable_homoglyphs``), not from a table of our own.
"""

from __future__ import annotations

import unicodedata

from confusable_homoglyphs import confusables
from flask_babel import gettext as _

from startsmart.errors import DomainError

# Categories that show nothing or reorder what follows: format characters (zero-width space
# and joiners, bidi embeddings, overrides and isolates, soft hyphen, BOM), line/paragraph
# separators, controls, private-use and unassigned code points.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Co", "Cn", "Zl", "Zp", "Cs"}
# Letters that are drawn as blank space although Unicode calls them letters.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def _hidden(text: str) -> str | None:
    """The first invisible or direction-changing character in ``text``, as U+XXXX, or None."""
    for char in text:
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES or char in _BLANK_LETTERS:
            return f"U+{ord(char):04X}"
    return None


def check_name(name: str, field: str = "name") -> None:
    """Refuse a staff name with invisible or bidi control characters, or one that mixes
    scripts with letters that pass for others (``Kаtrin`` with a Cyrillic ``а``)."""
    hidden = _hidden(name)
    if hidden:
        raise DomainError(
            _(
                "Der Name enthält ein unsichtbares Steuerzeichen (%(code)s). Bitte tippen Sie "
                "ihn neu, ohne ihn einzufügen.",
                code=hidden,
            ),
            field,
        )
    if confusables.is_dangerous(name):
        raise DomainError(
            _(
                "Der Name mischt Buchstaben verschiedener Schriften, die gleich aussehen (etwa "
                "ein kyrillisches „а“ zwischen lateinischen). Bitte tippen Sie ihn neu."
            ),
            field,
        )


def check_email(address: str, field: str = "email") -> None:
    """Refuse a (normalised) staff address that hides characters or could be read as another:
    a part that mixes scripts, or a non-ASCII part made only of letters that look Latin."""
    hidden = _hidden(address)
    if hidden:
        raise DomainError(
            _(
                "Die E-Mail-Adresse enthält ein unsichtbares Steuerzeichen (%(code)s).",
                code=hidden,
            ),
            field,
        )
    local, _at, domain = address.rpartition("@")
    for part in [local, *domain.split(".")]:
        if part.isascii():
            continue
        letters = {char for char in part if char.isalpha()}
        lookalikes = confusables.is_confusable(part, greedy=True, preferred_aliases=["latin"])
        mimics_latin = bool(lookalikes) and letters <= {
            found["character"] for found in lookalikes or []
        }
        if confusables.is_mixed_script(part) or mimics_latin:
            raise DomainError(
                _(
                    "Die E-Mail-Adresse enthält Buchstaben, die wie andere aussehen (%(part)s, "
                    "als Punycode %(ascii)s). Bitte tippen Sie die Adresse neu.",
                    part=part,
                    ascii=_punycode(part),
                ),
                field,
            )


def _punycode(label: str) -> str:
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return "xn--" + label.encode("punycode").decode("ascii")
