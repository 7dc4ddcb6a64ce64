"""Municipalities and people: who registers, books and takes part."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from startsmart import clock
from startsmart.database import LabelledEnum, UTCDateTime, enum_column
from startsmart.extensions import Model
from startsmart.municipalities.folding import fold

if TYPE_CHECKING:
    from startsmart.staff.models import StaffUser


class MunicipalityKind(LabelledEnum):
    CITY = "city", _l("Stadt")
    INDEPENDENT_CITY = "independent_city", _l("Kreisfreie Stadt")
    TOWN = "town", _l("Gemeinde")
    DISTRICT = "district", _l("Landkreis")
    REGIONAL_ASSOCIATION = "regional_association", _l("Regionalverband")
    AMT = "amt", _l("Amt / Verbandsgemeinde")
    OTHER = "other", _l("Sonstige")


class FederalState(LabelledEnum):
    """The 16 Länder, by their ISO 3166-2:DE codes; English uses the English names (Bavaria)."""

    BW = "BW", _l("Baden-Württemberg")
    BY = "BY", _l("Bayern")
    BE = "BE", _l("Berlin")
    BB = "BB", _l("Brandenburg")
    HB = "HB", _l("Bremen")
    HH = "HH", _l("Hamburg")
    HE = "HE", _l("Hessen")
    MV = "MV", _l("Mecklenburg-Vorpommern")
    NI = "NI", _l("Niedersachsen")
    NW = "NW", _l("Nordrhein-Westfalen")
    RP = "RP", _l("Rheinland-Pfalz")
    SL = "SL", _l("Saarland")
    SN = "SN", _l("Sachsen")
    ST = "ST", _l("Sachsen-Anhalt")
    SH = "SH", _l("Schleswig-Holstein")
    TH = "TH", _l("Thüringen")


class PopulationClass(LabelledEnum):
    """Size classes after the BBSR's Stadt- und Gemeindetypen."""

    UNDER_5K = "under_5k", _l("unter 5.000 Einwohner/innen (Landgemeinde)")
    FROM_5K = "5k_20k", _l("5.000 bis 20.000 (Kleinstadt)")
    FROM_20K = "20k_100k", _l("20.000 bis 100.000 (Mittelstadt)")
    FROM_100K = "100k_500k", _l("100.000 bis 500.000 (Großstadt)")
    OVER_500K = "over_500k", _l("über 500.000 (große Großstadt)")


NAME_KEY_LENGTH = 200


class Municipality(Model):
    """A Kommune: city, town, district or regional association that uses Start Smart."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The name case-folded with single spaces, for finding "flensburg" when "Flensburg" exists
    # (SQLite's lower() knows no umlauts, so the database cannot do this itself).
    name_key: Mapped[str] = mapped_column(sa.String(NAME_KEY_LENGTH))
    # The name as the directory search compares it (``folding.fold``: "muenster" finds
    # "Münster"); a district's with its kind in front ("landkreis rosenheim"), set by the import.
    search_key: Mapped[str] = mapped_column(sa.String(NAME_KEY_LENGTH), default="")
    kind: Mapped[MunicipalityKind] = mapped_column(enum_column(MunicipalityKind, "kind"))
    state: Mapped[FederalState] = mapped_column(enum_column(FederalState, "state"))
    # Amtlicher Gemeindeschlüssel: optional, 8 digits, unique where known.
    ags: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    population_class: Mapped[PopulationClass | None] = mapped_column(
        enum_column(PopulationClass, "population_class")
    )
    # Funded "Modellprojekt Smart Cities" (MPSC); Start Smart advice is for the unfunded ones.
    is_model_project: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When staff or a confirmed mailbox vouched for it; only verified ones are suggested on the
    # forms. An anonymous form may create one (so it can register), but cannot fill the
    # suggestions with junk. Created in code (staff, demo, seed data): verified at once.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=clock.now)

    # From the official directory (``flask municipalities import``, directory.py): the
    # Amtlicher Regionalschlüssel (12 digits for a municipality, 9 for a Gemeindeverband, 5 for
    # a district) finds the row again in a newer extract; the rest is the extract's figures.
    ars: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    population: Mapped[int | None]
    area_km2: Mapped[float | None]
    postcode: Mapped[str | None] = mapped_column(sa.String(5))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # Where it lies, for telling places of one name apart: a municipality's or Gemeindeverband's
    # district ("Kreis Dithmarschen"), a district's own kind ("Landkreis"); none for the
    # independent cities and for rows people typed.
    region: Mapped[str | None] = mapped_column(sa.String(200))
    # Degree of urbanisation: "01" densely, "02" intermediate, "03" thinly populated.
    urbanisation: Mapped[str | None] = mapped_column(sa.String(2))
    # No longer in the newest extract (merged into another): kept, because registrations,
    # consultations and people still point to it.
    dissolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A typed municipality (no ``ars``) whose name fits several directory entries, where staff
    # decided it is a Kommune of its own: ``flask municipalities match`` leaves it alone.
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    people: Mapped[list[Person]] = relationship(back_populates="municipality")

    __table_args__ = (sa.Index("ix_municipality_name_key_state", "name_key", "state"),)

    @validates("name")
    def _keep_name_key(self, key: str, name: str) -> str:
        self.name_key = name_key(name)
        self.search_key = search_key(name)
        return name

    def __repr__(self) -> str:
        return f"<Municipality {self.name!r} ({self.state})>"


def name_key(name: str) -> str:
    """The name as it is looked up. Case-folding can make a name longer ("ß" becomes "ss"), so
    the key is cut to its column: a name of 200 "ß" is allowed, and PostgreSQL would refuse a
    longer key. Names alike in their first 200 folded characters share a key (none exist)."""
    return " ".join(name.split()).casefold()[:NAME_KEY_LENGTH]


def search_key(name: str, region: str | None = None, kind: str | None = None) -> str:
    """``Municipality.search_key``: the folded name, cut to its column like ``name_key``; a
    district's kind word goes first, as people write it ("Landkreis Rosenheim")."""
    district = kind in (MunicipalityKind.DISTRICT, MunicipalityKind.REGIONAL_ASSOCIATION)
    named = f"{region} {name}" if district and region else name
    return fold(named)[:NAME_KEY_LENGTH]


