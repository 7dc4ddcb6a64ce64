"""The reach report: which municipalities Start Smart reached in a period, how many took part,
and the lists behind each figure.

What counts (docs/architecture.md, "The reach report"):

- an activity falls into the period by when it takes place (a date's start, a consultation's
  start), Berlin days from ``first`` to ``last`` inclusive;
- a municipality is *reached* by a confirmed registration not marked as no-show, on a date that
  was not cancelled, or by a confirmed consultation; *returning* if that happened before the
  period too (in the chosen format), *first-time* otherwise;
- the shares divide the reached *Gemeinden* of the directory (``GEMEINDE``: an official
  municipality with its AGS, not dissolved, no gemeindefreies Gebiet) by all Gemeinden of the
  same class; districts and municipalities people typed are reached, but in no share;
- the path from an online introduction: municipalities (not people: anonymised registrations
  keep their municipality) that took part in an introduction in the period and later had a
  confirmed consultation or took part in a moderated exchange, at any time after.

The report is eight aggregate queries whatever the amount of data (the last two for the
survey answers' satisfaction, none of them with a Land chosen); ``figures`` classifies the
municipalities reached, which arrive grouped by their classes, and the list pages filter the
same select one row per municipality.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm
from flask_babel import get_locale
from flask_babel import gettext as _

from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat, Topic
from startsmart.catalog.models import offering_topic as offering_topic_table
from startsmart.clock import berlin_to_utc
from startsmart.consultations.models import Consultation, ConsultationStatus, consultation_topic
from startsmart.database import UTCDateTime
from startsmart.extensions import db
from startsmart.feedback import figures as feedback_figures
from startsmart.feedback.models import (
    CONSULTATION,
    EVENT_DATE,
    FeedbackQuestion,
    FeedbackRating,
    FeedbackResponse,
)
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    PopulationClass,
)
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from startsmart.reports import figures
from startsmart.reports.figures import Directory, Reached, Row, Table

# An official Gemeinde of the directory: the whole of each share.
GEMEINDE_KINDS = (MunicipalityKind.CITY, MunicipalityKind.INDEPENDENT_CITY, MunicipalityKind.TOWN)
GEMEINDE = sa.and_(
    Municipality.ars.is_not(None),
    Municipality.ags.is_not(None),
    Municipality.dissolved_at.is_(None),
    Municipality.kind.in_(GEMEINDE_KINDS),
)

# Degrees of urbanisation (DEGURBA) as the directory writes them.
URBANISATION = ("01", "02", "03")

# A registration that counts as taking part: confirmed, and not marked as no-show.
TOOK_PART = sa.and_(
    Registration.status == RegistrationStatus.CONFIRMED,
    sa.or_(Registration.attendance.is_(None), Registration.attendance != Attendance.NO_SHOW),
)

# The registration figures: each key's condition counts the figure and selects its list.
REGISTRATION_FIGURES: dict[str, Any] = {
    "seats": Registration.status == RegistrationStatus.CONFIRMED,
    "attended": Registration.attendance == Attendance.ATTENDED,
    "no_show": Registration.attendance == Attendance.NO_SHOW,
    "unmarked": sa.and_(
        Registration.status == RegistrationStatus.CONFIRMED, Registration.attendance.is_(None)
    ),
    "promoted": Registration.promoted_at.is_not(None),
    "waitlisted": Registration.status == RegistrationStatus.WAITLISTED,
}

PATH_KEYS = ("path:intro", "path:consultation", "path:exchange", "path:either")

LIST_LIMIT = 500  # rows a list page shows; the count says how many there are


@dataclass(frozen=True)
class Filters:
    """What the report covers: Berlin days ``first`` to ``last``, optionally one format and
    one Land."""

    first: date
    last: date
    fmt: OfferingFormat | None = None
    state: FederalState | None = None

    @property
    def since(self) -> datetime:
        return berlin_to_utc(self.first, time(0))

    @property
    def until(self) -> datetime:
        return berlin_to_utc(self.last + timedelta(days=1), time(0))

    @property
    def with_consultations(self) -> bool:
        return self.fmt in (None, OfferingFormat.INITIAL_CONSULTATION)

    def args(self) -> dict[str, str]:
        """The filters as the page's query arguments, for links and exports."""
        args = {"von": self.first.isoformat(), "bis": self.last.isoformat()}
        if self.fmt is not None:
            args["format"] = self.fmt.value
        if self.state is not None:
            args["land"] = self.state.value
        return args


