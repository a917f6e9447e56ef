"""Output writers: one module per kind of output, each behind the small `Writer` interface.

A new kind of output (an index page, an e-reader format, ...) is a new module with a Writer class, added to
WRITERS below; the pipeline does not change.
"""

from __future__ import annotations

from .base import Rendered, Theme, Writer, output_name
from .print_pdf import PrintWriter
from .screen_pdf import ScreenPdfWriter
from .web_page import WebPageWriter

WRITERS: dict[str, type[Writer]] = {writer.kind: writer for writer in (ScreenPdfWriter, WebPageWriter, PrintWriter)}

__all__ = ["WRITERS", "Rendered", "Theme", "Writer", "output_name"]
