"""Playwright with Debian's Chromium (browsers cannot be downloaded here) against the real API
on 127.0.0.1 with the real model. Screenshots go to artifacts/screenshots/ (listed by .ci/run)."""

from __future__ import annotations

import os
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from api.main import create_app
from tests.api.live_server import serve

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("ASSISTANT_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=LocalNetworkAccessChecks",  # let a page on one loopback origin call another
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps` (apt package chromium).")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def api_url(real_assistant):
    with serve(create_app(assistant=real_assistant)) as url:
        yield url


@pytest.fixture(scope="session")
def partner_url(api_url, tmp_path_factory):
    """A partner site on another origin (another port) that embeds the widget; not allowlisted."""
    root = tmp_path_factory.mktemp("partner")
    (root / "index.html").write_text(
        f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>شريك</title></head>
<body><h1>موقع شريك غير مسموح له</h1>
<script src="{api_url}/widget.js" defer data-assistant-url="{api_url}" data-lang="ar"></script>
</body></html>""",
        encoding="utf-8",
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 820}, locale="ar")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path.relative_to(REPO)}")
    return path
