"""/staff/documents in real Chromium (fast fake embedder behind a real uvicorn server): upload with the
keyboard alone at 360 px (file picker, progress, the extracted metadata to review), edit, delete with
confirmation, drag and drop, and axe-core with no serious or critical violations on the documents
page, a document's page, its edit and delete pages and the audit log, in Arabic and English. The
flows run under the pages' real Content-Security-Policy (the upload script carries its nonce)."""

from __future__ import annotations

import pytest

from api.main import create_app
from tests.api.live_server import serve
from tests.browser.axe_check import axe_violations
from tests.browser.conftest import screenshot
from tests.staff.helpers import ADMIN
from tests.staff.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.server]

REPORT = (
    "# تقرير ورشة الرباط\n\n"
    "عقدت شبكة المدن القوية ورشة عمل في الرباط حول إشراك الشباب في الوقاية من التطرف العنيف، "
    "وقدّم المنسقون المحليون تجارب مجالس الأحياء.\n"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("staff-documents"), rows=2)


@pytest.fixture(scope="module")
def staff_url(world):
    with serve(create_app(assistant=world.assistant)) as url:
        yield url


def signed_in(browser, staff_url, width, *, bypass_csp=False, height=800):
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{staff_url}/staff/login")
    page.fill("#username", ADMIN[0])
    page.fill("#password", ADMIN[1])
    page.click("#sign-in")
    page.locator('[data-testid="current-user"]').wait_for()
    return context, page


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (keyboard only), and check the focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), f"no visible focus on {selector}"
            return
    raise AssertionError(f"{selector} was not reached with Tab")


def test_upload_edit_delete_with_the_keyboard_at_360_px(browser, staff_url, world, tmp_path):
    source = tmp_path / "rabat report.md"
    source.write_text(REPORT, encoding="utf-8")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage\n%%EOF\n")
    context, page = signed_in(browser, staff_url, 360, height=740)
    try:
        page.goto(f"{staff_url}/staff/documents")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360  # no sideways page scroll
        tab_to(page, "#upload-files")
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files([str(source), str(broken)])
        tab_to(page, "#upload-submit")
        page.keyboard.press("Enter")
        items = page.locator('[data-testid="upload-item"]')
        page.locator('[data-testid="upload-item"][data-status="done"]').wait_for()
        page.locator('[data-testid="upload-item"][data-status="failed"]').wait_for()
        assert items.count() == 2
        failed = page.locator('[data-testid="upload-item"][data-status="failed"]').inner_text()
        assert "broken.pdf" in failed and "PDF" in failed
        screenshot(page, "staff-documents-upload-360")

        # the extracted metadata, pre-filled, reviewed and saved with the keyboard
        tab_to(page, '[data-testid="upload-item"][data-status="done"] a[data-testid="check-metadata"]')
        page.keyboard.press("Enter")
        page.locator("#edit-form").wait_for()
        assert page.input_value("#doc-title") == "تقرير ورشة الرباط"
        tab_to(page, "#doc-title")
        page.keyboard.press("Control+A")
        page.keyboard.type("تقرير ورشة الرباط 2024")
        tab_to(page, "#doc-kind")
        page.keyboard.press("ArrowDown")  # the next kind in the list
        tab_to(page, "#doc-place")
        page.keyboard.type("الرباط")
        screenshot(page, "staff-document-edit-360")
        tab_to(page, "#save-document")
        page.keyboard.press("Enter")
        page.locator('[data-testid="document-title"]').wait_for()
        assert page.inner_text('[data-testid="document-title"]') == "تقرير ورشة الرباط 2024"
        assert page.inner_text('[data-testid="document-place"]') == "الرباط"
        assert page.locator('[data-testid="document-chunk"]').count() >= 1
        screenshot(page, "staff-document-detail-360")

        # delete: the confirmation must be ticked
        tab_to(page, "#delete-document")
        page.keyboard.press("Enter")
        page.locator("#delete-form").wait_for()
        tab_to(page, "#confirm-delete")
        page.keyboard.press("Space")
        assert page.is_checked("#confirm-delete")
        screenshot(page, "staff-document-delete-360")
        tab_to(page, "#delete-submit")
        page.keyboard.press("Enter")
        page.locator('[data-testid="flash"]').wait_for()
        assert "تقرير ورشة الرباط 2024" in page.inner_text('[data-testid="flash"]')
        assert page.locator('[data-document-id="rabat-report"]').count() == 0

        page.goto(f"{staff_url}/staff/audit")
        actions = page.locator('[data-testid="audit-entry"][data-document-id="rabat-report"]')
        found = actions.evaluate_all("rows => rows.map(r => r.dataset.action)")
        assert sorted(found) == ["delete", "edit", "upload"]
        screenshot(page, "staff-audit-360")
    finally:
        context.close()


def test_files_dropped_on_the_page_are_uploaded(browser, staff_url, world):
    context, page = signed_in(browser, staff_url, 1280)
    try:
        page.goto(f"{staff_url}/staff/documents")
        page.evaluate(
            """text => {
                const data = new DataTransfer();
                data.items.add(new File([text], "dropped note.md", {type: "text/markdown"}));
                const zone = document.getElementById("dropzone");
                const init = {dataTransfer: data, bubbles: true, cancelable: true};
                zone.dispatchEvent(new DragEvent("dragover", init));
                zone.dispatchEvent(new DragEvent("drop", init));
            }""",
            REPORT.replace("الرباط", "طنجة"),
        )
        page.locator('[data-testid="upload-item"][data-status="done"]').wait_for()
        page.goto(f"{staff_url}/staff/documents?sort=title&order=asc")
        assert page.locator('[data-document-id="dropped-note"]').count() == 1
        screenshot(page, "staff-documents")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_documents_pages_have_no_serious_accessibility_violations(browser, staff_url, world, width):
    doc_id = next(iter(world.assistant.retriever.titles))
    context, page = signed_in(browser, staff_url, width, bypass_csp=True)
    try:
        found = []
        for lang in ("ar", "en"):
            for path in (
                "/staff/documents",
                "/staff/documents?sort=title&order=asc&status=indexed",
                f"/staff/documents/{doc_id}",
                f"/staff/documents/edit/{doc_id}",
                f"/staff/documents/delete/{doc_id}",
                "/staff/audit",
            ):
                page.goto(f"{staff_url}{path}{'&' if '?' in path else '?'}lang={lang}")
                found += [(lang, path, v["id"], v["nodes"][:3]) for v in axe_violations(page)]
        assert found == []
    finally:
        context.close()
