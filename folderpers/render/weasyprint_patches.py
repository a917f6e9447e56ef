"""Everything folderpers changes in WeasyPrint's behaviour (and in pydyf, its PDF writer), in one place.

WeasyPrint and pydyf are pinned (pyproject.toml, constraints.txt): each change reaches into internals
that move between versions, so `apply()` refuses any other version before it patches anything. It is called
explicitly, once per process, by the PDF renderer (render/pdf.py) before its first document.
Each change names the upstream issue it works around; tests/render/test_weasyprint_patches.py
shows, for each, what differs with and without it.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fontTools.ttLib
import pydyf
import weasyprint
from weasyprint import draw as weasyprint_draw
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.stacking import StackingContext
from weasyprint.text.ffi import ffi, pango

from folderpers.errors import EngineError, Location, Problem
from folderpers.pdf.actual_text import PDFIUM_ORDER_TAG, runs_reversed_for_pdfium

PINNED_VERSION = "70.0"
PINNED_PYDYF_VERSION = "0.13.0"
_SIZED_ARRAY = re.compile(r"(hb_codepoint_t)\[(\d+)\]")
_cffi_new = ffi.new  # cffi's own, before any patch
_pydyf_page_references = pydyf.PDF.page_references  # pydyf's own property, before any patch
RLM, LRM, ZWNJ = "\u200f", "\u200e", "\u200c"
# Break hints the renderer puts into addresses (render/typography.py): drawn as nothing, not text.
_BREAK_HINTS = dict.fromkeys(map(ord, "\u200b\u2060"))
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
    if pydyf.__version__ != PINNED_PYDYF_VERSION:
        raise EngineError(Problem(Location(Path("constraints.txt")),
                                  f"pydyf {pydyf.__version__} is installed, but folderpers is made for "
                                  f"{PINNED_PYDYF_VERSION} (it adapts that version's internals)",
                                  "install the pinned versions: `pip install -c constraints.txt -e .`"))
    ffi.new = font_subset_arrays_parsed_once(_cffi_new)
    pydyf.PDF.page_references = property(page_references_kept)
    weasyprint_draw.draw_inline_level = lines_planned(weasyprint_draw.draw_inline_level)
    weasyprint_draw.draw_text = text_with_actual_text(marks_mapped(non_joiners_kept(weasyprint_draw.draw_text)))
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


def page_references_kept(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """Speed: pydyf 0.13's `PDF.page_references` builds the reference of every page anew each time it
    is read, and WeasyPrint 70 reads it for every structure element, marked-content reference and
    link it writes (pdf/tags.py, pdf/anchors.py): pages x elements, quadratic in the length of a
    document (a list of 7,500 items, 260 pages: 10 million calls, 12 s under the profiler). Kept per
    PDF and made again only when a page was added; the same references, so the PDF bytes do not
    change. Upstream: not reported (Kozea/pydyf, Kozea/WeasyPrint)."""
    kids = pdf.pages["Kids"]
    kept = pdf.__dict__.get("_folderpers_page_references")
    if kept is None or kept[0] != len(kids):
        kept = (len(kids), _pydyf_page_references.fget(pdf))
        pdf.__dict__["_folderpers_page_references"] = kept
    return kept[1]


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



class _HexString(pydyf.String):
    """A text string written in hex (UTF-16BE with BOM) even when it is ASCII: content streams keep
    no literal strings, which the PDF/UA check's fast scan relies on (pdf/contentstream.py)."""
    @property
    def data(self) -> bytes:
        return b"<" + ("\ufeff" + self.string).encode("utf-16-be").hex().upper().encode("ascii") + b">"


@dataclass(frozen=True)
class PassageText:
    """The replacement text of one text box of a left-to-right passage in a right-to-left line."""

    actual_text: str  # its /Span's /ActualText: what pdftotext and conforming readers read
    pdfium_text: str  # what pdfium reads instead ("" for nothing): see `passage_texts`


_actual_texts: dict[int, PassageText] = {}  # id(text box) -> its replacement text, for the line being drawn


