"""Training rows for the reader: questions, their paragraphs split into sentences, and labels.

Sources (../shared/datasets, licences in docs/reader.md and the model card): AAQAD (answerable and
SQuAD-2-style unanswerable), the Arabic-SQuAD slice and ARCD train. Each paragraph is split with
the same sentence splitter the ingest uses, so the reader sees sentences as it will at run time.

For every question the candidates are sentences with a target:
- the sentence holding the answer span: answers=1, relevance=1, span offsets inside it;
- other sentences of the same paragraph (hard negatives): answers=0, relevance=0.3;
- sentences of an unanswerable question's own paragraph (near-topic): answers=0, relevance=0.5;
- a sentence of another article (easy negative): answers=0, relevance=0.
Held-out articles (10% of AAQAD titles, chosen by seed, never one of the titles shared with
Arabic-SQuAD) give the development figures; nothing of them is trained on.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from assistant.text.sentences import split_sentences

# AAQAD titles whose articles also appear in the Arabic-SQuAD slice (qa/SOURCES.md): kept on the
# training side so no held-out article leaks through its translation.
SHARED_TITLES = {
    "أثناسيوس الأول (بابا الإسكندرية)",
    "نحاس",
    "مؤتمرات الفيديو",
    "الأزمة المالية 2007-2008",
    "أمن الحاسوب",
    "نادي إيفرتون",
    "لانكشر",
    "نادي أرسنال",
    "الألب",
    "مسيحيون",
    "جوزيف بروز تيتو",
    "علم النبات",
    "مادية",
    "واي باك مشين",
    "غينيا بيساو",
}

HARD_RELEVANCE = 0.3
NEAR_TOPIC_RELEVANCE = 0.5


@dataclass
class Question:
    id: str
    source: str
    title: str
    text: str
    paragraph: int  # index into Corpus.paragraphs
    answer_sentence: int | None  # index into the paragraph's sentences; None = unanswerable
    span: tuple[int, int] | None  # char offsets of the answer inside that sentence


@dataclass
class Paragraph:
    title: str
    sentences: list[str]


@dataclass
class Corpus:
    paragraphs: list[Paragraph] = field(default_factory=list)
    train: list[Question] = field(default_factory=list)
    held_out: list[Question] = field(default_factory=list)


def read_rows(datasets_dir: Path) -> list[dict]:
    """All rows of the three training sources in one schema (qa/SOURCES.md's)."""
    rows: list[dict] = []
    for name in ("aaqad.train.jsonl.gz", "arabic_squad_slice.train.jsonl.gz"):
        with gzip.open(datasets_dir / "qa" / name, "rt", encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh)
    arcd = json.loads((datasets_dir / "arcd-train.json").read_text(encoding="utf-8"))
    for article in arcd["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                question = qa["question"].strip().lstrip("-").strip()
                if question.endswith(" ال"):  # a few ARCD questions end in a stray article
                    question = question[:-3].strip()
                rows.append(
                    {
                        "id": f"arcd-{qa['id']}",
                        "source": "arcd",
                        "title": article["title"],
                        "context": paragraph["context"],
                        "question": question,
                        "answers": qa["answers"][:1],
                        "is_impossible": False,
                    }
                )
    return rows


def held_out_titles(rows: list[dict], share: float, seed: int) -> set[str]:
    titles = sorted({r["title"] for r in rows if r["source"] == "aaqad"} - SHARED_TITLES)
    rng = random.Random(seed)
    rng.shuffle(titles)
    return set(titles[: max(1, round(share * len(titles)))])


def _locate(sentences, start: int, end: int) -> tuple[int, tuple[int, int]] | None:
    """The sentence holding the answer's start, and the span clipped to that sentence."""
    for i, s in enumerate(sentences):
        if s.start <= start < s.end:
            return i, (start - s.start, min(end, s.end) - s.start)
    return None


def build_corpus(datasets_dir: Path, *, held_out_share: float = 0.1, seed: int = 13) -> Corpus:
    rows = read_rows(datasets_dir)
    held = held_out_titles(rows, held_out_share, seed)
    corpus = Corpus()
    paragraph_of: dict[tuple[str, str], int] = {}
    split_of: dict[int, list] = {}
    for row in rows:
        key = (row["title"], row["context"])
        if key not in paragraph_of:
            sentences = split_sentences(row["context"])
            paragraph_of[key] = len(corpus.paragraphs)
            split_of[paragraph_of[key]] = sentences
            corpus.paragraphs.append(Paragraph(row["title"], [s.text for s in sentences]))
        index = paragraph_of[key]
        sentences = split_of[index]
        if not sentences:
            continue
        answer_sentence, span = None, None
        if not row["is_impossible"]:
            answer = row["answers"][0]
            located = _locate(sentences, answer["answer_start"], answer["answer_start"] + len(answer["text"]))
            if located is None:
                continue
            answer_sentence, span = located
            if span[1] <= span[0]:
                continue
        question = Question(
            row["id"], row["source"], row["title"], row["question"].strip(), index, answer_sentence, span
        )
        (corpus.held_out if row["title"] in held else corpus.train).append(question)
    return corpus


@dataclass(frozen=True)
class Pair:
    question: int  # index into the question list it was built from
    paragraph: int
    sentence: int
    answers: float
    relevance: float
    span: tuple[int, int] | None  # char offsets in the sentence, for the answer sentence only


def candidate_pairs(
    corpus: Corpus, questions: list[Question], *, hard: int, easy: int, seed: int
) -> list[Pair]:
    """For each question: its answer sentence (if any), up to ``hard`` sentences of its own
    paragraph and ``easy`` sentences of other articles."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    n_paragraphs = len(corpus.paragraphs)
    for qi, q in enumerate(questions):
        sentences = corpus.paragraphs[q.paragraph].sentences
        others = [i for i in range(len(sentences)) if i != q.answer_sentence]
        rng.shuffle(others)
        if q.answer_sentence is not None:
            pairs.append(Pair(qi, q.paragraph, q.answer_sentence, 1.0, 1.0, q.span))
            near = HARD_RELEVANCE
        else:
            near = NEAR_TOPIC_RELEVANCE
        for i in others[:hard]:
            pairs.append(Pair(qi, q.paragraph, i, 0.0, near, None))
        for _ in range(easy):
            for _attempt in range(10):
                p = rng.randrange(n_paragraphs)
                if corpus.paragraphs[p].title != q.title and corpus.paragraphs[p].sentences:
                    s = rng.randrange(len(corpus.paragraphs[p].sentences))
                    pairs.append(Pair(qi, p, s, 0.0, 0.0, None))
                    break
    return pairs
