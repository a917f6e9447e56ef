"""Text extraction of right-to-left text: marks, punctuation and numbers repaired with /ActualText.

WeasyPrint 70 draws a positioned mark (tanwin, shadda, kasra, a Hebrew point, ...) as a glyph of its
own, raised with the text rise operator (Ts) or moved onto its letter with the TJ's spacing, before
its letter in drawing order. Extractors (poppler's pdftotext, pdfium, and screen readers that read a
PDF's text the same way) took raised text for another line and read marks before their letters.
Upstream: Kozea/WeasyPrint#2841 (text extracted from GSUB/GPOS-shaped Arabic is wrong; open).

How the two extractors read a right-to-left line (from their sources, and measured on these PDFs):
- poppler (TextOutputDev): a page with more R than L characters is read from the right: the
  longest run without L or "number" characters (digits, . , : / - + % and the Arabic comma)
  reversed, then the longest run without R characters forward, and so on. An /ActualText (of a
  /Span only) is spread over its span's glyphs, left to right, and read the same way.
- pdfium (CPDF_TextPage): text objects sorted by where they start (between changes of height),
  an object without ink or repeating one of the five before it dropped; a line is cut into runs of
  one class (L, R, weak: digits, punctuation and marks, neutral) and the runs are taken from the
  right, R runs and neutral runs after them reversed and mirrored. It reads the /ActualText of the
  innermost mark with a property list, whatever its tag (PDFIUM_ORDER_TAG), at the span's first
  object: reversed if that object's text is right to left, else as written. In a document whose
  /ViewerPreferences say /Direction /R2L every line is read as a right-to-left line.

The repair (ISO 32000-1, 14.9.4): a letter and its marks are put in one /Span (with a letter drawn
over it without advance, as the alef of a lam-alef is in Noto Naskh Arabic: the alef's marks and the
lam's in one span, each with its letter) whose /ActualText
poppler reads (the marks in reverse canonical order, then the letter) and, in right-to-left text, a
mark inside it with pdfium's text (the same between LRM, RLM, RLM and LRM, which keep pdfium from
joining the letter to the word's other letters or the marks to a period). Inside, the font's space
and the mark are drawn first, invisibly on the baseline, just before the span's leftmost glyph (so
pdfium reads the span as written and adds no space before it), then the glyphs as they were, and
the letter once more, invisibly, so that the span ends where the letter does. In right-to-left text
also punctuation, mirrored characters and numbers get spans (`_punctuation_spans`). The picture is
unchanged (pixel for pixel). Pages of left-to-right documents without raised marks are left as they
are.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import fontTools.unicodedata
import pikepdf

# Invisible characters around a repaired letter's text for pdfium (and, in left-to-right documents,
# for poppler too). A LEFT-TO-RIGHT MARK on either side keeps the marks from joining a period before
# them (in drawing order) and the letter from joining the letters after it; poppler chooses a page's
# direction by counting L and R characters, and two RIGHT-TO-LEFT MARKs even out the two LRMs.
LRM, RLM = "\u200e", "\u200f"
# The tag of the mark whose /ActualText pdfium reads instead of its /Span's (runs_reversed_for_pdfium).
PDFIUM_ORDER_TAG = "VisualOrder"
_HEX = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_RANGE = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _pdfium_class(character: str) -> str:
    """The class pdfium cuts a line into runs by (CFX_BidiChar): L, R, W (weak: digits, separators,
    marks) or N (neutral: spaces, brackets, other punctuation)."""
    bidi = unicodedata.bidirectional(character)
    if bidi == "L":
        return "L"
    if bidi in ("R", "AL"):
        return "R"
    return "W" if bidi in ("EN", "AN", "NSM", "CS", "ES", "ET", "BN") else "N"


def runs_reversed_for_pdfium(text: str) -> str:
    """`text` as pdfium must find it in a right-to-left line to give it back as written.

    pdfium (CPDF_TextPage::CloseTempLine) cuts a right-to-left line into runs of one class and takes
    the runs from the right, each read forward, except right-to-left runs and neutral runs after
    them, which are read backward. So the runs here are put in reverse order and those pdfium reads
    backward are reversed: its reading restores `text`, as long as the passage's neighbours are of
    another class (a passage between LEFT-TO-RIGHT MARKs is: strong L at both ends)."""
    runs, direction = [], "R"  # a right-to-left line starts right to left
    for kind, characters in itertools.groupby(text, _pdfium_class):
        run = "".join(characters)
        backward = kind == "R" or (kind == "N" and direction == "R")
        if kind in ("L", "R"):
            direction = kind
        runs.append(run[::-1] if backward else run)
    return "".join(reversed(runs))


def _unicode_map(font: pikepdf.Dictionary) -> dict[bytes, str]:
    """Glyph code (2 bytes, Identity-H) -> characters, from the font's ToUnicode CMap."""
    mapping: dict[bytes, str] = {}
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in _HEX.findall(block):
            mapping[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, text in _RANGE.findall(block):
            start = int(text, 16)
            for code in range(int(first, 16), int(last, 16) + 1):
                mapping[code.to_bytes(2, "big")] = chr(start + code - int(first, 16))
    return mapping


def _widths(font: pikepdf.Dictionary) -> dict[bytes, float]:
    """Glyph code -> advance width (thousandths of the font size), from the CIDFont's /W array."""
    widths: dict[bytes, float] = {}
    descendant = font.DescendantFonts[0]
    entries = list(descendant.get("/W", pikepdf.Array()))
    index = 0
    while index < len(entries):
        first = int(entries[index])
        if isinstance(entries[index + 1], pikepdf.Array):
            for offset, width in enumerate(entries[index + 1]):
                widths[(first + offset).to_bytes(2, "big")] = float(width)
            index += 2
        else:
            for code in range(first, int(entries[index + 1]) + 1):
                widths[code.to_bytes(2, "big")] = float(entries[index + 2])
            index += 3
    default = float(descendant.get("/DW", 1000))
    return defaultdict(lambda: default, widths)


@dataclass(frozen=True)
class _Font:
    characters: dict[bytes, str]  # ToUnicode
    widths: dict[bytes, float]
    space: bytes | None  # the code of the font's space, if it has one


def _glyphs(array: pikepdf.Array) -> list[bytes]:
    return [bytes(item)[i:i + 2] for item in array if isinstance(item, pikepdf.String)
            for i in range(0, len(bytes(item)), 2)]


def _is_marks(text: str) -> bool:
    return bool(text) and all(unicodedata.combining(ch) for ch in text)


def _marks_then_letter(marks: str, letter: str) -> str:
    """The text of a letter and its marks in the order extractors expect glyphs of right-to-left text
    (they reverse it): the marks, last first, in canonical order (by combining class, as NFC orders
    them), then the letter's own text (ToUnicode gives a ligature such as lam-alef in drawing order)."""
    return "".join(sorted(marks, key=unicodedata.combining))[::-1] + letter


def _clusters_text(clusters: list[tuple[str, str]]) -> str:
    """The text of letters drawn as one (marks, letter) each, in drawing order: a lam-alef is its
    alef, drawn over the lam without advance, then the lam, each with its own marks."""
    return "".join(_marks_then_letter(marks, letter) for marks, letter in clusters)


def _drawing_order(clusters: list[tuple[str, str]]) -> str:
    """`_clusters_text` between the bidi marks pdfium needs (see LRM, RLM), with a LEFT-TO-RIGHT
    MARK between two letters: pdfium reverses the text and then each right-to-left run once more,
    so the alef and lam of a lam-alef side by side came out swapped."""
    return LRM + RLM + RLM + LRM.join(_marks_then_letter(marks, letter) for marks, letter in clusters) + LRM


def _span(text: str, tag: str = "Span") -> pikepdf.ContentStreamInstruction:
    properties = pikepdf.Dictionary(ActualText=pikepdf.String(text))
    return pikepdf.ContentStreamInstruction([pikepdf.Name("/" + tag), properties], pikepdf.Operator("BDC"))


_EMC = pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))


