"""Configuration in layers: defaults here → ``instance/config.py`` → ``STARTSMART_*`` variables.

The environment wins so that one build runs everywhere; ``create_app(config)`` applies a mapping
last, which is how the tests configure an app.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from flask import Config

ENV_PREFIX = "STARTSMART"
HOST_PREFIX = "__Host-"  # a cookie name prefix: Secure, Path=/, no Domain (RFC 6265bis)


class Defaults:
    """Every setting the app reads, with a development-friendly default."""

    ENV = "development"  # "production" turns on the start-up checks and HSTS
    SECRET_KEY: str | None = None  # generated once into instance/secret_key in development
    DATABASE_URL: str | None = None  # default: SQLite file in the instance folder

    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MB; larger requests get the 413 page

    # In production it gets the "__Host-" prefix (see load): browsers then accept it only
    # over https, for this host alone, for every path — no subdomain can set or shadow it.
    SESSION_COOKIE_NAME = "startsmart_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # forced on in production
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # seconds; an upper bound for a staff working day
    STAFF_IDLE_SECONDS = 30 * 60  # a staff session ends after this long without a request
    STAFF_IDLE_WARNING_SECONDS = 120  # the page warns this long before
    REMEMBER_COOKIE_HTTPONLY = True
    # Roles that must sign in with a second factor (TOTP). None: nobody in development (the demo
    # start prints passwords only), admins in production, where a list without "admin" is
    # refused. Anybody may set one up; whoever has one is always asked for it.
    STAFF_SECOND_FACTOR_ROLES: list[str] | None = None
    STAFF_SECOND_FACTOR_ISSUER = "Start Smart (KTS)"  # the name the authenticator app shows

    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a form may stay open for a working day

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    RATELIMIT_STORAGE_URI = "memory://"  # "redis://127.0.0.1:6379/0" with several workers
    RATELIMIT_HEADERS_ENABLED = False  # Retry-After only on the 429 page (error_pages.py)
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"  # login attempts per client address
    # Failed logins in a row against one account, from any client address (staff.throttle):
    # after this many, logins for it wait LOGIN_ACCOUNT_BACKOFF_SECONDS, doubled with each
    # further failure, at most LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS.
    LOGIN_ACCOUNT_FAILURES = 5
    LOGIN_ACCOUNT_BACKOFF_SECONDS = 60
    LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS = 15 * 60

    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER: str | None = None  # e.g. "Start Smart (KTS) <startsmart@example.org>"
    MAIL_REPLY_TO: str | None = None  # where answers to the robot's mails should go
    MAIL_TIMEOUT = 15  # seconds; Flask-Mail itself would wait forever on a hung relay
    # None means: True in development (no SMTP server needed; see MAIL_FILE_DROP), else False.
    MAIL_SUPPRESS_SEND: bool | None = None
    MAIL_FILE_DROP: bool | None = None  # write every message to instance/mail/*.eml (dev)
    # "after_commit": deliver in the request that queued the mail (development);
    # "worker": only `flask outbox work` / `flask outbox send` deliver (production).
    MAIL_DELIVERY: str | None = None
    OUTBOX_BATCH_SIZE = 100  # messages claimed per pass and sent over one SMTP connection
    # A claim on a batch lasts this long (renewed at half time while the worker sends); a dead
    # worker's rows wait this long before another takes them over. Keep it well above
    # MAIL_TIMEOUT: a message that takes longer than half the lease may be sent twice.
    OUTBOX_LEASE_SECONDS = 300
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_RETRY_DELAYS = (60, 300, 1800, 7200, 21600, 43200, 86400)  # seconds, then the last

    # The KTS mailbox that receives calendar replies and bounces, read by `flask mail fetch`
    # (startsmart/inbox). No host: the reader refuses to start, nothing else needs it.
    MAIL_IMAP_HOST: str | None = None
    MAIL_IMAP_PORT = 993
    MAIL_IMAP_SSL = True  # IMAP over TLS; False: STARTTLS (plain only to a server on this host)
    MAIL_IMAP_USER: str | None = None
    MAIL_IMAP_PASSWORD: str | None = None
    MAIL_IMAP_FOLDER = "INBOX"
    MAIL_IMAP_TIMEOUT = 30  # seconds

    # Unconfirmed requests (startsmart/unconfirmed.py): how long a seat or slot waits for the
    # e-mail confirmation (hours, 0.25 to 24), and how many may wait at once.
    REGISTRATION_HOLD_HOURS = 4
    CONSULTATION_HOLD_HOURS = 4
    UNCONFIRMED_PER_CLIENT = 5  # from one client address, registrations and bookings together
    UNCONFIRMED_PER_DOMAIN = 3  # per date (and bookings in all) for addresses of one mail domain
    REGISTRATION_RATE_LIMIT = "10 per minute;60 per hour"  # public registration forms per IP
    MANAGE_RATE_LIMIT = "30 per hour"  # confirm, cancel, reschedule from a manage link, per IP
    # Mails the public forms send to one address, whoever sends the form (mail_budget.py)
    FORM_MAILS_PER_ADDRESS = "6 per hour;20 per day"
    MY_BOOKINGS_RATE_LIMIT = "5 per minute;20 per hour"  # "Meine Buchungen" link requests per IP
    MY_BOOKINGS_LINK_HOURS = 24  # how long the mailed link to "Meine Buchungen" opens the list
    # Personal data of registrations is anonymised this many days after the date; manage
    # links stay valid until then.
    PERSONAL_DATA_RETENTION_DAYS = 180  # offerings may set their own (Offering.retention_days)
    OUTBOX_KEEP_DAYS = 30  # bodies of sent and failed mails are cleared after this many days
    # Stored with every registration; raise it whenever the privacy notice changes.
    PRIVACY_NOTICE_VERSION = "2026-11"
    CONSULTATION_DURATION_MINUTES = 60
    CONSULTATION_BUFFER_MINUTES = 15  # kept free before and after each consultation
    CONSULTATION_NOTICE_HOURS = 48  # earliest bookable start from now
    CONSULTATION_HORIZON_WEEKS = 8  # latest bookable start from now
    CONSULTATION_MAX_PER_DAY = 3  # per advisor and Berlin calendar day
    CONSULTATION_CHANNELS = ("video", "phone", "on_site")
    CONSULTATION_ELIGIBILITY_MONTHS = 12  # one initial consultation per municipality per …
    FOLLOW_UP_WORKING_DAYS = 3  # the follow-up mail is overdue after this many working days
    # Dates stay in the public calendar feed this many days after they end (cancelled ones too).
    CALENDAR_FEED_PAST_DAYS = 30
    REMINDER_HOURS_BEFORE = 24  # one reminder this long before a date or consultation
    # The survey after a date, consultation or conference (startsmart/feedback): sent this many
    # hours after its end, not for what ended longer ago; the link opens the survey this long.
    FEEDBACK_DELAY_HOURS = 2
    FEEDBACK_MAX_AGE_DAYS = 14
    FEEDBACK_LINK_DAYS = 30
    # Materials published after a conference (startsmart/conferences/materials.py): the folder
    # their PDF files live in (None: instance/materials; include it in the backup) and the
    # largest file staff may upload. The one mail "the documentation is online"
    # (`flask conferences send-documentation`) waits until no material was added for this many
    # hours, and is not sent for conferences that ended longer ago than this many days.
    MATERIALS_DIR: str | None = None
    MATERIAL_MAX_BYTES = 20 * 1024 * 1024
    DOCUMENTATION_MAIL_DELAY_HOURS = 12
    DOCUMENTATION_MAIL_MAX_AGE_DAYS = 90
    JOIN_OPENS_MINUTES_BEFORE = 15  # "Jetzt teilnehmen" on the manage page works from then on
    # How often the speed-dating screens ask for changes (the clock runs in the browser anyway).
    SPEED_DATING_PRESENTER_POLL_SECONDS = 2  # one projector per conference
    SPEED_DATING_PHONE_POLL_SECONDS = 5  # every participant's phone: a few hundred at once

    # Operations: request log, readiness thresholds, reverse proxy.
    REQUEST_LOG: bool | None = None  # JSON line per request on stderr; on in production
    READY_OUTBOX_MAX_AGE_SECONDS = 600  # mail waiting longer than this counts as overdue
    READY_OUTBOX_MAX_BACKLOG = 100  # /readyz fails with more overdue mails than this
    PROXY_FIX_HOPS = 0  # reverse proxies in front that set X-Forwarded-*; 0 trusts none

    # Absolute links in pages, mails and calendar entries point here. Required in production;
    # unset in development, links follow the address the browser used (links.base_url).
    PUBLIC_URL: str | None = None

    # Operator data shown on the legal pages; placeholders until the operator fills them in.
    OPERATOR_NAME = "[Name der betreibenden Stelle]"
    OPERATOR_ADDRESS = "[Anschrift]"
    OPERATOR_EMAIL = "[E-Mail-Adresse]"
    OPERATOR_PHONE = "[Telefonnummer]"
    DATA_PROTECTION_OFFICER = "[Kontakt der/des Datenschutzbeauftragten]"

    # The Barrierefreiheitserklärung (startsmart/pages/accessibility.py): how far the site meets
    # BITV 2.0 ("full", "partial", "none"; "full" is refused while barriers are known), when the
    # statement was written and last reviewed (YYYY-MM-DD), and where barriers are reported
    # (None: OPERATOR_EMAIL).
    ACCESSIBILITY_STATUS = "partial"
    ACCESSIBILITY_STATEMENT_DATE = "2026-12-07"
    ACCESSIBILITY_REVIEW_DATE = "2026-12-07"
    ACCESSIBILITY_CONTACT: str | None = None
    # Information in Deutscher Gebärdensprache on the start page: a video file served by this
    # site ("/media/dgs-start-smart.mp4", played in the page) or an https:// page that shows it
    # (linked). None: the page says where to ask for it.
    DGS_VIDEO_URL: str | None = None
    # The folder served at /media/ (startsmart/pages/media.py): the DGS video and its captions,
    # files the operator puts there (None: instance/media).
    MEDIA_DIR: str | None = None
    # German captions (WebVTT) for that video when this site plays it: a path here or an
    # address at PUBLIC_URL. None: the statement lists the missing captions as a barrier.
    DGS_VIDEO_CAPTIONS_URL: str | None = None

    # The Datenschutzerklärung (startsmart/pages/privacy_notice.py) names who else receives data:
    # the operator of the mail server and of the video-conference service (name and address;
    # None: "the operator's own" / "the service named in the invitation"), and the supervisory
    # authority people may complain to.
    MAIL_PROVIDER: str | None = None
    VIDEO_PROVIDER: str | None = None
    SUPERVISORY_AUTHORITY_NAME = (
        "Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit (BfDI)"
    )
    SUPERVISORY_AUTHORITY_ADDRESS = "Graurheindorfer Straße 153, 53117 Bonn"
    SUPERVISORY_AUTHORITY_URL = "https://www.bfdi.bund.de"


# Settings left at None get the value for the environment: (development, production).
_BY_ENVIRONMENT: dict[str, tuple[Any, Any]] = {
    "MAIL_SUPPRESS_SEND": (True, False),
    "MAIL_FILE_DROP": (True, False),
    "MAIL_DELIVERY": ("after_commit", "worker"),
    "MAIL_DEFAULT_SENDER": ("Start Smart (KTS) <startsmart@kts.example>", None),
    "REQUEST_LOG": (False, True),
    "STAFF_SECOND_FACTOR_ROLES": ([], ["admin"]),
}

# A server database gets a bounded pool: every gunicorn worker holds up to pool_size +
# max_overflow connections, checked before use so a restarted PostgreSQL costs one failed
# request, not a broken worker.
SERVER_POOL = {
    "pool_pre_ping": True,
    "pool_size": 5,
    "max_overflow": 5,
    "pool_timeout": 10,
    "pool_recycle": 1800,
}


# Shorter than a quarter of an hour, nobody manages to open the mail; longer than a day, one
# anonymous form keeps a seat from everybody else for too long.
HOLD_HOURS = (0.25, 24)
HOLD_SETTINGS = ("REGISTRATION_HOLD_HOURS", "CONSULTATION_HOLD_HOURS")


# The join button opens at most four hours early: earlier, the manage page would offer an empty
# room half a day ahead.
JOIN_LEAD_MINUTES = (0, 240)


class ConfigurationError(RuntimeError):
    """The app cannot start safely with this configuration; the message says what to set."""


def load(config: Config, instance_path: Path, overrides: Mapping[str, Any] | None) -> None:
    """Fill ``config`` from all layers and derive the settings that depend on others."""
    config.from_object(Defaults)
    config.from_pyfile(str(instance_path / "config.py"), silent=True)
    config.from_prefixed_env(ENV_PREFIX)
    if overrides:
        config.update(overrides)

    production = config["ENV"] == "production"
    check_holds(config)
    check_join_lead(config)
    check_accessibility(config)
    if production:
        check_production(config)
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _development_secret_key(instance_path)

    if not config.get("MATERIALS_DIR"):
        config["MATERIALS_DIR"] = str(instance_path / "materials")
    if not config.get("MEDIA_DIR"):
        config["MEDIA_DIR"] = str(instance_path / "media")
    url = config.get("DATABASE_URL") or f"sqlite:///{instance_path / 'startsmart.sqlite3'}"
    config["SQLALCHEMY_DATABASE_URI"] = sqlalchemy_url(url)
    if not url.startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**SERVER_POOL, **config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if production:
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        config["SESSION_COOKIE_PATH"] = "/"  # required by the "__Host-" prefix, like Secure
        if not config["SESSION_COOKIE_NAME"].startswith(HOST_PREFIX):
            config["SESSION_COOKIE_NAME"] = HOST_PREFIX + config["SESSION_COOKIE_NAME"]
    for key, (development_value, production_value) in _BY_ENVIRONMENT.items():
        if config.get(key) is None:
            config[key] = production_value if production else development_value


def check_holds(config: Mapping[str, Any]) -> None:
    """Refuse to start with an unconfirmed hold outside ``HOLD_HOURS``, in every environment."""
    low, high = HOLD_HOURS
    for name in HOLD_SETTINGS:
        value = config.get(name)
        in_bounds = (
            isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high
        )
        if not in_bounds:
            raise ConfigurationError(
                f"{ENV_PREFIX}_{name} must be a number of hours from {low} to {high} "
                f"(it is {value!r}): the time an unconfirmed request holds a seat or slot."
            )


def check_join_lead(config: Mapping[str, Any]) -> None:
    """Refuse to start with a join lead outside ``JOIN_LEAD_MINUTES``, in every environment."""
    low, high = JOIN_LEAD_MINUTES
    value = config.get("JOIN_OPENS_MINUTES_BEFORE")
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigurationError(
            f"{ENV_PREFIX}_JOIN_OPENS_MINUTES_BEFORE must be a number of minutes from {low} to "
            f"{high} (it is {value!r}): when 'Jetzt teilnehmen' opens before a meeting."
        )


ACCESSIBILITY_STATUSES = ("full", "partial", "none")


def check_accessibility(config: Mapping[str, Any]) -> None:
    """Refuse to start with a Barrierefreiheitserklärung that would state something unclear or
    untrue: an unknown status, a date that is none, a DGS video or its captions from elsewhere,
    captions for a video this site does not play, or "full" compliance while the app itself
    lists known barriers."""
    from startsmart.pages.barriers import known_barrier_keys
    from startsmart.pages.sign_language import dgs_video, on_this_site

    problems = []
    status = config.get("ACCESSIBILITY_STATUS")
    if status not in ACCESSIBILITY_STATUSES:
        problems.append(
            f"{ENV_PREFIX}_ACCESSIBILITY_STATUS must be one of {', '.join(ACCESSIBILITY_STATUSES)} "
            f"(it is {status!r})."
        )
    for name in ("ACCESSIBILITY_STATEMENT_DATE", "ACCESSIBILITY_REVIEW_DATE"):
        try:
            date.fromisoformat(str(config.get(name)))
        except ValueError:
            problems.append(
                f"{ENV_PREFIX}_{name} must be a date as YYYY-MM-DD (it is {config.get(name)!r})."
            )
    video = config.get("DGS_VIDEO_URL")
    local = str(video).startswith("/") and not str(video).startswith("//")
    if video and not (local or str(video).startswith("https://")):
        problems.append(
            f"{ENV_PREFIX}_DGS_VIDEO_URL must be a path on this site (/...) or an https:// page "
            f"(it is {video!r}); the pages load media from this site only."
        )
    captions = config.get("DGS_VIDEO_CAPTIONS_URL")
    if captions:
        video = dgs_video(config)
        if video is None or not video.embedded:
            problems.append(
                f"{ENV_PREFIX}_DGS_VIDEO_CAPTIONS_URL is set, but {ENV_PREFIX}_DGS_VIDEO_URL is "
                f"not a video file this site plays (it is {video and video.url!r}); a linked "
                "page shows its own captions."
            )
        elif not on_this_site(str(captions).strip(), config.get("PUBLIC_URL")):
            problems.append(
                f"{ENV_PREFIX}_DGS_VIDEO_CAPTIONS_URL must be a path on this site (/...) or an "
                f"address at PUBLIC_URL (it is {captions!r}); the pages load media from this "
                "site only."
            )
    barriers = known_barrier_keys(config)
    if status == "full" and barriers:
        problems.append(
            f'{ENV_PREFIX}_ACCESSIBILITY_STATUS cannot be "full" while barriers are known '
            f"({', '.join(barriers)}; startsmart/pages/barriers.py)."
        )
    if problems:
        raise ConfigurationError(
            "The accessibility statement would be wrong:\n- " + "\n- ".join(problems)
        )


def check_production(config: Mapping[str, Any]) -> None:
    """Refuse to run in production with a setting that would be unsafe or silently wrong."""
    problems = []
    key = config.get("SECRET_KEY") or ""
    if len(key) < 32:
        problems.append(
            f"{ENV_PREFIX}_SECRET_KEY must be set to at least 32 random characters "
            f'(for example: python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    url = config.get("DATABASE_URL") or ""
    if not url or url.startswith("sqlite"):
        problems.append(
            f"{ENV_PREFIX}_DATABASE_URL must name the production database "
            "(postgresql://user:password@host/dbname); the embedded SQLite file is for development."
        )
    if not str(config.get("PUBLIC_URL", "")).startswith("https://"):
        problems.append(
            f"{ENV_PREFIX}_PUBLIC_URL must be the public https:// address of Start Smart; "
            "links in mails and calendar entries point there."
        )
    if config.get("SESSION_COOKIE_DOMAIN"):
        problems.append(
            f"{ENV_PREFIX}_SESSION_COOKIE_DOMAIN must not be set in production: the session "
            f"cookie is a {HOST_PREFIX} cookie, which browsers keep for this host alone."
        )
    if not config.get("MAIL_DEFAULT_SENDER"):
        problems.append(
            f"{ENV_PREFIX}_MAIL_DEFAULT_SENDER must be the KTS mailbox that sends invitations, "
            'for example "Start Smart (KTS) <startsmart@example.org>".'
        )
    roles = config.get("STAFF_SECOND_FACTOR_ROLES")
    if roles is not None and "admin" not in roles:
        problems.append(
            f'{ENV_PREFIX}_STAFF_SECOND_FACTOR_ROLES must include "admin": an admin account '
            "can take over every other, so it signs in with a second factor."
        )
    if problems:
        raise ConfigurationError(
            "Start Smart refuses to start in production:\n- " + "\n- ".join(problems)
        )


def sqlalchemy_url(url: str) -> str:
    """Accept the usual ``postgresql://`` form and pick the psycopg 3 driver for it."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret_key(instance_path: Path) -> str:
    """Generate the key once and keep it, so sessions survive a restart of the dev server."""
    path = instance_path / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    instance_path.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker process won the race; use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
