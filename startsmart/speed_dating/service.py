"""Staff set up a conference's speed-dating and check people in on site.

Each write locks the session row first (check-ins come from several tablets at once), changes
what it must, raises the session's ``version`` so presenter screens and phones notice, records
the change in the audit log and commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from startsmart.audit import service as audit
from startsmart.catalog.staff_dates import to_utc
from startsmart.catalog.staff_service import one_line
from startsmart.clock import berlin_wall_time
from startsmart.conferences import registrants
from startsmart.conferences.models import Conference
from startsmart.conferences.service import conference_date
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities import directory_search
from startsmart.municipalities.folding import core_key
from startsmart.municipalities.models import FederalState, Municipality, name_key
from startsmart.registrations.models import HOLDING_A_SEAT, Registration
from startsmart.speed_dating.models import RunStatus, SpeedDatingParticipant, SpeedDatingSession
from startsmart.speed_dating.planner import rounds_that_fit
from startsmart.staff.models import StaffUser

# The personal code people type on their phone: no 0/O, 1/I/L, 2/Z, 5/S, 8/B to confuse.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8


def display_code(code: str) -> str:
    """The code as printed and mailed: two groups of four, easier to read out and type."""
    return f"{code[:4]} {code[4:]}" if len(code) == CODE_LENGTH else code


def default_questions() -> list[str]:
    """Three questions in the spirit of Flensburg: what you do, what you learnt, what next."""
    return [
        _("Woran arbeiten Sie gerade beim Thema Smart City?"),
        _("Was war Ihr größter Aha-Moment – oder Stolperstein?"),
        _("Wobei könnten wir voneinander lernen?"),
    ]


@dataclass(frozen=True)
class Settings:
    """What staff entered; ``starts`` is a Berlin time on the conference's day."""

    starts: time
    total_minutes: int = 45
    round_minutes: int = 3
    changeover_minutes: int = 1
    table_size: int = 2
    tables_available: int | None = None
    host_fills_gap: bool = False
    colleagues_apart: bool = False
    questions: tuple[str, str, str] = ("", "", "")


def session_of(conference_id: int) -> SpeedDatingSession | None:
    return db.session.execute(
        sa.select(SpeedDatingSession).where(SpeedDatingSession.conference_id == conference_id)
    ).scalar_one_or_none()


