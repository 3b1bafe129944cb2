"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for real-HTTP backend tests.

Each request to ``/v1/chat/completions`` (or Ollama's ``/api/chat``) is recorded and answered by the
next step of the script:

- ``Reply(text)``: a completion; as SSE chunks ending with ``data: [DONE]`` when the request asks
  to stream (``pieces`` fixes the chunk boundaries), else one JSON completion.
- ``Status(code, times=n)``: that HTTP error ``n`` times (429 and 5xx carry ``retry-after-ms`` so the
  client's retries are quick).
- ``Delay(seconds, then)``: wait (longer than the client's timeout), then answer with ``then``.

When the script is empty, requests get HTTP 500 "script exhausted". ``refused_url()`` is the URL
of a port nothing listens on (connection refused).

    with FakeLLMServer([Status(429, times=2), Reply("… [1]")]) as server:
        ... base_url=server.url ...
        assert server.count == 3
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse


@dataclass
class Reply:
    text: str
    pieces: list[str] | None = None  # streamed chunk boundaries (default: word by word)

    def chunks(self) -> list[str]:
        if self.pieces is not None:
            assert "".join(self.pieces) == self.text
            return self.pieces
        words = self.text.split(" ")
        return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]


@dataclass
class Status:
    code: int
    times: int = 1
    message: str = "scripted error"


@dataclass
class Delay:
    seconds: float
    then: Reply | Status = field(default_factory=lambda: Reply("late answer [1]"))


Step = Reply | Status | Delay


@dataclass
class Recorded:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


def refused_url() -> str:
    """A base URL whose port was just released: connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class FakeLLMServer:
    def __init__(self, script: list[Step] | None = None, *, model: str = "fake-model"):
        self.script: list[Step] = list(script or [])
        self.model = model
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.app = self._build_app()

    # --- script -------------------------------------------------------------------------------
    def add(self, *steps: Step) -> None:
        with self._lock:
            self.script.extend(steps)

    def _next(self) -> Step:
        with self._lock:
            if not self.script:
                return Status(500, message="script exhausted")
            step = self.script[0]
            if isinstance(step, Status) and step.times > 1:
                step.times -= 1
                return Status(step.code, 1, step.message)
            return self.script.pop(0)

    @property
    def count(self) -> int:
        return len(self.requests)

    @property
    def last_body(self) -> dict[str, Any]:
        return self.requests[-1].body

    # --- app ----------------------------------------------------------------------------------
    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        @app.post("/chat/completions")
        async def chat_completions(request: Request) -> Response:
            return await self._handle(request, self._openai)

        @app.post("/api/chat")
        async def ollama_chat(request: Request) -> Response:
            return await self._handle(request, self._ollama)

        return app

    async def _handle(self, request: Request, reply) -> Response:
        body = await request.json()
        with self._lock:
            self.requests.append(Recorded(request.url.path, body, dict(request.headers)))
        step = self._next()
        if isinstance(step, Delay):
            deadline = time.monotonic() + step.seconds
            while time.monotonic() < deadline and not self._closing.is_set():
                await asyncio.sleep(0.02)
            step = step.then
        if isinstance(step, Status):
            headers = {"retry-after-ms": "10"} if step.code == 429 or step.code >= 500 else {}
            return JSONResponse(
                {"error": {"message": step.message, "type": "scripted", "code": step.code}},
                status_code=step.code,
                headers=headers,
            )
        return reply(step, body)

    def _openai(self, step: Reply, body: dict[str, Any]) -> Response:
        created = int(time.time())
        if not body.get("stream"):
            return JSONResponse(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": created,
                    "model": self.model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": step.text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            )

        def chunk(delta: dict[str, Any], finish: str | None) -> str:
            payload = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

        def events() -> Iterator[str]:
            yield chunk({"role": "assistant", "content": ""}, None)
            for piece in step.chunks():
                yield chunk({"content": piece}, None)
            yield chunk({}, "stop")
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    def _ollama(self, step: Reply, body: dict[str, Any]) -> Response:
        def message(content: str, done: bool) -> dict[str, Any]:
            out: dict[str, Any] = {
                "model": self.model,
                "created_at": "2026-01-01T00:00:00Z",
                "message": {"role": "assistant", "content": content},
                "done": done,
            }
            if done:
                out.update(done_reason="stop", prompt_eval_count=1, eval_count=1)
            return out

        if body.get("stream") is False:
            return JSONResponse(message(step.text, True))

        def lines() -> Iterator[str]:
            for piece in step.chunks():
                yield json.dumps(message(piece, False), ensure_ascii=False) + "\n"
            yield json.dumps(message("", True)) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    # --- lifecycle ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL for OpenAI clients (ends in /v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeLLMServer:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake LLM server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
