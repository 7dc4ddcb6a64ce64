"""The slot picker in Chromium: a list per day on a phone and at 200 % zoom, columns on a wide
screen, nothing scrolling sideways, the week navigation reachable; screenshots at 375 and
1280 px as files (into $STARTSMART_SCREENSHOTS, else a folder under pytest's tmp)."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect

from consultation_support import make_advisor
from moments import working_day
from site_crawl import REFLOW
from startsmart.clock import BERLIN, berlin_to_utc

pytestmark = [pytest.mark.browser, pytest.mark.time_sensitive]

# Chromium at 200 % zoom on a 1280 px window lays the page out at 640 CSS px with two device
# pixels per CSS pixel: that is what the zoomed context emulates.
PHONE = {"viewport": {"width": 320, "height": 640}}
ZOOMED = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}
WIDE = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def week_url(app) -> str:
    make_advisor(app, "berta@kts.example", channels="video,phone")
    make_advisor(
        app,
        "paul@kts.example",
        name="Paul Telefon",
        hours=[(day, "14:00", "16:00") for day in range(5)],
        channels="phone",
    )
    return f"/initialberatung/?ab={working_day(7).astimezone(BERLIN).date().isoformat()}"


@pytest.fixture
def open_at(browser, live_server):
    contexts = []

    def open_page(url: str, size: dict):
        context = browser.new_context(base_url=live_server, locale="de-DE", **size)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()


def day_boxes(page) -> list[dict]:
    return [day.bounding_box() for day in page.locator(".week-day").all()]


@pytest.mark.parametrize("size", [PHONE, ZOOMED], ids=["320px", "200%"])
def test_a_list_per_day_nothing_scrolls_sideways_and_the_weeks_are_reachable(
    week_url, open_at, size
):
    page = open_at(week_url, size)
    width = size["viewport"]["width"]
    reflow = page.evaluate(REFLOW)
    assert reflow == {"overflow": 0, "boxes": []}
    first, second = day_boxes(page)[:2]
    assert second["y"] >= first["y"] + first["height"]  # one day below the other
    for name in ("← vorherige Woche", "nächste Woche →", "Diesen Termin buchen", "Telefon"):
        link = page.get_by_role("link", name=name, exact=True)
        box = link.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= width, name
        assert box["height"] >= 24, name  # a target one can hit (WCAG 2.5.8)
    page.get_by_role("link", name="nächste Woche →").click()
    expect(page).to_have_title(re.compile("Woche vom"))
    assert page.evaluate(REFLOW)["overflow"] == 0


def test_days_are_columns_on_a_wide_screen_and_a_time_opens_the_form(week_url, open_at):
    page = open_at(week_url, WIDE)
    boxes = day_boxes(page)
    assert len(boxes) == 5 and len({round(box["y"]) for box in boxes}) == 1  # side by side
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[4]["x"]
    monday = page.locator(".week-day").first
    day = monday.get_attribute("aria-labelledby").removeprefix("day-")
    monday.get_by_role("link", name="14:00").click()
    two = berlin_to_utc(date.fromisoformat(day), time(14))
    expect(page.get_by_label("Termin", exact=True)).to_have_value(two.isoformat())
    expect(page.get_by_label("Wie möchten Sie sprechen?")).to_have_value("phone")


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_the_slot_picker(week_url, open_at, screenshots, width):
    page = open_at(week_url, {"viewport": {"width": width, "height": 800}})
    path = screenshots / f"slot-picker-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
