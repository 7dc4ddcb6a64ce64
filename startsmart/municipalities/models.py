"""Municipalities and people: who registers, books and takes part."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from startsmart.database import UTCDateTime, enum_column, utcnow
from startsmart.extensions import db


class MunicipalityKind(enum.StrEnum):
    CITY = "city"
    INDEPENDENT_CITY = "independent_city"
    TOWN = "town"
    DISTRICT = "district"
    REGIONAL_ASSOCIATION = "regional_association"
    AMT = "amt"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(_KIND_LABELS[self])


_KIND_LABELS = {
    MunicipalityKind.CITY: _l("Stadt"),
    MunicipalityKind.INDEPENDENT_CITY: _l("Kreisfreie Stadt"),
    MunicipalityKind.TOWN: _l("Gemeinde"),
    MunicipalityKind.DISTRICT: _l("Landkreis"),
    MunicipalityKind.REGIONAL_ASSOCIATION: _l("Regionalverband"),
    MunicipalityKind.AMT: _l("Amt / Verbandsgemeinde"),
    MunicipalityKind.OTHER: _l("Sonstige"),
}


class FederalState(enum.StrEnum):
    """The 16 Länder, by their ISO 3166-2:DE codes."""

    BW = "BW"
    BY = "BY"
    BE = "BE"
    BB = "BB"
    HB = "HB"
    HH = "HH"
    HE = "HE"
    MV = "MV"
    NI = "NI"
    NW = "NW"
    RP = "RP"
    SL = "SL"
    SN = "SN"
    ST = "ST"
    SH = "SH"
    TH = "TH"

    @property
    def label(self) -> str:
        return _STATE_NAMES[self]


# Proper names: the same in German and English pages.
_STATE_NAMES = {
    FederalState.BW: "Baden-Württemberg",
    FederalState.BY: "Bayern",
    FederalState.BE: "Berlin",
    FederalState.BB: "Brandenburg",
    FederalState.HB: "Bremen",
    FederalState.HH: "Hamburg",
    FederalState.HE: "Hessen",
    FederalState.MV: "Mecklenburg-Vorpommern",
    FederalState.NI: "Niedersachsen",
    FederalState.NW: "Nordrhein-Westfalen",
    FederalState.RP: "Rheinland-Pfalz",
    FederalState.SL: "Saarland",
    FederalState.SN: "Sachsen",
    FederalState.ST: "Sachsen-Anhalt",
    FederalState.SH: "Schleswig-Holstein",
    FederalState.TH: "Thüringen",
}


class PopulationClass(enum.StrEnum):
    """Size classes after the BBSR's Stadt- und Gemeindetypen."""

    UNDER_5K = "under_5k"
    FROM_5K = "5k_20k"
    FROM_20K = "20k_100k"
    FROM_100K = "100k_500k"
    OVER_500K = "over_500k"

    @property
    def label(self) -> str:
        return str(_POPULATION_LABELS[self])


_POPULATION_LABELS = {
    PopulationClass.UNDER_5K: _l("unter 5.000 Einwohner/innen (Landgemeinde)"),
    PopulationClass.FROM_5K: _l("5.000 bis 20.000 (Kleinstadt)"),
    PopulationClass.FROM_20K: _l("20.000 bis 100.000 (Mittelstadt)"),
    PopulationClass.FROM_100K: _l("100.000 bis 500.000 (Großstadt)"),
    PopulationClass.OVER_500K: _l("über 500.000 (große Großstadt)"),
}


class Municipality(db.Model):
    """A Kommune: city, town, district or regional association that uses Start Smart."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[MunicipalityKind] = mapped_column(enum_column(MunicipalityKind, "kind"))
    state: Mapped[FederalState] = mapped_column(enum_column(FederalState, "state"))
    # Amtlicher Gemeindeschlüssel: optional, 8 digits, unique where known.
    ags: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    population_class: Mapped[PopulationClass | None] = mapped_column(
        enum_column(PopulationClass, "population_class")
    )
    # Funded "Modellprojekt Smart Cities" (MPSC); Start Smart advice is for the unfunded ones.
    is_model_project: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    people: Mapped[list[Person]] = relationship(back_populates="municipality")

    __table_args__ = (sa.Index("ix_municipality_name_state", "name", "state"),)

    def __repr__(self) -> str:
        return f"<Municipality {self.name!r} ({self.state})>"


class Person(db.Model):
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality | None] = relationship(back_populates="people")

    def __repr__(self) -> str:
        return f"<Person {self.id}>"
