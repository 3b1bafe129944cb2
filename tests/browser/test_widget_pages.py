"""The widget shows the page of a citation from a PDF or a slide deck: on the document's chip next
to its title and on the quoted passage, «ص 3» in Arabic, "p. 3" in English, nothing for a document
without pages. The chat answer is served
by the test (the demo page's /v1/chat is routed), so the label is checked whatever the corpus."""

from __future__ import annotations

import json

import pytest

from tests.browser.test_widget import ask, last_answer, open_demo, wait_answer, widget

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.server]

CITATIONS = [
    {"n": 1, "document_id": "melbourne-declaration-2018", "title": "إعلان ميلبورن",
     "quote": "نص من الصفحة الثالثة.", "chunk_id": "c1", "score": 0.9, "page": 3},
    {"n": 2, "document_id": "about-scn", "title": "عن الشبكة",
     "quote": "نص من صفحة ويب.", "chunk_id": "c2", "score": 0.8, "page": None},
]  # fmt: skip


def _serve_answer(page) -> None:
    body = {
        "answer": "نص من الصفحة الثالثة. [1]\nنص من صفحة ويب. [2]",
        "refused": False,
        "citations": CITATIONS,
        "conversation_id": "conv-pages",
        "answer_id": "ans-pages",
        "generator": "extractive",
    }
    page.route(
        "**/v1/chat",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(body, ensure_ascii=False)
        ),
    )


@pytest.mark.parametrize(("lang", "label"), [("ar", "ص 3"), ("en", "p. 3")])
def test_citation_chip_and_popover_show_the_page(page, api_url, lang: str, label: str) -> None:
    _serve_answer(page)
    open_demo(page, api_url, lang)
    ask(page, "ما الذي ورد في الصفحة الثالثة؟")
    wait_answer(page)
    chips = last_answer(page).locator('[data-testid="chip"]')
    assert chips.count() == 2
    assert chips.nth(0).locator('[data-testid="citation-page"]').inner_text() == label
    assert chips.nth(1).locator('[data-testid="citation-page"]').count() == 0  # a web page: no page
    chips.nth(0).click()
    popover = widget(page).locator('[data-testid="citation-popover"]').first
    popover.wait_for(state="visible")
    passage = popover.locator('[data-testid="citation-passage"]').first
    assert passage.locator('[data-testid="citation-page"]').inner_text() == label
