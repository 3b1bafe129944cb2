"""Staff accounts, sign-in, sessions, CSRF, roles and the refusal of anonymous access."""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.staff.security import PUBLIC_PATHS, is_api
from assistant.errors import InvalidRequest
from assistant.staff import accounts
from assistant.store.models import EvalDataset, FeedbackRecord
from tests.staff.helpers import ADMIN, QUESTION, REVIEWER, ask, csrf, sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates" / "staff"


# --- accounts ---------------------------------------------------------------------------------
def test_passwords_are_bcrypt_hashed_and_checked(assistant):
    with assistant.sessions() as session:
        from assistant.store.models import StaffUser

        stored = session.query(StaffUser).filter_by(username=ADMIN[0]).one()
    assert stored.password_hash.startswith("$2b$") and ADMIN[1] not in stored.password_hash
    assert accounts.authenticate(assistant.sessions, *ADMIN).role == "admin"
    assert accounts.authenticate(assistant.sessions, "ADMIN1 ", ADMIN[1]) is not None  # name is normalised
    assert accounts.authenticate(assistant.sessions, ADMIN[0], "wrong-password!") is None
    assert accounts.authenticate(assistant.sessions, "nobody", ADMIN[1]) is None


def test_long_arabic_passphrases_count_every_character(assistant):
    phrase = "كلمة مرور طويلة جدًا " * 6  # far beyond bcrypt's 72 bytes
    accounts.create_user(assistant.sessions, "longpass", phrase, "reviewer")
    assert accounts.authenticate(assistant.sessions, "longpass", phrase) is not None
    assert accounts.authenticate(assistant.sessions, "longpass", phrase[:-1] + "x") is None


@pytest.mark.parametrize(
    ("username", "password", "role", "fragment"),
    [
        ("shorty", "short", "reviewer", "at least 10 characters"),
        ("samechars", "aaaaaaaaaaaa", "reviewer", "4 different characters"),
        ("same-as-name", "same-as-name", "reviewer", "must not be the username"),
        ("someone", "a-good-password", "boss", "role must be one of"),
        ("x", "a-good-password", "reviewer", "username must be 3 to 64"),
        ("عربي", "a-good-password", "reviewer", "username must be 3 to 64"),
        (ADMIN[0], "a-good-password", "reviewer", "already exists"),
    ],
)
def test_account_rules_give_clear_errors(assistant, username, password, role, fragment):
    with pytest.raises(InvalidRequest) as error:
        accounts.create_user(assistant.sessions, username, password, role)
    assert fragment in error.value.message


def test_session_secret_is_generated_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv(accounts.SECRET_KEY_ENV, raising=False)
    first = accounts.secret_key(tmp_path)
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert accounts.secret_key(tmp_path) == first and len(first) >= 48
    assert accounts.secret_key(tmp_path, "k" * 40) == "k" * 40  # the setting wins when given
    monkeypatch.setenv(accounts.SECRET_KEY_ENV, "s" * 40)
    from assistant.config import Settings

    assert Settings().secret_key == "s" * 40


def test_cli_creates_and_lists_accounts(tmp_path, monkeypatch):
    from assistant.cli import app as cli
    from assistant.config import get_settings

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        created = runner.invoke(
            cli,
            ["staff", "create", "Layla", "--role", "admin", "--password-stdin"],
            input="a-long-password\n",
        )
        assert created.exit_code == 0, created.output
        assert "created admin 'layla'" in created.output
        weak = runner.invoke(cli, ["staff", "create", "omar", "--password-stdin"], input="short\n")
        assert weak.exit_code == 2 and "at least 10 characters" in weak.output
        bad_role = runner.invoke(
            cli, ["staff", "create", "omar", "--role", "root", "--password-stdin"], input="x\n"
        )
        assert bad_role.exit_code == 2 and "role must be one of" in bad_role.output
        prompted = runner.invoke(
            cli, ["staff", "create", "omar"], input="another-password\nanother-password\n"
        )  # the interactive prompt asks twice and does not echo
        assert prompted.exit_code == 0, prompted.output
        assert "another-password" not in prompted.output
        listed = runner.invoke(cli, ["staff", "list", "--json"])
        assert listed.exit_code == 0
        assert [(u["username"], u["role"]) for u in __import__("json").loads(listed.output)] == [
            ("layla", "admin"),
            ("omar", "reviewer"),
        ]
    finally:
        get_settings.cache_clear()


