"""Staff: regional conferences (list, create, edit) and who registered, with their opt-ins."""

from __future__ import annotations

from datetime import time

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from startsmart import clock, repeated_hour
from startsmart.catalog.slugs import slugify
from startsmart.catalog.staff_dates import Deadline
from startsmart.clock import BERLIN, berlin_local_to_utc, berlin_wall_time
from startsmart.conferences import badge_tokens, badges, choices, programme, registrants, service
from startsmart.conferences.forms import ConferenceForm, MoveAllForm, SessionForm, picked_id
from startsmart.conferences.models import Conference, ConferenceSession, SessionKind
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import Form, attach_error
from startsmart.forms import filled
from startsmart.input_guard import query_day
from startsmart.registrations import export
from startsmart.registrations import staff_service as registrations_staff
from startsmart.registrations.models import Registration
from startsmart.registrations.queries import seats_by_date
from startsmart.speed_dating.service import session_of
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("conferences_staff", __name__, url_prefix="/staff/regionalkonferenzen")


def _conference_or_404(conference_id: int) -> Conference:
    return db.session.get(Conference, conference_id) or abort(404)


def _input(form: ConferenceForm) -> service.ConferenceInput:
    return service.ConferenceInput(
        title=form.title.data,
        day=filled(form.day.data),
        starts=filled(form.starts.data),
        ends=filled(form.ends.data),
        city=form.city.data,
        venue=form.venue.data,
        description=form.description.data or "",
        title_en=form.title_en.data or "",
        description_en=form.description_en.data or "",
        note=form.note.data or "",
        note_en=form.note_en.data or "",
        capacity=form.capacity.data,
        deadline=Deadline(form.deadline_day.data, form.deadline_time.data),
        choices_close=Deadline(form.choices_day.data, form.choices_time.data),
    )


def _settled(form: ConferenceForm) -> bool:
    """Valid, and every time in the repeated October hour has its answer."""
    return form.validate_on_submit() and repeated_hour.settle(
        form.repeated_hour,
        (form.day, form.starts),
        (form.day, form.ends),
        (form.deadline_day, form.deadline_time),
        (form.choices_day, form.choices_time),
    )


@bp.get("/")
@staff_required(Role.EVENT_TEAM)
def index():
    coming, past = service.all_conferences(clock.now())
    return render_template("conferences_staff/index.html", coming=coming, past=past)


