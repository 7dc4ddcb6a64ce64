"""Forms of the staff second factor: a code from the app (or a recovery code), and the reset."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired

from startsmart.form_fields import Form, MaxLength
from startsmart.forms import REQUIRED


class CodeForm(Form):
    code = StringField(
        _l("Code"),
        description=_l(
            "Die sechs Ziffern aus Ihrer Authentifizierungs-App, oder einer Ihrer "
            "Wiederherstellungscodes."
        ),
        validators=[DataRequired(REQUIRED), MaxLength(40)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )


class SetUpForm(Form):
    code = StringField(
        _l("Code aus der App"),
        description=_l("Die sechs Ziffern, die die App nach dem Scannen anzeigt."),
        validators=[DataRequired(REQUIRED), MaxLength(40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class ResetForm(Form):
    """Only the CSRF token: the button on an account's page."""
