"""PDF/UA checks in two layers: every example PDF passes the validator (page-validation) and the house
rules; a real PDF broken on purpose, one way at a time, is caught by the layer that covers it; no
input, however damaged, raises."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pikepdf
import pytest

from folderpers.checks.pdf_ua import check_pdf
from folderpers.pdf.structure import element_kids, walk_elements

from support import example_pdfs


@pytest.mark.parametrize("name", example_pdfs())
def test_every_example_pdf_passes(dist, name):
    findings = check_pdf((dist / name).read_bytes(), dist / name)
    assert [f for f in findings if f.severity == "error"] == []
    assert {f.kind for f in findings} <= {"house-label-order"}  # advice, see checks/pdf_ua.py


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


def _without_structure_tree(pdf):
    del pdf.Root.StructTreeRoot


def _without_mark_info(pdf):
    del pdf.Root.MarkInfo


def _unflag_annotations(pdf):
    for annotation in _page_with_links(pdf).Annots:
        annotation.F = 0


def _untag_figure(pdf):
    """A Figure's content stays on the page but its element becomes an empty Span (untagged image)."""
    figure = _elements(pdf, "/Figure")[1]
    figure.S = pikepdf.Name.Span
    del figure.Alt


# What a breaker does -> the rule ids the validator reports (conformance layer) or the house rule.
CONFORMANCE = {
    "no language": (lambda pdf: pdf.Root.__delattr__("Lang"), {"PDFUA1-TEXT-LANGUAGE-001"}),
    "not marked": (lambda pdf: setattr(pdf.Root.MarkInfo, "Marked", False), {"PDFUA1-TAGGED-DOCUMENT-001"}),
    "no MarkInfo": (_without_mark_info, {"PDFUA1-TAGGED-DOCUMENT-001"}),
    "no structure tree": (_without_structure_tree, {"PDFUA1-STRUCT-TREE-ROOT-001"}),
    "suspect tags": (lambda pdf: setattr(pdf.Root.MarkInfo, "Suspects", True), {"PDFUA1-SUSPECTS-001"}),
    "no title shown": (lambda pdf: setattr(pdf.Root.ViewerPreferences, "DisplayDocTitle", False),
                       {"PDFUA1-VIEWER-PREFERENCES-001"}),
    "no XMP title": (_without_xmp("dc:title"), {"PDFUA1-METADATA-TITLE-001"}),
    "no PDF/UA identifier": (_without_xmp("pdfuaid:part"), {"PDFUA1-ID-PART-001"}),
    "font without Unicode map": (lambda pdf: _first_font(pdf).__delattr__("ToUnicode"),
                                 {"PDFUA1-FONT-UNICODE-MAPPING-001"}),
    "font not embedded": (lambda pdf: _first_font(pdf).DescendantFonts[0].FontDescriptor.__delattr__("FontFile2"),
                          {"PDFUA1-FONT-EMBEDDING-001"}),
    "figure without alt": (lambda pdf: _elements(pdf, "/Figure")[1].__delattr__("Alt"),
                           {"PDFUA1-FIGURE-ALTERNATIVE-TEXT-001"}),
    "heading skips a level": (lambda pdf: setattr(_elements(pdf, "/H2")[0], "S", pikepdf.Name.H3),
                              {"PDFUA1-HEADING-NESTING-001"}),
    "list holding a paragraph": (lambda pdf: setattr(_elements(pdf, "/LI")[0], "S", pikepdf.Name.P),
                                 {"PDFUA1-L-KIDS-001"}),
    "link without description": (lambda pdf: _page_with_links(pdf).Annots[0].__delattr__("Contents"),
                                 {"PDFUA1-LINK-CONTENTS-001"}),
    "annotation not tagged": (lambda pdf: _page_with_links(pdf).Annots[0].__delattr__("StructParent"),
                              {"PDFUA1-LINK-LINK-TAG-001"}),
    "no tab order": (lambda pdf: _page_with_links(pdf).obj.__delattr__("Tabs"), {"PDFUA1-PAGE-TABS-001"}),
    "untagged drawing": (_paint_outside_marked_content, {"PDFUA1-CONTENT-TAGGING-001"}),
    "unknown structure type": (lambda pdf: setattr(_elements(pdf, "/P")[0], "S", pikepdf.Name("/Callout")),
                               {"PDFUA1-STRUCT-TREE-ROLE-MAP-001"}),
    "standard type remapped": (lambda pdf: setattr(pdf.Root.StructTreeRoot.RoleMap, "P", pikepdf.Name.Span),
                               {"PDFUA1-STRUCT-TREE-ROLE-MAP-STANDARD-001"}),
}
HOUSE_RULES = {
    "header without scope": (lambda pdf: _elements(pdf, "/TH")[0].A.__delattr__("Scope"), "house-tables",
                             "a header cell (TH) has no Scope"),
    "table without headers": (lambda pdf: [setattr(th, "S", pikepdf.Name.TD) for th in _elements(pdf, "/TH")],
                              "house-tables", "a table has no header cells"),
    "list without numbering": (lambda pdf: _elements(pdf, "/L")[0].__delattr__("A"), "house-lists",
                               "a list with labels has no ListNumbering"),
    "item without label": (_drop_label, "house-lists", "1 of 5 list items have no label (Lbl)"),
    "item without body": (_drop_body, "house-lists", "a list item holds Lbl, Lbl"),
    "content outside the tree": (_orphan_content, "house-artifacts", "belong to no element of the structure"),
    "annotation without Print flag": (_unflag_annotations, "house-print-flag", "lack the Print flag"),
}


