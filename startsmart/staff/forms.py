"""Forms of the staff area."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired

from startsmart.form_fields import Form, MaxLength
from startsmart.forms import CHOOSE_ONE, REQUIRED, EnumSelectField
from startsmart.staff.models import Role
from startsmart.staff.passwords import MAX_LENGTH, MIN_LENGTH


class LoginForm(Form):
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(REQUIRED), MaxLength(254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Passwort"),
        validators=[DataRequired(REQUIRED), MaxLength(MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordChangeForm(Form):
    current_password = PasswordField(
        _l("Bisheriges Passwort"),
        validators=[DataRequired(REQUIRED), MaxLength(MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("Neues Passwort"),
        description=_l(
            "Mindestens %(n)d Zeichen. Ein Satz aus mehreren Wörtern ist gut.", n=MIN_LENGTH
        ),
        validators=[DataRequired(REQUIRED), MaxLength(MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[
            DataRequired(REQUIRED),
            MaxLength(MAX_LENGTH),
            EqualTo("password", _l("Die beiden neuen Passwörter stimmen nicht überein.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class StaffCreateForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(REQUIRED), MaxLength(200)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(REQUIRED), MaxLength(254)],
        render_kw={"autocomplete": "off"},
    )
    role = EnumSelectField(_l("Rolle"), enum=Role, validators=[InputRequired(CHOOSE_ONE)])
    password = PasswordField(
        _l("Erstes Passwort"),
        description=_l(
            "Mindestens %(n)d Zeichen. Geben Sie es der Person auf sicherem Weg weiter; "
            "sie kann es danach selbst ändern.",
            n=MIN_LENGTH,
        ),
        validators=[DataRequired(REQUIRED), MaxLength(MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )


class StaffEditForm(Form):
    role = EnumSelectField(_l("Rolle"), enum=Role, validators=[InputRequired(CHOOSE_ONE)])
    active = BooleanField(_l("Konto ist aktiv (Login möglich)"))
    # Shown only once staff untick "aktiv": a deactivation ends that person's sessions at
    # once, so it is asked for twice.
    confirm_deactivation = SubmitField(_l("Ja, Konto deaktivieren"))
