"""End to end through the real CLI and a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.live_server import free_port
from tests.conftest import CACHE, DOCUMENTS

pytestmark = [pytest.mark.model, pytest.mark.server]

ASSISTANT = str(Path(sys.executable).with_name("assistant"))


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    docs = root / "documents"
    shutil.copytree(DOCUMENTS, docs)
    return {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(root / "data"),
        "ASSISTANT_DOCUMENTS_DIR": str(docs),
        "ASSISTANT_CACHE_DIR": str(CACHE),
    }


def run(env, *args, check=True):
    result = subprocess.run([ASSISTANT, *args], env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_cli_before_ingest_says_to_ingest(env):
    result = run(env, "ask", "ما هي شبكة المدن القوية؟", check=False)
    assert result.returncode != 0
    assert "assistant ingest" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_ingest_ask_search_and_server(env):
    first = json.loads(run(env, "ingest", "--json").stdout)
    assert len(first["added"]) == 5 and first["failed"] == []
    again = json.loads(run(env, "ingest", "--json").stdout)
    assert again["chunks_embedded"] == 0 and len(again["unchanged"]) == 5

    answer = json.loads(run(env, "ask", "متى انطلقت شبكة المدن القوية؟", "--json").stdout)
    assert answer["refused"] is False and "2015" in answer["answer"]
    assert answer["citations"][0]["document_id"] == "about-scn"

    results = json.loads(run(env, "search", "كيب تاون", "--k", "2", "--json").stdout)["results"]
    assert len(results) == 2 and results[0]["document_id"] == "fifth-global-summit-nlc-2024"

    port = free_port()
    server = subprocess.Popen(
        [ASSISTANT, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else "server exited"
            time.sleep(0.5)
        else:
            pytest.fail("server did not become healthy")
        reply = httpx.post(
            f"{base}/v1/chat", json={"message": "أين عقدت القمة العالمية الخامسة؟"}, timeout=60
        )
        assert reply.status_code == 200
        body = reply.json()
        assert not body["refused"] and "كيب تاون" in body["answer"]
        assert httpx.get(f"{base}/v1/documents", timeout=10).json()["documents"]
    finally:
        server.terminate()
        server.wait(timeout=30)
