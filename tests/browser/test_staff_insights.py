"""/staff/insights in real Chromium behind a real uvicorn server (the staff world: fast fake embedder,
real SQLite and Chroma): the usage page and its charts, the CSV link, choosing a period, the content
gaps and "mark covered" — by keyboard alone —, 360 px without sideways page scrolling, and axe-core
with no serious or critical violations in Arabic and English."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from api.main import create_app
from assistant.store.models import GapCheck
from assistant.types import Answer
from tests.api.live_server import serve
from tests.browser.axe_check import axe_violations
from tests.browser.conftest import screenshot
from tests.browser.staff_session import signed_in
from tests.staff.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.server]

REFUSED = ("ما ميزانية الشبكة لعام 2031؟", "كم تبلغ ميزانية الشبكة السنوية؟", "شو الإيميل تبع أمانة الشبكة؟")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = build_world(tmp_path_factory.mktemp("staff-insights"), rows=2)
    for question, reason in zip(REFUSED, ("weak_evidence", "not_answered", "weak_evidence"), strict=True):
        answer = Answer(text="لا أجد إجابة في الوثائق.", refused=True, refusal_reason=reason)
        world.assistant.conversations.save(None, question, question, answer, [], 25.0)
    return world


@pytest.fixture(scope="module")
def staff_url(world):
    with serve(create_app(assistant=world.assistant)) as url:
        yield url


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (fails after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus by Tab")


def focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"""
    )


def test_usage_page_shows_the_figures_and_charts(browser, staff_url, world):
    context, page = signed_in(browser, staff_url, 1280)
    try:
        page.goto(f"{staff_url}/staff/review?lang=ar")
        page.click("#nav-insights")
        page.wait_for_url(re.compile(r"/staff/insights$"))
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.locator("#total-questions").inner_text() == "5"  # 2 answered (thumbs down) + 3 refused
        assert page.locator("#total-refused").inner_text() == "3"
        assert page.locator("#total-thumbs-down").inner_text() == "2"
        chart = page.locator('svg[data-testid="chart-daily"]')
        assert chart.is_visible() and chart.locator("rect").count() >= 2  # today's answered and refused bars
        assert page.locator('svg[data-testid="chart-reasons"] rect').count() >= 2
        assert page.locator('#reasons-table tr[data-reason="weak_evidence"] td.num').inner_text() == "2"
        href = page.locator("#export-daily-csv").get_attribute("href")
        csv = page.request.get(f"{staff_url}{href}")
        assert csv.ok and csv.headers["content-type"].startswith("text/csv")
        today = datetime.now(UTC).date().isoformat()
        assert f"{today},5,2,3,0,2" in csv.text()
        screenshot(page, "staff-insights-ar")
        page.goto(f"{staff_url}/staff/insights?lang=en")
        assert page.evaluate("document.documentElement.dir") == "ltr"
        screenshot(page, "staff-insights-en")
    finally:
        context.close()


def test_keyboard_only_period_gaps_and_mark_covered(browser, staff_url, world):
    context, page = signed_in(browser, staff_url, 1280)
    try:
        page.goto(f"{staff_url}/staff/review?lang=en")
        tab_to(page, "#nav-insights")
        assert focus_is_visible(page)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/staff/insights"))

        # a period typed into the form: yesterday only (no questions then)
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        tab_to(page, "#date-from")
        assert focus_is_visible(page)
        page.keyboard.type(yesterday.strftime("%m%d%Y"))  # Chromium's en-US date field: mm dd yyyy
        tab_to(page, "#date-to")
        page.keyboard.type(yesterday.strftime("%m%d%Y"))
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"date_from={yesterday.isoformat()}"))
        assert page.locator("#total-questions").inner_text() == "0"
        assert yesterday.isoformat() in page.locator('[data-testid="period-shown"]').inner_text()

        tab_to(page, "#last-30-days")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/staff/insights$"))
        tab_to(page, "#tab-gaps")
        assert focus_is_visible(page)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/staff/insights/gaps"))
        groups = page.locator('[data-testid="gap-group"]')
        assert sum(int(g.get_attribute("data-size")) for g in groups.all()) == 5
        screenshot(page, "staff-insights-gaps-en")

        tab_to(page, "#mark-covered-1")
        assert focus_is_visible(page)
        page.keyboard.press("Enter")
        page.locator('[data-testid="flash"]').wait_for()
        with world.assistant.sessions() as session:
            check = session.query(GapCheck).order_by(GapCheck.created_at.desc()).first()
        assert check is not None and check.asked >= 1
        flash = page.locator('[data-testid="flash"]').inner_text()
        assert f"{check.answered} / {check.asked}" in flash
        assert page.locator(f"#check-{check.id}").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_insights_pages_have_no_serious_accessibility_violations(browser, staff_url, width):
    context, page = signed_in(browser, staff_url, width)
    try:
        found = []
        for lang in ("ar", "en"):
            for path in ("/staff/insights", "/staff/insights/gaps", "/staff/insights?date_from=bad"):
                page.goto(f"{staff_url}{path}{'&' if '?' in path else '?'}lang={lang}")
                if "gaps" not in path:
                    page.click("#daily-details summary")  # the daily table is checked too
                found += [(lang, path, v["id"], v["nodes"][:3]) for v in axe_violations(page)]
        assert found == []
    finally:
        context.close()


def test_insights_at_360_px(browser, staff_url):
    context, page = signed_in(browser, staff_url, 360, 740)
    try:
        for path in ("/staff/insights?lang=ar", "/staff/insights/gaps?lang=ar"):
            page.goto(f"{staff_url}{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)  # the page itself never scrolls sideways
        page.goto(f"{staff_url}/staff/insights?lang=ar")
        box = page.locator("#chart-daily-box")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the chart scrolls in its own box
        box.focus()
        assert focus_is_visible(page)
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        # arrow keys scroll smoothly: wait (at most 3 s) for the box to have moved
        moved = "() => document.getElementById('chart-daily-box').scrollLeft > 0"
        page.wait_for_function(moved, timeout=3000)
        assert page.locator("#total-questions").is_visible()
        screenshot(page, "staff-insights-ar-phone")
        page.goto(f"{staff_url}/staff/insights/gaps?lang=ar")
        assert page.locator('[data-testid="mark-covered"]').first.is_visible()
        screenshot(page, "staff-insights-gaps-ar-phone")
    finally:
        context.close()
