"""Conformance layer: does a PDF meet the standard it claims (PDF/UA-1, PDF/A-1…3)? Decided by
page-validation (PyPI `page-validation`, `import page`: a Rust validator of the machine-checkable
PDF/UA-1 (Matterhorn) and PDF/A rules), not by our own code, so that a conforming PDF from any
producer is called conforming. Every failed rule is an error of kind `pdf-conformance` with the
rule id (also the finding's subject), the validator's message and, where it can be found, the page.

What folderpers asks beyond the standard is the house-rules layer (pdf_ua.py), reported apart.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import page
import pikepdf

from folderpers.checks.findings import Finding
from folderpers.errors import Location

KIND = "pdf-conformance"
VALIDATOR = f"page-validation {page.__version__}"
PDF_UA_1 = page.ValidationProfile.PDF_UA_1
# Input bounds: a hostile file may not make the validator read or decode without end.
LIMITS = page.SafetyLimits(max_input_size=200 * 2**20, max_decoded_stream_size=200 * 2**20)
_PROFILE_NAMES = {PDF_UA_1: "PDF/UA-1"} | {
    profile: f"PDF/A-{profile.value}" for profile in page.ValidationProfile if profile is not PDF_UA_1}
# pikepdf logs a traceback when a file's XMP metadata is damaged, and reads it as empty: for a check of
# any file that is noise (the validator reports damaged metadata as a finding of its own).
logging.getLogger("pikepdf.models.metadata").setLevel(logging.CRITICAL)
_PAGE_IN_MESSAGE = re.compile(r"\bpage \d+\b")
_IN_MEMORY = re.compile(r"^stream <_io\.BytesIO object at 0x[0-9a-f]+>: ")


@dataclass(frozen=True)
class Validation:
    """The validator's verdict on one file for one profile."""

    profile: str  # PDF/UA-1, PDF/A-2b, ...
    declared: bool  # the file claims this profile in its XMP metadata
    findings: tuple[Finding, ...]
    milliseconds: float

    @property
    def conforms(self) -> bool:
        return not self.findings


def declared_profiles(pdf: pikepdf.Pdf) -> list[page.ValidationProfile]:
    """The standards the file claims in its XMP metadata (pdfuaid:part, pdfaid:part + conformance)
    that the validator knows."""
    try:
        xmp = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        ua, part, level = (str(xmp.get(key, "")).strip() for key in
                           ("pdfuaid:part", "pdfaid:part", "pdfaid:conformance"))
    except Exception:  # noqa: BLE001 - unreadable XMP claims nothing; the validator reports it
        return []
    known = {profile.value: profile for profile in page.ValidationProfile}
    profiles = [PDF_UA_1] if ua == "1" else []
    if f"{part}{level.lower()}" in known:
        profiles.append(known[f"{part}{level.lower()}"])
    return profiles


def validate(data: bytes, path: Path, pdf: pikepdf.Pdf | None = None,
             expected: tuple[page.ValidationProfile, ...] = (PDF_UA_1,)) -> list[Validation]:
    """Validate `data` (reported as `path`) against every profile it claims and every `expected` one
    (a file that does not claim PDF/UA-1 fails its identification rule). `pdf`: these very bytes,
    already open in pikepdf (object numbers must match: not the document they were saved from);
    else they are opened here. It finds the claimed profiles and the page of a failure."""
    if pdf is None:
        try:
            with pikepdf.open(io.BytesIO(data)) as opened:
                return validate(data, path, opened, expected)
        except pikepdf.PdfError:
            pass  # the validator says what is wrong with the file
    declared = declared_profiles(pdf) if pdf is not None else []
    return [_validate(data, path, pdf, profile, profile in declared)
            for profile in dict.fromkeys([*declared, *expected])]


def _validate(data: bytes, path: Path, pdf: pikepdf.Pdf | None, profile: page.ValidationProfile,
              declared: bool) -> Validation:
    name = _PROFILE_NAMES[profile]
    start = time.perf_counter()
    if _validated_in not in (None, os.getpid()):
        # A process forked from one that used the validator: its thread pool (rayon) did not survive
        # the fork, and a call here would wait for ever. Validate in a fresh process instead.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
            outcome = fresh.submit(_failures, data, profile).result()
    else:
        outcome = _failures(data, profile)
    if isinstance(outcome, str):
        findings: tuple[Finding, ...] = (unreadable(path, outcome),)
    else:
        pages = _PageFinder(pdf)
        findings = tuple(Finding(KIND, "error", Location(path), _message(name, rule, message, number, pages),
                                 f"{name} rule {rule} ({VALIDATOR})", rule) for rule, message, number in outcome)
    return Validation(name, declared, findings, (time.perf_counter() - start) * 1000)


_validated_in: int | None = None  # the process whose thread pool the validator has started


def _failures(data: bytes, profile: page.ValidationProfile) -> list[tuple[str, str, int | None]] | str:
    """(rule id, message, object number) of each failed rule, or why the file cannot be read."""
    global _validated_in
    _validated_in = os.getpid()
    try:
        report = page.validate_pdf_bytes(data, profile=profile, limits=LIMITS)
    except page.PageError as error:
        return f"{VALIDATOR}: {error}"
    except BaseException as error:  # a panic in the Rust code arrives as pyo3's PanicException (BaseException)
        if type(error).__name__ != "PanicException":
            raise
        return f"{VALIDATOR} failed on this file: {error}"
    return [(failure.rule_id, failure.message, failure.object_id.object_number if failure.object_id else None)
            for failure in report.failures]


def unreadable(path: Path, reason: str) -> Finding:
    """The finding for a file that is not a PDF we can read: one clear error, never a traceback."""
    reason = _IN_MEMORY.sub("", reason)  # pikepdf names the buffer it read from: say nothing about it
    return Finding("pdf-unreadable", "error", Location(path), f"cannot read this PDF: {reason}",
                   "is it a complete PDF file? Save or export it again")


def _message(profile: str, rule: str, message: str, number: int | None, pages: _PageFinder) -> str:
    where = ""
    if number is not None and not _PAGE_IN_MESSAGE.search(message):
        on_page = pages.page_of(number)
        where = f" (page {on_page})" if on_page else f" (object {number})"
    return f"{profile} {rule}{where}: {message}"


class _PageFinder:
    """The page an object is on: a page itself, an annotation on it, or a structure element's /Pg."""

    def __init__(self, pdf: pikepdf.Pdf | None):
        self.pdf = pdf
        self._pages: dict[int, int] | None = None

    def page_of(self, number: int) -> int | None:
        if self.pdf is None:
            return None
        try:
            if self._pages is None:
                self._pages = {}
                for index, page_ in enumerate(self.pdf.pages, 1):
                    self._pages.setdefault(page_.obj.objgen[0], index)
                    annotations = page_.obj.get("/Annots")
                    for annotation in annotations if isinstance(annotations, pikepdf.Array) else ():
                        if annotation.is_indirect:
                            self._pages.setdefault(annotation.objgen[0], index)
            if number in self._pages:
                return self._pages[number]
            owner = self.pdf.get_object((number, 0))
            target = owner.get("/Pg") if isinstance(owner, pikepdf.Dictionary) else None
            return self._pages.get(target.objgen[0]) if isinstance(target, pikepdf.Dictionary) else None
        except Exception:  # noqa: BLE001 - a damaged file: the finding stands without its page
            return None
