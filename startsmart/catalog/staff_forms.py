"""Staff forms for offerings and their dates. Times are entered in Berlin local time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from startsmart.catalog.models import EventDateStatus, OfferingFormat
from startsmart.form_fields import ClockField, DayField, Form, MaxLength, WholeNumberField
from startsmart.forms import CHOOSE_ONE, ENGLISH_HINT, REQUIRED, Filled, choices, enum_choices
from startsmart.input_guard import database_int
from startsmart.repeated_hour import DST_HINT, RepeatedHourField

MAX_CAPACITY = 10_000
MAX_DURATION = 24 * 60
MAX_LIMIT = 1_000


def _text(label, max_length, required=True, **kwargs):
    validators = [InputRequired(REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*validators, MaxLength(max_length)], **kwargs)


def _number(label, minimum, maximum, required=True, **kwargs):
    message = _l("Bitte geben Sie eine Zahl von %(min)d bis %(max)d an.", min=minimum, max=maximum)
    first = InputRequired(REQUIRED) if required else Optional()
    return WholeNumberField(
        label, validators=[first, NumberRange(minimum, maximum, message)], **kwargs
    )


class OfferingForm(Form):
    title = _text(_l("Titel (Deutsch)"), 200)
    title_en = _text(_l("Titel (Englisch)"), 200, required=False, description=ENGLISH_HINT)
    summary = TextAreaField(
        _l("Kurzbeschreibung (Deutsch)"),
        description=_l("Ein bis zwei Sätze für Listen und Kalendereinträge."),
        validators=[InputRequired(REQUIRED), MaxLength(500)],
        render_kw={"rows": 2},
    )
    summary_en = TextAreaField(
        _l("Kurzbeschreibung (Englisch)"),
        description=ENGLISH_HINT,
        validators=[Optional(), MaxLength(500)],
        render_kw={"rows": 2},
    )
    description = TextAreaField(
        _l("Beschreibung (Deutsch)"),
        description=_l("Absätze durch eine Leerzeile trennen."),
        validators=[InputRequired(REQUIRED), MaxLength(5000)],
        render_kw={"rows": 8},
    )
    description_en = TextAreaField(
        _l("Beschreibung (Englisch)"),
        description=ENGLISH_HINT,
        validators=[Optional(), MaxLength(5000)],
        render_kw={"rows": 8},
    )
    topics = SelectMultipleField(
        _l("Themen"),
        coerce=database_int,
        validate_choice=False,  # the service checks the ids, with a message of ours
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    new_topic = _text(
        _l("Neues Thema (Deutsch)"),
        120,
        required=False,
        description=_l("Optional: ein Thema, das es noch nicht gibt; es wird gleich zugeordnet."),
    )
    new_topic_en = _text(
        _l("Neues Thema (Englisch)"), 120, required=False, description=ENGLISH_HINT
    )
    default_capacity = _number(
        _l("Plätze je Termin (Vorgabe)"),
        0,
        MAX_CAPACITY,
        default=30,
        description=_l("Neue Termine übernehmen diese Zahl; sie lässt sich je Termin ändern."),
    )
    default_duration_minutes = _number(
        _l("Dauer in Minuten (Vorgabe)"),
        1,
        MAX_DURATION,
        default=90,
        description=_l("Ergibt das Ende eines neuen Termins, wenn keine Endzeit angegeben ist."),
    )
    per_municipality_limit = _number(
        _l("Höchstens Personen je Kommune und Termin"),
        1,
        MAX_LIMIT,
        default=2,
        description=_l("Damit viele Kommunen teilnehmen können; je Termin änderbar."),
    )
    default_join_url = _text(
        _l("Link zur Videokonferenz (Vorgabe)"),
        500,
        required=False,
        description=_l(
            "Beginnt mit https://. Gilt für Online-Termine ohne eigenen Link; eine Änderung "
            "schicken wir den bestätigten Teilnehmenden als Kalender-Aktualisierung."
        ),
        render_kw={"spellcheck": "false", "inputmode": "url"},
    )


class TopicForm(Form):
    name = _text(_l("Name des Themas (Deutsch)"), 120)
    name_en = _text(_l("Name des Themas (Englisch)"), 120, required=False, description=ENGLISH_HINT)


def _catalogue_formats():
    # A regional conference's offering is made with the conference (conferences.service).
    return [c for c in enum_choices(OfferingFormat)() if c.value != OfferingFormat.CONFERENCE]


class OfferingCreateForm(OfferingForm):
    format = SelectField(
        _l("Format"),
        choices=_catalogue_formats,
        validators=[InputRequired(CHOOSE_ONE)],
    )


def _status_choices():
    return choices((s.value, s.label) for s in (EventDateStatus.DRAFT, EventDateStatus.PUBLISHED))


def _day():
    return DayField(_l("Datum"), validators=[Filled(REQUIRED)])


def _starts():
    return ClockField(_l("Beginn (Uhrzeit)"), validators=[Filled(REQUIRED)], description=DST_HINT)


def _online_url():
    return _text(
        _l("Link zur Online-Veranstaltung"),
        500,
        required=False,
        description=_l(
            "Beginnt mit https://. Ein Ort oder ein Link ist nötig (leer: der Link des "
            "Angebots); nur bestätigte Teilnehmende sehen ihn."
        ),
        render_kw={"spellcheck": "false", "inputmode": "url"},
    )


def _venue():
    return _text(
        _l("Ort"), 300, required=False, description=_l("Anschrift, wenn der Termin vor Ort ist.")
    )


def _capacity(description=None):
    return _number(_l("Plätze"), 0, MAX_CAPACITY, description=description)


def _deadline_day():
    return DayField(_l("Anmeldeschluss: Datum"), validators=[Optional()])


def _deadline_time():
    return ClockField(
        _l("Anmeldeschluss: Uhrzeit"),
        validators=[Optional()],
        description=_l("Beide Felder leer lassen: ein Tag vor Beginn, zur selben Uhrzeit."),
    )


def _date_limit():
    return _number(
        _l("Höchstens Personen je Kommune"),
        1,
        MAX_LIMIT,
        required=False,
        description=_l("Leer lassen: die Vorgabe des Angebots."),
    )


def _status():
    return SelectField(
        _l("Status"),
        choices=_status_choices,
        validators=[InputRequired(CHOOSE_ONE)],
        description=_l("Entwürfe sehen nur Mitarbeitende; veröffentlichte Termine alle."),
    )


def note_field(description=None):
    """A date's note in German (``EventDate.note``; ``staff_dates.note`` checks it with the
    English one); ``description`` says where it shows, the catalogue's places by default."""
    return TextAreaField(
        _l("Hinweis zum Termin (Deutsch)"),
        description=description
        or _l(
            "Optional, ein bis zwei Sätze, z. B. „Bitte halten Sie eine Kamera bereit.“ Steht im "
            "Katalog, auf der Anmeldeseite und in den E-Mails und Kalendereinträgen, die danach "
            "verschickt werden."
        ),
        validators=[Optional(), MaxLength(500)],
        render_kw={"rows": 2},
    )


