"""A staff upload, a replacement, a duplicate and a deletion through the one ingestion code path,
with the real e5-small model and real Chroma, and the folder run (`assistant ingest`) afterwards:
uploaded documents live in DATA_DIR/uploads, answer at once, and survive every later ingest."""

from __future__ import annotations

import io
import shutil

import pytest
from sqlalchemy import select

from assistant.chat.service import Assistant
from assistant.config import Settings
from assistant.staff.library import Library
from assistant.staff.uploads import Uploads
from assistant.store.models import AuditEntry, DocumentRecord
from tests.conftest import CACHE, DOCUMENTS, ingest_into

pytestmark = pytest.mark.model

FIRST = (
    "# ورشة الرباط للمدن القوية\n\n"
    "استضافت مدينة الرباط ورشة عمل لشبكة المدن القوية حول إشراك الشباب في الوقاية من التطرف العنيف. "
    "وقدّم المنسقون المحليون تجارب مجالس الشباب في الأحياء، واتفق المشاركون على إنشاء منصة لتبادل الخبرات.\n"
)
YOUTH = "ما الذي اتفق عليه المشاركون بشأن مجالس الشباب في الرباط؟"
SECOND = (
    "# ورشة الرباط للمدن القوية\n\n"
    "ناقشت ورشة الرباط دور مراكز الرعاية الصحية النفسية في دعم الأسر المتضررة من الاستقطاب. "
    "وأوصى المشاركون بتدريب الأخصائيين الاجتماعيين على الإحالة المبكرة وحماية الخصوصية.\n"
)


@pytest.fixture
def assistant(tmp_path, real_embedder):
    shutil.copytree(DOCUMENTS, tmp_path / "documents")
    settings = Settings(data_dir=tmp_path / "data", documents_dir=tmp_path / "documents", cache_dir=CACHE)
    a = Assistant(settings, embedder=real_embedder)
    ingest_into(a, progress=False)
    return a


def run(uploads: Uploads, name: str, text: str) -> dict:
    (job_id,) = uploads.accept([(name, io.BytesIO(text.encode()))], "layla", start=False)
    return uploads.process(job_id)


def top_document(assistant: Assistant, question: str) -> str:
    return assistant.search(question, k=1)[0].chunk.document_id


def test_upload_replace_duplicate_delete_and_the_folder_run(assistant, tmp_path):
    uploads = Uploads(assistant)
    chunks_before = assistant.store.count()

    added = run(uploads, "rabat-workshop.md", FIRST)
    assert (added["status"], added["result"]) == ("done", "added")
    assert top_document(assistant, YOUTH) == "rabat-workshop"
    first_chunks = assistant.store.chunk_ids_of("rabat-workshop")
    assert first_chunks and assistant.store.count() == chunks_before + len(first_chunks)

    assert run(uploads, "rabat-workshop.md", FIRST)["result"] == "unchanged"
    assert run(uploads, "another name.md", FIRST)["result"] == "duplicate"
    assert assistant.store.chunk_ids_of("another-name") == set()

    replaced = run(uploads, "rabat-workshop.md", SECOND)
    assert replaced["result"] == "updated"
    second_chunks = assistant.store.chunk_ids_of("rabat-workshop")
    assert second_chunks and not (second_chunks & first_chunks)  # the old version's chunks are gone
    assert top_document(assistant, "ما توصيات ورشة الرباط بشأن الأخصائيين الاجتماعيين؟") == "rabat-workshop"
    hits = assistant.search("مجالس الشباب في الأحياء الرباط", k=10)
    assert all("مجالس الشباب" not in h.chunk.text for h in hits)

    # the folder run keeps the uploaded document (and does not re-embed it)
    report = ingest_into(assistant, progress=False)
    assert "rabat-workshop" in report.unchanged and report.chunks_embedded == 0
    assert assistant.store.chunk_ids_of("rabat-workshop") == second_chunks
    # a rebuild re-reads DATA_DIR/uploads too
    ingest_into(assistant, progress=False, rebuild=True)
    assert assistant.store.chunk_ids_of("rabat-workshop") == second_chunks

    Library(assistant.stores).delete("rabat-workshop", "layla")
    assistant.refresh(force=True)
    assert assistant.store.chunk_ids_of("rabat-workshop") == set()
    assert assistant.store.count() == chunks_before
    assert "rabat-workshop" not in assistant.retriever.titles
    with assistant.sessions() as session:
        assert session.get(DocumentRecord, "rabat-workshop") is None
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.at))]
    assert actions == ["upload", "replace", "delete"]
    assert not (assistant.stores.uploads_dir / "rabat-workshop.md").exists()
    report = ingest_into(assistant, progress=False)  # and it does not come back
    assert "rabat-workshop" not in report.added


def test_a_failing_upload_leaves_the_served_index_alone(assistant, monkeypatch):
    uploads = Uploads(assistant)
    assert run(uploads, "rabat-workshop.md", FIRST)["result"] == "added"
    kept = assistant.store.chunk_ids_of("rabat-workshop")
    before = assistant.store.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(assistant.stores.chroma, "add_chunks", broken)
    failed = run(uploads, "rabat-workshop.md", SECOND)
    assert failed["status"] == "failed" and "error id" in failed["reason"]
    assert assistant.store.chunk_ids_of("rabat-workshop") == kept and assistant.store.count() == before
    assert (assistant.stores.uploads_dir / "rabat-workshop.md").read_text(encoding="utf-8") == FIRST
    assert top_document(assistant, YOUTH) == "rabat-workshop"
