"""Staff sessions end after a while without activity, and at the latest a fixed time after the
login (PERMANENT_SESSION_LIFETIME, counted from the login held on the server: staff.sessions),
on the server — whatever the browser does.

The browser script (static/js/idle.js) warns shortly before the idle end, offers to stay logged
in, and keeps what was typed in the page's forms so nothing is lost if the session does end.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from startsmart import clock
from startsmart.staff import activity, service, sessions
from startsmart.staff.access import staff_required

LAST_ACTIVE = "last_active"

# Asked in the background while somebody types in a form (the Kommune field's suggestions).
# Such a request leaves the session alone: its answer can come after the answer to the form
# itself, and the cookie it carried from before the form was sent would then replace the
# session that holds the form's confirmation message. Sending the form counts as activity.
# A staff member's browser showing a phone view of the speed-dating polls it in the same way:
# that is no staff work either.
QUIET_ENDPOINTS = frozenset({"municipalities.search", "speed_dating.participant_json"})

# Asked again and again by a screen that stays open without a click (the presenter screen, every
# few seconds, for a whole speed-dating). Its asking counts as activity, but it leaves the
# session alone for the same reason as above, which every few seconds would bite: the moment
# goes into a cookie of its own (staff.activity).
POLLING_ENDPOINTS = frozenset({"speed_dating_staff.plan_json"})


@staff_required()
def keep_alive():
    """Called by the warning's "stay logged in" button; the check below already renewed it."""
    return jsonify(status="ok", idle_seconds=current_app.config["STAFF_IDLE_SECONDS"])


def _last_active() -> float | None:
    """The last activity of this session: the later of the session's own and that of its
    polling screen (staff.activity)."""
    moments = [
        session.get(LAST_ACTIVE),
        activity.last_renewed(request, session.get(sessions.SESSION_KEY)),
    ]
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def install(bp: Blueprint) -> None:
    """Hook the idle check into every request of the app, through the staff blueprint."""
    bp.add_url_rule("/sitzung-verlaengern", "keep_alive", keep_alive, methods=["POST"])

    @bp.before_app_request
    def end_sessions_that_ran_out():
        if not current_user.is_authenticated or request.endpoint == "static":
            return None
        if request.endpoint in QUIET_ENDPOINTS:
            return None
        now = clock.now()
        last = _last_active()
        if sessions.has_run_out(g.staff_session_started_at, now):
            reason = "lifetime"
            message = _(
                "Ihre Anmeldung hat die längste erlaubte Dauer erreicht und ist beendet. Bitte "
                "melden Sie sich erneut an."
            )
        elif last is not None and now.timestamp() - last > current_app.config["STAFF_IDLE_SECONDS"]:
            reason = "idle"
            message = _(
                "Sie wurden nach längerer Zeit ohne Aktivität abgemeldet. Bitte melden Sie "
                "sich erneut an; Ihre Eingaben auf der Seite sind noch da."
            )
        else:
            if request.endpoint in POLLING_ENDPOINTS:
                g.staff_polled_at = now
            else:
                session[LAST_ACTIVE] = now.timestamp()
            return None
        service.logout(current_user, session.get(sessions.SESSION_KEY), now, reason=reason)
        logout_user()
        session.clear()
        flash(message, "info")
        target = request.full_path.rstrip("?") if request.method == "GET" else request.path
        return redirect(url_for("staff.login", next=target))

    @bp.after_app_request
    def renew_activity_of_a_poll(response: Response) -> Response:
        if "staff_polled_at" in g:
            activity.renew(response, session[sessions.SESSION_KEY], g.staff_polled_at)
        return response

    @bp.app_context_processor
    def idle_settings() -> dict:
        config = current_app.config
        return {
            "staff_idle_seconds": config["STAFF_IDLE_SECONDS"],
            "staff_idle_warning_seconds": config["STAFF_IDLE_WARNING_SECONDS"],
        }