def locked_session(conference_id: int) -> SpeedDatingSession:
    """The conference's session, its row locked for the rest of the transaction."""
    session = db.session.execute(
        sa.select(SpeedDatingSession)
        .where(SpeedDatingSession.conference_id == conference_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if session is None:
        raise DomainError(_("Für diese Konferenz ist noch kein Speed-Dating eingerichtet."))
    return session


def rounds_for(session: SpeedDatingSession | Settings) -> int:
    return rounds_that_fit(session.total_minutes, session.round_minutes, session.changeover_minutes)


def _check_settings(conference: Conference, data: Settings) -> datetime:
    if not 2 <= data.table_size <= 4:
        raise DomainError(_("Bitte wählen Sie 2, 3 oder 4 Personen je Tisch."), "table_size")
    if data.tables_available is not None and data.tables_available < 1:
        raise DomainError(_("Mindestens ein Tisch ist nötig."), "tables_available")
    if data.round_minutes < 1:
        raise DomainError(_("Eine Runde dauert mindestens eine Minute."), "round_minutes")
    if data.changeover_minutes < 0:
        raise DomainError(_("Die Wechselzeit kann nicht negativ sein."), "changeover_minutes")
    if rounds_for(data) < 1:
        raise DomainError(
            _("In dieser Gesamtdauer hat keine einzige Runde Platz."), "total_minutes"
        )
    for number, question in enumerate(data.questions, start=1):
        if not one_line(question):
            raise DomainError(_("Bitte füllen Sie dieses Feld aus."), f"question_{number}")
    day, _at = berlin_wall_time(conference.starts_at)
    starts_at = to_utc(day, data.starts, "starts")
    if starts_at < conference.starts_at or (
        starts_at + timedelta(minutes=data.total_minutes) > conference.ends_at
    ):
        raise DomainError(
            _(
                "Das Speed-Dating muss in die Zeit der Konferenz fallen (%(start)s–%(end)s Uhr).",
                start=berlin_wall_time(conference.starts_at)[1].strftime("%H:%M"),
                end=berlin_wall_time(conference.ends_at)[1].strftime("%H:%M"),
            ),
            "starts",
        )
    return starts_at


def save_settings(
    conference_id: int, data: Settings, actor: StaffUser, now: datetime
) -> SpeedDatingSession:
    """Set up the speed-dating, or change its settings. Once it has begun, its timing stays
    (the clocks on the screens depend on it); questions, tables and the host may change."""
    conference = db.session.get(Conference, conference_id)
    if conference is None:
        raise DomainError(_("Diese Regionalkonferenz gibt es nicht."))
    starts_at = _check_settings(conference, data)
    session = session_of(conference_id)
    if session is None:
        session = SpeedDatingSession(conference=conference, created_at=now, version=1)
        db.session.add(session)
    else:
        session = locked_session(conference_id)
        if session.status is not RunStatus.NOT_STARTED:
            for field in ("total_minutes", "round_minutes", "changeover_minutes"):
                if getattr(session, field) != getattr(data, field):
                    raise DomainError(
                        _("Das Speed-Dating hat begonnen; die Zeiten lassen sich nicht ändern."),
                        field,
                    )
        session.touch(now)
    session.starts_at = starts_at
    session.total_minutes = data.total_minutes
    session.round_minutes = data.round_minutes
    session.changeover_minutes = data.changeover_minutes
    session.table_size = data.table_size
    session.tables_available = data.tables_available
    session.host_fills_gap = data.host_fills_gap
    session.colleagues_apart = data.colleagues_apart
    session.question_1, session.question_2, session.question_3 = (
        one_line(q) for q in data.questions
    )
    session.updated_at = now
    db.session.flush()
    audit.record(
        "speed_dating.changed",
        actor,
        now,
        subject=f"conference:{conference.id}",
        rounds=rounds_for(session),
        table_size=session.table_size,
    )
    db.session.commit()
    return session


# -- check-in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInRow:
    """One line of the check-in list: a registrant (checked in or not) or a walk-in."""

    key: str  # for anchors: "r<registration id>" or "p<participant id>"
    name: str
    municipality: str
    is_model_project: bool
    present: bool
    registration_id: int | None
    participant: SpeedDatingParticipant | None
    opted_in: bool  # asked for the speed-dating when registering
    contact_exchange: bool

    @property
    def walk_in(self) -> bool:
        return self.registration_id is None

    def matches(self, query: str) -> bool:
        wanted = query.casefold()
        return wanted in self.name.casefold() or wanted in self.municipality.casefold()


def participants_of(session_id: int) -> list[SpeedDatingParticipant]:
    return list(
        db.session.execute(
            sa.select(SpeedDatingParticipant)
            .where(SpeedDatingParticipant.session_id == session_id)
            .order_by(SpeedDatingParticipant.id)
        ).scalars()
    )


def _registrant_name(registration: Registration) -> str:
    """The registrant's name; a registration whose person was deleted (privacy) keeps none."""
    return registration.person.name if registration.person else _("(anonymisiert)")


def check_in_list(
    session: SpeedDatingSession, query: str = "", everyone: bool = False
) -> list[CheckInRow]:
    """Registrants who asked for the speed-dating (``everyone``: all with a seat), everybody
    checked in so far and the walk-ins, by name; ``query`` filters by name or municipality."""
    people = participants_of(session.id)
    taken = {p.registration_id: p for p in people if p.registration_id is not None}
    walk_ins = [p for p in people if p.registration_id is None]
    date = conference_date(session.conference_id)
    wanted: list[Registration] = []
    if date is not None:
        select = (
            sa.select(Registration)
            .where(Registration.event_date_id == date.id, Registration.status.in_(HOLDING_A_SEAT))
            .options(joinedload(Registration.person), joinedload(Registration.municipality))
        )
        if not everyone:
            select = select.where(
                sa.or_(
                    Registration.speed_dating.is_(True),
                    Registration.id.in_(list(taken)),
                )
            )
        wanted = list(db.session.execute(select).scalars())
    agreed = registrants.contact_consents(r.id for r in wanted)
    rows = []
    for registration in wanted:
        person = taken.pop(registration.id, None)
        town = registration.municipality
        rows.append(
            CheckInRow(
                key=f"r{registration.id}",
                name=person.shown_name if person else _registrant_name(registration),
                municipality=person.municipality_name if person else (town.name if town else ""),
                is_model_project=(
                    person.is_model_project if person else bool(town and town.is_model_project)
                ),
                present=bool(person and person.present),
                registration_id=registration.id,
                participant=person,
                opted_in=registration.speed_dating,
                contact_exchange=registration.id in agreed,
            )
        )
    for person in [*taken.values(), *walk_ins]:  # and registrants whose registration has gone
        rows.append(
            CheckInRow(
                key=f"p{person.id}",
                name=person.shown_name,
                municipality=person.municipality_name,
                is_model_project=person.is_model_project,
                present=person.present,
                registration_id=person.registration_id,
                participant=person,
                opted_in=False,
                contact_exchange=False,
            )
        )
    rows.sort(key=lambda row: (row.name.casefold(), row.key))
    query = " ".join(query.split())
    return [row for row in rows if row.matches(query)] if query else rows


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))
        exists = db.session.execute(
            sa.select(sa.exists().where(SpeedDatingParticipant.code == code))
        ).scalar_one()
        if not exists:
            return code