@dataclass(frozen=True)
class Report:
    """Every figure of the reach report, each a ``Table`` that the page, a file or (later) a
    chart shows alike."""

    filters: Filters
    overview: Table
    by_state: Table
    by_class: Table
    by_urbanisation: Table
    by_funding: Table
    registrations: Table
    consultations: Table | None
    path: Table
    topics: Table
    # The feedback surveys' satisfaction: a row per question with its answers and mean, none
    # below feedback's MIN_ANSWERS answers. None with a Land chosen: answers name no municipality.
    satisfaction: Table | None = None
    answers: int = 0  # the survey answers to the period's dates and consultations
    # (latitude, longitude) of each municipality reached that has coordinates: the map's dots.
    places: tuple[tuple[float, float], ...] = ()

    def tables(self) -> tuple[Table, ...]:
        found = (
            self.overview,
            self.by_state,
            self.by_class,
            self.by_urbanisation,
            self.by_funding,
            self.registrations,
            self.consultations,
            self.path,
            self.topics,
            self.satisfaction,
        )
        return tuple(table for table in found if table is not None)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables() if t.name == name), None)


# -- the building blocks: one condition or select each, shared by figures and lists


def _registrations_in(filters: Filters) -> sa.Select[Any]:
    """Registrations on the period's dates (not cancelled), of the format and Land."""
    query = (
        sa.select(Registration.id)
        .join(EventDate, Registration.event_date_id == EventDate.id)
        .join(Offering, EventDate.offering_id == Offering.id)
        .where(
            EventDate.starts_at >= filters.since,
            EventDate.starts_at < filters.until,
            EventDate.status != EventDateStatus.CANCELLED,
        )
    )
    if filters.fmt is not None:
        query = query.where(Offering.format == filters.fmt)
    if filters.state is not None:
        query = query.join(Municipality, Registration.municipality_id == Municipality.id).where(
            Municipality.state == filters.state
        )
    return query


def _consultations_in(filters: Filters) -> sa.Select[Any]:
    query = sa.select(Consultation.id).where(
        Consultation.starts_at >= filters.since, Consultation.starts_at < filters.until
    )
    if filters.state is not None:
        query = query.join(Municipality, Consultation.municipality_id == Municipality.id).where(
            Municipality.state == filters.state
        )
    return query


def _participations(filters: Filters) -> sa.Subquery:
    """(municipality_id, at) of every activity that reaches a municipality, up to the period's
    end, in the chosen format (the Land is applied to the municipality)."""
    registrations = (
        sa.select(
            Registration.municipality_id.label("municipality_id"), EventDate.starts_at.label("at")
        )
        .join(EventDate, Registration.event_date_id == EventDate.id)
        .join(Offering, EventDate.offering_id == Offering.id)
        .where(
            TOOK_PART,
            Registration.municipality_id.is_not(None),
            EventDate.status != EventDateStatus.CANCELLED,
            EventDate.starts_at < filters.until,
        )
    )
    if filters.fmt is not None:
        registrations = registrations.where(Offering.format == filters.fmt)
    if not filters.with_consultations:
        return registrations.subquery("participation")
    consultations = sa.select(Consultation.municipality_id, Consultation.starts_at).where(
        Consultation.status == ConsultationStatus.CONFIRMED,
        Consultation.municipality_id.is_not(None),
        Consultation.starts_at < filters.until,
    )
    return sa.union_all(registrations, consultations).subquery("participation")


