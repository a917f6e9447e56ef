"""Pick the reader for a source file by what the file is, not only by its name."""

from __future__ import annotations

from pathlib import Path

from folderpers.importers.errors import UnreadableSourceError
from folderpers.importers.tree import Document

SUFFIXES = (".docx", ".html", ".htm", ".pdf", ".txt")


def read_document(path: Path) -> Document:
    """Read `path` into a document tree; UnreadableSourceError says why not and what to do."""
    if not path.is_file():
        raise UnreadableSourceError(path, "no such file", "give the path of a .docx, .html, .pdf or .txt file")
    with path.open("rb") as stream:
        head = stream.read(8)
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF") or suffix == ".pdf":
        from folderpers.importers.pdf import read_pdf  # pdfplumber loads only when a PDF is imported
        return read_pdf(path)
    if suffix == ".docx" or (head.startswith(b"PK") and suffix not in (".html", ".htm", ".txt")):
        from folderpers.importers.docx import read_docx
        return read_docx(path)
    if suffix in (".html", ".htm"):
        from folderpers.importers.html import read_html_file
        return read_html_file(path)
    if suffix == ".txt":
        from folderpers.importers.text import read_text_file
        return read_text_file(path)
    raise UnreadableSourceError(path, f"cannot import {suffix or 'a file without extension'} files",
                                "import a Word file (.docx; save a .doc as .docx first), a web page (.html), "
                                "a PDF, or text copied from a PDF (.txt)")
