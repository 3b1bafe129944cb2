"""Choose the answer-type check's window and floor on data, then show it beside no check.

1. Held-out AAQAD articles (needs the `assistant train-reader` cache: --train-work): for every
   when / how-many question form, the share refused — answerable ones (the answer sentence among the
   candidates), SQuAD-2-style unanswerable ones, and answerable ones read without their answer
   sentence — per (window, floor).
2. evalsets/calibration.jsonl: near-topic questions refused and answerable ones refused per
   (window, floor), from one retrieval per row (the check applied to the reader's order).
The choice: among the settings that refuse at most 1% of the answerable AAQAD when / how-many
questions, the one with the most correct refusals on calibration and no false one there (ties: the
fewest answerable AAQAD questions refused, then the smaller window and floor). Then every set is
scored (`assistant eval` code) with the chosen setting and with no check, side by side.

    .venv/bin/python benchmarks/answer_type.py [--train-work .cache/reader-training] [--sets ...]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.answer.answer_type import AskedType, check  # noqa: E402
from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.eval.dataset import load_rows  # noqa: E402
from assistant.eval.runner import evaluate  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402
from benchmarks.reader_eval import figures  # noqa: E402

WINDOWS = (1, 2, 3, 5, 10)
FLOORS = (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1)
AAQAD_BUDGET = 0.01
KEYS = ("n", "key_facts", "first_hit", "span_f1", "cite_prec", "false_ref", "near_ref", "off_ref")


def refused(asked, texts, probabilities, window, floor) -> bool:
    return not check(asked, list(range(len(texts))), texts, probabilities, window=window, floor=floor)[1]


def aaqad_rates(datasets: Path, work: Path, shipped: tuple[int, float], seed: int = 13) -> dict | None:
    """{(window, floor): {label: share refused}} on the held-out AAQAD when / how-many forms."""
    from assistant.reader.dataset import build_corpus
    from assistant.reader.feature_reader import FeatureReader
    from assistant.reader.feature_train import RETRIEVED_PARAGRAPHS, question_forms
    from assistant.reader.features import Candidate, QuestionView, pair_features
    from assistant.text.arabic import bm25_tokens

    tag = f"s{seed}-n0"
    paths = [work / f"{name}-{tag}.npy" for name in ("sentences", "paragraphs", "questions")]
    if not all(p.exists() for p in paths):
        print(f"(no train-reader vectors in {work}: run `assistant train-reader` first; AAQAD part skipped)")
        return None
    sentence_vecs, paragraph_vecs, question_vecs = (np.load(p) for p in paths)
    corpus = build_corpus(datasets, seed=seed)
    forms = question_forms(corpus, seed)
    sentences = [(pi, si, s) for pi, p in enumerate(corpus.paragraphs) for si, s in enumerate(p.sentences)]
    rows_of = defaultdict(list)
    for row, (pi, _, _) in enumerate(sentences):
        rows_of[pi].append(row)
    df: dict[str, int] = defaultdict(int)
    for p in corpus.paragraphs:
        for t in set(bm25_tokens(" ".join(p.sentences))):
            df[t] += 1
    n = len(corpus.paragraphs)

    def idf(t: str) -> float:
        return math.log(1.0 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5))

    model = FeatureReader.load().models.relevance
    cases = []  # (label, asked, texts in reader order, probabilities)
    spans = []  # (question, gold sentence, gold answer, reader's texts, probabilities, asked)
    for fi, (split, qi, _form, text) in enumerate(forms):
        asked = AskedType.of(text)
        if split != "held" or asked is None:
            continue
        q = corpus.held_out[qi]
        sims = paragraph_vecs @ question_vecs[fi]
        top = np.argsort(-sims)[:RETRIEVED_PARAGRAPHS]
        for mode in ("own", "dropped") if q.answer_sentence is not None else ("own",):
            candidates, gold = [], None
            for rank, pi in enumerate(top):
                for r in rows_of[int(pi)]:
                    _, si, stext = sentences[r]
                    if pi == q.paragraph and si == q.answer_sentence:
                        if mode == "dropped":
                            continue
                        gold = len(candidates)
                    cosine = float(sentence_vecs[r] @ question_vecs[fi])
                    candidates.append(Candidate(stext, cosine, float(sims[pi]), rank, si))
            if q.answer_sentence is None:
                label = "unanswerable"
            elif mode == "dropped":
                label = "answer removed"
            elif gold is None:
                continue  # the answer's paragraph was not retrieved: nothing to check
            else:
                label = "answerable"
            p = model.probabilities(pair_features(QuestionView.of(text, idf), candidates))
            order = np.argsort(-p)
            texts, probs = [candidates[i].text for i in order], [float(p[i]) for i in order]
            cases.append((label, asked, texts, probs))
            if label == "answerable" and q.span is not None:
                sentence = corpus.paragraphs[q.paragraph].sentences[q.answer_sentence]
                spans.append((text, sentence, sentence[q.span[0] : q.span[1]], texts, probs, asked))
    counts = defaultdict(int)
    for label, *_ in cases:
        counts[label] += 1
    print(f"held-out AAQAD when / how-many forms: {dict(counts)}")
    rates = {}
    for w in WINDOWS:
        for f in FLOORS:
            hits = defaultdict(int)
            for label, asked, texts, probs in cases:
                hits[label] += refused(asked, texts, probs, w, f)
            rates[w, f] = {label: hits[label] / counts[label] for label in counts}
    span_figures(spans, *shipped)
    return rates


def span_figures(spans, window: int, floor: float) -> None:
    """Short-answer EM / F1 on the answerable held-out when / how-many forms: from the gold sentence
    (the span rule alone) and from the sentence the check leads with (reader + check + rule, the
    shipped window and floor); a
    question without a span scores 0 (the reply then leads with its sentence)."""
    from assistant.eval.metrics import answer_tokens, token_f1

    for name in ("gold sentence", "reader's lead"):
        em, f1, found = [], [], 0
        for question, sentence, gold, texts, probs, asked in spans:
            if name == "gold sentence":
                lead = sentence
            else:
                items, ok = check(asked, texts, texts, probs, window=window, floor=floor)
                lead = items[0] if ok else None
            span = asked.span(lead, question) if lead else None
            predicted = lead[span[0] : span[1]] if span else ""
            found += bool(span)
            em.append(float(bool(span) and answer_tokens(predicted) == answer_tokens(gold)))
            f1.append(token_f1(predicted, gold) or 0.0 if span else 0.0)
        print(
            f"short answer from the {name}: {len(spans)} questions, span given {found / len(spans):.3f}, "
            f"EM {np.mean(em):.3f}, F1 {np.mean(f1):.3f}"
        )


def calibration_counts(assistant: Assistant, rows) -> dict:
    """{(window, floor): (near-topic refused, answerable refused)} among the calibration rows the
    assistant answers without the check (the check only adds refusals)."""
    out = {}
    cases = []
    for row in rows:
        asked = AskedType.of(row.question)
        if asked is None:
            continue
        found = assistant.pipeline.retrieve_evidence(row.question)
        if found.decline:
            continue
        texts = [e.sentence.text for e in found.evidence]
        probs = [e.reading.relevance if e.reading else 1.0 for e in found.evidence]
        cases.append(("answerable" if row.answerable else "unanswerable", asked, texts, probs))
    for w in WINDOWS:
        for f in FLOORS:
            near = sum(refused(a, t, p, w, f) for lab, a, t, p in cases if lab == "unanswerable")
            false = sum(refused(a, t, p, w, f) for lab, a, t, p in cases if lab == "answerable")
            out[w, f] = (near, false)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="calibration,reader_eval,questions")
    parser.add_argument("--work", type=Path, default=REPO / ".cache" / "bench")
    parser.add_argument("--train-work", type=Path, default=REPO / ".cache" / "reader-training")
    parser.add_argument("--datasets", type=Path, default=REPO.parent / "shared" / "datasets")
    args = parser.parse_args()
    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    base = Settings(
        data_dir=args.work / "own-data",
        documents_dir=REPO / "documents",
        cache_dir=cache,
        encoder_threads=1,
        reader="on",
    )
    stores = Stores.open(base)
    ingest(stores, progress=False)
    off = Assistant(base.model_copy(update={"answer_type_window": 0}), stores=stores)
    off.require_index()

    rates = aaqad_rates(args.datasets, args.train_work, (base.answer_type_window, base.answer_type_floor))
    calib = calibration_counts(off, load_rows(REPO / "evalsets" / "calibration.jsonl"))
    print(
        f"\n{'window':>6} {'floor':>6}  AAQAD refused (answerable / unanswerable / answer removed)  "
        "calibration refused (near-topic / answerable)"
    )
    for key in calib:
        r = rates[key] if rates else {}
        aaqad = " / ".join(
            f"{r.get(k, float('nan')):.3f}" for k in ("answerable", "unanswerable", "answer removed")
        )
        print(f"{key[0]:>6} {key[1]:>6}  {aaqad:<58} {calib[key][0]} / {calib[key][1]}")
    allowed = [
        k for k in calib if calib[k][1] == 0 and (rates is None or rates[k]["answerable"] <= AAQAD_BUDGET)
    ]
    safest = (lambda k: rates[k]["answerable"]) if rates else (lambda k: 0.0)
    window, floor = max(allowed, key=lambda k: (calib[k][0], -safest(k), -k[0], -k[1]))
    print(
        f"\nchosen: window {window}, floor {floor} "
        f"(shipped: {base.answer_type_window}, {base.answer_type_floor})"
    )

    variants = {
        "no check": off,
        "check": Assistant(
            base.model_copy(update={"answer_type_window": window, "answer_type_floor": floor}), stores=stores
        ),
    }
    for name in args.sets.split(","):
        rows = load_rows(REPO / "evalsets" / f"{name}.jsonl")
        print(f"\n== evalsets/{name}.jsonl ({len(rows)} rows)")
        print(f"{'variant':<9} " + " ".join(f"{k:>9}" for k in KEYS))
        for variant, assistant in variants.items():
            f = figures(evaluate(assistant, rows).rows)
            cells = [f"{f[k]:9.3f}" if isinstance(f[k], float) else f"{str(f[k]):>9}" for k in KEYS]
            print(f"{variant:<9} " + " ".join(cells))


if __name__ == "__main__":
    main()