# --- signing in -------------------------------------------------------------------------------
def test_sign_in_sets_a_safe_cookie_and_wrong_passwords_fail(client, caplog):
    token = csrf(client)
    with caplog.at_level(logging.INFO, logger="api.staff"):
        wrong = client.post(
            "/staff/login",
            data={"username": ADMIN[0], "password": "not-the-password", "csrf_token": token},
            follow_redirects=False,
        )
        assert wrong.status_code == 401 and 'data-testid="login-error"' in wrong.text
        assert client.get("/staff/review", follow_redirects=False).status_code == 303  # still anonymous
        response = client.post(
            "/staff/login",
            data={"username": ADMIN[0], "password": ADMIN[1], "csrf_token": token},
            follow_redirects=False,
        )
    assert response.status_code == 303 and response.headers["location"] == "/staff/review"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/staff" in cookie
    page = client.get("/staff/review")
    assert page.status_code == 200 and 'data-testid="current-user">admin1<' in page.text
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "staff sign-in: 'admin1'" in logged and "staff sign-in failed for 'admin1'" in logged


def test_sign_in_needs_the_forms_csrf_token(client):
    csrf(client)
    response = client.post("/staff/login", data={"username": ADMIN[0], "password": ADMIN[1]})
    assert response.status_code == 403
    assert client.get("/staff/review", follow_redirects=False).status_code == 303


