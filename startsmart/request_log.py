"""One JSON line per request: request id, route, status, duration — and no personal data.

The route is the URL rule (``/anmeldung/<token>``), never the path, so tokens, e-mail addresses
in query strings and the like never reach a log file. Client addresses are not logged either.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, request

logger = logging.getLogger("startsmart.requests")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def register(app: Flask) -> None:
    if app.config["REQUEST_LOG"] and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()
        # A proxy's id is kept (to follow one request through every layer) if it looks sane.
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def log_request(response: Response) -> Response:
        started = g.pop("request_started", None)
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        if started is not None and app.config["REQUEST_LOG"]:
            logger.info(
                json.dumps(
                    {
                        "request_id": request_id,
                        "method": request.method,
                        "route": request.url_rule.rule if request.url_rule else None,
                        "endpoint": request.endpoint,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                )
            )
        return response
