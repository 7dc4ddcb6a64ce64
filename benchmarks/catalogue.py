"""Server time of the public catalogue with 1,000 upcoming dates and 50,000 registrations.

gunicorn (4 sync workers) serves benchmarks/bench_wsgi.py on a scratch PostgreSQL database;
its middleware reports the server time of each response in a ``Server-Timing`` header (from the
request reaching the app to the finished page: routing, queries, rendering; not the network,
not the client). One client asks one page after the other, so the figures are the page's own
cost, not queueing. Target: p95 <= 30 ms for the default view ``/angebote/``.

    .venv/bin/python benchmarks/catalogue.py [--requests 300] [--explain]

``--explain`` also prints EXPLAIN ANALYZE of every query the default view runs.
Exits non-zero if a page fails or the target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import sqlalchemy as sa
from live_server import Browser, Server, command_line, gunicorn, load_average, percentile

from startsmart import clock, create_app
from startsmart.catalog.models import Offering, OfferingFormat, Topic
from startsmart.clock import BERLIN
from startsmart.extensions import db

TARGET_P95_MS = 30.0
DATES = 1000
REGISTRATIONS = 50_000
PEOPLE = REGISTRATIONS // 5  # each person registered for five dates
MUNICIPALITIES = 500

TOPICS = {
    "grundlagen": "Smart-City-Grundlagen",
    "handlungsfelder": "Integrierte Handlungsfelder",
    "kommunikation": "Kommunikation und Partizipation",
    "monitoring": "Monitoring und Evaluation",
}
OFFERINGS = [  # slug, format, topics; the dates go round the dated ones
    ("online-einfuehrung", OfferingFormat.ONLINE_INTRO, ["grundlagen"]),
    ("input-kommunikation", OfferingFormat.THEMATIC_INPUT, ["kommunikation"]),
    ("input-monitoring", OfferingFormat.THEMATIC_INPUT, ["monitoring"]),
    ("input-handlungsfelder", OfferingFormat.THEMATIC_INPUT, ["handlungsfelder", "grundlagen"]),
    ("austausch-quick-wins", OfferingFormat.MODERATED_EXCHANGE, ["grundlagen"]),
    ("austausch-verwaltung", OfferingFormat.MODERATED_EXCHANGE, ["kommunikation"]),
    ("initialberatung", OfferingFormat.INITIAL_CONSULTATION, ["grundlagen"]),
]

# Dates every 11 hours from tomorrow (about 15 months); capacities 20..60, every fifth on
# site. Each date gets 50 registrations: every tenth cancelled, seats taken up to the
# capacity (a third of them still unconfirmed), the rest on the waiting list.
SEED_SQL = [
    f"""
    INSERT INTO municipality (name, name_key, kind, state, is_model_project, created_at)
    SELECT 'Gemeinde ' || n, 'gemeinde ' || n, 'town', 'NI', false, now()
    FROM generate_series(1, {MUNICIPALITIES}) AS n
    """,
    f"""
    INSERT INTO person (name, email, municipality_id, locale, created_at)
    SELECT 'Person ' || n, 'person' || n || '@gemeinde.de',
           (SELECT min(id) FROM municipality) + n % {MUNICIPALITIES}, 'de', now()
    FROM generate_series(0, {PEOPLE - 1}) AS n
    """,
    f"""
    INSERT INTO event_date (offering_id, starts_at, ends_at, online_url, venue, capacity,
                            registration_closes_at, status, ical_sequence, created_at, updated_at)
    SELECT o.id, at, at + interval '90 minutes',
           CASE WHEN n % 5 = 0 THEN NULL ELSE 'https://konferenz.example.org/raum' END,
           CASE WHEN n % 5 = 0 THEN 'Rathaus, Marktplatz 1, 24937 Flensburg' END,
           20 + (n * 7) % 41, at - interval '1 day', 'published', 0, now(), now()
    FROM generate_series(0, {DATES - 1}) AS n
    CROSS JOIN LATERAL (SELECT date_trunc('hour', now()) + interval '1 day'
                               + n * interval '11 hours' AS at) AS t
    JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM offering
          WHERE format <> 'initial_consultation') AS o ON o.i = n % :offerings
    """,
    f"""
    WITH d AS (SELECT id, capacity, row_number() OVER (ORDER BY id) - 1 AS n FROM event_date),
         p AS (SELECT id, municipality_id, row_number() OVER (ORDER BY id) - 1 AS n FROM person)
    INSERT INTO registration (event_date_id, person_id, municipality_id, status, locale,
                              added_by_staff, created_at, queued_at, hold_expires_at,
                              email_confirmed_at, confirmed_at, cancelled_at, ical_sequence,
                              invitation_sent, privacy_notice_version, privacy_acknowledged_at)
    SELECT d.id, p.id, p.municipality_id, s.status, 'de', false, now() - interval '2 days',
           CASE WHEN s.status = 'waitlisted' THEN now() - interval '2 days' + k * interval '1s' END,
           CASE WHEN s.status = 'pending' THEN now() + interval '1 day' END,
           CASE WHEN s.status IN ('confirmed', 'waitlisted') THEN now() - interval '2 days' END,
           CASE WHEN s.status = 'confirmed' THEN now() - interval '2 days' END,
           CASE WHEN s.status = 'cancelled' THEN now() - interval '1 day' END,
           0, s.status = 'confirmed', '2026-11', now() - interval '2 days'
    FROM generate_series(0, {REGISTRATIONS - 1}) AS k
    JOIN d ON d.n = k % {DATES}
    JOIN p ON p.n = k / 5
    CROSS JOIN LATERAL (
        SELECT CASE WHEN (k / {DATES}) % 10 = 9 THEN 'cancelled'
                    WHEN k / {DATES} < d.capacity
                         THEN CASE WHEN (k / {DATES}) % 3 = 0 THEN 'pending' ELSE 'confirmed' END
                    ELSE 'waitlisted' END AS status
    ) AS s
    """,
]


def seed(database_url: str, instance: str) -> None:
    """Offerings and topics through the models; the bulk (dates, people, registrations) in
    four INSERT … SELECT statements, then ANALYZE, as after a real import."""
    app = create_app(
        {"DATABASE_URL": database_url, "INSTANCE_PATH": instance, "SECRET_KEY": "x" * 32}
    )
    with app.app_context():
        topics = {slug: Topic(slug=slug, name=name) for slug, name in TOPICS.items()}
        db.session.add_all(
            Offering(
                slug=slug,
                format=fmt,
                title=f"{fmt.label}: {slug.replace('-', ' ').title()}",
                summary="Praxisnah und bedarfsorientiert.",
                description="Text.",
                topics=[topics[t] for t in names],
            )
            for slug, fmt, names in OFFERINGS
        )
        db.session.commit()
        dated = sum(1 for _, fmt, _ in OFFERINGS if fmt is not OfferingFormat.INITIAL_CONSULTATION)
        for statement in SEED_SQL:
            db.session.execute(sa.text(statement), {"offerings": dated})
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        counts = db.session.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM event_date WHERE starts_at > now()),"
                " (SELECT count(*) FROM registration)"
            )
        ).one()
        db.engine.dispose()
    print(f"seeded: {counts[0]:,} upcoming dates, {counts[1]:,} registrations")


def measure(server: Server, path: str, requests: int) -> dict[str, float]:
    browser = Browser(server)
    for _ in range(20):  # every worker has rendered the page and filled its pool
        browser.get(path)
    server_ms, client_ms = [], []
    for _ in range(requests):
        answer = browser.get(path)
        if answer.status != 200 or answer.server_ms is None:
            raise RuntimeError(f"{path}: HTTP {answer.status}")
        server_ms.append(answer.server_ms)
        client_ms.append(answer.seconds * 1000)
    return {
        "p50": statistics.median(server_ms),
        "p95": percentile(server_ms, 0.95),
        "max": max(server_ms),
        "client_p50": statistics.median(client_ms),
        "client_p95": percentile(client_ms, 0.95),
        "bytes": len(answer.body.encode()),
        "items": answer.body.count('class="date-item"'),
    }


def explain(database_url: str, instance: str) -> None:
    """EXPLAIN ANALYZE of every query the default view runs (in this process, same database)."""
    app = create_app(
        {"DATABASE_URL": database_url, "INSTANCE_PATH": instance, "SECRET_KEY": "x" * 32}
    )
    captured: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    app.test_client().get("/angebote/")
    sa.event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as connection:
        for statement, parameters in captured:
            plan = connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters
            ).scalars()
            print(f"\n-- {' '.join(statement.split())[:300]}")
            for line in plan:
                print(f"   {line}")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="per page (300)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queries")
    args = parser.parse_args()

    print(f"command: {command_line()}")
    print(f"load average before: {load_average()}")
    with gunicorn("catalogue") as (server, environment):
        database_url = environment["STARTSMART_DATABASE_URL"]
        instance = environment["STARTSMART_INSTANCE_PATH"]
        started = time.perf_counter()
        seed(database_url, instance)
        print(f"seeding took {time.perf_counter() - started:.1f} s")
        month = f"{clock.now().astimezone(BERLIN):%Y-%m}"
        pages = [
            ("/angebote/", "default view (first 20 of 1,000)"),
            ("/angebote/?seite=30", "page 30"),
            ("/angebote/?format=thematic_input", "one format"),
            (f"/angebote/?thema=grundlagen&monat={month}", "topic and month"),
            ("/angebote/?ort=vor-ort", "on site"),
            # The seats of all 1,000 dates are counted; 291 have a seat for a newcomer.
            ("/angebote/?frei=1", "free seats only"),
            ("/angebote/?ort=online&frei=1", "online, free seats only"),
            ("/angebote/input-monitoring", "one offering, all its dates"),
        ]
        results = [(path, label, measure(server, path, args.requests)) for path, label in pages]
        if args.explain:
            explain(database_url, instance)

    print(
        f"\nserver: gunicorn, 4 sync workers; {args.requests} requests per page, one after another"
    )
    print("server time from the Server-Timing header; client time includes connect and transfer\n")
    print("| page | server p50 | server p95 | server max | client p50 | client p95 | dates shown |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for path, label, r in results:
        print(
            f"| `{path}` ({label}) | {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['max']:.1f} ms "
            f"| {r['client_p50']:.1f} ms | {r['client_p95']:.1f} ms | {r['items']:.0f} |"
        )
    default = results[0][2]
    ok = default["p95"] <= TARGET_P95_MS and default["items"] > 0
    print(f"\ndefault view p95 {default['p95']:.1f} ms (target <= {TARGET_P95_MS:.0f} ms)")
    print(f"load average after: {load_average()}")
    print("result:", "OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
