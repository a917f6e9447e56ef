"""QR codes for the back cover: a vector (SVG) QR code pointing at the folder's web version.

Made with segno (pure Python, vector output): no raster image, so it stays sharp in print and the
CMYK conversion treats it like any other SVG (its black goes to black ink only).
"""

from __future__ import annotations

import io

import segno

# At least level M (segno raises it when that costs no size): survives about 15 % damage (a crease,
# a coffee stain) and keeps URLs of ~100 characters at a module size a phone reads easily at 25 mm.
ERROR_LEVEL = "m"
QUIET_ZONE = 4  # modules of light margin the QR standard requires around the code


def qr_svg(url: str) -> str:
    """`url` as a QR code: an SVG that sizes to its box (viewBox, no width/height), dark modules black."""
    buffer = io.BytesIO()
    segno.make(url, error=ERROR_LEVEL, micro=False).save(
        buffer, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True, dark="#000000", light=None,
        border=QUIET_ZONE)
    return buffer.getvalue().decode("ascii")
