"""The offline default: an extractive composer that quotes the best-supported sentences.

Every sentence of the answer is a verbatim sentence of a stored chunk followed by its [n]
marker, so the answer cannot say anything the documents do not say.
"""

from __future__ import annotations

from assistant.answer.base import Generator
from assistant.answer.evidence import Evidence, confidence
from assistant.types import Answer, Citation, Hit


class ExtractiveComposer(Generator):
    name = "extractive"

    def __init__(self, *, max_sentences: int = 3, margin: float = 0.03):
        self.max_sentences = max_sentences
        self.margin = margin

    def select(self, evidence: list[Evidence]) -> list[Evidence]:
        """The best sentence plus those within ``margin`` of it, at most ``max_sentences``."""
        if not evidence:
            return []
        floor = evidence[0].score - self.margin
        chosen: list[Evidence] = []
        seen_texts: set[str] = set()
        for item in evidence:
            if item.score < floor or len(chosen) >= self.max_sentences:
                break
            text = item.sentence.text.strip()
            if text in seen_texts:
                continue
            seen_texts.add(text)
            chosen.append(item)
        return chosen

    def generate(self, question: str, hits: list[Hit], evidence: list[Evidence]) -> Answer:
        chosen = self.select(evidence)
        return quoted_answer(self.name, chosen, [item.relevance for item in chosen], evidence)


def quoted_answer(
    name: str, chosen: list[Evidence], scores: list[float], evidence: list[Evidence], lead: str | None = None
) -> Answer:
    """One line per chosen sentence, verbatim with its [n], after an optional lead line; each
    citation quotes its sentence and carries the page it starts on (title: filled in later)."""
    lines = [lead] if lead else []
    citations: list[Citation] = []
    for n, (item, score) in enumerate(zip(chosen, scores, strict=True), start=1):
        record, chunk = item.sentence, item.hit.chunk
        citations.append(
            Citation(
                n=n,
                document_id=record.document_id,
                title="",  # filled in by the pipeline from the document catalogue
                quote=record.text,
                chunk_id=chunk.id,
                score=round(score, 4),
                start=record.start,
                end=record.end,
                page=chunk.page_at(record.start),
            )
        )
        lines.append(f"{record.text.replace(chr(10), ' ')} [{n}]")  # one line per citation
    return Answer(
        text="\n".join(lines),
        refused=False,
        citations=citations,
        generator=name,
        confidence=confidence(evidence),
    )
