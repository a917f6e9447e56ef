"""Preflight: what a print shop checks before printing, read from the finished PDF with pikepdf.

Page boxes and bleed, page count, fonts, colour spaces of every paint operator and image,
each raster image's effective resolution at the size it is placed, total ink (CMYK), and
transparency. Findings are errors (the file is not fit to print) or warnings.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Matrix

from folderpers.checks.findings import Finding, Severity
from folderpers.errors import Location
from folderpers.pdf.fonts import font_name, is_embedded, page_fonts
from folderpers.pdf.units import MM_PER_PT

MIN_BLEED_MM = 3.0
WARN_PPI, MIN_PPI = 300, 150
MAX_INK = 300  # percent; a common limit for coated paper
_DEVICE_OPERATORS = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK",
                     "g": "DeviceGray", "G": "DeviceGray"}
_SUBSET = re.compile(r"^[A-Z]{6}\+")


@dataclass
class PreflightReport:
    file: str
    sha256: str
    pages: int
    page_multiple: int
    pdf_x: str | None
    output_intent: str | None
    trim_mm: list[float]
    bleed_mm: dict[str, float]
    media_mm: list[float]
    fonts: list[dict[str, Any]]
    color_spaces: list[str]
    images: list[dict[str, Any]]
    max_total_ink: float | None
    transparency: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [f.message for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[str]:
        return [f.message for f in self.findings if f.severity == "warning"]

    def summary(self) -> str:
        embedded = sum(1 for font in self.fonts if font["embedded"])
        lowest = min((image["ppi"] for image in self.images), default=None)
        condition = f" for {self.output_intent}" if self.output_intent else ""
        return (f"preflight: {self.pdf_x or 'PDF (not PDF/X)'}{condition} · {self.pages} pages"
                f"{' (x' + str(self.page_multiple) + ')' if self.page_multiple > 1 else ''} · "
                f"trim {self.trim_mm[0]:g} x {self.trim_mm[1]:g} mm · bleed {min(self.bleed_mm.values()):g} mm · "
                f"fonts {embedded}/{len(self.fonts)} embedded · colours {', '.join(self.color_spaces) or 'none'} · "
                f"images {len(self.images)}{f' (lowest {lowest:g} ppi)' if lowest else ''} · "
                f"max ink {f'{self.max_total_ink:g} %' if self.max_total_ink is not None else 'n/a'} · "
                f"{'transparency' if self.transparency else 'no transparency'}")

    def to_json(self) -> bytes:
        data = asdict(self)
        data["findings"] = [{"severity": finding.severity, "message": finding.message} for finding in self.findings]
        return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def preflight(data: bytes, name: str, page_multiple: int = 4, expect_condition: str | None = None) -> PreflightReport:
    """The preflight report of the PDF `data` (named `name`); `expect_condition`: the printing condition
    (OutputConditionIdentifier, e.g. FOGRA39) of a CMYK PDF/X file, None for an RGB or unknown file."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        scan = _Scan()
        for number, page in enumerate(pdf.pages, 1):
            scan.page(page, number)
        first = pdf.pages[0].obj
        trim = _box(first.get("/TrimBox"))
        media = _box(pdf.pages[0].mediabox)  # also when the page inherits it
        bleed_box = _box(first.get("/BleedBox", pdf.pages[0].mediabox))
        report = PreflightReport(
            file=name,
            sha256=hashlib.sha256(data).hexdigest(),
            pages=len(pdf.pages),
            page_multiple=page_multiple,
            pdf_x=_pdf_x(pdf),
            output_intent=_output_intent(pdf),
            trim_mm=_size_mm(trim),
            bleed_mm=_bleed_mm(trim, bleed_box),
            media_mm=_size_mm(media),
            fonts=sorted(scan.fonts.values(), key=lambda font: font["name"]),
            color_spaces=sorted(scan.spaces),
            images=scan.images,
            max_total_ink=round(scan.max_ink, 1) if scan.max_ink is not None else None,
            transparency=scan.transparency,
        )
        report.findings = _findings(report, pdf, expect_condition)
        return report


