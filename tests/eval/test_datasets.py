"""DatasetStore: datasets, rows, JSONL/CSV import and export, bad files, promotion of answers."""

from __future__ import annotations

import json

import pytest

from assistant.errors import InvalidRequest, NotFound
from assistant.types import Answer, Citation
from tests.conftest import REPO

QUESTIONS = REPO / "evalsets" / "questions.jsonl"


def test_create_list_get(datasets, unique):
    name = unique()
    dataset = datasets.create(f"  {name} ", "held-out questions")
    assert dataset.name == name
    assert datasets.get(name).id == dataset.id == datasets.get(dataset.id).id
    listed = {d["id"]: d for d in datasets.list()}
    assert listed[dataset.id]["rows"] == 0 and listed[dataset.id]["description"] == "held-out questions"
    assert isinstance(listed[dataset.id]["created_at"], str)
    with pytest.raises(InvalidRequest, match="already exists"):
        datasets.create(name)
    with pytest.raises(InvalidRequest, match="empty"):
        datasets.create("   ")
    with pytest.raises(NotFound):
        datasets.get(unique("missing"))


def test_rows_add_update_delete(datasets, unique):
    dataset = datasets.create(unique())
    row = datasets.add_row(
        dataset.id,
        question=" متى انطلقت الشبكة؟ ",
        reference_answer="عام 2015",
        reference_document_ids=("about-scn",),
        tags=("factoid", "msa"),
        key_facts=["2015"],
        external_id="x1",
    )
    assert row.question == "متى انطلقت الشبكة؟" and row.reference_document_ids == ["about-scn"]
    assert row.answerable is True and row.source_answer_id is None
    with pytest.raises(InvalidRequest, match="x1"):
        datasets.add_row(dataset.id, question="another", external_id="x1")
    with pytest.raises(InvalidRequest, match="question"):
        datasets.add_row(dataset.id, question="  ")
    updated = datasets.update_row(row.id, answerable=False, tags=["unanswerable"], key_facts=[])
    assert updated.answerable is False and updated.tags == ["unanswerable"]
    assert datasets.rows(dataset.id)[0].tags == ["unanswerable"]
    with pytest.raises(InvalidRequest, match="Unknown field"):
        datasets.update_row(row.id, colour="red")
    with pytest.raises(InvalidRequest, match="question"):
        datasets.update_row(row.id, question="")
    datasets.delete_row(row.id)
    assert datasets.rows(dataset.id) == []
    with pytest.raises(NotFound):
        datasets.delete_row(row.id)
    with pytest.raises(NotFound):
        datasets.update_row(row.id, question="x")


def test_jsonl_import_keeps_every_field_and_round_trips(datasets, unique):
    text = QUESTIONS.read_text(encoding="utf-8")
    source = [json.loads(line) for line in text.splitlines() if line.strip()]
    first = datasets.create(unique())
    assert datasets.import_rows(first.id, text, "jsonl") == len(source) == 55
    rows = datasets.rows(first.id)
    assert [r.external_id for r in rows] == [s["id"] for s in source]  # file order kept
    q = rows[0]
    assert q.question == source[0]["question"] and q.tags == source[0]["tags"]
    assert q.reference_document_ids == source[0]["document_ids"] and q.key_facts == source[0]["key_facts"]
    assert q.evidence == source[0]["evidence"] and q.reference_answer == source[0]["reference_answer"]
    assert sum(not r.answerable for r in rows) == 13

    exported = datasets.export(first.id, "jsonl")
    for line, original in zip(exported.splitlines(), source, strict=True):
        assert json.loads(line) == {**original, "reference_chunk_ids": []}
    second = datasets.create(unique())
    datasets.import_rows(second.id, exported, "jsonl")
    assert datasets.export(second.id, "jsonl") == exported
    assert datasets.same_content(second.id, text, "jsonl")


def test_csv_round_trip_and_pipe_separated_lists(datasets, unique):
    first = datasets.create(unique())
    datasets.import_rows(first.id, QUESTIONS.read_text(encoding="utf-8"), "jsonl")
    datasets.add_row(first.id, question='سؤال فيه "علامات" و, فواصل\nوسطر', reference_chunk_ids=["c1", "c2"])
    csv_text = datasets.export(first.id, "csv")
    assert csv_text.splitlines()[0].startswith("\ufeffid,question,tags,answerable,document_ids")  # BOM
    second = datasets.create(unique())
    assert datasets.import_rows(second.id, csv_text, "csv") == 56
    assert datasets.export(second.id, "csv") == csv_text
    assert datasets.export(second.id, "jsonl") == datasets.export(first.id, "jsonl")

    third = datasets.create(unique())
    handmade = (
        "id,question,tags,answerable,document_ids\n"
        "h1,ما هي الشبكة؟,factoid|msa,yes,about-scn\n"
        "h2,سؤال,,false,\n"
    )
    assert datasets.import_rows(third.id, handmade, "csv") == 2
    h1, h2 = datasets.rows(third.id)
    assert h1.tags == ["factoid", "msa"] and h1.answerable and h1.reference_document_ids == ["about-scn"]
    assert h2.tags == [] and h2.answerable is False