def _mark(person: SpeedDatingParticipant, present: bool, now: datetime) -> None:
    if present:
        person.present = True
        person.checked_in_at = person.checked_in_at or now
        person.departed_at = None
    else:
        if person.present:
            person.departed_at = now
        person.present = False


def set_presence(
    conference_id: int,
    *,
    registration_id: int | None = None,
    participant_id: int | None = None,
    present: bool,
    actor: StaffUser,
    now: datetime,
) -> SpeedDatingParticipant:
    """Tick a registrant (by registration) or a participant (by id) present or gone; the first
    tick of a registrant makes them a participant with their own code. Ticking twice is fine."""
    session = locked_session(conference_id)
    person = None
    if participant_id is not None:
        person = db.session.get(SpeedDatingParticipant, participant_id)
        if person is None or person.session_id != session.id:
            raise DomainError(_("Diese Person gibt es in diesem Speed-Dating nicht."))
    elif registration_id is not None:
        person = _registrant(session, registration_id)
        if person is None:
            person = _from_registration(session, registration_id, now)
    else:
        raise DomainError(_("Bitte wählen Sie eine Person."))
    _tick(session, person, present, actor, now)
    db.session.commit()
    return person


def _registrant(session: SpeedDatingSession, registration_id: int) -> SpeedDatingParticipant | None:
    return db.session.execute(
        sa.select(SpeedDatingParticipant).where(
            SpeedDatingParticipant.session_id == session.id,
            SpeedDatingParticipant.registration_id == registration_id,
        )
    ).scalar_one_or_none()


def _tick(
    session: SpeedDatingSession,
    person: SpeedDatingParticipant,
    present: bool,
    actor: StaffUser,
    now: datetime,
) -> None:
    """Mark present or gone, tell the screens, and audit it (the caller commits)."""
    _mark(person, present, now)
    session.touch(now)
    db.session.flush()
    audit.record(
        "speed_dating.check_in",
        actor,
        now,
        subject=f"speed_dating_participant:{person.id}",
        present=present,
    )


def _from_registration(
    session: SpeedDatingSession, registration_id: int, now: datetime
) -> SpeedDatingParticipant:
    date = conference_date(session.conference_id)
    registration = db.session.get(Registration, registration_id)
    if (
        registration is None
        or date is None
        or registration.event_date_id != date.id
        or registration.status not in HOLDING_A_SEAT
        or registration.person is None  # deleted on request: nobody left to check in
    ):
        raise DomainError(
            _("Diese Anmeldung gehört nicht zu dieser Konferenz oder ist nicht mehr aktiv.")
        )
    town = registration.municipality
    person = SpeedDatingParticipant(
        session_id=session.id,
        registration_id=registration.id,
        name=registration.person.name,
        municipality_id=town.id if town else None,
        municipality_name=town.name if town else "",
        municipality_state=town.state if town else None,
        is_model_project=bool(town and town.is_model_project),
        code=_new_code(),
        created_at=now,
    )
    db.session.add(person)
    return person