def _findings(report: PreflightReport, pdf: pikepdf.Pdf, expect_condition: str | None) -> list[Finding]:
    expect_cmyk = expect_condition is not None
    findings: list[Finding] = []
    location = Location(Path(report.file))

    def finding(severity: Severity, message: str) -> Finding:
        return Finding("preflight", severity, location, message)
    if report.page_multiple > 1 and report.pages % report.page_multiple:
        findings.append(finding("error", f"{report.pages} pages: a saddle-stitched booklet needs a multiple of "
                                         f"{report.page_multiple}"))
    sizes = {tuple(round(v, 1) for v in _box(page.obj.get("/TrimBox")) or ()) for page in pdf.pages}
    if () in sizes:
        findings.append(finding("error", "a page has no TrimBox (finished size)"))
    elif len({(round(b[2] - b[0]), round(b[3] - b[1])) for b in sizes}) > 1:
        findings.append(finding("error", "pages have different finished sizes"))
    if report.bleed_mm and min(report.bleed_mm.values()) < MIN_BLEED_MM - 0.05:
        findings.append(finding("error", f"bleed is {min(report.bleed_mm.values()):g} mm; print needs "
                                         f"{MIN_BLEED_MM:g} mm"))
    for font in report.fonts:
        if not font["embedded"]:
            findings.append(finding("error", f"font {font['name']} is not embedded"))
    for image in report.images:
        where = f"image {image['name']} on page {image['page']}"
        if image["ppi"] < MIN_PPI:
            findings.append(finding("error", f"{where} has {image['ppi']:g} ppi at its placed size; at least "
                                             f"{MIN_PPI} needed, {WARN_PPI} wanted"))
        elif image["ppi"] < WARN_PPI:
            findings.append(finding("warning", f"{where} has {image['ppi']:g} ppi at its placed size; "
                                               f"{WARN_PPI} wanted"))
    if expect_cmyk and not report.output_intent:
        findings.append(finding("error", "no output intent: PDF/X needs the printing condition's ICC profile"))
    elif expect_cmyk and report.output_intent != expect_condition:
        findings.append(finding("error", f"the output intent names {report.output_intent}, not the printing "
                                         f"condition {expect_condition}"))
    rgb = [space for space in report.color_spaces if "RGB" in space]
    if expect_cmyk and rgb:
        findings.append(finding("error", f"RGB colour ({', '.join(rgb)}) in a CMYK print file"))
    elif not expect_cmyk and rgb:
        findings.append(finding("warning", "colours are RGB, so the file is not PDF/X-4: the print shop "
                                           "converts them; give the institution's CMYK brand colours "
                                           "('colors: cmyk:') for a PDF/X-4 file in CMYK"))
    if report.max_total_ink is not None and report.max_total_ink > MAX_INK:
        findings.append(finding("warning",
                                f"total ink reaches {report.max_total_ink:g} %, above {MAX_INK} %"))
    if report.transparency:
        findings.append(finding("warning", "the file uses transparency; ask the print shop whether their RIP "
                                           "flattens it"))
    return findings


