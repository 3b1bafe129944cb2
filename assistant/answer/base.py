"""The generator interface. The extractive composer is one implementation; LLM backends plug in."""

from __future__ import annotations

from abc import ABC, abstractmethod

from assistant.answer.evidence import Evidence
from assistant.types import Answer, Hit

REFUSAL_TEXT = (
    "عذرًا، لا تتضمن الوثائق المتاحة لديّ معلومات كافية للإجابة عن هذا السؤال. "
    "يمكنك إعادة صياغة السؤال أو السؤال عن موضوع تغطيه وثائق شبكة المدن القوية."
)


class Generator(ABC):
    """Writes an answer from the question, the retrieved hits and the scored evidence sentences."""

    name: str = "generator"

    @abstractmethod
    def generate(self, question: str, hits: list[Hit], evidence: list[Evidence]) -> Answer: ...


def refusal(confidence: float, reason: str) -> Answer:
    return Answer(text=REFUSAL_TEXT, refused=True, confidence=confidence, refusal_reason=reason)
