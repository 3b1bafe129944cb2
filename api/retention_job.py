"""The scheduled retention job: with ASSISTANT_RETENTION_DAYS > 0, purge at start and then daily."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.concurrency import run_in_threadpool

from assistant.store.retention import purge_older_than

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 24 * 3600


async def retention_loop(assistant, days: int, interval: float = INTERVAL_SECONDS) -> None:
    while True:
        try:
            await run_in_threadpool(purge_older_than, assistant.sessions, days)
        except Exception as exc:  # noqa: BLE001 - a failed purge is retried at the next interval
            log.warning("retention purge failed: %s", type(exc).__name__)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def retention_job(assistant, days: int):
    task = asyncio.create_task(retention_loop(assistant, days)) if days > 0 else None
    try:
        yield
    finally:
        if task:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
