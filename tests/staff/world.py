"""A small staff "world" for page tests: the fast fake embedder over the seed corpus, an admin and a
reviewer, a few answers in the review queue, a dataset of ten questions and two finished runs."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.chat.service import Assistant
from assistant.config import Settings
from assistant.embedding import HashEmbedder
from assistant.eval.datasets import DatasetStore
from assistant.eval.runs import RunStore, execute_run, settings_snapshot
from assistant.staff import accounts as staff_auth
from tests.conftest import CACHE, DOCUMENTS, REPO, ingest_into
from tests.staff.helpers import ADMIN, REVIEWER

QUESTIONS = REPO / "evalsets" / "questions.jsonl"


@dataclass
class World:
    assistant: Assistant
    dataset_id: str
    run_ids: list[str]  # oldest first


def build_world(root: Path, rows: int = 10) -> World:
    shutil.copytree(DOCUMENTS, root / "documents")
    settings = Settings(
        data_dir=root / "data",
        documents_dir=root / "documents",
        cache_dir=CACHE,
        refusal_threshold=0.0,
        rate_limit_per_ip="",
        rate_limit_per_origin="",
    )
    assistant = Assistant(settings, embedder=HashEmbedder())
    ingest_into(assistant, progress=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(staff_auth, "BCRYPT_ROUNDS", 4)
        staff_auth.create_user(assistant.sessions, *ADMIN, role="admin")
        staff_auth.create_user(assistant.sessions, *REVIEWER, role="reviewer")
    for question in ("أين عُقدت القمة العالمية الخامسة؟", "Where was the fifth global summit held?"):
        _, _, answer_id = assistant.ask(question)
        assistant.feedback.add(answer_id, -1, "incomplete", "ينقصها التاريخ")
    datasets = DatasetStore(assistant.sessions)
    dataset = datasets.create("تجربة التقرير")
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()[:rows]
    datasets.import_rows(dataset.id, "\n".join(lines) + "\n", "jsonl")
    runs = RunStore(assistant.sessions)
    run_ids = []
    for label in ("first run with a rather long descriptive label", "second run with another long label"):
        run = runs.create_run(dataset.id, label, settings_snapshot(settings))
        execute_run(assistant, run.id)
        run_ids.append(run.id)
    return World(assistant, dataset.id, run_ids)
