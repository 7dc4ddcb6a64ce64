"""What must hold after ``site_load.py``'s run, checked in the database and in the mail the
SMTP sink received: seats, consultation slots, invitations and cancellations, the outbox."""

from __future__ import annotations

import email
import re
from collections import Counter
from email.policy import default as default_policy

import sqlalchemy as sa
from live_server import percentile
from site_visitors import Mailbox

from startsmart import clock
from startsmart.catalog.models import EventDate
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.municipalities.models import Person
from startsmart.registrations.models import HOLDING_A_SEAT, Registration, RegistrationStatus
from startsmart.staff.models import StaffUser

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def calendars(mailbox: Mailbox) -> tuple[set[tuple[str, str, str]], Counter]:
    """(UID, METHOD, recipient) of every calendar the SMTP server received; Message-IDs."""
    seen, ids = set(), Counter()
    for received in mailbox.received:
        header = received.data.split(b"\r\n\r\n", 1)[0]
        ids[MESSAGE_ID.search(header).group(1).decode()] += 1
        if b"text/calendar" not in received.data:
            continue
        message = email.message_from_bytes(received.data, policy=default_policy)
        for part in message.walk():
            if part.get_content_type() != "text/calendar":
                continue
            text = part.get_content()
            if isinstance(text, bytes):
                text = text.decode()
            text = text.replace("\r\n ", "").replace("\n ", "")
            method = re.search(r"^METHOD:(\S+)", text, re.MULTILINE).group(1)
            for uid in re.findall(r"^UID:(\S+)", text, re.MULTILINE):
                for recipient in received.rcpt_tos:
                    seen.add((uid, method, recipient.lower()))
            break  # the .ics attachment repeats the same calendar
    return seen, ids


def invited_people() -> list[tuple[str, int, str, tuple[str, ...], str]]:
    """(kind, id, status now, addresses, calendar UID) of every registration and consultation
    that was sent its calendar invitation (some since cancelled): the person, and for a
    consultation also the advisor. The UID as stored with the event (``invitations.uids``)."""
    registrations = db.session.execute(
        sa.select(Registration.id, Registration.status, Person.email, Registration.ical_uid)
        .join(Person, Registration.person_id == Person.id)
        .where(Registration.invitation_sent)
    ).all()
    consultations = db.session.execute(
        sa.select(
            Consultation.id,
            Consultation.status,
            Person.email,
            StaffUser.email,
            Consultation.ical_uid,
        )
        .join(Person, Consultation.person_id == Person.id)
        .join(StaffUser, Consultation.advisor_id == StaffUser.id)
        .where(Consultation.invitation_sent)
    ).all()
    return [("registration", i, s.value, (e,), u) for i, s, e, u in registrations] + [
        ("consultation", i, s.value, (e, a), u) for i, s, e, a, u in consultations
    ]


