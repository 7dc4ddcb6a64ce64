"""``flask municipalities match``: typed municipalities onto their directory entries. One entry
of that name in the Land: merged, nothing lost, audit-logged; several: listed for staff; none:
left alone; a second run changes nothing; ``import`` ends with it."""

from __future__ import annotations

import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from directory_support import extract, load_directory, staff_marked_model_project
from moments import working_day
from speed_dating_support import make_event
from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.consultations import booking
from startsmart.consultations.models import Consultation
from startsmart.extensions import db
from startsmart.municipalities import notes
from startsmart.municipalities.matching import COMMAND, match, match_key
from startsmart.municipalities.models import (
    FederalState,
    ModelProjectMember,
    Municipality,
    MunicipalityKind,
    MunicipalityNote,
    Person,
    PopulationClass,
)
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Registration
from startsmart.speed_dating import service as speed_dating
from startsmart.speed_dating.models import SpeedDatingParticipant
from startsmart.staff.models import StaffUser
from support import make_date

SH, NI, BB = FederalState.SH, FederalState.NI, FederalState.BB
TOWN = MunicipalityKind.TOWN


def _register(date_id: int, email: str, town: str, state: FederalState, **kind) -> int:
    """A registration from ``town`` as typed before the directory was loaded: as a form now
    sends it when the person says none of the directory's entries is theirs."""
    outcome = registrations.register(
        date_id,
        registrations.Applicant(
            name=email.split("@")[0].title(),
            email=email,
            function="Digitalisierung",
            municipality=MunicipalityInput(town, state, kind.pop("kind", TOWN), none_listed=True),
        ),
        clock.now(),
        **kind,
    )
    return outcome.registration_id


def _row(name: str, state: FederalState) -> Municipality | None:
    return db.session.execute(
        sa.select(Municipality).where(Municipality.name == name, Municipality.state == state)
    ).scalar_one_or_none()


def _typed(name: str, state: FederalState, kind: MunicipalityKind = TOWN, **values) -> int:
    row = Municipality(name=name, state=state, kind=kind, **values)
    db.session.add(row)
    db.session.commit()
    return row.id


def _audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == action)).scalars()
    )


def test_the_place_name_is_compared_without_suffix_and_the_word_for_its_sort() -> None:
    assert match_key("Heide, Stadt", "municipalities") == match_key("Heide", "municipalities")
    assert match_key("Stadt Heide", "municipalities") == "heide"
    assert match_key("Cottbus/Chóśebuz, Stadt", "municipalities") == "cottbus"
    assert match_key("Kreis Dithmarschen", "districts") == match_key("Dithmarschen", "districts")
    assert match_key("Amt Süderbrarup", "associations") == match_key("Suederbrarup", "associations")


def test_one_candidate_merges_several_are_listed_none_is_left_and_a_rerun_changes_nothing(
    app, runner, tmp_path, smtp
):
    load_directory(app, tmp_path)
    date_id = make_date(app, capacity=20, limit=5)
    with app.app_context():
        heide = _register(date_id, "hanna@heide.de", "Heide", SH)  # a public form: unverified
        _register(date_id, "carl@cottbus.de", "Cottbus", BB, by_staff=True)
        # Typed before the directory was loaded (a form now finds the entry of that name).
        _typed("Neuenkirchen", NI)
        _register(date_id, "nils@nirgendwo.de", "Nirgendwo", SH, by_staff=True)
        _register(date_id, "hein@heide-ni.de", "Heide", NI, by_staff=True)  # another Land
        district = _typed("Kreis Dithmarschen", SH, MunicipalityKind.DISTRICT)
        city = _typed("Gifhorn", NI, MunicipalityKind.CITY)  # not the district "Gifhorn"
        typed_heide = db.session.get(Registration, heide).municipality_id

    result = runner.invoke(args=["municipalities", "match"])
    assert result.exit_code == 0, result.output
    assert (
        "Typed municipalities: 4 merged into their directory entry, 1 ambiguous "
        "(for staff: /staff/kommunen/mehrdeutig), 2 not in the directory"
    ) in result.output
    assert "ambiguous: Neuenkirchen (NI): 5 candidates" in result.output
    with app.app_context():
        entry = _row("Heide, Stadt", SH)
        assert db.session.get(Municipality, typed_heide) is None
        assert db.session.get(Registration, heide).municipality_id == entry.id
        assert db.session.get(Municipality, district) is None
        assert db.session.get(Municipality, city) is None
        cottbus = _row("Cottbus/Chóśebuz, Stadt", BB)
        carl = db.session.execute(sa.select(Person).where(Person.email == "carl@cottbus.de"))
        assert carl.scalar_one().municipality_id == cottbus.id
        for name, state in (("Neuenkirchen", NI), ("Nirgendwo", SH), ("Heide", NI)):
            typed = db.session.execute(
                sa.select(Municipality).where(
                    Municipality.name == name,
                    Municipality.state == state,
                    Municipality.ars.is_(None),
                )
            ).scalar_one()
            assert typed.kept_at is None
        matched = {e.details["merged"]: e for e in _audit("municipality.matched")}
        assert set(matched) == {"Heide", "Cottbus", "Kreis Dithmarschen", "Gifhorn"}
        event = matched["Heide"]
        assert (event.actor_id, event.actor_name) == (None, COMMAND)
        assert event.subject == f"municipality:{entry.id}"
        assert event.details["merged_id"] == typed_heide
        assert event.details["ars"] == "010510044044"
        assert event.details["registrations"] == event.details["people"] == 1
        assert matched["Gifhorn"].details["into"] == "Gifhorn, Stadt"
        assert matched["Kreis Dithmarschen"].details["into"] == "Dithmarschen"
        rows = db.session.execute(sa.select(sa.func.count()).select_from(Municipality)).scalar()

    again = runner.invoke(args=["municipalities", "match"])
    assert "0 merged into their directory entry, 1 ambiguous" in again.output
    assert "2 not in the directory" in again.output
    with app.app_context():
        assert db.session.execute(
            sa.select(sa.func.count()).select_from(Municipality)
        ).scalar() == (rows)
        assert len(_audit("municipality.matched")) == 4


