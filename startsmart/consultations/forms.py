"""Forms of the public consultation booking."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from startsmart.consultations.models import Channel
from startsmart.form_fields import Form, MaxLength, PhoneNumber
from startsmart.forms import CHOOSE_ONE, REQUIRED, EnumSelectField
from startsmart.input_guard import database_int
from startsmart.municipalities.models import PopulationClass
from startsmart.registrations.forms import RegistrationForm


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _a_point_in_time(form, field) -> None:
    """The slot list is built from what is free when the form is answered, so a slot someone
    else took meanwhile is no longer among the choices. WTForms would then say only "not a
    valid choice"; the booking service says why (taken, too soon, not offered) and the
    page offers fresh slots. Here only the shape is checked."""
    if parse_start(field.data) is None:
        raise ValidationError(_l("Bitte wählen Sie einen Termin."))


def parse_start(value: str | None) -> datetime | None:
    """A slot's start as the form and the week links carry it (ISO 8601 with offset)."""
    # A "+01:00" typed or pasted into a URL arrives as " 01:00".
    try:
        parsed = datetime.fromisoformat((value or "").strip().replace(" ", "+"))
        # Year 1 or 9999 with an offset leaves datetime's range when converted.
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else None


class SlotChoiceForm(Form):
    """Only the time and the channel: used for rescheduling."""

    starts_at = SelectField(
        _l("Termin"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Bitte wählen Sie einen Termin.")), _a_point_in_time],
    )
    channel = EnumSelectField(
        _l("Wie möchten Sie sprechen?"),
        enum=Channel,
        validators=[InputRequired(CHOOSE_ONE)],
    )


class RescheduleForm(SlotChoiceForm):
    """A new time, and the number to call if it is to be a phone call."""

    phone = TelField(
        _l("Telefonnummer"),
        description=_l("Nur nötig, wenn wir Sie anrufen sollen."),
        validators=[Optional(), MaxLength(40), PhoneNumber()],
        render_kw={"autocomplete": "tel"},
    )


class BookingForm(RescheduleForm):
    # The registration form's fields, shared. Read off a class, the stubs type a field as
    # unbound; an instance holds it bound, which the annotations of those the views read say.
    name: StringField = RegistrationForm.name  # type: ignore[assignment]
    email: EmailField = RegistrationForm.email  # type: ignore[assignment]
    function: StringField = RegistrationForm.function  # type: ignore[assignment]
    municipality = RegistrationForm.municipality
    municipality_id = RegistrationForm.municipality_id
    state = RegistrationForm.state
    municipality_kind = RegistrationForm.municipality_kind
    population_class = EnumSelectField(
        _l("Einwohnerzahl (ungefähr)"),
        enum=PopulationClass,
        empty_label=_l("Bitte wählen"),
        validators=[DataRequired(_l("Bitte wählen Sie die ungefähre Einwohnerzahl."))],
    )
    situation = TextAreaField(
        _l("Ausgangslage"),
        description=_l(
            "Wo steht Ihre Kommune beim Thema Smart City? Gibt es schon Beschlüsse, "
            "Projekte, zuständige Personen?"
        ),
        validators=[DataRequired(REQUIRED), MaxLength(4000)],
        render_kw={"rows": 5},
    )
    goals = TextAreaField(
        _l("Ziele und Fragen"),
        description=_l("Was möchten Sie erreichen? Welche Fragen bringen Sie mit?"),
        validators=[DataRequired(REQUIRED), MaxLength(4000)],
        render_kw={"rows": 5},
    )
    topics = CheckboxList(
        _l("Themen, die Sie interessieren"),
        coerce=database_int,
        choices=[],
        validators=[Optional()],
    )
    privacy = RegistrationForm.privacy
    website: StringField = RegistrationForm.website  # type: ignore[assignment]


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Möchten Sie uns einen Grund nennen? (freiwillig)"),
        validators=[Optional(), MaxLength(1000)],
        render_kw={"rows": 3},
    )


class ConfirmForm(Form):
    """Only the CSRF token: the button is the confirmation."""
