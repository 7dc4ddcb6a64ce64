"""Staff: offerings (list, create, edit, retire), their topics (list, rename, delete) and their
dates (create, move, resize, cancel)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from startsmart import clock, repeated_hour
from startsmart.catalog import staff_dates, staff_service, staff_topics
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat, Topic
from startsmart.catalog.staff_forms import (
    DateCancelForm,
    DateCapacityForm,
    DateCreateForm,
    DateDetailsForm,
    DatePlaceForm,
    OfferingCreateForm,
    OfferingForm,
    TopicForm,
)
from startsmart.clock import berlin_wall_time
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import Form, attach_error
from startsmart.forms import choices, filled
from startsmart.registrations import date_changes
from startsmart.registrations.queries import seats_by_date
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("catalog_staff", __name__, url_prefix="/staff")


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Nothing was saved: forget the half-done changes, show the message at its field."""
    db.session.rollback()
    attach_error(form, error)


def _date_page(date_id: int) -> str:
    return url_for("registrations_staff.date_page", date_id=date_id)


# Offerings


def _offering_input(form: OfferingForm) -> staff_service.OfferingInput:
    return staff_service.OfferingInput(
        title=form.title.data,
        summary=filled(form.summary.data),
        description=filled(form.description.data),
        topic_ids=form.topics.data or (),
        new_topic=form.new_topic.data or "",
        new_topic_en=form.new_topic_en.data or "",
        title_en=form.title_en.data or "",
        summary_en=form.summary_en.data or "",
        description_en=form.description_en.data or "",
        default_capacity=form.default_capacity.data,
        default_duration_minutes=form.default_duration_minutes.data,
        per_municipality_limit=form.per_municipality_limit.data,
        default_join_url=form.default_join_url.data,
    )


def _with_topics(form: OfferingForm) -> OfferingForm:
    form.topics.choices = choices((t.id, t.name) for t in staff_service.all_topics())
    return form


@bp.get("/angebote")
@staff_required(Role.EVENT_TEAM)
def offerings():
    rows = staff_service.offerings_overview(clock.now())
    return render_template("catalog_staff/offerings.html", rows=rows)


