"""`assistant train-reader` for the feature reader: data → e5 vectors → features → two small MLPs.

Stages (each cached in the work folder and skipped when its file exists, so an interrupted run
resumes where it stopped; files are written atomically):
1. the corpus (assistant/reader/dataset.py: AAQAD, the Arabic-SQuAD slice, ARCD train; 10% of the
   AAQAD articles held out) and each question's forms: the question as written plus, by seed, one
   dialect / loose-spelling / English-question-word rewrite (assistant/reader/augment.py; held-out
   questions get all their forms, so each form is measured on its own rows);
2. e5 vectors of every sentence, paragraph and question form (the assistant's own encoder);
3. candidates as retrieval gives them at answer time: the 5 paragraphs of the whole pool closest to
   the question form (no forcing of the right one: when retrieval misses it, the question has no
   answer among its candidates, which is what answerability must learn), all their sentences, and
   for a seeded share of questions the 5 closest paragraphs of other articles (off-topic);
   12% of the training questions are read "lexically blind" (no word overlap), as an English
   question over Arabic text is;
4. the relevance MLP on (question, sentence) features, then the answerability MLP on each
   question's best candidates by that relevance;
5. held-out figures (answer-sentence MRR@10 and P@1 against the e5 cosine order, per question form;
   answerability AUC near-topic vs answerable and off-topic vs answerable) and the artefact.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import random
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.reader.augment import variants
from assistant.reader.dataset import build_corpus
from assistant.reader.feature_model import WEIGHTS_DIR, FeatureModels, Mlp, save
from assistant.reader.features import (
    QUESTION_TYPES,
    Candidate,
    QuestionView,
    answerability_features,
    pair_features,
)
from assistant.text.arabic import bm25_tokens

RETRIEVED_PARAGRAPHS = 5
OFF_TOPIC_SHARE = 0.08
BLIND_SHARE = 0.12
DROPPED_SHARE = 0.25  # answerable questions also read without their answer sentence: near-topic evidence
SOURCES = {
    "aaqad": "AAQAD (EmanElrefai/AAQAD): no licence file; built from SQuAD 2.0 (CC BY-SA 4.0) and Arabic "
    "Wikipedia (CC BY-SA)",
    "arabic_squad": "Arabic-SQuAD slice (zergawi/Extractive-Ai, MIT; Mozannar et al. 2019, MIT; "
    "from SQuAD v1.1, "
    "CC BY-SA 4.0)",
    "arcd": "ARCD train (Mozannar et al. 2019, MIT)",
}
DEFAULT_THRESHOLDS = {"answerability": 0.02, "support_floor": 0.76, "confident": 0.30}


def _atomic_save(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def _restrict(corpus, limit: int) -> None:
    """A smoke-test slice: the first ``limit`` training questions, a quarter as many held-out ones,
    and only the paragraphs they (and their articles) use."""
    from dataclasses import replace

    corpus.train = corpus.train[:limit]
    corpus.held_out = corpus.held_out[: max(2, limit // 4)]
    titles = {q.title for q in corpus.train + corpus.held_out}
    keep = [i for i, p in enumerate(corpus.paragraphs) if p.title in titles]
    new_index = {old: new for new, old in enumerate(keep)}
    corpus.paragraphs = [corpus.paragraphs[i] for i in keep]
    corpus.train = [replace(q, paragraph=new_index[q.paragraph]) for q in corpus.train]
    corpus.held_out = [replace(q, paragraph=new_index[q.paragraph]) for q in corpus.held_out]


def question_forms(corpus, seed: int) -> list[tuple[str, int, str, str]]:
    """(split, question index, form, text): every question as written; a training question also in
    one rewrite, a held-out question in all of its rewrites."""
    rng = random.Random(seed)
    forms = []
    for split, questions in (("train", corpus.train), ("held", corpus.held_out)):
        for qi, q in enumerate(questions):
            rewrites = variants(q.text, rng)
            forms.append((split, qi, "msa", q.text))
            if split == "held":
                forms.extend((split, qi, kind, text) for kind, text in rewrites[1:])
            elif len(rewrites) > 1:
                kind, text = rng.choice(rewrites[1:])
                forms.append((split, qi, kind, text))
    return forms


def _embed(path: Path, texts: list[str], fn, label: str, progress: bool, batch: int = 256) -> np.ndarray:
    if path.exists():
        return np.load(path)
    out = []
    for i in tqdm(range(0, len(texts), batch), desc=f"e5 {label}", unit="batch", disable=not progress):
        out.append(np.asarray(fn(texts[i : i + batch]), dtype=np.float32))
    vectors = np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)
    _atomic_save(path, lambda p: np.save(open(p, "wb"), vectors))
    return vectors


def build_examples(corpus, forms, sentence_vecs, paragraph_vecs, question_vecs, seed: int, progress: bool):
    """Feature rows, labels and one record per (question form, candidate set)."""
    sentences = [(pi, si, s) for pi, p in enumerate(corpus.paragraphs) for si, s in enumerate(p.sentences)]
    rows_of = defaultdict(list)
    for row, (pi, _, _) in enumerate(sentences):
        rows_of[pi].append(row)
    titles = np.array([p.title for p in corpus.paragraphs])
    vocab = [set(bm25_tokens(" ".join(p.sentences))) for p in corpus.paragraphs]
    df: dict[str, int] = defaultdict(int)
    for v in vocab:
        for t in v:
            df[t] += 1
    n = len(corpus.paragraphs)

    def idf(t: str) -> float:
        return math.log(1.0 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5))

    by_title: dict[str, set[str]] = defaultdict(set)
    for p, v in zip(corpus.paragraphs, vocab, strict=True):
        by_title[p.title] |= v
    rng = random.Random(seed + 1)
    xs, ys, records = [], [], []
    offset = 0
    for fi, (split, qi, kind, text) in enumerate(
        tqdm(forms, desc="features", unit="q", disable=not progress)
    ):
        q = (corpus.train if split == "train" else corpus.held_out)[qi]
        sims = paragraph_vecs @ question_vecs[fi]
        view = QuestionView.of(text, idf)
        if split == "train" and rng.random() < BLIND_SHARE:
            view.blind = True
        modes = ["own"]
        if (split == "train" and rng.random() < OFF_TOPIC_SHARE) or (
            split == "held" and kind == "msa" and rng.random() < 2 * OFF_TOPIC_SHARE
        ):
            modes.append("off")
        answerable = q.answer_sentence is not None
        if answerable and (split == "train" or kind == "msa") and rng.random() < DROPPED_SHARE:
            modes.append("dropped")
        for mode in modes:
            off = mode == "off"
            scores = np.where(titles == q.title, -9.0, sims) if off else sims
            top = np.argsort(-scores)[:RETRIEVED_PARAGRAPHS]
            candidates, gold = [], None
            for rank, pi in enumerate(top):
                for r in rows_of[int(pi)]:
                    _, si, stext = sentences[r]
                    if not off and pi == q.paragraph and si == q.answer_sentence:
                        if mode == "dropped":
                            continue
                        gold = len(candidates)
                    candidates.append(
                        Candidate(
                            stext, float(sentence_vecs[r] @ question_vecs[fi]), float(sims[pi]), rank, si
                        )
                    )
            if not candidates:
                continue
            x = pair_features(view, candidates)
            y = np.zeros(len(candidates), dtype=np.float32)
            if gold is not None:
                y[gold] = 1.0
            known = set().union(*(by_title[titles[pi]] for pi in top))
            total = sum(view.weights.values()) or 1.0
            unknown = sum(w for t, w in view.weights.items() if t not in known) / total
            near = not off and q.answer_sentence is None
            records.append(
                {
                    "split": split,
                    "form": kind,
                    "kind": view.kind,
                    "start": offset,
                    "end": offset + len(candidates),
                    "gold": gold,
                    "unknown": unknown,
                    "tag": mode if mode != "own" else ("near" if near else "answerable"),
                }
            )
            offset += len(candidates)
            xs.append(x)
            ys.append(y)
    return np.concatenate(xs), np.concatenate(ys), records


def _mlp(x: np.ndarray, y: np.ndarray, hidden: int, seed: int, max_iter: int):
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    model = MLPClassifier(
        hidden_layer_sizes=(hidden,), alpha=1e-3, max_iter=max_iter, early_stopping=True, random_state=seed
    ).fit(scaler.transform(x), y)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    return Mlp(
        scaler.mean_.astype(np.float32),
        scale.astype(np.float32),
        [
            (w.astype(np.float32), b.astype(np.float32))
            for w, b in zip(model.coefs_, model.intercepts_, strict=True)
        ],
    )


def _rank_figures(scores: np.ndarray, records: list[dict], forms: set[str] | None = None) -> dict:
    rr = []
    for rec in records:
        if rec["split"] != "held" or rec["gold"] is None or rec["tag"] != "answerable":
            continue
        if forms is not None and rec["form"] not in forms:
            continue
        s = scores[rec["start"] : rec["end"]]
        position = int(np.sum(s > s[rec["gold"]]))
        rr.append(1.0 / (position + 1) if position < 10 else 0.0)
    if not rr:
        return {"n": 0}
    return {
        "n": len(rr),
        "mrr@10": round(float(np.mean(rr)), 4),
        "p@1": round(float(np.mean([r == 1 for r in rr])), 4),
    }


def _auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    if len(set(labels.tolist())) < 2:
        return None
    return round(float(roc_auc_score(labels, scores)), 4)


def answerability_rows(
    relevance_model: Mlp, x: np.ndarray, records: list[dict]
) -> tuple[np.ndarray, np.ndarray]:
    probabilities = relevance_model.probabilities(x)
    rows, labels = [], []
    for rec in records:
        s, e = rec["start"], rec["end"]
        rows.append(answerability_features(rec["kind"], x[s:e], probabilities[s:e], rec["unknown"]))
        labels.append(float(rec["gold"] is not None))
    return np.array(rows, dtype=np.float32), np.array(labels, dtype=np.float32)


def train_feature_reader(
    datasets_dir: Path,
    embedder,
    work_dir: Path,
    *,
    seed: int = 13,
    limit_questions: int = 0,
    output_dir: Path = WEIGHTS_DIR,
    max_iter: int = 60,
    progress: bool = True,
) -> dict:
    """Train, evaluate on the held-out articles and write the weights and manifest; returns the manifest."""
    started = time.perf_counter()
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus(datasets_dir, seed=seed)
    if limit_questions:
        _restrict(corpus, limit_questions)
    forms = question_forms(corpus, seed)
    tag = f"s{seed}-n{limit_questions}"
    sentences = [s for p in corpus.paragraphs for s in p.sentences]
    sentence_vecs = _embed(
        work_dir / f"sentences-{tag}.npy", sentences, embedder.embed_passages, "sentences", progress
    )
    paragraph_vecs = _embed(
        work_dir / f"paragraphs-{tag}.npy",
        [" ".join(p.sentences) for p in corpus.paragraphs],
        embedder.embed_passages,
        "paragraphs",
        progress,
    )
    question_vecs = _embed(
        work_dir / f"questions-{tag}.npy",
        [f[3] for f in forms],
        embedder.embed_queries,
        "questions",
        progress,
    )
    examples = work_dir / f"examples-{tag}.pkl"
    if examples.exists():
        with open(examples, "rb") as fh:
            x, y, records = pickle.load(fh)
    else:
        x, y, records = build_examples(
            corpus, forms, sentence_vecs, paragraph_vecs, question_vecs, seed, progress
        )
        _atomic_save(examples, lambda p: pickle.dump((x, y, records), open(p, "wb")))
    train_rows = np.zeros(len(y), dtype=bool)
    for rec in records:
        if rec["split"] == "train":
            train_rows[rec["start"] : rec["end"]] = True
    relevance = _mlp(x[train_rows], y[train_rows], 32, seed, max_iter)
    a_rows, a_labels = answerability_rows(relevance, x, records)
    a_train = np.array([rec["split"] == "train" for rec in records])
    answerability = _mlp(a_rows[a_train], a_labels[a_train], 16, seed, 4 * max_iter)

    cosine = x[:, 0]
    learned = relevance.probabilities(x)
    figures: dict = {"relevance": {}, "answerability": {}}
    for name, forms_ in [("all", None), *[(f, {f}) for f in sorted({r["form"] for r in records})]]:
        figures["relevance"][name] = {
            "reader": _rank_figures(learned, records, forms_),
            "cosine": _rank_figures(cosine, records, forms_),
        }
    held = np.array([rec["split"] == "held" for rec in records])
    tags = np.array([rec["tag"] for rec in records])
    a_scores = answerability.probabilities(a_rows)
    for name, keep in (
        ("near_vs_answerable", (tags == "near") | (tags == "answerable")),
        ("off_vs_answerable", (tags == "off") | (tags == "answerable")),
        ("dropped_vs_answerable", (tags == "dropped") | (tags == "answerable")),
        ("all", tags == tags),
    ):
        mask = held & keep
        figures["answerability"][name] = _auc(a_labels[mask], a_scores[mask])
    mask = held
    figures["answerability"]["accuracy@0.5"] = (
        round(float(((a_scores[mask] >= 0.5) == (a_labels[mask] > 0)).mean()), 4) if mask.any() else None
    )
    counts = defaultdict(int)
    for q in corpus.train:
        counts[q.source] += 1
    manifest = {
        "model": "feature reader: relevance MLP (32 hidden) over (question, sentence) features and "
        "answerability "
        "MLP (16 hidden) over each question's best candidates (assistant/reader/features.py)",
        "seed": seed,
        "trained_questions": dict(counts),
        "held_out_questions": len(corpus.held_out),
        "question_forms": len(forms),
        "sources": SOURCES,
        "never_used": ["TyDi QA", "XQuAD", "MLQA", "ARCD-test"],
        "held_out": "10% of the AAQAD articles (seed 13), never trained on",
        "dev_figures": figures,
        "thresholds": dict(DEFAULT_THRESHOLDS),
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    previous = Path(output_dir) / "feature_reader.manifest.json"
    if previous.exists():  # keep thresholds chosen on data (benchmarks/reader_calibrate.py --write)
        try:
            manifest["thresholds"].update(
                json.loads(previous.read_text(encoding="utf-8")).get("thresholds", {})
            )
        except json.JSONDecodeError:
            pass
    save(FeatureModels(relevance, answerability, manifest), output_dir)
    return json.loads(previous.read_text(encoding="utf-8")) if previous.exists() else manifest


__all__ = ["train_feature_reader", "question_forms", "build_examples", "QUESTION_TYPES"]
