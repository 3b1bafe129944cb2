"""Evaluation rows read straight from a JSONL/CSV file (schema in evalsets/README.md), for scripts.

Parsing and validation are ``dataset_io``'s, the same the staff import uses; an ``EvalRow`` carries
the stored field names, so ``scoring.RowScorer`` scores it exactly like a row kept in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InvalidRequest
from assistant.eval import dataset_io


@dataclass(frozen=True)
class EvalRow:
    id: str
    question: str
    answerable: bool = True
    tags: list[str] = field(default_factory=list)
    reference_document_ids: list[str] = field(default_factory=list)
    reference_chunk_ids: list[str] = field(default_factory=list)
    key_facts: list[str] = field(default_factory=list)
    reference_answer: str = ""
    evidence: str = ""


def load_rows(path: Path) -> list[EvalRow]:
    path = Path(path)
    if not path.exists():
        raise InvalidRequest(f"The dataset file '{path}' does not exist.")
    fmt = dataset_io.check_format(path.suffix or "jsonl")
    rows = []
    for number, fields in enumerate(dataset_io.parse(path.read_text(encoding="utf-8"), fmt), start=1):
        fields.pop("source_answer_id", None)
        rows.append(EvalRow(id=fields.pop("external_id", "") or f"row-{number}", **fields))
    return rows
