"""Staff forms around the registrations of a date."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from startsmart.form_fields import Form, MaxLength
from startsmart.forms import UsableEmail, choices, enum_choices
from startsmart.municipalities.models import FederalState, MunicipalityKind, PopulationClass
from startsmart.registrations.service import MAX_QUESTION

_REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
MAX_SUBJECT = 200
MAX_TEXT = 5000


class ManualRegistrationForm(Form):
    """The public form's fields, without the privacy checkbox and consents: staff enter a
    person who asked by phone or mail; the person confirms nothing themselves."""

    name = StringField(_l("Name"), validators=[InputRequired(_REQUIRED), MaxLength(200)])
    email = EmailField(
        _l("E-Mail-Adresse"),
        description=_l("Dorthin geht die Einladung mit dem Link, um die Anmeldung zu verwalten."),
        validators=[InputRequired(_REQUIRED), MaxLength(254), UsableEmail()],
        render_kw={"spellcheck": "false"},
    )
    function = StringField(_l("Funktion"), validators=[Optional(), MaxLength(200)])
    municipality = StringField(
        _l("Kommune"),
        validators=[InputRequired(_REQUIRED), MaxLength(200)],
        render_kw={"list": "known-municipalities", "autocomplete": "off"},
    )
    state = SelectField(
        _l("Bundesland"),
        choices=enum_choices(FederalState, _l("Bitte wählen")),
        validators=[InputRequired(_REQUIRED)],
    )
    municipality_kind = SelectField(
        _l("Art der Kommune"),
        description=_l("Nur nötig, wenn die Kommune noch nicht bekannt ist."),
        choices=enum_choices(MunicipalityKind, _l("– bitte wählen, falls neu –")),
        validators=[Optional()],
    )
    population_class = SelectField(
        _l("Einwohnerzahl (ungefähr)"),
        choices=enum_choices(PopulationClass, _l("– keine Angabe –")),
        validators=[Optional()],
    )
    question = TextAreaField(
        _l("Frage für den Austausch"),
        validators=[Optional(), MaxLength(MAX_QUESTION)],
        render_kw={"rows": 4},
    )
    locale = SelectField(
        _l("Sprache der E-Mails"),
        choices=choices([("de", "Deutsch"), ("en", "English")]),
        default="de",
        validators=[InputRequired(_REQUIRED)],
    )


class StaffMessageForm(Form):
    subject = StringField(
        _l("Betreff"), validators=[InputRequired(_REQUIRED), MaxLength(MAX_SUBJECT)]
    )
    text = TextAreaField(
        _l("Nachricht"),
        description=_l(
            "Die Anrede („Guten Tag …“) und der Gruß werden automatisch ergänzt. "
            "Bitte keine Zugangsdaten oder vertraulichen Angaben."
        ),
        validators=[InputRequired(_REQUIRED), MaxLength(MAX_TEXT)],
        render_kw={"rows": 10},
    )
    to_confirmed = BooleanField(_l("Bestätigte Anmeldungen"), default=True)
    to_pending = BooleanField(_l("Unbestätigte Anmeldungen (E-Mail-Adresse noch nicht bestätigt)"))
    to_waitlisted = BooleanField(_l("Warteliste"))
