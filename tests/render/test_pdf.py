"""HTML to PDF: WeasyPrint's error log fails the output; paper size follows the folder."""

import io

import pikepdf
import pytest

from folderpers.build.pipeline import build
from folderpers.errors import Location, RenderError
from folderpers.project import Project
from folderpers.render.pdf import PdfRenderer

from support import MINIMAL_FOLDER, REPO, options

PAGE = '<html lang="nl"><head><title>T</title></head><body><h1>T</h1>{}</body></html>'


class _Renderer:
    """The renderer with the project's PDF stylesheets, as the screen PDF writer uses it."""

    def __init__(self):
        self.pdf = PdfRenderer(Project(REPO))

    def render(self, html, base, roots, source):
        sheets = [self.pdf.stylesheet("folder.css"), self.pdf.stylesheet("pdf.css")]
        return self.pdf.render(html, base, roots, source, sheets)


@pytest.fixture(scope="module")
def renderer():
    return _Renderer()


def test_an_image_without_alt_text_fails_the_output(renderer, tmp_path):
    (tmp_path / "a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>")
    html = PAGE.format(f'<img src="{(tmp_path / "a.svg").as_uri()}">')
    with pytest.raises(RenderError) as caught:
        renderer.render(html, tmp_path, (tmp_path,), Location(tmp_path / "folder.yaml"))
    assert "folder.yaml: WeasyPrint:" in str(caught.value) and "alt" in str(caught.value).lower()


def test_a_refused_image_fails_the_output_with_the_reason(renderer, tmp_path):
    html = PAGE.format('<img src="file:///etc/passwd" alt="x">')
    with pytest.raises(RenderError, match="refused to load 'file:///etc/passwd'.*outside"):
        renderer.render(html, tmp_path, (tmp_path,), Location(tmp_path / "folder.yaml"))


def test_a_clean_page_renders_as_pdf_ua(renderer, tmp_path):
    pdf = renderer.render(PAGE.format("<p>Hallo</p>"), tmp_path, (tmp_path,), Location(tmp_path / "f.yaml"))
    assert pdf.data.startswith(b"%PDF-") and pdf.pages == 1 and pdf.warnings == ()
    with pikepdf.open(io.BytesIO(pdf.data)) as document, document.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"


def test_a4_is_selectable_per_folder(tmp_project):
    tmp_project.folder("groot", MINIMAL_FOLDER + "paper: A4\n")
    assert build(tmp_project.project, options(institutions=("alpha",), formats=("pdf",))).ok
    with pikepdf.open(tmp_project.root / "dist/alpha/groot.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 595, 842]


def test_a_character_no_font_has_fails_at_its_line_with_its_name(renderer, tmp_path):
    # U+2D68 is unassigned: no font has it; the letter beside it (Tibetan) is drawn by a fallback font
    source = tmp_path / "folder.yaml"
    source.write_text("title: T\nblocks:\n  - text: Hallo \u0f00 en \u2d68\n", "utf-8")
    with pytest.raises(RenderError) as caught:
        renderer.render(PAGE.format("<p>Hallo \u0f00 en \u2d68</p>"), tmp_path, (tmp_path,), Location(source))
    assert [(problem.location.line, problem.location.column, problem.message) for problem in caught.value.problems] == [
        (3, 22, "no installed font has the character '\\u2d68' (U+2D68 unnamed character): it would print as an "
                "empty box")]
