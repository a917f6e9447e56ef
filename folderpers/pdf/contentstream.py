"""Marked content in page content streams (ISO 32000-1, 14.6 and 14.8.2.2): the one place that
reads and rewrites the marks, for the PDF/UA checks and for finishing the structure tree.

A content stream in the plain form WeasyPrint (pydyf) writes is read by pattern, several times
faster than pikepdf's parser; any other stream (literal strings, comments, inline images, spaces
inside hex strings, nested dictionaries), or one where the patterns do not agree, is parsed in
full. Both ways give the same result: the tests compare them on every page of the examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pikepdf


class Operation(NamedTuple):
    """A marking or painting operator; for BDC/BMC the tag, and the MCID if it has one."""

    operator: str
    tag: str | None = None
    mcid: int | None = None


@dataclass(frozen=True)
class Artifact:
    """How content that is not part of the text is marked (ISO 32000-1, 14.8.2.2)."""

    type: str  # Pagination (running headers, footers, page numbers) or Layout (decoration)
    subtype: str | None = None  # Header or Footer, for pagination

    def properties(self) -> pikepdf.Dictionary:
        properties = pikepdf.Dictionary(Type=pikepdf.Name(f"/{self.type}"))
        if self.subtype:
            properties.Subtype = pikepdf.Name(f"/{self.subtype}")
        return properties

    @property
    def pdf_properties(self) -> bytes:
        """`properties()` as pikepdf writes it in a content stream (keys sorted)."""
        subtype = f"/Subtype /{self.subtype} " if self.subtype else ""
        return f"<< {subtype}/Type /{self.type} >>".encode("ascii")


PAGINATION = Artifact("Pagination")
DECORATION = Artifact("Layout")

PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Tj", "TJ", "'", '"', "Do",
                      "INLINE IMAGE"})
_MARKING_AND_PAINTING = " ".join(sorted(PAINTING - {"INLINE IMAGE"} | {"BDC", "BMC", "EMC", "BI", "ID", "EI"}))

# In a content stream without literal strings, comments, inline images or spaces inside hex strings,
# every operator is a word after a space or a closing delimiter: one pattern finds them, another the
# marks with their tags and properties.
_HEX_WITH_SPACES = re.compile(rb"<[0-9A-Fa-f]+\s|<\s+[0-9A-Fa-f>]")
_REGULAR = rb"[^\s()<>\[\]{}/%]"
_OPERATOR = re.compile(rb"[\s\]>]([A-Za-z'\"]" + _REGULAR + rb"*)")
# (a property list may hold hex strings: the /ActualText of repaired Arabic marks, pdf/actual_text.py)
_MARK = re.compile(rb"(/" + _REGULAR + rb"*)\s*(<<(?:[^<>]|<[0-9A-Fa-f]*>)*>>|/" + _REGULAR + rb"*)?\s*(B[DM]C)(?!"
                   + _REGULAR + rb")")
_MCID = re.compile(rb"/MCID\s+(\d+)")
_KEYWORDS = frozenset({b"true", b"false", b"null"})
_PAINTING_WORDS = frozenset(operator.encode("latin-1") for operator in PAINTING)


def _plain(content: bytes) -> bool:
    return not any(sign in content for sign in (b"(", b"%", b"{", b"BI")) and not _HEX_WITH_SPACES.search(content)


def _marks(content: bytes, operators: list[bytes]) -> list[re.Match[bytes]] | None:
    """The marks (BDC/BMC with their operands) of a plain stream, None if they are not exactly its
    BDC/BMC operators (a nested dictionary, say)."""
    marks = list(_MARK.finditer(content))
    if sum(1 for word in operators if word in (b"BDC", b"BMC")) != len(marks):
        return None
    return marks


def _mcid(mark: re.Match[bytes]) -> int | None:
    properties = mark[2] or b""
    found = _MCID.search(properties) if mark[3] == b"BDC" and properties.startswith(b"<<") else None
    return int(found[1]) if found else None


def _operators(content: bytes) -> list[bytes]:
    return [word for word in _OPERATOR.findall(b"\n" + content) if word not in _KEYWORDS]


def scan(content: bytes) -> list[Operation] | None:
    """The marking and painting operations of a plain content stream, in order; None when the stream
    is not plain and must be parsed."""
    if not _plain(content):
        return None
    operators = _operators(content)
    marks = _marks(content, operators)
    if marks is None:
        return None
    found: list[Operation] = []
    next_mark = iter(marks)
    for word in operators:
        if word in (b"BDC", b"BMC"):
            mark = next(next_mark)
            found.append(Operation(word.decode(), mark[1].decode("latin-1"), _mcid(mark)))
        elif word == b"EMC" or word in _PAINTING_WORDS:
            found.append(Operation(word.decode("latin-1")))
    return found


def operations(page: pikepdf.Page) -> Iterator[Operation]:
    """The page's marking and painting operations, in order (scanned if plain, else parsed)."""
    contents = page.obj.get("/Contents")
    scanned = scan(contents.read_bytes()) if isinstance(contents, pikepdf.Stream) else None
    if scanned is not None:
        yield from scanned
        return
    for instruction in pikepdf.parse_content_stream(page, _MARKING_AND_PAINTING):
        operator = str(instruction.operator)
        tag = mcid = None
        if operator in ("BDC", "BMC") and len(instruction.operands):
            tag, properties = str(instruction.operands[0]), instruction.operands[-1]
            if operator == "BDC" and isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                mcid = int(properties.MCID)
        yield Operation(operator, tag, mcid)


