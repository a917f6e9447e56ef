"""CMYK for print: every colour of a print PDF in device-cmyk, converted through one ICC profile.

WeasyPrint converts nothing between RGB and CMYK, and PDF/X-4 with a CMYK output intent allows
no device RGB. So for a CMYK print PDF the colours are rewritten before rendering: the brand
colours take the institution's own CMYK values, every other colour (text, greys, the alarm red,
colours inside SVG images and raster images) goes through the output profile with littleCMS
(Pillow's ImageCms), relative colorimetric. Neutral greys and black go to black ink only
(K), as print shops want for text: no registration fringes, no 300 % ink on body text.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms

# Ghostscript's CMYK output profile, from Debian's libgs-common (installed by set-up).
CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")

_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_SVG_NAMED = re.compile(r"""((?:fill|stroke|stop-color|color|flood-color|lighting-color)\s*[:=]\s*["']?\s*)(black|white)\b""")
_SVG_NAMES = {"black": "#000000", "white": "#ffffff"}

CMYK = tuple[float, float, float, float]  # each 0..1


def _expand(hex_color: str) -> str:
    value = hex_color.lstrip("#").lower()
    return "#" + ("".join(ch * 2 for ch in value) if len(value) == 3 else value)


@lru_cache(maxsize=4)
def _transform(profile: Path):
    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(profile)),
                                   "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


@dataclass(frozen=True)
class CmykConverter:
    """Converts sRGB colours to CMYK through `profile`; `fixed` maps brand colours to given CMYK values."""

    profile: Path = CMYK_PROFILE
    fixed: tuple[tuple[str, CMYK], ...] = ()

    def cmyk(self, hex_color: str) -> CMYK:
        hex_color = _expand(hex_color)
        for known, value in self.fixed:
            if _expand(known) == hex_color:
                return value
        return _convert_pixel(self.profile, hex_color)

    def css(self, hex_color: str) -> str:
        c, m, y, k = self.cmyk(hex_color)
        return f"device-cmyk({c:.3f} {m:.3f} {y:.3f} {k:.3f})"

    def rewrite(self, text: str) -> str:
        """CSS or SVG text with every #rgb/#rrggbb colour (and black/white in SVG paint) as device-cmyk()."""
        text = _SVG_NAMED.sub(lambda match: match.group(1) + _SVG_NAMES[match.group(2)], text)
        return _HEX.sub(lambda match: self.css(match.group(0)), text)

    def image_url(self, path: Path) -> str:
        """An image for the CMYK print PDF, as a data: URL: SVG with CMYK paint, raster as CMYK JPEG."""
        if path.suffix.lower() == ".svg":
            return self.svg_url(path.read_text("utf-8"))
        with Image.open(path) as image:
            rgb = image.convert("RGB")
            dpi = image.info.get("dpi")
        cmyk = ImageCms.applyTransform(rgb, _transform(self.profile))
        assert cmyk is not None  # applyTransform returns None only when told to work in place
        buffer = io.BytesIO()
        cmyk.save(buffer, "JPEG", quality=95, **({"dpi": dpi} if dpi else {}))
        return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

    def svg_url(self, svg: str) -> str:
        """SVG text (a file's, or one made here such as a QR code) with CMYK paint, as a data: URL."""
        root = re.search(r"<svg\b[^>]*>", svg)
        if root and not re.search(r"\sfill\s*=", root.group(0)):  # SVG's default paint is RGB black
            svg = svg[:root.start()] + root.group(0).replace("<svg", '<svg fill="#000000"', 1) + svg[root.end():]
        svg = self.rewrite(svg)
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@lru_cache(maxsize=1024)
def _convert_pixel(profile: Path, hex_color: str) -> CMYK:
    red, green, blue = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    if red == green == blue:  # neutral: black ink only
        return (0.0, 0.0, 0.0, round(1 - red / 255, 3))
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), (red, green, blue)), _transform(profile))
    assert pixel is not None  # applyTransform returns None only when told to work in place
    c, m, y, k = pixel.getpixel((0, 0))  # type: ignore[misc]  # a CMYK pixel: four channels
    return round(c / 255, 3), round(m / 255, 3), round(y / 255, 3), round(k / 255, 3)