def _split_first_glyph(array: pikepdf.Array) -> tuple[list, pikepdf.Array] | None:
    """`array` (a TJ operand) as (its items up to and including its first glyph, the rest)."""
    head: list = []
    for index, item in enumerate(array):
        if isinstance(item, pikepdf.String) and len(bytes(item)) >= 2:
            data = bytes(item)
            head.append(pikepdf.String(data[:2]))
            rest = ([pikepdf.String(data[2:])] if len(data) > 2 else []) + list(array[index + 1:])
            return head, pikepdf.Array(rest)
        head.append(item)
    return None


def _tj(*items: object) -> pikepdf.ContentStreamInstruction:
    return pikepdf.ContentStreamInstruction([pikepdf.Array(items)], pikepdf.Operator("TJ"))


def _ts(rise: float) -> pikepdf.ContentStreamInstruction:
    return pikepdf.ContentStreamInstruction([rise], pikepdf.Operator("Ts"))


def _redrawn_in_span(held: list, head: list, font: _Font, render_mode: int, odd: bool) -> list | None:
    """The raised marks (`held`: rises and TJs, with any letters without advance drawn over the
    letter: the alef of a lam-alef) and their letter (`head`: the start of the next TJ, up to the
    letter's glyph) drawn after invisible glyphs that pdfium reads the span's direction from
    (`_lead`), each glyph where and in the order it was: same picture (overlapping glyphs drawn in
    another order differ in a pixel's anti-aliasing); extractors place the replacement text where
    the span's first glyph is, on the line and in its word. None if `held` is not rises and TJs."""
    position, rise = 0.0, 0.0  # in thousandths of the font size, from the pen before the marks
    glyphs: list[tuple[bytes, float, float]] = []  # glyph, where it is drawn, its rise
    for instruction in held:
        operator = str(instruction.operator)
        if operator == "Ts":
            rise = float(instruction.operands[0])
        elif operator == "TJ":
            for item in instruction.operands[0]:
                if isinstance(item, pikepdf.String):
                    for glyph in _glyphs(pikepdf.Array([item])):
                        glyphs.append((glyph, position, rise))
                        position += font.widths[glyph]
                else:
                    position -= float(item)
        else:
            return None
    marks = [glyph for glyph, _, _ in glyphs if _is_marks(font.characters.get(glyph, ""))]
    if rise != 0 or not marks:
        return None
    letter = bytes(head[-1])
    for item in head[:-1]:
        position -= float(item) if not isinstance(item, pikepdf.String) else 0.0
    letter_at = position
    glyphs.append((letter, letter_at, 0.0))
    end = letter_at + font.widths[letter]  # where the rest of the line continues
    start = min(at for _, at, _ in glyphs)  # the span's leftmost glyph
    # First, invisibly on the baseline, the first mark: pdfium takes the direction of a span's text
    # from the span's first glyph, and reads the text of a span that starts with a letter of a
    # right-to-left script reversed (the mark before its letter).
    drawn = [_tr(3), _tj(*_lead(font, marks[0], start, end, odd)), _tr(render_mode)]
    pen, rise = start, 0.0
    for glyph, at, glyph_rise in glyphs:
        drawn += [_ts(glyph_rise)] if glyph_rise != rise else []
        drawn.append(_tj(-(at - pen), pikepdf.String(glyph)) if at != pen else _tj(pikepdf.String(glyph)))
        pen, rise = at + font.widths[glyph], glyph_rise
    # The letter once more, invisible (render mode 3), so that the span also ends where the letter
    # ends: extractors spread the replacement text over the span's extent.
    drawn += [_tr(3), _tj(-(letter_at - pen), pikepdf.String(letter)), _tr(render_mode)]
    return drawn


