"""Print output on real files: boxes, bleed, crop marks, x4 pages, CMYK/PDF-X-4, booklet order, preflight."""

from __future__ import annotations

import hashlib
import json
import re
import struct
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from folderpers.build.pipeline import build
from folderpers.prepress.colors import CmykConverter
from folderpers.prepress.conditions import CONDITIONS, DEFAULT, reproducible
from folderpers.prepress.imposition import booklet_order
from folderpers.project import Project
from folderpers.source.load import load_folder, load_institution
from folderpers.source.schemas import SchemaSet

from support import MINIMAL_FOLDER, REPO, heard_build, options

MM = 72 / 25.4
PROJECT = Project(REPO)
SCHEMAS = SchemaSet(PROJECT.schemas)
FOLDERS = {source.parent.name: load_folder(source, SCHEMAS) for source in PROJECT.folder_sources()}
INSTITUTIONS = {source.parent.name: load_institution(source, SCHEMAS) for source in PROJECT.institution_sources()}
PUBLICATIONS = [(slug, institution) for slug, folder in FOLDERS.items() for institution in INSTITUTIONS
                if folder.published_by(institution)]


def print_files(dist: Path, slug: str, institution: str) -> dict[str, Path]:
    folder = FOLDERS[slug]
    stem = dist / institution / "print" / f"{INSTITUTIONS[institution].code_prefix}-{folder.code}_v{folder.version}_{slug}"
    return {"pdf": Path(f"{stem}.pdf"), "booklet": Path(f"{stem}_booklet.pdf"),
            "preflight": Path(f"{stem}_preflight.json"), "screen": dist / institution / f"{slug}.pdf"}


def text(path: Path, page: int, box: tuple[float, float, float, float] | None = None) -> str:
    """pdftotext of one page (1-based), optionally only the box (x, y from the top-left, w, h) in points."""
    crop = [] if box is None else ["-x", str(round(box[0])), "-y", str(round(box[1])), "-W", str(round(box[2])),
                                   "-H", str(round(box[3])), "-r", "72"]
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), *crop, str(path), "-"],
                          capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize("slug, institution", PUBLICATIONS)
def test_boxes_bleed_and_page_count(dist, slug, institution):
    files = print_files(dist, slug, institution)
    with pikepdf.open(files["pdf"]) as pdf, pikepdf.open(files["screen"]) as screen:
        assert len(pdf.pages) % 4 == 0
        assert len(pdf.pages) == len(screen.pages) + (-len(screen.pages) % 4)
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            media = [float(v) for v in page.obj.MediaBox]
            assert (round((trim[2] - trim[0]) / MM), round((trim[3] - trim[1]) / MM)) == (148, 210)
            assert [round((a - b) / MM, 2) for a, b in zip(trim[:2], bleed[:2], strict=True)] == [3.0, 3.0]
            assert [round((b - a) / MM, 2) for a, b in zip(trim[2:], bleed[2:], strict=True)] == [3.0, 3.0]
            assert all((t - m) / MM >= 3 + 5 for t, m in zip(trim[:2], media[:2], strict=True))  # room for the crop marks
    # the padding sits before the back cover, the text keeps its pages
    pages = len(pikepdf.open(files["pdf"]).pages)
    screen_pages = len(pikepdf.open(files["screen"]).pages)
    institution_name = INSTITUTIONS[institution].name
    assert institution_name in text(files["pdf"], pages) and "Notities" not in text(files["pdf"], pages)
    if pages > screen_pages:
        assert text(files["pdf"], screen_pages).startswith("Notities")
        for blank in range(screen_pages + 1, pages):
            assert text(files["pdf"], blank) == ""
    for number in (1, screen_pages - 1):  # the same page, but "pagina 1 van 12" counts the padding pages
        total = re.compile(r"(pagina \d+ van) \d+")
        assert total.sub(r"\1", text(files["pdf"], number)) == total.sub(r"\1", text(files["screen"], number))
        assert f"van {pages}" in text(files["pdf"], number)


