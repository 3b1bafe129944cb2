"""Evaluation rows (JSON Lines; schema in eval/README.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InvalidRequest


@dataclass(frozen=True)
class EvalRow:
    id: str
    question: str
    answerable: bool
    tags: list[str] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)
    key_facts: list[str] = field(default_factory=list)
    reference_answer: str = ""
    evidence: str = ""


def load_rows(path: Path) -> list[EvalRow]:
    if not path.exists():
        raise InvalidRequest(f"The dataset file '{path}' does not exist.")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            rows.append(
                EvalRow(
                    id=str(data["id"]),
                    question=str(data["question"]),
                    answerable=bool(data.get("answerable", True)),
                    tags=list(data.get("tags", [])),
                    document_ids=list(data.get("document_ids", [])),
                    key_facts=list(data.get("key_facts", [])),
                    reference_answer=str(data.get("reference_answer", "")),
                    evidence=str(data.get("evidence", "")),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InvalidRequest(f"{path.name} line {number}: not a valid dataset row ({exc}).") from exc
    return rows
