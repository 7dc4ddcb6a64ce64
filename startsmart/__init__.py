"""Start Smart: the booking and event service of the KTS Modellprojekte Smart Cities."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

# Flask and the extensions are imported inside the functions below, so that the pure cores
# (iCalendar builder, slot calculator, rotation planner) import without them.
PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI, error pages, headers."""
    from flask import Flask

    from startsmart import config as configuration

    instance_path = _instance_path(config)
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        instance_relative_config=True,
        template_folder=str(_resource_dir("templates")),
    )
    configuration.load(app.config, instance_path, config)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_web_layer(app)
    return app


def _instance_path(config: Mapping[str, Any] | None) -> Path:
    """Explicit, so an installed package does not put the instance folder into the venv."""
    configured = (config or {}).get("INSTANCE_PATH") or os.environ.get("STARTSMART_INSTANCE_PATH")
    path = Path(configured) if configured else Path.cwd() / "instance"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def _resource_dir(name: str) -> Path:
    """Templates and migrations live at the top of the checkout; a wheel carries them inside."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def register_extensions(app: Flask) -> None:
    from startsmart import i18n
    from startsmart.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from startsmart.staff.access import init_login_manager

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_resource_dir("migrations")), render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_login_manager()
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(PACKAGE_DIR / "translations"),
    )
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    from startsmart import input_guard
    from startsmart.audit.views import bp as audit_staff
    from startsmart.catalog.staff_views import bp as catalog_staff
    from startsmart.catalog.views import bp as catalog
    from startsmart.conferences.material_staff_views import bp as conferences_materials_staff
    from startsmart.conferences.staff_views import bp as conferences_staff
    from startsmart.conferences.views import bp as conferences
    from startsmart.conferences.workshop_views import bp as conferences_workshops_staff
    from startsmart.consultations.availability_views import bp as consultations_availability_staff
    from startsmart.consultations.staff_booking_views import bp as consultations_booking_staff
    from startsmart.consultations.staff_views import bp as consultations_staff
    from startsmart.consultations.views import bp as consultations
    from startsmart.feedback.staff_views import bp as feedback_staff
    from startsmart.feedback.views import bp as feedback
    from startsmart.i18n import bp as language
    from startsmart.invitations.views import bp as invitations_staff
    from startsmart.municipalities.project_staff_views import (
        bp as municipalities_projects_staff,
    )
    from startsmart.municipalities.staff_views import bp as municipalities_staff
    from startsmart.municipalities.views import bp as municipalities
    from startsmart.my_bookings.views import bp as my_bookings
    from startsmart.pages.views import bp as pages
    from startsmart.privacy.views import bp as privacy
    from startsmart.registrations.staff_detail_views import bp as registrations_detail_staff
    from startsmart.registrations.staff_views import bp as registrations_staff
    from startsmart.registrations.views import bp as registrations
    from startsmart.reports.staff_views import bp as reports_staff
    from startsmart.search.staff_views import bp as search_staff
    from startsmart.speed_dating.presenter_views import bp as speed_dating_presenter_staff
    from startsmart.speed_dating.public_views import bp as speed_dating
    from startsmart.speed_dating.staff_views import bp as speed_dating_staff
    from startsmart.staff.second_factor_views import bp as staff_second_factor
    from startsmart.staff.views import bp as staff

    input_guard.install_converters(app)
    for blueprint in (
        audit_staff,
        pages,
        privacy,
        language,
        catalog,
        registrations,
        consultations,
        conferences,
        my_bookings,
        municipalities,
        speed_dating,
        staff,
        staff_second_factor,
        invitations_staff,
        consultations_staff,
        consultations_booking_staff,
        consultations_availability_staff,
        catalog_staff,
        registrations_staff,
        registrations_detail_staff,
        conferences_staff,
        conferences_workshops_staff,
        conferences_materials_staff,
        speed_dating_staff,
        speed_dating_presenter_staff,
        search_staff,
        municipalities_staff,
        municipalities_projects_staff,
        feedback,
        feedback_staff,
        reports_staff,
    ):
        app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    from startsmart.conferences.cli import conferences_cli
    from startsmart.consultations.cli import consultations_cli
    from startsmart.demo.cli import demo_cli
    from startsmart.feedback.cli import feedback_cli
    from startsmart.inbox.cli import mail_cli
    from startsmart.invitations.cli import outbox_cli
    from startsmart.municipalities.cli import municipalities_cli
    from startsmart.privacy.cli import privacy_cli
    from startsmart.registrations.cli import registrations_cli
    from startsmart.reminders import reminders_cli
    from startsmart.staff.cli import staff_cli
    from startsmart.translate_cli import translate_cli

    for group in (
        staff_cli,
        demo_cli,
        municipalities_cli,
        outbox_cli,
        mail_cli,
        reminders_cli,
        feedback_cli,
        registrations_cli,
        consultations_cli,
        conferences_cli,
        privacy_cli,
        translate_cli,
    ):
        app.cli.add_command(group)


def register_web_layer(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    import startsmart.models  # noqa: F401  (complete metadata before the first query)
    from startsmart import (
        error_pages,
        health,
        i18n,
        input_guard,
        links,
        render_translations,
        request_log,
        security,
    )
    from startsmart.invitations import autodeliver
    from startsmart.municipalities.gemeindeverzeichnis import ATTRIBUTION
    from startsmart.municipalities.service import pending_change

    error_pages.register(app)
    security.register(app)
    input_guard.register(app)
    i18n.register_template_helpers(app)
    render_translations.register(app)
    links.register(app)
    # Staff pages mark what a public form typed that waits for the mailbox owner's confirmation.
    app.jinja_env.globals["pending_change"] = pending_change
    # The licence of the municipality directory asks for it wherever its names are shown.
    app.jinja_env.globals["directory_attribution"] = ATTRIBUTION
    autodeliver.register(app)
    health.register(app)
    request_log.register(app)
    input_guard.install_body_limit(app)
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:  # trust exactly as many X-Forwarded-* hops as there are proxies
        # Flask's documented way to wrap its WSGI app in middleware.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
