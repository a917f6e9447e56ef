"""Booklet imposition for office printing: 2-up spreads in saddle-stitch order, with pikepdf.

Pages 1..n (n a multiple of 4) go onto n/4 sheets of double width, printed duplex (flip on the
short edge), stacked, folded and stapled in the middle. Sheet s (from 0) carries
    front: n-2s | 2s+1        back: 2s+2 | n-2s-1
so that sheet 0 holds the back cover and the front cover. Each page is placed by its TrimBox and
clipped to it: bleed and crop marks stay outside.
"""

from __future__ import annotations

import io

import pikepdf

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
    """The print PDF `data` imposed as a booklet. Each page becomes a form XObject (clipped to its
    TrimBox by the form's bounding box) placed on its sheet: fonts, images and the colour profile
    are copied once for the whole booklet, so it is about the size of the print PDF."""
    with pikepdf.open(io.BytesIO(data)) as source, pikepdf.new() as booklet:
        first = [float(value) for value in source.pages[0].trimbox]
        width, height = first[2] - first[0], first[3] - first[1]
        sheet_width, sheet_height = _SHEETS.get((round(width), round(height)), (2 * width, height))
        for left, right in booklet_order(len(source.pages)):
            forms, placements = pikepdf.Dictionary(), []
            for slot, number in enumerate((left, right)):
                page = source.pages[number - 1]
                box = [float(value) for value in page.trimbox]
                # copy_foreign keeps one copy of objects pages share (fonts, images, ICC profile)
                forms[f"/Page{slot}"] = booklet.copy_foreign(page.as_form_xobject())
                x = slot * sheet_width / 2 + (sheet_width / 2 - width) / 2 - box[0]
                y = (sheet_height - height) / 2 - box[1]
                placements.append(f"q 1 0 0 1 {x:.4f} {y:.4f} cm /Page{slot} Do Q")
            sheet = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, sheet_width, sheet_height],
                                       Resources=pikepdf.Dictionary(XObject=forms),
                                       Contents=booklet.make_stream("\n".join(placements).encode("ascii")))
            booklet.pages.append(pikepdf.Page(sheet))
        booklet.docinfo[pikepdf.Name.Title] = title
        result = io.BytesIO()
        booklet.save(result, deterministic_id=True, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return result.getvalue()