def _reached_select(filters: Filters) -> sa.Select[Any]:
    """One row per municipality reached in the period, with what classifies it: id, Land, size
    class, degree of urbanisation, funded, Gemeinde of the directory (1/0), reached before the
    period (1/0; not named "returning", a keyword to SQLite)."""
    part = _participations(filters)
    per_municipality = (
        sa.select(part.c.municipality_id, sa.func.min(part.c.at).label("first_at"))
        .group_by(part.c.municipality_id)
        .having(sa.func.max(part.c.at) >= filters.since)
        .subquery("per_municipality")
    )
    # Typed, so SQLite compares it with the MIN() in the stored (naive UTC) form.
    since = sa.literal(filters.since, UTCDateTime())
    query = sa.select(
        Municipality.id.label("municipality_id"),
        Municipality.state.label("state"),
        Municipality.population_class.label("population_class"),
        Municipality.urbanisation.label("urbanisation"),
        Municipality.is_model_project.label("funded"),
        sa.case((GEMEINDE, 1), else_=0).label("in_directory"),
        sa.case((per_municipality.c.first_at < since, 1), else_=0).label("came_before"),
        Municipality.latitude.label("latitude"),
        Municipality.longitude.label("longitude"),
    ).join(per_municipality, per_municipality.c.municipality_id == Municipality.id)
    if filters.state is not None:
        query = query.where(Municipality.state == filters.state)
    return query


def _as_reached(row: Any, count: int = 1, with_id: bool = True) -> Reached:
    return Reached(
        municipality_id=row.municipality_id if with_id else None,
        state=row.state.value,
        population_class=row.population_class.value if row.population_class else None,
        urbanisation=row.urbanisation,
        funded=bool(row.funded),
        in_directory=bool(row.in_directory),
        returning=bool(row.came_before),
        count=count,
    )


def reached(filters: Filters) -> list[Reached]:
    """Each municipality reached in the period (one query): for the lists."""
    return [_as_reached(row) for row in db.session.execute(_reached_select(filters))]


def reached_groups(filters: Filters) -> list[Reached]:
    """The municipalities reached in the period, counted per combination of their classes (one
    query): the report's figures need no more, and a few hundred rows travel instead of
    thousands. Each group brings its members' places for the map as one string
    ("lat lon;lat lon;..."; the database's own string aggregate), not a row each."""
    each = _reached_select(filters).subquery("reached")
    classes = [
        each.c.state,
        each.c.population_class,
        each.c.urbanisation,
        each.c.funded,
        each.c.in_directory,
        each.c.came_before,
    ]
    # NULL without coordinates: the aggregate leaves those out.
    place = sa.cast(each.c.latitude, sa.String) + " " + sa.cast(each.c.longitude, sa.String)
    query = sa.select(
        *classes,
        sa.func.count().label("alike"),
        sa.func.aggregate_strings(place, ";").label("places"),
    ).group_by(*classes)
    found = []
    for row in db.session.execute(query):
        group = _as_reached(row, row.alike, with_id=False)
        found.append(dataclasses.replace(group, places=_places(row.places)))
    return found


def _places(text: str | None) -> tuple[tuple[float, float], ...]:
    if not text:
        return ()
    pairs = (pair.split(" ") for pair in text.split(";"))
    return tuple((float(lat), float(lon)) for lat, lon in pairs)


def directory(filters: Filters) -> Directory:
    """The Gemeinden of the directory per class (one query)."""
    query = sa.select(
        Municipality.state,
        Municipality.population_class,
        Municipality.urbanisation,
        Municipality.is_model_project,
        sa.func.count(),
    ).where(GEMEINDE)
    if filters.state is not None:
        query = query.where(Municipality.state == filters.state)
    query = query.group_by(
        Municipality.state,
        Municipality.population_class,
        Municipality.urbanisation,
        Municipality.is_model_project,
    )
    found = Directory()
    for state, size, urbanisation, funded, count in db.session.execute(query):
        for counts, key in (
            (found.by_state, state.value),
            (found.by_class, size.value if size else figures.UNKNOWN),
            (found.by_urbanisation, urbanisation or figures.UNKNOWN),
            (found.by_funding, "yes" if funded else "no"),
        ):
            counts[key] = counts.get(key, 0) + count
    return found


