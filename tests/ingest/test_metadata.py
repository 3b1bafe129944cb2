"""Document metadata: the guessing rules, stated metadata winning over them (sidecar YAML/JSON,
the folder's metadata.json), and the copy every chunk carries in Chroma for filtering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.chat.service import Assistant
from assistant.errors import DocumentLoadError
from assistant.ingest.corpus import load_corpus, load_document
from assistant.ingest.metadata import guess_date, guess_kind, guess_language, guess_place
from assistant.store.documents import DocumentStore
from tests.conftest import ingest_into


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("إعلان ميلبورن", "declaration"),
        ("الإعلان الختامي للقمة", "declaration"),  # the first group that matches wins
        ("بيان رؤساء البلديات", "declaration"),
        ("ورقة سياسات: المدن والوقاية", "brief"),
        ("Policy brief: local prevention", "brief"),
        ("المركز الإقليمي: ورشة عمل إقليمية", "event_report"),
        ("مؤتمر ” بناء مدن أقوى ”", "event_report"),
        ("Fifth Global Summit", "event_report"),
        ("عن شبكة المدن القوية", "about"),
        ("من نحن", "about"),
        ("دعوة رؤساء البلديات إلى التعاون", "other"),
        ("إعلانات مبوبة", "other"),  # a different word that starts like one
    ],
)
def test_kind_from_title_keywords(title, kind):
    assert guess_kind(title) == kind


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("في الفترة من 3 إلى 5 ديسمبر 2024، عقدت الشبكة قمتها", "2024-12-03"),
        ("عقد الاجتماع في ٢ آب ٢٠٢٣ في كولومبو", "2023-08-02"),
        ("في 11 تموز/يوليو 2018 أعلن", "2018-07-11"),
        ("في 2 تشرين الثاني 2019", "2019-11-02"),
        ("Held on December 3, 2024 in Cape Town", "2024-12-03"),
        ("Published 2023-08-02. Later: 5 May 2024", "2023-08-02"),
        ("أطلقت الشبكة في شهر أيلول/سبتمبر 2015", None),  # month and year only: not a date
        ("في 31 فبراير 2024", None),  # no such day
        ("لا تاريخ هنا", None),
    ],
)
def test_date_is_the_first_full_date(text, date):
    assert guess_date(text) == date


def test_date_is_read_only_from_the_start_of_the_text():
    assert guess_date("نص " * 600 + "في 3 ديسمبر 2024") is None


def test_place_language():
    assert guess_place("مؤتمر في مدينة بيرمنغهام، المملكة المتحدة", "") == "بيرمنغهام"
    assert guess_place("قمة", "عُقدت بمدينة كولومبو هذا العام") == "كولومبو"
    assert guess_place("قمة", "رئيس بلدية وحاكم مدينة و40 مشاركًا") is None
    assert guess_language("The network of cities " * 20 + "شبكة") == "en"
    assert guess_language("شبكة المدن القوية and SCN") == "ar"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_guessed_metadata_and_where_it_came_from(tmp_path):
    path = _write(tmp_path, "brief.txt", "ورقة سياسات حول الوقاية\n\nصدرت في 4 مارس 2022 في مدينة عمّان.\n")
    doc = load_document(path, tmp_path)
    assert (doc.kind, doc.date, doc.place, doc.language) == ("brief", "2022-03-04", "عمّان", "ar")
    assert doc.metadata_origin == {
        "title": "guessed", "kind": "guessed", "date": "guessed", "place": "guessed", "language": "guessed"
    }


def test_stated_metadata_wins_sidecar_over_folder_file(tmp_path):
    text = "إعلان المدن\n\nفي 4 مارس 2022 في مدينة عمّان.\n"
    a = _write(tmp_path, "a.txt", text)
    b = _write(tmp_path, "b.txt", text.replace("المدن", "البلديات"))
    _write(tmp_path, "c.txt", text.replace("المدن", "الشبكة"))
    (tmp_path / "metadata.json").write_text(
        json.dumps({"a.txt": {"kind": "brief", "place": "الزرقاء"}, "b": {"date": None, "language": " AR "}}),
        encoding="utf-8",
    )
    (tmp_path / "a.meta.json").write_text(json.dumps({"kind": "event_report"}), encoding="utf-8")
    docs = {d.id: d for d in load_corpus(tmp_path)}
    assert sorted(docs) == ["a", "b", "c"]  # neither metadata.json nor the sidecar is a document
    assert (docs["a"].kind, docs["a"].place, docs["a"].date) == ("event_report", "الزرقاء", "2022-03-04")
    assert docs["a"].metadata_origin["kind"] == "sidecar"
    assert docs["a"].metadata_origin["place"] == "folder"
    assert docs["a"].metadata_origin["date"] == "guessed"
    # stated as null: not guessed
    assert docs["b"].date is None and docs["b"].metadata_origin["date"] == "folder"
    assert docs["b"].language == "ar"  # codes are compared lower-case by the filters
    assert (docs["c"].kind, docs["c"].metadata_origin["kind"]) == ("declaration", "guessed")
    assert load_document(a, tmp_path).kind == "event_report"
    assert load_document(b, tmp_path).date is None


def test_bad_stated_metadata_is_a_clear_failure(tmp_path):
    _write(tmp_path, "a.txt", "نص\n")
    (tmp_path / "a.meta.json").write_text('{"kind": "memo"}', encoding="utf-8")
    (failure,) = list(load_corpus(tmp_path))
    assert "kind 'memo' is not one of declaration" in failure.reason
    (tmp_path / "a.meta.json").write_text('{"kind": ', encoding="utf-8")
    (failure,) = list(load_corpus(tmp_path))
    assert "a.meta.json: the metadata file is not valid JSON" in failure.reason
    (tmp_path / "a.meta.json").unlink()
    (tmp_path / "metadata.json").write_text('["a.txt"]', encoding="utf-8")
    (failure,) = list(load_corpus(tmp_path))
    assert "metadata.json: must be an object of file name" in failure.reason
    with pytest.raises(DocumentLoadError, match="metadata.json"):
        load_document(tmp_path / "a.txt", tmp_path)


def test_every_chunk_carries_its_documents_filter_metadata(settings, fake_embedder, corpus_copy: Path):
    """Real embedded Chroma and SQLite: ingest writes kind, date (yyyymmdd), place and language on
    every chunk, and a metadata change reaches the chunks without re-embedding."""
    assistant = Assistant(settings, embedder=fake_embedder)
    ingest_into(assistant, corpus_copy, progress=False)
    records = list(assistant.store.iter_records())
    summit = [m for _, _, m in records if m["document_id"] == "fifth-global-summit-nlc-2024"]
    assert summit and all(
        (m["kind"], m["date"], m["place"], m["language"])
        == ("event_report", 20241203, "كيب تاون، جنوب أفريقيا", "ar")
        for m in summit
    )
    about = [m for _, _, m in records if m["document_id"] == "about-scn"]
    assert about and all((m["kind"], m["date"], m["place"]) == ("about", 0, "") for m in about)
    docs = {d["id"]: d for d in DocumentStore(assistant.sessions).list()}
    assert docs["about-scn"]["metadata_origin"]["kind"] == "sidecar"

    sidecar = corpus_copy / "about-scn.meta.yaml"
    sidecar.write_text(
        sidecar.read_text(encoding="utf-8").replace("kind: about", "kind: brief"), encoding="utf-8"
    )
    fake_embedder.texts = 0
    report = ingest_into(assistant, corpus_copy, progress=False)
    assert report.updated == ["about-scn"] and fake_embedder.texts == 0
    kinds = {m["kind"] for _, _, m in assistant.store.iter_records() if m["document_id"] == "about-scn"}
    assert kinds == {"brief"}
