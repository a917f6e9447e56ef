"""No word hyphenated across a page break: the layout is repeated with that paragraph kept whole."""

from __future__ import annotations

import pypdfium2
from weasyprint import CSS, HTML

from folderpers.errors import Location
from folderpers.project import Project
from folderpers.render.pagebreaks import words_split_across_pages
from folderpers.render.pdf import PdfRenderer

from support import REPO

# Long Dutch words in narrow columns on small pages: many lines end in a hyphenated word, page feet included.
WORDS = ("ziektekostenverzekering overgangsperiode wervelkolomonderzoek pijnbestrijdingsmethode "
         "verpleegafdelingen ") * 12
HTML_TEXT = ('<html lang="nl"><head><title>t</title></head><body>'
             + "".join(f"<p>{WORDS[index:]}</p>" for index in range(0, 60, 7)) + "</body></html>")
STYLE = CSS(string="@page { size: 70mm 60mm; margin: 5mm } body { font-size: 10pt; line-height: 1.3 } "
                   "p { hyphens: auto; margin: 0 0 4pt }")


def test_the_plain_layout_of_this_text_splits_words_across_pages():
    document = HTML(string=HTML_TEXT).render(stylesheets=[STYLE])
    assert len(document.pages) > 5
    assert words_split_across_pages(document)  # otherwise the next test proves nothing


def test_the_renderer_lays_out_again_until_no_word_is_split_across_pages(tmp_path):
    renderer = PdfRenderer(Project(REPO))
    document = renderer.layout(HTML_TEXT, tmp_path, (tmp_path,), Location(tmp_path / "x.yaml"), [STYLE], None, [])
    assert words_split_across_pages(document) == []
    # and in the PDF's own text: no page but the last ends in a hyphen
    pdf = pypdfium2.PdfDocument(document.write_pdf())
    last_lines = [pdf[index].get_textpage().get_text_range().strip().splitlines()[-1] for index in range(len(pdf))]
    assert len(last_lines) > 5 and not any(line.rstrip().endswith("-") for line in last_lines[:-1])