def test_bad_rows_name_the_line_and_import_nothing(datasets, unique):
    dataset = datasets.create(unique())
    good = json.dumps({"id": "g1", "question": "سؤال"}, ensure_ascii=False)
    bad = "\n".join(
        [
            good,
            "{not json",
            json.dumps({"id": "g2", "question": ""}),
            json.dumps({"id": "g3", "question": "x", "answerable": "maybe"}),
            json.dumps({"id": "g4", "question": "x", "tags": "a|b", "document_idz": []}),
            json.dumps({"id": "g1", "question": "again"}),
            json.dumps(["a list"]),
        ]
    )
    with pytest.raises(InvalidRequest) as info:
        datasets.import_rows(dataset.id, bad, "jsonl")
    message = info.value.message
    for expected in (
        "line 2: not valid JSON",
        "line 3: 'question' is missing",
        "line 4: 'answerable'",
        "line 5: unknown column 'document_idz'",
        "line 6: id 'g1' already used on line 1",
        "line 7: not a JSON object",
    ):
        assert expected in message
    assert "line 1:" not in message
    assert datasets.rows(dataset.id) == []

    with pytest.raises(InvalidRequest, match="line 1: unknown column"):
        datasets.import_rows(dataset.id, "id,question,colour\n1,x,red\n", "csv")
    with pytest.raises(InvalidRequest, match="line 3: 'tags' is not a valid JSON array"):
        datasets.import_rows(dataset.id, 'id,question,tags\n1,x,\n2,y,"[oops"\n', "csv")
    with pytest.raises(InvalidRequest, match="line 2: more cells"):
        datasets.import_rows(dataset.id, "id,question\n1,x,extra\n", "csv")
    with pytest.raises(InvalidRequest, match="no rows"):
        datasets.import_rows(dataset.id, "\n\n", "jsonl")
    with pytest.raises(InvalidRequest, match="format"):
        datasets.import_rows(dataset.id, good, "xml")
    assert datasets.rows(dataset.id) == []

    datasets.import_rows(dataset.id, good, "jsonl")
    with pytest.raises(InvalidRequest, match="g1"):  # ids already in the dataset
        datasets.import_rows(dataset.id, good, "jsonl")
    assert len(datasets.rows(dataset.id)) == 1


def _stored_answer(assistant, question="متى انطلقت الشبكة؟", follow_up=None):
    citation = Citation(
        n=1, document_id="about-scn", title="", quote="انطلقت الشبكة عام 2015", chunk_id="chunk-1", score=0.9
    )
    answer = Answer(text="انطلقت الشبكة عام 2015 [1]", refused=False, citations=[citation])
    _, answer_id = assistant.conversations.save(None, follow_up or question, question, answer, [])
    return answer_id


def test_promote_a_reviewed_answer(assistant, datasets, unique):
    dataset = datasets.create(unique())
    answer_id = _stored_answer(assistant, question="متى انطلقت شبكة المدن القوية؟", follow_up="ومتى انطلقت؟")
    row = datasets.promote(
        answer_id,
        dataset_id=dataset.id,
        reference_answer="انطلقت عام 2015",
        reference_chunk_ids=["chunk-1", "chunk-2"],
        tags=("review",),
    )
    assert row.source_answer_id == answer_id
    assert row.question == "متى انطلقت شبكة المدن القوية؟"  # the standalone question
    assert row.reference_chunk_ids == ["chunk-1", "chunk-2"] and row.reference_document_ids == ["about-scn"]
    assert row.answerable and row.tags == ["review"] and row.reference_answer == "انطلقت عام 2015"
    with pytest.raises(InvalidRequest, match="already"):
        datasets.promote(answer_id, dataset_id=dataset.id, reference_answer="", reference_chunk_ids=[])
    with pytest.raises(NotFound):
        datasets.promote("nope", dataset_id=dataset.id, reference_answer="", reference_chunk_ids=[])
    with pytest.raises(NotFound):
        datasets.promote(answer_id, dataset_id=unique("missing"), reference_answer="", reference_chunk_ids=[])

    exported = datasets.export(dataset.id, "jsonl")
    assert json.loads(exported)["source_answer_id"] == answer_id
    copy = datasets.create(unique())
    datasets.import_rows(copy.id, exported, "jsonl")
    assert datasets.rows(copy.id)[0].source_answer_id == answer_id  # the answer exists here
    dropped = exported.replace(answer_id, "0" * 32)
    other = datasets.create(unique())
    datasets.import_rows(other.id, dropped, "jsonl")
    assert datasets.rows(other.id)[0].source_answer_id is None


def test_a_dataset_is_not_deleted_while_one_of_its_runs_is_in_progress(assistant, datasets, unique):
    from assistant.eval.runs import RunStore
    from assistant.store.models import EvalRun

    store = datasets
    dataset = store.create(unique())
    store.add_row(dataset.id, question="سؤال")
    run = RunStore(assistant.sessions).create_run(dataset.id)  # queued
    with pytest.raises(InvalidRequest, match="in progress"):
        store.delete(dataset.id, confirm_name=dataset.name)
    with assistant.sessions.begin() as session:
        session.get(EvalRun, run.id).status = "done"
    assert store.delete(dataset.id, confirm_name=dataset.name) == {"results": 0, "runs": 1, "rows": 1}
    with pytest.raises(NotFound):
        store.get(dataset.id)
