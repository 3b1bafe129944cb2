"""Plain data types passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field

DOCUMENT_KINDS = ("declaration", "brief", "event_report", "about", "other")


def date_number(date: str | None) -> int:
    """An ISO date as the integer yyyymmdd (what chunks carry in Chroma, so ranges can be filtered
    with $gte/$lte); 0 for no date."""
    if not date:
        return 0
    return int(date[:10].replace("-", ""))


def filter_metadata(kind: str, date: str | None, place: str | None, language: str) -> dict[str, str | int]:
    """The document metadata every chunk carries for filtering (Chroma has no null: "" and 0)."""
    return {
        "kind": kind or "other",
        "date": date_number(date),
        "place": place or "",
        "language": language or "",
    }


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
    # where each metadata field came from: sidecar | folder (metadata.json) | file | guessed
    metadata_origin: dict[str, str] = field(default_factory=dict, compare=False)

    def filter_metadata(self) -> dict[str, str | int]:
        return filter_metadata(self.kind, self.date, self.place, self.language)

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


@dataclass(frozen=True)
class SearchFilters:
    """Which documents a search may return (every set field must hold; values within a field are
    alternatives). Dates are inclusive ISO dates; a document without a date never matches a date
    range. Built and checked by ``assistant.retrieval.filters.parse_filters``."""

    kinds: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    places: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    document_ids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.kinds or self.date_from or self.date_to or self.places or self.languages or self.document_ids
        )

    def matches(self, document_id: str, meta: dict) -> bool:
        """Whether a document with the filter metadata ``meta`` (types.filter_metadata) passes."""
        if self.document_ids and document_id not in self.document_ids:
            return False
        if self.kinds and meta.get("kind") not in self.kinds:
            return False
        if self.languages and meta.get("language") not in self.languages:
            return False
        if self.places and meta.get("place") not in self.places:
            return False
        if self.date_from or self.date_to:
            date = meta.get("date")
            if not isinstance(date, int) or date <= 0:
                return False
            if self.date_from and date < date_number(self.date_from):
                return False
            if self.date_to and date > date_number(self.date_to):
                return False
        return True

    def public(self) -> dict:
        """The set fields, as the API takes them."""
        out = {
            "kind": list(self.kinds),
            "date_from": self.date_from,
            "date_to": self.date_to,
            "place": list(self.places),
            "language": list(self.languages),
            "document_ids": list(self.document_ids),
        }
        return {k: v for k, v in out.items() if v}
