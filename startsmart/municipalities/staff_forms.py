"""Staff forms of the municipality review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from startsmart.form_fields import Form
from startsmart.forms import int_or_none


class MergeForm(Form):
    # Not checked against the choices: the service checks the chosen one (verified, same Land)
    # under its lock, which a list shown minutes ago cannot.
    into = SelectField(
        _l("Richtige Kommune"),
        coerce=int_or_none,
        validate_choice=False,
        validators=[InputRequired(_l("Bitte wählen Sie die Kommune, die gemeint ist."))],
    )
