"""Language: German by default, English on request; times shown in Europe/Berlin."""

from __future__ import annotations

from datetime import date, datetime

from babel import dates
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from startsmart.bilingual import choose, is_german_fallback, text_of, versions
from startsmart.clock import BERLIN, moment_or_none
from startsmart.urls import safe_next

LANGUAGE_COOKIE = "lang"
LANGUAGE_PARAMETER = "lang"  # in the query string: this request only (links.in_language)
LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}
# Babel's "en" writes dates the American way (Dec 16, 2026); the English pages are British,
# like DATETIME_PATTERNS.
BRITISH_DATES = {
    "short": "dd/MM/y",
    "medium": "d MMM y",
    "long": "d MMMM y",
    "full": "EEEE, d MMMM y",
}

bp = Blueprint("language", __name__)


def select_locale() -> str:
    """The visitor's language: a ``lang`` parameter in the address (the links in an English
    mail carry one, so they open in English whatever the cookie says), else the chosen one
    (cookie); outside a request (CLI, workers) the default."""
    if has_request_context():
        languages = current_app.config["LANGUAGES"]
        for choice in (request.args.get(LANGUAGE_PARAMETER), request.cookies.get(LANGUAGE_COOKIE)):
            if choice is not None and choice in languages:
                return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.get("/sprache/<code>")
def switch(code: str):
    """Remember the language in a cookie and go back to the page the visitor came from."""
    target = safe_next(request.args.get("next")) or url_for("pages.start")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def language_context() -> dict[str, object]:
        current = current_locale()
        others = [code for code in app.config["LANGUAGES"] if code != current]
        return {
            "current_language": current,
            "other_languages": [(code, LANGUAGE_NAMES[code]) for code in others],
        }

    # A record's text in the page's or mail's language (mails render under the recipient's):
    # ``localized(offering, "title")``; on HTML pages ``text_in_language`` also marks a German
    # fallback. Python, not macros: the catalogue calls them about 70 times a page.
    app.add_template_global(localized, "localized")
    app.add_template_global(in_language, "in_language")
    app.add_template_global(text_in_language, "text_in_language")
    app.add_template_global(paragraphs_in_language, "paragraphs_in_language")
    app.add_template_filter(berlin_datetime, "datetime")
    app.add_template_filter(berlin_date, "date")
    app.add_template_filter(berlin_time, "time")
    # A moment carried through a queued mail's JSON facts (ISO text) back to a datetime.
    app.add_template_filter(moment_or_none, "moment")


def current_locale() -> str:
    """The language of what is being rendered: the page's, or the recipient's in a mail."""
    return str(get_locale() or "de")


def localized(record: object, name: str) -> str:
    """``record.<name>`` in the current language (``bilingual.text_of``)."""
    return text_of(record, name, current_locale())


def in_language(german: str, english: str | None, tag: str = "span", css: str = "") -> Markup:
    """The text for the current page in an element ``tag``: the English one on an English
    page where written, else the German one, marked lang="de" on a page in another language
    (WCAG 3.1.2: screen readers switch their voice). Templates call it as ``in_language``;
    form labels through ``localized_label``."""
    locale = current_locale()
    attributes = ' lang="de"' if is_german_fallback(english, locale) else ""
    if css:
        attributes += f' class="{escape(css)}"'
    # Plain concatenation with escape(): Markup.format goes through string.Formatter, several
    # times slower, and this runs for every title of a list.
    return Markup(f"<{tag}{attributes}>{escape(choose(german, english, locale))}</{tag}>")


def text_in_language(record: object, name: str, tag: str = "span", css: str = "") -> Markup:
    """``record.<name>`` or, on the English page, ``record.<name>_en`` where staff wrote it,
    as ``in_language``: ``text_in_language(offering, "title", "h1")``."""
    return in_language(*versions(record, name), tag, css)


def paragraphs_in_language(record: object, name: str, css: str = "") -> Markup:
    """A plain-text description in the page's language, its paragraphs split by blank lines,
    in a ``div`` marked lang="de" where the German one stands in."""
    locale = current_locale()
    german, english = versions(record, name)
    marked = ' lang="de"' if is_german_fallback(english, locale) else ""
    paragraph = f'<p class="{escape(css)}">' if css else "<p>"
    text = choose(german, english, locale)
    inner = "".join(f"{paragraph}{escape(part)}</p>" for part in text.split("\n\n"))
    return Markup(f"<div{marked}>{inner}</div>")


def localized_label(record: object, name: str) -> Markup:
    """``record.<name>`` as a choice's label (a topic's name): ``in_language``."""
    return in_language(str(getattr(record, name)), getattr(record, f"{name}_en", ""))


# Times are stored in UTC and shown in Berlin time. The conversion uses zoneinfo here rather
# than Babel's rebase, which goes through pytz and loses summer time after 2037. Views and
# services that put a time into a message use these too, so it reads like the page around it.
# Babel is called directly with the locale of what is rendered: Flask-Babel's wrappers look the
# locale and the configured formats up anew for every value, and a list shows dozens.
DATETIME_PATTERNS = {
    "de": {
        "full": "EEEE, d. MMMM y, HH:mm",
        "short": "dd.MM.y, HH:mm",
        "seconds": "dd.MM.y, HH:mm:ss",  # delivery attempts: retries can be seconds apart
        "weekday_short": "EEE, dd.MM.y, HH:mm",
        "weekday_day": "EEE, dd.MM.",  # a list row: the year is in its details
    },
    "en": {
        "full": "EEEE, d MMMM y, HH:mm",
        "short": "dd/MM/y, HH:mm",
        "seconds": "dd/MM/y, HH:mm:ss",
        "weekday_short": "EEE, dd/MM/y, HH:mm",
        "weekday_day": "EEE, d MMM",
    },
}


def berlin_datetime(value: datetime, style: str = "full") -> str:
    """``value`` in Berlin time: "full", "short", "weekday_short", "weekday_day" or a Babel
    pattern."""
    locale = get_locale()
    patterns = DATETIME_PATTERNS.get(str(locale), DATETIME_PATTERNS["de"])
    return dates.format_datetime(
        value.astimezone(BERLIN), patterns.get(style, style), locale=locale
    )


def berlin_date(value: datetime | date, style: str = "long") -> str:
    """The Berlin calendar day of ``value``: "short", "medium", "long", "full" or a pattern."""
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN).date()
    locale = get_locale()
    if str(locale) == "en":
        style = BRITISH_DATES.get(style, style)
    return dates.format_date(value, style, locale=locale)


def berlin_time(value: datetime) -> str:
    return dates.format_time(value.astimezone(BERLIN), "HH:mm", locale=get_locale())
