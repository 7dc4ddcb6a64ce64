"""Acting on what the KTS mailbox received: calendar answers and bounces.

One pass (``read_mailbox``) lists the messages without the reader's keyword, reads each
(``letters.read``) and acts on it in its own transaction: the message's Message-ID is inserted
into ``processed_mail`` first (unique), so a message read twice, or by two readers at once,
changes things once; the second insert fails and the message is only marked. A cancellation
then takes the date's lock like any other (``registrations.service.relocked``).

A reply is matched to its event by UID (as ``registrations.mails.registration_uid`` and
``consultations.mails.uid`` build it, domain included) and to the person by its ATTENDEE
address; a bounce to a person by the failed recipient's address. What matches nothing stays
in the mailbox, unmarked, for the team; nothing is guessed.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from startsmart.audit import service as audit
from startsmart.consultations.models import Consultation
from startsmart.email_address import ascii_address
from startsmart.extensions import db
from startsmart.inbox import letters
from startsmart.inbox.imap import Mailbox
from startsmart.inbox.models import CalendarAnswer, ProcessedMail
from startsmart.municipalities.models import Person
from startsmart.registrations import service as registrations
from startsmart.registrations.models import ACTIVE, Registration

log = logging.getLogger(__name__)

READER = "flask mail fetch"  # who acted, in the audit log


class Result(enum.Enum):
    DONE = "done"  # acted on (or nothing to do): mark it
    LEFT = "left"  # for a person: leave it as it is
    BROKEN = "broken"  # unreadable: leave it, say so in the log
    FAILED = "failed"  # acting failed (the database, say): leave it, try again next pass


@dataclass
class Report:
    done: int = 0
    left: int = 0
    broken: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.done + self.left + self.broken


@dataclass
class Reader:
    """The reader's memory between passes of one process: messages it left alone are not read
    again while the folder keeps its UIDVALIDITY (a cron pass simply reads them again)."""

    left_alone: set[tuple[int, int]] = field(default_factory=set)


def read_mailbox(config: Mapping[str, Any], now: datetime, reader: Reader | None = None) -> Report:
    """One pass over the mailbox: act on each unmarked message, mark what was acted on."""
    reader = reader or Reader()
    report = Report()
    with Mailbox(config) as mailbox:
        for uid in mailbox.unmarked():
            key = (mailbox.uidvalidity, uid)
            if key in reader.left_alone:
                continue
            raw = mailbox.fetch(uid)
            if raw is None:
                continue
            result, line = act(raw, now)
            if result is Result.DONE:
                mailbox.mark(uid)
                report.done += 1
            elif result is Result.FAILED:
                report.broken += 1
            else:
                reader.left_alone.add(key)
                if result is Result.BROKEN:
                    report.broken += 1
                    log.warning("mailbox message %s skipped: %s", uid, line)
                else:
                    report.left += 1
            report.lines.append(f"{uid}: {result.value}: {line}")
    return report


def act(raw: bytes, now: datetime) -> tuple[Result, str]:
    """Act on one message; never raises (a failure rolls back and leaves the message)."""
    letter = letters.read(raw)
    try:
        if isinstance(letter, letters.Broken):
            return Result.BROKEN, letter.why
        if isinstance(letter, letters.ForPeople):
            return Result.LEFT, letter.why
        if isinstance(letter, letters.AutoReply):
            return Result.DONE, "auto-reply, ignored"
        if isinstance(letter, letters.Bounce):
            return _bounce(letter, now)
        return _reply(letter, now)
    except Exception as error:  # the database went away, say: this message waits for next time
        db.session.rollback()
        log.exception("mailbox message could not be processed")
        return Result.FAILED, repr(error)


# -- calendar answers --------------------------------------------------------------------------


def _reply(reply: letters.CalendarReply, now: datetime) -> tuple[Result, str]:
    event = _event(reply.uid)
    person = event.person if event is not None else None
    if isinstance(event, Consultation) and same_address(event.advisor.email, reply.attendee):
        # The advisor is invited too, and their calendar answers the organizer as well.
        if _first_time(reply.message_id, "reply", now):
            _outcome(reply.message_id, f"consultation {event.id}: the advisor's own answer")
            db.session.commit()
        return Result.DONE, "the advisor's own answer, nothing to change"
    if event is None or person is None or not same_address(person.email, reply.attendee):
        db.session.rollback()
        return Result.LEFT, f"no event {reply.uid!r} with attendee {reply.attendee!r}"
    if not _first_time(reply.message_id, "reply", now):
        return Result.DONE, "already processed"
    answer = CalendarAnswer(reply.answer.lower())
    if isinstance(event, Registration):
        outcome = _registration_answer(event, answer, reply.stamp, now)
    else:
        outcome = _consultation_answer(event, answer, reply.stamp, now)
    _outcome(reply.message_id, outcome)
    db.session.commit()
    return Result.DONE, outcome


def _event(uid: str) -> Registration | Consultation | None:
    """The registration or consultation whose invitation carried ``uid``: UIDs are stored with
    their events (``invitations.uids``); new ones are random, so a reply cannot be forged for
    somebody else's registration by guessing its id."""
    registration = db.session.execute(
        sa.select(Registration).where(Registration.ical_uid == uid)
    ).scalar_one_or_none()
    if registration is not None:
        return registration
    return db.session.execute(
        sa.select(Consultation).where(Consultation.ical_uid == uid)
    ).scalar_one_or_none()


