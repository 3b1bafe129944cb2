"""Helpers for the staff-area tests: sign in through the form, read CSRF tokens, make answers."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

ADMIN = ("admin1", "admin-password-1")
REVIEWER = ("reviewer1", "reviewer-password-1")
QUESTION = "أين عُقدت القمة العالمية الخامسة لشبكة المدن القوية؟"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient, path: str = "/staff/login") -> str:
    response = client.get(path)
    match = TOKEN.search(response.text)
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def sign_in(client: TestClient, account: tuple[str, str] = ADMIN) -> str:
    """Sign in through the form; returns the session's CSRF token for later POSTs."""
    token = csrf(client)
    response = client.post(
        "/staff/login",
        data={"username": account[0], "password": account[1], "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    return csrf(client, "/staff/review")


def ask(client: TestClient, question: str = QUESTION) -> str:
    response = client.post("/v1/chat", json={"message": question})
    assert response.status_code == 200, response.text
    return response.json()["answer_id"]


def thumbs_down(client: TestClient, answer_id: str, reason: str = "incomplete") -> None:
    response = client.post(
        "/v1/feedback",
        json={"answer_id": answer_id, "rating": -1, "reason": reason, "comment": "ينقصها التاريخ"},
    )
    assert response.status_code == 200, response.text


def wait_for_run(client: TestClient, run_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        progress = client.get(f"/staff/runs/{run_id}/progress")
        assert progress.status_code == 200, progress.text
        state = progress.json()
        if state["status"] in ("done", "failed"):
            return state
        assert time.monotonic() < deadline, f"run {run_id} still {state['status']} after {timeout} s"
        time.sleep(0.1)
