"""`assistant ask` and `assistant search`: a question answered with citations, or the ranked chunks."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from assistant.cli import common
from assistant.errors import AssistantError

Many = Annotated[list[str] | None, typer.Option(help="Repeat for several values.")]
Date = Annotated[str | None, typer.Option(help="YYYY-MM-DD (inclusive).")]


def _filters(kind, place, language, document, date_from, date_to) -> dict:
    """The API's filter object from the options (empty: no filter; checked by parse_filters)."""
    wire = {"kind": kind, "place": place, "language": language, "document_ids": document,
            "date_from": date_from, "date_to": date_to}  # fmt: skip
    return {k: v for k, v in wire.items() if v}


def ask(
    question: Annotated[str, typer.Argument(help="The question, in Arabic or English.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    kind: Many = None,
    place: Many = None,
    language: Many = None,
    document: Many = None,
    date_from: Date = None,
    date_to: Date = None,
) -> None:
    """Answer a question from the documents, with numbered citations; the filter options restrict
    which documents it answers from."""
    try:
        filters = _filters(kind, place, language, document, date_from, date_to)
        answer, _hits = common.open_assistant().answer(question, filters=filters)
    except AssistantError as exc:
        common.fail(exc)
        return
    if as_json:
        payload = {
            "answer": answer.text,
            "refused": answer.refused,
            "confidence": round(answer.confidence, 4),
            "citations": [
                {k: v for k, v in c.__dict__.items() if k not in ("start", "end")} for c in answer.citations
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(answer.text)
    if answer.citations:
        typer.echo("")
        for c in answer.citations:
            typer.echo(f"[{c.n}] {c.title} ({c.document_id})")


def search(
    query: Annotated[str, typer.Argument(help="Search text.")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="Number of chunks.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    kind: Many = None,
    place: Many = None,
    language: Many = None,
    document: Many = None,
    date_from: Date = None,
    date_to: Date = None,
) -> None:
    """Hybrid (dense + BM25) search over the chunks, within the filter options when given."""
    try:
        filters = _filters(kind, place, language, document, date_from, date_to)
        hits = common.open_assistant().search(query, k, filters=filters)
    except AssistantError as exc:
        common.fail(exc)
        return
    rows = [
        {"document_id": h.chunk.document_id, "chunk_id": h.chunk.id, "text": h.chunk.text, "score": h.score}
        for h in hits
    ]
    if as_json:
        typer.echo(json.dumps({"results": rows}, ensure_ascii=False, indent=2))
        return
    for i, row in enumerate(rows, start=1):
        preview = row["text"].replace("\n", " ")[:160]
        typer.echo(f"{i}. {row['score']:.4f} {row['document_id']} — {preview}")