def test_cmyk_institution_gets_pdf_x4_with_only_cmyk(dist):
    files = print_files(dist, "vertebroplastiek", "westerhaven")
    with pikepdf.open(files["pdf"]) as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and int(intent.DestOutputProfile.N) == 4
        assert (intent.OutputConditionIdentifier, intent.RegistryName) == ("FOGRA39", "http://www.color.org")
        assert intent.DestOutputProfile.read_bytes() == DEFAULT.profile.read_bytes()
        assert pdf.open_metadata().get("{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion") == "PDF/X-4"
        assert pdf.docinfo.Trapped == "/False"
    report = json.loads(files["preflight"].read_text())
    assert report["pdf_x"] == "PDF/X-4" and report["color_spaces"] == ["DeviceCMYK"]
    assert report["output_intent"] == "FOGRA39"
    assert report["findings"] == [] and 150 < report["max_total_ink"] <= 300
    assert all(font["embedded"] for font in report["fonts"])


def test_rgb_institution_stays_rgb_with_a_warning(dist):
    report = json.loads(print_files(dist, "vertebroplastiek", "meerzicht")["preflight"].read_text())
    assert report["pdf_x"] is None and "DeviceRGB" in report["color_spaces"]
    assert [f["severity"] for f in report["findings"]] == ["warning"]
    assert "CMYK" in report["findings"][0]["message"]


def test_brand_colours_use_the_institutions_own_cmyk_values(dist):
    files = print_files(dist, "vertebroplastiek", "westerhaven")
    with pikepdf.open(files["pdf"]) as pdf:
        fills = {tuple(round(float(v), 2) for v in operands) for operands, op in pikepdf.parse_content_stream(pdf.pages[0])
                 if str(op) == "scn" and len(operands) == 4}
    assert (1.0, 0.62, 0.12, 0.38) in fills  # cover band: primary [100, 62, 12, 38] from institution.yaml