def _path_rows(filters: Filters) -> list[tuple[int, bool, bool]]:
    """Per municipality with an online introduction in the period: a consultation later, an
    exchange later (one query)."""
    intro_query = (
        sa.select(
            Registration.municipality_id.label("municipality_id"),
            sa.func.min(EventDate.starts_at).label("at"),
        )
        .join(EventDate, Registration.event_date_id == EventDate.id)
        .join(Offering, EventDate.offering_id == Offering.id)
        .where(
            TOOK_PART,
            Registration.municipality_id.is_not(None),
            Offering.format == OfferingFormat.ONLINE_INTRO,
            EventDate.status != EventDateStatus.CANCELLED,
            EventDate.starts_at >= filters.since,
            EventDate.starts_at < filters.until,
        )
        .group_by(Registration.municipality_id)
    )
    if filters.state is not None:
        intro_query = intro_query.join(
            Municipality, Registration.municipality_id == Municipality.id
        ).where(Municipality.state == filters.state)
    intro = intro_query.subquery("intro")
    consultation = (
        sa.select(
            Consultation.municipality_id.label("municipality_id"),
            sa.func.max(Consultation.starts_at).label("at"),
        )
        .where(Consultation.status == ConsultationStatus.CONFIRMED)
        .group_by(Consultation.municipality_id)
        .subquery("later_consultation")
    )
    exchange = (
        sa.select(
            Registration.municipality_id.label("municipality_id"),
            sa.func.max(EventDate.starts_at).label("at"),
        )
        .join(EventDate, Registration.event_date_id == EventDate.id)
        .join(Offering, EventDate.offering_id == Offering.id)
        .where(
            TOOK_PART,
            Offering.format == OfferingFormat.MODERATED_EXCHANGE,
            EventDate.status != EventDateStatus.CANCELLED,
        )
        .group_by(Registration.municipality_id)
        .subquery("later_exchange")
    )
    query = (
        sa.select(
            intro.c.municipality_id,
            sa.case((consultation.c.at > intro.c.at, 1), else_=0),
            sa.case((exchange.c.at > intro.c.at, 1), else_=0),
        )
        .outerjoin(consultation, consultation.c.municipality_id == intro.c.municipality_id)
        .outerjoin(exchange, exchange.c.municipality_id == intro.c.municipality_id)
    )
    return [(row[0], bool(row[1]), bool(row[2])) for row in db.session.execute(query)]


def _in_path(row: tuple[int, bool, bool], key: str) -> bool:
    _, consultation, exchange = row
    return {
        "path:intro": True,
        "path:consultation": consultation,
        "path:exchange": exchange,
        "path:either": consultation or exchange,
    }.get(key, False)


def _topic_uses(filters: Filters) -> sa.Subquery:
    """(topic_id, municipality_id, uses): registrations taking part and confirmed consultations
    in the period, per topic and municipality. Registrations are counted per offering first, so
    the join to the topics multiplies a few thousand rows, not every registration."""
    per_offering = (
        _registrations_in(filters)
        .with_only_columns(
            Offering.id.label("offering_id"),
            Registration.municipality_id.label("municipality_id"),
            sa.func.count().label("uses"),
        )
        .where(TOOK_PART)
        .group_by(Offering.id, Registration.municipality_id)
        .subquery("per_offering")
    )
    registrations = sa.select(
        offering_topic_table.c.topic_id.label("topic_id"),
        per_offering.c.municipality_id,
        per_offering.c.uses,
    ).join(per_offering, per_offering.c.offering_id == offering_topic_table.c.offering_id)
    if not filters.with_consultations:
        return registrations.subquery("topic_use")
    consultations = (
        _consultations_in(filters)
        .with_only_columns(
            consultation_topic.c.topic_id, Consultation.municipality_id, sa.literal(1)
        )
        .join(consultation_topic, consultation_topic.c.consultation_id == Consultation.id)
        .where(Consultation.status == ConsultationStatus.CONFIRMED)
    )
    return sa.union_all(registrations, consultations).subquery("topic_use")


