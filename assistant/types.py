"""Plain data types passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field

DOCUMENT_KINDS = ("declaration", "brief", "event_report", "about", "other")


@dataclass(frozen=True)
class SourceDocument:
    """A cleaned document ready to be chunked.

    ``text`` is the article text after boilerplate removal; chunk offsets index into it.
    """

    id: str
    title: str
    text: str
    kind: str = "other"
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) of the event or publication, when the text gives one
    place: str | None = None
    language: str = "ar"
    source_path: str = ""
    content_hash: str = ""
    source_url: str | None = None  # where the document can be read online (http/https)
    pages: int = 0  # pages of a paged file (PDF, slides); 0 for flowing text
    page_breaks: tuple[int, ...] = ()  # offset of ``text`` where each page after the first starts
    headings: tuple[tuple[int, int, str], ...] = ()  # (offset, level, text) of each heading line
    warnings: tuple[str, ...] = ()  # what the loader repaired or could not read (ingest report)
    ocr_pages: tuple[int, ...] = ()

    def metadata(self) -> dict[str, str | None]:
        return {
            "document_id": self.id,
            "title": self.title,
            "kind": self.kind,
            "date": self.date,
            "place": self.place,
            "language": self.language,
            "source_path": self.source_path,
        }


@dataclass(frozen=True)
class Sentence:
    """A sentence span inside a text: ``text == source[start:end]``."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A retrievable span of a document: ``text == document.text[start:end]``.

    For a paged document ``page`` is the page the chunk starts on and ``page_breaks`` the
    document offsets inside the chunk where a new page starts; ``section`` is the heading path
    the chunk starts under («إعلان ميلبورن › التوصيات»)."""

    id: str
    document_id: str
    position: int
    start: int
    end: int
    text: str
    page: int = 0  # 0: the document has no pages
    page_breaks: tuple[int, ...] = ()
    section: str = ""

    def page_at(self, offset: int) -> int | None:
        """The page of a document offset inside this chunk (None for unpaged documents)."""
        if not self.page:
            return None
        return self.page + sum(1 for b in self.page_breaks if b <= offset)

    @property
    def page_end(self) -> int | None:
        return self.page_at(self.end - 1)


@dataclass
class Hit:
    """A chunk returned by retrieval with its fused score and the per-retriever ranks."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    dense_rank: int | None = None
    lexical_score: float | None = None
    lexical_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    document_id: str
    title: str
    quote: str  # exact substring of the chunk's text
    chunk_id: str
    score: float
    start: int = 0  # offsets of the quote inside the document text
    end: int = 0
    page: int | None = None  # page of the quote in a paged document (PDF, slides)


@dataclass
class Answer:
    text: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    generator: str = "extractive"
    confidence: float = 0.0
    refusal_reason: str | None = None
    fallback_reason: str | None = None  # set when an LLM backend failed and the extractive answer stood in


@dataclass
class Retrieval:
    """What the answer step starts from: hits, scored evidence sentences, and the support score."""

    hits: list[Hit]
    evidence: list  # list[assistant.answer.evidence.Evidence]
    support: float
    decline: str | None = None  # why the evidence cannot answer ("weak_evidence", "not_answered") or None
    answerability: float | None = None  # the reader's best answerability (reader on)


@dataclass
class StreamEvent:
    """One server-sent event of a streamed answer: delta | reset | citations | done | error."""

    type: str
    data: dict
