"""First-page thumbnails of PDFs, as PNG, for the index page.

Rendered with pypdfium2 (Google's PDFium, the renderer of Chromium's PDF viewer). The PNG carries
the sha256 of the PDF it shows, so an unchanged PDF keeps its thumbnail without rendering again;
PNG as Pillow writes it holds no date, so the same PDF always gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image, PngImagePlugin

WIDTH = 240  # pixels; shown at 120 CSS pixels, so sharp on high-density screens too
SOURCE_KEY = "folderpers-source-sha256"  # PNG text chunk: which PDF this is a picture of


@dataclass(frozen=True)
class Thumbnail:
    png: bytes
    width: int
    height: int


def render_thumbnail(pdf: bytes, source_sha256: str, width: int = WIDTH) -> Thumbnail:
    """The first page of `pdf`, `width` pixels wide, on white."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width / page.get_width()).to_pil().convert("RGB")
    finally:
        document.close()
    info = PngImagePlugin.PngInfo()
    info.add_text(SOURCE_KEY, source_sha256)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True, pnginfo=info)
    return Thumbnail(buffer.getvalue(), image.width, image.height)


def thumbnail(pdf_path: Path, source_sha256: str, previous: Path) -> Thumbnail:
    """The thumbnail of the PDF at `pdf_path`: `previous` when that was made from the same PDF, else a new one."""
    try:
        with Image.open(previous) as image:
            if getattr(image, "text", {}).get(SOURCE_KEY) == source_sha256:  # PNG text chunks
                return Thumbnail(previous.read_bytes(), image.width, image.height)
    except (OSError, SyntaxError):  # none yet, or not a readable PNG: render it
        pass
    return render_thumbnail(pdf_path.read_bytes(), source_sha256)