@bp.route("/neu", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def new():
    form = ConferenceForm()
    if _settled(form):
        try:
            conference = service.create_conference(_input(form), current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(
                _("Die Regionalkonferenz „%(title)s“ ist angelegt.", title=conference.title),
                "success",
            )
            return redirect(url_for(".detail", conference_id=conference.id))
    return render_template("conferences_staff/form.html", form=form, conference=None)


@bp.route("/<int:conference_id>/bearbeiten", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def edit(conference_id: int):
    conference = _conference_or_404(conference_id)
    event_date = service.conference_date(conference.id)
    if request.method == "GET":
        day, starts = berlin_wall_time(conference.starts_at)
        closes = event_date.registration_closes_at if event_date else None
        deadline_day, deadline_time = berlin_wall_time(closes) if closes else (None, None)
        choices = conference.choices_close_at
        choices_day, choices_time = berlin_wall_time(choices) if choices else (None, None)
        form = ConferenceForm(
            data={
                "title": conference.title,
                "day": day,
                "starts": starts,
                "ends": berlin_wall_time(conference.ends_at)[1],
                "city": conference.city,
                "venue": conference.venue,
                "description": conference.description,
                "title_en": conference.title_en,
                "description_en": conference.description_en,
                "note": event_date.note if event_date else "",
                "note_en": event_date.note_en if event_date else "",
                "capacity": event_date.capacity if event_date else 0,
                "deadline_day": deadline_day,
                "deadline_time": deadline_time,
                "choices_day": choices_day,
                "choices_time": choices_time,
            }
        )
    else:
        form = ConferenceForm()
    if _settled(form):
        try:
            told = service.update_conference(conference.id, _input(form), current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Die Änderungen sind gespeichert."), "success")
            if told:
                flash(
                    ngettext(
                        "%(num)d angemeldete Person hat eine Kalender-Aktualisierung erhalten.",
                        "%(num)d angemeldete Personen haben eine Kalender-Aktualisierung erhalten.",
                        told,
                    ),
                    "info",
                )
            return redirect(url_for(".detail", conference_id=conference.id))
    return render_template("conferences_staff/form.html", form=form, conference=conference)


@bp.get("/<int:conference_id>")
@staff_required(Role.EVENT_TEAM)
def detail(conference_id: int):
    conference = _conference_or_404(conference_id)
    event_date = service.conference_date(conference.id)
    rows = registrants.registrants(event_date.id) if event_date else []
    return render_template(
        "conferences_staff/detail.html",
        conference=conference,
        date=event_date,
        seats=seats_by_date([event_date])[event_date.id] if event_date else None,
        rows=rows,
        speed_dating_wanted=sum(
            1 for r in rows if r.registration.is_active and r.registration.speed_dating
        ),
        session=session_of(conference.id),
        programme=programme.sessions_of(conference.id),
        chosen_counts=choices.seated_counts(
            [s.id for slot in choices.offered(conference.id) for s in slot.sessions]
        ),
    )


@bp.get("/<int:conference_id>/anmeldungen.csv")
@staff_required(Role.EVENT_TEAM)
def export_csv(conference_id: int):
    conference = _conference_or_404(conference_id)
    event_date = service.conference_date(conference.id) or abort(404)
    registrations_staff.export_for(event_date.id, current_user, clock.now())
    header, table = registrants.csv_table(registrants.registrants(event_date.id))
    data = export.write_csv(header, table, yes=_("ja"), no=_("nein"))
    day = conference.starts_at.astimezone(BERLIN).strftime("%Y-%m-%d")
    filename = f"anmeldungen-{slugify(conference.slug)}-{day}.csv"
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: not in any cache
    return response


# -- the programme ------------------------------------------------------------------------------


def _session_or_404(conference: Conference, session_id: int) -> ConferenceSession:
    session = db.session.get(ConferenceSession, session_id)
    if session is None or session.conference_id != conference.id:
        abort(404)
    return session


def _session_input(form: SessionForm) -> programme.SessionInput:
    return programme.SessionInput(
        kind=SessionKind(form.kind.data),
        title=form.title.data,
        title_en=form.title_en.data or "",
        day=filled(form.day.data),
        starts=filled(form.starts.data),
        ends=filled(form.ends.data),
        room=form.room.data or "",
        description=form.description.data or "",
        description_en=form.description_en.data or "",
        speakers=form.speakers.data or "",
        capacity=form.capacity.data,
        position=form.position.data or 0,
    )


def _session_settled(form: SessionForm) -> bool:
    return form.validate_on_submit() and repeated_hour.settle(
        form.repeated_hour, (form.day, form.starts), (form.day, form.ends)
    )


@bp.route("/<int:conference_id>/programm/neu", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def new_session(conference_id: int):
    conference = _conference_or_404(conference_id)
    if request.method == "GET":
        day = programme.conference_days(conference)[0]
        form = SessionForm(data={"day": day, "kind": SessionKind.PLENARY.value})
    else:
        form = SessionForm()
    if _session_settled(form):
        try:
            added = programme.add_session(
                conference.id, _session_input(form), current_user, clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Der Programmpunkt „%(title)s“ ist angelegt.", title=added.title), "success")
            return redirect(url_for(".detail", conference_id=conference.id) + "#programme")
    return render_template(
        "conferences_staff/session_form.html", form=form, conference=conference, item=None
    )


@bp.route("/<int:conference_id>/programm/<int:session_id>/bearbeiten", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def edit_session(conference_id: int, session_id: int):
    conference = _conference_or_404(conference_id)
    item = _session_or_404(conference, session_id)
    if request.method == "GET":
        day, starts = berlin_wall_time(item.starts_at)
        form = SessionForm(
            data={
                "kind": item.kind.value,
                "title": item.title,
                "title_en": item.title_en,
                "day": day,
                "starts": starts,
                "ends": berlin_wall_time(item.ends_at)[1],
                "room": item.room,
                "speakers": item.speakers,
                "description": item.description,
                "description_en": item.description_en,
                "capacity": item.capacity,
                "position": item.position,
            }
        )
    else:
        form = SessionForm()
    if _session_settled(form):
        try:
            programme.change_session(item.id, _session_input(form), current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Die Änderungen sind gespeichert."), "success")
            return redirect(url_for(".detail", conference_id=conference.id) + "#programme")
    return render_template(
        "conferences_staff/session_form.html", form=form, conference=conference, item=item
    )


@bp.route("/<int:conference_id>/programm/<int:session_id>/loeschen", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def delete_session(conference_id: int, session_id: int):
    """Asks first (GET), deletes on the answer (POST); while people hold a place in it or
    wait for one, says how many, leads to their list and offers to move them all to another
    session of the slot and delete it then (``move_all_and_delete``)."""
    conference = _conference_or_404(conference_id)
    item = _session_or_404(conference, session_id)
    form = Form()
    if form.validate_on_submit():
        try:
            programme.delete_session(item.id, current_user, clock.now())
        except DomainError:
            db.session.rollback()  # people hold it: the page below says how many
        else:
            flash(_("Der Programmpunkt „%(title)s“ ist gelöscht.", title=item.title), "success")
            return redirect(url_for(".detail", conference_id=conference.id) + "#programme")
    return _delete_page(conference, item, form)


@bp.post("/<int:conference_id>/programm/<int:session_id>/loeschen/alle-verschieben")
@staff_required(Role.EVENT_TEAM)
def move_all_and_delete(conference_id: int, session_id: int):
    conference = _conference_or_404(conference_id)
    item = _session_or_404(conference, session_id)
    title = item.title
    move_form = _move_all_form(item)
    if move_form.validate_on_submit():
        try:
            moved = programme.move_all_and_delete(
                item.id,
                picked_id(move_form.target),
                current_user,
                clock.now(),
                override=move_form.override.data,
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(move_form, error)
        else:
            flash(
                _(
                    "Der Programmpunkt „%(title)s“ ist gelöscht. Nach „%(target)s“ verschoben: "
                    "%(seated)d mit Platz, %(waiting)d auf der Warteliste.",
                    title=title,
                    target=moved.target.title,
                    seated=moved.seated,
                    waiting=moved.waiting,
                ),
                "success",
            )
            return redirect(url_for(".detail", conference_id=conference.id) + "#programme")
    return _delete_page(conference, item, Form(), move_form)


def _move_all_form(item: ConferenceSession) -> MoveAllForm:
    form = MoveAllForm()
    form.target.choices = [("", _("– bitte wählen –"))] + [
        (str(other.id), other.title) for other in programme.move_targets(item)
    ]
    return form


def _delete_page(conference, item, form, move_form=None):
    seated, waiting = choices.held(item.id)
    move_form = move_form or _move_all_form(item)
    return render_template(
        "conferences_staff/session_delete.html",
        form=form,
        move_form=move_form,
        targets=len(move_form.target.choices) > 1,
        conference=conference,
        item=item,
        held=programme.still_held(item, seated, waiting) if seated or waiting else None,
    )


# -- badges, signs and the badge's check-in ---------------------------------------------------


@bp.get("/<int:conference_id>/namensschilder")
@staff_required(Role.EVENT_TEAM)
def badge_sheet(conference_id: int):
    """Name badges to print: all confirmed people, those registered since a day, or one."""
    conference = _conference_or_404(conference_id)
    since = query_day(request.args.get("seit"))
    one = request.args.get("anmeldung", type=int)
    chosen = badges.badges(
        conference,
        since=berlin_local_to_utc(since, time(0)) if since else None,
        registration_id=one,
    )
    return render_template(
        "conferences_staff/badges.html",
        conference=conference,
        badges=chosen,
        since=since,
        since_typed=request.args.get("seit", ""),
        one=one,
    )


@bp.get("/<int:conference_id>/raumschilder")
@staff_required(Role.EVENT_TEAM)
def signs(conference_id: int):
    """Room signs and the day's programme to print, one page each."""
    conference = _conference_or_404(conference_id)
    return render_template(
        "conferences_staff/signs.html", conference=conference, signs=badges.signs(conference)
    )


@bp.route(
    "/<int:conference_id>/namensschilder/<int:registration_id>/ersetzen", methods=["GET", "POST"]
)
@staff_required(Role.EVENT_TEAM)
def reissue_badge(conference_id: int, registration_id: int):
    """A lost or misprinted badge: asks first (GET), then issues a new code (POST) that voids
    the old badge, and shows the new badge to print."""
    conference = _conference_or_404(conference_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_date.conference_id != conference.id:
        abort(404)
    form = Form()
    if form.validate_on_submit():
        try:
            badge_tokens.reissue(registration.id, current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(
                _(
                    "Das neue Namensschild für %(name)s ist bereit; der QR-Code des bisherigen "
                    "gilt nicht mehr.",
                    name=registration.person.name if registration.person else "",
                ),
                "success",
            )
            return redirect(
                url_for(".badge_sheet", conference_id=conference.id, anmeldung=registration.id)
            )
    return render_template(
        "conferences_staff/badge_reissue.html",
        form=form,
        conference=conference,
        registration=registration,
    )


@bp.route("/check-in/<int:registration_id>/<token>", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def check_in(registration_id: int, token: str):
    """Where a badge's QR code leads: "Person X einchecken", confirmed with a button. The code
    of a badge since replaced says so (410) and checks nobody in."""
    try:
        registration, conference = badge_tokens.registration_for_check_in(registration_id, token)
    except badge_tokens.BadgeReplaced as replaced:
        html = render_template("conferences_staff/badge_replaced.html", replaced=replaced)
        return html, 410
    except LookupError:
        abort(404)
    form = Form()
    if form.validate_on_submit():
        try:
            arrival = badges.check_in(registration, current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_arrival_message(registration, arrival), "success" if arrival.changed else "info")
            return redirect(url_for(".check_in", registration_id=registration.id, token=token))
    return render_template(
        "conferences_staff/check_in.html",
        form=form,
        conference=conference,
        registration=registration,
    )


def _arrival_message(registration: Registration, arrival: badges.Arrival) -> str:
    name = registration.person.name if registration.person else ""
    if arrival.attended and arrival.speed_dating:
        return _("%(name)s ist eingecheckt, auch für das Speed-Dating.", name=name)
    if arrival.attended:
        return _("%(name)s ist eingecheckt.", name=name)
    if arrival.speed_dating:
        return _("%(name)s ist jetzt auch für das Speed-Dating eingecheckt.", name=name)
    return _("%(name)s war schon eingecheckt.", name=name)
