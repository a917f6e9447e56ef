"""What each WeasyPrint patch changes: the same document written with and without it."""

from __future__ import annotations

import contextlib
import io
import subprocess

import pikepdf
import pytest

from folderpers.errors import EngineError, Location
from folderpers.project import Project
from folderpers.render import weasyprint_patches
from folderpers.render.pdf import PdfRenderer

from support import REPO

HTML = """<html lang="nl"><head><title>T</title><style>@page { @bottom-center { content: "pagina " counter(page) } }
</style></head><body><h1>T</h1><p>Bel de polikliniek bij koorts boven 38,5 °C — ’s nachts ook.</p>
<table><tr><th scope="row">Dag 1</th><td>Rust</td></tr></table></body></html>"""


@pytest.fixture(scope="module")
def renderer():
    return PdfRenderer(Project(REPO))


def render(renderer: PdfRenderer, tmp_path) -> bytes:
    return renderer.render(HTML, tmp_path, (tmp_path,), Location(tmp_path / "folder.yaml"),
                           [renderer.stylesheet("folder.css")]).data


def test_another_weasyprint_version_is_refused_before_anything_is_patched(monkeypatch):
    monkeypatch.setattr(weasyprint_patches, "_applied", False)
    monkeypatch.setattr(weasyprint_patches.weasyprint, "__version__", "71.0")
    patched_new = weasyprint_patches.ffi.new
    with pytest.raises(EngineError, match="WeasyPrint 71.0 is installed, but folderpers is made for 70.0"):
        weasyprint_patches.apply()
    assert weasyprint_patches.ffi.new == patched_new  # nothing patched


def test_font_subset_arrays_are_parsed_once_and_the_pdf_is_the_same(renderer, tmp_path, monkeypatch):
    ffi = weasyprint_patches.ffi
    asked: list[str] = []

    def counting(cdecl, init=None):
        asked.append(cdecl)
        return weasyprint_patches._cffi_new(cdecl, init)
    monkeypatch.setattr(ffi, "new", weasyprint_patches.font_subset_arrays_parsed_once(counting))
    patched = render(renderer, tmp_path)
    with_patch = [cdecl for cdecl in asked if isinstance(cdecl, str) and cdecl.startswith("hb_codepoint_t")]
    asked.clear()
    monkeypatch.setattr(ffi, "new", counting)  # cffi's own behaviour
    assert render(renderer, tmp_path) == patched  # same bytes
    without = [cdecl for cdecl in asked if isinstance(cdecl, str) and cdecl.startswith("hb_codepoint_t")]
    assert without and all(cdecl != "hb_codepoint_t[]" for cdecl in without)  # a new C type per size
    assert with_patch and set(with_patch) == {"hb_codepoint_t[]"}  # one C type, parsed once
    array = weasyprint_patches.font_subset_arrays_parsed_once(weasyprint_patches._cffi_new)("hb_codepoint_t[4]", [7, 3])
    assert ffi.typeof(array) == ffi.typeof("hb_codepoint_t[]") and list(array) == [7, 3, 0, 0]


def test_the_structure_tree_hook_sees_every_element_and_completes_it(renderer, tmp_path, monkeypatch):
    from folderpers.pdf import structure
    hooked = render(renderer, tmp_path)

    @__import__("contextlib").contextmanager
    def no_hook(wrap):
        yield
    monkeypatch.setattr(structure, "structure_tree_builder", no_hook)
    plain = render(renderer, tmp_path)

    def header_scopes(data: bytes) -> list:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return [element.get("/A", {}).get("/Scope") for element in _elements(pdf.Root.StructTreeRoot)
                    if element.get("/S") == "/TH"]
    assert header_scopes(hooked) == ["/Row"]  # <th scope="row"> kept (WeasyPrint writes no /Scope)
    assert header_scopes(plain) == [None]


