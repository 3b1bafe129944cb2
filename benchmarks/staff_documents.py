"""Load time of /staff/documents with 1,000 documents (issue 14: < 1 s).

Inserts 1,000 document rows (each with 20,000 characters of text, which the table never reads) and
a few upload jobs into a fresh SQLite database, signs in as an admin and requests the page through
the whole app (middleware, session, CSRF, template) with Starlette's TestClient: the default view
(newest first), sorted by title, filtered by kind and by a search word, and page 10. Prints p50 and
p95 per view in milliseconds.

    ASSISTANT_CACHE_DIR=.cache .venv/bin/python benchmarks/staff_documents.py [--documents 1000] [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fastapi.testclient import TestClient  # noqa: E402

from api.main import create_app  # noqa: E402
from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.embedding import HashEmbedder  # noqa: E402
from assistant.staff import accounts  # noqa: E402
from assistant.store.models import DocumentRecord, UploadJob  # noqa: E402
from assistant.types import DOCUMENT_KINDS  # noqa: E402

PLACES = ("الرباط", "Melbourne", "بيروت", "Oslo", "عمّان", None)
FORMATS = ("pdf", "docx", "md", "txt", "html")
VIEWS = {
    "default (newest first)": "/staff/documents",
    "sorted by title": "/staff/documents?sort=title&order=asc",
    "kind=declaration": "/staff/documents?kind=declaration",
    "search 'report'": "/staff/documents?q=report",
    "page 10": "/staff/documents?page=10",
}


def fill(assistant: Assistant, n: int) -> None:
    text = "نص تجريبي للوثيقة " * 1100  # ~20,000 characters each, never read by the table
    now = datetime.now(UTC)
    with assistant.sessions.begin() as session:
        for i in range(n):
            session.add(
                DocumentRecord(
                    id=f"bench-{i:05d}",
                    title=f"Benchmark report {i:05d} تقرير",
                    kind=DOCUMENT_KINDS[i % len(DOCUMENT_KINDS)],
                    date=f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}",
                    place=PLACES[i % len(PLACES)],
                    language="ar" if i % 3 else "en",
                    source_path=f"bench-{i:05d}.{FORMATS[i % len(FORMATS)]}",
                    content_hash=f"{i:064d}",
                    text=text,
                    chunk_count=5 + i % 40,
                    pages=i % 120 or None,
                    updated_at=now - timedelta(minutes=i),
                    origin="upload" if i % 2 else "folder",
                )
            )
        for i in range(10):
            session.add(
                UploadJob(
                    filename=f"upload-{i}.pdf",
                    status="failed" if i % 2 else "processing",
                    reason="upload-1.pdf: the PDF is encrypted." if i % 2 else None,
                    created_by="bench",
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            documents_dir=Path(tmp) / "documents",
            rate_limit_per_ip="",
            rate_limit_per_origin="",
        )
        (Path(tmp) / "documents").mkdir()
        assistant = Assistant(settings, embedder=HashEmbedder())
        fill(assistant, args.documents)
        accounts.BCRYPT_ROUNDS = 4
        accounts.create_user(assistant.sessions, "bench-admin", "bench-password-1", role="admin")
        with TestClient(create_app(assistant=assistant)) as client:
            login = client.get("/staff/login").text
            token = login.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(
                "/staff/login",
                data={"username": "bench-admin", "password": "bench-password-1", "csrf_token": token},
            )
            print(
                f"/staff/documents with {args.documents:,} documents (+10 upload jobs), "
                f"{args.runs} requests each"
            )
            print(f"{'view':<26}{'p50 ms':>10}{'p95 ms':>10}{'rows':>7}{'KB':>7}")
            for name, url in VIEWS.items():
                times = []
                for _ in range(args.runs + 2):
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.status_code
                times = sorted(times[2:])  # the first two warm the template cache
                p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
                rows = response.text.count('data-testid="document-row"')
                size = len(response.content) / 1024
                print(f"{name:<26}{statistics.median(times):>10.1f}{p95:>10.1f}{rows:>7}{size:>7.0f}")
            print("target: < 1000 ms")


if __name__ == "__main__":
    main()
