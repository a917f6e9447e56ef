"""Output writers: one module per kind of output, each behind a small interface.

A `Writer` makes the files of one publication (folder x institution); a `CollectionWriter` makes
files about everything published (an index page), from the build's state, after the publications.
A new kind of output is a new module with such a class, named in _PUBLICATION or _COLLECTION
below; the pipeline does not change.

The writer modules (and what they import: Jinja2, the sources' parsers, Pillow ...) are imported
when WRITERS or COLLECTION_WRITERS is first used, not with this package: a build with nothing to
write never imports them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from folderpers.render.theme import Theme
    from folderpers.writers.base import CollectionWriter, Rendered, Writer, output_name

# kind (as --format names it) -> (module in this package, class)
_PUBLICATION = {"pdf": ("screen_pdf", "ScreenPdfWriter"), "web": ("web_page", "WebPageWriter"),
                "print": ("print_pdf", "PrintWriter")}
_COLLECTION = {"index": ("index_page", "IndexWriter")}
COLLECTION_KINDS = tuple(_COLLECTION)  # the others make files of one publication
KINDS = (*_PUBLICATION, *_COLLECTION)  # what --format accepts; all of them by default
_BASE_NAMES = ("CollectionWriter", "Rendered", "Writer", "output_name")


def _classes(registry: dict[str, tuple[str, str]]) -> dict[str, Any]:
    return {kind: getattr(importlib.import_module(f"{__name__}.{module}"), name)
            for kind, (module, name) in registry.items()}


def __getattr__(name: str) -> Any:
    """WRITERS, COLLECTION_WRITERS and the names of base.py, imported when first asked for (PEP 562)."""
    if name in ("WRITERS", "COLLECTION_WRITERS"):
        value = _classes(_PUBLICATION if name == "WRITERS" else _COLLECTION)
    elif name in _BASE_NAMES or name == "Theme":
        module = "folderpers.render.theme" if name == "Theme" else f"{__name__}.base"
        value = getattr(importlib.import_module(module), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # once: every later use gets the same object
    return value


if TYPE_CHECKING:
    WRITERS: dict[str, type[Writer]]
    COLLECTION_WRITERS: dict[str, type[CollectionWriter]]

__all__ = ["COLLECTION_KINDS", "COLLECTION_WRITERS", "KINDS", "WRITERS", "CollectionWriter", "Rendered", "Theme",
           "Writer", "output_name"]
