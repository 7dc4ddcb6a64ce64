"""Absolute links (pages, mails, calendar UIDs) use PUBLIC_URL; in development, where it is
unset, the address the browser used, so that a server on another port links to itself."""

from __future__ import annotations

import re

import pytest

from startsmart.links import base_url, instance_domain, public_url
from support import make_date, registration_form, submit

DEV = "http://localhost:5001"


@pytest.fixture
def unset_public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", None)


def test_the_configured_address_wins_everywhere(app, client):
    page = client.get("/angebote/", base_url=DEV).text
    assert "webcal://startsmart.test/angebote/start-smart.ics" in page
    with app.test_request_context("/", base_url=DEV):
        assert public_url("catalog.feed") == "https://startsmart.test/angebote/start-smart.ics"


@pytest.mark.usefixtures("unset_public_url")
def test_unset_the_subscribe_link_follows_the_browsers_address(client):
    page = client.get("/angebote/", base_url=DEV).text
    assert "webcal://localhost:5001/angebote/start-smart.ics" in page


@pytest.mark.usefixtures("unset_public_url")
def test_unset_mails_link_to_the_browsers_address_and_uids_carry_its_host(app, client, smtp):
    date_id = make_date(app)
    page = f"/angebote/termine/{date_id}/anmeldung"
    response = submit(client, page, registration_form(), base_url=DEV)
    assert response.status_code == 302
    [mail] = smtp.to("kim@flensburg.de")
    body = mail.get_body(("plain",)).get_content()
    links = re.findall(r"https?://\S+", body)
    assert any(link.startswith(f"{DEV}/anmeldung/") for link in links), links
    assert not any("127.0.0.1:5000" in link for link in links)
    with app.test_request_context("/", base_url=DEV):
        assert instance_domain() == "localhost"


@pytest.mark.usefixtures("unset_public_url")
def test_unset_and_outside_a_request_the_development_server(app):
    with app.app_context():
        assert base_url() == "http://127.0.0.1:5000"
        assert instance_domain() == "127.0.0.1"
