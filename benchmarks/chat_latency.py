"""p50/p95 latency of POST /v1/chat, single requests one after another, against a real uvicorn
server on 127.0.0.1 (extractive backend, real model). Questions: evalsets/questions.jsonl.

    .venv/bin/python benchmarks/chat_latency.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
ASSISTANT = str(Path(sys.executable).with_name("assistant"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    questions = [
        json.loads(line)["question"]
        for line in (REPO / "evalsets" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "ASSISTANT_DATA_DIR": str(Path(tmp) / "data"),
            "ASSISTANT_DOCUMENTS_DIR": str(Path(tmp) / "documents"),
            "ASSISTANT_CACHE_DIR": os.environ.get("ASSISTANT_CACHE_DIR", str(REPO / ".cache")),
            "ASSISTANT_RATE_LIMIT_PER_IP": "",  # one client asks everything: no per-IP limit
        }
        shutil.copytree(REPO / "documents", Path(tmp) / "documents")
        subprocess.run([ASSISTANT, "ingest"], env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen(
            [ASSISTANT, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                for _ in range(240):
                    try:
                        if client.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.5)
                client.post("/v1/chat", json={"message": questions[0]})  # warm-up
                latencies, refused = [], 0
                for _ in range(args.rounds):
                    for question in questions:
                        started = time.perf_counter()
                        reply = client.post("/v1/chat", json={"message": question})
                        latencies.append((time.perf_counter() - started) * 1000)
                        reply.raise_for_status()
                        refused += reply.json()["refused"]
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"/v1/chat single requests: n={len(latencies)} ({args.rounds} rounds x {len(questions)} questions)")
    print(
        f"p50 {statistics.median(latencies):.1f} ms  p95 {percentile(latencies, 0.95):.1f} ms  "
        f"max {max(latencies):.1f} ms  mean {statistics.mean(latencies):.1f} ms  refused {refused}"
    )


if __name__ == "__main__":
    main()