def note_en_field():
    """The date's note in English (``EventDate.note_en``), beside the German one."""
    return TextAreaField(
        _l("Hinweis zum Termin (Englisch)"),
        description=ENGLISH_HINT,
        validators=[Optional(), MaxLength(500)],
        render_kw={"rows": 2},
    )


class DateCreateForm(Form):
    day = _day()
    starts = _starts()
    ends = ClockField(
        _l("Ende (Uhrzeit)"),
        validators=[Optional()],
        description=_l("Leer lassen: Beginn plus die Dauer des Angebots."),
    )
    online_url = _online_url()
    venue = _venue()
    capacity = _capacity()
    per_municipality_limit = _date_limit()
    deadline_day = _deadline_day()
    deadline_time = _deadline_time()
    status = _status()
    note = note_field()
    note_en = note_en_field()
    repeated_hour = RepeatedHourField()


class DatePlaceForm(Form):
    day = _day()
    starts = _starts()
    ends = ClockField(_l("Ende (Uhrzeit)"), validators=[Filled(REQUIRED)])
    online_url = _online_url()
    venue = _venue()
    repeated_hour = RepeatedHourField()


class DateCapacityForm(Form):
    capacity = _capacity(
        _l(
            "Mindestens so viele, wie schon vergeben sind. Zusätzliche Plätze gehen sofort an "
            "die Warteliste."
        )
    )


class DateDetailsForm(Form):
    deadline_day = _deadline_day()
    deadline_time = _deadline_time()
    per_municipality_limit = _date_limit()
    status = _status()
    note = note_field()
    note_en = note_en_field()
    repeated_hour = RepeatedHourField()


class DateCancelForm(Form):
    message = TextAreaField(
        _l("Nachricht an die Angemeldeten"),
        description=_l("Warum der Termin ausfällt und ob es einen Ersatztermin gibt."),
        validators=[InputRequired(REQUIRED), MaxLength(2000)],
        render_kw={"rows": 5},
    )
