"""Staff forms of the municipality review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired

from startsmart.form_fields import Form, MaxLength
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


MAX_NOTE = 5000


class NoteForm(Form):
    text = TextAreaField(
        _l("Neue Notiz"),
        description=_l(
            "Für das Team, nie an die Kommune. Bitte nur so viel über Personen, wie die Arbeit "
            "braucht: Wird eine Person gelöscht, werden ihr Name und ihre Adresse hier entfernt."
        ),
        validators=[InputRequired(_l("Bitte schreiben Sie eine Notiz.")), MaxLength(MAX_NOTE)],
        render_kw={"rows": 4},
    )
