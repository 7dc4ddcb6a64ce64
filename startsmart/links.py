"""Absolute links for pages, mails and calendar entries, with or without a request."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request

from startsmart.invitations.addresses import ascii_domain

# Where `flask run` listens unless told otherwise: links made outside a request (a CLI
# command, a worker) in development without STARTSMART_PUBLIC_URL point here.
DEVELOPMENT_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """The configured ``PUBLIC_URL``. Unset (development only: production refuses to start
    without it), the address the browser used, so that a server started on another port or
    host links to itself; outside a request the development server's default."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEVELOPMENT_URL


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint``: the same in a request, a worker or a test."""
    adapter = current_app.url_map.bind("startsmart.invalid")
    return base_url() + adapter.build(endpoint, values)


def instance_domain() -> str:
    """This instance's host name (punycode), the right-hand part of its calendar UIDs."""
    return ascii_domain(urlsplit(base_url()).hostname or "startsmart")


def register(app: Flask) -> None:
    app.jinja_env.globals["public_url"] = public_url
