"""/staff/documents and /staff/audit through the HTTP routes (fast fake embedder, real Chroma, SQLite
and PostgreSQL): the table (sort, filter, pages), uploads processed in the background with a
per-file outcome, metadata edits, deletion with confirmation, the document page, roles and the
audit log."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from sqlalchemy import select

from assistant.chat.service import Assistant
from assistant.staff import accounts
from assistant.staff.uploads import wait_idle
from assistant.store.models import AnswerRecord, AuditEntry, DocumentRecord, UploadJob
from tests.conftest import ingest_into
from tests.staff.helpers import ADMIN, QUESTION, REVIEWER, ask, sign_in

MELBOURNE = "melbourne-declaration-2018"
NEW_TEXT = (
    "# ورشة عمل المدن القوية في الرباط\n\n"
    "عقدت شبكة المدن القوية ورشة عمل في الرباط يوم 2024-05-14 حول الوقاية من التطرف العنيف "
    "بمشاركة رؤساء البلديات والمنسقين المحليين، وناقش المشاركون خطط العمل المحلية وتبادل الخبرات.\n"
)


@pytest.fixture
def assistant(db_settings, fake_embedder, corpus_copy):
    """The staff fixture, with the documents folder being the test's own copy (edits write sidecars
    and deletions move files there)."""
    db_settings.refusal_threshold = 0.0
    db_settings.documents_dir = corpus_copy
    a = Assistant(db_settings, embedder=fake_embedder)
    ingest_into(a, corpus_copy, progress=False)
    accounts.create_user(a.sessions, *ADMIN, role="admin")
    accounts.create_user(a.sessions, *REVIEWER, role="reviewer")
    return a


def upload(client, token, *files, js=True):
    response = client.post(
        "/staff/documents/upload",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        data={"csrf_token": token},
        headers={"Accept": "application/json"} if js else {},
        follow_redirects=False,
    )
    wait_idle()
    return response


def jobs(client, response) -> dict[str, dict]:
    ids = ",".join(j["id"] for j in response.json()["jobs"])
    progress = client.get(f"/staff/documents/uploads/progress?ids={ids}")
    assert progress.status_code == 200
    return {j["filename"]: j for j in progress.json()["jobs"]}


def table_ids(html: str) -> list[str]:
    return re.findall(r'data-testid="document-row" data-document-id="([^"]*)"', html)


def test_table_lists_every_document_sorted_and_filtered(client, assistant):
    sign_in(client, REVIEWER)
    page = client.get("/staff/documents")
    assert page.status_code == 200
    with assistant.sessions() as session:
        records = session.scalars(select(DocumentRecord)).all()
    assert sorted(table_ids(page.text)) == sorted(r.id for r in records)
    assert 'id="upload-form"' not in page.text  # reviewers read only
    by_title = table_ids(client.get("/staff/documents?sort=title&order=asc").text)
    titles = {r.id: r.title.casefold() for r in records}
    assert [titles[i] for i in by_title] == sorted(titles[i] for i in by_title)
    assert table_ids(client.get("/staff/documents?sort=title&order=desc").text) == by_title[::-1]
    declarations = table_ids(client.get("/staff/documents?kind=declaration").text)
    assert declarations and set(declarations) == {r.id for r in records if r.kind == "declaration"}
    assert table_ids(client.get("/staff/documents?q=melbourne").text) == [MELBOURNE]
    row = re.search(rf'data-document-id="{MELBOURNE}".*?</tr>', page.text, re.S).group(0)
    assert "TXT" in row and "2018" in row and "badge status-done" in row


def test_table_pages_server_side(client, assistant):
    with assistant.sessions.begin() as session:
        for i in range(60):
            session.add(
                DocumentRecord(
                    id=f"bulk-{i:03d}",
                    title=f"Bulk {i:03d}",
                    kind="brief",
                    language="en",
                    source_path=f"bulk-{i:03d}.pdf",
                    content_hash="x",
                    text="t",
                    chunk_count=1,
                    pages=i,
                )
            )
    sign_in(client, ADMIN)
    first = client.get("/staff/documents?sort=title&order=asc&kind=brief")
    second = client.get("/staff/documents?sort=title&order=asc&kind=brief&page=2")
    assert len(table_ids(first.text)) == 50
    assert table_ids(first.text) + table_ids(second.text) == [f"bulk-{i:03d}" for i in range(60)]
    assert 'data-testid="documents-total">60<' in first.text
    by_pages = table_ids(client.get("/staff/documents?sort=pages&order=desc&format=PDF").text)
    assert by_pages[:3] == ["bulk-059", "bulk-058", "bulk-057"]


def test_upload_adds_a_document_that_answers_at_once_and_is_audited(client, assistant):
    token = sign_in(client, ADMIN)
    response = upload(client, token, ("rabat workshop.md", NEW_TEXT.encode()))
    assert response.status_code == 202
    job = jobs(client, response)["rabat workshop.md"]
    assert (job["status"], job["result"], job["document_id"]) == ("done", "added", "rabat-workshop")
    with assistant.sessions() as session:
        record = session.get(DocumentRecord, "rabat-workshop")
        assert record.origin == "upload" and record.chunk_count >= 1
        assert record.title == "ورشة عمل المدن القوية في الرباط"
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.username, entry.action, entry.document_id) == (ADMIN[0], "upload", "rabat-workshop")
    assert (assistant.stores.uploads_dir / "rabat workshop.md").read_text(encoding="utf-8") == NEW_TEXT
    hits = assistant.search("ورشة عمل الرباط", k=5)
    assert any(h.chunk.document_id == "rabat-workshop" for h in hits)  # the serving index, without a restart
    audit = client.get("/staff/audit")
    assert audit.status_code == 200 and 'data-action="upload"' in audit.text and ADMIN[0] in audit.text


def test_upload_without_javascript_redirects_and_lists_the_job(client, assistant):
    token = sign_in(client, ADMIN)
    response = upload(client, token, ("plain.md", NEW_TEXT.encode()), js=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/staff/documents")
    page = client.get("/staff/documents")
    assert 'data-testid="upload-job"' in page.text and "plain.md" in page.text
    assert "plain" in table_ids(page.text)


def test_bad_files_get_a_clear_reason_each_and_leave_the_index_alone(client, assistant, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="confidential")
    locked = tmp_path / "locked.pdf"
    pdf.output(str(locked))
    before = assistant.store.count()
    token = sign_in(client, ADMIN)
    response = upload(
        client,
        token,
        ("notes.xyz", b"plain"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage\n%%EOF\n"),
        ("locked.pdf", locked.read_bytes()),
        ("empty.txt", b"   \n"),
    )
    found = jobs(client, response)
    assert {name: j["status"] for name, j in found.items()} == dict.fromkeys(found, "failed")
    assert "not supported" in found["notes.xyz"]["reason"]
    assert "damaged or not a valid PDF" in found["broken.pdf"]["reason"]
    assert "encrypted" in found["locked.pdf"]["reason"]
    assert "empty.txt" in found["empty.txt"]["reason"]
    assert assistant.store.count() == before
    page = client.get("/staff/documents?status=failed")
    assert len(table_ids(page.text)) == 4 and "محمي بكلمة مرور" in page.text  # the reason, in Arabic
    assert "the PDF is encrypted" in client.get("/staff/documents?status=failed&lang=en").text
    with assistant.sessions() as session:
        assert session.scalars(select(AuditEntry)).all() == []


def test_same_content_is_recognised_and_changed_content_replaces(client, assistant, corpus_copy):
    token = sign_in(client, ADMIN)
    original = (corpus_copy / f"{MELBOURNE}.txt").read_bytes()
    response = upload(client, token, (f"{MELBOURNE}.txt", original), ("copy of melbourne.txt", original))
    found = jobs(client, response)
    assert (found[f"{MELBOURNE}.txt"]["result"], found[f"{MELBOURNE}.txt"]["document_id"]) == (
        "unchanged",
        MELBOURNE,
    )
    assert (found["copy of melbourne.txt"]["result"], found["copy of melbourne.txt"]["document_id"]) == (
        "duplicate",
        MELBOURNE,
    )
    changed = "فقرة جديدة عن مدينة أوسلو وخطتها المحلية للوقاية.\n\n".encode() + original
    response = upload(client, token, (f"{MELBOURNE}.txt", changed))
    assert jobs(client, response)[f"{MELBOURNE}.txt"]["result"] == "updated"
    assert (corpus_copy / f"{MELBOURNE}.txt").read_bytes() == changed  # replaced where it lives
    with assistant.sessions() as session:
        record = session.get(DocumentRecord, MELBOURNE)
        assert record.origin == "folder" and "أوسلو" in record.text
        assert record.kind == "declaration"  # its sidecar metadata stays with the new version
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions == ["replace"]
    trashed = list((assistant.stores.data_dir / "trash").rglob(f"{MELBOURNE}.txt"))
    assert [p.read_bytes() for p in trashed] == [original]


def test_edit_metadata_applies_everywhere_and_bad_values_are_refused(client, assistant, corpus_copy):
    token = sign_in(client, ADMIN)
    form = client.get(f"/staff/documents/edit/{MELBOURNE}")
    assert form.status_code == 200 and 'value="2018-' in form.text  # pre-filled from the document
    bad = client.post(
        f"/staff/documents/edit/{MELBOURNE}",
        data={
            "csrf_token": token,
            "title": "X",
            "kind": "brief",
            "date": "14/05/2024",
            "place": "",
            "language": "en",
        },
    )
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
    with assistant.sessions() as session:
        assert session.get(DocumentRecord, MELBOURNE).kind == "declaration"
    saved = client.post(
        f"/staff/documents/edit/{MELBOURNE}",
        data={
            "csrf_token": token,
            "title": "إعلان ملبورن المعدّل",
            "kind": "brief",
            "date": "2018-10-01",
            "place": "ملبورن",
            "language": "ar",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    with assistant.sessions() as session:
        record = session.get(DocumentRecord, MELBOURNE)
        entry = session.scalars(select(AuditEntry)).one()
    assert (record.title, record.kind, record.place) == ("إعلان ملبورن المعدّل", "brief", "ملبورن")
    assert entry.action == "edit" and entry.details["changed"]["kind"] == ["declaration", "brief"]
    assert {c.document_id for c in assistant.store.chunks_of(MELBOURNE)} == {MELBOURNE}
    assert assistant.retriever.titles[MELBOURNE] == "إعلان ملبورن المعدّل"  # the serving catalogue
    sidecar = yaml.safe_load((corpus_copy / f"{MELBOURNE}.meta.yaml").read_text(encoding="utf-8"))
    assert sidecar["kind"] == "brief" and sidecar["title"] == "إعلان ملبورن المعدّل"
    ingest_into(assistant, corpus_copy, progress=False)  # the next `assistant ingest` keeps the edit
    with assistant.sessions() as session:
        assert session.get(DocumentRecord, MELBOURNE).kind == "brief"


def test_delete_needs_confirmation_then_removes_everywhere(client, assistant, corpus_copy):
    token = sign_in(client, ADMIN)
    answer_id = ask(client, QUESTION)
    with assistant.sessions() as session:
        cited = [c["document_id"] for c in session.get(AnswerRecord, answer_id).citations]
    assert cited, "the fixture question is answered with citations (refusal threshold 0)"
    doc = cited[0]
    detail = client.get(f"/staff/documents/{doc}")
    assert 'data-testid="citing-answer"' in detail.text and 'data-testid="document-chunk"' in detail.text
    refused = client.post(f"/staff/documents/delete/{doc}", data={"csrf_token": token})
    assert refused.status_code == 422
    assert doc in assistant.retriever.titles
    done = client.post(
        f"/staff/documents/delete/{doc}", data={"csrf_token": token, "confirm": "yes"}, follow_redirects=False
    )
    assert done.status_code == 303
    with assistant.sessions() as session:
        assert session.get(DocumentRecord, doc) is None
    assert assistant.store.chunk_ids_of(doc) == set()
    assert doc not in assistant.retriever.titles
    assert all(h.chunk.document_id != doc for h in assistant.search(QUESTION, k=20))
    assert not (corpus_copy / f"{doc}.txt").exists()
    assert list((assistant.stores.data_dir / "trash").rglob(f"{doc}.txt"))
    review = client.get(f"/staff/review/{answer_id}")
    assert review.status_code == 200 and 'data-testid="document-removed"' in review.text
    assert "وثيقة محذوفة" in review.text and 'data-testid="quote"' in review.text
    assert client.get(f"/staff/documents/{doc}").status_code == 404
    audit = client.get("/staff/audit?action=delete&lang=en")
    assert 'data-action="delete"' in audit.text and "document removed" in audit.text
    ingest_into(assistant, corpus_copy, progress=False)  # not re-added by the next folder run
    with assistant.sessions() as session:
        assert session.get(DocumentRecord, doc) is None


def test_detail_page_honours_retention(client, assistant):
    sign_in(client, ADMIN)
    answer_id = ask(client, QUESTION)
    with assistant.sessions() as session:
        record = session.get(AnswerRecord, answer_id)
        doc_id = record.citations[0]["document_id"]
    page = client.get(f"/staff/documents/{doc_id}")
    assert page.status_code == 200 and answer_id in page.text
    assert 'data-testid="chunk-section"' in page.text or 'data-testid="document-chunk"' in page.text
    with assistant.sessions.begin() as session:
        session.get(AnswerRecord, answer_id).created_at = datetime.now(UTC) - timedelta(days=40)
    assistant.settings.retention_days = 30
    assert answer_id not in client.get(f"/staff/documents/{doc_id}").text


def test_reviewers_read_but_cannot_change(client, assistant):
    token = sign_in(client, REVIEWER)
    assert client.get(f"/staff/documents/{MELBOURNE}").status_code == 200
    assert client.get("/staff/audit").status_code == 200
    assert upload(client, token, ("x.md", NEW_TEXT.encode())).status_code == 403
    assert client.get(f"/staff/documents/edit/{MELBOURNE}").status_code == 403
    assert (
        client.post(
            f"/staff/documents/delete/{MELBOURNE}", data={"csrf_token": token, "confirm": "yes"}
        ).status_code
        == 403
    )
    with assistant.sessions() as session:
        assert session.get(DocumentRecord, MELBOURNE) is not None
        assert session.scalars(select(UploadJob)).all() == []


def test_anonymous_requests_are_refused(client):
    assert client.get("/staff/documents/uploads/progress").status_code == 401
    response = client.get("/staff/documents", follow_redirects=False)
    assert response.status_code == 303 and "/staff/login" in response.headers["location"]


def test_filters_offer_the_facet_counts_of_the_documents_api(client, assistant):
    sign_in(client, REVIEWER)
    facets = client.get("/v1/documents").json()["facets"]
    page = client.get("/staff/documents?lang=en").text
    for name in ("language", "place", "year"):
        for facet in facets[name]:
            assert f'value="{facet["value"]}"' in page and f'{facet["value"]} ({facet["count"]})' in page
    year = facets["year"][0]
    rows = table_ids(client.get(f"/staff/documents?year={year['value']}").text)
    assert len(rows) == year["count"]


def test_files_the_folder_run_could_not_ingest_are_listed_as_failed(client, assistant, corpus_copy):
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage\n%%EOF\n")
    ingest_into(assistant, corpus_copy, progress=False)
    sign_in(client, ADMIN)
    failed = client.get("/staff/documents?status=failed&lang=en")
    assert table_ids(failed.text) == ["broken"] and "damaged or not a valid PDF" in failed.text
    assert 'data-testid="upload-job"' not in failed.text  # not an upload
    (corpus_copy / "broken.pdf").unlink()
    ingest_into(assistant, corpus_copy, progress=False)  # the next run replaces the list
    assert table_ids(client.get("/staff/documents?status=failed").text) == []
