"""Staff second factor pages: the code step of the login, set-up, recovery codes, admin reset.

The password step (``staff.views.login``) never logs anybody in when a second factor is set up
or required: it hands over to :func:`begin`, which remembers, for a few minutes, whose password
was right. Only a right code (or set-up with a right code) turns that into a session.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

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
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db, limiter
from startsmart.form_fields import attach_error
from startsmart.forms import filled
from startsmart.staff import second_factor, service, sessions
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role, StaffUser
from startsmart.staff.second_factor_forms import CodeForm, ResetForm, SetUpForm
from startsmart.tokens import hash_token
from startsmart.urls import safe_next

bp = Blueprint("staff_second_factor", __name__, url_prefix="/staff")

PENDING = "second_factor_pending"
CODES = "second_factor_recovery_codes"
PENDING_MINUTES = 5  # time from the right password to the code
SET_UP_MINUTES = 15  # or to the first code of a new app (installing one takes a while)


def _required_roles() -> list[str]:
    return list(current_app.config["STAFF_SECOND_FACTOR_ROLES"] or ())


def needed(user: StaffUser) -> bool:
    """Whether the login of ``user`` goes on to a second step after the password."""
    return second_factor.is_set_up(user) or second_factor.is_required(user, _required_roles())


def begin(user: StaffUser, next_url: str | None, now: datetime) -> Response:
    """After the right password: remember who, for a few minutes, and ask for the code (or, for
    an account that must have a second factor and has none yet, for its set-up)."""
    set_up = second_factor.is_set_up(user)
    session.clear()  # nothing planted before the login carries over
    session[PENDING] = {
        "user": user.id,
        "password": _fingerprint(user),  # a password change ends the step
        "until": (
            now + timedelta(minutes=PENDING_MINUTES if set_up else SET_UP_MINUTES)
        ).isoformat(),
        "next": next_url,
    }
    if set_up:
        return redirect(url_for("staff_second_factor.code"))
    return redirect(url_for("staff_second_factor.set_up"))


def _pending_user(now: datetime) -> StaffUser | None:
    pending: Any = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    try:
        until = datetime.fromisoformat(str(pending.get("until")))
        user = db.session.get(StaffUser, int(str(pending.get("user"))))
    except (TypeError, ValueError):
        return None
    if now > until or user is None or not user.active:
        return None
    if _fingerprint(user) != pending.get("password"):
        return None
    return user


def _fingerprint(user: StaffUser) -> str:
    """Changes with the password, and tells nothing about it (the session cookie is signed,
    not encrypted)."""
    return hash_token(user.password_hash)[:16]


def _finish_login(user: StaffUser) -> str:
    pending: Any = session.get(PENDING) or {}
    next_url = safe_next(pending.get("next")) or url_for("staff.dashboard")
    token = service.open_session(user, clock.now())
    session.clear()
    login_user(user)
    session[sessions.SESSION_KEY] = token
    return next_url


def _wrong_code() -> str:  # translated when shown, in the reader's language
    return _(
        "Der Code ist nicht richtig oder wurde schon verwendet. Geben Sie den Code ein, "
        "den die App jetzt anzeigt."
    )


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/anmeldung/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def code():
    now = clock.now()
    user = _pending_user(now)
    if user is None or not second_factor.is_set_up(user):
        session.pop(PENDING, None)
        flash(_("Bitte melden Sie sich erneut an."), "info")
        return redirect(url_for("staff.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            proved = service.prove_second_factor(user, filled(form.code.data), now)
        except service.LoginLocked as locked:
            attach_error(form, DomainError(locked.message, "code"))
            wait = max(1, math.ceil((locked.until - clock.now()).total_seconds()))
            page = render_template("staff_second_factor/code.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        if proved:
            next_url = _finish_login(user)
            flash(_("Sie sind angemeldet."), "success")
            return redirect(next_url)
        attach_error(form, DomainError(_wrong_code(), "code"))
    return render_template("staff_second_factor/code.html", form=form)


def _setting_up_user(now: datetime) -> StaffUser | None:
    if current_user.is_authenticated:
        return current_user
    return _pending_user(now)


@bp.route("/zweiter-faktor", methods=["GET", "POST"])
def set_up():
    now = clock.now()
    user = _setting_up_user(now)
    if user is None:
        session.pop(PENDING, None)
        flash(_("Bitte melden Sie sich an, um diese Seite zu sehen."), "info")
        return redirect(url_for("staff.login"))
    if second_factor.is_set_up(user):
        if not current_user.is_authenticated:  # set up meanwhile: ask for the code instead
            return redirect(url_for("staff_second_factor.code"))
        return render_template(
            "staff_second_factor/status.html",
            remaining=second_factor.unused_recovery_codes(user),
        )
    form = SetUpForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.confirm_set_up(user, filled(form.code.data), now)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            next_url = url_for("staff.dashboard")
            if not current_user.is_authenticated:
                next_url = _finish_login(user)
            session[CODES] = {"codes": codes, "next": next_url}
            flash(_("Der zweite Faktor ist eingerichtet."), "success")
            return redirect(url_for("staff_second_factor.recovery_codes"))
    secret = second_factor.pending_secret(user)
    uri = second_factor.provisioning_uri(
        user, secret, current_app.config["STAFF_SECOND_FACTOR_ISSUER"]
    )
    return render_template(
        "staff_second_factor/set_up.html",
        form=form,
        qr=second_factor.qr_svg(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        required=second_factor.is_required(user, _required_roles()),
    )


@bp.get("/zweiter-faktor/wiederherstellungscodes")
@staff_required()
def recovery_codes():
    # Shown once: the codes live in the session only until this page has shown them.
    shown: Any = session.pop(CODES, None)
    if not isinstance(shown, dict):
        shown = {"codes": [], "next": url_for("staff.dashboard")}
    return render_template(
        "staff_second_factor/recovery_codes.html",
        codes=shown["codes"],
        next_url=safe_next(shown.get("next")) or url_for("staff.dashboard"),
    )


@bp.post("/konten/<int:user_id>/zweiter-faktor/zuruecksetzen")
@staff_required(Role.ADMIN)
def reset(user_id: int):
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = ResetForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        second_factor.reset(current_user, user, clock.now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "Der zweite Faktor von %(name)s wurde zurückgesetzt; bei der nächsten Anmeldung "
                "richtet die Person ihn neu ein.",
                name=user.name,
            ),
            "success",
        )
    return redirect(url_for("staff.account_edit", user_id=user.id))


@bp.before_app_request
def _set_up_first() -> Response | None:
    """An account whose role needs a second factor and that has none (the setting was switched
    on while it was signed in) reaches nothing in the staff area before setting one up."""
    if not current_user.is_authenticated or request.endpoint is None:
        return None
    blueprint = request.blueprint or ""
    if blueprint != "staff" and not blueprint.endswith("_staff"):
        return None
    if request.endpoint == "staff.logout":
        return None
    if second_factor.is_required(current_user, _required_roles()) and not (
        second_factor.is_set_up(current_user)
    ):
        return redirect(url_for("staff_second_factor.set_up"))
    return None
