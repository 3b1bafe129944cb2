"""Several processes that open one brand-new SQLite database at the same moment (a CLI ingest and
the server, or several workers) all find the schema: one creates it, the others wait for it."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from sqlalchemy import inspect

from assistant.store.database import make_engine, sqlite_url

PROCESSES = 4


def _open(url: str, start_at: float, results) -> None:
    time.sleep(max(0.0, start_at - time.time()))
    try:
        engine = make_engine(url)
        results.put(("ok", sorted(inspect(engine).get_table_names())))
    except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
        results.put(("error", f"{type(exc).__name__}: {exc}"[:300]))


def test_processes_opening_a_new_sqlite_database_at_once_all_get_the_schema(tmp_path: Path):
    context = multiprocessing.get_context("spawn")
    for attempt in range(3):  # a race needs chances: each round is a fresh database
        url = sqlite_url(tmp_path / f"round{attempt}")
        (tmp_path / f"round{attempt}").mkdir()
        results = context.Queue()
        start_at = time.time() + 4.0  # after every process has imported the package
        workers = [context.Process(target=_open, args=(url, start_at, results)) for _ in range(PROCESSES)]
        for w in workers:
            w.start()
        outcomes = [results.get(timeout=120) for _ in workers]
        for w in workers:
            w.join(timeout=60)
        errors = [detail for status, detail in outcomes if status == "error"]
        assert not errors, errors
        (tables,) = {tuple(detail) for _, detail in outcomes}  # every process sees the same schema
        assert "alembic_version" in tables and "answers" in tables
