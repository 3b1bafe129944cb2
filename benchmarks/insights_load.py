"""How long /staff/insights takes to compute, side by side at growing sizes (SQLite, real e5-small):

* usage: the aggregates of a 30-day period over 1k, 10k and 100k stored answers' figures;
* content gaps: embedding and grouping 50, 200 and 400 refused questions (the page's cap), plus the
  closest-document searches of up to 30 groups; a first load and a repeat (vectors cached).

    ASSISTANT_CACHE_DIR=.cache .venv/bin/python benchmarks/insights_load.py [--work /tmp/insights-bench]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import insert  # noqa: E402

from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.staff.gaps import VectorCache, content_gaps  # noqa: E402
from assistant.staff.insights import Period, usage  # noqa: E402
from assistant.store.database import make_engine, make_sessionmaker, sqlite_url  # noqa: E402
from assistant.store.models import (  # noqa: E402
    AnswerRecord,
    AnswerStats,
    AnswerStatsDocument,
    Conversation,
    utcnow,
)
from assistant.text.language_mix import LANGUAGES  # noqa: E402
from assistant.types import Answer  # noqa: E402


def _stats_rows(n: int, rng: random.Random) -> list[dict]:
    now = utcnow()
    return [
        {
            "answer_id": f"bench-{i}",
            "created_at": now - timedelta(minutes=rng.randrange(60 * 24 * 30)),
            "refused": rng.random() < 0.3,
            "refusal_reason": "weak_evidence",
            "latency_ms": rng.uniform(20, 400),
            "language": rng.choice(LANGUAGES),
            "thumbs_up": int(rng.random() < 0.1),
            "thumbs_down": int(rng.random() < 0.05),
        }
        for i in range(n)
    ]


def _answer_row(stats: dict) -> dict:
    return {
        "id": stats["answer_id"],
        "conversation_id": "bench",
        "question": "سؤال",
        "standalone_question": "سؤال",
        "answer": "إجابة",
        "refused": stats["refused"],
        "confidence": 0.5,
        "generator": "extractive",
        "citations": [],
        "retrieved": [],
        "created_at": stats["created_at"],
    }


def _questions(n: int) -> list[str]:
    lines = []
    for name in ("questions.jsonl", "calibration.jsonl", "gap_groups.jsonl", "reader_eval.jsonl"):
        lines += [json.loads(x)["question"] for x in (REPO / "evalsets" / name).read_text().splitlines() if x]
    return [lines[i % len(lines)] + ("" if i < len(lines) else f" ({i // len(lines)})") for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="insights-bench-"))
    rng = random.Random(7)
    print("usage aggregates, 30-day period (median of 3 runs)")
    print(f"{'answers':>8} {'ms':>8}")
    for n in (1_000, 10_000, 100_000):
        (work / f"usage-{n}").mkdir(parents=True, exist_ok=True)
        sessions = make_sessionmaker(make_engine(sqlite_url(work / f"usage-{n}")))
        rows = _stats_rows(n, rng)
        with sessions.begin() as session:  # the answers too: the page first looks for answers without figures
            session.execute(insert(Conversation), [{"id": "bench", "created_at": utcnow()}])
            session.execute(insert(AnswerRecord), [_answer_row(row) for row in rows])
            session.execute(insert(AnswerStats), rows)
            session.execute(
                insert(AnswerStatsDocument),
                [
                    {"answer_id": r["answer_id"], "document_id": f"doc-{i % 50}", "created_at": when}
                    for i, (r, when) in enumerate((r, r["created_at"]) for r in rows)
                ],
            )
        times = []
        for _ in range(3):
            started = time.perf_counter()
            figures = usage(sessions, Period.last_days())
            times.append((time.perf_counter() - started) * 1000)
        assert figures.questions <= n
        print(f"{n:>8} {sorted(times)[1]:>8.0f}")

    settings = Settings(data_dir=work / "gaps", documents_dir=REPO / "documents")
    assistant = Assistant(settings)
    ingest(assistant.stores, progress=False)
    assistant.refresh(force=True)
    print("content gaps with the real model: a first page load (every question embedded), then a repeat")
    print(f"{'questions':>9} {'groups':>6} {'first ms':>9} {'repeat ms':>9}")
    done = 0
    for n in (50, 200, 400):
        refusal = Answer(text="لا أجد إجابة.", refused=True, refusal_reason="weak_evidence")
        for question in _questions(n)[done:]:
            assistant.conversations.save(None, question, question, refusal, [], 10.0)
        done = n
        cache = VectorCache()
        times = []
        for _ in range(2):
            started = time.perf_counter()
            gaps = content_gaps(
                assistant.sessions,
                assistant.embedder,
                lambda q, k, v: assistant.retriever.search(q, k, query_vector=v),
                Period.last_days(),
                0,
                cache=cache,
            )
            times.append((time.perf_counter() - started) * 1000)
        groups = len(gaps.groups) + gaps.hidden_groups
        print(f"{gaps.grouped:>9} {groups:>6} {times[0]:>9.0f} {times[1]:>9.0f}")

if __name__ == "__main__":
    main()
