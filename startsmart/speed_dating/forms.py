"""Staff forms of the speed-dating: its settings, a walk-in at the check-in, a re-plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired, Optional

from startsmart.conferences.forms import number_field, text_field
from startsmart.form_fields import ClockField, Form
from startsmart.forms import CHOOSE_ONE, REQUIRED, EnumSelectField, choices
from startsmart.municipalities.forms import municipality_id_field
from startsmart.municipalities.models import FederalState
from startsmart.repeated_hour import RepeatedHourField


def _table_sizes():
    return choices([("2", _l("2 (Paare)")), ("3", "3"), ("4", "4")])


class SpeedDatingForm(Form):
    starts = ClockField(
        _l("Beginn (Uhrzeit)"),
        validators=[InputRequired(REQUIRED)],
        description=_l("Am Tag der Konferenz, Berliner Ortszeit."),
    )
    total_minutes = number_field(_l("Gesamtdauer in Minuten"), 5, 240, default=45)
    round_minutes = number_field(_l("Länge einer Runde in Minuten"), 1, 30, default=3)
    changeover_minutes = number_field(
        _l("Wechselzeit zwischen zwei Runden in Minuten"), 0, 10, default=1
    )
    table_size = SelectField(
        _l("Personen je Tisch"),
        choices=_table_sizes,
        default="2",
        validators=[InputRequired(CHOOSE_ONE)],
    )
    tables_available = number_field(
        _l("Verfügbare Tische"),
        1,
        500,
        required=False,
        description=_l("Leer lassen: so viele, wie gebraucht werden."),
    )
    host_fills_gap = BooleanField(
        _l("Jemand aus dem Team springt ein, wenn sonst eine Person allein aussetzen müsste.")
    )
    colleagues_apart = BooleanField(
        _l("Kolleginnen und Kollegen nie an einen Tisch"),
        description=_l(
            "Zwei Personen derselben Kommune treffen sich nie; wer sonst nur noch "
            "Kolleginnen oder Kollegen treffen könnte, setzt aus."
        ),
    )
    question_1 = text_field(_l("Frage 1"), 300)
    question_2 = text_field(_l("Frage 2"), 300)
    question_3 = text_field(_l("Frage 3"), 300)
    repeated_hour = RepeatedHourField()


class WalkInForm(Form):
    name = text_field(_l("Name"), 200, render_kw={"autocomplete": "off"})
    municipality = text_field(
        _l("Kommune"),
        200,
        description=_l("Eine bekannte Kommune aus der Liste wählen oder den Namen eingeben."),
        render_kw={"autocomplete": "off"},
    )
    municipality_id = municipality_id_field()
    state = EnumSelectField(
        _l("Bundesland"),
        enum=FederalState,
        empty_label=_l("– nur nötig, wenn neu –"),
        validators=[Optional()],
    )
    model_project = BooleanField(_l("Modellprojekt Smart Cities (gefördert)"))


class ReplanForm(Form):
    from_round = number_field(_l("Neu planen ab Runde"), 1, 500)
