"""Dataset rows as files (JSON Lines or CSV) and the validation of row fields.

File columns follow evalsets/README.md: ``id`` (stored as ``external_id``), ``question``, ``tags``,
``answerable``, ``document_ids`` (stored as ``reference_document_ids``), ``key_facts``,
``reference_answer``, ``evidence``, plus ``reference_chunk_ids`` and ``source_answer_id``. The
stored names ``external_id`` and ``reference_document_ids`` are accepted as aliases.

In CSV, list columns are JSON arrays (``["a", "b"]``, what export writes) or ``|``-separated text
(``a|b``); ``answerable`` is true/false, 1/0 or yes/no, empty meaning true. Export always writes
JSON arrays, so export → import round-trips exactly. CSV export starts with a UTF-8 byte order mark
(Excel then shows Arabic) and neutralises cells a spreadsheet would run as a formula
(assistant/text/safety.py: a leading apostrophe, removed again on import).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from assistant.errors import InvalidRequest
from assistant.text.safety import CSV_BOM, from_spreadsheet, spreadsheet_safe

FORMATS = ("jsonl", "csv")
FILE_COLUMNS = (
    "id",
    "question",
    "tags",
    "answerable",
    "document_ids",
    "key_facts",
    "reference_answer",
    "evidence",
    "reference_chunk_ids",
    "source_answer_id",
)
TO_ROW = {"id": "external_id", "document_ids": "reference_document_ids"}
ALIASES = {"external_id": "id", "reference_document_ids": "document_ids"}
ROW_FIELDS = (
    "external_id",
    "question",
    "reference_answer",
    "reference_chunk_ids",
    "reference_document_ids",
    "answerable",
    "tags",
    "key_facts",
    "evidence",
    "source_answer_id",
)
LIST_FIELDS = ("reference_chunk_ids", "reference_document_ids", "tags", "key_facts")
TEXT_FIELDS = ("external_id", "question", "reference_answer", "evidence")
MAX_ERRORS = 10
_TRUE, _FALSE = {"true", "1", "yes", "y", ""}, {"false", "0", "no", "n"}


def check_format(fmt: str) -> str:
    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidRequest(f"Unknown dataset format '{fmt}'; use one of: {', '.join(FORMATS)}.")
    return fmt


def _as_list(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"'{name}' is not a valid JSON array ({exc.msg})") from exc
        else:
            value = text.split("|")
    if not isinstance(value, list | tuple):
        raise ValueError(f"'{name}' must be a list of strings")
    if not all(isinstance(item, str) for item in value):
        raise ValueError(f"'{name}' must contain only strings")
    return [item.strip() for item in value if item.strip()]


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return True
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError(f"'answerable' must be true or false, not {value!r}")


def clean_fields(fields: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate and normalise row fields (stored names). Raises ValueError naming the problem."""
    unknown = sorted(set(fields) - set(ROW_FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name in LIST_FIELDS:
            out[name] = _as_list(name, value)
        elif name == "answerable":
            out[name] = _as_bool(value)
        elif name == "source_answer_id":
            if value is not None and not isinstance(value, str):
                raise ValueError("'source_answer_id' must be a string")
            out[name] = (value.strip() or None) if isinstance(value, str) else None
        else:
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise ValueError(f"'{name}' must be text")
            out[name] = value.strip()
    if not partial or "question" in out:
        if not out.get("question"):
            raise ValueError("'question' is missing or empty")
    if len(out.get("external_id", "")) > 120:
        raise ValueError("'id' is longer than 120 characters")
    return out


def _from_file(record: dict[str, Any]) -> dict[str, Any]:
    fields = {}
    for key, value in record.items():
        key = ALIASES.get(key, key)
        if key not in FILE_COLUMNS:
            raise ValueError(f"unknown column '{key}' (allowed: {', '.join(FILE_COLUMNS)})")
        fields[TO_ROW.get(key, key)] = value
    return clean_fields(fields)


def _records(text: str, fmt: str) -> Iterable[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, record, problem) for every row of the file."""
    text = text.lstrip("\ufeff")
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"not valid JSON ({exc.msg})"
                continue
            if not isinstance(data, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, data, None
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None:
        return
    header = [ALIASES.get(h.strip(), h.strip()) for h in reader.fieldnames]
    bad = [h for h in header if h not in FILE_COLUMNS]
    if bad or "question" not in header:
        problem = f"unknown column(s) {', '.join(bad)}" if bad else "no 'question' column"
        yield 1, None, f"{problem} (allowed: {', '.join(FILE_COLUMNS)})"
        return
    reader.fieldnames = header
    start = reader.line_num + 1
    for record in reader:
        if None in record:
            yield start, None, "more cells than columns"
        elif not any((v or "").strip() for v in record.values()):
            pass  # blank line
        else:
            yield start, {k: from_spreadsheet(v) for k, v in record.items() if v is not None}, None
        start = reader.line_num + 1


def parse(text: str, fmt: str) -> list[dict[str, Any]]:
    """Rows (stored field names) from a JSONL or CSV text; InvalidRequest listing every bad line."""
    fmt = check_format(fmt)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, record, problem in _records(text, fmt):
        if record is not None:
            try:
                row = _from_file(record)
            except ValueError as exc:
                problem = str(exc)
            else:
                external = row.get("external_id", "")
                if external and external in seen:
                    problem = f"id '{external}' already used on line {seen[external]}"
                else:
                    seen[external] = number
                    rows.append(row)
        if problem:
            problems.append(f"line {number}: {problem}")
    if problems:
        more = f" (and {len(problems) - MAX_ERRORS} more)" if len(problems) > MAX_ERRORS else ""
        raise InvalidRequest(
            "Nothing was imported; fix these rows: " + "; ".join(problems[:MAX_ERRORS]) + more + "."
        )
    if not rows:
        raise InvalidRequest("The file holds no rows.")
    return rows


def to_file_record(row: Any) -> dict[str, Any]:
    """One stored row (ORM object or dict of stored fields) in the file schema."""
    get = row.get if isinstance(row, dict) else lambda name, default=None: getattr(row, name, default)
    record = {
        "id": get("external_id", "") or "",
        "question": get("question", ""),
        "tags": list(get("tags", None) or []),
        "answerable": bool(get("answerable", True)),
        "document_ids": list(get("reference_document_ids", None) or []),
        "key_facts": list(get("key_facts", None) or []),
        "reference_answer": get("reference_answer", "") or "",
        "evidence": get("evidence", "") or "",
        "reference_chunk_ids": list(get("reference_chunk_ids", None) or []),
    }
    if get("source_answer_id", None):
        record["source_answer_id"] = get("source_answer_id")
    return record


def serialize(rows: Iterable[Any], fmt: str) -> str:
    fmt = check_format(fmt)
    records = [to_file_record(r) for r in rows]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=FILE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        cells = {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in record.items()
        }
        cells["answerable"] = "true" if record["answerable"] else "false"
        writer.writerow({k: spreadsheet_safe(v) for k, v in cells.items()})
    return CSV_BOM + out.getvalue()
