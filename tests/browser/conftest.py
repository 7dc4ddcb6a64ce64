"""Chromium (Debian's package, driven by Playwright) against the app served on loopback."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from environment import chromium_path, require
from startsmart import clock
from startsmart.demo.service import load_demo

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _read_whole(file, buffer_size: int = 8192) -> list[bytes]:
    with file:
        return [file.read()]


def _static_files_read_whole(app):
    """Werkzeug's development server does not close a response's file when the browser drops
    the connection mid-answer (it navigates on while a script is still being sent); the open
    file then surfaces as a ResourceWarning in whichever test runs next. Reading files whole
    before answering leaves no handle to leak."""

    def application(environ, start_response):
        environ["wsgi.file_wrapper"] = _read_whole
        return app(environ, start_response)

    return application


@pytest.fixture(scope="session")
def live_server(_app) -> Iterator[str]:
    """The worker's app on a free loopback port, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, _static_files_read_whole(_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    require(
        executable is not None,
        "Debian's chromium is not installed (apt-get install chromium); browser tests need it",
    )
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions (10 s, below): on a busy two-core CI machine a post
    # that plans rounds and queues mails has taken longer than Playwright's default of 5 s.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, app):
    """A fresh browser profile per test (no cookies carried over), on the live server."""
    context = browser.new_context(
        base_url=live_server, locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def fresh_page(browser, live_server):
    """Opens pages, each in a fresh browser profile of the given width (German, 800 px high;
    more context options as keywords, e.g. ``java_script_enabled=False``); all closed after the
    test."""
    contexts = []

    def open_page(width: int = 1280, **options):
        context = browser.new_context(
            base_url=live_server,
            locale="de-DE",
            viewport={"width": width, "height": 800},
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests put their screenshots: $STARTSMART_SCREENSHOTS (to look at them
    after a run), else a folder under pytest's tmp."""
    chosen = os.environ.get("STARTSMART_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo(app) -> None:
    """The demo data of `flask demo load`, as a visitor of a fresh installation sees it."""
    with app.app_context():
        load_demo(clock.now())
