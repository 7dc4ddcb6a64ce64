"""How fast the staff search answers, on the demo data plus a few thousand generated records.

The demo data (``flask demo load``) plus 3,000 people in 600 municipalities, 6,000
registrations over 60 dates and 600 consultations; names with and without umlauts (Müller and
Mueller, Groß and Gross). Each query is asked through the whole stack as an admin (the Flask
test client: login cookie, the view, the three groups' queries, the template), on a fresh
SQLite file and, with ``--database postgresql``, on a scratch PostgreSQL database.
Target: p95 <= 250 ms wall and <= 100 ms CPU for a whole results page.

    .venv/bin/python benchmarks/staff_search.py [--database sqlite|postgresql] [--runs 20]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from live_server import scratch_database  # noqa: E402

from startsmart import create_app  # noqa: E402
from startsmart.catalog.models import EventDate, EventDateStatus, Offering  # noqa: E402
from startsmart.consultations.models import Consultation  # noqa: E402
from startsmart.demo.service import load_demo  # noqa: E402
from startsmart.extensions import db  # noqa: E402
from startsmart.municipalities.models import (  # noqa: E402
    FederalState,
    Municipality,
    MunicipalityKind,
    Person,
    name_key,
)
from startsmart.registrations.models import Registration  # noqa: E402
from startsmart.staff.models import Role, StaffUser  # noqa: E402
from startsmart.staff.passwords import hash_password  # noqa: E402

NOW = datetime(2027, 1, 13, 9, 0, tzinfo=UTC)
PEOPLE, TOWNS, DATES, REGISTRATIONS, CONSULTATIONS = 3000, 600, 60, 6000, 600
FIRST = ["Jürgen", "Anna", "Kim", "Sören", "Ute", "Paul", "Ayşe", "Jonas", "Renée", "Ole"]
LAST = ["Müller", "Mueller", "Schäfer", "Schaefer", "Groß", "Gross", "Köhler", "Krüger", "Weiß",
        "Beispiel", "Schmidt", "Öztürk", "Jäger", "Böhm", "Lange"]  # fmt: skip
QUERIES = ["müller", "Mueller", "schaefer", "groß", "person1234@", "kommune-77.de",
           "Musterstadt 12", "Öhringen", "be"]  # fmt: skip
# The whole results page (login check, three groups, the template). Wall time on the shared
# 2-core machine drifts with the other processes; the CPU time of the request is steadier.
TARGET_P95_MS = 250.0
TARGET_CPU_P95_MS = 100.0
PASSWORD = "benchmark-password-1"


def generate() -> None:
    """The generated records, written with Core INSERTs in one transaction."""
    states = list(FederalState)
    towns = [
        {
            "name": name,
            "name_key": name_key(name),
            "kind": MunicipalityKind.CITY,
            "state": states[number % len(states)],
            "is_model_project": False,
            "created_at": NOW,
        }
        for number in range(TOWNS)
        for name in ["Öhringen" if number == 0 else f"Musterstadt {number}"]
    ]
    db.session.execute(sa.insert(Municipality), towns)
    town_ids = db.session.execute(
        sa.select(Municipality.id).where(Municipality.name_key.like("musterstadt %"))
    ).scalars().all() + [
        db.session.execute(
            sa.select(Municipality.id).where(Municipality.name == "Öhringen")
        ).scalar_one()
    ]
    db.session.execute(
        sa.insert(Person),
        [
            {
                "name": f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}",
                "email": f"person{n}@kommune-{n % TOWNS}.de",
                "municipality_id": town_ids[n % len(town_ids)],
                "locale": "de",
                "created_at": NOW,
            }
            for n in range(PEOPLE)
        ],
    )
    people = db.session.execute(
        sa.select(Person.id, Person.municipality_id).order_by(Person.id)
    ).all()
    offering = db.session.execute(sa.select(Offering).limit(1)).scalar_one()
    db.session.execute(
        sa.insert(EventDate),
        [
            {
                "offering_id": offering.id,
                "starts_at": NOW + timedelta(days=day - DATES // 2),
                "ends_at": NOW + timedelta(days=day - DATES // 2, hours=2),
                "capacity": 200,
                "status": EventDateStatus.PUBLISHED,
                "online_url": "https://konferenz.example.org/raum",
                "created_at": NOW,
                "updated_at": NOW,
            }
            for day in range(DATES)
        ],
    )
    dates = db.session.execute(sa.select(EventDate.id).order_by(EventDate.id)).scalars().all()
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "event_date_id": dates[n % len(dates)],
                "person_id": people[(n * 7) % len(people)][0],
                "municipality_id": people[(n * 7) % len(people)][1],
                "status": "confirmed",
                "locale": "de",
                "privacy_notice_version": "2026-11",
                "privacy_acknowledged_at": NOW,
                "created_at": NOW,
            }
            for n in range(REGISTRATIONS)
        ],
    )
    advisor = db.session.execute(
        sa.select(StaffUser.id).where(StaffUser.role == Role.ADVISOR).limit(1)
    ).scalar_one()
    db.session.execute(
        sa.insert(Consultation),
        [
            {
                "advisor_id": advisor,
                "person_id": people[(n * 5) % len(people)][0],
                "municipality_id": people[(n * 5) % len(people)][1],
                "starts_at": NOW + timedelta(hours=n - CONSULTATIONS // 2),
                "ends_at": NOW + timedelta(hours=n - CONSULTATIONS // 2, minutes=60),
                "channel": "video",
                "status": "confirmed",
                "privacy_notice_version": "2026-11",
                "privacy_acknowledged_at": NOW,
                "created_at": NOW,
            }
            for n in range(CONSULTATIONS)
        ],
    )
    db.session.add(
        StaffUser(
            name="Bench Admin",
            email="bench@kts.example",
            role=Role.ADMIN,
            password_hash=hash_password(PASSWORD),
        )
    )
    db.session.commit()


@contextlib.contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "postgresql":
        with scratch_database("search") as url:
            yield url.replace("postgresql://", "postgresql+psycopg://", 1)
    else:
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="startsmart-bench-"))
    with database(args.database, workdir) as url:
        app = create_app(
            {
                "INSTANCE_PATH": str(workdir),
                "DATABASE_URL": url,
                "SECRET_KEY": "benchmark" * 4,
                "MAIL_SUPPRESS_SEND": True,
                "MAIL_FILE_DROP": False,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            load_demo(NOW)
            generate()
            counts = {
                model.__tablename__: db.session.execute(
                    sa.select(sa.func.count()).select_from(model)
                ).scalar_one()
                for model in (Person, Municipality, Registration, Consultation)
            }
        client = app.test_client()
        login = {"email": "bench@kts.example", "password": PASSWORD}
        answer = client.post("/staff/login", data=login)
        assert answer.status_code == 302, answer.status_code
        load = os.getloadavg()[0]
        timings: dict[str, list[float]] = {}
        cpu: list[float] = []  # this thread's CPU: how much of a bad figure is the machine's load
        hits: dict[str, str] = {}
        for query in QUERIES:  # once to warm up, then the runs
            client.get("/staff/suche/", query_string={"q": query})
        for _ in range(args.runs):
            for query in QUERIES:
                started, started_cpu = time.perf_counter(), time.thread_time()
                response = client.get("/staff/suche/", query_string={"q": query})
                timings.setdefault(query, []).append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
                assert response.status_code == 200
                html = response.get_data(as_text=True)
                hits[query] = " / ".join(
                    part.split(")", 1)[0].split("(")[-1] for part in html.split('<h2 id="hits-')[1:]
                )
    every = [t for samples in timings.values() for t in samples]
    print(f"command: {sys.executable} benchmarks/staff_search.py --database {args.database} "
          f"--runs {args.runs}")  # fmt: skip
    print(f"database: {args.database}; rows: {counts}")
    print("query: p50 / p95 ms (hits: people / municipalities / registrations+consultations)")
    for query in QUERIES:
        samples = timings[query]
        print(
            f"  {query!r:18} {statistics.median(samples):6.1f} / {percentile(samples, 0.95):6.1f}"
            f"   ({hits[query]})"
        )
    p95 = percentile(every, 0.95)
    print(f"all: p50 {statistics.median(every):.1f} ms, p95 {p95:.1f} ms, max {max(every):.1f} ms")
    cpu_p95 = percentile(cpu, 0.95)
    print(f"cpu of this process: p50 {statistics.median(cpu):.1f} ms, p95 {cpu_p95:.1f} ms")
    print(f"load average before/after: {load:.2f} / {os.getloadavg()[0]:.2f}")
    met = p95 <= TARGET_P95_MS and cpu_p95 <= TARGET_CPU_P95_MS
    print(
        f"target p95 <= {TARGET_P95_MS:.0f} ms wall, <= {TARGET_CPU_P95_MS:.0f} ms cpu: "
        + ("met" if met else "MISSED")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
