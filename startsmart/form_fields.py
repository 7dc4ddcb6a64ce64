"""Shared form pieces: the base of every form, fields whose messages are ours (German first,
translatable) instead of WTForms' defaults, and putting a service's ``DomainError`` next to the
field it concerns.

An empty value is left to the field's validators (``InputRequired`` or ``Optional``), so a
required field that was left empty says exactly one thing: please fill it in.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import DateField, IntegerField, PasswordField, StringField, TextAreaField, TimeField
from wtforms.csrf.core import CSRF
from wtforms.validators import Length, ValidationError

from startsmart.errors import DomainError
from startsmart.input_guard import EARLIEST_DAY, LATEST_DAY

# Line breaks and other control characters (tab included): a browser strips line breaks from a
# one-line field itself, so only a hand-made request sends them.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(value):
    """A one-line field's text with every control character (line breaks, tabs) as a space:
    a name or a title stays one line in mail headers, calendars, lists and CSV cells."""
    return _CONTROLS.sub(" ", value) if isinstance(value, str) else value


class _TokenWhenShown:
    """A form's CSRF token, signed when a page shows it (``str``). Flask-WTF signs one for every
    form it builds, but a POST that succeeds ends in a redirect and never shows it (on the
    public registration, a tenth of the form's CPU time)."""

    __slots__ = ("_meta",)

    def __init__(self, meta):
        self._meta = meta

    def __str__(self) -> str:
        return generate_csrf(
            secret_key=self._meta.csrf_secret, token_key=self._meta.csrf_field_name
        )


class _CSRFWhenShown(CSRF):
    """The CSRF token field of every form, on WTForms' public ``CSRF`` base: Flask-WTF's token
    (``generate_csrf``), signed only when shown (``_TokenWhenShown``).

    The check is ``CSRFProtect``'s (``extensions.csrf``): it refuses every POST of the app
    without a valid token before the view runs, whichever field (prefixed forms too) or
    header carries it, so the form does not check again. No view with a form is exempt;
    ``tests/hostile/test_csrf.py`` posts to every route without a token."""

    def setup_form(self, form):
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return _TokenWhenShown(self.meta)

    def validate_csrf_token(self, form, field):
        """Already done by ``CSRFProtect`` for this request (see the class)."""


class Form(FlaskForm):
    """The base of every form: one-line text fields (names, titles, places, addresses, phone
    numbers) hold one line, whatever a client sends. Text areas keep their line breaks;
    passwords are taken exactly as typed. The CSRF token is made only for a page that
    shows it."""

    class Meta(FlaskForm.Meta):
        csrf_class = _CSRFWhenShown

        def bind_field(self, form, unbound_field, options):
            kind = unbound_field.field_class
            if issubclass(kind, StringField) and not issubclass(
                kind, (TextAreaField, PasswordField)
            ):
                filters = [*unbound_field.kwargs.get("filters", ()), single_line]
                return unbound_field.bind(form=form, filters=filters, **options)
            return super().bind_field(form, unbound_field, options)


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show the service's message next to its field, or above the form if it names none."""
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(error.message)
    if field is not None:
        # A question back goes with its field: which of several municipalities of the name
        # typed is meant (municipalities.service.AmbiguousMunicipality, asked by the
        # municipality_fieldset macro).
        field.candidates = getattr(error, "candidates", [])


class MaxLength(Length):
    """At most ``limit`` characters: checked before anything reaches the database (whose
    columns are never shorter), and the page announces the limit (``maxlength``). The message
    says what is wrong, the limit and how much was typed; the field keeps the text."""

    def __init__(self, limit: int):
        super().__init__(max=limit)

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.max:
            raise ValidationError(
                _(
                    "Dieser Text ist zu lang: erlaubt sind höchstens %(max)s Zeichen, "
                    "eingegeben sind %(length)s. Bitte kürzen Sie ihn.",
                    max=format_number(self.max),
                    length=format_number(length),
                )
            )


# What mail programs turn into a link by themselves: a scheme, "www.", an e-mail address, a
# host with a path, or a bare host under a common top-level domain ("Dr. Müller" or "St. Ingbert"
# are none of these: a dot before a space is not a host).
_LINK_LIKE = re.compile(
    r"[a-z][a-z0-9+.\-]*://|\bwww\.|@|[\w\-]+\.[a-z]{2,}/"
    r"|\b[\w\-]+\.(?:de|com|net|org|eu|info|io|biz|app|online|site|link|xyz|example)\b",
    re.IGNORECASE,
)


class NoLinks:
    """A name, function or municipality holds no web or e-mail address: those fields reach mails
    that go out from the KTS mailbox, where an address would look like ours."""

    def __call__(self, form, field):
        if _LINK_LIKE.search(field.data or ""):
            raise ValidationError(
                _("Bitte geben Sie hier keine Internet- oder E-Mail-Adresse ein, nur den Namen.")
            )


_PHONE = re.compile(r"[0-9+()/.\- ]+")


class PhoneNumber:
    """Digits and what people write between them (+, brackets, slash, dash, dot, spaces)."""

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if value and (not _PHONE.fullmatch(value) or sum(c.isdigit() for c in value) < 4):
            raise ValidationError(
                _(
                    "Bitte geben Sie die Telefonnummer nur mit Ziffern an, z. B. 0431 123456 "
                    "oder +49 431 123456."
                )
            )


class DayField(DateField):
    """A calendar day: the browser's date picker sends YYYY-MM-DD; typed TT.MM.JJJJ works too."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d.%m.%Y"])
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        for fmt in self.strptime_format:
            try:
                day = datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            if not EARLIEST_DAY <= day <= LATEST_DAY:
                # Year 1 or 9999 are valid dates to Python, but a time zone or a day more
                # makes them overflow: nothing that far off is planned here.
                self.data = None
                raise ValueError(
                    _(
                        "Bitte geben Sie ein Datum zwischen %(first)s und %(last)s an.",
                        first=EARLIEST_DAY.strftime("%d.%m.%Y"),
                        last=LATEST_DAY.strftime("%d.%m.%Y"),
                    )
                )
            self.data = day
            return
        self.data = None
        raise ValueError(_l("Bitte geben Sie ein gültiges Datum an, z. B. 24.03.2027."))


class ClockField(TimeField):
    """A time of day, HH:MM (24 hours)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%H:%M", "%H:%M:%S", "%H.%M"])
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        for fmt in self.strptime_format:
            try:
                self.data = datetime.strptime(text, fmt).time()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_l("Bitte geben Sie eine gültige Uhrzeit an, z. B. 09:30."))


class WholeNumberField(IntegerField):
    """A whole number; pair it with ``NumberRange`` so nothing overflows the database column."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(_l("Bitte geben Sie eine ganze Zahl an, z. B. 25.")) from None
