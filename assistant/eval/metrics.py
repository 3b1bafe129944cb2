"""Retrieval and answer metrics.

Convention: every per-row metric is a plain function returning a ``float`` in [0, 1], or ``None``
when the metric does not apply to the row (no references, refused answer without citations, …).
Corpus-level values come from ``aggregate``, which returns the Haystack-style
``{"score": mean, "individual_scores": [...]}`` (``None`` entries are skipped in the mean).

Token F1 (``token_f1``): SQuAD-style bag-of-tokens F1 between the answer and the reference answer,
on ``assistant.text.arabic.bm25_tokens`` — the same analyser BM25 uses: NFKC, diacritics/tatweel removed,
alef/hamza/ى/ة folded, Arabic and English stopwords dropped, Light10 stem (so «والمدن» matches
«مدن»). It plays the part of SQuAD's "lowercase, drop articles and punctuation" for Arabic.
Citation markers ``[n]`` are removed first so their digits do not count as tokens.

Citation precision (``citation_precision``): the share of an answer's citations whose quote
supports it, where a citation supports the answer when (``citation_supports``)
  1. its chunk is one of the row's reference chunks (``reference_chunk_ids``), or
  2. its quote overlaps the reference evidence span: same document and overlapping character
     offsets (or, when the evidence could not be located in the documents, a token overlap
     coefficient of at least ``OVERLAP_THRESHOLD`` between quote and evidence);
  3. only when the row has neither reference chunks nor evidence: the token overlap coefficient
     |Q ∩ R| / min(|Q|, |R|) between the quote and the reference answer is ≥ ``OVERLAP_THRESHOLD``;
  4. with no reference answer either: the quote comes from one of the reference documents.
A row with no references at all, or an answer without citations, has no citation precision.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from statistics import mean
from typing import Any

from assistant.text.arabic import bm25_tokens, normalize

OVERLAP_THRESHOLD = 0.5
_MARKER = re.compile(r"\[\s*[0-9\u0660-\u0669\u06f0-\u06f9][0-9\u0660-\u0669\u06f0-\u06f9,،\s]*\]")


# --- ranking ------------------------------------------------------------------------------------
def first_relevant_rank(ranking: Sequence[str], relevant: set[str]) -> int | None:
    for rank, item in enumerate(ranking, start=1):
        if item in relevant:
            return rank
    return None


def hit_at(ranking: Sequence[str], relevant: set[str], k: int) -> float:
    rank = first_relevant_rank(ranking[:k], relevant)
    return 1.0 if rank is not None else 0.0


def recall_at(ranking: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(ranking[:k]) & relevant) / len(relevant)


def mrr_at(ranking: Sequence[str], relevant: set[str], k: int = 10) -> float:
    rank = first_relevant_rank(ranking[:k], relevant)
    return 1.0 / rank if rank else 0.0


def ndcg_at(ranking: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Binary-relevance nDCG: DCG of the ranking over the DCG of min(|relevant|, k) hits at the top."""
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranking[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def dedupe(items: Sequence[str]) -> list[str]:
    """Keep the first occurrence (chunk rankings mapped to documents)."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def ranking_metrics(ranking: Sequence[str], relevant: set[str]) -> dict[str, float]:
    """hit@1, hit@5, recall@5, recall@10, MRR@10, nDCG@10 of one ranking (ids already at the level
    of ``relevant``: chunk ids, or document ids via ``dedupe`` of the chunks' documents)."""
    return {
        "hit@1": hit_at(ranking, relevant, 1),
        "hit@5": hit_at(ranking, relevant, 5),
        "recall@5": recall_at(ranking, relevant, 5),
        "recall@10": recall_at(ranking, relevant, 10),
        "mrr@10": mrr_at(ranking, relevant, 10),
        "ndcg@10": ndcg_at(ranking, relevant, 10),
    }


# --- answers ------------------------------------------------------------------------------------
def contains_fact(answer: str, fact: str) -> bool:
    """Key-fact check, insensitive to diacritics, hamza and teh-marbuta spelling."""
    return normalize(fact) in normalize(answer)


def key_fact_share(answer: str, facts: Sequence[str]) -> float:
    if not facts:
        return 1.0
    return sum(contains_fact(answer, f) for f in facts) / len(facts)


def first_sentence(answer: str) -> str:
    """The reply's first line: the lead span of an answer-first reply, else its first quoted sentence."""
    return _MARKER.sub(" ", answer.strip().split("\n", 1)[0]).strip()


def first_sentence_hit(first: str, facts: Sequence[str]) -> float:
    """1 when the first line holds at least one key fact (a list reply leads with one item)."""
    return float(any(contains_fact(first, f) for f in facts)) if facts else 1.0


def answer_tokens(text: str) -> list[str]:
    """Normalised, stopword-free, light-stemmed tokens, citation markers removed."""
    return bm25_tokens(_MARKER.sub(" ", text))


def token_f1(answer: str, reference: str) -> float | None:
    """SQuAD-style token F1 (multiset overlap); None without a reference answer."""
    ref = answer_tokens(reference)
    if not ref:
        return None
    got = answer_tokens(answer)
    common = sum((Counter(got) & Counter(ref)).values())
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def overlap_coefficient(a: str, b: str) -> float:
    """|A ∩ B| / min(|A|, |B|) over token sets; 0 when either side has no tokens."""
    sa, sb = set(answer_tokens(a)), set(answer_tokens(b))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def citation_supports(
    citation: Mapping[str, Any],
    *,
    reference_chunk_ids: Iterable[str] = (),
    evidence: str = "",
    evidence_spans: Sequence[tuple[str, int, int]] = (),
    reference_answer: str = "",
    reference_document_ids: Iterable[str] = (),
) -> bool | None:
    """Whether one citation (``{"chunk_id", "document_id", "quote", "start", "end"}``) supports the
    answer, by the rules in the module docstring; None when the row has no reference to judge by.
    ``evidence_spans`` are (document_id, start, end) of the evidence located in the documents."""
    chunks = set(reference_chunk_ids)
    if chunks or evidence:
        if citation.get("chunk_id") in chunks:
            return True
        if not evidence:
            return False
        if evidence_spans:
            doc, start, end = citation.get("document_id"), citation.get("start", 0), citation.get("end", 0)
            return any(d == doc and start < e and end > s for d, s, e in evidence_spans)
        return overlap_coefficient(citation.get("quote", ""), evidence) >= OVERLAP_THRESHOLD
    if reference_answer.strip():
        return overlap_coefficient(citation.get("quote", ""), reference_answer) >= OVERLAP_THRESHOLD
    documents = set(reference_document_ids)
    if documents:
        return citation.get("document_id") in documents
    return None


def citation_precision(citations: Sequence[Mapping[str, Any]], **references: Any) -> float | None:
    """Share of citations that support the answer (``citation_supports``); None without citations
    or without references."""
    if not citations:
        return None
    verdicts = [citation_supports(c, **references) for c in citations]
    if any(v is None for v in verdicts):
        return None
    return sum(bool(v) for v in verdicts) / len(verdicts)


# --- refusals -----------------------------------------------------------------------------------
def refusal_correct(answerable: bool, refused: bool) -> float:
    """1 when the assistant answered an answerable row or refused an unanswerable one."""
    return 1.0 if refused != answerable else 0.0


def correct_refusal_rate(unanswerable_refused: Sequence[bool]) -> float | None:
    """Refusal accuracy on unanswerable rows: the share of them that were refused."""
    return mean(map(float, unanswerable_refused)) if unanswerable_refused else None


def refusal_accuracy(answerable: Sequence[bool], refused: Sequence[bool]) -> float | None:
    """Over all rows: answered when answerable, refused when not (mean of ``refusal_correct``)."""
    pairs = list(zip(answerable, refused, strict=True))
    return mean(refusal_correct(a, r) for a, r in pairs) if pairs else None


def false_refusal_rate(answerable_refused: Sequence[bool]) -> float | None:
    """Share of answerable rows that were refused."""
    return mean(map(float, answerable_refused)) if answerable_refused else None


# --- aggregation --------------------------------------------------------------------------------
def aggregate(values: Sequence[float | None]) -> dict[str, Any]:
    """Haystack-style result: mean of the applicable scores and the per-row scores (None kept)."""
    present = [v for v in values if v is not None]
    return {"score": mean(present) if present else None, "individual_scores": list(values)}
