"""CSV and JSON Lines downloads of staff data (the review queue, feedback). CSV cells that a
spreadsheet would run as formulas are neutralised and the file starts with a UTF-8 BOM
(assistant/text/safety.py), as for dataset exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response

from assistant.text.safety import CSV_BOM, spreadsheet_safe

FORMATS = ("csv", "jsonl")


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return value


def download(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str, name: str) -> Response:
    fmt = fmt if fmt in FORMATS else "csv"
    if fmt == "jsonl":
        body = "".join(
            json.dumps({c: _json(row.get(c)) for c in columns}, ensure_ascii=False) + "\n" for row in rows
        )
        media = "application/x-ndjson; charset=utf-8"
    else:
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: spreadsheet_safe(_cell(row.get(c))) for c in columns})
        body = CSV_BOM + out.getvalue()
        media = "text/csv; charset=utf-8"
    filename = f"{name}.{fmt}"
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