def _lead(font: _Font, mark: bytes, start: float, end: float, odd: bool) -> list[object]:
    """The TJ operand of the invisible glyphs a repaired span starts with: the font's space (pdfium
    generates no space before it; the mark in a font without one) at the span's start (its leftmost
    glyph: a mark can stand left of its letter), then the mark, ending where the letter ends (pdfium
    measures the gap to the next glyph from there); the pen is left at the start. The space starts a
    thousandth of an em before the span: pdfium sorts a line's text objects by where they start.
    The lead of every other repaired letter (`odd`) has
    the mark twice: pdfium drops a text object with the same glyphs as one of the five before it,
    near it (the copies of fake bold), and so dropped the lead of a letter with the same mark as the
    letter before it."""
    pen = start - 1
    first = font.space if font.space is not None else mark
    items: list[object] = [-pen, pikepdf.String(first)]
    pen += font.widths[first]
    width = font.widths[mark]
    items += [-(end - width - pen), pikepdf.String(mark), *([width, pikepdf.String(mark)] if odd else []), end - start]
    return items


def _tr(mode: int) -> pikepdf.ContentStreamInstruction:
    return pikepdf.ContentStreamInstruction([mode], pikepdf.Operator("Tr"))


def repair_text(pdf: pikepdf.Pdf, direction: str) -> int:
    """Repair the marks of every page; a right-to-left document (`direction` "rtl") says so in its
    /ViewerPreferences (viewers put facing pages right to left; pdfium reads its lines from the
    right). Returns how many letters were repaired."""
    right_to_left = direction == "rtl"
    if right_to_left:
        if "/ViewerPreferences" not in pdf.Root:
            pdf.Root.ViewerPreferences = pikepdf.Dictionary()
        pdf.Root.ViewerPreferences.Direction = pikepdf.Name.R2L
    return repair_marks(pdf, right_to_left)


