"""Load the demo data into an empty database: the catalogue, staff and municipalities, then
the history up to now (``history.play``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from startsmart.catalog.models import EventDate, EventDateStatus, Offering, Topic
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.conferences.models import Conference
from startsmart.consultations.models import ExtraHours, WeeklyHours
from startsmart.demo import content, history
from startsmart.extensions import db
from startsmart.municipalities.models import ModelProject, ModelProjectMember, Municipality
from startsmart.staff.models import Role, StaffUser
from startsmart.staff.passwords import hash_password


@dataclass(frozen=True)
class DemoSummary:
    offerings: int
    dates: int
    municipalities: int
    staff: int


def database_is_empty() -> bool:
    tables = (Offering, StaffUser, Municipality)
    return all(
        db.session.execute(sa.select(sa.exists().select_from(t))).scalar() is False for t in tables
    )


def load_demo(now: datetime, with_history: bool = True) -> DemoSummary | None:
    """Fill an empty database; on a database with data do nothing (None). Without the history
    only the catalogue, staff, municipalities and hours: a load test checks every mail in the
    outbox against what its SMTP server received, and the history's never went there."""
    if not database_is_empty():
        return None
    today = berlin_today(now)

    topics = {slug: Topic(slug=slug, name=name) for slug, name in content.TOPICS.items()}
    offerings = {}
    for slug, fmt, title, summary, description, topic_slugs, capacity, minutes in content.OFFERINGS:
        offerings[slug] = Offering(
            slug=slug,
            format=fmt,
            title=title,
            summary=summary,
            description=description,
            topics=[topics[t] for t in topic_slugs],
            default_capacity=capacity,
            default_duration_minutes=minutes,
        )
    dates = []
    for slug, days, hour, place in content.DATES:
        offering = offerings[slug]
        day = _weekday_on_or_after(today + timedelta(days=days))
        starts = berlin_to_utc(day, time(hour))
        note, note_en = content.DATE_NOTES.get((slug, days), ("", ""))
        dates.append(
            EventDate(
                offering=offering,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=offering.default_duration_minutes),
                online_url=f"https://konferenz.example.org/start-smart/{slug}"
                if place is True
                else None,
                venue=None if place is True else place,
                capacity=offering.default_capacity,
                registration_closes_at=starts - timedelta(days=2),
                status=EventDateStatus.PUBLISHED,
                note=note,
                note_en=note_en,
            )
        )
    conf = content.CONFERENCE
    conf_day = _weekday_on_or_after(today + timedelta(days=conf["days_ahead"]))
    start_h, start_m, end_h, end_m = conf["hours"]
    conference = Conference(
        title=conf["title"],
        slug=conf["slug"],
        city=conf["city"],
        venue=conf["venue"],
        description=conf["description"],
        starts_at=berlin_to_utc(conf_day, time(start_h, start_m)),
        ends_at=berlin_to_utc(conf_day, time(end_h, end_m)),
    )
    staff = [
        StaffUser(
            email=email,
            name=name,
            role=role,
            password_hash=hash_password(password),
            room_url=content.ROOMS.get(email),
        )
        for email, name, role, password in content.STAFF
    ]
    municipalities = [
        Municipality(name=name, kind=kind, state=state, ags=ags, population_class=population)
        for name, kind, state, ags, population in content.MUNICIPALITIES
    ]
    by_name = {m.name: m for m in municipalities}
    projects = []
    for project_name, staffel, year, category, members in content.MODEL_PROJECTS:
        project = ModelProject(name=project_name, round=staffel, year=year, kind=category)
        for member in members:
            project.memberships.append(ModelProjectMember(municipality=by_name[member]))
            # The flag the rest of the app reads, as project_members keeps it.
            by_name[member].is_model_project = True
        projects.append(project)
    hours = _consultation_hours(staff, conference)
    db.session.add_all(
        [
            *topics.values(),
            *offerings.values(),
            *dates,
            conference,
            *staff,
            *municipalities,
            *projects,
            *hours,
        ]
    )
    db.session.commit()
    # What happened before today, through the services (each commits its step): on a failure
    # the database holds part of it, and the next load refuses; start from an empty one.
    if with_history:
        history.play(now, next(user for user in staff if user.role is Role.ADMIN))
    return DemoSummary(len(offerings), len(dates), len(municipalities), len(staff))


def _consultation_hours(
    staff: list[StaffUser], conference: Conference
) -> list[WeeklyHours | ExtraHours]:
    """Advisors' weekly hours (Mon–Thu mornings and afternoons, by video or phone) and two
    hours on site at the demo conference."""
    advisors = [user for user in staff if user.role is Role.ADVISOR]
    hours: list[WeeklyHours | ExtraHours] = []
    for advisor in advisors:
        for weekday in range(4):
            for start, end in content.CONSULTATION_HOURS:
                hours.append(
                    WeeklyHours(
                        advisor=advisor,
                        weekday=weekday,
                        start_time=start,
                        end_time=end,
                        channels="video,phone",
                    )
                )
    for advisor in advisors[:2]:
        hours.append(
            ExtraHours(
                advisor=advisor,
                conference=conference,
                channels="on_site",
                starts_at=conference.starts_at + timedelta(hours=1),
                ends_at=conference.starts_at + timedelta(hours=5),
                label=conference.title,
            )
        )
    return hours


def _weekday_on_or_after(day):
    while day.weekday() >= 5:  # online sessions are held Monday to Friday
        day += timedelta(days=1)
    return day
