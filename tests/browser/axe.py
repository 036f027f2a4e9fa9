"""axe-core in the browser tests: every page a journey visits must pass WCAG 2.1 A and AA rules.

How axe gets into the page: Sammen's CSP (``script-src 'self'``) refuses inline scripts, so
``page.add_script_tag(content=...)`` would be blocked, and we keep the CSP on in these tests so that
they also prove the pages work under it (no ``bypass_csp``). Instead ``install`` registers the
vendored ``axe.min.js`` as a context init script, and ``violations`` falls back to
``page.evaluate``: both go through the DevTools protocol, which a page's CSP does not govern. The
init script is also quicker, since chromium caches the compiled script between pages.

``Audit`` watches a page's navigations and remembers whether each page was checked, so a journey
that forgets to call ``check`` after a click fails too.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

from playwright.sync_api import BrowserContext, Frame, Page

AXE_JS = Path(__file__).with_name("vendor") / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
  }));
}"""


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def install(context: BrowserContext) -> None:
    """Makes ``window.axe`` available in every page the context opens."""
    context.add_init_script(path=AXE_JS)


def violations(page: Page) -> list[dict[str, Any]]:
    """Runs axe on the page as it is now and returns the WCAG 2.1 A/AA violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result: list[dict[str, Any]] = page.evaluate(_RUN, list(WCAG_TAGS))
    return result


def describe(found: list[dict[str, Any]], url: str) -> str:
    lines = [f"axe found {len(found)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


class Audit:
    """Follows one page: ``check()`` runs axe; ``left_unchecked()`` lists pages it never ran on."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.checked: list[str] = []
        self.unchecked: list[str] = []
        self._current = ""
        self._pending = False
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Frame) -> None:
        if frame != self.page.main_frame or frame.url == "about:blank":
            return
        url, fragment = urldefrag(frame.url)
        if url == self._current and fragment:
            return  # only the #fragment changed (the skip link): still the same page
        if self._pending:
            self.unchecked.append(self._current)
        self._current, self._pending = url, True

    def left_unchecked(self) -> list[str]:
        """Pages visited without a check, the page showing now included."""
        return [*self.unchecked, *([self._current] if self._pending else [])]

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        found = violations(self.page)
        self.checked.append(self.page.url)
        self._pending = False
        assert not found, describe(found, self.page.url)
