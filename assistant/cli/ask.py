"""`assistant ask` and `assistant search`: a question answered with citations, or the ranked chunks."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from assistant.cli import common
from assistant.errors import AssistantError


def ask(
    question: Annotated[str, typer.Argument(help="The question, in Arabic or English.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Answer a question from the documents, with numbered citations."""
    try:
        answer, _hits = common.open_assistant().answer(question)
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
) -> None:
    """Hybrid (dense + BM25) search over the chunks."""
    try:
        hits = common.open_assistant().search(query, k)
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
