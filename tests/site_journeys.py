"""Journeys for the page crawl: the pages a person only reaches by doing something (registering,
booking, pressing a button too often, running the speed-dating), as functions of a browser tab
and the seeded site that end on the page to check."""

from __future__ import annotations

from collections.abc import Callable

from site_seed import SECOND_FACTOR_LOGIN, Site


def sd(site: Site) -> str:
    """Where the staff pages of the seeded conference's speed-dating start."""
    return f"/staff/regionalkonferenzen/{site.conference_id}/speed-dating"


def register_for_the_exchange(page, site: Site) -> None:
    page.goto(f"/angebote/termine/{site.exchange_date}/anmeldung")
    page.get_by_label("Ihr Name").fill("Rita Rundgang")
    page.get_by_label("E-Mail-Adresse").fill("rita@prenzlau.de")
    page.get_by_label("Ihre Kommune").fill("Prenzlau")
    page.get_by_label("Bundesland").select_option("BB")
    page.get_by_label("Art der Kommune").select_option("town")
    page.get_by_label("Ihre Frage für den Austausch").fill("Wie gewinnen wir den Rat?")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen.").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    page.wait_for_url("**/anmeldung/erhalten")


def sign_in_with_a_second_factor(page, site: Site) -> None:
    """The right password of an account with an authenticator app: the page asks for the code."""
    email, password = SECOND_FACTOR_LOGIN
    page.goto("/staff/login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/staff/anmeldung/code")


def sign_in_with_a_second_factor_and_no_code(page, site: Site) -> None:
    sign_in_with_a_second_factor(page, site)
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_load_state()


def ask_for_the_mail_too_often(page, site: Site) -> None:
    """The resend button allows three mails an hour; the fourth press gets the 429 page."""
    register_for_the_exchange(page, site)
    for _ in range(4):
        page.get_by_role("button", name="E-Mail noch einmal senden").click()
        page.wait_for_load_state()


def book_a_consultation(page, site: Site) -> None:
    page.goto("/initialberatung/")
    for _ in range(3):  # the current week may have no free slot left
        slots = page.locator(".slot-list a")
        if slots.count():
            break
        page.get_by_role("link", name="nächste Woche →").click()
    slots.first.click()
    page.get_by_label("Ihre Kommune").fill("Bad Sooden-Allendorf")
    page.get_by_label("Bundesland").select_option("HE")
    page.get_by_label("Art der Kommune").select_option("town")
    page.get_by_label("Ihr Name").fill("Bernd Buchung")
    page.get_by_label("E-Mail-Adresse").fill("bernd@bad-sooden-allendorf.de")
    page.get_by_label("Einwohnerzahl (ungefähr)").select_option("5k_20k")
    page.get_by_label("Ausgangslage").fill("Wir fangen gerade erst an.")
    page.get_by_label("Ziele und Fragen").fill("Womit beginnen?")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen.").check()
    page.get_by_role("button", name="Verbindlich buchen").click()
    page.wait_for_url("**/initialberatung/erhalten")


def send_too_much(page, site: Site) -> None:
    """A form body over the 1 MB limit gets the 413 page."""
    page.goto(f"/angebote/termine/{site.exchange_date}/anmeldung")
    page.get_by_label("Ihre Frage für den Austausch").evaluate(
        "field => { field.value = 'x'.repeat(1_200_000); }"
    )
    page.get_by_role("button", name="Verbindlich anmelden").click()
    page.wait_for_load_state()


def send_a_stale_form(page, site: Site) -> None:
    """A form whose CSRF token is gone (open too long, tampered with) gets the 400 page."""
    page.goto("/staff/login")
    page.locator("input[name=csrf_token]").evaluate("field => { field.value = 'abgelaufen'; }")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def create_a_calendar_link(page, site: Site) -> None:
    page.goto("/staff/beratungen/kalender-abo")
    page.get_by_role("button", name="Link erzeugen").click()
    page.wait_for_load_state()


def suggest(path: str, label: str, typed: str = "De") -> Callable:
    """Type into a municipality field until the directory search's suggestions are open, one
    highlighted (the search answers from two letters on)."""

    def type_ahead(page, site: Site) -> None:
        page.goto(path.format(s=site))
        page.get_by_label(label, exact=True).press_sequentially(typed)
        page.get_by_label(label, exact=True).press("ArrowDown")
        page.get_by_role("listbox").wait_for()

    return type_ahead


def choose_a_suggestion(path: str, label: str, typed: str = "De") -> Callable:
    """Choose a municipality from the suggestions: Land, kind and size give way to their
    summary with its button to change them."""

    def choose(page, site: Site) -> None:
        suggest(path, label, typed)(page, site)
        page.get_by_label(label, exact=True).press("Enter")
        page.locator(".municipality-summary").wait_for()

    return choose


def press_run_button(button: str) -> Callable:
    def press(page, site: Site) -> None:
        page.goto(sd(site))
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()

    return press


def set_up_speed_dating(page, site: Site) -> None:
    page.goto(f"/staff/regionalkonferenzen/{site.bare_conference_id}/speed-dating/einstellungen")
    page.get_by_role("button", name="Speichern", exact=True).click()
    page.wait_for_url("**/speed-dating")


def ask_before_deactivating(page, site: Site) -> None:
    """An admin unticks "aktiv" of the advisor's account: the page asks before it ends anything."""
    page.goto(f"/staff/konten/{site.advisor_id}")
    page.get_by_label("Konto ist aktiv (Login möglich)").uncheck()
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("button", name="Ja, Konto deaktivieren").wait_for()


def open_every_date(path: str) -> Callable:
    """Open every date row of a catalogue list, so its details (links, button) are checked too."""

    def open_rows(page, site: Site) -> None:
        page.goto(path)
        for summary in page.locator(".date-row > summary").all():
            summary.click()
        page.locator(".date-row[open] .date-actions").last.wait_for()

    return open_rows
