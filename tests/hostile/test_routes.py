"""The battery reaches every route: each address can be built from the world, and every form
that changes something is found on a page (or is a bare button, listed with the reason)."""

from __future__ import annotations

from hostile.pages import NOT_A_PAGE_FORM, crawl, post_forms, rules, url_of


def test_every_route_can_be_built_from_the_world(app, world):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            assert url_of(app, rule, world).startswith("/")


def test_every_post_route_has_its_form_found_or_is_a_listed_button(app, admin, world):
    found = set(post_forms(app, crawl(app, world, admin)))
    posts = {rule.endpoint for rule in rules(app, "POST")}
    assert posts - found == set(NOT_A_PAGE_FORM), "a form the battery cannot find"
    assert not found - posts
