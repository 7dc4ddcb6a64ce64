"""How fast the forms' Kommune field finds a municipality in the whole directory.

The shipped Gemeindeverzeichnis (about 12,500 municipalities, districts and
Gemeindeverbände, ``flask municipalities import``) on a scratch PostgreSQL database (or a fresh
SQLite file). The queries are what people type while the combobox asks: the first two, three
and five letters of every 40th name, whole names, and the forgiving spellings ("muenster",
"sankt ingbert", "strasse", "burg st michaelisdonn" for "Burg-St. Michaelisdonn"). Each is
asked through the whole stack (the Flask test client, the view, the query, the JSON), as the
combobox asks it.
Target: p95 <= 20 ms on PostgreSQL.

    .venv/bin/python benchmarks/municipality_search.py [--database postgresql|sqlite] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from staff_search import database, percentile  # noqa: E402

from startsmart import create_app  # noqa: E402
from startsmart.extensions import db  # noqa: E402
from startsmart.municipalities.directory import import_directory  # noqa: E402
from startsmart.municipalities.gemeindeverzeichnis import SHIPPED_EXTRACT  # noqa: E402
from startsmart.municipalities.models import Municipality  # noqa: E402

NOW = datetime(2027, 1, 13, 9, 0, tzinfo=UTC)
TARGET_P95_MS = 20.0
FORGIVING = ["muenster", "Muenchen", "sankt ingbert", "St. Wendel", "strasse", "Grossenhain",
             "frankfurt oder", "burg st michaelisdonn", "landkreis rosenheim", "Cottbus", "be",
             "st"]  # fmt: skip


def queries() -> list[str]:
    names = (
        db.session.execute(sa.select(Municipality.name).order_by(Municipality.id)).scalars().all()
    )
    typed = []
    for name in names[::40]:
        own = name.split(",")[0]
        typed += [own[:2], own[:3], own[:5], own]
    return typed + FORGIVING


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--runs", type=int, default=5)
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
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            report = import_directory(SHIPPED_EXTRACT, NOW)
            typed = queries()
        client = app.test_client()
        for query in typed:  # once to warm up, then the runs
            client.get("/kommunen/suche", query_string={"q": query})
        load = os.getloadavg()[0]
        wall: list[float] = []
        cpu: list[float] = []
        empty = 0
        for _ in range(args.runs):
            for query in typed:
                started, started_cpu = time.perf_counter(), time.thread_time()
                response = client.get("/kommunen/suche", query_string={"q": query})
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
                assert response.status_code == 200
                empty += not response.json["results"]
    print(
        f"command: {sys.executable} benchmarks/municipality_search.py --database {args.database} "
        f"--runs {args.runs}"
    )
    print(f"database: {args.database}; directory entries: {report.new}; queries: {len(typed)}")
    p95 = percentile(wall, 0.95)
    print(f"wall: p50 {statistics.median(wall):.1f} ms, p95 {p95:.1f} ms, max {max(wall):.1f} ms")
    cpu_p95 = percentile(cpu, 0.95)
    print(f"cpu of this process: p50 {statistics.median(cpu):.1f} ms, p95 {cpu_p95:.1f} ms")
    print(f"answers without a result: {empty} of {len(wall)}")
    print(f"load average before/after: {load:.2f} / {os.getloadavg()[0]:.2f}")
    met = p95 <= TARGET_P95_MS and empty == 0
    print(
        f"target p95 <= {TARGET_P95_MS:.0f} ms, every query finds something: "
        + ("met" if met else "MISSED")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
