"""Server-Sent Events framing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from assistant.types import StreamEvent

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def frame(event: str | None, data: object) -> str:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n"


def event_stream(events: Iterable[StreamEvent]) -> Iterator[str]:
    for event in events:
        yield frame(event.type, event.data)
