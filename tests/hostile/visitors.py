"""Strangers at the public forms: each from a client address of its own."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from support import csrf_token, links_in, path_of, text


def visitor(app: Flask, number: int) -> FlaskClient:
    """A browser at the client address 198.51.100.``number``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number}"
    return client


def confirm_by_mail(app: Flask, message) -> None:
    """The mailbox owner clicks the link in ``message`` and confirms."""
    client = visitor(app, 200)
    link = path_of(next(u for u in links_in(message) if u.endswith("/bestaetigen")))
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 302, text(response)
