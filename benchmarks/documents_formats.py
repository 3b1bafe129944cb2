"""The same corpus in every document format: extracted-text similarity, answers, pages, speed.

The five seed pages (documents/*.txt, cleaned) are written, paragraph for paragraph, in each
format with the tools staff use: Chromium prints them to PDF (two CSS columns, dir=rtl, running
header and «صفحة N من M» footer; and single column), LibreOffice exports a justified Word file to
PDF, python-docx / odfpy / python-pptx write Word, OpenDocument and slide files. Each format's
corpus keeps the seed file names, so evalsets/questions.jsonl applies to all. For every format:

* similarity: difflib ratio between the source text and the ingested text of each document,
  characters compared after whitespace normalisation (order included), averaged over documents;
* answers: the eval set answered by the real model (key facts, hit@5), next to the .txt control;
* PDF citations: the share whose page is the page the quote is printed on;
* PDF extraction speed (pages/s) and, on a ~200-page PDF, ingest throughput against the raw
  encoder on the same chunks and sentences (the ingest_throughput.py measure), the raw encoder
  timed before and after the ingest (a shared machine's load changes during a long run).

    .venv/bin/python benchmarks/documents_formats.py [--formats txt,pdf-libreoffice,...|none] [--pages 200|0]
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.chat.service import Assistant  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.embedding import load_embedder  # noqa: E402
from assistant.eval.dataset import load_rows  # noqa: E402
from assistant.eval.runner import evaluate  # noqa: E402
from assistant.ingest.chunking import chunk_text  # noqa: E402
from assistant.ingest.clean import clean_text  # noqa: E402
from assistant.ingest.corpus import LoadFailure, load_corpus, load_document  # noqa: E402
from assistant.ingest.indexer import sentence_records  # noqa: E402
from assistant.ingest.loaders import load_file  # noqa: E402
from assistant.ingest.run import ingest  # noqa: E402
from assistant.ingest.structure import page_at, place_chunk  # noqa: E402
from assistant.store.stores import Stores  # noqa: E402
from tests.ingest import makers  # noqa: E402

FORMATS = ("txt", "docx", "odt", "pptx", "pdf-chromium-2col", "pdf-chromium-1col", "pdf-libreoffice")


def source_texts() -> dict[str, str]:
    """Seed document id -> its cleaned text (the text every format is made from)."""
    return {
        p.stem: clean_text(p.read_text(encoding="utf-8")) for p in sorted((REPO / "documents").glob("*.txt"))
    }


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def write(fmt: str, doc_id: str, text: str, folder: Path) -> Path:
    paras = paragraphs(text)
    meta = REPO / "documents" / f"{doc_id}.meta.yaml"
    if meta.exists():
        (folder / meta.name).write_text(meta.read_text(encoding="utf-8"), encoding="utf-8")
    if fmt == "txt":
        path = folder / f"{doc_id}.txt"
        path.write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        return path
    if fmt == "docx":
        return makers.docx_from_paragraphs(folder / f"{doc_id}.docx", paras)
    if fmt == "odt":
        return makers.odt_from_paragraphs(folder / f"{doc_id}.odt", paras)
    if fmt == "pptx":
        return makers.pptx_from_paragraphs(folder / f"{doc_id}.pptx", paras)
    if fmt.startswith("pdf-chromium"):
        columns = 2 if fmt.endswith("2col") else 1
        return makers.chromium_pdf(folder / f"{doc_id}.pdf", paras, columns=columns, repeat=1, title="")
    if fmt == "pdf-libreoffice":
        work = folder / ".work"
        work.mkdir(exist_ok=True)
        pdf = makers.libreoffice_pdf(makers.docx_from_paragraphs(work / f"{doc_id}.docx", paras))
        target = folder / f"{doc_id}.pdf"
        pdf.replace(target)
        return target
    raise ValueError(fmt)


def normalise(text: str) -> str:
    return " ".join(text.replace("\f", " ").split())


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, normalise(a), normalise(b), autojunk=False).ratio()


def page_accuracy(assistant: Assistant, folder: Path, rows) -> tuple[int, int]:
    """(citations whose page is right, citations) over the answers to ``rows``."""
    docs = {d.id: d for d in load_corpus(folder) if not isinstance(d, LoadFailure)}
    right = total = 0
    for row in rows:
        answer, _ = assistant.answer(row.question)
        for c in answer.citations:
            doc = docs.get(c.document_id)
            if doc is None or not doc.pages:
                continue
            total += 1
            right += int(c.page == page_at(doc.page_breaks, c.start))
    return right, total


def throughput(embedder, settings: Settings, pages: int, tmp: Path) -> dict[str, float]:
    """Ingest of one ~``pages``-page Chromium PDF against the raw encoder on the same texts."""
    folder = tmp / "big"
    folder.mkdir()
    corpus = [p for text in source_texts().values() for p in paragraphs(text)]
    probe = makers.chromium_pdf(tmp / "probe.pdf", corpus, columns=2, repeat=1, title="")
    per_copy = len(load_file(probe).text.split("\f"))
    copies = max(1, round(pages / per_copy))
    body = [f"{p} (نسخة {i})" for i in range(copies) for p in corpus]
    pdf = makers.chromium_pdf(folder / "big.pdf", body, columns=2, repeat=1, title="")
    started = time.perf_counter()
    loaded = load_file(pdf)
    extract_s = time.perf_counter() - started
    doc = load_document(pdf, folder)
    chunks = [
        place_chunk(c, doc)
        for c in chunk_text(
            doc.id,
            doc.text,
            embedder.count_tokens,
            max_tokens=settings.chunk_max_tokens,
            overlap_sentences=settings.chunk_overlap_sentences,
            section_starts=frozenset(s for s, _, _ in doc.headings),
        )
    ]
    texts = [c.text for c in chunks] + [s.text for c in chunks for s in sentence_records(c)]
    embedder.embed_passages(texts[:8])  # warm-up

    def raw_encoding() -> float:
        started = time.perf_counter()
        embedder.embed_passages(texts)
        return time.perf_counter() - started

    # The raw encoder is timed before and after the ingest and the two are averaged, so a change
    # of load on a shared machine during the run weighs on both sides; the 1-minute load average
    # is recorded around each timing.
    load = [os.getloadavg()[0]]
    raw_before = raw_encoding()
    load.append(os.getloadavg()[0])
    stores = Stores.open(
        Settings(data_dir=tmp / "big-data", documents_dir=folder, cache_dir=settings.cache_dir),
        embedder=embedder,
    )
    started = time.perf_counter()
    report = ingest(stores, folder, progress=False)
    ingest_s = time.perf_counter() - started
    load.append(os.getloadavg()[0])
    raw_after = raw_encoding()
    load.append(os.getloadavg()[0])
    raw_s = (raw_before + raw_after) / 2
    return {
        "raw_before": raw_before,
        "raw_after": raw_after,
        "load": load,
        "cpus": os.cpu_count() or 0,
        "pages": loaded.pages or 0,
        "extract_s": extract_s,
        "pages_per_s": (loaded.pages or 0) / extract_s,
        "chunks": len(chunks),
        "texts": len(texts),
        "raw_s": raw_s,
        "ingest_s": ingest_s,
        "ratio": raw_s / ingest_s,
        "failed": len(report.failed),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--pages", type=int, default=200, help="size of the throughput PDF (0: skip)")
    parser.add_argument("--questions", default=str(REPO / "evalsets" / "questions.jsonl"))
    args = parser.parse_args()
    cache = Path(os.environ.get("ASSISTANT_CACHE_DIR", REPO / ".cache"))
    settings = Settings(cache_dir=cache)
    embedder = load_embedder(settings)
    rows = load_rows(Path(args.questions))
    answerable = [r for r in rows if r.answerable]
    sources = source_texts()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for fmt in [f for f in args.formats.split(",") if f and f != "none"]:
            folder = tmp / fmt
            folder.mkdir()
            for doc_id, text in sources.items():
                write(fmt, doc_id, text, folder)
            started = time.perf_counter()
            docs = {d.id: d for d in load_corpus(folder) if not isinstance(d, LoadFailure)}
            load_s = time.perf_counter() - started
            sims = [similarity(sources[i], docs[i].text) if i in docs else 0.0 for i in sources]
            pages = sum(d.pages for d in docs.values())
            assistant = Assistant(
                Settings(data_dir=tmp / f"{fmt}-data", documents_dir=folder, cache_dir=cache),
                embedder=embedder,
            )
            ingest(assistant.stores, folder, progress=False)
            assistant.refresh(force=True)
            summary = evaluate(assistant, rows).summary()
            right, cited = page_accuracy(assistant, folder, answerable) if fmt.startswith("pdf") else (0, 0)
            results[fmt] = {
                "similarity": sum(sims) / len(sims),
                "min_similarity": min(sims),
                "key_facts": summary.get("key_facts") or 0.0,
                "hit@5": summary.get("hit@5") or 0.0,
                "pages": pages,
                "pages_per_s": pages / load_s if pages else 0.0,
                "page_right": right,
                "page_cited": cited,
            }
            r = results[fmt]
            print(
                f"{fmt:18} similarity {r['similarity']:.4f} (min {r['min_similarity']:.4f})  key facts "
                f"{r['key_facts']:.3f}  hit@5 {r['hit@5']:.3f}"
                + (f"  pages {pages}, {r['pages_per_s']:.1f} pages/s (load+clean)" if pages else "")
                + (f"  citation pages right {right}/{cited}" if cited else ""),
                flush=True,
            )
        if "txt" in results:
            control = results["txt"]
            print("\nanswers vs the .txt control (key facts ratio, target >= 0.95):")
            for fmt, r in results.items():
                if fmt != "txt":
                    ratio = r["key_facts"] / control["key_facts"] if control["key_facts"] else 0.0
                    print(f"  {fmt:18} {ratio:.3f}  (hit@5 {r['hit@5']:.3f} vs {control['hit@5']:.3f})")
        if args.pages:
            t = throughput(embedder, settings, args.pages, tmp)
            print(
                f"\n{t['pages']}-page Chromium PDF: extraction {t['extract_s']:.1f}s = "
                f"{t['pages_per_s']:.1f} pages/s; {t['chunks']} chunks + sentences = {t['texts']} texts; "
                f"raw encoder {t['raw_before']:.1f}s before and {t['raw_after']:.1f}s after the full "
                f"ingest of {t['ingest_s']:.1f}s; ratio ingest / raw encoding (mean) {t['ratio']:.2f}, "
                f"against the faster raw timing {min(t['raw_before'], t['raw_after']) / t['ingest_s']:.2f} "
                f"(target >= 0.8); 1-minute load average {' / '.join(f'{x:.1f}' for x in t['load'])} "
                f"(start / after raw / after ingest / after raw) on {t['cpus']} CPUs"
            )


if __name__ == "__main__":
    main()
