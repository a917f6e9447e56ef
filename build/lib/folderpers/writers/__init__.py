"""Output writers: one module per kind of output, each behind a small interface.

A `Writer` makes the files of one publication (folder x institution); a `CollectionWriter` makes
files about everything published (an index page), from the manifest, after the publications.
A new kind of output is a new module with such a class, added to WRITERS or COLLECTION_WRITERS
below; the pipeline does not change.
"""

from __future__ import annotations

from folderpers.render.theme import Theme
from folderpers.writers.base import CollectionWriter, Rendered, Writer, output_name
from folderpers.writers.index_page import IndexWriter
from folderpers.writers.print_pdf import PrintWriter
from folderpers.writers.screen_pdf import ScreenPdfWriter
from folderpers.writers.web_page import WebPageWriter

WRITERS: dict[str, type[Writer]] = {writer.kind: writer for writer in (ScreenPdfWriter, WebPageWriter, PrintWriter)}
COLLECTION_WRITERS: dict[str, type[CollectionWriter]] = {writer.kind: writer for writer in (IndexWriter,)}
KINDS = (*WRITERS, *COLLECTION_WRITERS)  # what --format accepts; all of them by default

__all__ = ["COLLECTION_WRITERS", "KINDS", "WRITERS", "CollectionWriter", "Rendered", "Theme", "Writer", "output_name"]
