"""Who a rate limit counts: the client address (primary), a site's shared budget that one client
cannot spend alone, search included, X-Forwarded-For only from configured proxies (issue 15).
Fast fake embedder, real SQLite and Chroma."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app, server_options
from assistant.chat.service import Assistant
from tests.api.live_server import serve
from tests.conftest import ingest_into

SITE = "https://city.example.org"


@pytest.fixture
def assistant(settings, fake_embedder, corpus_copy):
    settings.allowed_origins = [SITE]
    a = Assistant(settings, embedder=fake_embedder)
    ingest_into(a, corpus_copy, progress=False)
    return a


def app_with(assistant, **overrides):
    for key, value in overrides.items():
        setattr(assistant.settings, key, value)
    return create_app(assistant=assistant)


def test_search_shares_the_per_address_limit(assistant):
    with TestClient(app_with(assistant, rate_limit_per_ip="3/minute")) as client:
        codes = [client.post("/v1/search", json={"query": "القمة", "k": 50}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = client.post("/v1/search", json={"query": "القمة"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"] == "rate_limited"


def test_one_client_with_a_forged_origin_cannot_spend_the_sites_budget(assistant):
    app = app_with(assistant, rate_limit_per_ip="", rate_limit_per_origin="20/minute")
    headers = {"Origin": SITE}
    with TestClient(app, client=("203.0.113.7", 4000)) as attacker:
        served = 0
        for _ in range(30):
            response = attacker.post("/v1/chat", json={"message": "القمة"}, headers=headers)
            if response.status_code == 429:
                assert "address" in response.json()["message"]  # this client, not the site
                break
            served += 1
        assert served == 2  # 10 % of the site's 20 a minute
        # every other visitor of the site is still served
        for n in range(1, 4):
            visitor = TestClient(app, client=(f"198.51.100.{n}", 5000))
            reply = visitor.post("/v1/chat", json={"message": "القمة"}, headers=headers)
            assert reply.status_code == 200, reply.text


def test_the_sites_budget_still_binds_many_clients(assistant):
    app = app_with(
        assistant, rate_limit_per_ip="", rate_limit_per_origin="4/minute", rate_limit_origin_share=0.5
    )
    codes = []
    with TestClient(app):
        for n in range(6):
            client = TestClient(app, client=(f"198.51.100.{n}", 5000))
            codes.append(client.post("/v1/chat", json={"message": "القمة"}, headers={"Origin": SITE}))
    assert [c.status_code for c in codes] == [200, 200, 200, 200, 429, 429]
    assert "site" in codes[-1].json()["message"]


def spoofed(url: str, forwarded: list[str]) -> list[int]:
    with httpx.Client(base_url=url, timeout=30) as client:
        return [
            client.post("/v1/chat", json={"message": "القمة"}, headers={"X-Forwarded-For": ip}).status_code
            for ip in forwarded
        ]


def test_forwarded_for_is_ignored_when_no_proxy_is_configured(assistant):
    app = app_with(assistant, rate_limit_per_ip="3/minute")
    with serve(app, **server_options(assistant.settings)) as url:
        codes = spoofed(url, ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"])
    assert codes == [200, 200, 200, 429]  # one peer, one budget, whatever the header says


def test_forwarded_for_is_believed_from_a_configured_proxy(assistant):
    app = app_with(assistant, rate_limit_per_ip="3/minute", trusted_proxies=["127.0.0.1"])
    with serve(app, **server_options(assistant.settings)) as url:
        assert spoofed(url, ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]) == [200] * 4
        assert spoofed(url, ["192.0.2.9"] * 4) == [200, 200, 200, 429]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_assistant_serve_starts_uvicorn_without_trusting_local_proxies(monkeypatch, settings, workers):
    import uvicorn

    from assistant import cli
    from assistant.cli import common

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(common, "settings", lambda: settings)
    result = CliRunner().invoke(cli.app, ["serve", "--workers", workers])
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is False
    settings.trusted_proxies = ["10.0.0.5"]
    CliRunner().invoke(cli.app, ["serve", "--workers", workers])
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.5"
