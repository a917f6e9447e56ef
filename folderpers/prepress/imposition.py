"""Booklet imposition for office printing: 2-up spreads in saddle-stitch order, with pypdf.

Pages 1..n (n a multiple of 4) go onto n/4 sheets of double width, printed duplex (flip on the
short edge), stacked, folded and stapled in the middle. Sheet s (from 0) carries
    front: n-2s | 2s+1        back: 2s+2 | n-2s-1
so that sheet 0 holds the back cover and the front cover. Each page is placed by its TrimBox and
clipped to it: bleed and crop marks stay outside.
"""

from __future__ import annotations

import io

import pikepdf
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import RectangleObject

from folderpers.pdf.finish import save

# Sheets that hold two pages of a standard size side by side: A5 on A4, A4 on A3 (in points).
_SHEETS = {(420, 595): (841.89, 595.28), (595, 842): (1190.55, 841.89)}


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page numbers (1-based) of each sheet side, in printing order."""
    if pages % 4:
        raise ValueError(f"a booklet needs a multiple of 4 pages, not {pages}")
    order = []
    for sheet in range(pages // 4):
        order.append((pages - 2 * sheet, 2 * sheet + 1))
        order.append((2 * sheet + 2, pages - 2 * sheet - 1))
    return order


def impose_booklet(data: bytes, title: str) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    trim = reader.pages[0].trimbox
    width, height = float(trim.width), float(trim.height)
    sheet_width, sheet_height = _SHEETS.get((round(width), round(height)), (2 * width, height))
    writer = PdfWriter()
    for left, right in booklet_order(len(reader.pages)):
        sheet = writer.add_blank_page(sheet_width, sheet_height)
        for slot, number in enumerate((left, right)):
            page = reader.pages[number - 1]
            box = page.trimbox
            page.mediabox = RectangleObject(box)  # the merge clips to it
            x = slot * sheet_width / 2 + (sheet_width / 2 - width) / 2 - float(box.left)
            y = (sheet_height - height) / 2 - float(box.bottom)
            sheet.merge_transformed_page(page, Transformation().translate(x, y))
    writer.add_metadata({"/Title": title})
    output = io.BytesIO()
    writer.write(output)
    # pypdf gives every file a new /ID; re-save with one derived from the content (reproducible).
    with pikepdf.open(io.BytesIO(output.getvalue())) as pdf:
        return save(pdf)
