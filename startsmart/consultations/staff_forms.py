"""Staff forms around consultations: hours, notes, hand-over, cancelling, booking by phone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import InputRequired, Optional

from startsmart import join_links
from startsmart.consultations.availability_service import MAX_NOTE, WEEKDAYS
from startsmart.consultations.forms import CheckboxList
from startsmart.consultations.models import Channel
from startsmart.form_fields import ClockField, DayField, Form, MaxLength, PhoneNumber
from startsmart.forms import (
    CHOOSE_ONE,
    REQUIRED,
    Filled,
    UsableEmail,
    choices,
    enum_choices,
    int_or_none,
)
from startsmart.input_guard import database_int
from startsmart.municipalities.forms import municipality_id_field, staff_municipality_fields
from startsmart.repeated_hour import DST_HINT, RepeatedHourField

GRID_HINT = _l(
    "Berliner Ortszeit, jede Uhrzeit ist möglich. Beratungen dauern eine Stunde und beginnen "
    "immer zur vollen oder halben Stunde; ein Fenster von 09:15 bis 12:00 Uhr bietet also "
    "Termine um 09:30, 10:00 … 11:00 Uhr."
)


def _channels(label, default):
    return CheckboxList(
        label, choices=enum_choices(Channel), default=default, validate_choice=False
    )


class WeeklyHoursForm(Form):
    weekday = SelectField(
        _l("Wochentag"),
        choices=lambda: choices(enumerate(WEEKDAYS)),
        coerce=int_or_none,
        validate_choice=False,  # the service says "please choose a weekday"
        validators=[InputRequired(CHOOSE_ONE)],
    )
    start = ClockField(_l("Beginn"), validators=[Filled(REQUIRED)], description=GRID_HINT)
    end = ClockField(_l("Ende"), validators=[Filled(REQUIRED)])
    channels = _channels(_l("Art des Gesprächs"), ["video", "phone"])


class AbsenceForm(Form):
    first_day = DayField(_l("Erster Tag"), validators=[Filled(REQUIRED)])
    last_day = DayField(
        _l("Letzter Tag"),
        validators=[Filled(REQUIRED)],
        description=_l("Für einen einzelnen Tag: zweimal dasselbe Datum."),
    )
    note = StringField(
        _l("Notiz"),
        description=_l("Nur intern sichtbar, z. B. Urlaub oder Dienstreise."),
        validators=[Optional(), MaxLength(MAX_NOTE)],
    )


class ExtraHoursForm(Form):
    day = DayField(_l("Datum"), validators=[Filled(REQUIRED)])
    start = ClockField(_l("Beginn"), validators=[Filled(REQUIRED)], description=DST_HINT)
    end = ClockField(_l("Ende"), validators=[Filled(REQUIRED)])
    channels = _channels(_l("Art des Gesprächs"), ["on_site"])
    conference = SelectField(
        _l("Regionalkonferenz"),
        description=_l(
            "Optional. Dann erscheinen die Termine auf der Seite der Konferenz; das Fenster "
            "muss innerhalb der Konferenzzeit liegen."
        ),
        coerce=int_or_none,
        validate_choice=False,
        validators=[Optional()],
    )
    label = StringField(
        _l("Bezeichnung"),
        description=_l("Optional, nur intern sichtbar."),
        validators=[Optional(), MaxLength(MAX_NOTE)],
    )
    repeated_hour = RepeatedHourField()


class NotesForm(Form):
    notes = TextAreaField(
        _l("Notizen"),
        description=_l("Nur intern sichtbar; gehen nicht an die Kommune."),
        validators=[Optional(), MaxLength(20000)],
        render_kw={"rows": 8},
    )
    recommended = CheckboxList(
        _l("Empfohlene Termine"), coerce=database_int, choices=[], validate_choice=False
    )


class ReassignForm(Form):
    advisor = SelectField(
        _l("Übergeben an"),
        coerce=int_or_none,
        validate_choice=False,
        validators=[InputRequired(_l("Bitte wählen Sie eine Person."))],
    )


class StaffCancelForm(Form):
    reason = TextAreaField(
        _l("Grund (geht an die Kommune)"),
        validators=[InputRequired(REQUIRED), MaxLength(1000)],
        render_kw={"rows": 4},
    )


class StaffBookingForm(Form):
    """As short as the phone call allows: slot, municipality, contact, a note."""

    # Not checked against the choices: a slot taken since the page was shown gets the booking
    # service's clear message (and fresh choices) instead of "not a valid choice".
    starts_at = SelectField(
        _l("Termin"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Bitte wählen Sie einen Termin."))],
    )
    municipality, state, municipality_kind = staff_municipality_fields()
    municipality_id = municipality_id_field()
    name = StringField(
        _l("Name der Ansprechperson"), validators=[InputRequired(REQUIRED), MaxLength(200)]
    )
    email = EmailField(
        _l("E-Mail-Adresse"),
        description=_l("Dorthin geht die Einladung mit dem Link, um den Termin zu verwalten."),
        validators=[InputRequired(REQUIRED), MaxLength(254), UsableEmail()],
        render_kw={"spellcheck": "false"},
    )
    phone = TelField(
        _l("Telefonnummer"),
        description=_l("Nur für Telefongespräche nötig."),
        validators=[Optional(), MaxLength(40), PhoneNumber()],
    )
    situation = TextAreaField(
        _l("Notiz zur Ausgangslage"),
        description=_l("Optional; die Beraterin oder der Berater sieht sie in der Einladung."),
        validators=[Optional(), MaxLength(4000)],
        render_kw={"rows": 3},
    )
    override = BooleanField(
        _l("Regel überschreiben"),
        description=_l(
            "Trotzdem buchen, auch wenn die Kommune schon eine Initialberatung hatte (eine je "
            "Jahr) oder ein gefördertes Modellprojekt ist. Wird an der Beratung vermerkt."
        ),
    )


def _link_field(label, description):
    return StringField(
        label,
        description=description,
        validators=[Optional(), MaxLength(join_links.MAX_LENGTH)],
        render_kw={"spellcheck": "false", "inputmode": "url", "autocomplete": "url"},
    )


class JoinLinkForm(Form):
    join_url = _link_field(
        _l("Link zur Videokonferenz"),
        _l(
            "Beginnt mit https://. Leer lassen: der persönliche Videoraum der Beraterin oder "
            "des Beraters. Die Kommune erhält den Link mit einer Kalender-Aktualisierung."
        ),
    )


class RoomForm(Form):
    room_url = _link_field(
        _l("Persönlicher Videoraum"),
        _l(
            "Beginnt mit https://. Gilt für alle Videoberatungen ohne eigenen Link; bestätigte "
            "kommende Beratungen erhalten eine Kalender-Aktualisierung."
        ),
    )
