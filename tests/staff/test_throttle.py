"""Sign-in throttling per (account, address) pair with growing delays, the real wait on the page
and Retry-After (issue 15). A fake clock; SQLite only."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.staff import auth_routes
from api.staff.security import LoginThrottle
from assistant.chat.service import Assistant
from assistant.staff import accounts as staff_auth
from tests.staff.helpers import ADMIN, REVIEWER, TOKEN

ATTACKER, COLLEAGUE_NAT, OWNER_HOME = "203.0.113.9", "203.0.113.9", "198.51.100.20"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    import shutil

    from assistant.config import Settings
    from assistant.embedding import HashEmbedder
    from tests.conftest import CACHE, DOCUMENTS

    root = tmp_path_factory.mktemp("throttle")
    shutil.copytree(DOCUMENTS, root / "documents")
    assistant = Assistant(
        Settings(data_dir=root / "data", documents_dir=root / "documents", cache_dir=CACHE),
        embedder=HashEmbedder(),
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(staff_auth, "BCRYPT_ROUNDS", 4)
        staff_auth.create_user(assistant.sessions, *ADMIN, role="admin")
        staff_auth.create_user(assistant.sessions, *REVIEWER, role="reviewer")
    app = create_app(assistant=assistant)
    app.state.assistant = assistant  # what the lifespan does; these clients do not run it
    return app


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(auth_routes, "throttle", LoginThrottle(free=3, base=1, max_delay=900, clock=clock))
    return clock


def browser(app, address: str, lang: str = "en") -> TestClient:
    client = TestClient(app, client=(address, 40000))
    client.get(f"/staff/login?lang={lang}")
    return client


def attempt(client, account, password=None):
    token = TOKEN.search(client.get("/staff/login").text).group(1)
    return client.post(
        "/staff/login",
        data={"username": account, "password": password or "a-wrong-password", "csrf_token": token},
        follow_redirects=False,
    )


def test_delays_grow_per_pair_and_the_page_says_how_long(app, clock):
    attacker = browser(app, ATTACKER)
    assert [attempt(attacker, ADMIN[0]).status_code for _ in range(2)] == [401, 401]
    waits = []
    for _ in range(5):
        response = attempt(attacker, ADMIN[0])
        assert response.status_code == 429
        wait = int(response.headers["retry-after"])
        assert f"Try again in {wait} s" in response.text
        assert re.search(rf'data-retry-after="{wait}"', response.text)
        # trying again before the wait is over is refused with the remaining time, not counted
        early = attempt(attacker, ADMIN[0])
        assert early.status_code == 429 and int(early.headers["retry-after"]) == wait
        waits.append(wait)
        clock.now += wait
    assert waits == [1, 2, 4, 8, 16]
    # the right password is refused too while the pair waits, and accepted once the wait is over
    attempt(attacker, ADMIN[0])
    assert attempt(attacker, ADMIN[0], ADMIN[1]).status_code == 429
    clock.now += 10_000
    assert attempt(attacker, ADMIN[0], ADMIN[1]).status_code == 303


def test_colleagues_behind_the_same_address_and_the_owner_elsewhere_are_not_locked_out(app, clock):
    attacker = browser(app, ATTACKER)
    for _ in range(10):  # ten failures (what used to lock everybody out), waiting out each delay
        response = attempt(attacker, ADMIN[0])
        clock.now += int(response.headers.get("retry-after", 0))
    attempt(attacker, ADMIN[0])
    assert attempt(attacker, ADMIN[0], ADMIN[1]).status_code == 429
    colleague = browser(app, COLLEAGUE_NAT)
    assert attempt(colleague, REVIEWER[0], REVIEWER[1]).status_code == 303  # same NAT, own account
    owner = browser(app, OWNER_HOME)
    assert attempt(owner, ADMIN[0], ADMIN[1]).status_code == 303  # same account, own address


def test_the_wait_is_shown_in_arabic_on_the_arabic_page(app, clock):
    client = browser(app, "192.0.2.77", lang="ar")
    for _ in range(3):
        response = attempt(client, ADMIN[0])
    assert response.status_code == 429
    assert "حاول مجددًا بعد 1 ثانية" in response.text


def test_waits_are_capped_and_a_success_clears_the_pair():
    clock = Clock()
    throttle = LoginThrottle(free=3, base=1, max_delay=900, clock=clock)
    for _ in range(30):
        throttle.failed("a", "x")
    assert throttle.wait("a", "x") == 900
    clock.now += 900
    assert throttle.wait("a", "x") == 0
    throttle.succeeded("a", "x")
    assert throttle.failed("a", "x") == 0
