"""Widget behaviour a reader meets (issue 15), in real Chromium against a scripted API
(tests/browser/fake_api.py) that can stall, stream slowly or cite one document several times:
new answers scroll into view, a stalled server times out with retry/cancel, answers show as they
arrive, focus stays in the full-screen panel, every message carries its own language, citation
chips group by document with the full title and a source link, "+" asks first, a retry does not
duplicate the failed question."""

from __future__ import annotations

import pytest

from tests.browser.fake_api import LONG_TITLE, FakeAPI

pytestmark = [pytest.mark.browser]

HOST = "scn-assistant"


@pytest.fixture(scope="module")
def fake_api():
    with FakeAPI() as api:
        yield api


def open_page(browser, fake_api, *, width=1280, height=820, lang="ar", **attrs):
    context = browser.new_context(viewport={"width": width, "height": height}, locale=lang)
    page = context.new_page()
    page.set_default_timeout(15_000)
    query = "&".join([f"lang={lang}"] + [f"{k}={v}" for k, v in attrs.items()])
    page.goto(f"{fake_api.url}/page?{query}")
    page.locator(f'{HOST} [data-testid="launcher"]').wait_for()
    page.evaluate("sessionStorage.clear()")
    return context, page


def part(page, testid):
    return page.locator(f'{HOST} [data-testid="{testid}"]')


def ask(page, question):
    if not part(page, "panel").is_visible():
        part(page, "launcher").click()
    part(page, "input").fill(question)
    part(page, "input").press("Enter")


def wait_idle(page):
    page.wait_for_function(
        """() => { const r = document.querySelector('scn-assistant').shadowRoot;
                   return !r.querySelector('[data-testid="input"]').disabled; }"""
    )


def ask_and_wait(page, question):
    ask(page, question)
    page.wait_for_function(
        """() => !document.querySelector('scn-assistant').shadowRoot.querySelector('[data-busy]')"""
    )


@pytest.fixture
def session(browser, fake_api):
    contexts = []

    def make(**kwargs):
        context, page = open_page(browser, fake_api, **kwargs)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


# --- a new answer scrolls into view ------------------------------------------------------------
@pytest.mark.parametrize(("width", "height"), [(1280, 820), (360, 740)])
def test_a_new_answer_scrolls_into_view_in_a_long_conversation(session, width, height):
    page = session(width=width, height=height)
    for n in range(3):
        ask_and_wait(page, f"long question {n}")
    ask_and_wait(page, "long last question")
    seen = page.evaluate(
        """() => {
            const r = document.querySelector('scn-assistant').shadowRoot;
            const log = r.querySelector('[data-testid="messages"]').getBoundingClientRect();
            const answers = r.querySelectorAll('[data-testid="message-assistant"]');
            const users = r.querySelectorAll('[data-testid="message-user"]');
            const a = answers[answers.length - 1].getBoundingClientRect();
            const q = users[users.length - 1].getBoundingClientRect();
            return {logTop: log.top, logBottom: log.bottom, answerTop: a.top, questionTop: q.top};
        }"""
    )
    # the start of the new answer is on screen, and its question just above it
    assert seen["logTop"] - 1 <= seen["answerTop"] < seen["logBottom"] - 40, seen
    assert seen["questionTop"] >= seen["logTop"] - 1, seen


# --- a stalled server -------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_stalled_server_times_out_and_offers_retry_and_cancel(session, fake_api, lang):
    page = session(lang=lang, timeout=2)
    before = len(fake_api.questions)
    ask(page, "stall please answer")
    error = part(page, "error").last
    error.wait_for(state="visible", timeout=8_000)
    assert error.get_attribute("data-kind") == "timeout"
    expected = "has not answered" if lang == "en" else "لا يردّ المساعد"
    assert expected in error.inner_text()
    assert not part(page, "input").is_disabled() and part(page, "typing").is_hidden()

    part(page, "retry").click()  # asks again: the failed bubble and its error make way
    part(page, "error").last.wait_for(state="visible", timeout=8_000)
    assert len(fake_api.questions) == before + 2
    users = part(page, "message-user")
    assert [users.nth(i).inner_text() for i in range(users.count())] == ["stall please answer"]
    assert part(page, "error").count() == 1

    part(page, "cancel-question").click()
    assert part(page, "error").count() == 0 and part(page, "message-user").count() == 0
    assert part(page, "input").input_value() == ""


