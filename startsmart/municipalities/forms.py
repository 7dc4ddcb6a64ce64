"""The municipality fields several forms share. Functions, not a base class: each call makes
new fields, so they take their place among the form's own fields in the order written."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Optional

from startsmart.form_fields import MaxLength
from startsmart.forms import REQUIRED, EnumSelectField
from startsmart.municipalities.models import FederalState, MunicipalityKind, PopulationClass
from startsmart.municipalities.service import MunicipalityInput

# What the municipality_id field holds when, asked which entry of several is meant, somebody
# answers "none of these".
NONE_LISTED = "neu"


def municipality_id_field() -> StringField:
    """The directory entry chosen: set by static/js/combobox.js, or a radio button of the form
    asking which of several entries of one name is meant (``municipality_fieldset``). Rendered
    by that macro, not by ``hidden_tag``: the radio buttons carry the same name."""
    return StringField(validators=[Optional()])


def staff_municipality_fields() -> tuple[StringField, SelectField, SelectField]:
    """Municipality, Land and kind, as staff enter them for somebody who called or wrote.
    The Land is asked by the service, and only of a name the directory does not know."""
    return (
        StringField(
            _l("Kommune"),
            validators=[InputRequired(REQUIRED), MaxLength(200)],
            render_kw={"autocomplete": "off"},
        ),
        EnumSelectField(
            _l("Bundesland"),
            enum=FederalState,
            empty_label=_l("Bitte wählen"),
            validators=[Optional()],
        ),
        EnumSelectField(
            _l("Art der Kommune"),
            description=_l("Nur nötig, wenn die Kommune noch nicht bekannt ist."),
            enum=MunicipalityKind,
            empty_label=_l("– bitte wählen, falls neu –"),
            validators=[Optional()],
        ),
    )


def population_class_field() -> SelectField:
    """The municipality's size, optional."""
    return EnumSelectField(
        _l("Einwohnerzahl (ungefähr)"),
        enum=PopulationClass,
        empty_label=_l("– keine Angabe –"),
        validators=[Optional()],
    )


def municipality_input(form) -> MunicipalityInput:
    """What a validated form says about the municipality (fields as made above; the population
    class only where the form has it)."""

    def chosen(enum_class, name: str):
        field = getattr(form, name, None)
        return enum_class(field.data) if field is not None and field.data else None

    choice = (form.municipality_id.data or "").strip()
    return MunicipalityInput(
        name=form.municipality.data,
        state=chosen(FederalState, "state"),
        kind=chosen(MunicipalityKind, "municipality_kind"),
        population_class=chosen(PopulationClass, "population_class"),
        # Anything else (a tampered value, a number beyond any id) is as if nothing had been
        # chosen.
        chosen_id=int(choice)
        if choice.isascii() and choice.isdigit() and len(choice) <= 9
        else None,
        none_listed=choice == NONE_LISTED,
    )
