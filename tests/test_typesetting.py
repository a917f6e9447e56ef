"""Typesetting a print shop signs off, found in the rendered PDFs of every example (screen and print):
text positions and fonts from pdfplumber, elements and their pages from the structure tree (pikepdf)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from folderpers.pdf.structure import element_kids, walk_elements

FOOTER_MAX_SIZE = 7.5  # pt: running header and footer (6.5-7 pt) are below this; body text is 9.5 pt
ADDRESS_LIKE = re.compile(r"[./@]\w")
HYPHENATED = re.compile(r"\w-$")


def example_pdfs(dist: Path) -> list[Path]:
    return sorted(path for path in dist.rglob("*.pdf") if not path.name.endswith("_booklet.pdf"))


@pytest.fixture(scope="module")
def pdfs(example_build) -> list[Path]:
    found = example_pdfs(example_build[0])
    assert len(found) >= 12
    return found


@dataclass(frozen=True)
class PageFacts:
    number: int
    lines: list  # body_lines(page)
    text: str  # pdfplumber's extract_text()
    ligatures: list[str]  # characters that stand for more than one letter


@pytest.fixture(scope="module")
def pages(pdfs) -> dict[Path, list[PageFacts]]:
    """Each example PDF read once (with pdfplumber), for every test of this module."""
    facts = {}
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            facts[path] = [PageFacts(page.page_number, body_lines(page), page.extract_text() or "",
                                     [char["text"] for char in page.chars if len(char["text"]) > 1])
                           for page in pdf.pages]
    return facts


def body_lines(page) -> list[tuple[str, float, str, float]]:
    """The page's body text lines, top to bottom: (text, size, font of the last word, top)."""
    rows: dict[float, list[dict]] = {}
    words = [w for w in page.extract_words(extra_attrs=["fontname", "size"]) if w["size"] >= FOOTER_MAX_SIZE]
    for word in sorted(words, key=lambda word: word["bottom"]):  # one line: bottoms within 2 pt (bold, italic)
        line = next((bottom for bottom in rows if abs(bottom - word["bottom"]) < 2), word["bottom"])
        rows.setdefault(line, []).append(word)
    lines = []
    for top in sorted(rows):
        words = sorted(rows[top], key=lambda word: word["x0"])
        lines.append((" ".join(word["text"] for word in words), max(w["size"] for w in words),
                      words[-1]["fontname"], float(top)))
    return lines


def test_no_ligature_glyphs(pages):
    """Lato's "ti", "ft", "tt" (and fi, ff) are single glyphs standing for two letters: none are used."""
    found = [(path.name, page.number, text) for path, facts in pages.items() for page in facts for text in page.ligatures]
    assert found == []


def test_page_totals_count_every_page(pages):
    wrong = []
    for path, facts in pages.items():
        for page in facts:
            for shown, total in re.findall(r"pagina (\d+) van (\d+)", page.text):
                if int(total) != len(facts) or int(shown) != page.number:
                    wrong.append((path.name, page.number, shown, total, len(facts)))
    assert wrong == []


def test_no_straight_quotes_and_addresses_never_hyphenated(pages):
    straight, hyphenated = [], []
    for path, facts in pages.items():
        for page in facts:
            straight += [(path.name, page.number, text) for text, *_ in page.lines if '"' in text]
            for (text, *_), (following, *_) in itertools.pairwise(page.lines):
                if HYPHENATED.search(text):  # the word as it would be typed, without the added hyphen
                    joined = text.split()[-1][:-1] + following.split()[0]
                    if ADDRESS_LIKE.search(joined):
                        hyphenated.append((path.name, page.number, joined))
    assert straight == [] and hyphenated == []


def test_folder_address_on_the_back_cover_keeps_its_slug_whole(pages):
    for path, facts in pages.items():
        slug = path.stem.split("_", 2)[-1] if "_v" in path.stem else path.stem
        text = facts[-1].text
        if "online lezen" in text or "online:" in text.lower():
            assert re.search(rf"(^|/){re.escape(slug)}\.html$", text, re.MULTILINE), (path.name, text)


def test_no_paragraph_ends_in_a_hyphen_fragment(pages):
    """No last line that is only the end of a hyphenated word ("uit-" / "leg."), in any language."""
    found = []
    for path, facts in pages.items():
        for page in facts:
            for (text, *_), (following, *_) in itertools.pairwise(page.lines):
                if HYPHENATED.search(text) and len(following.split()) == 1:
                    found.append((path.name, page.number, text[-20:], following))
    assert found == []


def test_headings_are_never_the_last_line_of_a_page(pages):
    found = []
    for path, facts in pages.items():
        for page in facts[:-1]:
            if not page.lines:
                continue
            body = Counter(size for _, size, _, _ in page.lines).most_common(1)[0][0]
            text, size, font, _ = page.lines[-1]
            if size > body * 1.1 and "Bold" in font:
                found.append((path.name, page.number, text))
    assert found == []


def test_no_word_hyphenated_across_a_page_break(pages):
    found = []
    for path, facts in pages.items():
        for number, (lines, following) in enumerate(itertools.pairwise([page.lines for page in facts]), 1):
            if lines and following and HYPHENATED.search(lines[-1][0]) and following[0][0][:1].islower():
                found.append((path.name, number, lines[-1][0][-20:], following[0][0][:20]))
    assert found == []


def test_callouts_and_tables_are_never_split(pdfs):
    """Callouts (Aside) and tables (with their captions) stand on one page (all of the examples' are
    shorter than half a page)."""
    split = []
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            if "/StructTreeRoot" not in pdf.Root:  # the print PDF is untagged: its screen twin is checked
                continue
            numbers = {page.objgen: index for index, page in enumerate(pdf.pages)}
            for element in walk_elements(pdf.Root.StructTreeRoot):
                if str(element.S) not in ("/Aside", "/Table"):
                    continue
                pages = set()
                for item in [element, *walk_elements(element)]:
                    if "/Pg" in item:
                        pages.add(numbers[item.Pg.objgen])
                    pages |= {numbers[kid.Pg.objgen] for kid in element_kids(item)
                              if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR" and "/Pg" in kid}
                if len(pages) > 1:
                    split.append((path.name, str(element.S), sorted(pages)))
    assert split == []


def test_orphans_and_widows_keep_two_lines(pages):
    """A paragraph split by a page break leaves at least two lines on each page: the page's last
    line of running text is not alone when the next page continues its sentence, and vice versa."""
    found = []
    for path, facts in pages.items():
        for number, (lines, following) in enumerate(itertools.pairwise([page.lines for page in facts]), 1):
            if len(lines) < 2 or len(following) < 2 or not following[0][0][:1].islower():
                continue  # the next page does not continue a sentence
            gap_before_last = lines[-1][3] - lines[-2][3]
            gap_after_first = following[1][3] - following[0][3]
            line_height = lines[-1][1] * 1.6
            if gap_before_last > line_height:  # the last line stands alone below a gap: an orphan
                found.append((path.name, number, "orphan", lines[-1][0][:30]))
            if gap_after_first > line_height and following[0][0].rstrip().endswith((".", "!", "?")):
                found.append((path.name, number + 1, "widow", following[0][0][:30]))
    assert found == []
