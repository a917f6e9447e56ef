"""The PDF's structure tree, finished beyond what WeasyPrint 70 writes (PDF/UA-1, ISO 14289-1).

WeasyPrint builds the tree page by page from layout boxes and keeps no link to the HTML, so two
steps are needed:

1. While WeasyPrint writes a tagged PDF (`recording()`), every structure element it makes is
   noted with the HTML element it came from, and what WeasyPrint drops is put in directly:
   - `<th scope>` becomes /Scope in the cell's attributes (WeasyPrint only uses it for /Headers);
   - `<aside>` becomes /Aside, role-mapped to /Sect, instead of /NonStruct;
   - a link's annotation is described by the link's text (WeasyPrint writes the bare address);
   - `<ul>`/`<ol>` get /ListNumbering from their list-style-type;
   - `<img alt="">`, the HTML way to say an image is decoration, is not refused (WeasyPrint logs
     an error for it) but noted, and becomes a layout artifact;
   - an element with a `lang` attribute (a passage in another language than the document's) gets
     /Lang, so that a screen reader switches voice (WeasyPrint sets only the document's).
2. `finish_structure()` then works on the written PDF with pikepdf:
   - the pieces of an element are joined into one: WeasyPrint makes one per page (#2903) for a
     paragraph, list, table or section that crosses a page break, and one per line for a link;
     two neighbouring pieces of one HTML element are always one element (an element's anonymous
     boxes are never neighbours: WeasyPrint makes one box of adjacent inline content);
   - table headers repeated on following pages become pagination artifacts, and the cells there
     point at the original header cells;
   - text of page-margin boxes (running header, footer, page numbers) becomes pagination
     artifacts (WeasyPrint marks it as content of no structure element, #1836);
   - decorative images leave the tree and become layout artifacts.

The hints are keyed by object number: pikepdf keeps the numbers WeasyPrint (pydyf) wrote.
"""

from __future__ import annotations

import contextlib
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
import pydyf
from weasyprint.formatting_structure.boxes import MarginBox

from folderpers.render.weasyprint_patches import structure_tree_builder

ROLE_MAP = {"Aside": "Sect"}  # our structure types that PDF 1.7 does not define, and what they are
_STRUCTURE_TYPES = {"aside": "/Aside"}  # HTML elements WeasyPrint leaves as NonStruct
_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}
_LIST_NUMBERING = {"disc": "/Disc", "circle": "/Circle", "square": "/Square", "decimal": "/Decimal",
                   "lower-roman": "/LowerRoman", "upper-roman": "/UpperRoman", "lower-alpha": "/LowerAlpha",
                   "lower-latin": "/LowerAlpha", "upper-alpha": "/UpperAlpha", "upper-latin": "/UpperAlpha"}
_REPEATED_GROUPS = ("/THead", "/TFoot")  # what WeasyPrint draws again on every page a table spans


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


@dataclass(frozen=True)
class ElementHint:
    """What the PDF does not say about a structure element WeasyPrint made."""

    key: int  # the HTML element (or pseudo-element) it was made from: equal keys, same element
    artifact: Artifact | None  # set when its content is not text: margin boxes, decorative images


@dataclass
class StructureHints:
    """Hints by object number, filled while WeasyPrint writes one PDF."""

    elements: dict[int, ElementHint] = field(default_factory=dict)
    _keys: dict[tuple[int, str | None], int] = field(default_factory=dict, repr=False)
    _margin: list[str] = field(default_factory=list, repr=False)

    def note(self, element: pydyf.Dictionary, box, decorative: bool) -> None:
        # An element passes up through the calls for its ancestors (html, body, page): the first,
        # innermost call is the one that made it.
        if element.number in self.elements:
            return
        key = self._keys.setdefault((id(box.element), box.element_tag), len(self._keys))
        artifact = _pagination(self._margin[-1]) if self._margin else DECORATION if decorative else None
        self.elements[element.number] = ElementHint(key, artifact)
        _complete(element, box)


def _pagination(at_keyword: str) -> Artifact:
    subtype = "Header" if at_keyword.startswith("@top") else "Footer" if at_keyword.startswith("@bottom") else None
    return Artifact("Pagination", subtype)


def _decorative(box) -> bool:
    return box.element_tag == "img" and box.element.get("alt") == ""


def _complete(element: pydyf.Dictionary, box) -> None:
    """Put in what WeasyPrint knows from the HTML but leaves out of the structure element."""
    tag = box.element_tag
    language = box.element.get("lang") if box.element is not None and tag != "html" else None
    if language:
        element["Lang"] = pydyf.String(language)
    if tag in _STRUCTURE_TYPES and element["S"] == "/NonStruct":
        element["S"] = _STRUCTURE_TYPES[tag]
    elif tag == "th" and element["S"] == "/TH":
        element["A"]["Scope"] = _SCOPES.get(box.element.get("scope", "col"), "/Column")
    elif tag in ("ul", "ol") and element["S"] == "/L":
        style = box.style["list_style_type"]
        numbering = _LIST_NUMBERING.get(style, "/None") if isinstance(style, str) else "/None"
        element["A"] = pydyf.Dictionary({"O": "/List", "ListNumbering": numbering})
    if box.link_annotation is not None and box.element is not None:
        text = " ".join("".join(box.element.itertext()).split())
        if text:
            box.link_annotation["Contents"] = pydyf.String(text)


