"""Development figures on the held-out AAQAD articles (never trained on).

For each held-out question, in each of its forms (as written, a dialect rewrite, loose spelling,
English question words), the reader scores every sentence of the question's paragraph plus
``distractors`` sentences of other held-out articles:
- MRR@10 of the answer sentence, by reader relevance and by the e5 cosine (the order the composer
  used before), side by side;
- answerability: accuracy and ROC AUC of the best sentence's answerability against the label
  (unanswerable questions are SQuAD-2-style near-topic questions about their own paragraph);
- span EM and token F1 of the span decoded from the best sentence, on answerable questions.
"""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import torch

from assistant.reader.batches import make_batch
from assistant.reader.dataset import Pair
from assistant.reader.prepare import Prepared
from assistant.reader.spans import best_span, exact_match, token_f1
from assistant.reader.train import pair_item

KINDS = ("msa", "levantine", "egyptian", "gulf", "iraqi", "maghrebi", "noisy", "code-switch")


def _auc(labels: list[int], scores: list[float]) -> float | None:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return None
    neg_sorted = np.sort(neg)
    wins = sum(
        np.searchsorted(neg_sorted, p, side="left")
        + 0.5 * (np.searchsorted(neg_sorted, p, side="right") - np.searchsorted(neg_sorted, p, side="left"))
        for p in pos
    )
    return float(wins / (len(pos) * len(neg)))


def _rr(order: list[int], gold: int) -> float:
    return 1.0 / (order.index(gold) + 1) if gold in order[:10] else 0.0


@torch.inference_mode()
def evaluate(
    model,
    prep: Prepared,
    *,
    cosine=None,
    distractors: int = 5,
    limit: int = 0,
    seed: int = 7,
    threshold: float = 0.5,
) -> dict:
    """``cosine``: optional callable (question text, list of sentence texts) -> cosines."""
    model.eval()
    rng = random.Random(seed)
    questions = list(prep.corpus.held_out)
    if limit:  # a seeded sample across all held-out articles, not the first ones
        random.Random(seed).shuffle(questions)
        questions = questions[:limit]
    paragraphs_by_title = defaultdict(list)
    for q in prep.corpus.held_out:
        paragraphs_by_title[q.title].append(q.paragraph)
    held_paragraphs = sorted({q.paragraph for q in prep.corpus.held_out})
    paragraphs = prep.corpus.paragraphs
    per_kind: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for qi, q in enumerate(questions):
        sentences = prep.corpus.paragraphs[q.paragraph].sentences
        cands = [(q.paragraph, s) for s in range(len(sentences))]
        others = [p for p in held_paragraphs if paragraphs[p].title != q.title and paragraphs[p].sentences]
        for p in rng.sample(others, min(distractors, len(others))):
            cands.append((p, rng.randrange(len(paragraphs[p].sentences))))
        kinds = [k for k, _ in prep.question_variants[q.id]]
        for kind in kinds:
            items = [
                pair_item(prep, questions, Pair(qi, p, s, 0.0, 0.0, None), rng, kind=kind) for p, s in cands
            ]
            batch = make_batch(items)
            rel, ans, start, end = model(
                batch.q_states, batch.q_mask, batch.s_states, batch.s_mask, batch.span_mask
            )
            rel, ans = rel.numpy(), torch.sigmoid(ans).numpy()
            top = int(np.argmax(ans))
            m = per_kind[kind]
            m["labels"].append(int(q.answer_sentence is not None))
            m["ans"].append(float(ans[top]))
            if q.answer_sentence is None:
                continue
            gold = q.answer_sentence
            m["mrr_reader"].append(_rr(list(np.argsort(-rel)), gold))
            m["mrr_reader_ans"].append(_rr(list(np.argsort(-ans)), gold))
            if cosine is not None and kind == "msa":
                texts = [prep.corpus.paragraphs[p].sentences[s] for p, s in cands]
                m["mrr_cosine"].append(_rr(list(np.argsort(-np.asarray(cosine(q.text, texts)))), gold))
            score, span = best_span(start[top].numpy(), end[top].numpy(), items[top]["offsets"])
            p, s = cands[top]
            predicted = prep.corpus.paragraphs[p].sentences[s][span[0] : span[1]] if span else ""
            reference = sentences[gold][q.span[0] : q.span[1]]
            m["em"].append(exact_match(predicted, reference))
            m["f1"].append(token_f1(predicted, reference))
    out = {}
    for kind, m in per_kind.items():
        labels, scores = m["labels"], m["ans"]
        acc = np.mean([(s >= threshold) == bool(y) for s, y in zip(scores, labels, strict=True)])
        out[kind] = {
            "questions": len(labels),
            "answerability_accuracy": round(float(acc), 4),
            "answerability_auc": None if (auc := _auc(labels, scores)) is None else round(auc, 4),
            **{k: round(float(np.mean(v)), 4) for k, v in m.items() if k not in ("labels", "ans") and v},
        }
    return out
