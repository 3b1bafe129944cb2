"""Pages and heading paths from the loaders to chunks, citations and the API; the per-file
ingest report; bad files reported by name while the rest is ingested and nothing stored is lost.
Real Chroma and SQLite, the fast fake embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from assistant.chat.service import Assistant
from assistant.ingest.chunking import chunk_text
from assistant.ingest.corpus import load_document
from assistant.ingest.structure import heading_path, locate_headings, page_at, place_chunk, split_pages
from tests.conftest import ingest_into
from tests.ingest.makers import PARAGRAPHS, TITLE, chromium_pdf, needs_chromium, slide_deck, word_document


def test_split_pages_and_page_at() -> None:
    text, breaks = split_pages("أولى.\n\n\fثانية. \fثالثة.\f\f\fسادسة.")
    assert text == "أولى.\n\nثانية. ثالثة.سادسة."
    assert breaks == (7, 14, 20, 20, 20)
    assert [page_at(breaks, text.index(w)) for w in ("أولى", "ثانية", "ثالثة", "سادسة")] == [1, 2, 3, 6]


def test_headings_are_located_and_give_paths() -> None:
    text = "إعلان ميلبورن\n\nمقدمة.\n\nالتوصيات\n\n1. الشباب.\n\nالخاتمة\n\nنص."
    wanted = [(1, "إعلان  ميلبورن"), (2, "التوصيات"), (2, "غير موجود"), (2, "الخاتمة")]
    headings = locate_headings(text, wanted)
    assert [(level, h) for _, level, h in headings] == [(1, "إعلان ميلبورن"), (2, "التوصيات"), (2, "الخاتمة")]
    assert heading_path(headings, text.index("1. الشباب")) == ["إعلان ميلبورن", "التوصيات"]
    assert heading_path(headings, text.index("نص.")) == ["إعلان ميلبورن", "الخاتمة"]
    assert heading_path(headings, 0) == ["إعلان ميلبورن"]


def test_a_heading_starts_a_chunk_without_overlap(tmp_path: Path) -> None:
    doc = load_document(word_document(tmp_path / "report.docx"), tmp_path)
    chunks = chunk_text(
        doc.id, doc.text, lambda s: len(s.split()), max_tokens=400, overlap_sentences=1,
        section_starts=frozenset(start for start, _, _ in doc.headings),
    )  # fmt: skip
    chunks = [place_chunk(c, doc) for c in chunks]
    starts = [c.text.split("\n")[0] for c in chunks]
    assert "التوصيات" in starts  # the second section starts its own chunk
    recommendations = chunks[starts.index("التوصيات")]
    assert recommendations.section == f"{TITLE} › التوصيات"
    assert chunks[0].section == TITLE
    assert PARAGRAPHS[0] not in recommendations.text  # no overlap from the previous section
    assert all(c.page == 0 and c.page_at(c.start) is None for c in chunks)  # Word files have no pages


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    slide_deck(folder / "summit-slides.pptx")
    word_document(folder / "report.docx")
    (folder / "figures.xlsx").write_bytes(b"PK\x03\x04 a spreadsheet")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage\n%%EOF\n")
    (folder / "empty.docx").write_bytes(b"")
    return folder


def test_ingest_report_per_file_and_bad_files(settings, fake_embedder, corpus: Path) -> None:
    assistant = Assistant(settings, embedder=fake_embedder)
    report = ingest_into(assistant, corpus, progress=False)
    files = {f.file: f for f in report.files}
    assert set(files) == {"summit-slides.pptx", "report.docx", "figures.xlsx", "broken.pdf", "empty.docx"}
    slides = files["summit-slides.pptx"]
    assert (slides.status, slides.pages) == ("added", 3)
    assert slides.chunks >= 1
    assert slides.characters == len(load_document(corpus / "summit-slides.pptx", corpus).text)
    assert files["report.docx"].status == "added" and files["report.docx"].pages is None
    failed = dict(report.failed)
    assert "not supported" in failed["figures.xlsx"] and ".pptx" in failed["figures.xlsx"]
    assert "damaged or not a valid PDF" in failed["broken.pdf"]
    assert "empty" in failed["empty.docx"]
    assert files["figures.xlsx"].status == "failed" and files["figures.xlsx"].reason == failed["figures.xlsx"]

    # every chunk of the deck knows its slide; the report knows its sections
    deck = [c for c in assistant.retriever.chunks.values() if c.document_id == "summit-slides"]
    assert {c.page for c in deck} == {1, 2, 3}
    second = next(c for c in deck if "أبرز النتائج" in c.text)
    assert second.page == 2 and second.section == "أبرز النتائج"

    # a file that becomes unreadable keeps its indexed version; the others are untouched
    before = {c.id for c in assistant.retriever.chunks.values() if c.document_id == "report"}
    (corpus / "report.docx").write_bytes(b"PK\x03\x04 now corrupt")
    again = ingest_into(assistant, corpus, progress=False)
    assert "report.docx" in dict(again.failed) and "report" not in again.removed
    assert {c.id for c in assistant.retriever.chunks.values() if c.document_id == "report"} == before


@needs_chromium
def test_pdf_citations_carry_their_page(settings, fake_embedder, tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    unique = [f"{p} وهذه الفقرة رقم {i} من التقرير." for i, p in enumerate(PARAGRAPHS * 6)]
    chromium_pdf(folder / "melbourne.pdf", unique, repeat=1)
    # The cosine composer: with the fake embedder its order is the lexical one, so the first citation
    # is the paragraph asked about; the reader's order is tested with the real model
    # (tests/reader/test_feature_reader_real.py). This test is about the pages.
    config = settings.model_copy(update={"documents_dir": folder, "reader": "off"})
    assistant = Assistant(config, embedder=fake_embedder)
    report = ingest_into(assistant, folder, progress=False)
    assert report.files[0].pages >= 2 and not report.failed
    doc = load_document(folder / "melbourne.pdf", folder)
    with TestClient(create_app(assistant=assistant)) as client:
        for i in (0, len(unique) - 1):
            body = client.post("/v1/chat", json={"message": unique[i], "conversation_id": None}).json()
            assert body["citations"], body
            for citation in body["citations"]:
                # the page the API gives is the page the quote is printed on (quotes that occur
                # once in the document can be placed)
                if doc.text.count(citation["quote"]) == 1:
                    start = doc.text.index(citation["quote"])
                    assert citation["page"] == page_at(doc.page_breaks, start)
            assert body["citations"][0]["page"] == page_at(doc.page_breaks, doc.text.index(unique[i]))
    shutil.rmtree(folder)