def test_nothing_is_lost_when_a_typed_row_is_merged(app, tmp_path, smtp):
    load_directory(app, tmp_path)
    event = make_event(app)
    make_advisor(app, "berta@kts.example")
    date_id = make_date(app, capacity=20, limit=5)
    second_date = make_date(app, capacity=20, limit=5)
    with app.app_context():
        now = clock.now()
        actor = db.session.get(StaffUser, event.actor_id)
        _register(date_id, "hanna@heide.de", "Heide", SH, by_staff=True)
        typed_id = _row("Heide", SH).id
        _register(date_id, "hugo@heide.de", "Heide", SH)  # pending: only the form typed it
        # Hanna is known: what she typed now waits in pending_person until she confirms.
        pending = _register(second_date, "hanna@heide.de", "Heide", SH)
        booked = booking.book(
            booking_request(
                working_day(7),
                municipality=MunicipalityInput("Heide", SH, none_listed=True),
                email="ida@heide.de",
            ),
            now,
        )
        notes.add_note(typed_id, "Ruft im März zurück.", actor, now)
        speed_dating.add_walk_in(
            event.conference_id,
            speed_dating.WalkIn("Wanda Walk", "Heide", SH, False),
            actor,
            now,
        )
        staff_marked_model_project(typed_id)  # the entry takes the membership and the mark
        typed = db.session.get(Municipality, typed_id)
        assert typed.is_model_project
        typed.population_class = PopulationClass.UNDER_5K  # the entry keeps its own
        db.session.commit()

        def counts(municipality_id: int) -> dict[str, int]:
            return {
                model.__name__: db.session.execute(
                    sa.select(sa.func.count())
                    .select_from(model)
                    .where(model.municipality_id == municipality_id)
                ).scalar_one()
                for model in (
                    Registration,
                    Consultation,
                    Person,
                    MunicipalityNote,
                    SpeedDatingParticipant,
                )
            }

        entry_id = _row("Heide, Stadt", SH).id
        before = counts(typed_id)
        assert before == {
            "Registration": 3,
            "Consultation": 1,
            "Person": 3,
            "MunicipalityNote": 1,
            "SpeedDatingParticipant": 1,
        }
        assert sum(counts(entry_id).values()) == 0
        report = match(clock.now())
        assert report.merged == 1
        db.session.expire_all()
        assert counts(entry_id) == before
        assert db.session.get(Municipality, typed_id) is None
        entry = db.session.get(Municipality, entry_id)
        assert entry.is_model_project
        assert entry.population_class is PopulationClass.FROM_20K
        assert db.session.get(Registration, pending).pending_person["municipality_id"] == entry_id
        consultation = db.session.get(Consultation, booked.consultation_id)
        assert consultation.pending_person["municipality_id"] == entry_id
        membership = db.session.execute(sa.select(ModelProjectMember)).scalar_one()
        assert membership.municipality_id == entry_id
        participant = db.session.execute(sa.select(SpeedDatingParticipant)).scalar_one()
        assert participant.municipality_name == "Heide, Stadt"


def test_kept_rows_are_left_alone(app, tmp_path):
    load_directory(app, tmp_path)
    with app.app_context():
        kept = _typed("Heide", SH, kept_at=clock.now())
        assert match(clock.now()).merged == 0
        assert db.session.get(Municipality, kept) is not None


def test_importing_a_directory_ends_by_matching(app, runner, tmp_path, smtp):
    date_id = make_date(app, capacity=20, limit=5)
    with app.app_context():
        heide = _register(date_id, "hanna@heide.de", "Heide", SH, by_staff=True)
    result = runner.invoke(args=["municipalities", "import", str(extract(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Typed municipalities: 1 merged into their directory entry" in result.output
    with app.app_context():
        assert _row("Heide", SH) is None
        assert db.session.get(Registration, heide).municipality_id == _row("Heide, Stadt", SH).id
