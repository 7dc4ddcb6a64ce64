"""A conference registrant found by the search leads to the conference's registration list and
to their row at the speed-dating check-in."""

from __future__ import annotations

from speed_dating_support import EVENT_TEAM, make_event
from support import login, text


def test_a_registrant_of_a_conference_links_to_the_check_in(app, client):
    event = make_event(app)
    wanted = event.register("Sören Kühn", "Kiel")
    event.register("Anna Berg", "Husum", speed=False)
    login(client, EVENT_TEAM)

    html = text(client.get("/staff/suche/?q=soeren+kuehn"))
    assert "<strong>Sören Kühn</strong>" in html
    assert f'href="/staff/termine/{event.date_id}#anmeldung-{wanted}"' in html
    check_in = f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating/check-in"
    assert f'href="{check_in}#r{wanted}"' in html
    assert f'id="r{wanted}"' in text(client.get(check_in))

    # Without the speed-dating opt-in there is no check-in row to point at.
    html = text(client.get("/staff/suche/?q=anna+berg"))
    assert "<strong>Anna Berg</strong>" in html and "check-in#" not in html