# --- the answer shows as it arrives -----------------------------------------------------------
def record_lengths(page):
    page.evaluate(
        """() => { const r = document.querySelector('scn-assistant').shadowRoot; window.__lens = [];
            const tick = () => { const all = r.querySelectorAll('[data-testid="answer-text"]');
              const last = all[all.length - 1]; window.__lens.push(last ? last.textContent.length : 0);
              if (window.__lens.length < 2000) requestAnimationFrame(tick); };
            tick(); }"""
    )


@pytest.mark.parametrize("question", ["slow question", "long question arriving at once"])
def test_the_answer_is_shown_as_it_arrives(session, question):
    page = session()
    part(page, "launcher").click()
    record_lengths(page)
    ask_and_wait(page, question)
    final = page.evaluate(
        """() => { const all = document.querySelector('scn-assistant').shadowRoot
                     .querySelectorAll('[data-testid="answer-text"]');
                   return all[all.length - 1].textContent.length; }"""
    )
    partial = {n for n in page.evaluate("window.__lens") if 0 < n < final}
    assert len(partial) >= 3, (sorted(partial), final)  # several growing states before the whole answer


# --- focus stays in the full-screen panel -----------------------------------------------------
def test_tab_stays_inside_the_full_screen_panel_on_a_phone(session):
    page = session(width=360, height=740)
    ask_and_wait(page, "cite the summit")
    assert part(page, "panel").get_attribute("aria-modal") == "true"
    inside = """() => { const el = document.querySelector('scn-assistant');
                        const a = el.shadowRoot.activeElement;
                        const panel = el.shadowRoot.querySelector('[data-testid="panel"]');
                        return document.activeElement === el && !!a && panel.contains(a); }"""
    part(page, "input").focus()
    for _ in range(25):
        page.keyboard.press("Tab")
        assert page.evaluate(inside), "Tab left the panel"
    for _ in range(25):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside), "Shift+Tab left the panel"


def test_on_a_desktop_the_panel_stays_non_modal(session):
    page = session()
    part(page, "launcher").click()
    assert part(page, "panel").get_attribute("aria-modal") is None


# --- languages --------------------------------------------------------------------------------
def test_each_message_carries_its_language_and_the_english_widget_refuses_in_english(session):
    page = session(lang="en")
    ask_and_wait(page, "refuse ما هي عاصمة اليابان؟")
    user = part(page, "message-user").last
    refusal = part(page, "message-assistant").last
    assert user.get_attribute("lang") == "ar"  # an Arabic question in the English widget
    assert refusal.get_attribute("data-refused") == "true"
    text = refusal.locator('[data-testid="answer-text"]')
    assert text.get_attribute("lang") == "en"
    assert "do not hold enough information" in text.inner_text() and "عذرًا" not in text.inner_text()
    ask_and_wait(page, "cite the summit")
    answer = part(page, "message-assistant").last.locator('[data-testid="answer-text"]')
    assert answer.get_attribute("lang") == "ar"
    assert part(page, "chip-title").first.get_attribute("lang") == "ar"
    assert part(page, "greeting").get_attribute("lang") == "en"


def test_an_english_question_in_the_arabic_widget_is_marked_english(session):
    page = session(lang="ar")
    ask_and_wait(page, "hello, where was the summit held?")
    assert part(page, "message-user").last.get_attribute("lang") == "en"
    answer = part(page, "message-assistant").last
    assert answer.locator('[data-testid="answer-text"]').get_attribute("lang") == "ar"


