"""The staff loop in a real browser (Debian Chromium) against the real API and model: sign in,
review a thumbs-down answer, correct it, promote it to a dataset, run the evaluation, open the
report and check its charts are drawn."""

from __future__ import annotations

import uuid

import httpx
import pytest

from assistant.eval.datasets import DatasetStore
from assistant.staff import accounts
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.server]


@pytest.fixture(scope="module")
def admin(real_assistant):
    username, password = f"admin-{uuid.uuid4().hex[:6]}", "a-long-staff-password"
    accounts.create_user(real_assistant.sessions, username, password, role="admin")
    return username, password


@pytest.fixture(scope="module")
def thumbs_down_answer(api_url):
    with httpx.Client(base_url=api_url, timeout=60) as client:
        answer = client.post("/v1/chat", json={"message": "متى أُطلقت شبكة المدن القوية؟"}).json()
        reply = client.post(
            "/v1/feedback",
            json={"answer_id": answer["answer_id"], "rating": -1, "reason": "incomplete", "comment": "ناقصة"},
        )
        assert reply.status_code == 200
    return answer


def sign_in(page, api_url, account, lang="ar"):
    page.goto(f"{api_url}/staff/login?lang={lang}")
    page.fill("#username", account[0])
    page.fill("#password", account[1])
    page.click("#sign-in")
    page.locator('[data-testid="current-user"]').wait_for()


def test_staff_review_promote_run_and_report(page, api_url, admin, thumbs_down_answer, real_assistant):
    dataset_name = f"reviewed-{uuid.uuid4().hex[:6]}"
    DatasetStore(real_assistant.sessions).create(dataset_name, "rows promoted from reviews")

    page.goto(f"{api_url}/staff/review")
    assert "/staff/login" in page.url  # anonymous visitors are sent to sign in
    sign_in(page, api_url, admin)
    assert page.evaluate("document.documentElement.dir") == "rtl"

    # the review queue lists the thumbs-down answer
    page.goto(f"{api_url}/staff/review")
    item = page.locator(
        f'#review-queue tr[data-testid=queue-item][data-answer-id="{thumbs_down_answer["answer_id"]}"]'
    )
    item.wait_for()
    assert item.get_attribute("data-kind") == "thumbs_down"
    screenshot(page, "staff-ar-review-queue")
    item.locator('[data-testid="open-item"]').click()

    # review: the question, the cited quote in context, the user's feedback; then correct it
    page.locator("#question").wait_for()
    assert "شبكة المدن القوية" in page.locator("#question").inner_text()
    assert page.locator("#citations mark.quote").count() >= 1
    assert "ناقصة" in page.locator("#user-feedback").inner_text()
    page.check("#rating-partly")
    page.select_option("#review-reason", "incomplete")
    page.fill("#review-comment", "الإجابة لا تذكر مكان الإطلاق")
    page.fill("#correction", "أُطلقت شبكة المدن القوية في الأمم المتحدة في أيلول/سبتمبر 2015.")
    page.locator('input[data-testid="expected-chunk"]').first.check()
    page.click("#save-review")
    page.locator('[data-testid="review-history-item"]').first.wait_for()
    stored = [
        f for f in real_assistant.feedback.for_answer(thumbs_down_answer["answer_id"]) if f.source == "staff"
    ]
    assert stored and stored[-1].rating == 0 and stored[-1].expected_chunk_ids
    assert stored[-1].reason == "incomplete" and stored[-1].correction.startswith("أُطلقت")

    # promote to the dataset
    dataset_id = DatasetStore(real_assistant.sessions).get(dataset_name).id
    page.select_option("#promote-dataset", value=dataset_id)
    page.click("#promote-submit")
    page.locator('#promoted-rows [data-testid="promoted-row"]').first.wait_for()
    rows = DatasetStore(real_assistant.sessions).rows(
        DatasetStore(real_assistant.sessions).get(dataset_name).id
    )
    assert len(rows) == 1 and rows[0].reference_answer.startswith("أُطلقت") and rows[0].reference_chunk_ids
    screenshot(page, "staff-ar-review-item")

    # run the evaluation from the dataset page and open the report
    page.goto(f"{api_url}/staff/datasets")
    page.get_by_text(dataset_name).first.click()
    page.fill("#run-label", "browser run")
    page.click("#start-run-submit")
    page.locator("#report").wait_for(timeout=120_000)
    for chart in ("chart-metrics", "chart-tags", "chart-distribution-support", "chart-distribution-f1"):
        svg = page.locator(f'svg[data-testid="{chart}"]')
        assert svg.is_visible(), chart
        assert svg.locator("rect").count() >= 1, chart
        box = svg.bounding_box()
        assert box["width"] > 50 and box["height"] > 30, chart
    screenshot(page, "staff-ar-report")


def test_staff_pages_in_english(page, api_url, admin):
    sign_in(page, api_url, admin, lang="en")
    page.goto(f"{api_url}/staff/runs")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    screenshot(page, "staff-en-runs")
