"""PDF/UA checks: every example PDF passes; a real PDF broken on purpose, one rule at a time, gives
exactly the finding for that rule."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from folderpers.checks.pdf_ua import check_pdf
from folderpers.pdf.structure import element_kids, walk_elements

from support import REPO


@pytest.fixture(scope="module")
def dist(example_build) -> Path:
    return example_build[0]


def example_pdfs() -> list[str]:
    from test_examples import publications
    return [f"{institution}/{slug}.pdf" for slug, institution in publications()]


@pytest.mark.parametrize("name", example_pdfs())
def test_every_example_pdf_passes(dist, name):
    assert check_pdf((dist / name).read_bytes(), dist / name) == []


def _elements(pdf, kind):
    return [element for element in walk_elements(pdf.Root.StructTreeRoot) if kind == element.S]


def _first_font(pdf):
    return next(iter(pdf.pages[1].Resources.Font.values()))


def _page_with_links(pdf):
    return next(page for page in pdf.pages if "/Annots" in page.obj)


def _without_xmp(key):
    def breaker(pdf):
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            del xmp[key]
    return breaker


def _drop_label(pdf):
    item = next(e for e in _elements(pdf, "/LI") if element_kids(e)[0].S == "/Lbl")
    element_kids(item)[0].S = pikepdf.Name.LBody  # its content stays in the tree


def _drop_body(pdf):
    item = _elements(pdf, "/LI")[0]
    next(kid for kid in element_kids(item) if kid.S == "/LBody").S = pikepdf.Name.Lbl


def _orphan_content(pdf):
    page = pdf.pages[1]
    tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    owners = list(tree[int(page.StructParents)])
    tree[int(page.StructParents)] = pikepdf.Array([None, *owners[1:]])


def _paint_outside_marked_content(pdf):
    pdf.pages[1].contents_add(pdf.make_stream(b"0 0 10 10 re f"), prepend=True)


BREAKERS = {
    "no language": (lambda pdf: pdf.Root.__delattr__("Lang"), "pdf-language", "document language (/Lang) is not set"),
    "not marked": (lambda pdf: setattr(pdf.Root.MarkInfo, "Marked", False), "pdf-tagged", "not marked as tagged"),
    "suspect tags": (lambda pdf: setattr(pdf.Root.MarkInfo, "Suspects", True), "pdf-tagged", "suspect"),
    "no title shown": (lambda pdf: setattr(pdf.Root.ViewerPreferences, "DisplayDocTitle", False), "pdf-title",
                       "DisplayDocTitle"),
    "no XMP title": (_without_xmp("dc:title"), "pdf-title", "no title (dc:title)"),
    "no PDF/UA identifier": (_without_xmp("pdfuaid:part"), "pdf-ua-identifier", "pdfuaid:part"),
    "font without Unicode map": (lambda pdf: _first_font(pdf).__delattr__("ToUnicode"), "pdf-fonts",
                                 "has no Unicode map"),
    "font not embedded": (lambda pdf: _first_font(pdf).DescendantFonts[0].FontDescriptor.__delattr__("FontFile2"),
                          "pdf-fonts", "is not embedded"),
    "figure without alt": (lambda pdf: _elements(pdf, "/Figure")[1].__delattr__("Alt"), "pdf-figure-alt",
                           "a Figure has no alternative text"),
    "heading skips a level": (lambda pdf: setattr(_elements(pdf, "/H2")[0], "S", pikepdf.Name.H3), "pdf-headings",
                              "heading H3 follows H1, expected at most H2"),
    "header without scope": (lambda pdf: _elements(pdf, "/TH")[0].A.__delattr__("Scope"), "pdf-tables",
                             "a header cell (TH) has no Scope"),
    "table without headers": (lambda pdf: [setattr(th, "S", pikepdf.Name.TD) for th in _elements(pdf, "/TH")],
                              "pdf-tables", "a table has no header cells"),
    "list without numbering": (lambda pdf: _elements(pdf, "/L")[0].__delattr__("A"), "pdf-lists",
                               "a list with labels has no ListNumbering"),
    "item without label": (_drop_label, "pdf-lists", "1 of 5 list items have no label (Lbl)"),
    "item without body": (_drop_body, "pdf-lists", "a list item holds Lbl, Lbl"),
    "list holding a paragraph": (lambda pdf: setattr(_elements(pdf, "/LI")[0], "S", pikepdf.Name.P), "pdf-lists",
                                 "a list (L) holds P"),
    "link without description": (lambda pdf: _page_with_links(pdf).Annots[0].__delattr__("Contents"), "pdf-links",
                                 "a link has no description"),
    "link outside the tree": (lambda pdf: _page_with_links(pdf).Annots[0].__delattr__("StructParent"), "pdf-links",
                              "annotation is not in the structure tree"),
    "no tab order": (lambda pdf: _page_with_links(pdf).obj.__delattr__("Tabs"), "pdf-tab-order",
                     "no tab order by structure"),
    "content outside the tree": (_orphan_content, "pdf-untagged-content", "belong to no element of the structure"),
    "untagged drawing": (_paint_outside_marked_content, "pdf-untagged-content", "neither tagged nor marked as artifacts"),
    "unknown structure type": (lambda pdf: setattr(_elements(pdf, "/P")[0], "S", pikepdf.Name("/Callout")),
                               "pdf-structure-types", "structure types without a standard meaning: Callout"),
    "standard type remapped": (lambda pdf: setattr(pdf.Root.StructTreeRoot.RoleMap, "P", pikepdf.Name.Span),
                               "pdf-structure-types", "maps standard type P"),
}


@pytest.mark.parametrize("case", BREAKERS)
def test_a_pdf_broken_on_purpose_gives_that_finding(dist, case):
    breaker, kind, message = BREAKERS[case]
    path = dist / "westerhaven/vertebroplastiek.pdf"
    with pikepdf.open(path) as pdf:
        breaker(pdf)
        broken = io.BytesIO()
        pdf.save(broken)
    findings = check_pdf(broken.getvalue(), Path("broken.pdf"))
    assert {(f.kind, str(f.location), f.severity) for f in findings} == {(kind, "broken.pdf", "error")}, findings
    assert any(message in finding.message for finding in findings), [f.message for f in findings]


def test_a_pdf_without_structure_tree_reports_it_and_skips_the_structure_checks(dist):
    with pikepdf.open(dist / "westerhaven/vertebroplastiek.pdf") as pdf:
        del pdf.Root.StructTreeRoot
        broken = io.BytesIO()
        pdf.save(broken)
    assert [f.kind for f in check_pdf(broken.getvalue(), REPO / "x.pdf")] == ["pdf-tagged"]


@pytest.mark.parametrize("name", example_pdfs())
def test_scanning_a_page_finds_what_parsing_every_operator_finds(dist, name, monkeypatch):
    from folderpers.checks import pdf_ua as pdf_checks
    with pikepdf.open(dist / name) as pdf:
        scanned = [pdf_checks._marked_content(page) for page in pdf.pages]
        assert all(pdf_checks._scanned(page.Contents.read_bytes()) is not None for page in pdf.pages)
        monkeypatch.setattr(pdf_checks, "_scanned", lambda content: None)  # parse with pikepdf instead
        assert [pdf_checks._marked_content(page) for page in pdf.pages] == scanned
        assert all(mcids for _, mcids in scanned) and all(untagged == 0 for untagged, _ in scanned)


@pytest.mark.parametrize("content, scanned, untagged", [
    (b"/P <</MCID 0>> BDC 0 0 m 1 1 l S EMC 0 0 1 1 re f", [("BDC", "/P", 0), ("S", None, None),
                                                             ("EMC", None, None), ("f", None, None)], 1),
    (b"/Artifact << /Type /Pagination >> BDC [<0041>0]TJ EMC /Span BMC <0042> Tj EMC",
     [("BDC", "/Artifact", None), ("TJ", None, None), ("EMC", None, None), ("BMC", "/Span", None),
      ("Tj", None, None), ("EMC", None, None)], 1),  # marked, but neither tagged nor an artifact
    (b"/P <</MCID 0>> BDC (a) Tj EMC", None, 0),  # a literal string may hold anything: parsed instead
    (b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q", None, 1),  # an inline image: parsed instead
    (b"/P << /MCID 0 /A << /O /X >> >> BDC EMC", None, 0),  # a nested dictionary: the marks do not agree
    (b"/P <</MCID 0>> BDC /Span <</ActualText <FEFF064B0627>>> BDC [<0004>] TJ EMC EMC",  # repaired Arabic
     [("BDC", "/P", 0), ("BDC", "/Span", None), ("TJ", None, None), ("EMC", None, None), ("EMC", None, None)], 0),
])
def test_a_content_stream_is_scanned_only_when_the_pattern_is_exact(content, scanned, untagged):
    from folderpers.checks.pdf_ua import _marked_content, _scanned
    assert _scanned(content) == scanned
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(content)
    assert _marked_content(pdf.pages[0]) == (untagged, [0] if b"/MCID 0" in content else [])