def marked_content(page: pikepdf.Page) -> tuple[int, list[int]]:
    """How many painting operations stand outside any marked content (neither tagged nor an
    artifact), and the MCIDs the page uses."""
    untagged, mcids, stack = 0, [], []
    for operator, tag, mcid in operations(page):
        if operator in ("BDC", "BMC"):
            if tag == "/Artifact":
                stack.append("artifact")
            elif mcid is not None:
                mcids.append(mcid)
                stack.append("content")
            else:
                stack.append("")
        elif operator == "EMC" and stack:
            stack.pop()
        elif operator in PAINTING and not any(stack):
            untagged += 1
    return untagged, mcids


def mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, artifacts: Mapping[int, Artifact], mcids: int) -> None:
    """Rewrite `/Tag <</MCID n>> BDC` as `/Artifact <</Type ...>> BDC` for these MCIDs (of `mcids` on the page)."""
    contents = page.obj.Contents
    if isinstance(contents, pikepdf.Stream):
        rewritten = rewrite_marks(contents.read_bytes(), artifacts, mcids)
        if rewritten is not None:
            page.obj.Contents = pdf.make_stream(rewritten)
            return
    instructions = []  # not plain: parse the content stream in full
    for instruction in pikepdf.parse_content_stream(page):
        operands = instruction.operands if isinstance(instruction, pikepdf.ContentStreamInstruction) else None
        if operands is not None and str(instruction.operator) == "BDC" and len(operands) == 2 \
                and isinstance(operands[1], pikepdf.Dictionary) and int(operands[1].get("/MCID", -1)) in artifacts:
            properties = artifacts[int(operands[1].MCID)].properties()
            instruction = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact, properties], pikepdf.Operator("BDC"))
        instructions.append(instruction)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def rewrite_marks(content: bytes, artifacts: Mapping[int, Artifact], mcids: int) -> bytes | None:
    """The plain content with the artifacts' marks rewritten; None if the stream is not plain or its
    marks with an MCID are not exactly MCIDs 0 to `mcids`-1, each once."""
    if not _plain(content):
        return None
    marks = _marks(content, _operators(content))
    if marks is None:
        return None
    pieces: list[bytes] = []
    found: list[int] = []
    start = 0
    for mark in marks:
        mcid = _mcid(mark)
        if mcid is None:
            continue
        found.append(mcid)
        if mcid in artifacts:
            pieces += (content[start:mark.start()], b"/Artifact ", artifacts[mcid].pdf_properties, b" BDC")
            start = mark.end()
    if sorted(found) != list(range(mcids)):
        return None
    pieces.append(content[start:])
    return b"".join(pieces)
