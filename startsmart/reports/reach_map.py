"""The reach report's map: every Gemeinde of the directory grey, the municipalities reached in
the period coloured (``germany_map`` draws it).

The grey layer changes only with a directory import, so each process keeps it, keyed by a
fingerprint of the coordinates (one aggregate query); ``base_layer`` is the one place that
decides between the kept layer and a fresh one.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup

from startsmart.extensions import db
from startsmart.municipalities.models import Municipality
from startsmart.reports import germany_map
from startsmart.reports.service import GEMEINDE, Report

_kept: dict[tuple[object, ...], germany_map.Layer] = {}
_lock = threading.Lock()

_HAS_PLACE = sa.and_(
    GEMEINDE, Municipality.latitude.is_not(None), Municipality.longitude.is_not(None)
)


def fresh_base_layer() -> germany_map.Layer:
    """The grey layer read from the directory now."""
    rows = db.session.execute(
        sa.select(Municipality.latitude, Municipality.longitude).where(_HAS_PLACE)
    )
    return germany_map.layer((lat, lon) for lat, lon in rows)


def base_layer() -> germany_map.Layer:
    """The grey layer, kept per process while the directory's coordinates stay the same."""
    fingerprint = tuple(
        db.session.execute(
            sa.select(
                sa.func.count(),
                sa.func.max(Municipality.id),
                sa.func.sum(Municipality.latitude),
                sa.func.sum(Municipality.longitude),
            ).where(_HAS_PLACE)
        ).one()
    )
    with _lock:
        found = _kept.get(fingerprint)
    if found is None:
        found = fresh_base_layer()
        with _lock:
            _kept.clear()
            _kept[fingerprint] = found
    return found


def draw(report: Report) -> Markup:
    """The map of ``report``'s municipalities reached; its text names the reach per Land."""
    base, reached = base_layer(), germany_map.layer(report.places)
    per_state = "; ".join(
        _(
            "%(state)s: %(count)s erreicht, %(part)s von %(whole)s Gemeinden",
            state=row.label,
            count=row.count,
            part=row.part or 0,
            whole=row.whole or 0,
        )
        for row in report.by_state.rows
        if row.count
    )
    description = " ".join(
        [
            _(
                "Karte Deutschlands aus den Koordinaten des Gemeindeverzeichnisses: "
                "%(base)s Punkte für die Gemeinden, %(reached)s größere farbige Punkte für "
                "erreichte Kommunen.",
                base=base.dots,
                reached=reached.dots,
            ),
            per_state + "." if per_state else _("Keine Kommune erreicht."),
        ]
    )
    return germany_map.draw(
        base,
        reached,
        _("Karte der erreichten Kommunen"),
        description,
        (_("Gemeinde des Verzeichnisses"), _("erreicht im Zeitraum")),
    )