@pytest.mark.parametrize("slug, institution", [("vertebroplastiek", "westerhaven"), ("rugklachten", "meerzicht")])
def test_rendered_pages_show_crop_marks_outside_and_colour_inside_the_bleed(dist, tmp_path, slug, institution):
    files = print_files(dist, slug, institution)
    subprocess.run(["pdftoppm", "-png", "-r", "144", "-f", "1", "-l", "1", str(files["pdf"]), str(tmp_path / "p")],
                   check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    scale = 144 / 25.4  # pixels per mm
    slug_mm = (image.width / scale - 148) / 2
    trim_left, trim_top = slug_mm, slug_mm

    def dark(x_mm, y_mm):
        return image.getpixel((round(x_mm * scale), round(y_mm * scale))) < 128

    # top-left crop mark: a horizontal stroke on the trim line, 3..8 mm left of the trim edge; none inside the bleed
    assert any(dark(trim_left - d, trim_top) or dark(trim_left - d, trim_top + 0.1) for d in (4, 5, 6, 7))
    assert not any(dark(trim_left - d, trim_top) for d in (0.5, 1.5, 2.5))  # the marks stay out of the bleed
    # the cover band runs 3 mm into the bleed: coloured just outside the trim edge, white beyond the bleed
    band_y = trim_top + 45  # well inside the cover band
    assert image.getpixel((round((trim_left - 1.5) * scale), round(band_y * scale))) < 200
    assert image.getpixel((round((trim_left - 4.5) * scale), round(band_y * scale))) > 250


@pytest.mark.parametrize("slug, institution", PUBLICATIONS)
def test_booklet_is_two_up_in_saddle_stitch_order(dist, slug, institution):
    files = print_files(dist, slug, institution)
    with pikepdf.open(files["pdf"]) as pdf:
        pages = len(pdf.pages)
        trim = [float(v) for v in pdf.pages[0].obj.TrimBox]
        media = [float(v) for v in pdf.pages[0].obj.MediaBox]
    with pikepdf.open(files["booklet"]) as booklet:
        assert len(booklet.pages) == pages // 2
        assert [round(float(v)) for v in booklet.pages[0].mediabox] == [0, 0, 842, 595]  # A4 landscape
    width, height = trim[2] - trim[0], trim[3] - trim[1]
    inside = (trim[0] - media[0], media[3] - trim[3], width, height)  # the trim area within a print page
    for side, (left, right) in enumerate(booklet_order(pages), 1):
        for slot, number in enumerate((left, right)):
            x = slot * 841.89 / 2 + (841.89 / 2 - width) / 2
            assert text(files["booklet"], side, (x + 1, (595.28 - height) / 2 + 1, width - 2, height - 2)) == \
                text(files["pdf"], number, (inside[0] + 1, inside[1] + 1, width - 2, height - 2)), \
                f"sheet side {side}, slot {slot} should be page {number}"


@pytest.mark.parametrize("slug, institution", PUBLICATIONS)
def test_the_booklet_holds_each_font_and_image_once_and_is_about_the_size_of_its_print_pdf(dist, slug, institution):
    files = print_files(dist, slug, institution)
    assert files["booklet"].stat().st_size <= 1.2 * files["pdf"].stat().st_size
    with pikepdf.open(files["booklet"]) as booklet:
        font_files = [obj for obj in booklet.objects if isinstance(obj, pikepdf.Dictionary)
                      and obj.get("/Type") == "/FontDescriptor"]
        assert font_files and len({bytes(descriptor.FontName) for descriptor in font_files}) == len(font_files)
        for sheet in booklet.pages:  # each page placed as a form, clipped to its trim box
            forms = list(sheet.Resources.XObject.values())
            assert len(forms) == 2 and all(form.Subtype == "/Form" for form in forms)


def test_booklet_order():
    assert booklet_order(4) == [(4, 1), (2, 3)]
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    with pytest.raises(ValueError, match="multiple of 4"):
        booklet_order(6)


def test_preflight_report_is_printed_and_stored_beside_the_pdf(example_build):
    dist, report = example_build
    outcome = next(o for o in report.outcomes if o.subject.endswith("ZWH-RAD-014_v2.1_vertebroplastiek.pdf"))
    assert outcome.notes and outcome.notes[0].startswith(
        "preflight: PDF/X-4 for FOGRA39 · 12 pages (x4) · trim 148 x 210 mm · bleed 3 mm")
    stored = json.loads(print_files(dist, "vertebroplastiek", "westerhaven")["preflight"].read_text())
    assert stored["pages"] == 12 and stored["bleed_mm"] == {"left": 3.0, "bottom": 3.0, "right": 3.0, "top": 3.0}
    assert stored["trim_mm"] == [148.0, 210.0] and stored["file"] == "ZWH-RAD-014_v2.1_vertebroplastiek.pdf"


def write_png(path: Path, pixels: int) -> None:
    image = Image.new("RGB", (pixels, pixels), (200, 80, 60))
    for x in range(pixels):  # some detail, so that the image is not a flat colour
        image.putpixel((x, x), (20, 20, 20))
    image.save(path)


@pytest.mark.parametrize("pixels, outcome", [(1600, "ok"), (1000, "warning"), (500, "error")])
def test_raster_images_are_checked_at_their_placed_size(tmp_project, pixels, outcome):
    folder = tmp_project.folder("foto", MINIMAL_FOLDER + "  - figure: foto.png\n    alt: Een foto.\n    size: full\n")
    write_png(folder.parent / "foto.png", pixels)  # placed 120 mm wide: 1600 px = 339 ppi, 1000 = 212, 500 = 106
    report = build(tmp_project.project, options(formats=("print",), institutions=("alpha",)))
    preflight_files = list((tmp_project.root / "dist/alpha/print").glob("*_preflight.json"))
    if outcome == "error":
        assert not report.ok and not preflight_files
        failure = report.failures[0]
        assert "ppi at its placed size; at least 150 needed" in str(failure.problems[0])
        return
    data = json.loads(preflight_files[0].read_text())
    [image] = data["images"]
    assert image["pixels"] == [pixels, pixels]
    expected_ppi = pixels / (image["placed_mm"][0] / 25.4)
    assert abs(image["ppi"] - expected_ppi) <= 1
    messages = [f["message"] for f in data["findings"] if "ppi" in f["message"]]
    assert (messages == []) if outcome == "ok" else ("300 wanted" in messages[0])


def test_raster_images_become_cmyk_for_a_cmyk_institution(tmp_project):
    folder = tmp_project.folder("foto", MINIMAL_FOLDER + "  - figure: foto.png\n    alt: Een foto.\n    size: small\n")
    write_png(folder.parent / "foto.png", 1200)
    assert build(tmp_project.project, options(formats=("print",), institutions=("beta",))).ok
    data = json.loads(next((tmp_project.root / "dist/beta/print").glob("*_preflight.json")).read_text())
    assert data["pdf_x"] == "PDF/X-4" and data["images"][0]["color_space"] == "DeviceCMYK"
    assert data["color_spaces"] == ["DeviceCMYK"] and data["findings"] == []


def test_transparency_is_reported(tmp_project):
    folder = tmp_project.folder("doorzichtig", MINIMAL_FOLDER + "  - figure: vlak.svg\n    alt: Twee vlakken.\n")
    (folder.parent / "vlak.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 50'><rect width='60' height='50' fill='#c33'/>"
        "<rect x='40' width='60' height='50' fill='#33c' opacity='0.5'/></svg>")
    report = heard_build(tmp_project.project, options(formats=("print",), institutions=("beta",)))
    outcome = next(o for o in report.outcomes if o.subject.endswith("doorzichtig.pdf"))
    assert "the file uses transparency; ask the print shop whether their RIP flattens it" in outcome.warnings


def test_cmyk_conversion():
    converter = CmykConverter(DEFAULT.profile, fixed=(("#1f4e79", (1.0, 0.62, 0.12, 0.38)),))
    assert converter.cmyk("#1F4E79") == (1.0, 0.62, 0.12, 0.38)
    assert converter.cmyk("#000") == (0.0, 0.0, 0.0, 1.0) and converter.cmyk("#808080") == (0.0, 0.0, 0.0, 0.498)
    c, m, y, _ = converter.cmyk("#b3001b")
    assert m > 0.9 and y > 0.8 and c < 0.3  # a red stays red
    assert converter.rewrite('<rect fill="white" stroke="#000"/>') == (
        '<rect fill="device-cmyk(0.000 0.000 0.000 0.000)" stroke="device-cmyk(0.000 0.000 0.000 1.000)"/>')


def test_an_institution_chooses_its_printing_condition(tmp_project):
    """FOGRA29 (uncoated) instead of the default FOGRA39; its profile is built once, as set-up does."""
    from folderpers.prepress.conditions import main as build_profiles
    assert build_profiles(["FOGRA29"]) == 0
    source = tmp_project.root / "institutions/beta/institution.yaml"
    source.write_text(source.read_text() + "print_condition: FOGRA29\n")
    tmp_project.folder("demo")
    assert build(tmp_project.project, options(formats=("print",), institutions=("beta",))).ok
    pdf_path = next(p for p in (tmp_project.root / "dist/beta/print").glob("*.pdf") if "_booklet" not in p.name)
    with pikepdf.open(pdf_path) as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert intent.OutputConditionIdentifier == "FOGRA29" and "Uncoated" in str(intent.Info)
        assert intent.DestOutputProfile.read_bytes() == CONDITIONS["FOGRA29"].profile.read_bytes()
    data = json.loads(next((tmp_project.root / "dist/beta/print").glob("*_preflight.json")).read_text())
    assert data["output_intent"] == "FOGRA29" and data["findings"] == []


def test_the_profiles_are_reproducible_icc_files():
    profile = DEFAULT.profile.read_bytes()
    assert profile[36:40] == b"acsp" and profile[12:20] == b"prtrCMYK"  # an output profile for CMYK
    assert reproducible(profile) == profile  # fixed date, ID already computed
    hashed = bytearray(profile)  # ICC.1:2010 7.2.18: MD5 with flags, rendering intent and ID zeroed
    hashed[44:48], hashed[64:68], hashed[84:100] = bytes(4), bytes(4), bytes(16)
    assert profile[84:100] == hashlib.md5(bytes(hashed)).digest()
    another_day = bytearray(profile)
    another_day[24:36] = struct.pack(">6H", 2031, 7, 4, 12, 30, 5)  # as colprof writes the time it ran
    assert reproducible(bytes(another_day)) == profile
