"""Staff area: login, logout, dashboard, own password, staff accounts (admins)."""

from __future__ import annotations

import math

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from startsmart import clock
from startsmart.email_address import ascii_address
from startsmart.errors import DomainError
from startsmart.extensions import db, limiter
from startsmart.forms import filled
from startsmart.staff import dashboard as staff_dashboard
from startsmart.staff import idle, second_factor_views, service, sessions
from startsmart.staff.access import staff_required
from startsmart.staff.forms import LoginForm, PasswordChangeForm, StaffCreateForm, StaffEditForm
from startsmart.staff.models import Role, StaffUser
from startsmart.staff.second_factor_forms import ResetForm
from startsmart.urls import safe_next

bp = Blueprint("staff", __name__, url_prefix="/staff")
idle.install(bp)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            login = service.authenticate(
                filled(form.email.data),
                filled(form.password.data),
                clock.now(),
                second_step=second_factor_views.needed,
            )
        except service.LoginLocked as locked:
            form.form_errors.append(locked.message)
            wait = max(1, math.ceil((locked.until - clock.now()).total_seconds()))
            page = render_template("staff/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        if login is not None and login.session_token is None:
            # The password alone never makes a session here: the code step does.
            return second_factor_views.begin(login.user, request.args.get("next"), clock.now())
        if login is not None:
            session.clear()  # a fresh session at login: nothing planted before carries over
            login_user(login.user)
            session[sessions.SESSION_KEY] = login.session_token
            flash(_("Sie sind angemeldet."), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("staff.dashboard"))
        form.form_errors.append(_("E-Mail-Adresse oder Passwort ist nicht richtig."))
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
@staff_required()
def logout():
    service.logout(current_user, session.pop(sessions.SESSION_KEY, None), clock.now())
    logout_user()
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("pages.start"))


@bp.get("/")
@staff_required()
def dashboard():
    return render_template(
        "staff/dashboard.html", day=staff_dashboard.day(current_user, clock.now())
    )


@bp.route("/passwort", methods=["GET", "POST"])
@staff_required()
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            token = service.change_password(
                current_user,
                filled(form.current_password.data),
                filled(form.password.data),
                clock.now(),
            )
        except DomainError as error:
            getattr(form, error.field or "password").errors.append(error.message)
        else:
            session[sessions.SESSION_KEY] = token  # this browser goes on in a new session
            flash(_("Ihr Passwort wurde geändert. Andere Anmeldungen wurden beendet."), "success")
            return redirect(url_for("staff.dashboard"))
    return render_template("staff/password.html", form=form)


@bp.get("/konten")
@staff_required(Role.ADMIN)
def accounts():
    return render_template(
        "staff/accounts.html", users=service.staff_list(), ascii_address=ascii_address
    )


@bp.route("/konten/neu", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def account_new():
    form = StaffCreateForm()
    if form.validate_on_submit():
        try:
            user = service.create_staff(
                filled(form.name.data),
                filled(form.email.data),
                Role(form.role.data),
                filled(form.password.data),
                actor=current_user,
                now=clock.now(),
            )
        except DomainError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            flash(_("Das Konto für %(name)s wurde angelegt.", name=user.name), "success")
            return redirect(url_for("staff.accounts"))
    return render_template("staff/account_new.html", form=form)


@bp.route("/konten/<int:user_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def account_edit(user_id: int):
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = StaffEditForm(obj=user) if request.method == "GET" else StaffEditForm()
    if request.method == "GET":
        form.role.data = user.role.value
    asking = False
    if form.validate_on_submit():
        deactivating = user.active and not form.active.data and user.id != current_user.id
        if deactivating and not form.confirm_deactivation.data:
            asking = True
        else:
            try:
                service.update_staff(
                    current_user, user, Role(form.role.data), form.active.data, clock.now()
                )
            except DomainError as error:
                getattr(form, error.field or "role").errors.append(error.message)
            else:
                flash(
                    _("Die Änderungen an %(name)s wurden gespeichert.", name=user.name), "success"
                )
                return redirect(url_for("staff.accounts"))
    return render_template(
        "staff/account_edit.html", form=form, user=user, reset_form=ResetForm(), asking=asking
    )
