"""Absolute links for mails and calendar entries, built without a request (workers, CLI)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app


def public_url(endpoint: str, **values: Any) -> str:
    """``PUBLIC_URL`` plus the path of ``endpoint``: the same in a request, a worker or a test."""
    adapter = current_app.url_map.bind("startsmart.invalid")
    return current_app.config["PUBLIC_URL"].rstrip("/") + adapter.build(endpoint, values)


def register(app: Flask) -> None:
    app.jinja_env.globals["public_url"] = public_url
