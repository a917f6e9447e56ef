"""Stage 4b: finish a rendered PDF with pikepdf: document-control metadata in Info and XMP.

WeasyPrint writes title, author, subject, keywords and dates; this adds the document code,
version, approval and review dates, owner and institution as custom properties, and saves with
an /ID derived from the content, so the same input always gives the same bytes.
"""

from __future__ import annotations

import io

import pikepdf

from .resolve import Publication

# Adobe's namespace for custom document properties: Acrobat lists them as "Custom" properties
# (with the same names in the Info dictionary), and pypdf reads them as `xmp_metadata.custom_properties`.
XMP_NAMESPACE = "http://ns.adobe.com/pdfx/1.3/"
XMP_PREFIX = "pdfx"


def stamp_pdf(data: bytes, publication: Publication) -> bytes:
    properties = publication.properties()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp.register_xml_namespace(XMP_NAMESPACE, XMP_PREFIX)
            for name, value in properties.items():
                xmp[f"{{{XMP_NAMESPACE}}}{name}"] = value
        for name, value in properties.items():
            pdf.docinfo[f"/{name[0].upper()}{name[1:]}"] = value
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()