class Person(Model):
    """Somebody outside KTS who registers, books or takes part; found again by e-mail."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # Normalised with email-validator and lower-cased, so one address is one person.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    function: Mapped[str | None] = mapped_column(sa.String(200))  # role in the administration
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    # Language of mails and invitations: "de" or "en".
    locale: Mapped[str] = mapped_column(sa.String(5), default="de")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # A delivery status notification said mail to this address failed (``inbox``): staff see
    # it and no reminders go there until the person confirms an address again.
    undeliverable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undeliverable_reason: Mapped[str | None] = mapped_column(sa.String(300))

    municipality: Mapped[Municipality | None] = relationship(back_populates="people")

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


class MunicipalityNote(Model):
    """A staff note on a municipality's page: what was agreed, who to ask, what comes next.

    About the municipality, but free text may name a person: deleting a person blanks their
    name and address in these notes (privacy.service), and the download lists the notes that
    name them."""

    __tablename__ = "municipality_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    # Kept when the staff account is deleted; the note then shows "former staff".
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    author: Mapped[StaffUser | None] = relationship()


class ModelProject(Model):
    """One of the 73 funded Modellprojekte Smart Cities (MPSC): a city, a district or a
    cooperation of several municipalities (``flask municipalities import-mpsc``)."""

    __tablename__ = "model_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    # As the programme's list names it; finds the project again on a second import.
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    round: Mapped[int]  # Staffel 1 (2019), 2 (2020) or 3 (2021)
    year: Mapped[int | None]
    # The programme's own category, as the list spells it ("Großstadt", "Landkreis",
    # "Interkommunale Kooperation"): shown as it is, not translated.
    kind: Mapped[str] = mapped_column(sa.String(60))
    # Places of the list the import could not match to one directory row, one a line
    # ("Heide (3 candidates)"): for staff to add by hand.
    unresolved: Mapped[str] = mapped_column(sa.Text, default="")

    memberships: Mapped[list[ModelProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("round BETWEEN 1 AND 3", name="round_1_to_3"),)

    @property
    def unresolved_places(self) -> list[str]:
        return [line for line in self.unresolved.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<ModelProject {self.name!r}>"


class ModelProjectMember(Model):
    """A municipality in a model project. A row staff removed stays, with ``removed_at``, so
    that the next import does not add it again; only a row without it is a membership."""

    __tablename__ = "model_project_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("model_project.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    # True when staff added it by hand (the list did not name it, or the import missed it).
    added_by_staff: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Staff took it out: the import leaves it out from then on (staff may add it again).
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[ModelProject] = relationship(back_populates="memberships")
    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (sa.UniqueConstraint("project_id", "municipality_id"),)