# --- citation chips ---------------------------------------------------------------------------
def test_citations_of_one_document_share_a_chip_with_full_title_and_source_link(session, fake_api):
    page = session()
    ask_and_wait(page, "cite the summit")
    answer = part(page, "message-assistant").last
    chips = answer.locator('[data-testid="chip"]')
    assert chips.count() == 2  # four citations, two documents
    summit = chips.first
    assert summit.locator(".num").all_inner_texts() == ["1", "2", "3"]
    title = summit.locator('[data-testid="chip-title"]')
    assert title.evaluate("t => t.scrollWidth > t.clientWidth + 1")  # a long title is cut short…
    tip = answer.locator('[data-testid="chip-tip"]').first
    assert tip.is_hidden() and tip.inner_text() == LONG_TITLE
    part(page, "input").focus()
    for _ in range(20):  # …and shown whole when the chip gets keyboard focus
        page.keyboard.press("Shift+Tab")
        if summit.evaluate("b => b.getRootNode().activeElement === b"):
            break
    assert tip.is_visible()
    box, chip_box = tip.bounding_box(), summit.bounding_box()
    assert box["width"] > chip_box["width"] - 1  # the whole title, not the cut one
    page.keyboard.press("Shift+Tab")
    assert tip.is_hidden()
    summit.hover()  # …and on hover
    assert tip.is_visible()
    assert "aria-describedby" in summit.evaluate("b => b.getAttributeNames().join(' ')")

    summit.click()
    popover = answer.locator('[data-testid="citation-popover"]')
    popover.wait_for(state="visible")
    assert popover.locator('[data-testid="citation-passage"]').count() == 3
    link = popover.locator('[data-testid="citation-source"]')
    link.wait_for()  # appears once /v1/documents is loaded
    assert link.get_attribute("href") == "https://strongcitiesnetwork.org/ar/summit/"
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")

    chips.nth(1).click()  # a document without a source_url: no link
    popover.locator('[data-testid="citation-passage"][data-n="4"]').wait_for()
    page.wait_for_timeout(200)
    assert popover.locator('[data-testid="citation-source"]').count() == 0

    answer.locator('[data-testid="marker"]', has_text="[2]").click()  # a marker opens its passage
    current = popover.locator('[data-testid="citation-passage"][aria-current="true"]')
    current.wait_for()
    assert current.get_attribute("data-n") == "2"


# --- "+" asks first -----------------------------------------------------------------------------
def test_new_conversation_asks_before_clearing(session):
    page = session()
    ask_and_wait(page, "hello there")
    part(page, "new-conversation").click()
    confirm = part(page, "confirm-new")
    confirm.wait_for(state="visible")
    assert part(page, "message-user").count() == 1  # nothing cleared yet
    part(page, "confirm-new-no").click()
    assert part(page, "confirm-new").count() == 0 and part(page, "message-user").count() == 1
    part(page, "new-conversation").click()
    page.keyboard.press("Escape")  # Esc keeps the conversation too
    assert part(page, "confirm-new").count() == 0 and part(page, "message-user").count() == 1
    part(page, "new-conversation").click()
    part(page, "confirm-new-yes").click()
    assert part(page, "message-user").count() == 0 and part(page, "message-assistant").count() == 0
    stored = page.evaluate("Object.values(sessionStorage).map(v => JSON.parse(v).messages.length)")
    assert stored == [0]
    part(page, "new-conversation").click()  # nothing to lose: no question asked
    assert part(page, "confirm-new").count() == 0


# --- a retry does not duplicate the failed question ---------------------------------------------
def test_asking_again_after_an_error_does_not_duplicate_the_question(session):
    page = session()
    ask_and_wait(page, "fail this one")
    assert part(page, "error").count() == 1
    assert part(page, "input").input_value() == "fail this one"  # put back for another try
    part(page, "input").press("Enter")
    wait_idle(page)
    page.wait_for_function(
        """() => !document.querySelector('scn-assistant').shadowRoot.querySelector('[data-busy]')"""
    )
    users = part(page, "message-user")
    assert [users.nth(i).inner_text() for i in range(users.count())] == ["fail this one"]
    assert part(page, "error").count() == 1
    ask_and_wait(page, "an ordinary question")  # a new question clears the failed one too
    assert [users.nth(i).inner_text() for i in range(users.count())] == ["an ordinary question"]
    assert part(page, "error").count() == 0
