"""A signed-in admin browser page on the staff area (shared by the staff browser tests)."""

from __future__ import annotations

from tests.staff.helpers import ADMIN


def signed_in(browser, staff_url, width, height=800):
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{staff_url}/staff/login")
    page.fill("#username", ADMIN[0])
    page.fill("#password", ADMIN[1])
    page.click("#sign-in")
    page.locator('[data-testid="current-user"]').wait_for()
    return context, page
