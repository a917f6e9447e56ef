"""`build.py check FILE.pdf …`: any PDF, made by folderpers or not, tagged or not, even damaged.

- A print PDF (PDF/X in its metadata, or a page whose TrimBox lies inside its MediaBox: room for
  bleed and marks; WeasyPrint writes TrimBox = MediaBox for every PDF, so a TrimBox alone says
  nothing) gets the print shop's
  preflight (bleed, TrimBox, fonts embedded, colour spaces, total ink, image resolution) and the
  conformance layer for any PDF/A or PDF/UA it claims.
- Any other PDF is a document to read on screen: the conformance layer validates it against
  PDF/UA-1 (the accessibility standard, EN 301 549) and anything else it claims; the house rules
  follow as warnings, since a PDF folderpers did not make need not follow folderpers' house rules.

A file that cannot be read is one `pdf-unreadable` error; nothing here raises on bad input.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pikepdf

from folderpers.checks.conformance import PDF_UA_1, unreadable, validate
from folderpers.checks.findings import Finding
from folderpers.checks.pdf_ua import house_rules
from folderpers.errors import Location

PDFX_VERSION = "{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"


@dataclass(frozen=True)
class CheckedPdf:
    """One file's result: what it was taken for, what it was validated against, the findings."""

    path: Path
    kind: str  # "screen", "print" or "unreadable"
    profiles: tuple[str, ...]  # the standards the validator checked, e.g. ("PDF/UA-1",)
    findings: tuple[Finding, ...]
    validation_ms: float  # time the validator took, all profiles together
    summary: str = ""  # a print PDF's preflight summary (its printing condition, bleed, inks, ...)

    def to_json(self) -> dict[str, object]:
        return {"file": str(self.path), "kind": self.kind, "profiles": list(self.profiles),
                "errors": sum(1 for f in self.findings if f.severity == "error"),
                "warnings": sum(1 for f in self.findings if f.severity == "warning"),
                "validation_ms": round(self.validation_ms, 1), "summary": self.summary}


def pdf_files(paths: list[Path]) -> tuple[list[Path], list[Finding]]:
    """The PDF files named, directories searched (recursively) for *.pdf; a path that does not exist
    is an error finding."""
    found: list[Path] = []
    missing: list[Finding] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            missing.append(Finding("missing-file", "error", Location(path), "no such file or directory",
                                   "give the path of a PDF file or of a directory that holds PDF files"))
    return list(dict.fromkeys(found)), missing


def check_file(path: Path) -> CheckedPdf:
    try:
        data = path.read_bytes()
    except OSError as error:
        return CheckedPdf(path, "unreadable", (), (unreadable(path, error.strerror or str(error)),), 0.0)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - any failure to open is a finding, whatever raised it
        return CheckedPdf(path, "unreadable", (), (unreadable(path, str(error) or type(error).__name__),), 0.0)
    with pdf:
        checked = _check_open(path, data, pdf)
    # the same finding on many elements (no page to tell them apart) is reported once
    return replace(checked, findings=tuple(dict.fromkeys(checked.findings)))


def _check_open(path: Path, data: bytes, pdf: pikepdf.Pdf) -> CheckedPdf:
    from folderpers.prepress.preflight import preflight
    printing = is_print_pdf(pdf)
    summary = ""
    start = time.perf_counter()
    validations = validate(data, path, pdf, expected=() if printing else (PDF_UA_1,))
    milliseconds = (time.perf_counter() - start) * 1000
    findings = [finding for validation in validations for finding in validation.findings]
    if printing:
        try:
            report = preflight(data, str(path), page_multiple=1)
        except Exception as error:  # noqa: BLE001 - a damaged print file: say so, keep the other findings
            findings.append(Finding("preflight", "error", Location(path), f"preflight stopped at a damaged part of "
                                    f"the file: {type(error).__name__}: {error}", "export the PDF again"))
        else:
            findings.extend(Finding(f.kind, f.severity, Location(path), f.message, f.hint) for f in report.findings)
            summary = report.summary()
    else:
        findings.extend(house_rules(pdf, path, severity="warning"))
    return CheckedPdf(path, "print" if printing else "screen", tuple(v.profile for v in validations),
                      tuple(findings), milliseconds, summary)


def is_print_pdf(pdf: pikepdf.Pdf) -> bool:
    """A file made for a print shop: PDF/X, or paper beyond the trimmed page."""
    try:
        if any(_trimmed(page) for page in pdf.pages):
            return True
        xmp = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        return bool(str(xmp.get(PDFX_VERSION, "")).strip()) or "/GTS_PDFXVersion" in pdf.docinfo
    except Exception:  # noqa: BLE001 - unreadable boxes or metadata: not recognisably a print file
        return False


def _trimmed(page: pikepdf.Page) -> bool:
    trim, media = page.obj.get("/TrimBox"), page.obj.get("/MediaBox")
    if not isinstance(trim, pikepdf.Array) or not isinstance(media, pikepdf.Array) or len(trim) != 4 or len(media) != 4:
        return False
    left, bottom, right, top = (float(value) for value in trim)
    media_left, media_bottom, media_right, media_top = (float(value) for value in media)
    return left > media_left or bottom > media_bottom or right < media_right or top < media_top
