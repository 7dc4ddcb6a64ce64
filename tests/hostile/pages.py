"""Pages and forms of the app as the battery sees them: every route's address from
``app.url_map``, the forms found on the pages (with what a browser would send), and the errors
and messages an answer shows."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from hostile.world import World
from startsmart.extensions import limiter

# POST routes no page in the world shows a form for, and why: buttons without fields (the CSRF
# battery posts to them all the same). Every other POST route must be reached by a form the
# crawler finds, so a new form cannot slip past the battery.
NOT_A_PAGE_FORM = {
    "staff.keep_alive": "called by idle.js with the page's CSRF token, no form",
    "registrations.resend_link": "shown only right after registering (session outcome)",
    "consultations_staff.send_follow_up": "shown only after the consultation took place",
    "speed_dating_staff.contacts": "shown only after the speed-dating ended",
    "consultations.confirm": "shown only while a booking awaits confirmation (the world's is "
    "booked by staff, so confirmed)",
    "municipalities_projects_staff.add_member": "shown only with the results of a search "
    "(?q=) on a model project's page",
    "staff_second_factor.code": "shown only between the password and the code of a sign-in "
    "with a second factor (tests/staff/test_second_factor.py)",
    "municipalities_staff.pick": "shown only for a typed municipality whose name fits several "
    "directory entries (tests/municipalities_staff/test_one_record.py)",
    "municipalities_staff.keep": "shown only for a typed municipality whose name fits several "
    "directory entries (tests/municipalities_staff/test_one_record.py)",
    "conferences_staff.check_in": "opened by a badge's QR code (its address carries a token no "
    "page links to; tests/conferences_staff/test_badges.py)",
    "conferences_staff.delete_session": "a button shown only for a session nobody holds a place "
    "in or waits for; the world's workshop is chosen (tests/conferences_staff/"
    "test_session_deletion.py)",
    "conferences_staff.reissue_badge": "reached from one person's badge sheet and from the "
    "check-in page a QR code opens, neither of which the battery's world opens "
    "(tests/conferences_staff/test_badge_arrival.py)",
}


# -- routes -------------------------------------------------------------------------------------


def rules(app: Flask, method: str) -> list[Rule]:
    """Every rule that answers ``method``, except static files."""
    return sorted(
        (r for r in app.url_map.iter_rules() if method in r.methods and r.endpoint != "static"),
        key=lambda r: r.rule,
    )


def url_of(app: Flask, rule: Rule, world: World) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, world.url_values(rule))


def endpoint_of(app: Flask, path: str, method: str = "POST") -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(path).path, method=method)
    except Exception:  # noqa: BLE001  (not ours: a redirect, 404 or 405)
        return None
    return endpoint


def is_staff(rule: Rule) -> bool:
    return rule.rule.startswith("/staff")


_QUERY_PARAMETER = re.compile(
    r"request\.(?:args|values)\.get(?:list)?\(\s*\"(\w+)\"|\"(\w+)\" (?:not )?in request\.args"
)
# Read through a helper (``_day("von")``): the pattern above cannot see these.
INDIRECT_PARAMETERS = {"audit_staff.index": ["von", "bis"]}


def query_parameters(app: Flask, endpoint: str) -> list[str]:
    """The query-string parameters the module of ``endpoint``'s view reads."""
    view = inspect.unwrap(app.view_functions[endpoint])
    source = Path(inspect.getfile(view)).read_text(encoding="utf-8")
    found = {a or b for a, b in _QUERY_PARAMETER.findall(source)}
    return sorted(found | set(INDIRECT_PARAMETERS.get(endpoint, [])))


def client_for(app: Flask, admin: FlaskClient, endpoint: str) -> FlaskClient:
    """The admin for staff forms; a visitor of their own for public ones (and the login)."""
    staff = endpoint.split(".")[0] not in PUBLIC_BLUEPRINTS and endpoint != "staff.login"
    return admin if staff else app.test_client()


PUBLIC_BLUEPRINTS = {
    "pages",
    "privacy",
    "language",
    "catalog",
    "registrations",
    "consultations",
    "conferences",
    "my_bookings",
    "speed_dating",
}


# -- forms on pages -----------------------------------------------------------------------------

TEXT_TYPES = {"text", "email", "tel", "url", "search", "password", ""}


@dataclass
class Field:
    name: str
    kind: str  # "textarea", "select", or an input's type
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    id: str = ""
    maxlength: int | None = None  # the limit the page announces

    @property
    def is_text(self) -> bool:
        return self.kind == "textarea" or self.kind in TEXT_TYPES