def lines_planned(draw_inline_level: Callable[..., None]) -> Callable[..., None]:
    """Before WeasyPrint draws a right-to-left line, the /ActualText of its text boxes is decided
    (it depends on the boxes beside them: `passage_texts`), and the line is drawn from left to
    right (`drawn_left_to_right`)."""
    def planned(stream: Any, page: Any, box: Any, *args: Any, **kwargs: Any) -> None:
        if not isinstance(box, boxes.LineBox) or box.style["direction"] != "rtl":
            draw_inline_level(stream, page, box, *args, **kwargs)
            return
        _actual_texts.update(passage_texts(box))
        try:
            with drawn_left_to_right(box):
                draw_inline_level(stream, page, box, *args, **kwargs)
        finally:
            _actual_texts.clear()
    return planned


@contextlib.contextmanager
def drawn_left_to_right(line: Any) -> Iterator[None]:
    """While a right-to-left line is drawn, its boxes (and those of its inline boxes) are in the
    order they stand in, from left to right, not in reading order. pdfium reads a line's text
    objects in drawing order, sorted by position only between changes of height (CPDF_TextPage::
    ProcessTextObject: a raised mark starts a new batch), and expects the result to run from left to
    right: drawn from the right, the words before a raised mark were read after the rest of the
    line. WeasyPrint draws each text box's glyphs from left to right already. The boxes do not
    overlap: the picture is the same (pdftoppm, pixel for pixel; pdfium's own rendering of the
    Arabic example differs in one pixel by 1/255, where glyph edges meet)."""
    kept: list[tuple[Any, list[Any]]] = []
    pending = [line]
    while pending:
        box = pending.pop()
        kept.append((box, box.children))
        box.children = sorted(box.children, key=_left_edge)
        pending += [child for child in box.children if isinstance(child, boxes.InlineBox)]
    try:
        yield
    finally:
        for box, children in kept:
            box.children = children


def _left_edge(child: Any) -> float:
    """Where a line's child starts: an inline block with a stacking context stands for its box."""
    return float((child.box if isinstance(child, StackingContext) else child).position_x)


