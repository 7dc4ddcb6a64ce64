"""Security headers on every response, and ``no_store`` for pages with personal data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request

F = TypeVar("F", bound=Callable[..., Any])

# No inline script or style anywhere: everything comes from /static, so the policy can be strict.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def no_store(view: F) -> F:
    """Mark a public view whose answer holds personal data (a manage link's page, a calendar
    file with the manage link, the phone view): no browser or proxy may keep a copy. Put it
    under the route decorator; the staff area needs none (``_personal`` covers it)."""
    view.no_store = True  # type: ignore[attr-defined]
    return view


def _personal() -> bool:
    """Whether this answer may hold personal data: the whole staff area (pages, CSV and
    calendar downloads), any page shown to a logged-in staff member (it names them and carries
    their form token; staff.access.load_user notes the session in ``g``), and views marked
    with ``no_store``."""
    blueprint = request.blueprint or ""
    if blueprint == "staff" or blueprint.endswith("_staff"):
        return True
    if "staff_session_started_at" in g and request.endpoint != "static":
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "no_store", False)


def register(app: Flask) -> None:
    production = app.config["ENV"] == "production"

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if _personal():
            # Not "private": a shared computer's browser cache or history must not keep it
            # either (the back button after logout shows the login page, not the list).
            headers["Cache-Control"] = "no-store"
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
