"""Staff forms: a conference, a session of its programme; and the text and number fields the
speed-dating forms share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from startsmart.catalog.staff_forms import note_en_field, note_field
from startsmart.conferences.choices import FIELD_PREFIX as WORKSHOP_FIELD_PREFIX
from startsmart.conferences.models import SessionKind
from startsmart.form_fields import ClockField, DayField, Form, MaxLength, NoLinks, WholeNumberField
from startsmart.forms import CHOOSE_ONE, ENGLISH_HINT, REQUIRED, EnumSelectField, Filled
from startsmart.i18n import berlin_time
from startsmart.input_guard import database_int
from startsmart.repeated_hour import DST_HINT, RepeatedHourField


def text_field(label, max_length, required=True, **kwargs):
    """A one-line text field with its limit, required unless told."""
    validators = [InputRequired(REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*validators, MaxLength(max_length)], **kwargs)


def english_title_field(max_length: int = 200):
    """The optional English title of a programme item or a material."""
    return text_field(_l("Titel (Englisch)"), max_length, required=False, description=ENGLISH_HINT)


def number_field(label, minimum, maximum, required=True, **kwargs):
    """A whole number from ``minimum`` to ``maximum``, required unless told."""
    message = _l("Bitte geben Sie eine Zahl von %(min)d bis %(max)d an.", min=minimum, max=maximum)
    first = InputRequired(REQUIRED) if required else Optional()
    return WholeNumberField(
        label,
        validators=[first, NumberRange(minimum, maximum, message)],
        render_kw={"inputmode": "numeric"},
        **kwargs,
    )


class ConferenceForm(Form):
    title = text_field(
        _l("Titel (Deutsch)"), 200, description=_l("Zum Beispiel: Regionalkonferenz Nord")
    )
    title_en = text_field(_l("Titel (Englisch)"), 200, required=False, description=ENGLISH_HINT)
    day = DayField(_l("Datum"), validators=[Filled(REQUIRED)])
    starts = ClockField(_l("Beginn (Uhrzeit)"), validators=[Filled(REQUIRED)], description=DST_HINT)
    ends = ClockField(_l("Ende (Uhrzeit)"), validators=[Filled(REQUIRED)])
    city = text_field(_l("Stadt"), 120)
    venue = text_field(_l("Veranstaltungsort"), 300, description=_l("Gebäude und Anschrift."))
    description = TextAreaField(
        _l("Programm (Deutsch)"),
        description=_l("Ablauf und Inhalte; Absätze durch eine Leerzeile trennen."),
        validators=[Optional(), MaxLength(10000)],
        render_kw={"rows": 8},
    )
    description_en = TextAreaField(
        _l("Programm (Englisch)"),
        description=ENGLISH_HINT,
        validators=[Optional(), MaxLength(10000)],
        render_kw={"rows": 8},
    )
    # The note of the conference's date, as on any date (the same fields and rule).
    note = note_field(
        _l(
            "Optional, ein bis zwei Sätze, z. B. „Bitte bringen Sie Ihren Personalausweis mit.“ "
            "Steht auf der Seite der Konferenz, der Anmeldeseite und in den E-Mails und "
            "Kalendereinträgen, die danach verschickt werden."
        )
    )
    note_en = note_en_field()
    capacity = number_field(_l("Plätze"), 0, 10_000, default=120)
    deadline_day = DayField(_l("Anmeldeschluss: Datum"), validators=[Optional()])
    deadline_time = ClockField(
        _l("Anmeldeschluss: Uhrzeit"),
        validators=[Optional()],
        description=_l("Beide Felder leer lassen: ein Tag vor Beginn, zur selben Uhrzeit."),
    )
    choices_day = DayField(_l("Workshopwahl bis: Datum"), validators=[Optional()])
    choices_time = ClockField(
        _l("Workshopwahl bis: Uhrzeit"),
        validators=[Optional()],
        description=_l(
            "Bis dahin ändern Angemeldete ihre Workshops selbst. Beide Felder leer lassen: "
            "am Vortag der Konferenz um 23:59 Uhr."
        ),
    )
    repeated_hour = RepeatedHourField()


class SessionForm(Form):
    """One item of the programme."""

    kind = EnumSelectField(
        _l("Art des Programmpunkts"), enum=SessionKind, validators=[InputRequired(CHOOSE_ONE)]
    )
    title = text_field(_l("Titel (Deutsch)"), 200)
    title_en = english_title_field()
    day = DayField(_l("Datum"), validators=[Filled(REQUIRED)])
    starts = ClockField(_l("Beginn (Uhrzeit)"), validators=[Filled(REQUIRED)], description=DST_HINT)
    ends = ClockField(_l("Ende (Uhrzeit)"), validators=[Filled(REQUIRED)])
    room = text_field(
        _l("Raum"), 200, required=False, description=_l("Zum Beispiel: Großer Saal, Raum 2.14")
    )
    speakers = TextAreaField(
        _l("Referierende und Moderation"),
        description=_l("Eine Person pro Zeile, zum Beispiel: Dr. Jana Beispiel, Stadt Ulm"),
        validators=[Optional(), MaxLength(2000), NoLinks()],
        render_kw={"rows": 3},
    )
    description = TextAreaField(
        _l("Beschreibung (Deutsch)"),
        validators=[Optional(), MaxLength(5000)],
        render_kw={"rows": 4},
    )
    description_en = TextAreaField(
        _l("Beschreibung (Englisch)"),
        description=ENGLISH_HINT,
        validators=[Optional(), MaxLength(5000)],
        render_kw={"rows": 4},
    )
    capacity = number_field(
        _l("Begrenzte Plätze"),
        1,
        10_000,
        required=False,
        description=_l("Nur bei Workshops und World Café; leer lassen, wenn nicht begrenzt."),
    )
    position = number_field(
        _l("Reihenfolge"),
        0,
        999,
        required=False,
        description=_l("Bei Programmpunkten zur selben Zeit steht die kleinere Zahl vorn."),
    )
    repeated_hour = RepeatedHourField()


def workshop_form(form_class, slots):
    """``form_class`` with one field per slot with a choice (``choices.ChoiceSlot``), named
    ``slot.field``: the chosen session's id, shown as a group of radio buttons
    (``conferences/_workshop_choice.html``). Checked by the service, which says which slot
    is wrong; the field keeps what was sent."""
    if not slots:
        return form_class()

    fields = {
        slot.field: StringField(
            _l("Programmpunkt ab %(time)s Uhr", time=berlin_time(slot.starts_at)),
            validators=[Optional()],
        )
        for slot in slots
    }
    with_workshops = type("WithWorkshops", (form_class,), fields)
    return with_workshops()


def workshop_values(form) -> dict[str, str | None] | None:
    """What the form's workshop fields hold (field name → value); None without any."""
    values = {
        field.name: field.data for field in form if field.name.startswith(WORKSHOP_FIELD_PREFIX)
    }
    return values or None


