"""The embeddable widget in a real browser (Debian Chromium) against the real API and model."""

from __future__ import annotations

import pytest

from assistant.store.models import AnswerRecord
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.server]

FLOATING = 'scn-assistant[data-mode="floating"]'


def widget(page):
    return page.locator(FLOATING)


def part(page, testid: str):
    return widget(page).locator(f'[data-testid="{testid}"]')


def open_demo(page, api_url: str, lang: str = "ar"):
    page.goto(f"{api_url}/demo?lang={lang}")
    part(page, "launcher").wait_for(state="visible")


def ask(page, question: str):
    if not part(page, "panel").is_visible():
        part(page, "launcher").click()
    box = part(page, "input")
    box.fill(question)
    box.press("Enter")


def last_answer(page):
    return part(page, "message-assistant").last


def wait_answer(page, count: int = 1):
    page.wait_for_function(
        """([sel, n]) => {
            const root = document.querySelector(sel).shadowRoot;
            const done = root.querySelectorAll('[data-testid="message-assistant"], [data-testid="refusal"]');
            const input = root.querySelector('[data-testid="input"]');
            return done.length >= n && !input.disabled;
        }""",
        arg=[FLOATING, count],
    )


def watch_busy_state(page):
    """Record whether the typing indicator was shown and the input disabled during the request
    (answers can arrive faster than a poll would notice)."""
    page.evaluate(
        """sel => {
            const root = document.querySelector(sel).shadowRoot;
            const typing = root.querySelector('[data-testid="typing"]');
            const input = root.querySelector('[data-testid="input"]');
            window.__seen = {typing: false, disabled: false};
            new MutationObserver(() => {
                if (!typing.hidden) window.__seen.typing = true;
                if (input.disabled) window.__seen.disabled = true;
            }).observe(root, {attributes: true, subtree: true, childList: true});
        }""",
        FLOATING,
    )


def test_demo_opens_rtl_with_launcher_on_the_left(page, api_url):
    open_demo(page, api_url, "ar")
    root_dir = widget(page).evaluate("el => getComputedStyle(el.shadowRoot.querySelector('.root')).direction")
    assert root_dir == "rtl"
    assert widget(page).get_attribute("lang") == "ar"
    launcher = part(page, "launcher").bounding_box()
    assert launcher["x"] + launcher["width"] / 2 < 1280 / 2  # left half in RTL
    part(page, "launcher").click()
    assert part(page, "panel").is_visible()
    assert widget(page).evaluate("el => el.shadowRoot.activeElement?.dataset.testid") == "input"
    page.keyboard.press("Escape")
    assert not part(page, "panel").is_visible()


def test_english_is_ltr_with_launcher_on_the_right(page, api_url):
    open_demo(page, api_url, "en")
    root_dir = widget(page).evaluate("el => getComputedStyle(el.shadowRoot.querySelector('.root')).direction")
    assert root_dir == "ltr"
    launcher = part(page, "launcher").bounding_box()
    assert launcher["x"] + launcher["width"] / 2 > 1280 / 2
    part(page, "launcher").click()
    screenshot(page, "en-desktop-open")


def test_arabic_question_streams_an_answer_with_clickable_citations(page, api_url, real_assistant):
    open_demo(page, api_url, "ar")
    part(page, "launcher").click()
    watch_busy_state(page)
    ask(page, "أين عُقدت القمة العالمية الخامسة لشبكة المدن القوية؟")
    wait_answer(page)
    seen = page.evaluate("window.__seen")
    assert seen["typing"] and seen["disabled"]  # a typing state showed and input was locked in flight
    answer = last_answer(page)
    assert "كيب تاون" in answer.inner_text()
    chips = answer.locator('[data-testid="chip"]')
    assert chips.count() >= 1
    assert answer.get_attribute("dir") == "auto" or answer.locator('[dir="auto"]').count() >= 1
    chips.first.click()
    popover = widget(page).locator('[data-testid="citation-popover"]').first
    popover.wait_for(state="visible")
    title = popover.locator('[data-testid="citation-title"]').inner_text()
    quote = popover.locator('[data-testid="citation-quote"]').first.inner_text()
    assert "القمة" in title
    assert quote.strip() and quote.strip().strip('«»"“”') in " ".join(
        c.text for c in real_assistant.retriever.chunks.values()
    )
    assert popover.locator('[data-testid="citation-meta"]').inner_text().strip()  # date and kind
    screenshot(page, "ar-desktop-answer")


