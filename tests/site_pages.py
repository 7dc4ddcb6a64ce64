"""Every HTML page of Start Smart, in each state worth checking: what the page crawl visits.

``PAGES`` maps each endpoint that answers GET with an HTML page to the visits that show it:
empty and filled, as each staff role where the page differs, and every form once more in its
error state (submitted empty). ``NOT_PAGES`` lists, with the reason, the GET endpoints that
are no HTML page (calendar files, JSON, CSV, redirects, health checks, static files).

The crawl test matches every page it showed against ``app.url_map`` and fails when a GET
endpoint is in neither table. So a new page means one new line here: a ``PAGES`` entry (the
crawl then checks it) or, for a download or redirect, a ``NOT_PAGES`` entry with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dgs_media import dgs_settings
from site_journeys import (
    ask_before_deactivating,
    ask_for_the_mail_too_often,
    book_a_consultation,
    choose_a_suggestion,
    create_a_calendar_link,
    open_every_date,
    press_run_button,
    register_for_the_exchange,
    sd,
    send_a_stale_form,
    send_too_much,
    set_up_speed_dating,
    sign_in_with_a_second_factor,
    sign_in_with_a_second_factor_and_no_code,
    suggest,
)
from site_seed import Site
from startsmart.staff.models import Role

PUBLIC = None
DGS_VIDEO = tuple(dgs_settings().items())
ADMIN, ADVISOR, TEAM = Role.ADMIN, Role.ADVISOR, Role.EVENT_TEAM


@dataclass(frozen=True)
class Visit:
    """Open ``path`` as ``role`` (None: a member of the public).

    ``submit``: then press the button of that name after emptying the text fields of its form
    (and entering ``fill``: label -> text, option value, or True/False for a checkbox), and check
    the page that comes back shows the error summary. ``steps``: a journey (a function of the
    page and the seeded site) that ends on the page to check, instead of ``path`` alone.
    """

    path: str
    role: Role | None = PUBLIC
    status: int = 200
    submit: str | None = None
    fill: tuple[tuple[str, str | bool], ...] = ()
    empty: bool = False  # on the empty site (a fresh installation) instead of the filled one
    language: str = "de"  # the visitor's chosen language (German unless they switched)
    steps: Callable | None = field(default=None, compare=False)
    label: str = ""
    # App settings in force during the visit (name, value), e.g. the DGS video of the start page;
    # the crawl's media folder holds the files of dgs_media.
    settings: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        what = self.label or (f"errors after '{self.submit}'" if self.submit else "")
        what = "empty site" + (f", {what}" if what else "") if self.empty else what
        what = f"{self.language}" + (f", {what}" if what else "") if self.language != "de" else what
        who = self.role.value if self.role else "public"
        return f"{who} {self.path}" + (f" ({what})" if what else "")


def _date(site: Site, date_id: int | None = None) -> str:
    return f"/staff/termine/{date_id or site.full_date}"


# Every seeded activity lies within these years, whatever the moment of the run.
REPORT_YEARS = "von=2020-01-01&bis=2035-12-31"


# --- the inventory ---------------------------------------------------------------------------

PAGES: dict[str, Callable[[Site], list[Visit]]] = {
    # Public information pages
    "pages.start": lambda s: [
        Visit("/"),
        Visit("/", empty=True),
        Visit("/", settings=DGS_VIDEO, label="DGS video with captions"),
        Visit("/", settings=DGS_VIDEO, language="en", label="DGS video with captions"),
    ],
    "pages.accessibility": lambda s: [
        Visit("/barrierefreiheit"),
        Visit("/barrierefreiheit", language="en"),
    ],
    "pages.privacy": lambda s: [Visit("/datenschutz"), Visit("/datenschutz", language="en")],
    "pages.imprint": lambda s: [Visit("/impressum")],
    "pages.easy_language": lambda s: [
        Visit("/leichte-sprache"),
        Visit("/leichte-sprache", language="en"),
    ],
    # Catalogue and registration
    "catalog.index": lambda s: [
        Visit("/angebote/", empty=True),
        Visit("/angebote/"),
        Visit("/angebote/?format=moderated_exchange&thema=monitoring", label="no result"),
        Visit("/angebote/?seite=2", label="second page"),
        Visit("/angebote/?ort=vor-ort&frei=1", label="on site, free seats"),
        Visit("/angebote/", steps=open_every_date("/angebote/"), label="every date opened"),
    ],
    "catalog.offering": lambda s: [
        Visit(f"/angebote/{slug}", label=fmt) for fmt, slug in sorted(s.offering_slugs.items())
    ],
    "registrations.register": lambda s: [
        Visit(f"/angebote/termine/{s.full_date}/anmeldung", label="booked out: waiting list"),
        Visit(f"/angebote/termine/{s.exchange_date}/anmeldung", label="with a question"),
        Visit(f"/angebote/termine/{s.exchange_date}/anmeldung", submit="Verbindlich anmelden"),
        Visit(
            f"/angebote/termine/{s.exchange_date}/anmeldung",
            steps=suggest("/angebote/termine/{s.exchange_date}/anmeldung", "Ihre Kommune"),
            label="municipality suggestions open",
        ),
        Visit(
            f"/angebote/termine/{s.exchange_date}/anmeldung",
            steps=choose_a_suggestion(
                "/angebote/termine/{s.exchange_date}/anmeldung", "Ihre Kommune"
            ),
            label="municipality chosen",
        ),
        Visit(f"/angebote/termine/{s.conference_date}/anmeldung", label="with speed-dating"),
        Visit(f"/angebote/termine/{s.cancelled_date}/anmeldung", label="date cancelled"),
        Visit(f"/angebote/termine/{s.past_date}/anmeldung", label="date over"),
    ],
    "registrations.received": lambda s: [
        Visit("/anmeldung/erhalten", steps=register_for_the_exchange, label="after registering"),
    ],
    "registrations.manage": lambda s: [
        Visit(f"/anmeldung/{token}", label=status)
        for status, token in sorted(s.registration_tokens.items())
    ],
    "registrations.workshops": lambda s: [
        Visit(f"/anmeldung/{s.conference_token}/workshops"),
        Visit(f"/anmeldung/{s.conference_token}/workshops", language="en"),
    ],
    "registrations.confirm": lambda s: [
        Visit(f"/anmeldung/{s.registration_tokens['pending']}/bestaetigen")
    ],
    "registrations.cancel": lambda s: [
        Visit(f"/anmeldung/{s.registration_tokens['confirmed']}/stornieren")
    ],
    # Consultations
    "consultations.book": lambda s: [
        Visit("/initialberatung/", empty=True),
        Visit("/initialberatung/"),
        Visit("/initialberatung/?kanal=on_site", label="no free slot"),
    ],
    "consultations.booking_form": lambda s: [
        Visit("/initialberatung/buchen"),
        Visit("/initialberatung/buchen", submit="Verbindlich buchen"),
    ],
    "consultations.received": lambda s: [
        Visit("/initialberatung/erhalten", steps=book_a_consultation, label="after booking"),
    ],
    "consultations.manage": lambda s: [
        Visit(f"/beratung/{token}", label=status)
        for status, token in sorted(s.consultation_tokens.items())
    ],
    "consultations.confirm": lambda s: [
        Visit(f"/beratung/{s.consultation_tokens['pending']}/bestaetigen")
    ],
    "consultations.cancel": lambda s: [
        Visit(f"/beratung/{s.consultation_tokens['confirmed']}/absagen")
    ],
    "consultations.reschedule": lambda s: [
        Visit(f"/beratung/{s.consultation_tokens['confirmed']}/verschieben"),
        Visit(
            f"/beratung/{s.consultation_tokens['confirmed']}/verschieben",
            submit="Auf diesen Termin verschieben",
        ),
    ],
    # Regional conferences
    "conferences.index": lambda s: [
        Visit("/regionalkonferenzen/", empty=True),
        Visit("/regionalkonferenzen/"),
    ],
    "conferences.detail": lambda s: [
        Visit(f"/regionalkonferenzen/{s.conference_slug}", label="registration open"),
        Visit("/regionalkonferenzen/regionalkonferenz-nord", label="no registration"),
    ],
    "conferences.programme_page": lambda s: [
        Visit(f"/regionalkonferenzen/{s.conference_slug}/programm", label="parallel sessions"),
        Visit(
            f"/regionalkonferenzen/{s.conference_slug}/programm",
            language="en",
            label="English and German fallbacks",
        ),
        Visit("/regionalkonferenzen/regionalkonferenz-nord/programm", label="no programme yet"),
    ],
    "conferences.documentation": lambda s: [
        Visit(f"/regionalkonferenzen/{s.conference_slug}/dokumentation", label="files and links"),
        Visit(
            f"/regionalkonferenzen/{s.conference_slug}/dokumentation",
            language="en",
            label="English",
        ),
        Visit("/regionalkonferenzen/regionalkonferenz-nord/dokumentation", label="nothing yet"),
    ],
    # Privacy self-service
    "privacy.delete": lambda s: [
        Visit(f"/anmeldung/{s.registration_tokens['confirmed']}/daten-loeschen"),
        Visit(f"/beratung/{s.consultation_tokens['confirmed']}/daten-loeschen"),
    ],
    "privacy.deleted": lambda s: [Visit("/daten-geloescht")],
    # Meine Buchungen
    "my_bookings.ask": lambda s: [
        Visit("/meine-buchungen"),
        Visit("/meine-buchungen", submit="Link anfordern"),
        Visit("/meine-buchungen", language="en"),
    ],
    "my_bookings.sent": lambda s: [Visit("/meine-buchungen/gesendet")],
    "my_bookings.overview": lambda s: [
        Visit(f"/meine-buchungen/{s.my_bookings_token}"),
        Visit(f"/meine-buchungen/{s.my_bookings_token}", language="en"),
        Visit("/meine-buchungen/abgelaufen", status=410, label="410"),
    ],
    # The feedback survey from the mailed link
    "feedback.survey_page": lambda s: [
        Visit(f"/rueckmeldung/{s.feedback_tokens['open']}"),
        Visit(f"/rueckmeldung/{s.feedback_tokens['open']}", submit="Rückmeldung absenden"),
        Visit(f"/rueckmeldung/{s.feedback_tokens['open']}", language="en"),
        Visit(f"/rueckmeldung/{s.feedback_tokens['answered']}", label="answered"),
        Visit(f"/rueckmeldung/{s.feedback_tokens['answered']}", language="en", label="answered"),
        Visit("/rueckmeldung/abgelaufen", status=410, label="410"),
    ],
    "feedback.thanks": lambda s: [
        Visit(f"/rueckmeldung/{s.feedback_tokens['answered']}/danke"),
        Visit(f"/rueckmeldung/{s.feedback_tokens['answered']}/danke", language="en"),
    ],
    # Staff: the survey's results and questions
    "feedback_staff.index": lambda s: [
        Visit("/staff/rueckmeldungen/", TEAM, empty=True),
        Visit("/staff/rueckmeldungen/", TEAM),
        Visit("/staff/rueckmeldungen/", TEAM, language="en"),
        Visit("/staff/rueckmeldungen/", ADVISOR, status=403, label="not the event team"),
    ],
    "feedback_staff.date_results": lambda s: [
        Visit(f"/staff/rueckmeldungen/termine/{s.feedback_date}", TEAM, label="answers"),
        Visit(f"/staff/rueckmeldungen/termine/{s.feedback_date}", TEAM, language="en"),
        Visit(f"/staff/rueckmeldungen/termine/{s.past_date}", TEAM, label="too few answers"),
        Visit(f"/staff/rueckmeldungen/termine/{s.full_date}", TEAM, label="no survey"),
        Visit("/staff/rueckmeldungen/termine/999999", TEAM, status=404, label="unknown"),
    ],
    "feedback_staff.offering_results": lambda s: [
        Visit(f"/staff/rueckmeldungen/angebote/{s.feedback_offering_id}", TEAM),
        Visit(f"/staff/rueckmeldungen/angebote/{s.feedback_offering_id}", TEAM, language="en"),
    ],
    "feedback_staff.consultation_results": lambda s: [
        Visit("/staff/rueckmeldungen/beratungen", TEAM),
    ],
    "feedback_staff.question_list": lambda s: [
        Visit("/staff/rueckmeldungen/fragen", TEAM),
        Visit("/staff/rueckmeldungen/fragen", TEAM, submit="Frage anlegen"),
        Visit("/staff/rueckmeldungen/fragen", TEAM, language="en"),
    ],
    "feedback_staff.question_edit": lambda s: [
        Visit(f"/staff/rueckmeldungen/fragen/{s.feedback_question_id}", TEAM),
        Visit(f"/staff/rueckmeldungen/fragen/{s.feedback_question_id}", TEAM, submit="Speichern"),
    ],
    # Staff: login and accounts
    "staff.login": lambda s: [
        Visit("/staff/login"),
        Visit("/staff/login", submit="Anmelden"),
    ],
    "staff.dashboard": lambda s: [
        Visit("/staff/", ADMIN, empty=True),
        Visit("/staff/", TEAM, empty=True),
        Visit("/staff/", ADMIN),
        Visit("/staff/", ADVISOR),
        Visit("/staff/", TEAM),
    ],
    "staff.accounts": lambda s: [
        Visit("/staff/konten", ADMIN, empty=True),
        Visit("/staff/konten", ADMIN),
        Visit("/staff/konten", ADVISOR, status=403, label="not an admin"),
    ],
    "staff.account_new": lambda s: [
        Visit("/staff/konten/neu", ADMIN),
        Visit("/staff/konten/neu", ADMIN, submit="Konto anlegen"),
    ],
    "staff.account_edit": lambda s: [
        Visit(f"/staff/konten/{s.advisor_id}", ADMIN),
        Visit(
            f"/staff/konten/{s.advisor_id}",
            ADMIN,
            steps=ask_before_deactivating,
            label="asks before deactivating",
        ),
        Visit(
            f"/staff/konten/{s.admin_id}",
            ADMIN,
            submit="Speichern",
            fill=(("Konto ist aktiv (Login möglich)", False),),
            label="may not deactivate oneself",
        ),
    ],
    "staff.password": lambda s: [
        Visit("/staff/passwort", ADVISOR),
        Visit("/staff/passwort", ADVISOR, submit="Passwort speichern"),
    ],
    # Staff: second factor (the crawl's accounts have none; one advisor of the seed has one)
    "staff_second_factor.code": lambda s: [
        Visit("/staff/anmeldung/code", steps=sign_in_with_a_second_factor, label="after password"),
        Visit(
            "/staff/anmeldung/code",
            steps=sign_in_with_a_second_factor_and_no_code,
            label="errors after 'Bestätigen'",
        ),
    ],
    "staff_second_factor.set_up": lambda s: [
        Visit("/staff/zweiter-faktor", ADVISOR),
        Visit("/staff/zweiter-faktor", ADVISOR, submit="Einrichten"),
    ],
    "staff_second_factor.recovery_codes": lambda s: [
        Visit("/staff/zweiter-faktor/wiederherstellungscodes", ADVISOR, label="already shown"),
    ],
    # Staff: offerings and dates
    "catalog_staff.offerings": lambda s: [
        Visit("/staff/angebote", TEAM, empty=True),
        Visit("/staff/angebote", TEAM),
    ],
    "catalog_staff.offering_new": lambda s: [
        Visit("/staff/angebote/neu", TEAM),
        Visit("/staff/angebote/neu", TEAM, submit="Angebot anlegen"),
    ],
    "catalog_staff.offering_edit": lambda s: [
        Visit(f"/staff/angebote/{s.offering_id}", TEAM),
        Visit(f"/staff/angebote/{s.offering_id}", TEAM, submit="Speichern"),
    ],
    "catalog_staff.topics": lambda s: [
        Visit("/staff/themen", TEAM, empty=True),
        Visit("/staff/themen", TEAM),
        Visit("/staff/themen", TEAM, language="en"),
    ],
    "catalog_staff.topic_edit": lambda s: [
        Visit(f"/staff/themen/{s.topic_id}", TEAM),
        Visit(f"/staff/themen/{s.unused_topic_id}", TEAM, label="no offering has it"),
        Visit(f"/staff/themen/{s.topic_id}", TEAM, submit="Speichern"),
    ],
    "catalog_staff.topic_delete": lambda s: [
        Visit(f"/staff/themen/{s.topic_id}/loeschen", TEAM, label="offerings have it"),
        Visit(f"/staff/themen/{s.unused_topic_id}/loeschen", TEAM),
    ],
    "catalog_staff.offering_dates": lambda s: [
        Visit(f"/staff/angebote/{s.offering_id}/termine", TEAM)
    ],
    "catalog_staff.date_new": lambda s: [
        Visit(f"/staff/angebote/{s.offering_id}/termine/neu", TEAM),
        Visit(f"/staff/angebote/{s.offering_id}/termine/neu", TEAM, submit="Termin anlegen"),
    ],
    "catalog_staff.dates": lambda s: [
        Visit("/staff/termine", TEAM, empty=True),
        Visit("/staff/termine", TEAM),
        Visit("/staff/termine?status=pending", TEAM, empty=True, label="unconfirmed"),
        Visit("/staff/termine?status=pending", TEAM, label="unconfirmed"),
    ],
    "registrations_staff.date_page": lambda s: [
        Visit(_date(s), TEAM, label="booked out, waiting list"),
        Visit(_date(s, s.exchange_date), TEAM, label="questions"),
        Visit(_date(s, s.past_date), TEAM, label="over"),
        Visit(_date(s, s.cancelled_date), TEAM, label="cancelled"),
        Visit(_date(s, s.draft_date), TEAM, label="draft"),
        Visit("/staff/termine/999999", TEAM, status=404, label="unknown"),
    ],
    "catalog_staff.date_details": lambda s: [
        Visit(f"{_date(s)}/angaben", TEAM),
        Visit(
            f"{_date(s)}/angaben",
            TEAM,
            submit="Speichern",
            fill=(("Höchstens Personen je Kommune", "0"),),
        ),
    ],
    "catalog_staff.date_place": lambda s: [
        Visit(f"{_date(s)}/zeit-und-ort", TEAM),
        Visit(f"{_date(s)}/zeit-und-ort", TEAM, submit="Speichern"),
    ],
    "catalog_staff.date_capacity": lambda s: [
        Visit(f"{_date(s)}/plaetze", TEAM),
        Visit(f"{_date(s)}/plaetze", TEAM, submit="Speichern"),
    ],
    "catalog_staff.date_cancel": lambda s: [
        Visit(f"{_date(s)}/absagen", TEAM),
        Visit(f"{_date(s)}/absagen", TEAM, submit="Termin verbindlich absagen"),
    ],
    "registrations_staff.add": lambda s: [
        Visit(f"{_date(s)}/anmeldungen/neu", TEAM),
        Visit(f"{_date(s)}/anmeldungen/neu", TEAM, submit="Person anmelden"),
    ],
    "registrations_staff.attendance": lambda s: [
        Visit(f"{_date(s, s.past_date)}/anwesenheit", TEAM),
        Visit(f"{_date(s)}/anwesenheit", TEAM, label="not begun yet"),
    ],
    "registrations_staff.message": lambda s: [
        Visit(f"{_date(s)}/nachricht", TEAM),
        Visit(f"{_date(s)}/nachricht", TEAM, submit="Nachricht senden"),
    ],
    "registrations_detail_staff.detail_page": lambda s: [
        *(Visit(path, TEAM, label=status) for status, path in sorted(s.registration_pages.items())),
        Visit(f"{_date(s)}/anmeldungen/999999", TEAM, status=404, label="unknown"),
    ],
    "registrations_detail_staff.cancel": lambda s: [
        Visit(f"{s.registration_pages['confirmed']}/stornieren", TEAM),
        Visit(
            f"{s.registration_pages['confirmed']}/stornieren",
            TEAM,
            submit="Anmeldung stornieren",
        ),
        Visit(f"{s.registration_pages['cancelled']}/stornieren", TEAM, label="cancelled"),
    ],
    "registrations_detail_staff.email": lambda s: [
        Visit(f"{s.registration_pages['pending']}/e-mail", TEAM),
        Visit(f"{s.registration_pages['pending']}/e-mail", TEAM, submit="Adresse ändern"),
    ],
    # Staff: consultations and consultation hours
    "consultations_staff.index": lambda s: [
        Visit("/staff/beratungen/", ADMIN, empty=True),
        Visit("/staff/beratungen/", ADMIN),
        Visit("/staff/beratungen/", ADVISOR),
    ],
    "consultations_staff.detail": lambda s: [
        *(
            Visit(f"/staff/beratungen/{cid}", ADMIN, label=what)
            for what, cid in sorted(s.consultation_ids.items())
        ),
        Visit(f"/staff/beratungen/{s.consultation_ids['upcoming']}", ADMIN, submit="Übergeben"),
    ],
    "consultations_staff.cancel": lambda s: [
        Visit(f"/staff/beratungen/{s.consultation_ids['upcoming']}/absagen", ADMIN),
        Visit(
            f"/staff/beratungen/{s.consultation_ids['upcoming']}/absagen",
            ADMIN,
            submit="Beratung verbindlich absagen",
        ),
    ],
    "consultations_staff.calendar_feed": lambda s: [
        Visit("/staff/beratungen/kalender-abo", ADVISOR),
        Visit(
            "/staff/beratungen/kalender-abo",
            ADVISOR,
            steps=create_a_calendar_link,
            label="link shown once",
        ),
    ],
    "consultations_staff.room": lambda s: [
        Visit("/staff/beratungen/videoraum", ADVISOR),
        Visit(
            "/staff/beratungen/videoraum",
            ADVISOR,
            submit="Speichern",
            fill=(("Persönlicher Videoraum", "http://video.example.org/raum"),),
        ),
    ],
    "consultations_booking_staff.new": lambda s: [
        Visit("/staff/beratungen/neu", ADVISOR),
        Visit("/staff/beratungen/neu", ADVISOR, submit="Verbindlich buchen"),
    ],
    # With advisors it leads straight to the first one's page; without, it says so.
    "consultations_availability_staff.index": lambda s: [
        Visit("/staff/beratungszeiten/", ADMIN, empty=True, label="no advisors"),
        Visit("/staff/beratungszeiten/", TEAM, label="redirects to the first advisor"),
    ],
    "consultations_availability_staff.page": lambda s: [
        Visit(f"/staff/beratungszeiten/{s.advisor_id}", ADMIN),
        Visit(f"/staff/beratungszeiten/{s.advisor_id}", TEAM, label="read only"),
        Visit(f"/staff/beratungszeiten/{s.advisor_id}", ADMIN, submit="Sprechzeiten hinzufügen"),
        Visit(f"/staff/beratungszeiten/{s.advisor_id}", ADMIN, submit="Abwesenheit eintragen"),
        Visit(f"/staff/beratungszeiten/{s.advisor_id}", ADMIN, submit="Zeitfenster hinzufügen"),
    ],
    # Staff: mail, audit log
    "invitations_staff.index": lambda s: [
        Visit("/staff/postausgang/", TEAM, empty=True),
        Visit("/staff/postausgang/", TEAM),
        Visit("/staff/postausgang/?status=failed", TEAM, label="failed only"),
        Visit("/staff/postausgang/?q=detmold", TEAM, label="searched"),
    ],
    "search_staff.results": lambda s: [
        Visit("/staff/suche/", TEAM, empty=True),
        Visit("/staff/suche/?q=a", TEAM, label="too short"),
        Visit("/staff/suche/?q=beispiel", TEAM, label="people, their registrations, pages"),
        Visit("/staff/suche/?q=koeln", ADVISOR, label="a municipality, as an advisor"),
        Visit("/staff/suche/?q=beispiel&gruppe=anmeldungen&seite=2", ADMIN, label="one group"),
        Visit("/staff/suche/?q=zyxw", TEAM, label="nothing found"),
    ],
    "invitations_staff.message": lambda s: [
        Visit(f"/staff/postausgang/{s.failed_message_id}", TEAM),
    ],
    "audit_staff.index": lambda s: [
        Visit("/staff/protokoll/", ADMIN, empty=True),
        Visit("/staff/protokoll/", ADMIN),
        Visit("/staff/protokoll/?aktion=privacy.purged", ADMIN, label="nothing found"),
    ],
    # Staff: municipalities that public forms invented
    "municipalities_staff.unverified": lambda s: [
        Visit("/staff/kommunen/ungeprueft", TEAM, empty=True),
        Visit("/staff/kommunen/ungeprueft", TEAM),
        Visit("/staff/kommunen/ungeprueft", ADVISOR, status=403, label="not the event team"),
    ],
    "municipalities_staff.detail": lambda s: [
        Visit(f"/staff/kommunen/{s.busy_municipality_id}", TEAM),
        Visit(f"/staff/kommunen/{s.busy_municipality_id}", ADVISOR, label="as an advisor"),
        Visit(f"/staff/kommunen/{s.busy_municipality_id}", TEAM, submit="Notiz speichern"),
        Visit(f"/staff/kommunen/{s.invented_municipality_id}", TEAM, label="unverified"),
        Visit(f"/staff/kommunen/{s.busy_municipality_id}", TEAM, language="en"),
    ],
    "municipalities_projects_staff.index": lambda s: [
        Visit("/staff/modellprojekte/", TEAM, empty=True),
        Visit("/staff/modellprojekte/", TEAM),
        Visit("/staff/modellprojekte/", ADVISOR, status=403, label="not the event team"),
        Visit("/staff/modellprojekte/", TEAM, language="en"),
    ],
    "municipalities_projects_staff.detail": lambda s: [
        Visit(f"/staff/modellprojekte/{s.model_project_id}", TEAM),
        Visit(f"/staff/modellprojekte/{s.model_project_id}?q=Detmold", TEAM, label="found"),
        Visit(f"/staff/modellprojekte/{s.model_project_id}?q=Soest", TEAM, label="a member"),
        Visit(f"/staff/modellprojekte/{s.model_project_id}?q=D", TEAM, label="too short"),
        Visit(f"/staff/modellprojekte/{s.model_project_id}?q=Xyzzy", TEAM, label="none found"),
        Visit(f"/staff/modellprojekte/{s.model_project_id}", TEAM, language="en"),
    ],
    "municipalities_staff.merge": lambda s: [
        Visit(f"/staff/kommunen/{s.invented_municipality_id}/zusammenfuehren", TEAM),
        Visit(
            f"/staff/kommunen/{s.invented_municipality_id}/zusammenfuehren",
            TEAM,
            submit="Zusammenführen",
        ),
        Visit(f"/staff/kommunen/{s.busy_municipality_id}/zusammenfuehren", TEAM, label="verified"),
        Visit(
            f"/staff/kommunen/{s.ambiguous_municipality_id}/zusammenfuehren?q=neuen",
            TEAM,
            label="searched",
        ),
        Visit(
            f"/staff/kommunen/{s.ambiguous_municipality_id}/zusammenfuehren?q=zzz",
            TEAM,
            label="nothing found",
        ),
        Visit(
            f"/staff/kommunen/{s.directory_municipality_id}/zusammenfuehren",
            TEAM,
            label="a directory entry stays",
        ),
    ],
    "municipalities_staff.ambiguous": lambda s: [
        Visit("/staff/kommunen/mehrdeutig", TEAM, empty=True),
        Visit("/staff/kommunen/mehrdeutig", TEAM),
        Visit("/staff/kommunen/mehrdeutig", TEAM, language="en"),
        Visit(
            "/staff/kommunen/mehrdeutig",
            TEAM,
            submit="Diesem Eintrag zuordnen – Neuenkirchen",
        ),
        Visit("/staff/kommunen/mehrdeutig", ADVISOR, status=403, label="not the event team"),
    ],
    # Staff: the reach report and the lists behind its figures
    "reports_staff.index": lambda s: [
        Visit("/staff/bericht/", TEAM, empty=True),
        Visit(f"/staff/bericht/?{REPORT_YEARS}", TEAM),
        Visit(f"/staff/bericht/?{REPORT_YEARS}", ADMIN, language="en"),
        Visit(
            "/staff/bericht/?von=2026-05-01&bis=2026-04-01&land=XX",
            TEAM,
            status=422,
            label="bad filters",
        ),
        Visit("/staff/bericht/", ADVISOR, status=403, label="not the event team"),
    ],
    "reports_staff.listing": lambda s: [
        Visit(f"/staff/bericht/kommunen?auswahl=reached&{REPORT_YEARS}", TEAM),
        Visit(f"/staff/bericht/anmeldungen?auswahl=seats&{REPORT_YEARS}", TEAM),
        Visit(f"/staff/bericht/beratungen?auswahl=booked&{REPORT_YEARS}", TEAM),
        Visit("/staff/bericht/kommunen?auswahl=reached", TEAM, empty=True),
    ],
    # Staff: regional conferences and speed-dating
    "conferences_staff.index": lambda s: [
        Visit("/staff/regionalkonferenzen/", TEAM, empty=True),
        Visit("/staff/regionalkonferenzen/", TEAM),
    ],
    "conferences_staff.new": lambda s: [
        Visit("/staff/regionalkonferenzen/neu", TEAM),
        Visit("/staff/regionalkonferenzen/neu", TEAM, submit="Konferenz anlegen"),
    ],
    "conferences_staff.detail": lambda s: [
        Visit(f"/staff/regionalkonferenzen/{s.conference_id}", TEAM),
        Visit(f"/staff/regionalkonferenzen/{s.bare_conference_id}", TEAM, label="no date"),
    ],
    "conferences_staff.edit": lambda s: [
        Visit(f"/staff/regionalkonferenzen/{s.conference_id}/bearbeiten", TEAM),
        Visit(f"/staff/regionalkonferenzen/{s.conference_id}/bearbeiten", TEAM, submit="Speichern"),
    ],
    "conferences_workshops_staff.session_page": lambda s: [
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/workshops/{s.choice_session_id}",
            TEAM,
        ),
    ],
    "conferences_staff.new_session": lambda s: [
        Visit(f"/staff/regionalkonferenzen/{s.conference_id}/programm/neu", TEAM),
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/programm/neu",
            TEAM,
            submit="Programmpunkt anlegen",
        ),
    ],
    "conferences_staff.edit_session": lambda s: [
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/programm/"
            f"{s.programme_session_id}/bearbeiten",
            TEAM,
        ),
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/programm/"
            f"{s.programme_session_id}/bearbeiten",
            TEAM,
            submit="Speichern",
        ),
    ],
    "conferences_staff.delete_session": lambda s: [
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/programm/"
            f"{s.programme_session_id}/loeschen",
            TEAM,
            label="people hold it",
        ),
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/programm/"
            f"{s.programme_session_id}/loeschen",
            TEAM,
            submit="Verschieben und löschen",
        ),
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/programm/{s.free_session_id}/loeschen",
            TEAM,
        ),
    ],
    "conferences_staff.badge_sheet": lambda s: [
        Visit(f"/staff/regionalkonferenzen/{s.conference_id}/namensschilder", TEAM),
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/namensschilder?seit=2999-01-01",
            TEAM,
            label="a day out of range: all",
        ),
        Visit(
            f"/staff/regionalkonferenzen/{s.bare_conference_id}/namensschilder",
            TEAM,
            label="no registrations",
        ),
    ],
    "conferences_staff.signs": lambda s: [
        Visit(f"/staff/regionalkonferenzen/{s.conference_id}/raumschilder", TEAM),
        Visit(
            f"/staff/regionalkonferenzen/{s.bare_conference_id}/raumschilder",
            TEAM,
            label="no programme",
        ),
    ],
    "conferences_staff.check_in": lambda s: [
        Visit(s.badge_check_in, TEAM),
        Visit(
            s.badge_check_in, TEAM, submit="Kim Beispiel-20 einchecken", label="before the start"
        ),
        Visit(s.replaced_badge_check_in, TEAM, status=410, label="a badge since replaced"),
    ],
    "conferences_staff.reissue_badge": lambda s: [
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/namensschilder/"
            f"{s.badge_registration_id}/ersetzen",
            TEAM,
        ),
    ],
    "conferences_materials_staff.index": lambda s: [
        Visit(f"/staff/regionalkonferenzen/{s.conference_id}/materialien/", TEAM),
        Visit(
            f"/staff/regionalkonferenzen/{s.bare_conference_id}/materialien/",
            TEAM,
            label="nothing yet",
        ),
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/materialien/",
            TEAM,
            submit="Datei veröffentlichen",
        ),
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/materialien/",
            TEAM,
            submit="Link veröffentlichen",
        ),
    ],
    "conferences_materials_staff.edit": lambda s: [
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/materialien/{s.material_id}/bearbeiten",
            TEAM,
        ),
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/materialien/{s.material_id}/bearbeiten",
            TEAM,
            submit="Speichern",
        ),
    ],
    "conferences_materials_staff.delete": lambda s: [
        Visit(
            f"/staff/regionalkonferenzen/{s.conference_id}/materialien/{s.material_id}/loeschen",
            TEAM,
        ),
    ],
    # The presenter screen and the phone view before the start; while running, below.
    "speed_dating_presenter_staff.presenter": lambda s: [
        Visit(f"{sd(s)}/praesentation", TEAM, label="planned, not started"),
    ],
    "speed_dating.enter": lambda s: [
        Visit("/sd"),
        Visit("/sd?code=12", status=422, label="not a code"),
    ],
    "speed_dating.phone": lambda s: [
        Visit(f"/sd/{s.participant_code}", label="planned, not started"),
        Visit("/sd/ABCDEFGH", status=404, label="unknown code"),
    ],
    "speed_dating_staff.index": lambda s: [
        Visit(sd(s), TEAM, label="planned"),
        Visit(sd(s), TEAM, submit="Neu planen"),
        Visit(
            sd(s), TEAM, steps=press_run_button("Speed-Dating starten (Runde 1)"), label="running"
        ),
        Visit(f"{sd(s)}/praesentation", TEAM, label="running"),
        Visit(f"/sd/{s.participant_code}", label="running"),
        Visit(sd(s), TEAM, steps=press_run_button("Anhalten"), label="paused"),
        Visit(sd(s), TEAM, steps=press_run_button("Speed-Dating beenden"), label="finished"),
        Visit(
            f"/staff/regionalkonferenzen/{s.bare_conference_id}/speed-dating",
            TEAM,
            steps=set_up_speed_dating,
            label="set up, no plan yet",
        ),
    ],
    "speed_dating_staff.settings": lambda s: [
        Visit(f"{sd(s)}/einstellungen", TEAM),
        Visit(f"{sd(s)}/einstellungen", TEAM, submit="Speichern"),
        Visit(
            f"/staff/regionalkonferenzen/{s.bare_conference_id}/speed-dating/einstellungen",
            TEAM,
            label="not set up",
        ),
    ],
    "speed_dating_staff.check_in": lambda s: [
        Visit(f"{sd(s)}/check-in", TEAM),
        Visit(f"{sd(s)}/check-in?q=Beispiel-2", TEAM, label="search"),
        Visit(f"{sd(s)}/check-in", TEAM, submit="Aufnehmen (anwesend)"),
        Visit(
            f"{sd(s)}/check-in",
            TEAM,
            steps=suggest(
                "/staff/regionalkonferenzen/{s.conference_id}/speed-dating/check-in", "Kommune"
            ),
            label="municipality suggestions open",
        ),
    ],
    "speed_dating_staff.cards": lambda s: [Visit(f"{sd(s)}/karten", TEAM)],
    "speed_dating_staff.tables": lambda s: [Visit(f"{sd(s)}/tische", TEAM)],
    # The same templates in English: the language switch must leave no German-tagged text behind.
    "in English": lambda s: [
        Visit("/", language="en"),
        Visit(
            f"/angebote/termine/{s.exchange_date}/anmeldung",
            language="en",
            submit="Make a binding registration",
        ),
        Visit("/staff/", ADMIN, language="en"),
        # English where staff wrote it, German marked lang="de" where not (site_seed).
        Visit("/regionalkonferenzen/", language="en"),
        Visit(f"/regionalkonferenzen/{s.conference_slug}", language="en"),
        Visit("/regionalkonferenzen/regionalkonferenz-nord", language="en", label="German only"),
        Visit(f"/angebote/termine/{s.conference_date}/anmeldung", language="en"),
        Visit(f"/angebote/termine/{s.full_date}/anmeldung", language="en"),
        *(
            Visit(f"/anmeldung/{token}", language="en", label=status)
            for status, token in sorted(s.registration_tokens.items())
        ),
        Visit(f"/anmeldung/{s.registration_tokens['confirmed']}/stornieren", language="en"),
        Visit("/angebote/", language="en"),
        *(
            Visit(f"/angebote/{slug}", language="en", label=fmt)
            for fmt, slug in sorted(s.offering_slugs.items())
        ),
        Visit("/initialberatung/buchen", language="en"),
    ],
    # Error pages that are no endpoint of their own: shown on the visits below.
    "error pages": lambda s: [
        Visit("/gibt-es-nicht", status=404, label="404"),
        Visit("/anmeldung/abgelaufener-link", status=410, label="410"),
        Visit(
            f"/angebote/termine/{s.exchange_date}/anmeldung",
            status=413,
            steps=send_too_much,
            label="413",
        ),
        Visit("/anmeldung/erhalten", status=429, steps=ask_for_the_mail_too_often, label="429"),
        Visit("/staff/login", status=400, steps=send_a_stale_form, label="400 CSRF"),
    ],
}

# GET endpoints that serve no HTML page, and why the crawl leaves them out.
NOT_PAGES: dict[str, str] = {
    "static": "CSS, JavaScript and images",
    "pages.media": "the DGS video and its captions (media files of MEDIA_DIR)",
    "health.healthz": "health check for the load balancer (plain text)",
    "health.readyz": "readiness check (plain text)",
    "municipalities.search": "the Kommune field's directory search (JSON)",
    "language.switch": "redirects back to the page it came from, in the other language",
    "catalog.feed": "iCalendar feed (.ics)",
    "catalog.date_ics": "a date as iCalendar file (.ics)",
    "registrations.calendar_file": "the person's invitation as .ics download",
    "registrations.programme_file": "a conference participant's own programme as .ics download",
    "consultations.calendar_file": "the person's consultation as .ics download",
    "consultations.advisor_feed": "an advisor's iCalendar subscription (.ics)",
    "privacy.export": "the person's data as JSON download",
    "conferences_staff.export_csv": "registrations as CSV download",
    "conferences_workshops_staff.export_csv": "a workshop's participants as CSV download",
    "conferences.material_file": "a published PDF file (download)",
    "registrations_staff.export_csv": "registrations as CSV download",
    "reports_staff.export": "a table of the reach report as CSV or XLSX download",
    "speed_dating_staff.plan_csv": "speed-dating plan as CSV download",
    "speed_dating_staff.plan_json": "speed-dating plan as JSON (the presenter screen polls it)",
    "speed_dating.participant_json": "a participant's rounds as JSON (the phone polls it)",
}

NOT_AN_ENDPOINT = {"error pages", "in English"}
