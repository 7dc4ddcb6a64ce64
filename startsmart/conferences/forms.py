"""Staff forms: a conference, its speed-dating settings, a walk-in, a re-plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from startsmart.catalog.staff_forms import DST_HINT
from startsmart.form_fields import ClockField, DayField, Form, MaxLength, WholeNumberField
from startsmart.forms import EnumSelectField, choices
from startsmart.municipalities.models import FederalState

_REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")


def _text(label, max_length, required=True, **kwargs):
    validators = [InputRequired(_REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*validators, MaxLength(max_length)], **kwargs)


def _number(label, minimum, maximum, required=True, **kwargs):
    message = _l("Bitte geben Sie eine Zahl von %(min)d bis %(max)d an.", min=minimum, max=maximum)
    first = InputRequired(_REQUIRED) if required else Optional()
    return WholeNumberField(
        label,
        validators=[first, NumberRange(minimum, maximum, message)],
        render_kw={"inputmode": "numeric"},
        **kwargs,
    )


class ConferenceForm(Form):
    title = _text(_l("Titel"), 200, description=_l("Zum Beispiel: Regionalkonferenz Nord"))
    day = DayField(_l("Datum"), validators=[InputRequired(_REQUIRED)])
    starts = ClockField(
        _l("Beginn (Uhrzeit)"), validators=[InputRequired(_REQUIRED)], description=DST_HINT
    )
    ends = ClockField(_l("Ende (Uhrzeit)"), validators=[InputRequired(_REQUIRED)])
    city = _text(_l("Stadt"), 120)
    venue = _text(_l("Veranstaltungsort"), 300, description=_l("Gebäude und Anschrift."))
    description = TextAreaField(
        _l("Programm"),
        description=_l("Ablauf und Inhalte; Absätze durch eine Leerzeile trennen."),
        validators=[Optional(), MaxLength(10000)],
        render_kw={"rows": 8},
    )
    capacity = _number(_l("Plätze"), 0, 10_000, default=120)
    deadline_day = DayField(_l("Anmeldeschluss: Datum"), validators=[Optional()])
    deadline_time = ClockField(
        _l("Anmeldeschluss: Uhrzeit"),
        validators=[Optional()],
        description=_l("Beide Felder leer lassen: ein Tag vor Beginn, zur selben Uhrzeit."),
    )


def _table_sizes():
    return choices([("2", _l("2 (Paare)")), ("3", "3"), ("4", "4")])


class SpeedDatingForm(Form):
    starts = ClockField(
        _l("Beginn (Uhrzeit)"),
        validators=[InputRequired(_REQUIRED)],
        description=_l("Am Tag der Konferenz, Berliner Ortszeit."),
    )
    total_minutes = _number(_l("Gesamtdauer in Minuten"), 5, 240, default=45)
    round_minutes = _number(_l("Länge einer Runde in Minuten"), 1, 30, default=3)
    changeover_minutes = _number(
        _l("Wechselzeit zwischen zwei Runden in Minuten"), 0, 10, default=1
    )
    table_size = SelectField(
        _l("Personen je Tisch"),
        choices=_table_sizes,
        default="2",
        validators=[InputRequired(_REQUIRED)],
    )
    tables_available = _number(
        _l("Verfügbare Tische"),
        1,
        500,
        required=False,
        description=_l("Leer lassen: so viele, wie gebraucht werden."),
    )
    host_fills_gap = BooleanField(
        _l("Jemand aus dem Team springt ein, wenn sonst eine Person allein aussetzen müsste.")
    )
    question_1 = _text(_l("Frage 1"), 300)
    question_2 = _text(_l("Frage 2"), 300)
    question_3 = _text(_l("Frage 3"), 300)


class WalkInForm(Form):
    name = _text(_l("Name"), 200, render_kw={"autocomplete": "off"})
    municipality = _text(
        _l("Kommune"),
        200,
        description=_l("Eine bekannte Kommune aus der Liste wählen oder den Namen eingeben."),
        render_kw={"autocomplete": "off", "list": "known-municipalities"},
    )
    state = EnumSelectField(
        _l("Bundesland"),
        enum=FederalState,
        empty_label=_l("– nur nötig, wenn neu –"),
        validators=[Optional()],
    )
    model_project = BooleanField(_l("Modellprojekt Smart Cities (gefördert)"))


class ReplanForm(Form):
    from_round = _number(_l("Neu planen ab Runde"), 1, 500)
