"""``flask staff create`` makes the first admin on a fresh installation."""

from __future__ import annotations

from support import login


def test_create_admin_from_the_command_line(app, runner, client):
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "Chefin@KTS.example",
            "--name",
            "Clara Chefin",
            "--password",
            "ein-sicheres-passwort",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account chefin@kts.example" in result.output
    login(client, "chefin@kts.example", "ein-sicheres-passwort")
    assert client.get("/staff/konten").status_code == 200


def test_command_line_refuses_a_weak_password_with_the_reason(app, runner):
    result = runner.invoke(
        args=["staff", "create", "--email", "a@kts.example", "--name", "A", "--password", "kurz"]
    )
    assert result.exit_code != 0
    assert "mindestens 12 Zeichen" in result.output
