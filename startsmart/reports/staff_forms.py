"""The report's filter: a GET form (no CSRF token: it changes nothing, and a report's address
is meant to be bookmarked and shared within the team)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError
from wtforms.validators import Optional

from startsmart.catalog.models import OfferingFormat
from startsmart.form_fields import DayField, Form
from startsmart.forms import EnumSelectField
from startsmart.municipalities.models import FederalState


class ReportFilterForm(Form):
    class Meta(Form.Meta):
        csrf = False

    von = DayField(_l("Zeitraum von"), [Optional()], description=_l("Tag im Format TT.MM.JJJJ"))
    bis = DayField(
        _l("Zeitraum bis"), [Optional()], description=_l("einschließlich; Tag im Format TT.MM.JJJJ")
    )
    # default "": a link or bookmark without the field means "all", like the empty option.
    format = EnumSelectField(
        _l("Format"), enum=OfferingFormat, empty_label=_l("alle Formate"), default=""
    )
    land = EnumSelectField(
        _l("Bundesland"), enum=FederalState, empty_label=_l("alle Länder"), default=""
    )

    def validate_bis(self, field) -> None:
        if field.data and self.von.data and field.data < self.von.data:
            raise ValidationError(_l("Das Ende des Zeitraums liegt vor seinem Anfang."))