# -- the report


def report(filters: Filters, now: datetime) -> Report:
    """Every figure of the report for ``filters``, in a fixed number of queries."""
    rows = reached_groups(filters)
    wholes = directory(filters)
    overview = figures.overview(
        rows,
        wholes.total,
        (_("Kommunen erreicht"), _("davon zum ersten Mal"), _("davon wiederkehrend")),
    )
    unknown = _("nicht bekannt")
    satisfaction, answers = _satisfaction(filters) if filters.state is None else (None, 0)
    return Report(
        filters=filters,
        overview=_municipality_table("kommunen", _("Erreichte Kommunen"), overview),
        by_state=_breakdown(
            "laender", _("Nach Land"), rows, "state",
            [(s.value, str(s.label)) for s in FederalState], wholes.by_state, unknown,
        ),
        by_class=_breakdown(
            "groessenklassen", _("Nach Größenklasse"), rows, "class",
            [(c.value, str(c.label)) for c in PopulationClass], wholes.by_class, unknown,
        ),
        by_urbanisation=_breakdown(
            "verstaedterung", _("Nach Verstädterungsgrad"), rows, "urbanisation",
            list(zip(URBANISATION, _urbanisation_labels(), strict=True)),
            wholes.by_urbanisation, unknown,
        ),
        by_funding=_breakdown(
            "foerderung", _("Gefördert (Modellprojekt Smart Cities) oder nicht"), rows, "funding",
            [("yes", _("gefördert (MPSC)")), ("no", _("nicht gefördert"))],
            wholes.by_funding, unknown,
        ),
        registrations=_registration_table(filters),
        consultations=_consultation_table(filters, now) if filters.with_consultations else None,
        path=_path_table(filters),
        topics=_topic_table(filters),
        satisfaction=satisfaction,
        answers=answers,
        places=tuple(place for r in rows for place in r.places),
    )  # fmt: skip


def _urbanisation_labels() -> list[str]:
    return [_("dicht besiedelt"), _("mittlere Besiedlungsdichte"), _("gering besiedelt")]


def _breakdown(
    name: str,
    title: str,
    rows: Sequence[Reached],
    dimension: str,
    labels: list[tuple[str, str]],
    wholes: dict[str, int],
    unknown: str,
) -> Table:
    found = figures.breakdown(rows, dimension, labels, wholes, unknown)
    return _municipality_table(name, title, found)


def _municipality_table(name: str, title: str, rows: tuple[Row, ...]) -> Table:
    return Table(
        name,
        title,
        "municipalities",
        rows,
        with_share=True,
        part_title=_("davon Gemeinden des Verzeichnisses"),
        whole_title=_("Gemeinden im Verzeichnis"),
    )


def _registration_table(filters: Filters) -> Table:
    query = _registrations_in(filters).with_only_columns(
        *(sa.func.count().filter(condition) for condition in REGISTRATION_FIGURES.values())
    )
    counts = dict(zip(REGISTRATION_FIGURES, db.session.execute(query).one(), strict=True))
    marked = counts["attended"] + counts["no_show"]
    labels = {
        "seats": _("Teilnahmeplätze (bestätigte Anmeldungen)"),
        "attended": _("teilgenommen (Anteil an den erfassten)"),
        "no_show": _("nicht erschienen"),
        "unmarked": _("Anwesenheit nicht erfasst"),
        "promoted": _("von der Warteliste nachgerückt"),
        "waitlisted": _("auf der Warteliste ohne Platz"),
    }
    rows = tuple(
        Row(
            labels[key],
            counts[key],
            key,
            counts[key] if key == "attended" else None,
            marked if key == "attended" else None,
        )
        for key in REGISTRATION_FIGURES
    )
    return Table(
        "anmeldungen",
        _("Anmeldungen und Teilnahme"),
        "registrations",
        rows,
        with_share=True,
        part_title=_("teilgenommen"),
        whole_title=_("Anwesenheit erfasst"),
    )