def repair_marks(pdf: pikepdf.Pdf, right_to_left: bool = False) -> int:
    """Give marks and their letters /ActualText on every page: raised marks, and in right-to-left
    text also marks drawn on the baseline (Hebrew points: WeasyPrint moves them onto their letter
    with the TJ's spacing, and both extractors read them before it). Returns how many letters."""
    fonts: dict[tuple[int, int], _Font] = {}
    repaired = 0
    for page in pdf.pages:
        contents = page.obj.Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        if right_to_left or any(b" Ts" in stream.read_bytes() for stream in streams):  # no rise, no raised marks
            repaired += _repair_page(pdf, page, fonts, right_to_left)
    return repaired


def _pieces(array: pikepdf.Array, font: _Font) -> list[pikepdf.Array]:
    """A TJ operand cut where its glyphs change from marks to other glyphs or back (each number
    goes with the glyph after it): drawn one after the other, the pieces draw the same."""
    pieces: list[list[object]] = []
    pending: list[object] = []  # numbers waiting for their glyph
    previous: bool | None = None  # whether the last glyph was a mark
    for item in array:
        if not isinstance(item, pikepdf.String):
            pending.append(item)
            continue
        for glyph in _glyphs(pikepdf.Array([item])):
            mark = _is_marks(font.characters.get(glyph, ""))
            if mark != previous:
                pieces.append([])
                previous = mark
            pieces[-1] += [*pending, pikepdf.String(glyph)]
            pending = []
    if not pieces:
        return [array]
    pieces[-1] += pending
    return [pikepdf.Array(piece) for piece in pieces]


def _repair_page(pdf: pikepdf.Pdf, page: pikepdf.Page, fonts: dict[tuple[int, int], _Font],
                 right_to_left: bool) -> int:
    resources = page.Resources.get("/Font", pikepdf.Dictionary())
    output: list = []
    held: list = []  # from the rise that raised marks on (or the marks): waiting for the marks' letter
    marks = ""  # the characters of the held marks
    bases: list[tuple[str, str]] = []  # held letters without advance (marks, letter), drawn over the next letter
    font: _Font | None = None
    render_mode = 0  # the text render mode in force (Tr)
    replaced: list[bool] = []  # the marked content open here: whether each has /ActualText
    count = 0
    # Whether the text drawn last is a space on its own: pdfium skips a text object without ink, and
    # generates no space before a repaired letter (its span starts with a space), so that it lost the
    # space between two words that meet at repaired letters. The next repaired letter's text for
    # pdfium then starts with it.
    lone_space = False

    def placed(piece: pikepdf.Array) -> list:
        """A piece drawn where no mark waits for it: its punctuation repaired, outside replacement text."""
        nonlocal lone_space
        text = "".join(font.characters.get(glyph, "") for glyph in _glyphs(piece)) if font else ""
        lone_space = text.isspace() or (lone_space and not text)  # (a piece of numbers only: no text)
        return _punctuation_spans(piece, font) if right_to_left and font and not any(replaced) else [_tj(*piece)]

    for instruction in pikepdf.parse_content_stream(page):
        operator = str(instruction.operator)
        if operator == "Tr":
            render_mode = int(instruction.operands[0])
        elif operator in ("BDC", "BMC"):
            properties = instruction.operands[-1]
            replaced.append(isinstance(properties, pikepdf.Dictionary) and "/ActualText" in properties)
        elif operator == "EMC" and replaced:
            replaced.pop()
        if operator == "Tf":
            font = _font(resources.get(str(instruction.operands[0])), fonts)
        elif operator == "TJ" and font is not None:
            array = pikepdf.Array(instruction.operands[0])
            pieces = _pieces(array, font) if right_to_left else [array]
            whole = len(pieces) == 1  # the instruction is drawn as it is
            while pieces:
                piece = pieces.pop(0)
                drawn = instruction if whole else _tj(*piece)
                text = "".join(font.characters.get(glyph, "") for glyph in _glyphs(piece))
                if _is_marks(text) and (right_to_left or held or (output and str(output[-1].operator) == "Ts")):
                    if not held:
                        # marks on a letter that a letter without advance is drawn over: one span for the three
                        base = _take_base(output, font) if right_to_left else None
                        if output and str(output[-1].operator) == "Ts":  # the span starts before the rise
                            held.append(output.pop())
                        if base is not None:
                            held.insert(0, _tj(base))
                            bases.append(("", font.characters[bytes(base)]))
                    held.append(drawn)
                    marks += text
                    continue
                split = _split_first_glyph(piece) if marks or bases else None
                if split is None:
                    if held:
                        held.append(drawn)
                    else:
                        output += placed(piece)
                    continue
                head, rest = split
                letter = "".join(font.characters.get(glyph, "") for glyph in _glyphs(pikepdf.Array(head)))
                if right_to_left and _is_base(bytes(head[-1]), font):
                    # a letter without advance (the alef of a lam-alef): one span with the letter it is drawn over
                    held.append(_tj(*head))
                    bases.append((marks, letter))
                    marks = ""
                    pieces[:0] = [rest] if len(rest) else []
                    whole = False
                    continue
                clusters = [*bases, (marks, letter)]
                redrawn = _redrawn_in_span(held, head, font, render_mode, count % 2 == 1)
                if redrawn is None:  # not as WeasyPrint writes it: only the text is given
                    redrawn = [*held, _tj(*head)]
                if right_to_left:  # poppler reads the /Span's text, pdfium that of the mark inside it
                    output += [_span(_clusters_text(clusters)),
                               _span(" " * lone_space + _drawing_order(clusters), PDFIUM_ORDER_TAG),
                               *redrawn, _EMC, _EMC]
                    lone_space = False
                else:
                    output += [_span(_drawing_order(clusters)), *redrawn, _EMC]
                if len(rest):
                    output += placed(rest)
                held, marks, bases = [], "", []
                count += 1
            continue
        (held if held else output).append(instruction)
    output += held  # marks with no letter after them (WeasyPrint writes none such): left as they were
    if count or any(str(instruction.operator) == "BDC" and "/ActualText" in instruction.operands[1]
                    for instruction in output if str(instruction.operator) == "BDC"):
        page.obj.Contents = pdf.make_stream(_unparse(output))
    return count


