"""The generator interface. The extractive composer is one implementation; LLM backends plug in.

``generate`` returns a whole ``Answer``. ``stream`` yields text deltas (``str``) and ends with the
final ``Answer`` whose text is the concatenation of the deltas. A generator that finds, after
streaming, that its output is not grounded raises ``GenerationFailed``; the fallback wrapper
(assistant/answer/fallback.py) then yields ``RESET`` and streams the extractive answer instead.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator

from assistant.answer.evidence import Evidence
from assistant.types import Answer, Hit

REFUSAL_TEXT = (
    "عذرًا، لا تتضمن الوثائق المتاحة لديّ معلومات كافية للإجابة عن هذا السؤال. "
    "يمكنك إعادة صياغة السؤال أو السؤال عن موضوع تغطيه وثائق شبكة المدن القوية."
)

RESET = object()  # stream marker: discard the text streamed so far


class GenerationFailed(Exception):
    """The backend errored, timed out, or wrote an answer whose citations do not hold.

    ``reason`` is a short machine-readable code (e.g. "timeout", "no_citations",
    "citation_out_of_range", "backend_error"); it is returned to clients as the fallback reason.
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class Generator(ABC):
    """Writes an answer from the question, the retrieved hits and the scored evidence sentences."""

    name: str = "generator"

    @abstractmethod
    def generate(self, question: str, hits: list[Hit], evidence: list[Evidence]) -> Answer: ...

    def stream(self, question: str, hits: list[Hit], evidence: list[Evidence]) -> Iterator[str | Answer]:
        """Default: generate, then yield the answer line by line (sentence by sentence for
        the extractive composer, which writes one quoted sentence per line)."""
        answer = self.generate(question, hits, evidence)
        yield from split_deltas(answer.text)
        yield answer


def split_deltas(text: str) -> list[str]:
    """Pieces that concatenate back to ``text``: one per line, newline kept with its line."""
    return [piece for piece in re.split(r"(?<=\n)", text) if piece]


def refusal(confidence: float, reason: str) -> Answer:
    return Answer(text=REFUSAL_TEXT, refused=True, confidence=confidence, refusal_reason=reason)
