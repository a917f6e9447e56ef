"""Text extraction of Arabic marks repaired with /ActualText.

WeasyPrint 70 draws a positioned mark (tanwin, shadda, kasra, ...) as a glyph of its own, raised
with the text rise operator (Ts), before the letter it belongs to. Extractors (poppler's pdftotext,
pdfium, and the screen readers that read a PDF's text the same way) take raised text for another
line: the marks come out apart from their letters, often on a line of their own. Upstream:
Kozea/WeasyPrint#2841 (ToUnicode and extraction of GSUB/GPOS-shaped Arabic, open).

The repair: the raised marks and the letter drawn after them (their base) are put in one
marked-content span with /ActualText: the marks and the letter, in drawing order (ISO 32000-1,
14.9.4). The drawing is unchanged; poppler (pdftotext) puts the characters of a right-to-left line into
reading order itself, which now gives letter + marks, as written, on their line. pdfium keeps the
replacement in drawing order (the mark before its letter, on the same line: the same text to the
eye, not the same characters). Pages without raised marks are untouched.
"""

from __future__ import annotations

import re
import unicodedata

import pikepdf

_HEX = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_RANGE = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _unicode_map(font: pikepdf.Dictionary) -> dict[bytes, str]:
    """Glyph code (2 bytes, Identity-H) -> characters, from the font's ToUnicode CMap."""
    mapping: dict[bytes, str] = {}
    if "/ToUnicode" not in font or font.get("/Subtype") != "/Type0":
        return mapping
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


def _glyphs(array: pikepdf.Array) -> list[bytes]:
    return [bytes(item)[i:i + 2] for item in array if isinstance(item, pikepdf.String)
            for i in range(0, len(bytes(item)), 2)]


def _is_marks(text: str) -> bool:
    return bool(text) and all(unicodedata.combining(ch) for ch in text)


def _span(text: str) -> pikepdf.ContentStreamInstruction:
    properties = pikepdf.Dictionary(ActualText=pikepdf.String(text))
    return pikepdf.ContentStreamInstruction([pikepdf.Name.Span, properties], pikepdf.Operator("BDC"))


_EMC = pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))


def _split_first_glyph(array: pikepdf.Array) -> tuple[pikepdf.Array, pikepdf.Array] | None:
    """`array` (a TJ operand) as (everything up to its first glyph, the rest)."""
    head: list = []
    for index, item in enumerate(array):
        if isinstance(item, pikepdf.String) and len(bytes(item)) >= 2:
            data = bytes(item)
            head.append(pikepdf.String(data[:2]))
            rest = ([pikepdf.String(data[2:])] if len(data) > 2 else []) + list(array[index + 1:])
            return pikepdf.Array(head), pikepdf.Array(rest)
        head.append(item)
    return None


def repair_marks(pdf: pikepdf.Pdf) -> int:
    """Give raised marks and their letters /ActualText on every page; returns how many letters."""
    maps: dict[tuple[int, int], dict[bytes, str]] = {}
    repaired = 0
    for page in pdf.pages:
        contents = page.obj.Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        if any(b" Ts" in stream.read_bytes() for stream in streams):  # no rise, no raised marks
            repaired += _repair_page(pdf, page, maps)
    return repaired


def _repair_page(pdf: pikepdf.Pdf, page: pikepdf.Page, maps: dict[tuple[int, int], dict[bytes, str]]) -> int:
    fonts = page.Resources.get("/Font", pikepdf.Dictionary())
    output: list = []
    held: list = []  # from the rise that raised marks on: waiting for the marks' letter
    marks = ""  # the characters of the held marks
    font_map: dict[bytes, str] = {}
    count = 0
    for instruction in pikepdf.parse_content_stream(page):
        operator = str(instruction.operator)
        if operator == "Tf":
            font = fonts.get(str(instruction.operands[0]))
            key = font.objgen if font is not None else (0, 0)
            if key not in maps:
                maps[key] = _unicode_map(font) if font is not None else {}
            font_map = maps[key]
        elif operator == "TJ" and font_map:
            array = instruction.operands[0]
            text = "".join(font_map.get(glyph, "") for glyph in _glyphs(array))
            if _is_marks(text):
                if not held and output and str(output[-1].operator) == "Ts":  # the span starts before the rise
                    held.append(output.pop())
                held.append(instruction)
                marks += text
                continue
            split = _split_first_glyph(array) if marks else None
            if split is not None:
                head, rest = split
                letter = "".join(font_map.get(glyph, "") for glyph in _glyphs(head))
                output += [_span(marks + letter), *held, pikepdf.ContentStreamInstruction([head], instruction.operator),
                           _EMC]
                if len(rest):
                    output.append(pikepdf.ContentStreamInstruction([rest], instruction.operator))
                held, marks = [], ""
                count += 1
                continue
        (held if held else output).append(instruction)
    output += held  # marks with no letter after them (WeasyPrint writes none such): left as they were
    if count:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(output))
    return count
