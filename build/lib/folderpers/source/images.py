"""Images are content too: checked when a folder or institution is loaded.

An SVG is XML that could declare entities (a "billion laughs" bomb, or an external entity that
reads a local file), run scripts in a browser, or pull in other files and URLs. A raster image
could be a decompression bomb. Such files are refused with the reason, before anything renders.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from PIL import Image

MAX_IMAGE_BYTES = 10_000_000
MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000: more than any leaflet needs at 300 ppi
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_SVG_ATTRIBUTES_WITH_URLS = ("href", "{http://www.w3.org/1999/xlink}href", "src")


class ImageRefused(ValueError):
    """The image file may not be used; the message says why."""


def check_image(path: Path) -> None:
    """Raise ImageRefused if `path` is not a safe, self-contained image."""
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise ImageRefused(f"is {size:,} bytes, more than the limit of {MAX_IMAGE_BYTES:,}")
    if path.suffix.lower() == ".svg":
        _check_svg(path.read_bytes())
    else:
        _check_raster(path)


def _check_svg(data: bytes) -> None:
    if _DECLARATION.search(data):
        raise ImageRefused("declares a DOCTYPE or entities, which SVG images may not (they can read other files "
                           "or expand without end)")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ImageRefused(f"is not well-formed XML ({error})") from None
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject"):
            raise ImageRefused(f"contains <{tag}>, which SVG images may not")
        for name in _SVG_ATTRIBUTES_WITH_URLS:
            value = element.get(name, "").strip()
            if value and not value.startswith(("#", "data:")):
                raise ImageRefused(f"refers to {value!r}; an SVG image must be self-contained (embed images as "
                                   f"data: URLs)")
        style = element.get("style", "") + (element.text or "" if tag == "style" else "")
        if re.search(r"url\(\s*['\"]?(?!#|data:)", style):
            raise ImageRefused("refers to an outside file in its CSS (url(...)); an SVG image must be self-contained")


def _check_raster(path: Path) -> None:
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused(f"has {image.width} x {image.height} pixels, more than {MAX_PIXELS:,}")
            image.verify()
    except ImageRefused:
        raise
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for broken files
        raise ImageRefused(f"cannot be read as an image ({error})") from None