def _is_base(glyph: bytes, font: _Font) -> bool:
    """Whether a glyph is a letter drawn without advance over the letter after it (in drawing
    order): the alef of a lam-alef, in fonts that draw the ligature as two glyphs."""
    text = font.characters.get(glyph, "")
    return font.widths[glyph] == 0 and bool(text) and all(unicodedata.category(ch).startswith("L") for ch in text)


def _take_base(output: list, font: _Font) -> pikepdf.String | None:
    """The last glyph drawn, taken off `output`, if it is a letter without advance (`_is_base`) at
    the end of a TJ, possibly before a rise: the marks that follow are on the letter it is drawn
    over, and the three go in one span."""
    at = len(output) - 1 - (bool(output) and str(output[-1].operator) == "Ts")
    if at < 0 or str(output[at].operator) != "TJ":
        return None
    items = list(output[at].operands[0])
    if not items or not isinstance(items[-1], pikepdf.String) or len(bytes(items[-1])) < 2:
        return None
    data = bytes(items[-1])
    if not _is_base(data[-2:], font):
        return None
    kept = items[:-1] + ([pikepdf.String(data[:-2])] if len(data) > 2 else [])
    output[at:at + 1] = [_tj(*kept)] if kept else []
    return pikepdf.String(data[-2:])


# Punctuation that poppler counts with digits (its "number" class): in a right-to-left line it reads
# it, and the neutral characters beside it up to the next right-to-left letter, from left to right.
_POPPLER_NUMBER_PUNCTUATION = frozenset(".,:/-+%\u060c")
_NUMBER_CLASSES = ("EN", "AN", "CS", "ES", "ET")  # digits and what stands in numbers (bidi classes)


