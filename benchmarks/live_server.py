"""What the HTTP benchmarks share: a scratch PostgreSQL database, gunicorn serving
``bench_wsgi:app`` on it with 4 workers, and a small browser-like HTTP client.

The client is the standard library's ``http.client`` (nothing to install): one connection per
request, as gunicorn's sync workers close every connection anyway, and a cookie jar so a
simulated visitor keeps their session (and with it the CSRF token) like a browser.
"""

from __future__ import annotations

import http.client
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import sqlalchemy as sa
from psycopg import sql

CHECKOUT = Path(__file__).resolve().parents[1]
BENCHMARKS = CHECKOUT / "benchmarks"
VENV_BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get(
    "STARTSMART_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
WORKERS = 4
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@contextmanager
def scratch_database(label: str) -> Iterator[str]:
    """A fresh database for one run; dropped afterwards, also after an error or Ctrl-C."""
    name = f"startsmart_bench_{label}_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


# The stack's limit: created by the benchmark (registration_race.py) before gunicorn starts.
BARE_TABLE = sa.table(
    "bench_insert", sa.column("name"), sa.column("email"), sa.column("municipality")
)
BARE_TABLE_DDL = (
    "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, name text NOT NULL, "
    "email text NOT NULL, municipality text NOT NULL, "
    "created_at timestamptz NOT NULL DEFAULT now())"
)


def add_bare_route(app) -> None:
    """``POST /bench/insert`` on ``app``: Flask parses the form, one INSERT through
    ``db.session`` in one transaction, commit, redirect — a registration without its rules.
    Exempt from CSRF: it has no form page to take a token from. Benchmarks only."""
    from flask import redirect, request

    from startsmart.extensions import csrf, db

    @app.post("/bench/insert")
    @csrf.exempt
    def bench_insert():
        form = request.form
        db.session.execute(
            sa.insert(BARE_TABLE).values(
                name=form["name"], email=form["email"], municipality=form["municipality"]
            )
        )
        db.session.commit()
        return redirect("/bench/inserted")


def server_environment(database_url: str, instance: Path, public_url: str) -> dict[str, str]:
    """The production configuration, except that mail stays in the outbox (no worker runs)
    and the rate limits are out of the way (every simulated visitor comes from 127.0.0.1)."""
    return {
        **os.environ,
        "STARTSMART_ENV": "production",
        "STARTSMART_DATABASE_URL": database_url,
        "STARTSMART_SECRET_KEY": secrets.token_urlsafe(48),
        "STARTSMART_INSTANCE_PATH": str(instance),
        "STARTSMART_PUBLIC_URL": public_url,
        "STARTSMART_MAIL_DEFAULT_SENDER": "Start Smart (KTS) <startsmart@kts.example>",
        "STARTSMART_MAIL_DELIVERY": "worker",
        "STARTSMART_RATELIMIT_STORAGE_URI": "memory://",
        "STARTSMART_REGISTRATION_RATE_LIMIT": "100000 per minute",
        # Every simulated visitor comes from 127.0.0.1: the cap per client would be theirs.
        "STARTSMART_UNCONFIRMED_PER_CLIENT": "100000",
    }


def migrate(environment: dict[str, str]) -> None:
    """``flask db upgrade`` against the scratch database, as a deploy would run it."""
    done = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "startsmart", "db", "upgrade"],
        env=environment,
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stderr[-3000:]}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    host: str
    port: int
    log: Path


@contextmanager
def gunicorn(
    label: str, overrides: Mapping[str, str] | None = None
) -> Iterator[tuple[Server, dict[str, str]]]:
    """Scratch database, migrated; gunicorn with 4 sync workers serving ``bench_wsgi:app``.

    Yields the server and the environment it runs with (for the benchmark's own app, which
    prepares data and checks results in the same database). Stops gunicorn and drops the
    database however the benchmark ends. ``overrides``: more ``STARTSMART_*`` settings.
    """
    instance = Path(tempfile.mkdtemp(prefix="startsmart-bench-"))
    try:
        with scratch_database(label) as database_url:
            environment = {
                **server_environment(database_url, instance, "https://startsmart.example.org"),
                **(overrides or {}),
            }
            migrate(environment)
            with serve(environment) as server:
                yield server, environment
    finally:
        shutil.rmtree(instance, ignore_errors=True)


