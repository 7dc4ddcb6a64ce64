"""The barriers Start Smart is known to have, for the Barrierefreiheitserklärung.

Each entry is a real finding (issue 20, "Seen": the Chromium audit of every page, keyboard use,
320 px width, 200 % zoom) that is not fixed yet: what fails, which WCAG criterion of EN 301 549
it breaks, why, and how people get the same information or service another way. Remove an
entry with the change that fixes it; while any is listed the site is at best "partly"
compliant, and the app refuses ``ACCESSIBILITY_STATUS = "full"`` (``config.check_accessibility``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from startsmart.pages.sign_language import has_captions_barrier

# Keys of the findings that hold whatever the configuration (the DGS video depends on it).
ALWAYS = ("conference_documents",)


@dataclass(frozen=True)
class Barrier:
    key: str
    what: str  # what fails, in a sentence or two
    criteria: str  # the WCAG success criteria (EN 301 549, chapter 9)
    reason: str  # why it is not accessible yet
    alternative: str  # how to get the content or service anyway


def known_barrier_keys(config: Mapping[str, Any]) -> list[str]:
    """The keys of the barriers the statement lists under this configuration."""
    keys = [*ALWAYS]
    if not config.get("DGS_VIDEO_URL"):
        keys.append("sign_language")
    elif has_captions_barrier(config):
        keys.append("sign_language_captions")
    return keys


def known_barriers(config: Mapping[str, Any]) -> list[Barrier]:
    """The barriers to list, in the language of the request."""
    every = {barrier.key: barrier for barrier in _all()}
    return [every[key] for key in known_barrier_keys(config)]


def _all() -> list[Barrier]:
    return [
        Barrier(
            "conference_documents",
            _(
                "Die Unterlagen der Regionalkonferenzen (PDF-Dokumente) stammen von den "
                "Referierenden. Ihre Barrierefreiheit wird beim Hochladen nicht geprüft."
            ),
            _("EN 301 549, Kapitel 10 (Dokumente)"),
            _(
                "Die Dokumente werden von Dritten erstellt; wir veröffentlichen sie so, wie wir "
                "sie erhalten."
            ),
            _(
                "Schreiben Sie uns, welches Dokument Sie brauchen: Wir bitten die Referierenden "
                "um eine barrierefreie Fassung oder senden Ihnen den Inhalt als Text."
            ),
        ),
        Barrier(
            "sign_language",
            _(
                "Es gibt noch kein Video mit Informationen in Deutscher Gebärdensprache auf der "
                "Startseite."
            ),
            _("BITV 2.0 § 4 (Informationen in Deutscher Gebärdensprache)"),
            _("Unvereinbarkeit mit der BITV 2.0: Das Video ist in Vorbereitung."),
            _(
                "Die Startseite nennt den Weg: Wir senden Ihnen die Informationen in Deutscher "
                "Gebärdensprache auf Anfrage."
            ),
        ),
        Barrier(
            "sign_language_captions",
            _(
                "Das Video in Deutscher Gebärdensprache auf der Startseite hat keine "
                "Untertitel. Wer gehörlos oder schwerhörig ist und keine Gebärdensprache nutzt, "
                "kann ihm nicht folgen."
            ),
            _("EN 301 549, 9.1.2.2 (Untertitel, aufgezeichnet)"),
            _("Unvereinbarkeit mit der BITV 2.0: Die Untertitel sind in Vorbereitung."),
            _(
                "Was das Video erklärt, steht als Text auf der Startseite, in dieser Erklärung "
                "und in Leichter Sprache. Auf Anfrage senden wir Ihnen den Text des Videos."
            ),
        ),
    ]
