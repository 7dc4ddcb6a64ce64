"""What every response carries: security headers, error pages in the visitor's language."""

from __future__ import annotations

from startsmart import create_app
from support import app_config, csrf_token, text


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # only behind TLS in production


def test_production_adds_hsts_and_secure_cookies(tmp_path, database_url):
    app = create_app(
        app_config(
            tmp_path, "postgresql://u@db/x", ENV="production", PUBLIC_URL="https://s.example"
        )
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/impressum")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_httponly_and_samesite(app, client):
    response = client.get("/staff/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_unknown_page_gets_a_404_page_in_german(client):
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in text(response)
    assert '<html lang="de">' in text(response)


def test_error_pages_follow_the_chosen_language(client):
    client.get("/sprache/en")
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert '<html lang="en">' in text(response)


def test_oversized_request_gets_413_and_changes_nothing(app, client):
    token = csrf_token(client, "/staff/login")
    response = client.post(
        "/staff/login",
        data={"csrf_token": token, "email": "a@kts.example", "password": "x" * (1024 * 1024 + 1)},
    )
    assert response.status_code == 413
    assert "Die Anfrage ist zu groß" in text(response)
    assert "Traceback" not in text(response)


def test_wrong_method_gets_a_405_page(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "Diese Aktion ist hier nicht möglich" in text(response)


def test_static_files_are_served_from_the_package(client):
    for path in ("/static/css/app.css", "/static/js/app.js", "/static/img/logo.svg"):
        with client.get(path) as response:
            assert response.status_code == 200, path


def test_legal_pages_are_linked_from_every_page(client):
    page = text(client.get("/"))
    for path in ("/impressum", "/datenschutz", "/barrierefreiheit", "/leichte-sprache"):
        assert f'href="{path}"' in page
        assert client.get(path).status_code == 200


def test_operator_data_from_the_configuration_appears_in_the_imprint(tmp_path, database_url):
    app = create_app(app_config(tmp_path, database_url, OPERATOR_NAME="KTS beim DLR Projektträger"))
    assert "KTS beim DLR Projektträger" in text(app.test_client().get("/impressum"))


def test_unexpected_error_gets_the_500_page_without_details(tmp_path, database_url):
    app = create_app(app_config(tmp_path, database_url, TESTING=False))

    def broken():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/kaputt", "broken", broken)
    response = app.test_client().get("/kaputt")
    assert response.status_code == 500
    assert "Ein interner Fehler ist aufgetreten" in text(response)
    assert "secret internal detail" not in text(response) and "Traceback" not in text(response)


def test_easy_language_explains_start_smart_in_short_sentences(client):
    page = text(client.get("/leichte-sprache"))
    assert "Start Smart in Leichter Sprache" in page
    assert '<a href="/leichte-sprache">Leichte Sprache</a>' in text(client.get("/"))
    assert "Alle Angebote kosten nichts." in page
    assert "<strong>Smart City</strong>" in page


def test_the_easy_language_page_is_plain_english_in_english(client):
    client.get("/sprache/en")
    assert '<a href="/leichte-sprache">Plain English</a>' in text(client.get("/"))
    page = text(client.get("/leichte-sprache"))
    assert "Start Smart in plain English" in page and "All offers are free." in page
    assert "Leichte" not in page and "Kommune" not in page
