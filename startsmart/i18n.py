"""Language: German by default, English on request; times shown in Europe/Berlin."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, url_for
from flask_babel import format_date, format_datetime, format_time, get_locale
from markupsafe import Markup

from startsmart.bilingual import choose, is_german_fallback, text_of
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
    # ``localized(offering, "title")``; on HTML pages the macro ``text_in_language`` also
    # marks a German fallback.
    app.add_template_global(localized, "localized")
    app.add_template_global(in_language, "in_language_element")
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
    (WCAG 3.1.2: screen readers switch their voice). The macro ``in_language`` of
    ``templates/macros/language.html`` and form labels (``localized_label``) use it."""
    locale = current_locale()
    attributes = Markup(' lang="de"') if is_german_fallback(english, locale) else Markup("")
    if css:
        attributes += Markup(' class="{}"').format(css)
    text = choose(german, english, locale)
    return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), attributes, text)


def localized_label(record: object, name: str) -> Markup:
    """``record.<name>`` as a choice's label (a topic's name): ``in_language``."""
    return in_language(str(getattr(record, name)), getattr(record, f"{name}_en", ""))


# Times are stored in UTC and shown in Berlin time. The conversion uses zoneinfo here rather
# than Babel's rebase, which goes through pytz and loses summer time after 2037. Views and
# services that put a time into a message use these too, so it reads like the page around it.
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
    patterns = DATETIME_PATTERNS.get(str(get_locale()), DATETIME_PATTERNS["de"])
    return format_datetime(value.astimezone(BERLIN), patterns.get(style, style), rebase=False)


def berlin_date(value: datetime | date, style: str = "long") -> str:
    """The Berlin calendar day of ``value``: "short", "medium", "long", "full" or a pattern."""
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN).date()
    if str(get_locale()) == "en":
        style = BRITISH_DATES.get(style, style)
    return format_date(value, style)


def berlin_time(value: datetime) -> str:
    return format_time(value.astimezone(BERLIN), "HH:mm", rebase=False)
