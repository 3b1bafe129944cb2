"""Evaluation runs: a dataset asked of the assistant with one configuration, scored row by row.

A run is created ``queued`` with a snapshot of the settings, then executed (``execute_run``, or in
a daemon thread with ``start_run_in_background``). Execution asks every row with
``assistant.answer`` (nothing is stored as a conversation), stores one EvalResult per row and
commits ``done`` after each so a page can poll progress, and ends ``done`` with a summary or
``failed`` with an error message — never left ``running`` by an error. A row whose question the
assistant rejects (e.g. too long) gets a result carrying the error and does not stop the run.

A process killed mid-run (kill -9, a crash, a restart of the server running it in a thread) cannot
mark its run failed. So a run records a heartbeat when it starts and after every row, and a run
still ``running`` (or ``queued``) with no heartbeat for ``STALL_AFTER`` is marked failed as
interrupted the next time runs are read. STALL_AFTER is 15 minutes: the longest legitimate gap
between two heartbeats is one row, whose worst case is an LLM answer that times out on every
attempt (``llm_timeout`` 30 s x 3 attempts, plus the rewrite call and backoff: under 4 minutes
with the defaults), so 15 minutes never fails a live run and reports a dead one soon enough.

Reports and comparisons live in assistant/eval/reports.py; ``RunStore.report``/``compare`` call
them. Module-level ``execute_run`` and ``start_run_in_background`` take the sessions from the
assistant.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import sessionmaker

from assistant.errors import AssistantError, InvalidRequest, NotFound
from assistant.eval import reports
from assistant.eval.datasets import DatasetStore
from assistant.eval.scoring import FaithfulnessJudge, RowScorer
from assistant.store.models import EvalResult, EvalRowRecord, EvalRun, utcnow

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
SECRET_SETTINGS = ("llm_api_key", "database_url")
STALL_AFTER = timedelta(minutes=15)
INTERRUPTED = (
    "interrupted: no progress for {minutes} minutes (the process running it stopped). "
    "The rows done so far are kept; start a new run to evaluate again."
)


def settings_snapshot(settings: Any) -> dict[str, Any]:
    """The settings as JSON, without secrets (the API key, a database URL with its password)."""
    data = settings.model_dump(mode="json")
    return {k: v for k, v in data.items() if k not in SECRET_SETTINGS}


def _aware(value: datetime) -> datetime:
    """SQLite hands timezone-aware columns back naive (they are stored in UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class RunStore:
    def __init__(self, sessions: sessionmaker, stall_after: timedelta = STALL_AFTER):
        self.sessions = sessions
        self.stall_after = stall_after

    def fail_stalled(self) -> int:
        """Mark runs whose process died (no heartbeat for ``stall_after``) failed; how many."""
        cutoff = datetime.now(UTC) - self.stall_after
        failed = 0
        with self.sessions.begin() as session:
            candidates = session.scalars(select(EvalRun).where(EvalRun.status.in_(("queued", "running"))))
            for run in list(candidates):
                if _aware(run.heartbeat_at or run.created_at) >= cutoff:
                    continue
                # conditional on the heartbeat read, so a run that just moved on is left alone
                failed += session.execute(
                    update(EvalRun)
                    .where(
                        EvalRun.id == run.id,
                        EvalRun.status == run.status,
                        (EvalRun.heartbeat_at == run.heartbeat_at)
                        if run.heartbeat_at is not None
                        else EvalRun.heartbeat_at.is_(None),
                    )
                    .values(
                        status="failed",
                        error=INTERRUPTED.format(minutes=round(self.stall_after.total_seconds() / 60)),
                        finished_at=utcnow(),
                    )
                ).rowcount
        if failed:
            log.warning("marked %d interrupted evaluation run(s) failed", failed)
        return failed

    def create_run(self, dataset_id: str, label: str = "", config: dict[str, Any] | None = None) -> EvalRun:
        """A queued run over the dataset (id or name); ``config`` is the settings snapshot to record
        (``settings_snapshot(assistant.settings)``; filled in at execution when empty)."""
        with self.sessions.begin() as session:
            dataset = DatasetStore._get(session, dataset_id)
            total = session.scalar(
                select(func.count(EvalRowRecord.id)).where(EvalRowRecord.dataset_id == dataset.id)
            )
            if not total:
                raise InvalidRequest(f"The dataset '{dataset.name}' has no rows to evaluate.")
            run = EvalRun(
                dataset_id=dataset.id,
                label=(label or "").strip()[:200],
                status="queued",
                total=total,
                done=0,
                config=dict(config or {}),
            )
            session.add(run)
        return run

    def cancel(self, run_id: str, by: str = "") -> EvalRun:
        """Stop a queued or running run: it is marked cancelled at once; a running one stops after
        the row it is on (the rows done so far are kept). Done, failed or cancelled runs cannot be."""
        with self.sessions.begin() as session:
            run = session.get(EvalRun, run_id) if run_id else None
            if run is None:
                raise NotFound(f"No evaluation run with id '{str(run_id)[:64]}'.")
            stopped = session.execute(
                update(EvalRun)
                .where(EvalRun.id == run.id, EvalRun.status.in_(("queued", "running")))
                .values(
                    status="cancelled",
                    error=f"cancelled by {by}" if by else "cancelled",
                    finished_at=utcnow(),
                )
            ).rowcount
            if not stopped:
                raise InvalidRequest(
                    f"The run is already {run.status}; only a queued or running run can be cancelled."
                )
        log.info("evaluation run %s cancelled", run_id)
        return self.get_run(run_id)

    def get_run(self, run_id: str) -> EvalRun:
        self.fail_stalled()
        with self.sessions() as session:
            run = session.get(EvalRun, run_id) if run_id else None
            if run is None:
                raise NotFound(f"No evaluation run with id '{str(run_id)[:64]}'.")
            return run

    def list_runs(self, dataset_id: str | None = None) -> list[EvalRun]:
        """Runs, newest first; only those of one dataset (id) when given."""
        self.fail_stalled()
        query = select(EvalRun).order_by(EvalRun.created_at.desc())
        if dataset_id:
            query = query.where(EvalRun.dataset_id == dataset_id)
        with self.sessions() as session:
            return list(session.scalars(query))

    def _claim(self, run_id: str, assistant: Any) -> list[EvalRowRecord]:
        """Mark a queued (or failed) run running, atomically, clearing results of an earlier
        attempt; return its rows."""
        with self.sessions.begin() as session:
            claimed = session.execute(
                update(EvalRun)
                .where(EvalRun.id == run_id, EvalRun.status.in_(("queued", "failed")))
                .values(status="running", done=0, error=None, finished_at=None, heartbeat_at=utcnow())
            ).rowcount
            run = session.get(EvalRun, run_id)
            if run is None:
                raise NotFound(f"No evaluation run with id '{str(run_id)[:64]}'.")
            if not claimed:
                raise InvalidRequest(f"The run is already {run.status}; create a new run to evaluate again.")
            session.execute(delete(EvalResult).where(EvalResult.run_id == run.id))
            rows = list(
                session.scalars(
                    select(EvalRowRecord)
                    .where(EvalRowRecord.dataset_id == run.dataset_id)
                    .order_by(EvalRowRecord.created_at, EvalRowRecord.external_id)
                )
            )
            run.total = len(rows)
            if not run.config:
                run.config = settings_snapshot(assistant.settings)
        return rows

    def _finish(self, run_id: str, **fields: Any) -> EvalRun:
        with self.sessions.begin() as session:
            run = session.get(EvalRun, run_id)
            if run.status == "cancelled":  # cancelled while its last row ran: it stays cancelled
                return run
            for name, value in fields.items():
                setattr(run, name, value)
            run.finished_at = utcnow()
        return run

    def execute_run(
        self,
        assistant: Any,
        run_id: str,
        progress: Progress | None = None,
        *,
        faithfulness_judge: FaithfulnessJudge | None = None,
    ) -> EvalRun:
        """Run every row; returns the finished run (status done or failed). Raises only for a run
        that cannot start (unknown, or already running/done); interrupts re-raise after marking it
        failed."""
        rows = self._claim(run_id, assistant)
        scorer = RowScorer(assistant, faithfulness_judge)
        items: list[dict[str, Any]] = []
        try:
            assistant.require_index()
            for done, row in enumerate(rows, start=1):
                try:
                    fields = scorer.score(row)
                except InvalidRequest as exc:  # this row's question is rejected; the run goes on
                    fields = {"metrics": {"error": exc.message}}
                with self.sessions.begin() as session:
                    session.add(EvalResult(run_id=run_id, row_id=row.id, **fields))
                    run = session.get(EvalRun, run_id)
                    run.done, run.heartbeat_at = done, utcnow()
                    cancelled = run.status == "cancelled"
                if cancelled:  # RunStore.cancel, from a staff page or another process
                    log.info("evaluation run %s stopped after %d of %d rows", run_id, done, len(rows))
                    return self.get_run(run_id)
                items.append(reports.item(row, fields))
                if progress:
                    progress(done, len(rows))
            summary = reports.summarize(items)
        except BaseException as exc:
            message = exc.message if isinstance(exc, AssistantError) else f"{type(exc).__name__}: {exc}"
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                message = "interrupted"
            log.exception("evaluation run %s failed", run_id)
            run = self._finish(run_id, status="failed", error=message or type(exc).__name__)
            if not isinstance(exc, Exception):
                raise
            return run
        return self._finish(run_id, status="done", summary=summary)

    def start_run_in_background(
        self, assistant: Any, run_id: str, *, faithfulness_judge: FaithfulnessJudge | None = None
    ) -> threading.Thread:
        """Execute the run in a daemon thread (started before returning)."""
        self.get_run(run_id)  # NotFound now, not in the thread
        thread = threading.Thread(
            target=self._execute_quietly,
            args=(assistant, run_id, faithfulness_judge),
            name=f"eval-run-{run_id[:8]}",
            daemon=True,
        )
        thread.start()
        return thread

    def _execute_quietly(self, assistant: Any, run_id: str, judge: FaithfulnessJudge | None) -> None:
        try:
            self.execute_run(assistant, run_id, faithfulness_judge=judge)
        except AssistantError as exc:  # the run could not start (already running or done)
            log.warning("evaluation run %s not started: %s", run_id, exc.message)

    def report(self, run_id: str) -> dict[str, Any]:
        return reports.report(self.sessions, run_id)

    def compare(self, run_a: str, run_b: str) -> dict[str, Any]:
        return reports.compare(self.sessions, run_a, run_b)


def execute_run(
    assistant: Any,
    run_id: str,
    progress: Progress | None = None,
    *,
    faithfulness_judge: FaithfulnessJudge | None = None,
) -> EvalRun:
    return RunStore(assistant.sessions).execute_run(
        assistant, run_id, progress, faithfulness_judge=faithfulness_judge
    )


def start_run_in_background(
    assistant: Any, run_id: str, *, faithfulness_judge: FaithfulnessJudge | None = None
) -> threading.Thread:
    return RunStore(assistant.sessions).start_run_in_background(
        assistant, run_id, faithfulness_judge=faithfulness_judge
    )
