"""The words of the live screens, in the visitor's language, for the page and its script alike.

The server fills them in for the first state (``screens.fill``), the browser for every
state after (``SpeedLive.fill``); ``{round}`` and the like mark what is filled in. Keeping one
set of phrases for both means the page reads the same with and without JavaScript.
"""

from __future__ import annotations

from flask_babel import gettext as _


def _marks(*names: str) -> dict[str, str]:
    return {name: "{" + name + "}" for name in names}


def presenter_texts() -> dict[str, str]:
    return {
        "phase_waiting": _("Gleich geht es los"),
        "phase_talking": _("Gespräch"),
        "phase_changeover": _("Tischwechsel"),
        "phase_paused": _("Angehalten"),
        "phase_over": _("Die Zeit ist um"),
        "phase_finished": _("Vielen Dank!"),
        "round_of": _("Runde %(round)s von %(rounds)s", **_marks("round", "rounds")),
        "round_next": _("Gleich: Runde %(round)s von %(rounds)s", **_marks("round", "rounds")),
        "rounds_planned": _("Geplante Runden: %(rounds)s", **_marks("rounds")),
        "seating": _("Sitzplan Runde %(round)s", **_marks("round")),
        "seating_next": _("Als Nächstes: Sitzplan Runde %(round)s", **_marks("round")),
        "seating_title": _("Sitzplan"),
        "plan_version": _("Plan-Version %(version)s", **_marks("version")),
        "table": _("Tisch %(table)s", **_marks("table")),
        "host": _("Team"),
        "sitting_out": _("Pause in Runde %(round)s:", **_marks("round")),
        "tables_page": _(
            "Tische %(first)s–%(last)s von %(total)s · Seite %(page)s von %(pages)s, "
            "sie wechseln von selbst",
            **_marks("first", "last", "total", "page", "pages"),
        ),
        "no_seating": _("Kein Sitzplan mehr: Die Runden sind vorbei."),
        "no_plan": _("Noch kein Plan. Bitte erstellen Sie ihn in der Übersicht."),
        "online": "",
        "offline": _("Offline – die Uhr läuft weiter"),
        "signed_out": _("Abgemeldet – bitte in einem anderen Fenster neu anmelden"),
        "busy": _("Der Server ist gerade ausgelastet; die Uhr läuft weiter."),
        "gone": _("Dieses Speed-Dating gibt es nicht mehr."),
        "control_offline": _(
            "Keine Verbindung: Steuern geht erst wieder, wenn das Netz zurück ist."
        ),
        "control_stale": _(
            "Der Ablauf hatte sich gerade geändert. Bitte prüfen und erneut drücken."
        ),
        "control_failed": _("Das hat nicht geklappt. Bitte laden Sie die Seite neu."),
    }


def phone_texts() -> dict[str, str]:
    return {
        "headline_seat": _(
            "Runde %(round)s · Tisch %(table)s · mit %(partners)s",
            **_marks("round", "table", "partners"),
        ),
        "headline_table": _("Runde %(round)s · Tisch %(table)s", **_marks("round", "table")),
        "headline_sitting_out": _("Runde %(round)s · Pause", **_marks("round")),
        "headline_absent": _("Runde %(round)s · diesmal ohne Sie", **_marks("round")),
        "headline_not_in_plan": _("Sie sind noch nicht im Plan"),
        "headline_no_plan": _("Ihr Plan kommt gleich"),
        "headline_over": _("Die letzte Runde ist vorbei"),
        "headline_finished": _("Das Speed-Dating ist beendet"),
        "lead_sitting_out": _(
            "Sie setzen diese Runde aus – das ist so geplant, und Sie sind gleich wieder dabei. "
            "Gönnen Sie sich einen Kaffee."
        ),
        "lead_absent_later": _("Für Sie geht es in Runde %(round)s weiter.", **_marks("round")),
        "lead_absent_none": _(
            "Für die weiteren Runden sind Sie nicht eingeplant. Möchten Sie doch mitmachen? "
            "Sagen Sie bitte am Check-in Bescheid."
        ),
        "lead_not_in_plan": _(
            "Kein Problem: Sagen Sie bitte am Check-in Bescheid, dass Sie da sind. Sobald das "
            "Team neu plant, steht hier Ihr Tisch – Sie müssen nichts neu laden."
        ),
        "lead_no_plan": _(
            "Sobald das Team die Runden geplant hat, sehen Sie hier Ihren Tisch und mit wem Sie "
            "sprechen. Die Seite aktualisiert sich von selbst."
        ),
        "lead_over": _("Vielen Dank fürs Mitmachen!"),
        "lead_finished": _(
            "Vielen Dank fürs Mitmachen! Wer dem Kontaktaustausch zugestimmt hat, erhält die "
            "Kontakte der Gesprächspartner, die ebenfalls zugestimmt haben, per E-Mail."
        ),
        "and": _("%(first)s und %(last)s", **_marks("first", "last")),
        "host": _("jemandem aus dem Team"),
        "status_waiting": _("Geplanter Beginn: %(time)s Uhr", **_marks("time")),
        "status_talking": _("Gespräch: noch"),
        "status_changeover": _("Wechsel: noch"),
        "status_changeover_hint": _("Bitte gehen Sie jetzt an Ihren nächsten Tisch."),
        "status_paused": _("Kurz angehalten bei"),
        "status_over": "",
        "state_past": _("vorbei"),
        "state_now": _("jetzt"),
        "state_next": _("als Nächstes"),
        "state_later": "",
        "state_dropped": _("entfällt"),
        "pause": _("Pause"),
        "team": _("Team"),
        "updated": _("Ihr Plan wurde aktualisiert."),
        "online": "",
        "offline": _(
            "Keine Verbindung – die Uhr läuft weiter. Änderungen sehen Sie, sobald das Netz "
            "zurück ist."
        ),
        "busy": _("Gerade fragen sehr viele an; die Seite versucht es gleich wieder."),
        "gone": _("Diesen Plan gibt es nicht mehr. Bitte wenden Sie sich an das Team."),
        "signed_out": "",
    }