@contextlib.contextmanager
def recording() -> Iterator[StructureHints]:
    """Record hints while WeasyPrint writes one tagged PDF in this process (through the hook in
    render/weasyprint_patches.py: one document at a time per process)."""
    hints = StructureHints()

    def wrap(original: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        def build(box: Any, parent: Any, pdf: Any, *args: Any) -> Iterator[Any]:
            if isinstance(box, MarginBox):  # its elements stay out of the tree: note what their content is
                hints._margin.append(box.at_keyword)
                try:
                    yield from original(box, parent, pdf, *args)
                finally:
                    hints._margin.pop()
                return
            decorative = _decorative(box)
            if decorative:  # WeasyPrint would log an error for the empty alt: let it see a placeholder
                box.element.set("alt", "decoration")
            try:
                for element in original(box, parent, pdf, *args):
                    hints.note(element, box, decorative)
                    yield element
            finally:
                if decorative:
                    box.element.set("alt", "")
        return build

    with structure_tree_builder(wrap):
        yield hints


def finish_structure(pdf: pikepdf.Pdf, hints: StructureHints) -> None:
    """Join split elements, and turn repeated table headers and margin-box text into artifacts."""
    root = pdf.Root.StructTreeRoot
    _Joiner(pdf, hints).run(root)
    root.RoleMap = pikepdf.Dictionary({f"/{ours}": pikepdf.Name(f"/{standard}") for ours, standard in ROLE_MAP.items()})


def is_element(kid) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def element_kids(element: pikepdf.Object) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def walk_elements(node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element below `node`, in document (reading) order."""
    for kid in element_kids(node):
        if is_element(kid):
            yield kid
            yield from walk_elements(kid)


class _Joiner:
    def __init__(self, pdf: pikepdf.Pdf, hints: StructureHints):
        self.pdf, self.hints = pdf, hints.elements
        self.replaced: dict[tuple[int, int], pikepdf.Object | None] = {}  # joined or dropped -> what remains
        self.ids: dict[bytes, pikepdf.Object] = {}  # /ID of a joined or dropped header cell -> the one that remains
        self.reachable: set[tuple[int, int]] = set()  # the elements left in the tree, found while joining

    def hint(self, element) -> ElementHint | None:
        return self.hints.get(element.objgen[0])

    def run(self, root: pikepdf.Object) -> None:
        self.join(root)
        self.fix_headers(root)
        self.make_artifacts(root)

    def join(self, node: pikepdf.Object) -> None:
        kept: list = []
        queue = deque(element_kids(node))
        while queue:
            kid = queue.popleft()
            hint = self.hint(kid) if is_element(kid) else None
            if hint is None:
                kept.append(kid)
            elif hint.artifact is not None:  # a decorative image: out of the tree, its content an artifact
                self.replaced[kid.objgen] = None
            elif hint == self.hint(node) and kid.S == node.S:  # an anonymous box inside its element's box
                self.replaced[kid.objgen] = node
                queue.extendleft(reversed(self.adopted(node, kid)))
            elif kept and is_element(kept[-1]) and self.hint(kept[-1]) == hint:  # the next piece of it
                kept[-1].K = pikepdf.Array([*element_kids(kept[-1]), *self.adopted(kept[-1], kid)])
                self.replaced[kid.objgen] = kept[-1]
                if "/ID" in kid and "/ID" in kept[-1]:
                    self.ids[bytes(kid.ID)] = kept[-1].ID
            elif kid.S in _REPEATED_GROUPS and (original := next(
                    (e for e in kept if is_element(e) and self.hint(e) == hint), None)) is not None:
                self.drop_repeated(kid, original)
            else:
                kept.append(kid)
        for kid in kept:
            if is_element(kid):
                self.join(kid)
        emptied = [kid for kid in kept if is_element(kid) and not element_kids(kid)]  # held only decoration
        for kid in emptied:
            self.replaced[kid.objgen] = None
        remaining = [kid for kid in kept if not any(kid is e for e in emptied)]
        self.reachable.update(kid.objgen for kid in remaining if is_element(kid))
        if "/K" in node:
            node.K = pikepdf.Array(remaining)

    def adopted(self, element, piece) -> list:
        """The kids of `piece`, made kids of `element`: content on another page than the element's
        is referenced with its page (a marked-content reference)."""
        kids = []
        for kid in element_kids(piece):
            if isinstance(kid, int) and piece.Pg.objgen != element.Pg.objgen:
                kid = self.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=piece.Pg, MCID=kid))
            elif is_element(kid):
                kid.P = element
            kids.append(kid)
        return kids

    def drop_repeated(self, repeat, original) -> None:
        """A table header drawn again on the next page: there its text is a pagination artifact."""
        originals = {self.hint(e): e for e in walk_elements(original)}
        for element in [repeat, *walk_elements(repeat)]:
            self.replaced[element.objgen] = None
            counterpart = originals.get(self.hint(element))
            if "/ID" in element and counterpart is not None and "/ID" in counterpart:
                self.ids[bytes(element.ID)] = counterpart.ID

    def fix_headers(self, root) -> None:
        """Cells' /Headers name header cells by /ID: point them at the headers that remain."""
        if not self.ids:
            return
        for element in walk_elements(root):
            attributes = element.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                attributes.Headers = pikepdf.Array([self.ids.get(bytes(h), h) for h in attributes.Headers])

    def make_artifacts(self, root) -> None:
        """Content whose structure element is not in the tree becomes an artifact; the parent
        tree follows joined elements."""
        reachable = self.reachable
        parent_tree = pikepdf.NumberTree(root.ParentTree)
        for page in self.pdf.pages:
            if "/StructParents" not in page.obj:
                continue
            owners: list[Any] = list(parent_tree[int(page.obj.StructParents)])
            artifacts: dict[int, Artifact] = {}
            for mcid, owner in enumerate(owners):
                remaining = self._remaining(owner)
                if remaining is None or remaining.objgen not in reachable:
                    artifacts[mcid] = self._artifact(owner)
                    owners[mcid] = None
                else:
                    owners[mcid] = remaining
            parent_tree[int(page.obj.StructParents)] = pikepdf.Array(owners)
            if artifacts:
                _mark_artifacts(self.pdf, page, artifacts, len(owners))
        for number, owner in list(parent_tree.items()):  # annotations point at one element each
            if isinstance(owner, pikepdf.Dictionary):
                parent_tree[number] = self._remaining(owner)

    def _remaining(self, element):
        while isinstance(element, pikepdf.Dictionary) and element.objgen in self.replaced:
            element = self.replaced[element.objgen]
        return element if isinstance(element, pikepdf.Dictionary) else None

    def _artifact(self, element) -> Artifact:
        """What content outside the tree is: as noted for it or an ancestor, else pagination (a
        table header repeated on a following page)."""
        while isinstance(element, pikepdf.Dictionary) and "/S" in element:
            hint = self.hint(element)
            if hint is not None and hint.artifact is not None:
                return hint.artifact
            element = element.get("/P")
        return PAGINATION


def _mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, artifacts: dict[int, Artifact], mcids: int) -> None:
    """Rewrite `/Tag <</MCID n>> BDC` as `/Artifact <</Type ...>> BDC` for these MCIDs (of `mcids` on the page)."""
    contents = page.obj.Contents
    if isinstance(contents, pikepdf.Stream):
        rewritten = _rewrite_marks(contents.read_bytes(), artifacts, mcids)
        if rewritten is not None:
            page.obj.Contents = pdf.make_stream(rewritten)
            return
    instructions = []  # not in the form WeasyPrint writes: parse the content stream in full
    for instruction in pikepdf.parse_content_stream(page):
        operands = instruction.operands if isinstance(instruction, pikepdf.ContentStreamInstruction) else None
        if operands is not None and str(instruction.operator) == "BDC" and len(operands) == 2 \
                and isinstance(operands[1], pikepdf.Dictionary) and int(operands[1].get("/MCID", -1)) in artifacts:
            properties = artifacts[int(operands[1].MCID)].properties()
            instruction = pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact, properties], pikepdf.Operator("BDC"))
        instructions.append(instruction)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


# How pydyf writes a marked-content sequence with an MCID (one token per line, or on one line).
_MARKED = re.compile(rb"/[A-Za-z][A-Za-z0-9]*\s+<<\s*/MCID\s+(\d+)\s*>>\s+BDC(?![^\s])")


def _rewrite_marks(content: bytes, artifacts: dict[int, Artifact], mcids: int) -> bytes | None:
    """The content with the artifacts' marks rewritten, found by pattern, which is much faster than
    parsing every operator of the page; None if the marks found are not exactly MCIDs 0 to `mcids`-1,
    each once (the stream is written differently, or the pattern matched inside a string)."""
    pieces: list[bytes] = []
    found: list[int] = []
    start = 0
    for match in _MARKED.finditer(content):
        mcid = int(match[1])
        found.append(mcid)
        if mcid in artifacts:
            pieces += (content[start:match.start()], b"/Artifact ", artifacts[mcid].pdf_properties, b" BDC")
            start = match.end()
    if sorted(found) != list(range(mcids)):
        return None
    pieces.append(content[start:])
    return b"".join(pieces)
