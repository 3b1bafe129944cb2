"""Choose the reader's refusal thresholds and span margin on evalsets/calibration.jsonl only.

For every calibration row the pipeline reads the evidence once (reader on); then:
  * every (answerability threshold t, support floor f) pair is tried: answer rate on answerable
    rows, refusal rate on unanswerable ones. The pair picked maximises balanced accuracy among
    pairs with at most 3% false refusals (the issue's bound, or what the floor alone refuses if
    that is more; if none, the fewest false refusals), ties toward lower thresholds (fewer false
    refusals). The feature reader keeps the composer's support threshold as its floor
    (ASSISTANT_REFUSAL_THRESHOLD): its answerability can only add refusals;
  * every span margin d is tried: the share of answered answerable rows whose reply's first line
    holds a key fact (the lead span when its margin >= d, else the supporting sentence); the
    margin picked maximises that share, ties toward the higher margin (fewer spans shown).
  * (feature reader) every "confident" level c is tried: a reply quotes the reader's first choice
    alone when its probability reaches c, else its first three; the level picked is the lowest
    (the most one-sentence replies, the most precise citations) whose key facts on the answered
    answerable rows reach the cosine composer's on the same rows: the reader may not lose facts.
Prints the tables the choices were made from (docs/reader.md records them); --write stores the
chosen thresholds in the shipped reader's manifest (its weights, and so their sha256, unchanged).

    .venv/bin/python benchmarks/reader_calibrate.py [--dataset evalsets/calibration.jsonl] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.answer.answer_first import AnswerFirstComposer  # noqa: E402
from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.eval.dataset import load_rows  # noqa: E402
from assistant.eval.metrics import key_fact_share  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402

ANSWERABILITY = np.round(np.arange(0.0, 0.96, 0.02), 3)
FLOORS = (0.0, 0.70, 0.72, 0.74, 0.76, 0.78, 0.80)
MARGINS = (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 99.0)
CONFIDENT = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.01)
MAX_FALSE_REFUSALS = 0.03


def first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", type=Path, default=REPO / "evalsets" / "calibration.jsonl")
    parser.add_argument("--work", type=Path, default=REPO / ".cache" / "bench")
    parser.add_argument("--write", action="store_true", help="store the chosen thresholds in the manifest")
    args = parser.parse_args()
    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    settings = Settings(
        data_dir=args.work / "own-data",
        documents_dir=REPO / "documents",
        cache_dir=cache,
        reader="on",
        reader_answerability_threshold=0.0,
        reader_support_floor=0.0,
    )
    stores = Stores.open(settings)
    ingest(stores, progress=False)
    assistant = Assistant(settings, stores=stores)
    assistant.require_index()
    if assistant.pipeline.reader is None:
        sys.exit("the reader is not available (see the log): nothing to calibrate")
    floors = FLOORS
    if getattr(assistant.pipeline.reader, "kind", "") == "features":
        # The feature reader keeps the composer's support threshold (chosen on this set,
        # docs/evaluation.md): its answerability may only add refusals on top of it.
        floors = (settings.refusal_threshold,)
    rows = load_rows(args.dataset)
    found = [assistant.pipeline.retrieve_evidence(row.question) for row in rows]
    ans = np.array([r.answerable for r in rows])
    top = np.array([f.answerability or 0.0 for f in found])
    sup = np.array([f.support for f in found])
    print(f"{args.dataset.name}: {ans.sum()} answerable, {(~ans).sum()} unanswerable")
    print(f"{'floor':>6} {'t':>6} {'answer':>7} {'refuse':>7} {'false_ref':>9} {'bal_acc':>8}")
    best = None
    for floor in floors:
        for t in ANSWERABILITY:
            answered = (top >= t) & (sup >= floor)
            answer_rate, refuse_rate = answered[ans].mean(), (~answered[~ans]).mean()
            false_refusals = 1 - answer_rate
            bal = (answer_rate + refuse_rate) / 2
            floor_only = 1 - (sup[ans] >= floor).mean()  # what the floor refuses on its own
            feasible = false_refusals <= max(MAX_FALSE_REFUSALS, floor_only) + 1e-9
            key = (feasible, bal if feasible else -false_refusals, -t, -floor)
            if best is None or key > best[0]:
                best = (key, floor, t, answer_rate, refuse_rate)
        # one line per floor: its best t
    for floor in floors:
        rowsf = []
        for t in ANSWERABILITY:
            answered = (top >= t) & (sup >= floor)
            rowsf.append((t, answered[ans].mean(), (~answered[~ans]).mean()))
        floor_only = 1 - (sup[ans] >= floor).mean()
        feasible = [r for r in rowsf if 1 - r[1] <= max(MAX_FALSE_REFUSALS, floor_only) + 1e-9] or rowsf[:1]
        t, a, r = max(feasible, key=lambda x: ((x[1] + x[2]) / 2, -x[0]))
        print(f"{floor:6.2f} {t:6.2f} {a:7.3f} {r:7.3f} {1 - a:9.3f} {(a + r) / 2:8.3f}")
    _, floor, t, answer_rate, refuse_rate = best
    print(
        f"\nchosen: reader_answerability_threshold={t} reader_support_floor={floor} "
        f"(answer {answer_rate:.3f}, refuse {refuse_rate:.3f}; "
        "max balanced accuracy with <= 3% false refusals)"
    )
    print("\nspan margin: share of answered answerable rows whose first line holds a key fact")
    answered = (top >= t) & (sup >= floor)
    best_margin = None
    for d in MARGINS:
        composer = AnswerFirstComposer(span_margin=d)
        hits = []
        for row, f, ok in zip(rows, found, answered, strict=True):
            if not (row.answerable and ok and row.key_facts):
                continue
            text = composer.generate(row.question, f.hits, f.evidence).text
            hits.append(key_fact_share(first_line(text), row.key_facts) > 0)
        share = float(np.mean(hits)) if hits else 0.0
        print(f"  margin {d:6.1f}: {share:.3f} of {len(hits)}")
        if best_margin is None or (share, d) > best_margin[:2]:
            best_margin = (share, d)
    print(f"chosen: reader_span_margin={best_margin[1]}")
    chosen = {"answerability": float(t), "support_floor": float(floor)}
    if getattr(assistant.pipeline.reader, "kind", "") == "features":
        from assistant.answer.extractive import ExtractiveComposer

        kept = [
            (row, f)
            for row, f, ok in zip(rows, found, answered, strict=True)
            if row.answerable and ok and row.key_facts
        ]

        def shares(reply, row):
            facts = key_fact_share(reply.text, row.key_facts) > 0
            precision = np.mean([key_fact_share(c_.quote, row.key_facts) > 0 for c_ in reply.citations])
            return facts, precision

        composer = ExtractiveComposer(
            max_sentences=settings.answer_max_sentences, margin=settings.answer_margin
        )
        base = [
            shares(composer.generate(r.question, f.hits, sorted(f.evidence, key=lambda e: -e.score)), r)
            for r, f in kept
        ]
        base_facts = float(np.mean([b[0] for b in base]))
        print(
            f"\nconfident: key facts / citation precision of answered answerable rows "
            f"(the cosine composer on the same rows: {base_facts:.3f} / {np.mean([b[1] for b in base]):.3f})"
        )
        table = []
        for c in CONFIDENT:
            reader_composer = AnswerFirstComposer(span_margin=99.0, confident=c)
            got = [shares(reader_composer.generate(r.question, f.hits, f.evidence), r) for r, f in kept]
            fk, fp = float(np.mean([g[0] for g in got])), float(np.mean([g[1] for g in got]))
            table.append((c, fk, fp))
            print(f"  confident {c:4.2f}: key facts {fk:.3f} citation precision {fp:.3f}")
        # the most precise level that keeps the key facts the composer finds (else the most facts)
        keeps = [t for t in table if t[1] >= base_facts - 1e-9]
        pick = min(keeps, key=lambda t: t[0]) if keeps else max(table, key=lambda t: (t[1], -t[0]))
        chosen["confident"] = float(pick[0])
        print(f"chosen: reader_confident={pick[0]} (the lowest level whose key facts reach the composer's)")
    if args.write:
        from assistant.reader.feature_model import MANIFEST_FILE, WEIGHTS_DIR

        path = WEIGHTS_DIR / MANIFEST_FILE
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["thresholds"] = {**manifest.get("thresholds", {}), **chosen}
        manifest["thresholds_chosen_on"] = f"evalsets/{args.dataset.name} (benchmarks/reader_calibrate.py)"
        path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {chosen} to {path}")
    print("\nrows (+ answerable): answerability, support, tags")
    for row, a, s in zip(rows, top, sup, strict=True):
        print(f"  {'+' if row.answerable else '-'} {a:.3f} {s:.3f} {row.id} {','.join(row.tags)}")


if __name__ == "__main__":
    main()