def test_after_sign_in_the_next_page_is_ours_only(client):
    token = csrf(client, "/staff/login?next=/staff/datasets")
    response = client.post(
        "/staff/login",
        data={
            "username": ADMIN[0],
            "password": ADMIN[1],
            "csrf_token": token,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/staff/review"


def test_sign_out_ends_the_session(client):
    token = sign_in(client)
    response = client.post("/staff/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
    assert client.get("/staff/review", follow_redirects=False).status_code == 303


def test_changing_the_password_ends_open_sessions(client, assistant):
    sign_in(client)
    accounts.set_password(assistant.sessions, ADMIN[0], "a-brand-new-password")
    assert client.get("/staff/review", follow_redirects=False).status_code == 303


def test_repeated_failures_are_throttled(client, monkeypatch):
    from api.staff import auth_routes
    from api.staff.security import LoginThrottle

    monkeypatch.setattr(auth_routes, "throttle", LoginThrottle(free=3))
    token = csrf(client)
    for _ in range(2):
        data = {"username": ADMIN[0], "password": "wrong-password", "csrf_token": token}
        assert client.post("/staff/login", data=data).status_code == 401
    assert client.post("/staff/login", data=data).status_code == 429  # the third starts the delays
    data = {"username": ADMIN[0], "password": ADMIN[1], "csrf_token": token}
    assert client.post("/staff/login", data=data, follow_redirects=False).status_code == 429


# --- every staff route refuses anonymous requests ---------------------------------------------
def all_routes(routes, prefix: str = ""):
    """(path, methods) of every route, including those of included routers (FastAPI may keep an
    included router as one wrapper route)."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from all_routes(route.original_router.routes, prefix + route.include_context.prefix)
        elif getattr(route, "methods", None):
            yield prefix + route.path, set(route.methods)


def staff_routes(app) -> list[tuple[str, str]]:
    routes = []
    for path, methods in all_routes(app.routes):
        if not (path == "/staff" or path.startswith("/staff/")):
            continue
        if any(path.startswith(p) for p in PUBLIC_PATHS):
            continue
        for method in sorted(methods - {"HEAD"}):
            routes.append((method, re.sub(r"\{[^}]+\}", "x", path)))
    return routes


def test_every_staff_route_refuses_anonymous_requests(app):
    routes = staff_routes(app)
    assert len(routes) >= 20, routes  # the enumeration found the staff area
    with TestClient(app) as anonymous:
        for method, path in routes:
            response = anonymous.request(method, path, follow_redirects=False)
            if is_api(path):
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.json()["error"] == "login_required"
            else:
                assert response.status_code == 303, (method, path, response.status_code)
                assert response.headers["location"].startswith("/staff/login"), (method, path)


def test_public_staff_paths_are_only_the_sign_in_page_and_stylesheet(app):
    public = sorted({path for path, _ in all_routes(app.routes) if path.startswith(PUBLIC_PATHS)})
    assert public == ["/staff/assets/staff.css", "/staff/login"]


# --- roles ------------------------------------------------------------------------------------
def test_reviewers_get_403_on_admin_actions(client, assistant):
    from assistant.eval.datasets import DatasetStore

    store = DatasetStore(assistant.sessions)
    dataset = store.create("admin-only")
    row = store.add_row(dataset.id, question="سؤال")
    token = sign_in(client, REVIEWER)
    base = f"/staff/datasets/{dataset.id}"
    attempts = [
        ("/staff/datasets", {"name": "reviewer-made"}, None),
        (f"{base}/rows", {"question": "سؤال جديد"}, None),
        (f"{base}/rows/{row.id}", {"question": "تعديل"}, None),
        (f"{base}/rows/{row.id}/delete", {}, None),
        (f"{base}/import", {}, {"file": ("rows.jsonl", b'{"question": "q"}\n', "application/x-ndjson")}),
        (f"{base}/runs", {"label": "reviewer run"}, None),
    ]
    for path, data, files in attempts:
        response = client.post(path, data={"csrf_token": token, **data}, files=files)
        assert response.status_code == 403, (path, response.status_code)
        assert 'data-testid="error-page"' in response.text
    assert [r.question for r in store.rows(dataset.id)] == ["سؤال"]
    with assistant.sessions() as session:
        assert session.query(EvalDataset).count() == 1
    # what reviewers may do: read datasets and export them
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/export?fmt=jsonl").status_code == 200
    assert 'id="start-run"' not in client.get(base).text  # admin forms are not shown


# --- CSRF -------------------------------------------------------------------------------------
def test_every_post_needs_the_sessions_csrf_token(client, assistant):
    answer_id = ask(client)
    token = sign_in(client)
    path = f"/staff/review/{answer_id}"
    assert client.post(path, data={"rating": "1"}).status_code == 403
    assert client.post(path, data={"rating": "1", "csrf_token": "forged"}).status_code == 403
    cross_site = client.post(
        path, data={"rating": "1", "csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert cross_site.status_code == 403
    assert client.post("/staff/datasets", data={"name": "no-token"}).status_code == 403
    with assistant.sessions() as session:
        assert session.query(FeedbackRecord).filter_by(source="staff").count() == 0
        assert session.query(EvalDataset).count() == 0
    header = client.post(path, data={"rating": "1"}, headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert header.status_code == 303


def test_templates_put_a_csrf_token_in_every_post_form():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        forms = re.findall(r"<form[^>]*>.*?</form>", text, flags=re.S)
        for form in forms:
            if 'method="post"' in form:
                assert 'name="csrf_token"' in form, (template.name, form[:120])


# --- headers, escaping, language --------------------------------------------------------------
def test_staff_pages_carry_a_strict_csp_and_no_inline_styles(client):
    sign_in(client)
    response = client.get("/staff/review")
    csp = response.headers["content-security-policy"]
    assert (
        "default-src 'self'" in csp and "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp
    )
    assert "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY" and response.headers["cache-control"] == "no-store"
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert " style=" not in text and "<style" not in text, template.name
        for script in re.findall(r"<script[^>]*>", text):
            assert 'nonce="{{ nonce }}"' in script, template.name
        assert "http://" not in text and "https://" not in text, template.name  # nothing from elsewhere


def test_questions_are_escaped_everywhere(client):
    answer_id = ask(client, "<script>alert('x')</script> " + QUESTION)
    client.post("/v1/feedback", json={"answer_id": answer_id, "rating": -1})
    sign_in(client)
    for path in ("/staff/review", f"/staff/review/{answer_id}"):
        text = client.get(path).text
        assert "<script>alert" not in text and "&lt;script&gt;alert(" in text


def test_arabic_by_default_and_english_remembered(client):
    page = client.get("/staff/login")
    assert '<html lang="ar" dir="rtl">' in page.text and "تسجيل الدخول" in page.text
    english = client.get("/staff/login?lang=en")
    assert '<html lang="en" dir="ltr">' in english.text and "Sign in" in english.text
    sign_in(client)
    assert '<html lang="en" dir="ltr">' in client.get("/staff/review").text  # remembered in the session
    assert '<html lang="ar" dir="rtl">' in client.get("/staff/review?lang=ar").text


def test_stylesheet_is_served_by_us(client):
    css = client.get("/staff/assets/staff.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "Noto Naskh Arabic" in css.text and "@import" not in css.text and "url(" not in css.text


def test_unknown_staff_pages_are_html_404s_without_details(client):
    sign_in(client)
    response = client.get("/staff/review/does-not-exist")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    assert os.path.sep + "assistant" + os.path.sep not in response.text
