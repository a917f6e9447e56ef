"""The one reader of marked content: the fast scan by pattern gives what pikepdf's full parse gives
on every page of the example PDFs, and is used only for streams in the plain form."""

from __future__ import annotations

import pikepdf
import pytest

from folderpers.pdf import contentstream
from folderpers.pdf.contentstream import PAGINATION, Operation, marked_content, rewrite_marks, scan

from support import example_pdfs


@pytest.mark.parametrize("name", example_pdfs())
def test_scanning_a_page_finds_what_parsing_every_operator_finds(dist, name, monkeypatch):
    with pikepdf.open(dist / name) as pdf:
        scanned = [marked_content(page) for page in pdf.pages]
        assert all(scan(page.Contents.read_bytes()) is not None for page in pdf.pages)
        monkeypatch.setattr(contentstream, "scan", lambda content: None)  # parse with pikepdf instead
        assert [marked_content(page) for page in pdf.pages] == scanned
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
    assert scan(content) == scanned
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(content)
    assert marked_content(pdf.pages[0]) == (untagged, [0] if b"/MCID 0" in content else [])
    assert all(isinstance(operation, Operation) for operation in scan(content) or [])


def test_marks_rewritten_by_pattern_must_be_every_mcid_of_the_page_once():
    artifact = {1: PAGINATION}
    plain = b"/P <</MCID 0>> BDC <0041> Tj EMC\n/Span\n<</MCID 1>>\nBDC\n<0041> Tj\nEMC"
    assert rewrite_marks(plain, artifact, 2) == (
        b"/P <</MCID 0>> BDC <0041> Tj EMC\n/Artifact << /Type /Pagination >> BDC\n<0041> Tj\nEMC")
    assert rewrite_marks(plain, artifact, 3) is None  # an MCID of the page was not found
    in_a_string = plain + b" (/P <</MCID 1>> BDC ) Tj"  # a literal string may hold a mark: not plain
    assert rewrite_marks(in_a_string, artifact, 2) is None


def test_a_stream_that_is_not_plain_is_rewritten_by_parsing_it():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(b"/P <</MCID 0>> BDC (a) Tj EMC /P <</MCID 1>> BDC (b) Tj EMC")
    contentstream.mark_artifacts(pdf, pdf.pages[0], {1: PAGINATION}, 2)
    assert marked_content(pdf.pages[0]) == (0, [0])
    assert b"/Artifact << /Type /Pagination >> BDC" in pdf.pages[0].Contents.read_bytes()