def text_with_actual_text(draw_text: Callable[..., Any]) -> Callable[..., Any]:
    """A text box with planned replacement text is drawn inside a marked-content /Span that carries
    its /ActualText, and inside that a mark that pdfium reads instead (`passage_texts`)."""
    def marked(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        planned = _actual_texts.get(id(textbox))
        if planned is None:
            return draw_text(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": _HexString(planned.actual_text)}))
        stream.begin_marked_content(PDFIUM_ORDER_TAG, pydyf.Dictionary(
            {"ActualText": _HexString(planned.pdfium_text)} if planned.pdfium_text else {}))
        try:
            return draw_text(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()
            stream.end_marked_content()
    return marked


def _text_boxes(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TextBox):
            yield child
        elif isinstance(child, boxes.InlineBox):  # not inline blocks: their lines are planned on their own
            yield from _text_boxes(child)


def passage_texts(line: Any) -> dict[int, PassageText]:
    """id(text box) -> replacement text, for the boxes of a right-to-left line that make up a
    left-to-right passage (one box, or several side by side: `<span dir="ltr">Pijnpoli (<a>088
    215 1780</a>)</span>`).

    poppler reads a right-to-left line from the right, in runs (pdf/actual_text.py); without marks
    the passage's run took in what stood beside it (its closing bracket went to the Arabic text
    before it, the period after it was read before it). Each box's /Span therefore carries its own
    text, with a RIGHT-TO-LEFT MARK before the passage and a LEFT-TO-RIGHT MARK after it.

    pdfium reads the /ActualText of the innermost mark that has a property list, whatever its tag
    (poppler only that of a /Span), and reverses the order of a right-to-left line's runs, also
    within a left-to-right passage (the words of a name came out last first). So inside each /Span
    a mark of its own: on the leftmost box the whole passage with its runs in reverse order
    (`runs_reversed_for_pdfium`), which pdfium's reversal puts back; on the others none, so that
    pdfium reads nothing there."""
    drawn = sorted((box for box in _text_boxes(line) if box.text.strip()), key=lambda box: box.position_x)
    texts: dict[int, PassageText] = {}
    passage: list[Any] = []  # left-to-right boxes side by side, left to right
    for box in drawn + [None]:
        if box is not None and box.style["direction"] == "ltr":
            passage.append(box)
            continue
        if passage:
            parts = [part.text.translate(_BREAK_HINTS) for part in passage]
            whole = runs_reversed_for_pdfium(LRM + "".join(parts) + LRM)
            parts[0] = RLM + parts[0]
            parts[-1] += LRM
            texts.update((id(part), PassageText(text, whole if index == 0 else ""))
                         for index, (part, text) in enumerate(zip(passage, parts, strict=True)))
        passage = []
    return texts


def marks_mapped(draw_text: Callable[..., Any]) -> Callable[..., Any]:
    """Before WeasyPrint draws a text box with combining marks, the glyphs of each cluster of letter
    and marks get their own characters in the font's ToUnicode map. WeasyPrint maps every glyph to
    the text from its cluster's start to the next glyph's cluster (Kozea/WeasyPrint#2841): of a
    letter with marks, drawn as several glyphs, one glyph got the whole cluster and the others
    nothing, and a glyph keeps the first text it was given, so a letter's glyph could stand for
    nothing and a mark's glyph for some letter and mark seen first."""
    def mapped(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        if any(unicodedata.combining(character) for character in textbox.text) and textbox.text.strip():
            textbox.pango_layout.reactivate(textbox.style)
            try:
                _map_cluster_glyphs(stream, textbox.pango_layout)
            finally:
                textbox.pango_layout.deactivate()
        return draw_text(stream, textbox, *args, **kwargs)
    return mapped


def non_joiners_kept(draw_text: Callable[..., Any]) -> Callable[..., Any]:
    """A ZERO WIDTH NON-JOINER (Persian می‌شود: it keeps two letters from joining) is text, but
    Pango gives it an empty glyph, which WeasyPrint draws as nothing, so extractors and screen
    readers lost it. While WeasyPrint draws a text box with one, the empty glyph is the font's own
    glyph for U+200C (WeasyPrint then maps it to that character), drawn invisibly (text render
    mode 3: fonts give it a shape, shown in editors). Fonts without such a glyph: left as they were."""
    def drawn(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        if ZWNJ not in textbox.text:
            return draw_text(stream, textbox, *args, **kwargs)
        layout = textbox.pango_layout
        codes: set[str] = set()

        def first_line() -> tuple[Any, Any]:
            line = type(layout).get_first_line(layout)
            codes.update(_non_joiner_glyphs(stream, layout, line[0]))
            return line

        def show_text(text: str) -> None:
            for piece, invisible in _glyph_pieces(text, codes):
                if invisible:
                    stream.set_text_rendering(3)
                type(stream).show_text(stream, piece)
                if invisible:
                    stream.set_text_rendering(0)  # WeasyPrint fills HTML text (mode 0) and sets no other

        layout.get_first_line, stream.show_text = first_line, show_text
        try:
            return draw_text(stream, textbox, *args, **kwargs)
        finally:
            del layout.get_first_line, stream.show_text
    return drawn


_GLYPH_STRING = re.compile(r"<([0-9a-f]*)>|[^<]+")


def _glyph_pieces(text: str, codes: set[str]) -> Iterator[tuple[str, bool]]:
    """A TJ operand as WeasyPrint writes it (`<glyphs>` in hex, four digits each, and numbers), cut
    around the glyphs in `codes`: (piece, whether it is one of those glyphs)."""
    piece = ""
    for match in _GLYPH_STRING.finditer(text):
        if match[1] is None:
            piece += match[0]
            continue
        glyphs = [match[1][i:i + 4] for i in range(0, len(match[1]), 4)]
        run: list[str] = []
        for glyph in glyphs:
            if glyph in codes:
                if run or piece:
                    yield piece + ("<" + "".join(run) + ">" if run else ""), False
                piece, run = "", []
                yield f"<{glyph}>", True
            else:
                run.append(glyph)
        piece += "<" + "".join(run) + ">" if run else ""
    if piece:
        yield piece, False


def _non_joiner_glyphs(stream: Any, layout: Any, line: Any) -> Iterator[str]:
    """Give the empty glyphs of the line's ZERO WIDTH NON-JOINERs the font's glyph for it; yields
    their codes as WeasyPrint writes them."""
    encoded = layout.text.encode()
    for item, glyph_string, font in _line_runs(stream, line):
        glyph = _font_glyph(font, ZWNJ)
        if glyph is None or font.bitmap:
            continue
        for i in range(glyph_string.num_glyphs):
            info = glyph_string.glyphs[i]
            start = item.offset + glyph_string.log_clusters[i]
            if info.glyph == pango.PANGO_GLYPH_EMPTY and encoded[start:start + len(ZWNJ.encode())].decode() == ZWNJ:
                info.glyph = glyph
                yield f"{glyph:04x}"


def _line_runs(stream: Any, line: Any) -> Iterator[tuple[Any, Any, Any]]:
    """(Pango item, glyph string, WeasyPrint's font) of each run of a Pango layout line."""
    run = line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        font, _ = stream.add_font(glyph_item.item.analysis.font)
        yield glyph_item.item, glyph_item.glyphs, font


_font_glyphs: dict[tuple[str, str], int | None] = {}


def _font_glyph(font: Any, character: str) -> int | None:
    """The glyph a font (WeasyPrint's, before subsetting) has for a character, from its cmap."""
    key = (font.hash, character)
    if key not in _font_glyphs:
        face = fontTools.ttLib.TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
        name = face.getBestCmap().get(ord(character))
        _font_glyphs[key] = None if name is None else face.getGlyphID(name)
    return _font_glyphs[key]


def _map_cluster_glyphs(stream: Any, layout: Any) -> None:
    """Give the glyphs of the first line's clusters of several glyphs their characters: the marks
    (combining characters, in logical order) to the glyphs without advance, the rest to the one
    glyph with an advance, if there is one (HarfBuzz puts marks that follow a letter in clusters of
    their own: Hebrew points, a shadda with a vowel). Clusters that do not divide so are left to
    WeasyPrint."""
    encoded = layout.text.encode()
    first_line, _ = layout.get_first_line()
    for item, glyph_string, font in _line_runs(stream, first_line):
        clusters: dict[int, list[Any]] = {}
        for i in range(glyph_string.num_glyphs):
            clusters.setdefault(glyph_string.log_clusters[i], []).append(glyph_string.glyphs[i])
        starts = sorted(clusters) + [item.length]
        for start, end in itertools.pairwise(starts):
            glyphs = clusters[start]
            text = encoded[item.offset + start:item.offset + end].decode()
            marks = [character for character in text if unicodedata.combining(character)]
            bases = [glyph for glyph in glyphs if glyph.geometry.width != 0]
            nonspacing = [glyph for glyph in glyphs if glyph.geometry.width == 0]
            if len(glyphs) < 2 or any(glyph.glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG
                                      or glyph.glyph == pango.PANGO_GLYPH_EMPTY for glyph in glyphs):
                continue
            if len(bases) != (len(text) > len(marks)) or len(nonspacing) != len(marks):
                for glyph, character in _divided_by_cmap(font, [glyph.glyph for glyph in glyphs], text).items():
                    font.to_unicode.setdefault(glyph, character)
                continue
            if bases:
                if item.analysis.level % 2:  # right to left: a letter's cluster in reverse order too
                    nonspacing.reverse()
                font.to_unicode.setdefault(bases[0].glyph, "".join(c for c in text if not unicodedata.combining(c)))
            for glyph, mark in zip(nonspacing, marks, strict=True):
                font.to_unicode.setdefault(glyph.glyph, mark)


def _divided_by_cmap(font: Any, glyphs: list[int], text: str) -> dict[int, str]:
    """A cluster of one letter and its marks, one glyph each, whose letter has no advance (the alef
    of a lam-alef drawn over the lam): each mark to its own glyph (the font's glyph for it), the
    letter to the glyph left over. Empty if the cluster does not divide so."""
    marks = [character for character in text if unicodedata.combining(character)]
    letters = [character for character in text if not unicodedata.combining(character)]
    if len(letters) != 1 or len(glyphs) != len(text):
        return {}
    divided = {glyph: mark for mark in marks if (glyph := _font_glyph(font, mark)) in glyphs}
    rest = [glyph for glyph in glyphs if glyph not in divided]
    if len(divided) != len(marks) or len(rest) != 1:
        return {}
    return {**divided, rest[0]: letters[0]}