def test_thumbs_down_with_a_reason_is_stored(page, api_url, real_assistant):
    open_demo(page, api_url, "ar")
    ask(page, "متى أُطلقت شبكة المدن القوية؟")
    wait_answer(page)
    answer = last_answer(page)
    answer.locator('[data-testid="thumbs-down"]').click()
    form = answer.locator('[data-testid="feedback-form"]')
    form.wait_for(state="visible")
    form.locator('[data-testid="feedback-reason"][value="incomplete"]').check()
    form.locator('[data-testid="feedback-comment"]').fill("تنقصها تفاصيل الإطلاق")
    form.locator('[data-testid="feedback-submit"]').click()
    answer.locator('[data-testid="feedback-thanks"]').wait_for(state="visible")
    with real_assistant.sessions() as session:
        latest = session.query(AnswerRecord).order_by(AnswerRecord.created_at.desc()).first()
    stored = real_assistant.feedback.for_answer(latest.id)
    assert [(f.rating, f.reason, f.comment) for f in stored] == [(-1, "incomplete", "تنقصها تفاصيل الإطلاق")]


def test_refusal_looks_different(page, api_url):
    open_demo(page, api_url, "ar")
    ask(page, "ما هي أفضل وصفة لطبخ الكبسة؟")
    wait_answer(page)
    refusal = part(page, "refusal").last
    assert refusal.is_visible()
    assert refusal.locator('[data-testid="chip"]').count() == 0


def test_html_and_script_are_shown_as_text_and_never_run(page, api_url):
    page.add_init_script("window.__xss = 0")
    open_demo(page, api_url, "ar")
    payloads = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>"]
    for n, payload in enumerate(payloads, start=1):
        ask(page, payload)
        wait_answer(page, n)
    users = part(page, "message-user")
    assert [users.nth(i).inner_text().strip() for i in range(users.count())] == payloads
    assert page.evaluate("window.__xss") == 0
    assert widget(page).evaluate("el => el.shadowRoot.querySelectorAll('img, script').length") == 0


def test_reload_keeps_the_conversation(page, api_url):
    open_demo(page, api_url, "ar")
    ask(page, "أين عُقدت ورشة عمل جنوب آسيا؟")
    wait_answer(page)
    before = part(page, "message-user").count() + part(page, "message-assistant").count()
    page.reload()
    part(page, "launcher").wait_for(state="visible")
    if not part(page, "panel").is_visible():
        part(page, "launcher").click()
    after = part(page, "message-user").count() + part(page, "message-assistant").count()
    assert after == before >= 2
    ask(page, "ومتى عُقدت؟")
    wait_answer(page, 2)


def test_disallowed_origin_is_refused_in_the_widget(page, partner_url):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(partner_url)
    launcher = page.locator('scn-assistant [data-testid="launcher"]')
    launcher.wait_for(state="visible")
    launcher.click()
    box = page.locator('scn-assistant [data-testid="input"]')
    box.fill("ما هي شبكة المدن القوية؟")
    box.press("Enter")
    error = page.locator('scn-assistant [data-testid="error"]').last
    error.wait_for(state="visible")
    assert error.get_attribute("data-status") == "403"  # the server's refusal, not a network failure
    assert error.get_attribute("data-code") == "origin_not_allowed"
    assert "غير مسموح" in error.inner_text()
    # the configuration hint is for the site's owner: in the browser console, not in the bubble
    assert "ASSISTANT_ALLOWED_ORIGINS" not in error.inner_text()
    hints = [m for m in console if "ASSISTANT_ALLOWED_ORIGINS" in m]
    assert hints and "127.0.0.1" in hints[0]  # the server's message names the refused site


@pytest.mark.parametrize(("lang", "width", "height"), [("ar", 360, 740), ("en", 360, 740), ("ar", 1280, 820)])
def test_screenshots_and_phone_width(browser, api_url, lang, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale=lang)
    page = context.new_page()
    try:
        open_demo(page, api_url, lang)
        question = (
            "أين عُقدت القمة العالمية الخامسة؟" if lang == "ar" else "Where was the fifth global summit held?"
        )
        ask(page, question)
        wait_answer(page)
        panel = part(page, "panel").bounding_box()
        assert panel["width"] <= width and panel["x"] >= 0  # fits a phone
        send = part(page, "send").bounding_box()
        assert send["x"] >= 0 and send["x"] + send["width"] <= width
        kind = "phone" if width < 500 else "desktop"
        screenshot(page, f"{lang}-{kind}-answer")
    finally:
        context.close()
