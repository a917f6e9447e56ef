"""Everything folderpers changes in WeasyPrint's behaviour, in one place.

WeasyPrint is pinned (pyproject.toml): each change reaches into internals that move between
versions, so `apply()` refuses any other version before it patches anything. It is called
explicitly, once per process, by the PDF renderer (render/pdf.py) before its first document.
Each change names the upstream issue it works around; tests/render/test_weasyprint_patches.py
shows, for each, what differs with and without it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import weasyprint
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.text.ffi import ffi

from folderpers.errors import EngineError, Location, Problem

PINNED_VERSION = "70.0"
_SIZED_ARRAY = re.compile(r"(hb_codepoint_t)\[(\d+)\]")
_cffi_new = ffi.new  # cffi's own, before any patch
_applied = False


def apply() -> None:
    """Check the WeasyPrint version and apply the process-wide patches (once; later calls do nothing)."""
    global _applied
    if _applied:
        return
    if weasyprint.__version__ != PINNED_VERSION:
        raise EngineError(Problem(Location(Path("pyproject.toml")),
                                  f"WeasyPrint {weasyprint.__version__} is installed, but folderpers is made for "
                                  f"{PINNED_VERSION} (it adapts that version's internals)",
                                  "install the pinned versions: `make setup`, or "
                                  "`pip install -c constraints.txt -e .`"))
    ffi.new = font_subset_arrays_parsed_once(_cffi_new)
    _applied = True


def font_subset_arrays_parsed_once(new: Callable[..., Any]) -> Callable[..., Any]:
    """Speed: WeasyPrint 70 subsets each font with `ffi.new(f"hb_codepoint_t[{n}]", ...)`, and cffi
    parses the C type of every new size `n` with pycparser (about 3 ms, several times a document).
    The same array is asked for as an open array type, parsed once; the PDF bytes do not change.
    Upstream: not reported; the code came with HarfBuzz subsetting (Kozea/WeasyPrint#2178)."""
    def new_array(cdecl: Any, init: Any = None) -> Any:
        sized = _SIZED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if sized is None:
            return new(cdecl, init)
        array = new(f"{sized[1]}[]", int(sized[2]))
        if init is not None:
            array[0:len(init)] = init
        return array
    return new_array


@contextlib.contextmanager
def structure_tree_builder(wrap: Callable[[Callable[..., Iterator[Any]]], Callable[..., Iterator[Any]]]
                           ) -> Iterator[None]:
    """While WeasyPrint writes one tagged PDF, its structure-tree builder is `wrap(original)`.

    WeasyPrint builds the tree from layout boxes and keeps no link from an element to its HTML,
    so what it leaves out cannot be put in afterwards without one: the wrapper sees each box with
    the elements made from it (pdf/structure.py records them and completes them). Works around:
    margin-box text not marked as artifacts (Kozea/WeasyPrint#1836), elements split per page
    (#2903), and what the tags drop from the HTML (th scope, aside, list numbering, link text,
    decorative images). Not thread-safe: one document at a time per process, as the workers do."""
    original = weasyprint_tags._build_box_tree
    weasyprint_tags._build_box_tree = wrap(original)  # it calls itself through this global: every level
    try:
        yield
    finally:
        weasyprint_tags._build_box_tree = original
