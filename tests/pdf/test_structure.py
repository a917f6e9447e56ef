"""The structure tree beyond WeasyPrint, on real renders: split elements joined, margin boxes and
repeated table headers as artifacts, th scope, list numbering, link descriptions, asides, decoration."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from weasyprint import HTML

from folderpers.build.pipeline import build
from folderpers.checks.pdf_ua import check_pdf
from folderpers.errors import Location
from folderpers.pdf import contentstream
from folderpers.pdf.finish import flag_annotations_for_print
from folderpers.pdf.structure import element_kids, finish_structure, walk_elements
from folderpers.project import Project
from folderpers.render.pdf import PdfRenderer

from support import REPO, options

LONG_PARAGRAPH = "Dit is een zin in een lange alinea die over twee bladzijden loopt. " * 45
ROWS = "".join(f"<tr><th scope='row'>Dag {i}</th><td>Rustig aan, {i}</td></tr>" for i in range(1, 41))
PAGE = f"""<!DOCTYPE html><html lang="nl"><head><title>Splitsen</title><style>
@page {{ size: A6; margin: 15mm 10mm; @top-left {{ content: "Ziekenhuis"; }}
        @bottom-right {{ content: "pagina " counter(page); }} }}
</style></head><body><main>
<h1>Splitsen</h1>
<section><h2>Lange tekst</h2><p>{LONG_PARAGRAPH}</p>
<ul>{"".join(f"<li>punt {i}</li>" for i in range(1, 31))}</ul>
<aside role="note"><h3>Let op</h3><p>Bel bij koorts <a href="https://www.thuisarts.nl">Thuisarts</a>.</p></aside>
<table><thead><tr><th scope="col">Wanneer?</th><th scope="col">Wat?</th></tr></thead><tbody>{ROWS}</tbody></table>
<img src="{{logo}}" alt="" style="width: 20mm">
</section></main></body></html>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> tuple[str, Path]:
    directory = tmp_path_factory.mktemp("tagging")
    logo = directory / "logo.svg"
    logo.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='40' height='10'><rect width='40' height='10'/></svg>")
    return PAGE.replace("{logo}", logo.as_uri()), directory


@pytest.fixture(scope="module")
def finished(page) -> bytes:
    """Rendered as the screen PDF writer does: WeasyPrint with hints recorded, then finished."""
    html, directory = page
    rendered = PdfRenderer(Project(REPO)).render(html, directory, (directory,), Location(directory / "f.yaml"), [])
    with pikepdf.open(io.BytesIO(rendered.data)) as pdf:
        finish_structure(pdf, rendered.structure)
        flag_annotations_for_print(pdf)
        output = io.BytesIO()
        pdf.save(output)
        return output.getvalue()


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return list(walk_elements(pdf.Root.StructTreeRoot))


