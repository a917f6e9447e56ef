"""Web pages on phones: no horizontal overflow at 320, 390 and 768 px (Chromium), tables reflow."""

from __future__ import annotations

from pathlib import Path

import pytest

WIDTHS = (320, 390, 768)


def web_pages(dist: Path) -> list[Path]:
    return sorted(path for path in dist.glob("*/*.html") if path.name != "index.html")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_window(example_build, browser, width):
    pages = web_pages(example_build[0])
    assert len(pages) >= 6
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    too_wide = []
    for path in pages:
        page.goto(path.as_uri())
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            too_wide.append((path.parent.name + "/" + path.name, scroll, inner))
    context.close()
    assert too_wide == []


def test_tables_stack_their_cells_on_a_phone_with_the_column_header(example_build, browser):
    path = example_build[0] / "westerhaven" / "vertebroplastiek.html"
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(path.as_uri())
    cell = page.locator("table.table tbody td").first
    assert cell.evaluate("element => getComputedStyle(element).display") == "block"
    label = cell.evaluate("element => getComputedStyle(element, '::before').content")
    assert label.strip('"') == "Wat kunt u verwachten?"
    context.close()
