"""Follow-up rewriting vs retrieval, on evalsets/conversations.jsonl (two-turn cases, real model).

For each case the second turn is retrieved three ways: (a) the raw follow-up alone, (b) naive
concatenation of both turns, (c) the offline ``KeyTermRewriter`` (assistant/chat/followups.py) given the
first turn as history. Relevant chunks are those overlapping the evidence span of the second turn
(like assistant/eval/runner.relevant_chunks). Reported per split: hit@5 and MRR@10 (hybrid retrieval),
and for the rewriter how many second turns it treated as follow-ups. Rows tagged "dev" shaped the
heuristic, rows tagged "test" did not; "topic-shift" rows have a standalone second turn that must not
be merged.

    .venv/bin/python benchmarks/followups.py [--max-terms 3] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.chat.followups import MAX_CARRIED_TERMS, KeyTermRewriter, Turn, is_followup  # noqa: E402
from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.eval.dataset import EvalRow  # noqa: E402
from assistant.eval.metrics import hit_at, mrr_at  # noqa: E402
from assistant.eval.runner import relevant_chunks  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402

METHODS = ("raw", "concat", "rewrite")


@dataclass
class CaseResult:
    id: str
    tags: list[str]
    followup: bool
    queries: dict[str, str] = field(default_factory=dict)
    hit5: dict[str, float] = field(default_factory=dict)
    mrr10: dict[str, float] = field(default_factory=dict)


def load_cases(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(assistant: Assistant, cases: list[dict], max_terms: int) -> list[CaseResult]:
    rewriter = KeyTermRewriter(assistant.retriever.lexical.query_weights, max_terms=max_terms)
    results = []
    for case in cases:
        first, second = case["turns"]
        row = EvalRow(
            id=case["id"],
            question=second,
            answerable=True,
            reference_document_ids=case["document_ids"],
            evidence=case["evidence"],
        )
        relevant = relevant_chunks(assistant, row)
        history = [Turn(question=first, standalone=first)]
        result = CaseResult(case["id"], case["tags"], followup=is_followup(second))
        result.queries = {
            "raw": second,
            "concat": f"{first} {second}",
            "rewrite": rewriter.rewrite(second, history),
        }
        for method, query in result.queries.items():
            ranking = [h.chunk.id for h in assistant.retriever.search(query, 10)]
            result.hit5[method] = hit_at(ranking, relevant, 5)
            result.mrr10[method] = mrr_at(ranking, relevant, 10)
        results.append(result)
    return results


def table(title: str, results: list[CaseResult]) -> str:
    if not results:
        return f"{title}: no rows"
    n = len(results)
    merged = sum(r.followup for r in results)
    cells = []
    for method in METHODS:
        hit = sum(r.hit5[method] for r in results) / n
        mrr = sum(r.mrr10[method] for r in results) / n
        cells.append(f"{hit:8.3f} {mrr:7.3f}")
    return f"{title:<22} {n:>4}  " + "  ".join(cells) + f"  {merged:>4}/{n}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-terms", type=int, default=MAX_CARRIED_TERMS)
    parser.add_argument("--verbose", action="store_true", help="print every case's queries and hits")
    args = parser.parse_args()

    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    settings = Settings(
        data_dir=cache / "bench" / "followups-data", documents_dir=REPO / "documents", cache_dir=cache
    )
    stores = Stores.open(settings)
    ingest(stores, progress=False)
    assistant = Assistant(settings, stores=stores)
    cases = load_cases(REPO / "evalsets" / "conversations.jsonl")
    results = run(assistant, cases, args.max_terms)

    if args.verbose:
        for r in results:
            marks = " ".join(f"{m}={int(r.hit5[m])}" for m in METHODS)
            print(f"{r.id} [{','.join(r.tags)}] followup={r.followup} {marks}")
            print(f"    rewrite: {r.queries['rewrite']}")
        print()

    shift = [r for r in results if "topic-shift" in r.tags]
    follow = [r for r in results if "topic-shift" not in r.tags]
    print(f"hybrid retrieval, second turn; max_terms={args.max_terms}")
    head = "  ".join(f"{m + ' hit@5':>8} {'MRR@10':>7}" for m in METHODS)
    print(f"{'split':<22} {'rows':>4}  {head}  {'merged':>6}")
    for title, subset in (
        ("dev follow-ups", [r for r in follow if "dev" in r.tags]),
        ("test follow-ups", [r for r in follow if "test" in r.tags]),
        ("all follow-ups", follow),
        ("dev (incl. shifts)", [r for r in results if "dev" in r.tags]),
        ("test (incl. shifts)", [r for r in results if "test" in r.tags]),
        ("all", results),
        ("topic-shift (dev+test)", shift),
    ):
        print(table(title, subset))
    print("merged = second turns the rewriter treated as follow-ups (topic shifts should be 0).")


if __name__ == "__main__":
    main()