@contextmanager
def serve(
    environment: Mapping[str, str],
    app: str = "bench_wsgi:app",
    directory: Path = BENCHMARKS,
    workers: int = WORKERS,
) -> Iterator[Server]:
    """gunicorn (sync workers) serving ``app`` from ``directory`` with ``environment``, on a
    free loopback port, until every worker has answered; stopped however the block ends.

    The one way the benchmarks and the production-mode tests (tests/production_server.py)
    start the app: the database must already be migrated (``migrate``). gunicorn's own log
    (its 500s, worker deaths) goes to ``gunicorn.log`` in the instance folder."""
    port = free_port()
    log = Path(environment["STARTSMART_INSTANCE_PATH"]) / "gunicorn.log"
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(directory),
            "--error-logfile",
            str(log),
            "--log-level",
            "warning",
            app,
        ],  # fmt: skip
        env=dict(environment),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        server = Server("127.0.0.1", port, log)
        _wait_until_serving(server, process)
        yield server
    finally:
        _stop(process)


def _wait_until_serving(server: Server, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until every worker has answered once (the first request of a worker builds the app)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {server.log}")
        try:
            if Browser(server).get("/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s; see {server.log}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to our gunicorn master (its workers follow), SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str
    seconds: float  # client wall time, connect to last byte

    @property
    def server_ms(self) -> float | None:
        """Server time from bench_wsgi's ``Server-Timing: app;dur=…`` header."""
        value = self.headers.get("Server-Timing", "")
        match = re.search(r"dur=([\d.]+)", value)
        return float(match.group(1)) if match else None


@dataclass
class Browser:
    """One simulated visitor: own cookies, one connection per request, no redirects followed."""

    server: Server
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 300

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        headers = {"Host": f"{self.server.host}:{self.server.port}"}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection(
            self.server.host, self.server.port, timeout=self.timeout
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, data.decode("utf-8", "replace"), elapsed)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Answer:
        return self.request("POST", path, form)

    def csrf_token(self, path: str) -> str:
        """Open the form like a browser and take its CSRF token (bound to our session)."""
        answer = self.get(path)
        match = CSRF.search(answer.body)
        if answer.status != 200 or not match:
            raise RuntimeError(f"no form on {path}: HTTP {answer.status}")
        return match.group(1)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(share * len(ordered))) - 1)]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min), {os.cpu_count()} cores"


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine so far, from /proc/stat (Linux)."""
    with open("/proc/stat") as stat:
        fields = [int(n) for n in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def command_line() -> str:
    return " ".join([".venv/bin/python", *sys.argv])


@contextmanager
def outbox_workers(
    environment: dict[str, str], count: int = 1, idle: float = 2.0
) -> Iterator[list[subprocess.Popen]]:
    """``flask outbox work`` processes on the benchmark's database, as production runs them
    (``environment`` must name the SMTP server). Each gets SIGTERM at the end and finishes
    its batch; its output goes to ``outbox-worker-<n>.log`` in the instance folder."""
    instance = Path(environment["STARTSMART_INSTANCE_PATH"])
    processes = []
    try:
        for number in range(count):
            with open(instance / f"outbox-worker-{number}.log", "wb") as log:
                processes.append(
                    subprocess.Popen(
                        [str(VENV_BIN / "flask"), "--app", "startsmart", "outbox", "work"]
                        + ["--idle", str(idle)],
                        env=environment,
                        cwd=CHECKOUT,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (``/proc/stat``)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


@contextmanager
def latency_probe(server: Server, path: str, interval: float = 0.25) -> Iterator[list[float]]:
    """A second client in a process of its own, asking ``path`` one request at a time while
    the block runs; the list fills with its latencies (ms) when the block ends. A load
    generator's threads share one interpreter lock, so its own latencies include the time a
    thread waited for it; the probe's do not."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import live_server as s; "
        "s._probe(s.Server(sys.argv[2], int(sys.argv[3]), None), sys.argv[4], float(sys.argv[5]))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(BENCHMARKS), server.host, str(server.port), path]
        + [str(interval)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    latencies: list[float] = []
    try:
        yield latencies
    finally:
        output, _ = process.communicate("stop\n", timeout=120)
        latencies.extend(float(v) for v in output.split())


def _probe(server: Server, path: str, interval: float) -> None:
    """The probe's process: GET ``path`` every ``interval`` seconds until stdin says stop."""
    import select

    while not select.select([sys.stdin], [], [], interval)[0]:
        answer = Browser(server).get(path)
        if answer.status == 200:
            print(f"{answer.seconds * 1000:.2f}", flush=True)


def process_cpu() -> dict[int, tuple[float, str]]:
    """CPU seconds (user + system) so far and the command line of every process we may read."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        found[int(entry.name)] = ((int(fields[11]) + int(fields[12])) / ticks, command)
    return found
