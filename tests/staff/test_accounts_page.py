"""Account management in the browser pages (issue 15): admins create accounts, change roles,
disable/enable them and set new passwords; disabling or a new password ends the account's
sessions; an admin cannot lock themselves out; reviewers cannot reach any of it. SQLite."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.staff import accounts as staff_auth
from tests.staff.helpers import ADMIN, REVIEWER, sign_in


@pytest.fixture
def app(settings, fake_embedder, monkeypatch):
    monkeypatch.setattr(staff_auth, "BCRYPT_ROUNDS", 4)
    assistant = Assistant(settings, embedder=fake_embedder)
    staff_auth.create_user(assistant.sessions, *ADMIN, role="admin")
    staff_auth.create_user(assistant.sessions, *REVIEWER, role="reviewer")
    app = create_app(assistant=assistant)
    app.state.assistant = assistant
    return app


@pytest.fixture
def admin(app):
    with TestClient(app) as client:
        client.token = sign_in(client, ADMIN)
        yield client


def accounts(app):
    return {u.username: u for u in staff_auth.list_users(app.state.assistant.sessions)}


def test_admin_creates_an_account_that_can_sign_in(admin, app):
    page = admin.get("/staff/accounts?lang=en")
    assert (
        page.status_code == 200 and 'data-username="admin1"' in page.text and 'id="nav-accounts"' in page.text
    )
    data = {
        "username": "Samira",
        "role": "reviewer",
        "password": "a-new-long-pass",
        "csrf_token": admin.token,
    }
    differ = admin.post("/staff/accounts", data={**data, "confirm": "something-else"})
    assert differ.status_code == 422 and "differ" in differ.text and "samira" not in accounts(app)
    weak = admin.post("/staff/accounts?lang=ar", data={**data, "password": "short", "confirm": "short"})
    assert weak.status_code == 422 and "يجب ألا تقل كلمة المرور عن 10 أحرف." in weak.text
    made = admin.post("/staff/accounts", data={**data, "confirm": data["password"]}, follow_redirects=False)
    assert made.status_code == 303
    assert accounts(app)["samira"].role == "reviewer"
    with TestClient(app) as other:
        sign_in(other, ("samira", "a-new-long-pass"))
    again = admin.post("/staff/accounts?lang=en", data={**data, "confirm": data["password"]})
    assert again.status_code == 422 and "already exists" in again.text


def test_role_changes_and_disabling_apply_to_open_sessions(admin, app):
    with TestClient(app) as reviewer:
        token = sign_in(reviewer, REVIEWER)
        admin.post(f"/staff/accounts/{REVIEWER[0]}/role", data={"role": "admin", "csrf_token": admin.token})
        assert accounts(app)[REVIEWER[0]].role == "admin"
        assert reviewer.get("/staff/accounts").status_code == 200  # the new role at the next request
        response = admin.post(f"/staff/accounts/{REVIEWER[0]}/disable", data={"csrf_token": admin.token})
        assert response.status_code == 200 and accounts(app)[REVIEWER[0]].disabled
        assert reviewer.get("/staff/review", follow_redirects=False).status_code == 303  # session ended
        refused = reviewer.post(
            "/staff/login",
            data={"username": REVIEWER[0], "password": REVIEWER[1], "csrf_token": token},
            follow_redirects=False,
        )
        assert refused.status_code != 303
        admin.post(f"/staff/accounts/{REVIEWER[0]}/enable", data={"csrf_token": admin.token})
        assert not accounts(app)[REVIEWER[0]].disabled
        sign_in(reviewer, REVIEWER)


def test_a_new_password_ends_the_sessions_and_replaces_the_old_one(admin, app):
    with TestClient(app) as reviewer:
        sign_in(reviewer, REVIEWER)
        new = "another-long-password"
        response = admin.post(
            f"/staff/accounts/{REVIEWER[0]}/password",
            data={"password": new, "confirm": new, "csrf_token": admin.token},
        )
        assert response.status_code == 200
        assert reviewer.get("/staff/review", follow_redirects=False).status_code == 303
    sessions = app.state.assistant.sessions
    assert staff_auth.authenticate(sessions, REVIEWER[0], REVIEWER[1]) is None
    assert staff_auth.authenticate(sessions, REVIEWER[0], new) is not None


def test_an_admin_cannot_lock_themselves_out(admin, app):
    demote = admin.post(
        f"/staff/accounts/{ADMIN[0]}/role?lang=en", data={"role": "reviewer", "csrf_token": admin.token}
    )
    assert demote.status_code == 422 and "your own account" in demote.text
    disable = admin.post(f"/staff/accounts/{ADMIN[0]}/disable", data={"csrf_token": admin.token})
    assert disable.status_code == 422
    me = accounts(app)[ADMIN[0]]
    assert me.role == "admin" and not me.disabled


def test_reviewers_cannot_manage_accounts(app):
    with TestClient(app) as reviewer:
        token = sign_in(reviewer, REVIEWER)
        assert reviewer.get("/staff/accounts").status_code == 403
        assert 'id="nav-accounts"' not in reviewer.get("/staff/review").text
        for path, data in [
            (
                "/staff/accounts",
                {"username": "sneaky", "password": "a-long-password", "confirm": "a-long-password"},
            ),
            (f"/staff/accounts/{ADMIN[0]}/disable", {}),
            (f"/staff/accounts/{REVIEWER[0]}/role", {"role": "admin"}),
            (
                f"/staff/accounts/{ADMIN[0]}/password",
                {"password": "taken-over-pass", "confirm": "taken-over-pass"},
            ),
        ]:
            assert reviewer.post(path, data={**data, "csrf_token": token}).status_code == 403, path
    assert set(accounts(app)) == {ADMIN[0], REVIEWER[0]} and accounts(app)[REVIEWER[0]].role == "reviewer"