@dataclass
class Form:
    page: str  # where the form was found
    action: str
    fields: list[Field]

    def data(self, **changes: str) -> dict[str, str | list[str]]:
        """What a browser sends when nothing is changed, with ``changes`` applied."""
        values: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in ("checkbox", "radio") and not f.checked:
                continue
            if f.kind in ("submit", "button", "reset"):
                continue
            values.setdefault(f.name, []).append(f.value)
        for name, value in changes.items():
            values[name] = [value]
        return {k: v if len(v) > 1 else v[0] for k, v in values.items()}

    def text_fields(self) -> list[Field]:
        """Fields a person types into (the honeypot excluded: bots only)."""
        return [f for f in self.fields if f.is_text and f.name not in ("website", "csrf_token")]


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(self.page, a.get("action") or self.page, [])
            self.forms.append(self._form)
        if self._form is None or "name" not in a and tag in ("input", "textarea", "select"):
            return
        limit = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input":
            kind = a.get("type", "text").lower()
            self._form.fields.append(
                Field(
                    a["name"],
                    kind,
                    a.get("value", ""),
                    "checked" in a,
                    id=a.get("id", ""),
                    maxlength=limit,
                )
            )
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", id=a.get("id", ""), maxlength=limit)
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select", id=a.get("id", ""))
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = a.get("value", "")
            self._select.options.append(self._option)
            if "selected" in a or len(self._select.options) == 1:
                self._select.value = self._option

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None:  # HTML drops one newline right after <textarea>
                value = self._textarea.value
                self._textarea.value = value[2:] if value.startswith("\r\n") else value
                if value.startswith("\n"):
                    self._textarea.value = value[1:]
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_on(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


def crawl(app: Flask, world: World, admin: FlaskClient, near: str | None = None) -> list[Form]:
    """Every POST form on every GET page of the world: public pages as a visitor sees them
    (the login form among them), staff pages as an admin. With ``near`` (a POST endpoint) only
    the pages whose address starts its address: where that form is."""
    visitor = app.test_client()
    target = None
    if near is not None:
        target = url_of(app, next(app.url_map.iter_rules(near)), world) + "/"
    found: list[Form] = []
    for rule in rules(app, "GET"):
        if rule.endpoint in ("health.healthz", "health.readyz", "language.switch"):
            continue
        page = url_of(app, rule, world)
        if target is not None and not target.startswith(page.rstrip("/") + "/"):
            continue
        client = admin if is_staff(rule) and rule.endpoint != "staff.login" else visitor
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        found.extend(forms_on(page, response.get_data(as_text=True)))
    return found


def post_forms(app: Flask, forms: Iterable[Form]) -> dict[str, Form]:
    """One form per POST endpoint (the first found)."""
    chosen: dict[str, Form] = {}
    for form in forms:
        endpoint = endpoint_of(app, form.action)
        if endpoint:
            chosen.setdefault(endpoint, form)
    return chosen


def typing_forms(app: Flask, forms: Iterable[Form]) -> dict[tuple[str, tuple[str, ...]], Form]:
    """Every distinct form with fields to type into, by endpoint and field names (the
    registration form of an exchange asks one question more than the others)."""
    chosen: dict[tuple[str, tuple[str, ...]], Form] = {}
    for form in forms:
        endpoint = endpoint_of(app, form.action)
        names = tuple(f.name for f in form.text_fields())
        if endpoint and names:
            chosen.setdefault((endpoint, names), form)
    return chosen


def same_form(form: Form, html: str) -> Form | None:
    """The form on a page answered with: the one sent to the same address."""
    return next((f for f in forms_on(form.page, html) if f.action == form.action), None)


def fresh_form(client: FlaskClient, form: Form, gone_ok: bool = False) -> Form | None:
    """The same form, loaded again (a new CSRF token, today's defaults); None if the page no
    longer shows it and ``gone_ok`` (a step that was taken cannot be taken again)."""
    html = client.get(form.page).get_data(as_text=True)
    for candidate in forms_on(form.page, html):
        if candidate.action == form.action and [f.name for f in candidate.fields] == [
            f.name for f in form.fields
        ]:
            return candidate
    if gone_ok:
        return None
    raise AssertionError(f"the form for {form.action} is gone from {form.page}")


def send(client: FlaskClient, form: Form, **changes: str) -> TestResponse:
    limiter.reset()  # the battery posts more often than any person would
    return client.post(form.action, data=form.data(**changes))


# -- reading answers ----------------------------------------------------------------------------


class _ErrorParser(HTMLParser):
    """Field errors (``<p class="error" id="<field>-error">``) and the error summary's items."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.errors: dict[str, str] = {}
        self.summary: list[str] = []
        self._current: str | None = None
        self._in_summary = 0
        self._item: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if (
            tag == "p"
            and "error" in a.get("class", "").split()
            and a.get("id", "").endswith("-error")
        ):
            self._current = a["id"][: -len("-error")]
            self.errors[self._current] = ""
        if tag == "div" and "error-summary" in a.get("class", ""):
            self._in_summary = 1
        elif tag == "div" and self._in_summary:
            self._in_summary += 1
        if tag == "li" and self._in_summary:
            self._item = []

    def handle_data(self, data):
        if self._current is not None:
            self.errors[self._current] += data
        if self._item is not None:
            self._item.append(data)

    def handle_endtag(self, tag):
        if tag == "p":
            self._current = None
        if tag == "li" and self._item is not None:
            self.summary.append("".join(self._item).strip())
            self._item = None
        if tag == "div" and self._in_summary:
            self._in_summary -= 1


def field_errors(html: str) -> dict[str, str]:
    parser = _ErrorParser()
    parser.feed(html)
    return parser.errors


def flashes(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', html, re.S)
    ]
