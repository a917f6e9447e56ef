"""Stage 4b: finish rendered PDFs with pikepdf.

- Every PDF: document-control metadata (code, version, dates, owner) in Info and XMP, and an /ID
  derived from the content, so the same input always gives the same bytes.
- Screen PDFs (tagged): the structure tree finished beyond WeasyPrint (pdf/structure.py).
- Print PDFs: BleedBox exactly 3 mm outside the TrimBox, a MediaBox large enough to hold crop
  marks outside the bleed (WeasyPrint draws its marks inside the bleed, where they are cut
  off), the marks themselves, and for PDF/X a DocumentID derived from the content instead of a
  random one.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import uuid
from collections.abc import Iterator

import pikepdf

from folderpers.model.publication import Publication
from folderpers.pdf.actual_text import repair_text
from folderpers.pdf.structure import StructureHints, finish_structure
from folderpers.pdf.units import PT_PER_MM
from folderpers.prepress.conditions import REGISTRY, PrintCondition

BLEED_MM = 3.0
MARK_OFFSET_MM = 3.0  # marks start this far outside the trim edge: outside the bleed
MARK_LENGTH_MM = 5.0
PRINT_FLAG = 4  # annotation flags (ISO 32000-1, 12.5.3)
SLUG_MM = MARK_OFFSET_MM + MARK_LENGTH_MM + 1.0  # paper beyond the bleed that holds the marks

# Adobe's namespace for custom document properties: Acrobat lists them as "Custom" properties
# (with the same names in the Info dictionary), and pypdf reads them as `xmp_metadata.custom_properties`.
XMP_NAMESPACE = "http://ns.adobe.com/pdfx/1.3/"
XMP_PREFIX = "pdfx"
XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"


@contextlib.contextmanager
def finish_screen_pdf(data: bytes, publication: Publication, structure: StructureHints,
                      direction: str = "ltr") -> Iterator[pikepdf.Pdf]:
    """The PDF with its structure tree finished and the document-control properties added, open
    for checks before `save()`: reading it once saves more time than all the finishing takes.
    `direction`: the document's reading direction (rtl: /ViewerPreferences /Direction /R2L)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        finish_structure(pdf, structure)
        flag_annotations_for_print(pdf)
        repair_text(pdf, direction)
        _stamp(pdf, publication)
        yield pdf


def finish_print_pdf(data: bytes, publication: Publication, condition: PrintCondition | None) -> bytes:
    """Boxes and crop marks for the print shop, then the stamp; `condition`: the printing condition of a
    CMYK PDF/X file, if it is one."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            _add_marks(pdf, page, cmyk=condition is not None)
        flag_annotations_for_print(pdf)
        if condition is not None:
            _name_output_intent(pdf, condition)
        _stamp(pdf, publication)
        return save(pdf, pdfx=condition is not None)


def _name_output_intent(pdf: pikepdf.Pdf, condition: PrintCondition) -> None:
    """The output intent names the registered printing condition (PDF/X: OutputConditionIdentifier and
    RegistryName), so a print shop's preflight recognises it; WeasyPrint names it by the profile."""
    intent = pdf.Root.OutputIntents[0]
    # WeasyPrint embeds the profile as littleCMS re-serialises it, which can differ between runs
    # in one process: embed the file's own bytes, so the output is the same every time.
    intent.DestOutputProfile.write(condition.profile.read_bytes())
    intent.OutputConditionIdentifier = pikepdf.String(condition.identifier)
    intent.OutputCondition = pikepdf.String(condition.description)
    intent.Info = pikepdf.String(condition.description)
    intent.RegistryName = pikepdf.String(REGISTRY)


def flag_annotations_for_print(pdf: pikepdf.Pdf) -> None:
    """Every annotation prints (flag bit 3): WeasyPrint 70 writes link annotations without /F,
    which viewers then leave out of a printed copy; PDF/A requires the flag, checkers warn."""
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", ()):
            annotation.F = int(annotation.get("/F", 0)) | PRINT_FLAG


def _stamp(pdf: pikepdf.Pdf, publication: Publication) -> None:
    properties = publication.properties()
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp.register_xml_namespace(XMP_NAMESPACE, XMP_PREFIX)
        for name, value in properties.items():
            xmp[f"{{{XMP_NAMESPACE}}}{name}"] = value
    for name, value in properties.items():
        pdf.docinfo[f"/{name[0].upper()}{name[1:]}"] = value


def save(pdf: pikepdf.Pdf, pdfx: bool = False) -> bytes:
    """The PDF's bytes, the same for the same content (deterministic IDs; `pdfx`: a PDF/X file)."""
    if pdfx:  # WeasyPrint writes a random xmpMM:DocumentID for PDF/X-4: derive it from the content
        digest = hashlib.sha256()
        for page in pdf.pages:
            contents = page.obj.Contents
            for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
                digest.update(stream.read_bytes())
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp[f"{{{XMP_MM}}}DocumentID"] = f"uuid:{uuid.UUID(digest.hexdigest()[:32])}"
    if "/ID" in pdf.trailer:  # WeasyPrint's PDF/X identifier is random: derive both parts from the content
        del pdf.trailer.ID
    output = io.BytesIO()
    pdf.save(output, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def _add_marks(pdf: pikepdf.Pdf, page: pikepdf.Page, cmyk: bool) -> None:
    left, bottom, right, top = (float(value) for value in page.obj.TrimBox)
    bleed, slug = BLEED_MM * PT_PER_MM, (BLEED_MM + SLUG_MM) * PT_PER_MM
    page.obj.BleedBox = pikepdf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])
    page.obj.MediaBox = pikepdf.Array([left - slug, bottom - slug, right + slug, top + slug])
    near, far = MARK_OFFSET_MM * PT_PER_MM, (MARK_OFFSET_MM + MARK_LENGTH_MM) * PT_PER_MM
    lines = []
    for x, y, dx, dy in ((left, bottom, -1, -1), (right, bottom, 1, -1), (left, top, -1, 1), (right, top, 1, 1)):
        lines.append(f"{x + dx * near:.3f} {y:.3f} m {x + dx * far:.3f} {y:.3f} l S")
        lines.append(f"{x:.3f} {y + dy * near:.3f} m {x:.3f} {y + dy * far:.3f} l S")
    colour = "1 1 1 1 K" if cmyk else "0 G"  # registration: on every separation
    marks = f"Q\nq /Artifact BMC 0.25 w {colour}\n" + "\n".join(lines) + "\nEMC Q\n"
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, marks.encode("ascii")))
