"""Development and tests: deliver what a request queued right after it, instead of a worker."""

from __future__ import annotations

from flask import Flask, Response

from startsmart.extensions import db
from startsmart.invitations.outbox import QUEUED_FLAG, deliver_due


def register(app: Flask) -> None:
    if app.config["MAIL_DELIVERY"] != "after_commit":
        return

    @app.after_request
    def deliver_queued_mail(response: Response) -> Response:
        # The service committed before the view returned; a rolled-back queue finds no rows.
        if db.session.info.pop(QUEUED_FLAG, False):
            try:
                deliver_due(max_batches=1)
            except Exception:  # the mail stays queued; the page must still be shown
                app.logger.exception("delivering queued mail after the request failed")
                db.session.rollback()
        return response