def _registration_answer(
    registration: Registration, answer: CalendarAnswer, stamp: datetime | None, now: datetime
) -> str:
    registration = registrations.relocked(registration, now)
    if registration.status not in ACTIVE:
        return f"registration {registration.id} is {registration.status.value}: nothing to do"
    if answer is CalendarAnswer.DECLINED:
        _remember(registration, answer, stamp, now)
        if now >= registration.event_date.starts_at:
            return f"registration {registration.id}: declined after the start, kept"
        registrations.decline(registration, now)
        audit.record(
            "registration.declined",
            None,
            now,
            subject=f"registration:{registration.id}",
            actor_name=READER,
        )
        return f"registration {registration.id} cancelled"
    _remember(registration, answer, stamp, now)
    return f"registration {registration.id} {answer.value}"


def _consultation_answer(
    consultation: Consultation, answer: CalendarAnswer, stamp: datetime | None, now: datetime
) -> str:
    # Staff decide what a declined consultation means (they call): the answer is only shown.
    db.session.refresh(consultation, with_for_update=True)
    _remember(consultation, answer, stamp, now)
    if answer is CalendarAnswer.DECLINED:
        audit.record(
            "consultation.declined",
            None,
            now,
            subject=f"consultation:{consultation.id}",
            actor_name=READER,
        )
    return f"consultation {consultation.id} {answer.value}"


def _remember(
    row: Registration | Consultation,
    answer: CalendarAnswer,
    stamp: datetime | None,
    now: datetime,
) -> None:
    """Keep the newest answer: calendars send them in any order."""
    stamp = stamp or now
    if row.answered_at is None or stamp >= row.answered_at:
        row.answer = answer
        row.answered_at = stamp


# -- bounces -----------------------------------------------------------------------------------


def _bounce(bounce: letters.Bounce, now: datetime) -> tuple[Result, str]:
    people = _people(bounce.recipients)
    if not people:
        db.session.rollback()
        return Result.LEFT, f"bounce for unknown {', '.join(bounce.recipients)}"
    if not _first_time(bounce.message_id, "bounce", now):
        return Result.DONE, "already processed"
    for person in people:
        if person.undeliverable_at is None:
            person.undeliverable_at = now
        person.undeliverable_reason = bounce.reason or None
        audit.record(
            "person.undeliverable", None, now, subject=f"person:{person.id}", actor_name=READER
        )
    outcome = "undeliverable: " + ", ".join(f"person {p.id}" for p in people)
    _outcome(bounce.message_id, outcome)
    db.session.commit()
    return Result.DONE, outcome


def _people(addresses: tuple[str, ...]) -> list[Person]:
    wanted = {spelling for address in addresses for spelling in spellings(address)}
    return list(
        db.session.execute(sa.select(Person).where(Person.email.in_(wanted)).order_by(Person.id))
        .scalars()
        .all()
    )


# -- addresses ---------------------------------------------------------------------------------


def spellings(address: str) -> set[str]:
    """The ways ``address`` can be stored: lower-cased, domain as punycode or as Unicode (the
    person table keeps email-validator's form, mail headers carry punycode)."""
    address = address.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return {address}
    found = {address, ascii_address(address).lower()}
    try:
        found.add(f"{local}@{domain.encode('ascii').decode('idna')}")
    except UnicodeError:
        pass
    return found


def same_address(stored: str, written: str) -> bool:
    return bool(spellings(stored) & spellings(written))


# -- once per message --------------------------------------------------------------------------


def _first_time(message_id: str, kind: str, now: datetime) -> bool:
    """Claim ``message_id`` in this transaction; False (rolled back) if it was processed
    before. A second reader with the same message waits here for the first one's commit."""
    db.session.add(
        ProcessedMail(message_id=message_id[:998], kind=kind, outcome="", processed_at=now)
    )
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _outcome(message_id: str, outcome: str) -> None:
    db.session.execute(
        sa.update(ProcessedMail)
        .where(ProcessedMail.message_id == message_id[:998])
        .values(outcome=outcome[:200])
    )
