"""Turn a mail template and its facts into a finished message, in the recipient's language."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid, parseaddr
from typing import Any

from flask import current_app
from flask_babel import force_locale
from markupsafe import Markup, escape

from startsmart.invitations.addresses import ascii_domain
from startsmart.invitations.ical import CalendarEvent, Method, Person, build_calendar
from startsmart.invitations.imip import CalendarPart, Mailbox, build_message
from startsmart.links import base_url, in_language, links_in_language


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to, and in which language ("de" or "en")."""

    email: str
    name: str
    locale: str = "de"


@dataclass(frozen=True)
class Invitation:
    """The calendar event a message carries, and what the message does with it."""

    method: Method
    event: CalendarEvent


@dataclass(frozen=True)
class Draft:
    """Everything ``compose`` needs: what an outbox intent turns into when it is rendered."""

    template: str
    to: Recipient
    context: Mapping[str, Any]
    invitation: Invitation | None = None


@dataclass(frozen=True)
class Composed:
    subject: str
    message_id: str
    raw: bytes


def organizer() -> Person:
    """The KTS mailbox: sender of every mail and organizer of every calendar event."""
    return _mailbox(current_app.config["MAIL_DEFAULT_SENDER"])


@functools.lru_cache(maxsize=8)
def _mailbox(configured: str) -> Person:
    # Parsed once per setting: every queued mail asks for it (parseaddr is slow).
    name, address = parseaddr(configured)
    return Person(email=address, name=name or "Start Smart")


def new_message_id() -> str:
    """A fresh Message-ID in the sender's domain (punycode: a header is ASCII)."""
    return make_msgid(domain=ascii_domain(organizer().email.rpartition("@")[2]))


def compose(
    template: str,
    to: Recipient,
    context: Mapping[str, Any],
    now: datetime,
    invitation: Invitation | None = None,
    message_id: str | None = None,
) -> Composed:
    """Render ``templates/mail/<template>.txt`` (blocks ``subject`` and ``body``) and
    ``<template>.html`` in the recipient's language and build the MIME message.

    ``now`` is the message's Date (and the calendar's DTSTAMP); ``message_id`` one chosen
    before, or a new one."""
    invitation = _invitation_in_language(invitation, to.locale)
    with force_locale(to.locale):
        values = {**context, "recipient": to, "invitation": invitation}
        subject, text = _render_text(template, values)
        html = _render_html(template, values, subject, text)
    # Renderers mint their links (manage links and the like) before the recipient's language
    # is in force, and templates extend them (".../bestaetigen"): the finished bodies' links
    # to this site open the pages in the reader's language, whatever their cookie says.
    text = links_in_language(text, to.locale)
    html = links_in_language(html, to.locale, in_html=True)
    sender = organizer()
    reply_to = current_app.config.get("MAIL_REPLY_TO")
    message_id = message_id or new_message_id()
    calendar = None
    if invitation is not None:
        data = build_calendar(invitation.method, [invitation.event], now)
        calendar = CalendarPart(
            data=data,
            method=invitation.method.value,
            filename="einladung.ics" if to.locale == "de" else "invite.ics",
        )
    raw = build_message(
        sender=Mailbox(sender.email, sender.name),
        recipient=Mailbox(to.email, to.name),
        reply_to=Mailbox(*reversed(parseaddr(reply_to))) if reply_to else None,
        subject=subject,
        text=text,
        html=html,
        message_id=message_id,
        date=now,
        calendar=calendar,
        language=to.locale,
    )
    return Composed(subject=subject, message_id=message_id, raw=raw)


def _invitation_in_language(invitation: Invitation | None, locale: str) -> Invitation | None:
    if invitation is None or locale != "en":
        return invitation
    event = invitation.event
    event = dataclasses.replace(
        event,
        url=in_language(event.url, locale) if event.url else event.url,
        description=links_in_language(event.description, locale),
    )
    return dataclasses.replace(invitation, event=event)


def _render_text(template: str, values: Mapping[str, Any]) -> tuple[str, str]:
    jinja = current_app.jinja_env.get_template(f"mail/{template}.txt")
    context = dict(values)
    current_app.update_template_context(context)
    rendered = jinja.new_context(context)
    subject = "".join(jinja.blocks["subject"](rendered)).strip()
    body = "".join(jinja.blocks["body"](rendered)).strip() + "\n"
    return subject, body


def _render_html(template: str, values: Mapping[str, Any], subject: str, text: str) -> str:
    """``mail/<template>.html`` if there is one; otherwise the text body as HTML paragraphs, so
    both bodies always say the same and no fact exists in only one of them."""
    context = {
        **values,
        "subject": subject,
        "paragraphs": text.strip().split("\n\n"),
        "links": links_of(values, base_url()),
    }
    current_app.update_template_context(context)
    name = f"mail/{template}.html"
    if name not in current_app.jinja_env.list_templates(filter_func=lambda n: n == name):
        name = "mail/_from_text.html"
    return current_app.jinja_env.get_template(name).render(context)


_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Links:
    """The addresses a mail may make clickable: ours, and those its own facts carry."""

    public_url: str
    given: frozenset[str]

    def clickable_part(self, url: str) -> str:
        """The part of ``url`` that may become a link ("" for none)."""
        base = self.public_url.rstrip("/")
        if url == base or url.startswith(base + "/"):
            return url
        return max((g for g in self.given if url.startswith(g)), key=len, default="")


def links_of(values: Mapping[str, Any], public_url: str) -> Links:
    """Every value under a key or dataclass field ending in ``url`` (a date's join link, a
    manage link), at any depth: the facts the code put there. Names, municipalities and
    messages that somebody typed never become links, whatever they contain, so nobody can make
    the KTS mailbox send a clickable link of theirs."""
    given: set[str] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(v, str(k))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), field.name)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key.endswith("url") and _URL.fullmatch(value):
            given.add(value)

    walk(values)
    return Links(public_url, frozenset(given))


def linkify_mail(paragraph: str, links: Links) -> Markup:
    """Escape a text paragraph for HTML, keep its line breaks, and make the links ``links``
    allows clickable; any other address stays text."""
    parts, last = [], 0
    for match in _URL.finditer(paragraph):
        parts.append(escape(paragraph[last : match.start()]))
        clickable = links.clickable_part(match.group(0))
        if clickable:
            url = escape(clickable)
            parts.append(Markup(f'<a href="{url}" style="color:#004b87;">{url}</a>'))
        parts.append(escape(match.group(0)[len(clickable) :]))
        last = match.end()
    parts.append(escape(paragraph[last:]))
    return Markup("").join(parts).replace("\n", Markup("<br>\n"))