def _broken(dist, breaker) -> bytes:
    with pikepdf.open(dist / "westerhaven/vertebroplastiek.pdf") as pdf:
        breaker(pdf)
        broken = io.BytesIO()
        pdf.save(broken)
        return broken.getvalue()


def _errors(findings):
    return [f for f in findings if f.severity == "error"]


@pytest.mark.parametrize("case", CONFORMANCE)
def test_the_validator_catches_a_pdf_broken_against_the_standard(dist, case):
    breaker, rules = CONFORMANCE[case]
    findings = _errors(check_pdf(_broken(dist, breaker), Path("broken.pdf")))
    found = {f.subject for f in findings if f.kind == "pdf-conformance"}
    assert rules <= found, [str(f) for f in findings]
    assert all(str(f.location) == "broken.pdf" and f.message.startswith("PDF/UA-1 ") for f in findings
               if f.kind == "pdf-conformance")


@pytest.mark.parametrize("case", HOUSE_RULES)
def test_a_house_rule_catches_what_the_standard_leaves_open(dist, case):
    breaker, kind, message = HOUSE_RULES[case]
    findings = _errors(check_pdf(_broken(dist, breaker), Path("broken.pdf")))
    assert {(f.kind, f.subject) for f in findings} == {(kind, "house rule")}, [str(f) for f in findings]
    assert any(message in f.message and f.message.startswith("house rule: ") for f in findings)


def test_a_page_without_its_parent_tree_entry_is_a_finding_not_an_index_error(dist):
    def lose_entries(pdf):
        for page in pdf.pages:
            page.obj.StructParents = 9999  # no such entry in the ParentTree
        for annotation in _page_with_links(pdf).Annots:
            annotation.StructParent = 9998
    findings = check_pdf(_broken(dist, lose_entries), Path("broken.pdf"))
    assert {"house-artifacts", "pdf-conformance"} <= {f.kind for f in findings}


def _mutations(data: bytes) -> list[bytes]:
    generator = random.Random(16)
    cases = [b"", b"%PDF-1.7", data[:100], data[: len(data) // 2], data[:-200], bytes(generator.randrange(256)
             for _ in range(2000)), b"%PDF-1.7\n" + bytes(generator.randrange(256) for _ in range(3000))]
    for _ in range(20):  # bytes overwritten at random places: damaged objects, streams and cross-references
        mutated = bytearray(data)
        for _ in range(generator.randrange(1, 40)):
            mutated[generator.randrange(len(mutated))] = generator.randrange(256)
        cases.append(bytes(mutated))
    return cases


def test_no_input_raises(dist):
    data = (dist / "westerhaven/vertebroplastiek.pdf").read_bytes()
    cases = [*_mutations(data), *(_broken(dist, breaker) for breaker, _ in CONFORMANCE.values()),
             *(_broken(dist, breaker) for breaker, *_ in HOUSE_RULES.values())]
    unreadable = 0
    for case in cases:
        findings = check_pdf(case, Path("damaged.pdf"))  # never an exception
        assert all(str(f.location) == "damaged.pdf" for f in findings)
        unreadable += any(f.kind == "pdf-unreadable" for f in findings)
    assert unreadable >= 3  # empty, random bytes, a header only


def _validate_in_child(data: bytes, connection) -> None:
    from folderpers.checks.conformance import validate
    connection.send([f.subject for validation in validate(data, Path("x.pdf")) for f in validation.findings])


def test_a_process_forked_after_validating_can_validate(dist):
    """The validator's thread pool does not survive fork(); a forked build worker must not hang."""
    import multiprocessing
    data = _broken(dist, CONFORMANCE["no tab order"][0])
    check_pdf(data, Path("x.pdf"))  # the validator's threads now run in this process
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_validate_in_child, args=(data, sending))
    child.start()
    assert receiving.poll(120), "the forked process did not answer"
    assert "PDFUA1-PAGE-TABS-001" in receiving.recv()
    child.join()
