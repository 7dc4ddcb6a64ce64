"""Forms of the public consultation booking."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from startsmart.consultations.models import Channel
from startsmart.forms import enum_choices
from startsmart.municipalities.models import PopulationClass
from startsmart.registrations.forms import RegistrationForm

_REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SlotChoiceForm(FlaskForm):
    """Only the time and the channel: used for rescheduling."""

    starts_at = SelectField(
        _l("Termin"), choices=[], validators=[InputRequired(_l("Bitte wählen Sie einen Termin."))]
    )
    channel = SelectField(
        _l("Wie möchten Sie sprechen?"),
        choices=enum_choices(Channel),
        validators=[InputRequired(_REQUIRED)],
    )


class BookingForm(SlotChoiceForm):
    name = RegistrationForm.name
    email = RegistrationForm.email
    function = RegistrationForm.function
    municipality = RegistrationForm.municipality
    state = RegistrationForm.state
    municipality_kind = RegistrationForm.municipality_kind
    population_class = SelectField(
        _l("Einwohnerzahl (ungefähr)"),
        choices=enum_choices(PopulationClass, _l("Bitte wählen")),
        validators=[DataRequired(_l("Bitte wählen Sie die ungefähre Einwohnerzahl."))],
    )
    phone = TelField(
        _l("Telefonnummer"),
        description=_l("Nur nötig, wenn wir Sie anrufen sollen."),
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "tel"},
    )
    situation = TextAreaField(
        _l("Ausgangslage"),
        description=_l(
            "Wo steht Ihre Kommune beim Thema Smart City? Gibt es schon Beschlüsse, "
            "Projekte, zuständige Personen?"
        ),
        validators=[DataRequired(_REQUIRED), Length(max=4000)],
        render_kw={"rows": 5},
    )
    goals = TextAreaField(
        _l("Ziele und Fragen"),
        description=_l("Was möchten Sie erreichen? Welche Fragen bringen Sie mit?"),
        validators=[DataRequired(_REQUIRED), Length(max=4000)],
        render_kw={"rows": 5},
    )
    topics = CheckboxList(
        _l("Themen, die Sie interessieren"), coerce=int, choices=[], validators=[Optional()]
    )
    privacy = RegistrationForm.privacy
    website = RegistrationForm.website


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Möchten Sie uns einen Grund nennen? (freiwillig)"),
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 3},
    )


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the button is the confirmation."""