def _elements(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def test_page_references_are_made_once_per_page_added_and_the_pdf_is_the_same(renderer, tmp_path, monkeypatch):
    pydyf = weasyprint_patches.pydyf
    original = weasyprint_patches._pydyf_page_references.fget
    made: list[int] = []

    def counting(pdf):
        made.append(len(pdf.pages["Kids"]) // 3)
        return original(pdf)
    monkeypatch.setattr(weasyprint_patches, "_pydyf_page_references", property(counting))
    patched = render(renderer, tmp_path)
    pages = max(made)
    assert len(made) <= pages  # made again only after a page was added, not at every element
    read_each_time = len(made)
    made.clear()
    monkeypatch.setattr(pydyf.PDF, "page_references", property(counting))  # pydyf's own behaviour
    assert render(renderer, tmp_path) == patched  # same bytes
    assert len(made) > read_each_time  # read for every structure element and link


def test_right_to_left_text_gets_glyphs_mapped_to_their_characters_and_passages_actual_text(renderer, tmp_path):
    """With the patches: a letter's glyph and its mark's glyph each map to their own character
    (WeasyPrint gave the cluster's text to one and nothing to the other), and a left-to-right passage
    in an Arabic line carries /ActualText with bidi marks (pdf/actual_text.py says why)."""
    html = ('<html lang="ar" dir="rtl"><head><title>T</title></head><body style="font-family: Noto Naskh Arabic">'
            '<p>سيخفّ الألم قريباً. اتصل بـ <span dir="ltr">Pijnpoli (088)</span>.</p></body></html>')
    data = renderer.render(html, tmp_path, (tmp_path,), Location(tmp_path / "folder.yaml"), []).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        content = b"".join(page.Contents.read_bytes() for page in pdf.pages)
        fonts = [font for page in pdf.pages for font in page.Resources.Font.values()]
        maps = b"".join(font.ToUnicode.read_bytes() for font in fonts if "/ToUnicode" in font)
    passage = "\u200fPijnpoli (088)\u200e".encode("utf-16-be").hex().upper().encode()
    assert b"/ActualText <FEFF" + passage + b">" in content
    for mark in ("\u0651", "\u064b"):  # shadda, fathatan: each a glyph of its own
        assert f"<{mark.encode('utf-16-be').hex()}>".encode() in maps.lower()


def _render_rtl(renderer: PdfRenderer, tmp_path, language: str, body: str) -> bytes:
    html = (f'<html lang="{language}" dir="rtl"><head><title>T</title></head><body style="font-family: '
            f'Noto Naskh Arabic; font-size: 11pt">{body}</body></html>')
    return renderer.render(html, tmp_path, (tmp_path,), Location(tmp_path / "folder.yaml"), []).data


def _pixels(tmp_path, data: bytes, name: str) -> list[bytes]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "110", "-png", str(path), str(tmp_path / name)], check=True)
    return [image.read_bytes() for image in sorted(tmp_path.glob(f"{name}-*.png"))]


def test_a_zero_width_non_joiner_is_drawn_invisibly_as_the_fonts_glyph(renderer, tmp_path, monkeypatch):
    """Pango draws U+200C as nothing; with the patch it is the font's glyph for it, in text render
    mode 3, mapped to U+200C: extracted, and not seen."""
    body = "<p>این‌ها می‌روند و نمی‌خواهند.</p>"
    patched = _render_rtl(renderer, tmp_path, "fa", body)
    monkeypatch.setattr(weasyprint_patches, "_non_joiner_glyphs", lambda stream, layout, line: iter(()))
    unpatched = _render_rtl(renderer, tmp_path, "fa", body)
    texts = [subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                            check=True).stdout.decode() for data in (patched, unpatched)]
    assert texts[0].count("\u200c") == 3 and "\u200c" not in texts[1]
    with pikepdf.open(io.BytesIO(patched)) as pdf:
        assert b"3 Tr" in b"".join(page.Contents.read_bytes() for page in pdf.pages)
    assert _pixels(tmp_path, patched, "patched") == _pixels(tmp_path, unpatched, "unpatched")


def test_a_right_to_left_line_is_drawn_from_left_to_right(renderer, tmp_path, monkeypatch):
    """The text boxes of an Arabic line with a Dutch name (three boxes) are drawn from the left
    (WeasyPrint drew them in reading order, from the right); the picture is the same."""
    body = '<p>اتصل بـ <span lang="nl" dir="ltr">Pijnpoli</span> اليوم</p>'

    def starts(data: bytes) -> list[float]:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return [float(instruction.operands[4]) for instruction in pikepdf.parse_content_stream(pdf.pages[0])
                    if str(instruction.operator) == "Tm"]

    patched = _render_rtl(renderer, tmp_path, "ar", body)
    monkeypatch.setattr(weasyprint_patches, "drawn_left_to_right", lambda line: contextlib.nullcontext())
    unpatched = _render_rtl(renderer, tmp_path, "ar", body)
    assert len(starts(patched)) == 3
    assert starts(patched) == sorted(starts(patched)) and starts(unpatched) == sorted(starts(patched), reverse=True)
    assert _pixels(tmp_path, patched, "patched") == _pixels(tmp_path, unpatched, "unpatched")
