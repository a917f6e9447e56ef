"""Accessibility of the web pages: axe-core (bundled with axe-playwright-python) in Debian's
headless Chromium, driven by Playwright. One browser serves every page of a run.

Every axe violation is an error: the pages must have none. A finding names the HTML file and the
line of the first element axe points at, the rule (kind `axe-<rule id>`) and how to fix it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import TracebackType

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Playwright, sync_playwright

from folderpers.checks.findings import Finding
from folderpers.errors import FolderpersError, Location, Problem

# Quiet and offline: pages are self-contained files; nothing may phone home during a check.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class BrowserMissing(FolderpersError):
    """Chromium is not installed."""


class WebChecker:
    """`with WebChecker() as checker: checker.check(path)` -> findings for one HTML file.

    One at a time in a thread: Playwright's synchronous API runs its own event loop."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._axe = Axe()

    def __enter__(self) -> WebChecker:
        executable = shutil.which("chromium")
        if executable is None:
            raise BrowserMissing(Problem(Location(Path("chromium")), "Chromium is not installed",
                                         "run `make setup` (it installs Debian's chromium package)"))
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def check(self, path: Path) -> list[Finding]:
        assert self._browser is not None, "use WebChecker in a with statement"
        page = self._browser.new_page()
        try:
            page.goto(path.resolve().as_uri())
            violations = self._axe.run(page).response["violations"]
        finally:
            page.close()
        source = path.read_text("utf-8")
        return [_finding(path, source, violation) for violation in violations]


def _finding(path: Path, source: str, violation: dict) -> Finding:
    nodes = violation["nodes"]
    first = nodes[0] if nodes else {}
    offset = source.find(first.get("html", "\0"))
    line = source.count("\n", 0, offset) + 1 if offset >= 0 else None
    targets = ", ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                        for node in nodes[:3])
    reasons = [line.strip() for line in first.get("failureSummary", "").splitlines()
               if line.strip() and not line.startswith("Fix ")]
    return Finding(f"axe-{violation['id']}", "error", Location(path, line),
                   f"{violation['help']} ({violation.get('impact') or 'no impact given'}; {len(nodes)} "
                   f"element{'s' if len(nodes) != 1 else ''}: {targets})",
                   "; ".join([*reasons[:1], violation["helpUrl"]]), violation["id"])
