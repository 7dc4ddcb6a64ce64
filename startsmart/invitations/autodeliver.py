"""Mail in the web app: the HTML filter, and (development, tests) delivery right after the
request that queued the mail instead of a worker."""

from __future__ import annotations

from flask import Flask, Response

from startsmart.extensions import db
from startsmart.invitations.compose import linkify_mail
from startsmart.invitations.outbox import QUEUED_FLAG, deliver_due


def register(app: Flask) -> None:
    app.jinja_env.filters["linkify_mail"] = linkify_mail
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