@bp.route("/angebote/neu", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def offering_new():
    form = _with_topics(OfferingCreateForm())
    if form.validate_on_submit():
        try:
            offering = staff_service.create_offering(
                OfferingFormat(form.format.data), _offering_input(form), current_user, clock.now()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Das Angebot „%(title)s“ wurde angelegt.", title=offering.title), "success")
            return redirect(url_for(".offering_dates", offering_id=offering.id))
    return render_template("catalog_staff/offering_form.html", form=form, offering=None)


@bp.route("/angebote/<int:offering_id>", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def offering_edit(offering_id: int):
    offering = db.session.get(Offering, offering_id) or abort(404)
    if request.method == "GET":
        form = OfferingForm(
            data={
                "title": offering.title,
                "summary": offering.summary,
                "description": offering.description,
                "title_en": offering.title_en,
                "summary_en": offering.summary_en,
                "description_en": offering.description_en,
                "topics": [t.id for t in offering.topics],
                "default_capacity": offering.default_capacity,
                "default_duration_minutes": offering.default_duration_minutes,
                "per_municipality_limit": offering.per_municipality_limit,
                "default_join_url": offering.default_join_url,
            }
        )
    else:
        form = OfferingForm()
    _with_topics(form)
    if form.validate_on_submit():
        try:
            staff_service.update_offering(
                offering.id, _offering_input(form), current_user, clock.now()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                _("Die Änderungen an „%(title)s“ wurden gespeichert.", title=offering.title),
                "success",
            )
            return redirect(url_for(".offerings"))
    return render_template("catalog_staff/offering_form.html", form=form, offering=offering)


@bp.post("/angebote/<int:offering_id>/einstellen")
@staff_required(Role.EVENT_TEAM)
def offering_retire(offering_id: int):
    offering = db.session.get(Offering, offering_id) or abort(404)
    staff_service.retire_offering(offering.id, current_user, clock.now())
    flash(
        _(
            "„%(title)s“ ist eingestellt und erscheint nicht mehr in der öffentlichen Übersicht. "
            "Termine und Anmeldungen bleiben erhalten.",
            title=offering.title,
        ),
        "success",
    )
    return redirect(url_for(".offerings"))


@bp.post("/angebote/<int:offering_id>/reaktivieren")
@staff_required(Role.EVENT_TEAM)
def offering_reactivate(offering_id: int):
    offering = db.session.get(Offering, offering_id) or abort(404)
    staff_service.reactivate_offering(offering.id, current_user, clock.now())
    flash(_("„%(title)s“ wird wieder angeboten.", title=offering.title), "success")
    return redirect(url_for(".offerings"))


# Topics


@bp.get("/themen")
@staff_required(Role.EVENT_TEAM)
def topics():
    return render_template("catalog_staff/topics.html", rows=staff_topics.topics_overview())


@bp.route("/themen/<int:topic_id>", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def topic_edit(topic_id: int):
    topic = db.session.get(Topic, topic_id) or abort(404)
    if request.method == "GET":
        form = TopicForm(data={"name": topic.name, "name_en": topic.name_en})
    else:
        form = TopicForm()
    if form.validate_on_submit():
        data = staff_topics.TopicInput(name=form.name.data, name_en=form.name_en.data or "")
        try:
            staff_topics.update_topic(topic.id, data, current_user, clock.now())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Das Thema „%(name)s“ wurde gespeichert.", name=topic.name), "success")
            return redirect(url_for(".topics"))
    return render_template(
        "catalog_staff/topic_form.html",
        form=form,
        topic=topic,
        offerings=staff_topics.offerings_with(topic.id),
    )


@bp.route("/themen/<int:topic_id>/loeschen", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def topic_delete(topic_id: int):
    """Asks first (GET), deletes on the answer (POST); while offerings have the topic, says
    how many and lists them instead."""
    topic = db.session.get(Topic, topic_id) or abort(404)
    form = Form()
    if form.validate_on_submit():
        name = topic.name
        try:
            staff_topics.delete_topic(topic.id, current_user, clock.now())
        except DomainError:
            db.session.rollback()  # offerings have it: the page below says how many
        else:
            flash(_("Das Thema „%(name)s“ ist gelöscht.", name=name), "success")
            return redirect(url_for(".topics"))
    offerings = staff_topics.offerings_with(topic.id)
    return render_template(
        "catalog_staff/topic_delete.html",
        form=form,
        topic=topic,
        offerings=offerings,
        used=staff_topics.still_used(topic, len(offerings)) if offerings else None,
    )


# Dates


@bp.get("/termine")
@staff_required(Role.EVENT_TEAM)
def dates():
    now = clock.now()
    # ?status=pending: the dates with registrations waiting for confirmation (the start page).
    unconfirmed = request.args.get("status") == "pending"
    upcoming = staff_dates.upcoming_dates(now, unconfirmed=unconfirmed)
    return render_template(
        "catalog_staff/dates.html",
        dates=upcoming,
        seats=seats_by_date(upcoming),
        now=now,
        unconfirmed=unconfirmed,
    )


@bp.get("/angebote/<int:offering_id>/termine")
@staff_required(Role.EVENT_TEAM)
def offering_dates(offering_id: int):
    offering = db.session.get(Offering, offering_id) or abort(404)
    now = clock.now()
    all_dates = staff_dates.dates_of(offering.id)
    return render_template(
        "catalog_staff/offering_dates.html",
        offering=offering,
        upcoming=[d for d in all_dates if d.ends_at > now],
        past=list(reversed([d for d in all_dates if d.ends_at <= now])),
        seats=seats_by_date(all_dates),
        now=now,
    )


def _deadline(form) -> staff_dates.Deadline:
    return staff_dates.Deadline(form.deadline_day.data, form.deadline_time.data)


@bp.route("/angebote/<int:offering_id>/termine/neu", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def date_new(offering_id: int):
    offering = db.session.get(Offering, offering_id) or abort(404)
    if request.method == "GET":
        form = DateCreateForm(data={"capacity": offering.default_capacity, "status": "published"})
    else:
        form = DateCreateForm()
    if form.validate_on_submit() and repeated_hour.settle(
        form.repeated_hour,
        (form.day, form.starts),
        (form.day, form.ends),
        (form.deadline_day, form.deadline_time),
    ):
        data = staff_dates.NewDate(
            day=form.day.data,
            starts=form.starts.data,
            ends=form.ends.data,
            online_url=form.online_url.data,
            venue=form.venue.data,
            capacity=form.capacity.data,
            per_municipality_limit=form.per_municipality_limit.data,
            deadline=_deadline(form),
            status=EventDateStatus(form.status.data),
            note=form.note.data or "",
            note_en=form.note_en.data or "",
        )
        try:
            event_date = staff_dates.create_date(offering.id, data, current_user, clock.now())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Der Termin wurde angelegt."), "success")
            return redirect(_date_page(event_date.id))
    return render_template("catalog_staff/date_new.html", form=form, offering=offering)


def _date_or_404(date_id: int) -> EventDate:
    return db.session.get(EventDate, date_id) or abort(404)


def _edit_page(event_date: EventDate, form: FlaskForm, kind: str):
    return render_template(
        "catalog_staff/date_edit.html",
        date=event_date,
        form=form,
        kind=kind,
        seats=seats_by_date([event_date])[event_date.id],
        now=clock.now(),
    )


@bp.route("/termine/<int:date_id>/zeit-und-ort", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def date_place(date_id: int):
    event_date = _date_or_404(date_id)
    if request.method == "GET":
        day, starts = berlin_wall_time(event_date.starts_at)
        form = DatePlaceForm(
            data={
                "day": day,
                "starts": starts,
                "ends": berlin_wall_time(event_date.ends_at)[1],
                "online_url": event_date.online_url,
                "venue": event_date.venue,
            }
        )
    else:
        form = DatePlaceForm()
    if form.validate_on_submit() and repeated_hour.settle(
        form.repeated_hour, (form.day, form.starts), (form.day, form.ends)
    ):
        try:
            told = staff_dates.move(
                event_date.id,
                form.day.data,
                form.starts.data,
                filled(form.ends.data),
                form.online_url.data,
                form.venue.data,
                current_user,
                clock.now(),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                ngettext(
                    "Gespeichert. %(num)d angemeldete Person hat eine Aktualisierung erhalten.",
                    "Gespeichert. %(num)d angemeldete Personen haben eine Aktualisierung erhalten.",
                    told,
                ),
                "success",
            )
            return redirect(_date_page(event_date.id))
    return _edit_page(event_date, form, "place")


@bp.route("/termine/<int:date_id>/plaetze", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def date_capacity(date_id: int):
    event_date = _date_or_404(date_id)
    if request.method == "GET":
        form = DateCapacityForm(data={"capacity": event_date.capacity})
    else:
        form = DateCapacityForm()
    if form.validate_on_submit():
        try:
            promoted = staff_dates.resize(
                event_date.id, form.capacity.data, current_user, clock.now()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                ngettext(
                    "Der Termin hat jetzt %(num)d Platz.",
                    "Der Termin hat jetzt %(num)d Plätze.",
                    form.capacity.data,
                ),
                "success",
            )
            if promoted:
                flash(
                    ngettext(
                        "%(num)d Person ist von der Warteliste nachgerückt.",
                        "%(num)d Personen sind von der Warteliste nachgerückt.",
                        promoted,
                    ),
                    "info",
                )
            return redirect(_date_page(event_date.id))
    return _edit_page(event_date, form, "capacity")


@bp.route("/termine/<int:date_id>/angaben", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def date_details(date_id: int):
    event_date = _date_or_404(date_id)
    if request.method == "GET":
        closes = event_date.registration_closes_at
        day, at = berlin_wall_time(closes) if closes else (None, None)
        form = DateDetailsForm(
            data={
                "deadline_day": day,
                "deadline_time": at,
                "per_municipality_limit": event_date.per_municipality_limit,
                "status": event_date.status.value,
                "note": event_date.note,
                "note_en": event_date.note_en,
            }
        )
    else:
        form = DateDetailsForm()
    if form.validate_on_submit() and repeated_hour.settle(
        form.repeated_hour, (form.deadline_day, form.deadline_time)
    ):
        details = staff_dates.DateDetails(
            deadline=_deadline(form),
            per_municipality_limit=form.per_municipality_limit.data,
            status=EventDateStatus(form.status.data),
            note=form.note.data or "",
            note_en=form.note_en.data or "",
        )
        try:
            staff_dates.update_details(event_date.id, details, current_user, clock.now())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Die Angaben zum Termin wurden gespeichert."), "success")
            return redirect(_date_page(event_date.id))
    return _edit_page(event_date, form, "details")


@bp.route("/termine/<int:date_id>/absagen", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def date_cancel(date_id: int):
    event_date = _date_or_404(date_id)
    form = DateCancelForm()
    if form.validate_on_submit():
        try:
            message = staff_service.plain_text(form.message.data)
            told = date_changes.cancel_date(event_date.id, message, current_user, clock.now())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                ngettext(
                    "Der Termin ist abgesagt. %(num)d Person wurde benachrichtigt.",
                    "Der Termin ist abgesagt. %(num)d Personen wurden benachrichtigt.",
                    told,
                ),
                "success",
            )
            return redirect(_date_page(event_date.id))
    return _edit_page(event_date, form, "cancel")
