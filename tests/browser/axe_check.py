"""axe-core (installed by `make axe` from the npm registry) run inside a Playwright page.

The page's context must be created with ``bypass_csp=True`` (the staff pages' CSP forbids the
injected script)."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical"), selector: str | None = None) -> list[dict]:
    """axe's violations of the given impacts: [{id, impact, help, nodes: [target…]}]."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run `make axe`.")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async (selector) => {
            const r = await axe.run(selector ? document.querySelector(selector) : document,
                                    {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(' '))}));
        }""",
        selector,
    )
    return [v for v in results if v["impact"] in impacts]
