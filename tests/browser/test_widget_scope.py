"""A widget scoped by the embedding site (data-kind, data-documents, data-date-from/-to, data-place,
data-language on its script tag) sends the scope as the API's ``filters`` and shows it to the
reader, Arabic first. Real Chromium: against the scripted API (tests/browser/fake_api.py) for what
is sent and shown, and against the real API and model for what comes back; axe-core included."""

from __future__ import annotations

import pytest

from tests.browser.axe_check import axe_violations
from tests.browser.conftest import screenshot
from tests.browser.fake_api import LONG_TITLE, FakeAPI
from tests.browser.test_widget_behaviour import ask_and_wait, open_page, part

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def fake_api():
    with FakeAPI() as api:
        yield api


def test_kind_scope_is_sent_and_shown_in_arabic(browser, fake_api):
    context, page = open_page(browser, fake_api, kind="declaration")
    try:
        part(page, "launcher").click()
        scope = part(page, "scope")
        assert scope.inner_text() == "نطاق البحث: الإعلانات فقط"
        panel_described = part(page, "panel").get_attribute("aria-describedby")
        assert panel_described and panel_described == scope.get_attribute("id")
        ask_and_wait(page, "ما الذي ورد في الإعلان؟")
        assert fake_api.bodies[-1]["filters"] == {"kind": ["declaration"]}
        assert fake_api.bodies[-1]["message"] == "ما الذي ورد في الإعلان؟"
    finally:
        context.close()


def test_every_attribute_becomes_a_filter_and_a_phrase(browser, fake_api):
    context, page = open_page(
        browser, fake_api, kind="event_report,brief", place="كيب تاون|كولومبو، سريلانكا",
        **{"date-from": "2023-01-01", "date-to": "2024-12-31"}, language="ar",
    )
    try:
        part(page, "launcher").click()
        text = part(page, "scope").inner_text()
        assert text.startswith("نطاق البحث: تقارير الفعاليات وموجزات السياسات")
        assert "في كيب تاون وكولومبو، سريلانكا" in text and "باللغة العربية" in text
        assert "من 1 يناير 2023 إلى 31 ديسمبر 2024" in text and text.endswith("فقط")
        ask_and_wait(page, "سؤال")
        assert fake_api.bodies[-1]["filters"] == {
            "kind": ["event_report", "brief"],
            "language": ["ar"],
            "place": ["كيب تاون", "كولومبو، سريلانكا"],
            "date_from": "2023-01-01",
            "date_to": "2024-12-31",
        }
    finally:
        context.close()


def test_document_scope_shows_the_titles_in_english_too(browser, fake_api):
    context, page = open_page(browser, fake_api, lang="en", documents="summit")
    try:
        part(page, "launcher").click()
        page.wait_for_function(
            """t => document.querySelector('scn-assistant').shadowRoot
                     .querySelector('[data-testid="scope"]').textContent.includes(t)""",
            arg=LONG_TITLE,
        )
        assert part(page, "scope").inner_text() == f"Search scope: «{LONG_TITLE}» only"
        ask_and_wait(page, "what happened?")
        assert fake_api.bodies[-1]["filters"] == {"document_ids": ["summit"]}
    finally:
        context.close()


def test_an_unscoped_widget_sends_no_filters_and_shows_no_scope(browser, fake_api):
    context, page = open_page(browser, fake_api)
    try:
        part(page, "launcher").click()
        assert part(page, "scope").count() == 0
        ask_and_wait(page, "سؤال بلا نطاق")
        assert "filters" not in fake_api.bodies[-1]
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 820), (360, 740)])
def test_scoped_panel_passes_axe_and_fits_a_phone(browser, fake_api, width, height):
    context, page = open_page(
        browser, fake_api, width=width, height=height, kind="declaration", place="ميلبورن، أستراليا"
    )
    try:
        page.keyboard.press("Tab")  # keyboard only: the host link, then the launcher
        while page.evaluate("document.activeElement?.tagName") != "SCN-ASSISTANT":
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        part(page, "scope").wait_for(state="visible")
        ask_and_wait(page, "cite سؤال")
        box = part(page, "scope").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
        violations = axe_violations(page)
        assert violations == [], violations
        screenshot(page, f"widget-scope-{width}")
    finally:
        context.close()


# --- against the real API and model ----------------------------------------------------------------
@pytest.mark.model
@pytest.mark.server
def test_a_declarations_only_widget_cites_only_declarations(page, api_url):
    """A page on the API's origin (allowed) embedding a widget scoped to declarations: the real
    server answers from the Melbourne declaration only, whatever the question reaches for."""
    html = f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>نطاق</title></head>
<body><h1>صفحة الإعلانات</h1>
<script src="{api_url}/widget.js" defer data-assistant-url="{api_url}" data-kind="declaration"></script>
</body></html>"""
    page.route(f"{api_url}/scoped-page", lambda route: route.fulfill(status=200, content_type="text/html",
                                                                       body=html))
    page.goto(f"{api_url}/scoped-page")
    host = page.locator("scn-assistant")
    host.locator('[data-testid="launcher"]').click()
    assert host.locator('[data-testid="scope"]').inner_text() == "نطاق البحث: الإعلانات فقط"
    host.locator('[data-testid="input"]').fill("إلى ماذا دعا رؤساء البلديات في لقاء شبكة المدن القوية؟")
    host.locator('[data-testid="input"]').press("Enter")
    page.wait_for_function(
        """() => { const r = document.querySelector('scn-assistant').shadowRoot;
                   return r.querySelector('[data-testid="message-assistant"], [data-testid="refusal"]')
                          && !r.querySelector('[data-testid="input"]').disabled; }"""
    )
    chips = host.locator('[data-testid="chip"]')
    assert chips.count() >= 1
    for i in range(chips.count()):
        chips.nth(i).click()
        title = host.locator('[data-testid="citation-title"]').first.inner_text()
        assert title.startswith("دعوة رؤساء البلديات"), title  # the declaration, never the summit report
        page.keyboard.press("Escape")
