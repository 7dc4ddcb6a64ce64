"""Staff forms around the registrations of a date."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from startsmart.form_fields import Form, MaxLength
from startsmart.forms import CHOOSE_ONE, REQUIRED, UsableEmail, choices
from startsmart.municipalities.forms import (
    municipality_id_field,
    population_class_field,
    staff_municipality_fields,
)
from startsmart.registrations.service import MAX_QUESTION
from startsmart.registrations.staff_actions import MAX_REASON

MAX_SUBJECT = 200
MAX_TEXT = 5000


class ManualRegistrationForm(Form):
    """The public form's fields, without the privacy checkbox and consents: staff enter a
    person who asked by phone or mail; the person confirms nothing themselves."""

    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), MaxLength(200)])
    email = EmailField(
        _l("E-Mail-Adresse"),
        description=_l("Dorthin geht die Einladung mit dem Link, um die Anmeldung zu verwalten."),
        validators=[InputRequired(REQUIRED), MaxLength(254), UsableEmail()],
        render_kw={"spellcheck": "false"},
    )
    function = StringField(_l("Funktion"), validators=[Optional(), MaxLength(200)])
    municipality, state, municipality_kind = staff_municipality_fields()
    municipality_id = municipality_id_field()
    population_class = population_class_field()
    question = TextAreaField(
        _l("Frage für den Austausch"),
        validators=[Optional(), MaxLength(MAX_QUESTION)],
        render_kw={"rows": 4},
    )
    locale = SelectField(
        _l("Sprache der E-Mails"),
        choices=choices([("de", "Deutsch"), ("en", "English")]),
        default="de",
        validators=[InputRequired(CHOOSE_ONE)],
    )


class StaffMessageForm(Form):
    subject = StringField(
        _l("Betreff"), validators=[InputRequired(REQUIRED), MaxLength(MAX_SUBJECT)]
    )
    text = TextAreaField(
        _l("Nachricht"),
        description=_l(
            "Die Anrede („Guten Tag …“) und der Gruß werden automatisch ergänzt. "
            "Bitte keine Zugangsdaten oder vertraulichen Angaben."
        ),
        validators=[InputRequired(REQUIRED), MaxLength(MAX_TEXT)],
        render_kw={"rows": 10},
    )
    to_confirmed = BooleanField(_l("Bestätigte Anmeldungen"), default=True)
    to_pending = BooleanField(_l("Unbestätigte Anmeldungen (E-Mail-Adresse noch nicht bestätigt)"))
    to_waitlisted = BooleanField(_l("Warteliste"))


class StaffCancelForm(Form):
    """Cancel one registration at the person's request."""

    reason = TextAreaField(
        _l("Grund der Stornierung"),
        description=_l(
            "Für das Protokoll, z. B. „Anruf am 3.12.: erkrankt“. Die Person sieht ihn nicht."
        ),
        validators=[InputRequired(REQUIRED), MaxLength(MAX_REASON)],
        render_kw={"rows": 3},
    )
    notify = BooleanField(
        _l("Die Person per E-Mail informieren"),
        description=_l(
            "Sie erhält eine Bestätigung der Stornierung; eine Kalendereinladung wird damit "
            "zurückgezogen. Ohne E-Mail bleibt der Eintrag in ihrem Kalender stehen."
        ),
        default=True,
    )


class EmailChangeForm(Form):
    """Correct the address of one registration."""

    email = EmailField(
        _l("Neue E-Mail-Adresse"),
        validators=[InputRequired(REQUIRED), MaxLength(254), UsableEmail()],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    notify = BooleanField(_l("Die E-Mail zur Anmeldung an die neue Adresse schicken"), default=True)
