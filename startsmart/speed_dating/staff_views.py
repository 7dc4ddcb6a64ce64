"""Staff: a conference's speed-dating — settings, check-in, plan, run, outputs, contacts.

The event team and admins manage it; advisors get 403 (they run consultations, not events).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from startsmart import clock, repeated_hour
from startsmart.catalog.slugs import slugify
from startsmart.clock import BERLIN, berlin_wall_time
from startsmart.conferences.models import Conference
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import attach_error
from startsmart.input_guard import database_int
from startsmart.municipalities.forms import municipality_input
from startsmart.municipalities.models import FederalState
from startsmart.registrations import export
from startsmart.speed_dating import contacts as contact_exchange
from startsmart.speed_dating import outputs, payloads, planning, service
from startsmart.speed_dating import run as run_control
from startsmart.speed_dating.board import board
from startsmart.speed_dating.forms import ReplanForm, SpeedDatingForm, WalkInForm
from startsmart.speed_dating.models import SpeedDatingSession
from startsmart.speed_dating.planner import rounds_that_fit
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint(
    "speed_dating_staff",
    __name__,
    url_prefix="/staff/regionalkonferenzen/<int:conference_id>/speed-dating",
)


def _conference_or_404(conference_id: int) -> Conference:
    return db.session.get(Conference, conference_id) or abort(404)


def _session_or_redirect(conference: Conference) -> SpeedDatingSession | Response:
    session = service.session_of(conference.id)
    if session is None:
        flash(_("Bitte richten Sie zuerst das Speed-Dating ein."), "info")
        return redirect(url_for(".settings", conference_id=conference.id))
    return session


def _overview(conference_id: int) -> Response:
    return redirect(url_for(".index", conference_id=conference_id))


@bp.get("")
@staff_required(Role.EVENT_TEAM)
def index(conference_id: int):
    conference = _conference_or_404(conference_id)
    session = _session_or_redirect(conference)
    if isinstance(session, Response):
        return session
    now = clock.now()
    view = board(session, now)
    replan_form = ReplanForm(data={"from_round": view.suggested_round})
    return render_template(
        "speed_dating_staff/index.html",
        conference=conference,
        session=session,
        view=view,
        replan_form=replan_form,
        form=FlaskForm(),
    )


# -- settings ---------------------------------------------------------------------------------


def _settings_data(session: SpeedDatingSession | None, conference: Conference) -> dict:
    if session is None:
        return {
            "starts": berlin_wall_time(conference.starts_at)[1],
            "question_1": service.default_questions()[0],
            "question_2": service.default_questions()[1],
            "question_3": service.default_questions()[2],
        }
    return {
        "starts": berlin_wall_time(session.starts_at)[1],
        "total_minutes": session.total_minutes,
        "round_minutes": session.round_minutes,
        "changeover_minutes": session.changeover_minutes,
        "table_size": str(session.table_size),
        "tables_available": session.tables_available,
        "host_fills_gap": session.host_fills_gap,
        "colleagues_apart": session.colleagues_apart,
        "question_1": session.question_1,
        "question_2": session.question_2,
        "question_3": session.question_3,
    }


def _rounds_shown(form: SpeedDatingForm) -> int | None:
    """The rounds that fit the values in the form, if they are numbers that make sense."""
    try:
        return rounds_that_fit(
            int(form.total_minutes.data),
            int(form.round_minutes.data),
            int(form.changeover_minutes.data),
        )
    except (TypeError, ValueError):
        return None


@bp.route("/einstellungen", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def settings(conference_id: int):
    conference = _conference_or_404(conference_id)
    session = service.session_of(conference.id)
    if request.method == "GET":
        form = SpeedDatingForm(data=_settings_data(session, conference))
    else:
        form = SpeedDatingForm()
    # InputRequired: a valid form has a start time.
    conference_day = berlin_wall_time(conference.starts_at)[0]
    if (
        form.validate_on_submit()
        and form.starts.data is not None
        and repeated_hour.settle(form.repeated_hour, (conference_day, form.starts))
    ):
        data = service.Settings(
            starts=form.starts.data,
            total_minutes=form.total_minutes.data,
            round_minutes=form.round_minutes.data,
            changeover_minutes=form.changeover_minutes.data,
            table_size=int(form.table_size.data),
            tables_available=form.tables_available.data,
            host_fills_gap=form.host_fills_gap.data,
            colleagues_apart=form.colleagues_apart.data,
            questions=(form.question_1.data, form.question_2.data, form.question_3.data),
        )
        try:
            service.save_settings(conference.id, data, current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Die Einstellungen des Speed-Datings sind gespeichert."), "success")
            return _overview(conference.id)
    return render_template(
        "speed_dating_staff/settings.html",
        conference=conference,
        session=session,
        form=form,
        rounds=_rounds_shown(form),
    )


# -- check-in ---------------------------------------------------------------------------------


def _check_in_page(conference: Conference, session: SpeedDatingSession, walk_in: WalkInForm):
    query = request.args.get("q", "")[:200]
    everyone = request.args.get("alle") == "1"
    rows = service.check_in_list(session, query, everyone)
    return render_template(
        "speed_dating_staff/check_in.html",
        conference=conference,
        session=session,
        rows=rows,
        query=query,
        everyone=everyone,
        present=sum(1 for p in service.participants_of(session.id) if p.present),
        walk_in=walk_in,
        form=FlaskForm(),
    )


def _back_to_check_in(conference_id: int, anchor: str | None = None) -> Response:
    args: dict[str, Any] = {}  # the check-in list's search, kept
    if request.form.get("q"):
        args["q"] = request.form["q"][:200]
    if request.form.get("alle") == "1":
        args["alle"] = "1"
    return redirect(url_for(".check_in", conference_id=conference_id, _anchor=anchor, **args))


@bp.get("/check-in")
@staff_required(Role.EVENT_TEAM)
def check_in(conference_id: int):
    conference = _conference_or_404(conference_id)
    session = _session_or_redirect(conference)
    if isinstance(session, Response):
        return session
    return _check_in_page(conference, session, WalkInForm(formdata=None))


def _id(name: str) -> int | None:
    try:
        return database_int(request.form.get(name, ""))
    except ValueError:
        return None


@bp.post("/check-in")
@staff_required(Role.EVENT_TEAM)
def presence(conference_id: int):
    conference = _conference_or_404(conference_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        flash(_("Das Formular war veraltet. Bitte versuchen Sie es noch einmal."), "error")
        return _back_to_check_in(conference.id)
    present = request.form.get("present") == "1"
    try:
        person = service.set_presence(
            conference.id,
            registration_id=_id("registration_id"),
            participant_id=_id("participant_id"),
            present=present,
            actor=current_user,
            now=clock.now(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back_to_check_in(conference.id)
    if present:
        flash(_("%(name)s ist als anwesend markiert.", name=person.shown_name), "success")
    else:
        flash(_("%(name)s ist als nicht anwesend markiert.", name=person.shown_name), "success")
    key = f"r{person.registration_id}" if person.registration_id else f"p{person.id}"
    return _back_to_check_in(conference.id, anchor=key)


@bp.post("/check-in/ohne-anmeldung")
@staff_required(Role.EVENT_TEAM)
def walk_in(conference_id: int):
    conference = _conference_or_404(conference_id)
    session = _session_or_redirect(conference)
    if isinstance(session, Response):
        return session
    form = WalkInForm()
    if form.validate_on_submit():
        data = service.WalkIn(
            name=form.name.data,
            municipality=form.municipality.data,
            state=FederalState(form.state.data) if form.state.data else None,
            is_model_project=form.model_project.data,
            chosen_id=municipality_input(form).chosen_id,
        )
        try:
            person, new = service.add_walk_in(conference.id, data, current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            if new:
                flash(
                    _("%(name)s ist aufgenommen und anwesend.", name=person.shown_name), "success"
                )
            else:
                flash(_("%(name)s war schon aufgenommen.", name=person.shown_name), "info")
            return _back_to_check_in(conference.id, anchor=f"p{person.id}")
    return _check_in_page(conference, session, form)


# -- plan and run -----------------------------------------------------------------------------


@bp.post("/plan")
@staff_required(Role.EVENT_TEAM)
def plan(conference_id: int):
    conference = _conference_or_404(conference_id)
    form = ReplanForm()
    expected = _id("plan_version")
    if not form.validate_on_submit():
        for message in form.from_round.errors or [_("Das Formular war veraltet.")]:
            flash(message, "error")
        return _overview(conference.id)
    try:
        planned = planning.make_plan(
            conference.id, current_user, clock.now(), form.from_round.data, expected
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _overview(conference.id)
    stored = planned.plan
    if stored.from_round == 1:
        flash(
            _(
                "Plan (Version %(v)d) erstellt: %(people)s, %(rounds)s.",
                v=stored.version,
                people=ngettext("%(num)d Person", "%(num)d Personen", stored.participants),
                rounds=ngettext("%(num)d Runde", "%(num)d Runden", len(stored.plan["rounds"])),
            ),
            "success",
        )
    else:
        flash(
            _(
                "Neu geplant ab Runde %(k)d (Version %(v)d): %(a)d dazugekommen, "
                "%(d)d gegangen; die Runden davor bleiben, wie sie waren.",
                k=stored.from_round,
                v=stored.version,
                a=planned.arrivals,
                d=planned.departures,
            ),
            "success",
        )
    if planned.code_mails:
        flash(
            ngettext(
                "%(num)d Person erhält den Link zu ihrem Plan auf dem Telefon per E-Mail.",
                "%(num)d Personen erhalten den Link zu ihrem Plan auf dem Telefon per E-Mail.",
                planned.code_mails,
            ),
            "info",
        )
    return _overview(conference.id)


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > 0


def _after_run(conference_id: int) -> Response:
    """Back to the page whose button it was: the presenter screen or the overview."""
    if request.form.get("screen") == "presenter":
        return redirect(
            url_for("speed_dating_presenter_staff.presenter", conference_id=conference_id)
        )
    return _overview(conference_id)


@bp.post("/ablauf/<action>")
@staff_required(Role.EVENT_TEAM)
def run(conference_id: int, action: str):
    """Start, pause, resume, next, back, finish. Forms say which state they showed (status,
    round); a script asking for JSON gets the new state (as plan.json, with ``applied``: false
    when the state had moved on) instead of a redirect."""
    conference = _conference_or_404(conference_id)
    if action not in run_control.STEPS:
        abort(404)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    expected = None
    status, shown = request.form.get("status"), _id("round")
    if status and shown is not None:
        expected = (status, shown)
    try:
        _position, changed = run_control.control(
            conference.id, action, current_user, clock.now(), expected
        )
    except DomainError as error:
        db.session.rollback()
        if _wants_json():
            return jsonify(error=error.message), 409
        flash(error.message, "error")
        return _after_run(conference.id)
    if _wants_json():
        session = service.session_of(conference.id) or abort(404)
        return jsonify({**payloads.staff_payload(session, clock.now()), "applied": changed})
    if not changed:
        flash(_("Der Ablauf hat sich inzwischen geändert; bitte prüfen Sie den Stand."), "info")
    return _after_run(conference.id)


@bp.post("/kontakte")
@staff_required(Role.EVENT_TEAM)
def contacts(conference_id: int):
    conference = _conference_or_404(conference_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        done = contact_exchange.exchange_contacts(conference.id, current_user, clock.now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _overview(conference.id)
    if done.sent:
        flash(
            ngettext(
                "%(num)d Person erhält jetzt die Kontakte ihrer Gesprächspartner.",
                "%(num)d Personen erhalten jetzt die Kontakte ihrer Gesprächspartner.",
                done.sent,
            ),
            "success",
        )
    else:
        flash(_("Es gab keine neuen Kontakte zu verschicken."), "info")
    return _overview(conference.id)


# -- outputs ----------------------------------------------------------------------------------


def _plan_or_redirect(conference: Conference):
    """The session, its plan in force, the participants and the plan's version; or a redirect
    (with None for the rest) when there is no plan yet."""
    session = _session_or_redirect(conference)
    if isinstance(session, Response):
        return session, None, None, 0
    stored = planning.current_plan(session.id)
    if stored is None:
        flash(_("Es gibt noch keinen Plan."), "info")
        return _overview(conference.id), None, None, 0
    people = service.participants_of(session.id)
    return session, planning.plan_from_json(stored.plan), people, stored.version


@bp.get("/karten")
@staff_required(Role.EVENT_TEAM)
def cards(conference_id: int):
    conference = _conference_or_404(conference_id)
    session, plan, people, version = _plan_or_redirect(conference)
    if plan is None:
        return session
    reprint = outputs.reprint(session.id, version, plan, people)
    cards = outputs.cards(plan, people)
    changed = reprint.changed or set()
    only_changed = request.args.get("nur") == "geaendert" and reprint.changed is not None
    return render_template(
        "speed_dating_staff/cards.html",
        conference=conference,
        session=session,
        cards=[c for c in cards if c.person.id in changed] if only_changed else cards,
        changed=[c.person for c in cards if c.person.id in changed],
        only_changed=only_changed,
        version=version,
        rounds=[r.number for r in plan.rounds],
    )


@bp.get("/tische")
@staff_required(Role.EVENT_TEAM)
def tables(conference_id: int):
    conference = _conference_or_404(conference_id)
    session, plan, people, version = _plan_or_redirect(conference)
    if plan is None:
        return session
    return render_template(
        "speed_dating_staff/tables.html",
        conference=conference,
        session=session,
        sheets=outputs.table_sheets(plan, people),
        version=version,
    )


@bp.get("/plan.csv")
@staff_required(Role.EVENT_TEAM)
def plan_csv(conference_id: int):
    conference = _conference_or_404(conference_id)
    session, plan, people, version = _plan_or_redirect(conference)
    if plan is None:
        return session
    planning.record_export(session, current_user, clock.now())
    header, rows = outputs.csv_table(plan, people)
    data = export.write_csv(header, rows, yes=_("ja"), no=_("nein"))
    day = conference.starts_at.astimezone(BERLIN).strftime("%Y-%m-%d")
    response = current_app.response_class(data, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="speed-dating-{slugify(conference.slug)}-{day}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/plan.json")
@staff_required(Role.EVENT_TEAM)
def plan_json(conference_id: int):
    conference = _conference_or_404(conference_id)
    session = service.session_of(conference.id) or abort(404)
    known = request.args.get("version", "")
    known_version = int(known) if known.isascii() and known.isdigit() and len(known) < 12 else None
    response = jsonify(payloads.staff_payload(session, clock.now(), known_version))
    response.headers["Cache-Control"] = "no-store"
    return response
