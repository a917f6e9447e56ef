"""Hyphenation rules WeasyPrint has no CSS for: the renderer lays out again until none is broken."""

from __future__ import annotations

import pypdfium2
import pytest
from weasyprint import CSS, HTML

from folderpers.errors import Location
from folderpers.project import Project
from folderpers.render.hyphenation import badly_hyphenated, body_lines, fragment_last_lines, split_across_pages
from folderpers.render.pdf import PdfRenderer

from support import REPO

# Long Dutch words in narrow columns on small pages: many lines end in a hyphenated word, page feet included,
# and paragraphs of every length, so some end in a fragment.
WORDS = ("ziektekostenverzekering overgangsperiode wervelkolomonderzoek pijnbestrijdingsmethode "
         "verpleegafdelingen ") * 12
HTML_TEXT = ('<html lang="nl"><head><title>t</title></head><body>'
             + "".join(f"<p>{WORDS[index:]}</p>" for index in range(0, 90, 3)) + "</body></html>")
STYLE = CSS(string="@page { size: 70mm 60mm; margin: 5mm } body { font-size: 10pt; line-height: 1.3 } "
                   "p { hyphens: auto; margin: 0 0 4pt }")


@pytest.fixture(scope="module")
def plain():
    return HTML(string=HTML_TEXT).render(stylesheets=[STYLE])


def test_the_plain_layout_of_this_text_breaks_both_rules(plain):
    pages = body_lines(plain)
    assert len(pages) > 5
    assert list(split_across_pages(pages)) and list(fragment_last_lines(pages))  # else the next test proves nothing


def test_the_renderer_lays_out_again_until_no_rule_is_broken(tmp_path):
    renderer = PdfRenderer(Project(REPO))
    document = renderer.layout(HTML_TEXT, tmp_path, (tmp_path,), Location(tmp_path / "x.yaml"), [STYLE], None, [])
    assert badly_hyphenated(document) == []
    # and in the PDF's own text: no page but the last ends in a hyphen
    pdf = pypdfium2.PdfDocument(document.write_pdf())
    last_lines = [pdf[index].get_textpage().get_text_range().strip().splitlines()[-1] for index in range(len(pdf))]
    assert len(last_lines) > 5 and not any(line.rstrip().endswith("-") for line in last_lines[:-1])
