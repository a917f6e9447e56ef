"""First-page thumbnails of PDFs, as PNG, for the index page.

Made by the screen PDF's writer from the bytes it has just rendered (in the worker that rendered
them), with pypdfium2 (Google's PDFium, the renderer of Chromium's PDF viewer): a thumbnail is an
output of its PDF's task, recorded and published with it. The PNG names the sha256 of the PDF it
shows in a text chunk; PNG as Pillow writes it holds no date, so the same PDF always gives the same
bytes. pypdfium2 and Pillow are imported only to render one: the index page reads a thumbnail's
size from its header.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import PurePosixPath

WIDTH = 240  # pixels; shown at 120 CSS pixels, so sharp on high-density screens too
SOURCE_KEY = "folderpers-source-sha256"  # PNG text chunk: which PDF this is a picture of
THUMBS = "thumbs"  # dist/<institution>/thumbs/<stem>.png
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Thumbnail:
    png: bytes
    width: int
    height: int


def thumbnail_path(pdf: PurePosixPath) -> PurePosixPath:
    """Where the thumbnail of the PDF at `pdf` (relative to dist/) is published."""
    return pdf.parent / THUMBS / pdf.with_suffix(".png").name


def render_thumbnail(pdf: bytes, source_sha256: str, width: int = WIDTH) -> Thumbnail:
    """The first page of `pdf`, `width` pixels wide, on white."""
    import pypdfium2
    from PIL import PngImagePlugin
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width / page.get_width()).to_pil().convert("RGB")
    finally:
        document.close()
    info = PngImagePlugin.PngInfo()
    info.add_text(SOURCE_KEY, source_sha256)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)  # not optimize=True: 7x the time for 1 % fewer bytes
    return Thumbnail(buffer.getvalue(), image.width, image.height)


def png_size(header: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's first 24 bytes (its IHDR chunk), None when it is no PNG."""
    if len(header) < 24 or not header.startswith(_PNG_SIGNATURE) or header[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def shows(png: bytes, pdf_sha256: str) -> bool:
    """Whether `png` is a thumbnail made of the PDF with this sha256 (by its text chunk, as written above)."""
    return png.startswith(_PNG_SIGNATURE) and f"{SOURCE_KEY}\0{pdf_sha256}".encode("latin-1") in png