def _picked(label):
    """A drop-down of ids the view fills in; the service says what is wrong with a tampered
    id, so the choices are not checked here."""
    return SelectField(
        label, choices=[], validate_choice=False, validators=[InputRequired(CHOOSE_ONE)]
    )


def picked_id(field) -> int:
    """The id chosen in a ``_picked`` drop-down; -1 for anything that is no id (no row has
    it: the service says so)."""
    try:
        return database_int(field.data)
    except ValueError:
        return -1


def _beyond_capacity(hint):
    return BooleanField(_l("Auch über die Platzzahl hinaus"), description=hint)


class MoveForm(Form):
    """Staff move one person to another session of the same time slot."""

    target = _picked(_l("In den Programmpunkt"))
    override = _beyond_capacity(
        _l("Nur wenn der Raum mehr Menschen fasst als Plätze angeboten sind.")
    )


class AssignForm(Form):
    """Staff enter a person who chose nothing in this time slot."""

    registration = _picked(_l("Person ohne Wahl in diesem Zeitfenster"))
    override = _beyond_capacity(
        _l("Ist der Programmpunkt voll, kommt die Person sonst ans Ende der Warteliste.")
    )


class MoveAllForm(Form):
    """Staff move everybody of a session to another of its time slot, then delete it."""

    target = _picked(_l("Alle verschieben in den Programmpunkt"))
    override = _beyond_capacity(
        _l(
            "Sonst erhalten Plätze nur, solange welche frei sind; die übrigen kommen in ihrer "
            "Reihenfolge ans Ende der Warteliste."
        )
    )
    confirm = BooleanField(
        _l("Ja, alle verschieben und diesen Programmpunkt löschen"),
        validators=[
            InputRequired(
                _l(
                    "Bitte bestätigen Sie, dass alle verschoben werden und der Programmpunkt "
                    "gelöscht wird."
                )
            )
        ],
    )