def _consultation_conditions(now: datetime) -> dict[str, Any]:
    return {
        "booked": Consultation.status == ConsultationStatus.CONFIRMED,
        "held": sa.and_(
            Consultation.status == ConsultationStatus.CONFIRMED, Consultation.ends_at <= now
        ),
        "cancelled": Consultation.status == ConsultationStatus.CANCELLED,
    }


def _consultation_table(filters: Filters, now: datetime) -> Table:
    conditions = _consultation_conditions(now)
    query = _consultations_in(filters).with_only_columns(
        *(sa.func.count().filter(condition) for condition in conditions.values())
    )
    counts = dict(zip(conditions, db.session.execute(query).one(), strict=True))
    labels = {
        "booked": _("Initialberatungen (bestätigt)"),
        "held": _("davon stattgefunden"),
        "cancelled": _("abgesagt"),
    }
    rows = tuple(Row(labels[key], counts[key], key) for key in conditions)
    return Table("beratungen", _("Initialberatungen"), "consultations", rows)


def _path_table(filters: Filters) -> Table:
    found = _path_rows(filters)
    total = len(found)
    labels = {
        "path:intro": _("Kommunen bei einer Online-Einführung"),
        "path:consultation": _("später eine Initialberatung"),
        "path:exchange": _("später ein Moderierter Austausch"),
        "path:either": _("später eines von beiden"),
    }
    rows = []
    for key in PATH_KEYS:
        count = sum(1 for row in found if _in_path(row, key))
        rows.append(Row(labels[key], count, key, count, total))
    return Table(
        "weg",
        _("Von der Online-Einführung weiter"),
        "municipalities",
        tuple(rows),
        with_share=True,
        part_title=_("Kommunen"),
        whole_title=_("von denen bei einer Online-Einführung"),
    )


def _topic_table(filters: Filters) -> Table:
    uses = _topic_uses(filters)
    query = (
        sa.select(
            Topic.id,
            Topic.name,
            sa.func.count(sa.distinct(uses.c.municipality_id)),
            sa.func.sum(uses.c.uses),
        )
        .join(uses, uses.c.topic_id == Topic.id)
        .group_by(Topic.id, Topic.name)
    )
    found = sorted(db.session.execute(query), key=lambda row: (-row[2], row[1]))
    rows = tuple(
        Row(name, municipalities, f"topic:{topic_id}", extra=int(uses_))
        for topic_id, name, municipalities, uses_ in found
    )
    return Table("themen", _("Themen"), "municipalities", rows, extra_title=_("Teilnahmen"))


def _responses_in(filters: Filters) -> sa.ColumnElement[bool]:
    """The survey answers to the period's dates (of the format) and consultations."""
    dates = (
        sa.select(EventDate.id)
        .join(Offering, EventDate.offering_id == Offering.id)
        .where(EventDate.starts_at >= filters.since, EventDate.starts_at < filters.until)
    )
    if filters.fmt is not None:
        dates = dates.where(Offering.format == filters.fmt)
    found = (FeedbackResponse.subject_kind == EVENT_DATE) & FeedbackResponse.subject_id.in_(dates)
    if filters.with_consultations:
        consultations = (FeedbackResponse.subject_kind == CONSULTATION) & (
            FeedbackResponse.subject_id.in_(_consultations_in(filters))
        )
        found = found | consultations
    return found


