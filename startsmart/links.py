"""Absolute links for pages, mails and calendar entries, with or without a request."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
    """The absolute address of ``endpoint``: the same in a request, a worker or a test. (A
    mail's links get the reader's language when it is composed: ``links_in_language``.)"""
    adapter = current_app.url_map.bind("startsmart.invalid")
    return base_url() + adapter.build(endpoint, values)


def in_language(url: str, locale: str) -> str:
    """``url`` to open in ``locale``: a page of this site for an English reader gets
    ``lang=en`` (``i18n.select_locale`` honours it for that request, whatever the reader's
    browser remembers); German, the default, and other sites' links stay as they are."""
    if locale != "en" or not url.startswith(base_url() + "/"):
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", locale)])))


def links_in_language(text: str, locale: str, in_html: bool = False) -> str:
    """Every link to this site in ``text`` (a mail's body, a calendar entry's description)
    made to open in ``locale`` (``in_language``); ``in_html``: the text is HTML, its links
    escaped."""
    if locale != "en":
        return text
    pattern = re.escape(base_url()) + r'/[^\s<>"]*[^\s<>".,;:!?)]'

    def replace(match: re.Match[str]) -> str:
        if not in_html:
            return in_language(match.group(0), locale)
        return html.escape(in_language(html.unescape(match.group(0)), locale))

    return re.sub(pattern, replace, text)


def instance_domain() -> str:
    """This instance's host name (punycode), the right-hand part of its calendar UIDs."""
    return ascii_domain(urlsplit(base_url()).hostname or "startsmart")


def register(app: Flask) -> None:
    app.jinja_env.globals["public_url"] = public_url
