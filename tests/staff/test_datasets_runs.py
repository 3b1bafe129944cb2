"""Dataset pages (create, import, export, edit, delete) and evaluation runs (start, progress,
report with SVG charts, JSON export, comparison) through the staff pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.eval.datasets import DatasetStore
from assistant.store.models import AnswerRecord, EvalRun
from tests.staff.helpers import REVIEWER, ask, sign_in, thumbs_down, wait_for_run

REPO = Path(__file__).resolve().parents[2]
ROWS = [
    json.loads(line)
    for line in (REPO / "evalsets" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:5]
]
JSONL = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in ROWS)


def create_dataset(client, token: str, name: str = "مجموعة الاختبار") -> str:
    response = client.post(
        "/staff/datasets",
        data={"csrf_token": token, "name": name, "description": "وصف"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return response.headers["location"].rsplit("/", 1)[1]


def upload(client, token: str, dataset_id: str, name: str, body: str):
    return client.post(
        f"/staff/datasets/{dataset_id}/import",
        data={"csrf_token": token},
        files={"file": (name, body.encode("utf-8"), "application/octet-stream")},
        follow_redirects=False,
    )


def test_create_a_dataset_and_round_trip_import_export(client, assistant):
    token = sign_in(client)
    dataset_id = create_dataset(client, token)
    assert "مجموعة الاختبار" in client.get("/staff/datasets").text
    duplicate = client.post("/staff/datasets", data={"csrf_token": token, "name": "مجموعة الاختبار"})
    assert duplicate.status_code == 422 and "توجد مجموعة بالاسم" in duplicate.text  # translated

    assert upload(client, token, dataset_id, "questions.jsonl", JSONL).status_code == 303
    page = client.get(f"/staff/datasets/{dataset_id}")
    assert page.text.count('data-testid="dataset-row"') == len(ROWS)
    assert ROWS[0]["question"] in page.text

    exported = client.get(f"/staff/datasets/{dataset_id}/export?fmt=jsonl")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    assert [json.loads(line)["question"] for line in exported.text.splitlines()] == [
        r["question"] for r in ROWS
    ]
    assert DatasetStore(assistant.sessions).same_content(dataset_id, JSONL, "jsonl")

    as_csv = client.get(f"/staff/datasets/{dataset_id}/export?fmt=csv")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    copy_id = create_dataset(client, token, "نسخة")
    assert upload(client, token, copy_id, "copy.csv", as_csv.text).status_code == 303
    again = client.get(f"/staff/datasets/{copy_id}/export?fmt=jsonl").text
    assert again == exported.text  # JSONL → CSV → JSONL changes nothing


def test_a_bad_import_is_refused_with_the_reason_and_adds_nothing(client, assistant):
    token = sign_in(client)
    dataset_id = create_dataset(client, token)
    response = upload(client, token, dataset_id, "bad.jsonl", '{"question": "ok"}\n{"nope": 1}\n')
    assert response.status_code == 422 and 'data-testid="form-error"' in response.text
    assert DatasetStore(assistant.sessions).rows(dataset_id) == []


def test_edit_add_and_delete_rows(client, assistant):
    token = sign_in(client)
    dataset_id = create_dataset(client, token)
    upload(client, token, dataset_id, "q.jsonl", JSONL)
    store = DatasetStore(assistant.sessions)
    row = store.rows(dataset_id)[0]
    form = client.get(f"/staff/datasets/{dataset_id}/rows/{row.id}")
    assert form.status_code == 200 and 'id="row-form"' in form.text
    response = client.post(
        f"/staff/datasets/{dataset_id}/rows/{row.id}",
        data={
            "csrf_token": token,
            "external_id": row.external_id,
            "question": "سؤال معدّل",
            "reference_answer": "إجابة مرجعية",
            "tags": "a, b",
            "key_facts": "حقيقة 1\nحقيقة 2",
            "reference_chunk_ids": "",
            "reference_document_ids": "doc-1",
            "evidence": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    edited = store.get_row(row.id)
    assert (edited.question, edited.reference_answer, edited.answerable) == (
        "سؤال معدّل",
        "إجابة مرجعية",
        False,
    )
    assert (edited.tags, edited.key_facts, edited.reference_document_ids) == (
        ["a", "b"],
        ["حقيقة 1", "حقيقة 2"],
        ["doc-1"],
    )
    empty = client.post(
        f"/staff/datasets/{dataset_id}/rows/{row.id}", data={"csrf_token": token, "question": " "}
    )
    assert empty.status_code == 422 and "question" in empty.text
    added = client.post(
        f"/staff/datasets/{dataset_id}/rows",
        data={"csrf_token": token, "question": "سؤال جديد", "answerable": "1"},
        follow_redirects=False,
    )
    assert added.status_code == 303 and len(store.rows(dataset_id)) == len(ROWS) + 1
    deleted = client.post(f"/staff/datasets/{dataset_id}/rows/{row.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 200 and len(store.rows(dataset_id)) == len(ROWS)


def promoted_answer(client, assistant, dataset_id: str, token: str) -> str:
    """A thumbs-down answer, reviewed and promoted into the dataset."""
    answer_id = ask(client)
    thumbs_down(client, answer_id)
    with assistant.sessions() as session:
        chunk_id = session.get(AnswerRecord, answer_id).retrieved[0]["chunk_id"]
    client.post(
        f"/staff/review/{answer_id}",
        data={
            "csrf_token": token,
            "rating": "0",
            "correction": "الإجابة الصحيحة.",
            "expected_chunk_ids": [chunk_id],
        },
    )
    response = client.post(
        f"/staff/review/{answer_id}/promote",
        data={"csrf_token": token, "dataset_id": dataset_id, "answerable": "1", "tags": "reviewed"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return answer_id


def start_run(client, token: str, dataset_id: str, label: str) -> str:
    response = client.post(
        f"/staff/datasets/{dataset_id}/runs",
        data={"csrf_token": token, "label": label},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return response.headers["location"].rsplit("/", 1)[1]


def test_an_unfinished_run_shows_a_progress_page_that_polls(client, assistant):
    from assistant.eval.runs import RunStore

    token = sign_in(client)
    dataset_id = create_dataset(client, token)
    upload(client, token, dataset_id, "q.jsonl", JSONL)
    queued = RunStore(assistant.sessions).create_run(dataset_id, "not started")
    page = client.get(f"/staff/runs/{queued.id}")
    assert page.status_code == 200 and 'id="run-progress"' in page.text
    assert f'data-progress-url="/staff/runs/{queued.id}/progress"' in page.text
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"]).group(1)
    assert f'<script nonce="{nonce}">' in page.text


def test_run_report_charts_json_and_comparison(client, assistant):
    token = sign_in(client)
    dataset_id = create_dataset(client, token)
    upload(client, token, dataset_id, "q.jsonl", JSONL)
    answer_id = promoted_answer(client, assistant, dataset_id, token)

    first = start_run(client, token, dataset_id, "الأولى")
    assert client.get(f"/staff/runs/{first}").status_code == 200
    state = wait_for_run(client, first)
    assert state == {
        "id": first,
        "status": "done",
        "done": len(ROWS) + 1,
        "total": len(ROWS) + 1,
        "error": None,
    }

    report = client.get(f"/staff/runs/{first}")
    assert report.status_code == 200 and 'id="report"' in report.text
    assert report.text.count("<svg") >= 4
    for testid in ("chart-metrics", "chart-tags", "chart-distribution-support", "chart-distribution-f1"):
        assert f'data-testid="{testid}"' in report.text, testid
    assert re.search(r'<svg[^>]*data-testid="chart-metrics".*?<rect[^>]*fill="#1d4ed8"', report.text, re.S)
    assert report.text.count('data-testid="report-row"') == len(ROWS) + 1
    assert f'href="/staff/review/{answer_id}" data-testid="row-review-link"' in report.text
    assert 'id="compare-previous"' not in report.text  # no earlier run yet

    exported = client.get(f"/staff/runs/{first}/report.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    data = json.loads(exported.content)
    assert set(data) >= {"run", "summary", "by_tag", "distribution", "rows"}
    assert data["run"]["id"] == first and len(data["rows"]) == len(ROWS) + 1

    second = start_run(client, token, dataset_id, "الثانية")
    assert wait_for_run(client, second)["status"] == "done"
    report2 = client.get(f"/staff/runs/{second}")
    assert f'href="/staff/runs/compare?a={first}&amp;b={second}"' in report2.text  # vs the previous run
    assert "الأولى" in report2.text  # the previous run is a series in the metric chart

    compare = client.get(f"/staff/runs/compare?a={first}&b={second}")
    assert compare.status_code == 200 and 'data-testid="compare-rows"' in compare.text
    assert compare.text.count('data-testid="compare-row"') == len(ROWS) + 1
    assert "<svg" in compare.text
    runs = client.get("/staff/runs")
    assert runs.text.count('data-testid="run-item"') == 2 and 'id="compare-form"' in runs.text


def test_compare_puts_regressions_first(client, assistant):
    token = sign_in(client)
    dataset_id = create_dataset(client, token)
    upload(client, token, dataset_id, "q.jsonl", JSONL)
    first = start_run(client, token, dataset_id, "a")
    wait_for_run(client, first)
    second = start_run(client, token, dataset_id, "b")
    wait_for_run(client, second)
    from assistant.store.models import EvalResult

    with assistant.sessions.begin() as session:  # one answerable row: hit@5 1 in run a, 0 in run b
        results = {r.row_id: r for r in session.query(EvalResult).filter_by(run_id=first)}
        later = next(
            r
            for r in session.query(EvalResult).filter_by(run_id=second)
            if r.metrics.get("hit@5") is not None
        )
        results[later.row_id].metrics = {**results[later.row_id].metrics, "hit@5": 1.0}
        later.metrics = {**later.metrics, "hit@5": 0.0}
        regressed_row = later.row_id
    page = client.get(f"/staff/runs/compare?a={first}&b={second}")
    statuses = re.findall(
        r'data-testid="compare-row" data-status="([a-z_]+)" data-row-id="([0-9a-f]+)"', page.text
    )
    assert statuses[0] == ("regression", regressed_row)
    assert int(re.search(r'data-testid="count-regressions">(\d+)<', page.text).group(1)) >= 1


def test_runs_of_an_empty_dataset_are_refused_clearly(client):
    token = sign_in(client)
    dataset_id = create_dataset(client, token)
    response = client.post(f"/staff/datasets/{dataset_id}/runs", data={"csrf_token": token, "label": "x"})
    assert response.status_code == 422 and "لا توجد أسئلة في المجموعة" in response.text


def test_reviewers_read_reports_but_cannot_start_runs(client, assistant, app):
    from fastapi.testclient import TestClient

    token = sign_in(client)
    dataset_id = create_dataset(client, token)
    upload(client, token, dataset_id, "q.jsonl", JSONL)
    run_id = start_run(client, token, dataset_id, "admin run")
    wait_for_run(client, run_id)
    with TestClient(app) as reviewer:
        reviewer_token = sign_in(reviewer, REVIEWER)
        assert reviewer.get(f"/staff/runs/{run_id}").status_code == 200
        assert reviewer.get(f"/staff/runs/{run_id}/report.json").status_code == 200
        refused = reviewer.post(f"/staff/datasets/{dataset_id}/runs", data={"csrf_token": reviewer_token})
        assert refused.status_code == 403
    with assistant.sessions() as session:  # the refused request started nothing
        assert session.query(EvalRun).filter_by(dataset_id=dataset_id).count() == 1


def test_unknown_runs_answer_404(client):
    sign_in(client)
    assert client.get("/staff/runs/nope").status_code == 404
    missing = client.get("/staff/runs/nope/progress")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert client.get("/staff/runs/nope/report.json").status_code == 404


def test_admins_delete_a_dataset_with_its_runs_after_typing_its_name(client, assistant, app):
    from fastapi.testclient import TestClient

    from assistant.store.models import EvalResult, EvalRowRecord, EvalRun

    token = sign_in(client)
    dataset_id = create_dataset(client, token, "للحذف")
    kept_id = create_dataset(client, token, "تبقى")
    upload(client, token, dataset_id, "q.jsonl", JSONL)
    upload(client, token, kept_id, "q.jsonl", JSONL)
    run_id = start_run(client, token, dataset_id, "to go")
    wait_for_run(client, run_id)
    page = client.get(f"/staff/datasets/{dataset_id}")
    assert 'id="delete-dataset-form"' in page.text

    wrong = client.post(
        f"/staff/datasets/{dataset_id}/delete", data={"csrf_token": token, "confirm_name": "غلط"}
    )
    assert wrong.status_code == 422 and "اكتب اسم المجموعة" in wrong.text
    assert client.get(f"/staff/datasets/{dataset_id}").status_code == 200  # nothing deleted
    with TestClient(app) as reviewer:
        reviewer_token = sign_in(reviewer, REVIEWER)
        refused = reviewer.post(
            f"/staff/datasets/{dataset_id}/delete",
            data={"csrf_token": reviewer_token, "confirm_name": "للحذف"},
        )
        assert refused.status_code == 403

    deleted = client.post(
        f"/staff/datasets/{dataset_id}/delete",
        data={"csrf_token": token, "confirm_name": " للحذف "},
        follow_redirects=False,
    )
    assert deleted.status_code == 303 and deleted.headers["location"] == "/staff/datasets"
    assert client.get(f"/staff/datasets/{dataset_id}").status_code == 404
    assert client.get(f"/staff/runs/{run_id}").status_code == 404
    with assistant.sessions() as session:
        assert session.query(EvalRowRecord).filter_by(dataset_id=dataset_id).count() == 0
        assert session.query(EvalResult).filter_by(run_id=run_id).count() == 0
        assert session.query(EvalRun).filter_by(dataset_id=dataset_id).count() == 0
        assert session.query(EvalRowRecord).filter_by(dataset_id=kept_id).count() == len(ROWS)