class _Scan:
    """Walks content streams (and the forms they draw) tracking the CTM and colour state."""

    def __init__(self) -> None:
        self.fonts: dict[str, dict[str, Any]] = {}
        self.spaces: set[str] = set()
        self.images: list[dict[str, Any]] = []
        self.max_ink: float | None = None
        self.transparency = False
        self._seen_forms: set[tuple[int, int]] = set()

    def page(self, page: pikepdf.Page, number: int) -> None:
        self._content(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()), Matrix(), number)

    def _content(self, source, resources, ctm: Matrix, number: int) -> None:
        self._resources(resources)
        stack, fill_space, stroke_space = [], "DeviceGray", "DeviceGray"
        for instruction in pikepdf.parse_content_stream(source):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                stack.append((ctm, fill_space, stroke_space))
            elif op == "Q" and stack:
                ctm, fill_space, stroke_space = stack.pop()
            elif op == "cm":
                ctm = Matrix(*(float(v) for v in operands)) @ ctm
            elif op in _DEVICE_OPERATORS:
                self.spaces.add(_DEVICE_OPERATORS[op])
                if op in ("k", "K"):
                    self._ink([float(v) for v in operands])
            elif op in ("cs", "CS"):
                space = self._space(operands[0], resources)
                self.spaces.add(space)
                fill_space, stroke_space = (space, stroke_space) if op == "cs" else (fill_space, space)
            elif op in ("sc", "scn", "SC", "SCN"):
                space = fill_space if op in ("sc", "scn") else stroke_space
                if space in ("DeviceCMYK", "ICCBased CMYK") and len(operands) == 4:
                    self._ink([float(v) for v in operands])
            elif op == "Do":
                self._xobject(operands[0], resources, ctm, number)
            elif op == "gs":
                state = resources.get("/ExtGState", {}).get(operands[0])
                if state is not None and _transparent_state(state):
                    self.transparency = True

    def _resources(self, resources) -> None:
        for font in page_fonts(resources):
            name = font_name(font)
            self.fonts[name] = {"name": name, "embedded": is_embedded(font), "subset": bool(_SUBSET.match(name))}

    def _space(self, name, resources) -> str:
        name = str(name)
        if name in ("/DeviceRGB", "/DeviceCMYK", "/DeviceGray", "/Pattern"):
            return name[1:]
        space = resources.get("/ColorSpace", {}).get(name)
        return _describe_space(space) if space is not None else name[1:]

    def _xobject(self, name, resources, ctm: Matrix, number: int) -> None:
        xobject = resources.get("/XObject", {}).get(name)
        if xobject is None:
            return
        if xobject.get("/Subtype") == "/Image":
            self._image(str(name).lstrip("/"), xobject, ctm, number)
        elif xobject.get("/Subtype") == "/Form":
            group = xobject.get("/Group")
            if group is not None and group.get("/S") == "/Transparency":
                self.transparency = True
            matrix = Matrix(*(float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])))
            self._content(xobject, xobject.get("/Resources", resources), matrix @ ctm, number)

    def _image(self, name: str, image, ctm: Matrix, number: int) -> None:
        if image.get("/ImageMask"):
            return
        space = _describe_space(image.get("/ColorSpace"))
        self.spaces.add(space)
        if "/SMask" in image:
            self.transparency = True
        width_pt, height_pt = math.hypot(ctm.a, ctm.b), math.hypot(ctm.c, ctm.d)
        pixels = (int(image.Width), int(image.Height))
        ppi = (min(pixels[0] / (width_pt / 72), pixels[1] / (height_pt / 72))
               if width_pt and height_pt else 0)
        self.images.append({"page": number, "name": name, "pixels": list(pixels), "color_space": space,
                            "placed_mm": [round(width_pt * MM_PER_PT, 1), round(height_pt * MM_PER_PT, 1)],
                            "ppi": round(ppi)})
        if "CMYK" in space:
            self._image_ink(image)

    def _image_ink(self, image) -> None:
        picture = pikepdf.PdfImage(image).as_pil_image()
        if picture.mode == "CMYK":
            picture.thumbnail((256, 256))
            data = picture.tobytes()
            self._ink([max(sum(data[i:i + 4]) for i in range(0, len(data), 4)) / 255 / 4] * 4)

    def _ink(self, values: list[float]) -> None:
        if min(values) >= 0.999:  # registration colour: crop marks, outside the printed page
            return
        total = sum(values) * 100
        self.max_ink = total if self.max_ink is None else max(self.max_ink, total)


def _describe_space(space) -> str:
    if space is None:
        return "none"
    if isinstance(space, pikepdf.Name):
        return str(space)[1:]
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])[1:]
        if family == "ICCBased":
            components = int(space[1].get("/N", 0))
            return "ICCBased " + {1: "Gray", 3: "RGB", 4: "CMYK"}.get(components, str(components))
        if family == "Indexed":
            return "Indexed " + _describe_space(space[1])
        return family
    return str(space)


def _transparent_state(state) -> bool:
    alpha = [float(state.get(key, 1)) for key in ("/CA", "/ca")]
    soft_mask = state.get("/SMask")
    blend = state.get("/BM")
    return (min(alpha) < 1 or (soft_mask is not None and soft_mask != pikepdf.Name.None_)
            or (blend is not None and str(blend) not in ("/Normal", "/Compatible")))


def _size_mm(box: list[float] | None) -> list[float]:
    return [round((box[2] - box[0]) * MM_PER_PT, 1), round((box[3] - box[1]) * MM_PER_PT, 1)] if box else []


def _box(box) -> list[float] | None:
    return [float(value) for value in box] if box is not None else None


def _bleed_mm(trim, bleed) -> dict[str, float]:
    if not trim or not bleed:
        return {}
    return {"left": round((trim[0] - bleed[0]) * MM_PER_PT, 2), "bottom": round((trim[1] - bleed[1]) * MM_PER_PT, 2),
            "right": round((bleed[2] - trim[2]) * MM_PER_PT, 2), "top": round((bleed[3] - trim[3]) * MM_PER_PT, 2)}


def _pdf_x(pdf: pikepdf.Pdf) -> str | None:
    xmp = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
    version = xmp.get("{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion")
    return str(version) if version else None


def _output_intent(pdf: pikepdf.Pdf) -> str | None:
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        return None
    return str(intents[0].get("/OutputConditionIdentifier", "")) or None