def pages_of(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> set[int]:
    """The pages (0-based) an element's content stands on."""
    numbers = {page.objgen: index for index, page in enumerate(pdf.pages)}
    found = set()
    for item in [element, *walk_elements(element)]:
        found.add(numbers[item.Pg.objgen])
        found |= {numbers[kid.Pg.objgen] for kid in element_kids(item) if isinstance(kid, pikepdf.Dictionary)
                  and kid.get("/Type") == "/MCR"}
    return found


def test_weasyprint_alone_fails_the_checks_and_the_finished_pdf_passes(page, finished):
    html, _ = page
    raw = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")  # logs the empty alt as an error
    kinds = Counter(finding.kind for finding in check_pdf(raw, Path("raw.pdf")))
    assert {"house-artifacts", "house-tables", "house-lists", "pdf-conformance"} <= set(kinds), kinds
    assert {f.kind for f in check_pdf(finished, Path("finished.pdf"))} <= {"house-label-order"}  # advice only


def test_an_element_split_over_pages_is_one_element(finished):
    with pikepdf.open(io.BytesIO(finished)) as pdf:
        assert len(pdf.pages) > 3
        types = Counter(str(element.S) for element in elements(pdf))
        assert types["/Part"] == types["/Sect"] == types["/Table"] == types["/THead"] == types["/TBody"] == 1
        paragraph = next(e for e in elements(pdf) if e.S == "/P")
        assert len(pages_of(pdf, paragraph)) >= 2, "the long paragraph is not split: the test means nothing"
        lists = [e for e in elements(pdf) if e.S == "/L"]
        assert len(lists) == 1 and len(pages_of(pdf, lists[0])) >= 2
        assert [str(e.S) for e in element_kids(lists[0])] == ["/LI"] * 30
        assert all([str(k.S) for k in element_kids(item)] == ["/Lbl", "/LBody"] for item in element_kids(lists[0]))
        table = next(e for e in elements(pdf) if e.S == "/Table")
        assert len(pages_of(pdf, table)) >= 2
        assert len([e for e in walk_elements(table) if e.S == "/TR"]) == 41


def test_a_repeated_table_header_is_a_pagination_artifact_and_cells_keep_their_headers(finished):
    with pikepdf.open(io.BytesIO(finished)) as pdf:
        headers = [e for e in elements(pdf) if e.S == "/TH"]
        assert [str(h.A.Scope) for h in headers[:2]] == ["/Column", "/Column"]
        assert {str(h.A.Scope) for h in headers[2:]} == {"/Row"} and len(headers) == 42
        ids = {bytes(h.ID) for h in headers}
        cells = [e for e in elements(pdf) if e.S == "/TD"]
        assert len(cells) == 40 and all(bytes(h) in ids for cell in cells for h in cell.A.Headers)
        assert all(bytes(headers[1].ID) in [bytes(h) for h in cell.A.Headers] for cell in cells)
        table = next(e for e in elements(pdf) if e.S == "/Table")
        later = sorted(pages_of(pdf, table))[1:]
        for number in later:  # the header drawn again there is marked as decoration
            content = pdf.pages[number].Contents.read_bytes()
            assert b"/Artifact << /Type /Pagination >> BDC" in content


def test_margin_boxes_are_header_and_footer_artifacts(finished):
    with pikepdf.open(io.BytesIO(finished)) as pdf:
        for page in pdf.pages:
            marks = re.findall(rb"/Artifact << ([^>]*) >> BDC", page.Contents.read_bytes())
            assert b"/Subtype /Header /Type /Pagination" in marks and b"/Subtype /Footer /Type /Pagination" in marks


def test_aside_link_list_numbering_and_decorative_image(finished):
    with pikepdf.open(io.BytesIO(finished)) as pdf:
        types = [str(element.S) for element in elements(pdf)]
        assert "/Aside" in types and "/NonStruct" not in types
        assert pdf.Root.StructTreeRoot.RoleMap.Aside == "/Sect"
        assert "/Figure" not in types  # the only image has alt="": decoration
        assert any(b"/Artifact << /Type /Layout >> BDC" in page.Contents.read_bytes() for page in pdf.pages)
        the_list = next(e for e in elements(pdf) if e.S == "/L")
        assert (the_list.A.O, the_list.A.ListNumbering) == ("/List", "/Disc")
        links = [a for page in pdf.pages for a in page.get("/Annots", []) if a.Subtype == "/Link"]
        assert [str(link.Contents) for link in links] == ["Thuisarts"]


def finish(data: bytes, hints) -> list[bytes]:
    """Every page's content stream, finished, as pikepdf writes it (the same for equal instructions)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        finish_structure(pdf, hints)
        return [pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)) for page in pdf.pages]


def test_the_fast_rewrite_of_marks_gives_what_parsing_every_operator_gives(page, monkeypatch):
    html, directory = page
    rendered = PdfRenderer(Project(REPO)).render(html, directory, (directory,), Location(directory / "f.yaml"), [])
    fast = finish(rendered.data, rendered.structure)
    monkeypatch.setattr(contentstream, "rewrite_marks", lambda *args: None)  # as if WeasyPrint wrote marks differently
    assert finish(rendered.data, rendered.structure) == fast
    assert all(b"/Artifact << /Subtype /Footer /Type /Pagination >> BDC" in content for content in fast)


def test_a_link_over_lines_and_pages_is_one_link_with_an_annotation_per_line(tmp_path):
    html = ('<html lang="nl"><head><title>T</title><style>@page { size: A6 }</style></head><body><h1>T</h1><p>'
            '<a href="https://www.thuisarts.nl">' + "een lange linktekst " * 100 + "</a></p></body></html>")
    rendered = PdfRenderer(Project(REPO)).render(html, tmp_path, (tmp_path,), Location(tmp_path / "f.yaml"), [])
    with pikepdf.open(io.BytesIO(rendered.data)) as pdf:
        finish_structure(pdf, rendered.structure)
        flag_annotations_for_print(pdf)  # as the screen PDF's finishing does
        [link] = [e for e in elements(pdf) if e.S == "/Link"]
        annotations = [kid for kid in element_kids(link) if isinstance(kid, pikepdf.Dictionary) and kid.Type == "/OBJR"]
        assert len(pdf.pages) >= 2 and len(pages_of(pdf, link)) == len(pdf.pages)
        assert len(annotations) == sum(len(page.Annots) for page in pdf.pages) > len(pdf.pages)
        output = io.BytesIO()
        pdf.save(output)
    assert check_pdf(output.getvalue(), Path("link.pdf")) == []


def test_a_template_that_breaks_the_pdf_rules_fails_the_output(tmp_project):
    colophon = tmp_project.root / "templates/partials/colophon.html"
    colophon.write_text(colophon.read_text().replace("<h2>{{ labels.about }}</h2>", "<h5>{{ labels.about }}</h5>"))
    tmp_project.folder("demo")
    report = build(tmp_project.project, options(institutions=("alpha",), formats=("pdf",)))
    [failure] = report.failures
    assert failure.subject.endswith("dist/alpha/demo.pdf") and not (tmp_project.root / "dist/alpha/demo.pdf").exists()
    assert [problem.message for problem in failure.problems] == [
        "PDF/UA check [pdf-conformance] of alpha/demo.pdf: PDF/UA-1 PDFUA1-HEADING-NESTING-001 (page 2): heading level "
        "H5 skips an intervening heading level"]


def example_publications():
    from test_examples import publications
    return publications()


@pytest.mark.parametrize("slug, institution", example_publications())
def test_example_pdfs_running_headers_callouts_tables_and_logos(example_build, slug, institution):
    from test_examples import FOLDERS, INSTITUTIONS
    with pikepdf.open(example_build[0] / institution / f"{slug}.pdf") as pdf:
        marks = [re.findall(rb"/Artifact << ([^>]*) >> BDC", page.Contents.read_bytes()) for page in pdf.pages]
        footer, header = b"/Subtype /Footer /Type /Pagination", b"/Subtype /Header /Type /Pagination"
        assert footer in marks[0] and header not in marks[0]  # the cover page has no running header
        assert all(header in page and footer in page for page in marks[1:-1])
        assert marks[-1] == [b"/Type /Layout"]  # the back cover: no running header or footer, its logo is decoration
        figures = [e for e in elements(pdf) if e.S == "/Figure"]
        assert str(figures[0].Alt) == INSTITUTIONS[institution].logo_alt  # the cover logo says whose folder it is
        qr_code = 1 if INSTITUTIONS[institution].base_url else 0  # on the back cover, with its own alt text
        assert len(figures) == 1 + sum(block.kind == "figure" for block in FOLDERS[slug].blocks) + qr_code
        asides = [e for e in elements(pdf) if e.S == "/Aside"]
        published = [getattr(block, "block", block) for block in FOLDERS[slug].blocks  # only:/except: where published
                     if not hasattr(block, "scope") or block.scope.includes(institution)]
        callouts = [block for block in published if block.kind == "callout"]
        assert len(asides) >= len(callouts) > 0
        titled = sum(re.fullmatch(r"/H[2-6]", str(element_kids(aside)[0].S)) is not None for aside in asides)
        assert titled >= sum(not callout.untitled for callout in callouts)  # `title: false`: a box without heading
        assert {str(th.A.Scope) for th in elements(pdf) if th.S == "/TH"} <= {"/Row", "/Column"}
