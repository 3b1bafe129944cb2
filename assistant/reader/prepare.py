"""Build and cache everything training needs: corpus, question variants, tokenised texts, states."""

from __future__ import annotations

import pickle
import random
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.reader.augment import variants
from assistant.reader.bottom import (
    PASSAGE_PROMPT,
    QUERY_PROMPT,
    TorchBottom,
    cache_states,
    encode,
    load_tokenizer,
)
from assistant.reader.dataset import Corpus, build_corpus


@dataclass
class Prepared:
    corpus: Corpus
    sentence_index: dict[tuple[int, int], int]  # (paragraph, sentence) -> row in sentence states
    sentence_encoded: list  # Encoded per sentence row
    question_variants: dict[str, list[tuple[str, int]]]  # question id -> [(kind, row)]
    question_encoded: list
    sentence_states: tuple[np.ndarray, np.ndarray]
    question_states: tuple[np.ndarray, np.ndarray]
    split: int


def restrict(corpus: Corpus, limit: int) -> Corpus:
    """The first ``limit`` training questions (and a quarter as many held-out ones) with only their
    own paragraphs: a small corpus for the training command's smoke test."""
    train, held = corpus.train[:limit], corpus.held_out[: max(2, limit // 4)]
    used = sorted({q.paragraph for q in train + held})
    new_index = {old: new for new, old in enumerate(used)}
    small = Corpus([corpus.paragraphs[i] for i in used])
    small.train = [replace(q, paragraph=new_index[q.paragraph]) for q in train]
    small.held_out = [replace(q, paragraph=new_index[q.paragraph]) for q in held]
    return small


def prepare(
    datasets_dir: Path, model_folder: Path, cache_dir: Path, *, split: int, seed: int, limit: int = 0
) -> Prepared:
    cache_dir.mkdir(parents=True, exist_ok=True)
    meta_path = cache_dir / "prepared.pkl"
    if meta_path.exists():
        corpus, sentence_index, sentence_encoded, question_variants, question_encoded = pickle.loads(
            meta_path.read_bytes()
        )
    else:
        corpus = build_corpus(datasets_dir, seed=seed)
        if limit:
            corpus = restrict(corpus, limit)
        tokenizer = load_tokenizer(model_folder)
        sentence_index, sentence_encoded = {}, []
        for p, paragraph in enumerate(corpus.paragraphs):
            for s, text in enumerate(paragraph.sentences):
                sentence_index[(p, s)] = len(sentence_encoded)
                sentence_encoded.append(encode(tokenizer, text, PASSAGE_PROMPT))
        rng = random.Random(seed)
        question_variants, question_encoded = {}, []
        for q in corpus.train + corpus.held_out:
            rows = []
            for kind, text in variants(q.text, rng):
                rows.append((kind, len(question_encoded)))
                question_encoded.append(encode(tokenizer, text, QUERY_PROMPT))
            question_variants[q.id] = rows
        meta_path.write_bytes(
            pickle.dumps((corpus, sentence_index, sentence_encoded, question_variants, question_encoded))
        )
    bottom = TorchBottom(model_folder, split)
    sentence_states = cache_states(bottom, sentence_encoded, cache_dir / f"sentences-l{split}")
    question_states = cache_states(bottom, question_encoded, cache_dir / f"questions-l{split}")
    return Prepared(
        corpus,
        sentence_index,
        sentence_encoded,
        question_variants,
        question_encoded,
        sentence_states,
        question_states,
        split,
    )


if __name__ == "__main__":
    import sys

    prepare(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), split=int(sys.argv[4]), seed=13)
