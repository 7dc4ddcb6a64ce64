"""Staff: the presenter screen for the projector — round, countdown, questions, seating.

The page carries the whole state (the plan JSON) and the browser counts from it
(static/js/speed-presenter.js), polling for changes; so it keeps running if the network drops.
Its buttons and keys use the run controls of ``staff_views.run``. Without JavaScript it is a
snapshot of the moment it was loaded, with working buttons.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, url_for

from startsmart import clock
from startsmart.conferences.models import Conference
from startsmart.extensions import db
from startsmart.speed_dating import payloads, screens, service, words
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint(
    "speed_dating_presenter_staff",
    __name__,
    url_prefix="/staff/regionalkonferenzen/<int:conference_id>/speed-dating",
)


@bp.get("/praesentation")
@staff_required(Role.EVENT_TEAM)
def presenter(conference_id: int):
    conference = db.session.get(Conference, conference_id) or abort(404)
    session = service.session_of(conference.id) or abort(404)
    answer = payloads.staff_payload(session, clock.now())
    round_clock = answer["clock"]
    response = current_app.make_response(
        render_template(
            "speed_dating_presenter_staff/presenter.html",
            conference=conference,
            session=session,
            answer=answer,
            clock=round_clock,
            seating=screens.seating(answer, screens.seating_round(round_clock)),
            screens=screens,
            texts=words.presenter_texts(),
            feed=url_for("speed_dating_staff.plan_json", conference_id=conference.id),
            poll_seconds=current_app.config["SPEED_DATING_PRESENTER_POLL_SECONDS"],
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