def _punctuation_spans(piece: pikepdf.Array, font: _Font) -> list:
    """A piece of right-to-left text with its punctuation repaired for extractors, each in a /Span:

    - Punctuation poppler takes for part of a number (. , : / - + % and the Arabic comma), outside
      numbers: with a RIGHT-TO-LEFT MARK on either side. poppler read the space before a period
      after it, or an opening quotation mark after a colon before it ("«:"); between strong
      right-to-left characters it reads the punctuation on its own.
    - A mirrored character (brackets, quotation marks): drawn mirrored, and pdfium mirrors it once
      more where it reads right to left (« came out as »). pdfium reads, from the mark inside the
      /Span (PDFIUM_ORDER_TAG), the mirrored character, which it mirrors back; poppler and
      conforming readers read the character itself. (Between right-to-left marks, pdfium read the
      word beside it backwards: measured.)
    - A number: its leftmost digit with a RIGHT-TO-LEFT MARK before it. poppler read the space after
      a number before it ("حوالي  15دقيقة"): it reads a number, and the neutral characters left of it
      up to the next right-to-left letter, from left to right."""
    items: list[tuple[list[object], bytes]] = []  # each glyph with the numbers before it
    pending: list[object] = []
    for item in piece:
        if not isinstance(item, pikepdf.String):
            pending.append(item)
            continue
        for glyph in _glyphs(pikepdf.Array([item])):
            items.append((pending, glyph))
            pending = []
    texts = [font.characters.get(glyph, "") for _, glyph in items]
    output: list = []
    plain: list[object] = []  # glyphs (with their numbers) drawn as they are, not yet written
    for index, ((numbers, glyph), text) in enumerate(zip(items, texts, strict=True)):
        beside = texts[index - 1:index] + texts[index + 1:index + 2]
        mirrored = fontTools.unicodedata.mirrored(ord(text)) if len(text) == 1 else None
        number_like = text in _POPPLER_NUMBER_PUNCTUATION and not any(
            unicodedata.bidirectional(character) in ("EN", "AN") for near in beside for character in near)
        number_start = len(text) == 1 and unicodedata.bidirectional(text) in ("EN", "AN") and not (
            index and any(unicodedata.bidirectional(character) in _NUMBER_CLASSES for character in texts[index - 1]))
        if mirrored is None and not number_like and not number_start:
            plain += [*numbers, pikepdf.String(glyph)]
            continue
        if plain:
            output.append(_tj(*plain))
            plain = []
        if number_start:
            output += [_span(RLM + text), _span(text, PDFIUM_ORDER_TAG), _tj(*numbers, pikepdf.String(glyph)), _EMC, _EMC]
            continue
        output.append(_span(RLM + text + RLM if number_like else text))
        output.append(_span(LRM + text + LRM if mirrored is not None else text, PDFIUM_ORDER_TAG))
        output += [_tj(*numbers, pikepdf.String(glyph)), _EMC, _EMC]
    if plain or pending:
        output.append(_tj(*plain, *pending))
    return output


def _number(value: object) -> bytes:
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)).encode("ascii") if number.is_integer() else f"{number:.6f}".rstrip("0").encode("ascii")


def _unparse(instructions: list) -> bytes:
    """The content stream as WeasyPrint writes it: strings in hex, never literal (...), so that the
    PDF/UA check's fast scan still reads it (pdf/contentstream.py)."""
    lines = []
    for instruction in instructions:
        operator, operands = str(instruction.operator), list(instruction.operands)
        if operator == "TJ":
            items = (b"<" + bytes(item).hex().encode("ascii") + b">" if isinstance(item, pikepdf.String)
                     else _number(item) for item in operands[0])
            lines.append(b"[" + b" ".join(items) + b"] TJ")
        elif operator == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/ActualText" in operands[1]:
            text = str(operands[1].ActualText)
            lines.append(operands[0].unparse() + b" <</ActualText <FEFF"
                         + text.encode("utf-16-be").hex().upper().encode("ascii") + b">>> BDC")
        elif operator == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and not operands[1].keys():
            lines.append(operands[0].unparse() + b" <<>> BDC")  # as pydyf writes it ("<< >>" is not plain)
        else:
            lines.append(pikepdf.unparse_content_stream([instruction]).rstrip(b"\n"))
    return b"\n".join(lines) + b"\n"


def _font(font: pikepdf.Object | None, fonts: dict[tuple[int, int], _Font]) -> _Font | None:
    """A Type0 (Identity-H) font's ToUnicode and widths; None for other fonts (not WeasyPrint's)."""
    if not isinstance(font, pikepdf.Dictionary) or font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
        return None
    if font.objgen not in fonts:
        characters = _unicode_map(font)
        space = next((code for code, text in characters.items() if text == " "), None)
        fonts[font.objgen] = _Font(characters, _widths(font), space)
    return fonts[font.objgen]