def invariants(app, mailbox: Mailbox, every_journey: bool) -> bool:
    """Print every check and return whether all held. ``every_journey``: fail, too, when a
    kind of journey never got through (the smoke run's purpose); otherwise only say so."""
    config = app.config
    buffer = config["CONSULTATION_BUFFER_MINUTES"]
    with app.app_context():
        now = clock.now()
        dates = db.session.execute(
            sa.select(
                EventDate.id,
                EventDate.capacity,
                EventDate.starts_at,
                sa.func.count(Registration.id).filter(Registration.status.in_(HOLDING_A_SEAT)),
                sa.func.count(Registration.id).filter(
                    Registration.status == RegistrationStatus.WAITLISTED
                ),
            )
            .outerjoin(Registration, Registration.event_date_id == EventDate.id)
            .group_by(EventDate.id)
        ).all()
        over = [(i, held, cap) for i, cap, _, held, _ in dates if held > cap]
        stuck = [(i, held, cap, w) for i, cap, s, held, w in dates if held < cap and w and s > now]
        statuses = Counter(
            dict(
                db.session.execute(
                    sa.select(Registration.status, sa.func.count()).group_by(Registration.status)
                ).all()
            )
        )
        # Occupying the advisor: confirmed, or pending with the hold still running.
        active = "status = 'confirmed' OR (status = 'pending' AND hold_expires_at > :now)"
        overlapping = db.session.execute(
            sa.text(
                f"""
                WITH active AS (SELECT * FROM consultation WHERE {active})
                SELECT a.id, b.id, a.advisor_id FROM active a JOIN active b
                  ON a.advisor_id = b.advisor_id AND a.id < b.id
                 AND a.starts_at < b.ends_at + make_interval(mins => :buffer)
                 AND b.starts_at < a.ends_at + make_interval(mins => :buffer)
                """
            ),
            {"buffer": buffer, "now": now},
        ).all()
        per_day = db.session.execute(
            sa.text(
                f"""
                SELECT advisor_id, (starts_at AT TIME ZONE 'Europe/Berlin')::date, count(*)
                FROM consultation WHERE {active}
                GROUP BY 1, 2 HAVING count(*) > :limit
                """
            ),
            {"limit": config["CONSULTATION_MAX_PER_DAY"], "now": now},
        ).all()
        consultations = Counter(
            dict(
                db.session.execute(
                    sa.select(Consultation.status, sa.func.count()).group_by(Consultation.status)
                ).all()
            )
        )
        invited = invited_people()
        outbox = db.session.execute(
            sa.select(
                OutboxMessage.message_id,
                OutboxMessage.status,
                OutboxMessage.created_at,
                OutboxMessage.sent_at,
            )
        ).all()
    seen, received_ids = calendars(mailbox)

    def missing(kind: str, status: str, method: str) -> list[int]:
        return [
            number
            for what, number, now_status, addresses, uid in invited
            if what == kind and (status == "any" or now_status == status)
            for address in addresses
            if (uid, method, address.lower()) not in seen
        ]

    outbox_ids = Counter(m for m, *_ in outbox)
    not_sent = sum(1 for _, status, *_ in outbox if status is not OutboxStatus.SENT)
    lost = set(outbox_ids) - set(received_ids)
    twice = sum(1 for n in received_ids.values() if n > 1)
    delays = [(sent - created).total_seconds() for _, _, created, sent in outbox if sent]

    # A check over nothing proves nothing: say which kinds of journey never got through.
    kinds = Counter(what for what, *_ in invited)
    cancelled = statuses[RegistrationStatus.CANCELLED] + consultations[ConsultationStatus.CANCELLED]
    never = [
        name
        for name, count in (
            ("registration confirmed (invitation sent)", kinds["registration"]),
            ("consultation confirmed (invitation sent)", kinds["consultation"]),
            ("registration or consultation cancelled", cancelled),
        )
        if count == 0
    ]

    print("\n## Invariants\n")
    print(
        "registrations: "
        + ", ".join(f"{s.value} {n:,}" for s, n in sorted(statuses.items(), key=str))
    )
    print(
        "consultations: "
        + ", ".join(f"{s.value} {n:,}" for s, n in sorted(consultations.items(), key=str))
    )
    print(
        f"mails: {len(outbox):,} in the outbox, {len(mailbox.received):,} received; delay from "
        f"queued to sent p50 {percentile(delays or [0], 0.5):.1f} s, "
        f"p95 {percentile(delays or [0], 0.95):.1f} s"
    )
    checks = [
        ("dates over capacity", over),
        ("dates with a free seat while people wait", stuck),
        (f"advisors' active consultations overlapping (incl. {buffer} min buffer)", overlapping),
        ("advisor days over the day limit", per_day),
        (
            "confirmed registrations without their invitation (REQUEST, UID) in the sink",
            missing("registration", "confirmed", "REQUEST"),
        ),
        (
            "confirmed consultations without the invitation to the municipality and the advisor",
            missing("consultation", "confirmed", "REQUEST"),
        ),
        (
            "invited, then cancelled, without the invitation and its CANCEL (same UID)",
            missing("registration", "cancelled", "REQUEST")
            + missing("registration", "cancelled", "CANCEL")
            + missing("consultation", "cancelled", "REQUEST")
            + missing("consultation", "cancelled", "CANCEL"),
        ),
        ("outbox mails not sent", [not_sent] if not_sent else []),
        ("outbox mails the SMTP server never received", sorted(lost)),
        ("mails received more than once", [twice] if twice else []),
    ]
    if every_journey:
        checks.append(("journeys that never got through (the checks above would miss them)", never))
    print("\n| invariant | violations |")
    print("| --- | --- |")
    for name, found in checks:
        print(f"| {name} | {len(found)}{' ' + str(found[:5]) if found else ''} |")
    print(
        f"(invitations checked: {kinds['registration']:,} registrations, "
        f"{kinds['consultation']:,} consultations, confirmed now or cancelled since)"
    )
    if never and not every_journey:
        print(f"NOT EXERCISED in this run, so not checked: {', '.join(never)}")
    return all(not found for _, found in checks)
