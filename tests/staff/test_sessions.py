"""Staff sessions are revocable (issue 15): after signing out, a password change or disabling the
account, a copy of the old cookie can no longer do anything (SQLite and PostgreSQL)."""

from __future__ import annotations

from typer.testing import CliRunner

from assistant.eval.datasets import DatasetStore
from assistant.staff import accounts as staff_auth
from tests.staff.helpers import ADMIN, REVIEWER, sign_in


def cookie(client) -> str:
    return client.cookies.get("scn_staff")


def replay(client, saved: str, token: str):
    """An admin action (create a dataset) sent with a saved copy of the cookie."""
    client.cookies.clear()
    client.cookies.set("scn_staff", saved, path="/staff")
    return client.post(
        "/staff/datasets",
        data={"name": "made-with-an-old-cookie", "csrf_token": token},
        follow_redirects=False,
    )


def assert_refused(response, assistant):
    assert response.status_code == 303 and "/staff/login" in response.headers["location"]
    assert "made-with-an-old-cookie" not in [d["name"] for d in DatasetStore(assistant.sessions).list()]


def test_a_cookie_copied_before_signing_out_no_longer_works(client, assistant):
    token = sign_in(client)
    saved = cookie(client)
    assert client.post("/staff/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert_refused(replay(client, saved, token), assistant)
    assert client.get("/staff/review", follow_redirects=False).status_code == 303


def test_the_cookie_works_until_then(client, assistant):
    token = sign_in(client)
    response = replay(client, cookie(client), token)
    assert response.status_code == 303 and "/staff/datasets/" in response.headers["location"]


def test_a_password_change_ends_every_session_of_the_account(client, app, assistant):
    from fastapi.testclient import TestClient

    token = sign_in(client)
    saved = cookie(client)
    with TestClient(app) as other_browser:
        sign_in(other_browser)
        staff_auth.set_password(assistant.sessions, ADMIN[0], "a-brand-new-password")
        assert other_browser.get("/staff/review", follow_redirects=False).status_code == 303
    assert_refused(replay(client, saved, token), assistant)


def test_disabling_an_account_ends_its_sessions_and_sign_ins(client, assistant):
    token = sign_in(client, REVIEWER)
    saved = cookie(client)
    staff_auth.set_disabled(assistant.sessions, REVIEWER[0], True)
    client.cookies.clear()
    client.cookies.set("scn_staff", saved, path="/staff")
    assert client.get("/staff/review", follow_redirects=False).status_code == 303
    assert staff_auth.authenticate(assistant.sessions, *REVIEWER) is None
    login = client.post(
        "/staff/login",
        data={"username": REVIEWER[0], "password": REVIEWER[1], "csrf_token": token},
        follow_redirects=False,
    )
    assert login.status_code != 303
    staff_auth.set_disabled(assistant.sessions, REVIEWER[0], False)
    assert staff_auth.authenticate(assistant.sessions, *REVIEWER) is not None


def test_a_role_change_applies_to_open_sessions(client, assistant):
    token = sign_in(client)
    staff_auth.set_role(assistant.sessions, ADMIN[0], "reviewer")
    response = client.post("/staff/datasets", data={"name": "x-role", "csrf_token": token})
    assert response.status_code == 403


def test_cli_disables_enables_and_changes_roles(assistant, monkeypatch):
    from assistant.cli import app as cli
    from assistant.cli import common

    monkeypatch.setattr(common, "open_sessions", lambda: assistant.sessions)
    runner = CliRunner()
    assert runner.invoke(cli, ["staff", "disable", REVIEWER[0]]).exit_code == 0
    listed = runner.invoke(cli, ["staff", "list"]).output
    assert any(REVIEWER[0] in line and "disabled" in line for line in listed.splitlines())
    assert runner.invoke(cli, ["staff", "enable", REVIEWER[0]]).exit_code == 0
    assert runner.invoke(cli, ["staff", "set-role", REVIEWER[0], "admin"]).exit_code == 0
    assert staff_auth.authenticate(assistant.sessions, *REVIEWER).role == "admin"
    bad = runner.invoke(cli, ["staff", "set-role", REVIEWER[0], "boss"])
    assert bad.exit_code == 2 and "role must be one of" in bad.output
    assert runner.invoke(cli, ["staff", "disable", "nobody"]).exit_code == 2