@dataclass(frozen=True)
class WalkIn:
    """Somebody who came without registering: three fields at the check-in desk."""

    name: str
    municipality: str
    state: FederalState | None  # needed for a municipality we do not know yet
    is_model_project: bool
    chosen_id: int | None = None  # the directory entry chosen in the field's suggestions


def _known_municipality(
    name: str, state: FederalState | None, chosen_id: int | None = None
) -> Municipality | None:
    """The directory entry chosen (while the text still names it), else the known
    municipality of that name (in that Land), else the only directory entry of that name
    ("Heide" for "Heide, Stadt"); None for a new one."""
    if chosen_id is not None:
        chosen = directory_search.chosen(chosen_id)
        if chosen is not None and core_key(chosen.name) == core_key(name):
            return db.session.get(Municipality, chosen.id)
    select = sa.select(Municipality).where(Municipality.name_key == name_key(name))
    if state is not None:
        select = select.where(Municipality.state == state)
    found = list(db.session.execute(select.order_by(Municipality.id).limit(2)).scalars())
    if len(found) == 1:
        return found[0]
    if found:
        raise DomainError(
            _("Eine Kommune dieses Namens gibt es in mehreren Ländern. Bitte wählen Sie das Land."),
            "state",
        )
    same = directory_search.same_name(name, state)
    if len(same) == 1:
        return db.session.get(Municipality, same[0].id)
    if state is None:
        raise DomainError(
            _("Diese Kommune kennen wir noch nicht. Bitte wählen Sie das Bundesland."), "state"
        )
    return None


def add_walk_in(
    conference_id: int, data: WalkIn, actor: StaffUser, now: datetime
) -> tuple[SpeedDatingParticipant, bool]:
    """Add a walk-in, present at once. The same name from the same municipality again (a
    double click) finds the first one. Returns the participant and whether it is new."""
    name = one_line(data.name)
    town = one_line(data.municipality)
    if not name:
        raise DomainError(_("Bitte geben Sie den Namen an."), "name")
    if not town:
        raise DomainError(_("Bitte geben Sie die Kommune an."), "municipality")
    if len(name) > 200 or len(town) > 200:
        raise DomainError(_("Bitte kürzen Sie den Eintrag (höchstens 200 Zeichen)."), "name")
    session = locked_session(conference_id)
    known = _known_municipality(town, data.state, data.chosen_id)
    person = SpeedDatingParticipant(
        session_id=session.id,
        name=name,
        municipality_id=known.id if known else None,
        municipality_name=known.name if known else town,
        municipality_state=known.state if known else data.state,
        is_model_project=data.is_model_project,
        created_at=now,
    )
    for other in participants_of(session.id):
        same = other.walk_in and other.name.casefold() == name.casefold()
        if same and other.municipality_key == person.municipality_key:
            _mark(other, True, now)
            session.touch(now)
            db.session.commit()
            return other, False
    person.code = _new_code()
    _mark(person, True, now)
    db.session.add(person)
    session.touch(now)
    db.session.flush()
    audit.record(
        "speed_dating.walk_in",
        actor,
        now,
        subject=f"speed_dating_participant:{person.id}",
        municipality=person.municipality_name,
    )
    db.session.commit()
    return person, True


def arrived_by_badge(
    conference_id: int, registration: Registration, actor: StaffUser, now: datetime
) -> bool:
    """The badge check-in at the conference's door: a registrant who asked for the
    speed-dating, or is already on its list, is ticked present, once: somebody checked in
    before (and perhaps marked gone since) is left as staff set them. Returns whether anything
    changed. Not committed: a step of the badge check-in's unit of work."""
    session = session_of(conference_id)
    if session is None or session.status is RunStatus.FINISHED:
        return False
    session = locked_session(conference_id)  # tablets at the speed-dating desk tick at once
    person = _registrant(session, registration.id)
    if person is not None and person.checked_in_at is not None:
        return False
    if person is None:
        if not registration.speed_dating:
            return False
        person = _from_registration(session, registration.id, now)
    _tick(session, person, True, actor, now)
    return True
