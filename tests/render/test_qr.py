"""QR code on the back cover: it scans to the folder's web version, in the screen PDF and in print
(CMYK and RGB); the address is printed beside it; no QR without a base URL."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from folderpers.build.pipeline import build
from folderpers.source.load import load_folder, load_institution, load_snippets
from folderpers.source.resolve import resolve
from folderpers.source.schemas import SchemaSet
from folderpers.writers import WRITERS

from support import MINIMAL_FOLDER, REPO, options

SCHEMAS = SchemaSet(REPO / "schemas")


def last_page(pdf: Path, tmp_path: Path) -> tuple[Image.Image, str]:
    """The last page as an image (poppler, 150 dpi) and as text."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
    prefix = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", pages, "-l", pages, str(pdf), str(prefix)], check=True)
    text = subprocess.run(["pdftotext", "-f", pages, "-l", pages, str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return Image.open(next(tmp_path.glob(f"{pdf.stem}*.png"))), text


def scanned(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize("path, url", [
    ("westerhaven/vertebroplastiek.pdf", "https://www.ziekenhuiswesterhaven.example/folders/vertebroplastiek.html"),
    # print in CMYK (PDF/X-4): the QR code's black becomes black ink only, and still scans
    ("westerhaven/print/ZWH-RAD-014_v2.1_vertebroplastiek.pdf",
     "https://www.ziekenhuiswesterhaven.example/folders/vertebroplastiek.html"),
    ("meerzicht/print/MMC-PIJN-007_v1.3_rugklachten.pdf", "https://folders.meerzichtmc.example/rugklachten.html"),
])
def test_the_back_cover_qr_code_scans_to_the_web_version(example_build, tmp_path, path, url):
    image, text = last_page(example_build[0] / path, tmp_path)
    assert scanned(image) == [url]
    # the address is printed beside it, without the scheme, possibly broken after a slash
    assert url.split("://")[1] in text.replace("/\n", "/")
    assert "Deze folder online lezen:" in text


def test_no_qr_code_when_the_institution_has_no_base_url(tmp_project, tmp_path):
    tmp_project.folder("demo")
    assert build(tmp_project.project, options(formats=("pdf",))).ok
    dist = tmp_project.root / "dist"
    alpha_image, alpha_text = last_page(dist / "alpha/demo.pdf", tmp_path)  # alpha has no base_url
    assert scanned(alpha_image) == [] and "online" not in alpha_text
    beta_image, beta_text = last_page(dist / "beta/demo.pdf", tmp_path)
    assert scanned(beta_image) == ["https://beta.example/folders/demo.html"] and "online" in beta_text


def test_the_qr_address_is_the_web_pages_stable_name_also_for_translations(tmp_project):
    source = tmp_project.folder("demo", MINIMAL_FOLDER + "language: en\n", name="folder.en.yaml")
    institution = load_institution(tmp_project.root / "institutions/beta/institution.yaml", SCHEMAS)
    publication = resolve(load_folder(source, SCHEMAS), institution, load_snippets(tmp_project.root / "snippets", SCHEMAS))
    web_path = WRITERS["web"](None).paths(publication)[0]
    assert str(web_path) == "beta/demo.en.html"
    assert publication.online_url == f"https://beta.example/folders/{web_path.name}"