def _satisfaction(filters: Filters) -> tuple[Table, int]:
    """A row per question rated in the period: its answers and mean (two queries). Below
    feedback's ``MIN_ANSWERS`` answers the table has no rows: a small group stays anonymous."""
    responses = _responses_in(filters)
    answered = db.session.scalar(sa.select(sa.func.count(FeedbackResponse.id)).where(responses))
    query = (
        sa.select(
            FeedbackQuestion.id,
            FeedbackQuestion.text_de,
            FeedbackQuestion.text_en,
            FeedbackRating.value,
            sa.func.count(),
        )
        .join(FeedbackRating, FeedbackRating.question_id == FeedbackQuestion.id)
        .join(FeedbackResponse, FeedbackRating.response_id == FeedbackResponse.id)
        .where(responses)
        .group_by(
            FeedbackQuestion.id,
            FeedbackQuestion.text_de,
            FeedbackQuestion.text_en,
            FeedbackQuestion.position,
            FeedbackRating.value,
        )
        .order_by(FeedbackQuestion.position, FeedbackQuestion.id)
    )
    locale = str(get_locale() or "de")
    texts: dict[int, str] = {}
    ratings: list[tuple[int, int]] = []
    for question_id, text_de, text_en, value, count in db.session.execute(query):
        texts[question_id] = text_en if locale == "en" and text_en else text_de
        ratings += [(question_id, value)] * count
    found = feedback_figures.figures(0, int(answered or 0), list(texts), ratings, ())
    rows = tuple(
        Row(texts[q.question_id], q.answers, f"question:{q.question_id}", mean=q.mean)
        for q in found.questions
    )
    table = Table(
        "zufriedenheit",
        _("Zufriedenheit"),
        "",
        rows,
        mean_title=_("Mittelwert (1 bis 5)"),
    )
    return table, found.answered


# -- the lists behind the figures


@dataclass(frozen=True)
class Listed:
    """A list page: ``total`` rows, the first ``LIST_LIMIT`` of them in ``rows``."""

    total: int
    rows: list[Any]


def municipality_ids(filters: Filters, key: str) -> list[int] | None:
    """The municipalities behind the row ``key`` of any municipality table; None for a key
    that names no row."""
    if key in PATH_KEYS:
        return [row[0] for row in _path_rows(filters) if _in_path(row, key)]
    if key.startswith("topic:"):
        topic_id = key.removeprefix("topic:")
        if not topic_id.isdigit() or len(topic_id) > 9:
            return None
        uses = _topic_uses(filters)
        query = (
            sa.select(uses.c.municipality_id)
            .where(uses.c.topic_id == int(topic_id), uses.c.municipality_id.is_not(None))
            .distinct()
        )
        return list(db.session.scalars(query))
    known = key in ("reached", "first", "returning") or key.partition(":")[0] in (
        "state", "class", "urbanisation", "funding",
    )  # fmt: skip
    if not known:
        return None
    return [
        r.municipality_id
        for r in reached(filters)
        if r.municipality_id is not None and figures.in_selection(r, key)
    ]


def municipalities(filters: Filters, key: str) -> Listed | None:
    ids = municipality_ids(filters, key)
    if ids is None:
        return None
    query = (
        sa.select(Municipality)
        .where(Municipality.id.in_(ids))
        .order_by(Municipality.name_key, Municipality.id)
        .limit(LIST_LIMIT)
    )
    return Listed(len(ids), list(db.session.scalars(query))) if ids else Listed(0, [])


def registrations(filters: Filters, key: str) -> Listed | None:
    condition = REGISTRATION_FIGURES.get(key)
    if condition is None:
        return None
    ids = _registrations_in(filters).where(condition)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))
    query = (
        sa.select(Registration)
        .join(EventDate, Registration.event_date_id == EventDate.id)
        .where(Registration.id.in_(ids))
        .order_by(EventDate.starts_at, Registration.id)
        .limit(LIST_LIMIT)
        .options(
            sa.orm.joinedload(Registration.event_date).joinedload(EventDate.offering),
            sa.orm.joinedload(Registration.municipality),
        )
    )
    return Listed(total or 0, list(db.session.scalars(query)))


def consultations(filters: Filters, key: str, now: datetime) -> Listed | None:
    condition = _consultation_conditions(now).get(key)
    if condition is None or not filters.with_consultations:
        return None
    ids = _consultations_in(filters).where(condition)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))
    query = (
        sa.select(Consultation)
        .where(Consultation.id.in_(ids))
        .order_by(Consultation.starts_at, Consultation.id)
        .limit(LIST_LIMIT)
        .options(sa.orm.joinedload(Consultation.municipality))
    )
    return Listed(total or 0, list(db.session.scalars(query)))
