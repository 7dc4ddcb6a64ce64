"""How every form shows what it asks: the required mark beside its label and explained once,
and a drop-down left empty asked to be chosen, not "filled in"."""

from __future__ import annotations

import re

from startsmart.staff.models import Role
from support import login, make_staff, submit, text


def _fields(page: str) -> dict[str, str]:
    """Each field's label block, by the id of its input."""
    return dict(re.findall(r'<div class="field-label"><label for="([^"]+)">(.*?)</div>', page))


def test_the_required_mark_sits_beside_its_label_and_is_explained_once(app, client):
    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada Admin")
    login(client, "admin@kts.example")
    page = text(client.get("/staff/konten/neu"))
    labels = _fields(page)
    mark = '<span class="required" aria-hidden="true">&nbsp;*</span>'
    assert labels["name"].endswith("</label>" + mark)
    assert page.count('class="required-note"') == 1
    assert page.index('class="required-note"') < page.index('<div class="field-label">')
    # the mark stays out of the label: the field's name is its label alone
    assert re.search(r'<label for="name">[^<*]+</label>', page)


def test_an_empty_drop_down_is_asked_to_be_chosen(app, client):
    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada Admin")
    login(client, "admin@kts.example")
    data = {"name": "Nina Neu", "email": "nina@kts.example", "role": "", "password": "x"}
    page = text(submit(client, "/staff/konten/neu", data))
    error = re.search(r'<p class="error" id="role-error">(.*?)</p>', page)
    assert error and error.group(1) == "Bitte wählen Sie einen Eintrag aus der Liste."
    assert 'value="Nina Neu"' in page
