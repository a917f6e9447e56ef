"""Images are content too: checked when a folder or institution is loaded.

An SVG is XML that could declare entities (a "billion laughs" bomb, or an external entity that
reads a local file), run scripts in a browser, or pull in other files and URLs. A raster image
could be a decompression bomb. Such files are refused with the reason, before anything renders.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import unquote_to_bytes
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image

MAX_IMAGE_BYTES = 10_000_000
MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000: more than any leaflet needs at 300 ppi
# What a renderer draws grows with every reference (<use href="#a">, fill="url(#p)") to something
# that refers on: eight levels of ten <use> each are 10^8 elements from 2 KB, and WeasyPrint never
# finishes. Elements are counted as drawn, each reference expanded; cycles are refused.
MAX_SVG_ELEMENTS = 20_000  # in the file
MAX_SVG_DRAWN_ELEMENTS = 50_000  # with every reference expanded
MAX_SVG_DEPTH = 100  # elements and references nested in each other
_SVG_ATTRIBUTES_WITH_URLS = ("href", "{http://www.w3.org/1999/xlink}href", "src")
_LOCAL_REFERENCE = re.compile(r"url\(\s*['\"]?#([^'\")\s]+)")
_DATA_URL = re.compile(r"data:([^,;]*)((?:;[^,;]*)*),(.*)", re.DOTALL)


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
        with path.open("rb") as file:
            _check_raster(file)


def _check_svg(data: bytes) -> None:
    # defusedxml lets expat read the encoding (UTF-16/32 by BOM, encoding declarations) and refuses a
    # DOCTYPE, entities and external references in every one of them.
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImageRefused("declares a DOCTYPE or entities, which SVG images may not (they can read other files "
                           "or expand without end)") from None
    except (ParseError, ValueError) as error:
        raise ImageRefused(f"is not well-formed XML ({error})") from None
    for elements, element in enumerate(root.iter(), start=1):
        if elements > MAX_SVG_ELEMENTS:
            raise ImageRefused(f"has more than {MAX_SVG_ELEMENTS:,} elements; simplify the drawing")
        tag = _name(element.tag)
        if tag in ("script", "foreignObject"):
            raise ImageRefused(f"contains <{tag}>, which SVG images may not")
        for name in _SVG_ATTRIBUTES_WITH_URLS:
            value = element.get(name, "").strip()
            if value.startswith("data:"):
                _check_data_url(value)
            elif value and not value.startswith("#"):
                raise ImageRefused(f"refers to {value!r}; an SVG image must be self-contained (embed images as "
                                   f"data: URLs)")
        style = element.get("style", "") + (element.text or "" if tag == "style" else "")
        if re.search(r"url\(\s*['\"]?(?!#|data:)", style):
            raise ImageRefused("refers to an outside file in its CSS (url(...)); an SVG image must be self-contained")
    _DrawnElements(root).count()


def _name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _check_data_url(url: str) -> None:
    """An embedded image: a raster image is checked as one; an SVG inside an SVG is refused (what it
    draws would multiply with every reference to it, out of reach of the count below)."""
    match = _DATA_URL.match(url)
    if not match:
        raise ImageRefused("embeds a data: URL that cannot be read")
    media_type, parameters, payload = match.group(1).strip().lower(), match.group(2).lower(), match.group(3)
    if not media_type.startswith("image/") or "svg" in media_type:
        raise ImageRefused(f"embeds {media_type or 'text'!r} data; only PNG and JPEG images may be embedded")
    try:
        raw = base64.b64decode(payload) if ";base64" in parameters else unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise ImageRefused("embeds a data: URL that cannot be read") from None
    _check_raster(io.BytesIO(raw))


class _DrawnElements:
    """Counts the elements a renderer draws: each element once where it stands, and the element a
    reference names (href="#id", url(#id)) again, with all it refers to, at every reference."""

    def __init__(self, root: Element):
        self.by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
        self.root = root
        self.drawn: dict[int, int] = {}  # id(element) -> elements drawn for it, once known
        self.open: set[int] = set()  # elements being counted: meeting one again is a cycle

    def count(self) -> int:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 4 * MAX_SVG_DEPTH + 200))
        try:
            return self._count(self.root, 0)
        finally:
            sys.setrecursionlimit(limit)

    def _count(self, element: Element, depth: int) -> int:
        key = id(element)
        if key in self.drawn:
            return self.drawn[key]
        if key in self.open:
            raise ImageRefused(f"refers to itself through '#{element.get('id')}' (a reference cycle)")
        if depth > MAX_SVG_DEPTH:
            raise ImageRefused(f"nests elements and references (<use>, url(#...)) more than {MAX_SVG_DEPTH} deep")
        self.open.add(key)
        total = 1
        for child in element:
            total += self._count(child, depth + 1)
            self._within_limit(total)
        for name in self._references(element):
            target = self.by_id.get(name)
            if target is not None:
                total += self._count(target, depth + 1)
                self._within_limit(total)
        self.open.discard(key)
        self.drawn[key] = total
        return total

    @staticmethod
    def _within_limit(total: int) -> None:
        if total > MAX_SVG_DRAWN_ELEMENTS:
            raise ImageRefused(f"draws more than {MAX_SVG_DRAWN_ELEMENTS:,} elements once its references (<use>, "
                               f"url(#...)) are expanded; simplify the drawing")

    @staticmethod
    def _references(element: Element) -> Iterator[str]:
        for name, value in element.attrib.items():
            if _name(name) == "href" and value.strip().startswith("#"):
                yield value.strip()[1:]
            else:
                yield from _LOCAL_REFERENCE.findall(value)
        if _name(element.tag) == "style" and element.text:
            yield from _LOCAL_REFERENCE.findall(element.text)


def _check_raster(file: IO[bytes]) -> None:
    try:
        with Image.open(file) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused(f"has {image.width} x {image.height} pixels, more than {MAX_PIXELS:,}")
            image.verify()
    except ImageRefused:
        raise
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for broken files
        raise ImageRefused(f"cannot be read as an image ({error})") from None
