"""Staff pages in real Chromium with axe-core (issue 15): no serious or critical accessibility
violations in Arabic and English at 1280 and 360 px (scrollable tables and charts reachable by
keyboard), charts readable on a phone (drawn at their size in a scrolling box, not shrunk), dates
kept left-to-right. Fast fake embedder behind a real uvicorn server."""

from __future__ import annotations

import pytest

from api.main import create_app
from tests.api.live_server import serve
from tests.browser.axe_check import axe_violations
from tests.browser.conftest import screenshot
from tests.browser.staff_session import signed_in
from tests.staff.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("staff-pages"))


@pytest.fixture(scope="module")
def staff_url(world):
    with serve(create_app(assistant=world.assistant)) as url:
        yield url


def pages(world):
    first, second = world.run_ids
    return [
        "/staff/review?status=all",
        f"/staff/review/{_any_answer(world)}",
        "/staff/datasets",
        f"/staff/datasets/{world.dataset_id}",
        "/staff/runs",
        f"/staff/runs/{second}",
        f"/staff/runs/compare?a={first}&b={second}",
        "/staff/accounts",
    ]


def _any_answer(world):
    from assistant.store.models import AnswerRecord

    with world.assistant.sessions() as session:
        return session.query(AnswerRecord).first().id


@pytest.mark.parametrize("width", [1280, 360])
def test_staff_pages_have_no_serious_accessibility_violations(browser, staff_url, world, width):
    context, page = signed_in(browser, staff_url, width)
    try:
        found = []
        for lang in ("ar", "en"):
            for path in pages(world):
                page.goto(f"{staff_url}{path}{'&' if '?' in path else '?'}lang={lang}")
                found += [(lang, path, v["id"], v["nodes"][:3]) for v in axe_violations(page)]
        assert found == []
    finally:
        context.close()


def test_charts_stay_readable_at_360_px_and_scroll_by_keyboard(browser, staff_url, world):
    context, page = signed_in(browser, staff_url, 360, 740)
    try:
        page.goto(f"{staff_url}/staff/runs/{world.run_ids[1]}?lang=ar")
        chart = page.locator('svg[data-testid="chart-metrics"]')
        drawn = int(chart.get_attribute("width"))
        shown = chart.bounding_box()["width"]
        assert shown >= drawn * 0.95, (shown, drawn)  # not shrunk to illegible text
        box = page.locator("#chart-metrics-box .chart-box")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # it scrolls sideways instead
        box.focus()
        for _ in range(5):  # the chart box is left-to-right (the chart is drawn that way)
            page.keyboard.press("ArrowRight")
        # keyboard scrolling works (arrow keys scroll smoothly: wait at most 3 s for the box to move)
        box.element_handle().wait_for_element_state("stable")
        page.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle(), timeout=3000)
        label = chart.locator("text").first
        assert label.evaluate("t => parseFloat(getComputedStyle(t).fontSize)") >= 11
        screenshot(page, "staff-report-ar-phone")
    finally:
        context.close()


def test_a_date_in_an_arabic_table_keeps_its_order(browser, staff_url):
    context, page = signed_in(browser, staff_url, 1280)
    try:
        page.goto(f"{staff_url}/staff/review?status=all&lang=ar")
        cell = page.locator("#review-queue time").first
        assert cell.evaluate("t => getComputedStyle(t).direction") == "ltr"
        assert cell.evaluate("t => getComputedStyle(t).unicodeBidi") in (
            "isolate",
            "embed",
            "bidi-override",
            "plaintext",
        )
        assert cell.inner_text().endswith("UTC")
    finally:
        context.close()
