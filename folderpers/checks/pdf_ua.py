"""PDF/UA-1 checks on a finished, tagged PDF: the machine-checkable Matterhorn conditions that
matter for leaflets. veraPDF is the reference validator; this checks what
a build can check fast, on every screen PDF it writes (an error fails that output).

Each check has a kind (README, "Checks"); its findings name the PDF file and, where it helps,
the page. The PDF is read with pikepdf; content streams in the form WeasyPrint writes are scanned by
pattern (faster), any other is parsed in full: the findings do not depend on how the PDF was made.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf

from folderpers.checks.findings import Finding
from folderpers.errors import Location
from folderpers.pdf.structure import element_kids, is_element

# PDF 1.7 (ISO 32000-1, 14.8.4) standard structure types: PDF/UA-1 allows others only through the RoleMap.
STANDARD_TYPES = frozenset(
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3 H4 H5 H6 "
    "L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot "
    "Ruby RB RT RP Warichu WT WP Figure Formula Form".split())
_PAINTING = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Tj", "TJ", "'", '"', "Do", "INLINE IMAGE"})
_MARKING_AND_PAINTING = " ".join(sorted(_PAINTING - {"INLINE IMAGE"} | {"BDC", "BMC", "EMC", "BI", "ID", "EI"}))
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_SCOPES = ("/Row", "/Column", "/Both")


def check_pdf(data: bytes, path: Path) -> list[Finding]:
    """Every finding for the PDF `data` (reported as the file `path`)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return check_document(pdf, path)


def check_document(pdf: pikepdf.Pdf, path: Path) -> list[Finding]:
    """Every finding for an open PDF (reported as the file `path`): lets a writer check the PDF it
    has just finished before saving it, without reading it again."""
    return list(_Checker(pdf, Location(path)).run())


class _Checker:
    def __init__(self, pdf: pikepdf.Pdf, location: Location):
        self.pdf, self.location = pdf, location
        root: Any = pdf.Root.get("/StructTreeRoot")
        self.tagged = isinstance(root, pikepdf.Dictionary)
        self.role_map = root.get("/RoleMap", pikepdf.Dictionary()) if self.tagged else {}
        # The tree, read once: each element with its kids that are elements, in reading order.
        self.kids: dict[tuple[int, int], list[pikepdf.Dictionary]] = {}
        self.elements = list(self._walk(root)) if self.tagged else []
        self.reachable = {element.objgen for element in self.elements}
        self._standard: dict[tuple[int, int], str] = {}
        # MCIDs of each page and annotations -> their structure elements
        self.parent_tree = pikepdf.NumberTree(root.ParentTree) if self.tagged and "/ParentTree" in root else {}

    def _walk(self, node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
        for kid in element_kids(node):
            if is_element(kid):
                yield from self._walk_element(kid)

    def _walk_element(self, element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
        kids = [kid for kid in element_kids(element) if is_element(kid)]
        if element.is_indirect:
            self.kids[element.objgen] = kids
        yield element
        for kid in kids:
            yield from self._walk_element(kid)

    def element_kids(self, element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
        """The kids of `element` that are structure elements."""
        if element.is_indirect:
            return self.kids[element.objgen]
        return [kid for kid in element_kids(element) if is_element(kid)]

    def descendants(self, element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
        for kid in self.element_kids(element):
            yield kid
            yield from self.descendants(kid)

    def finding(self, kind: str, message: str, hint: str) -> Finding:
        return Finding(kind, "error", self.location, message, hint)

    def run(self) -> Iterator[Finding]:
        yield from self.metadata()
        yield from self.fonts()
        if not self.tagged:
            return  # reported by metadata(); the structure checks need a tree
        for check in (self.structure_types, self.figures, self.headings, self.lists, self.tables, self.links,
                      self.content):
            yield from check()

    # Document level -------------------------------------------------------------------------

    def metadata(self) -> Iterator[Finding]:
        catalog = self.pdf.Root
        mark_info = catalog.get("/MarkInfo", pikepdf.Dictionary())
        if mark_info.get("/Marked") is not True or "/StructTreeRoot" not in catalog:
            yield self.finding("pdf-tagged", "the PDF is not marked as tagged or has no structure tree",
                               "write it with WeasyPrint's pdf_variant='pdf/ua-1'")
        if mark_info.get("/Suspects") is True:
            yield self.finding("pdf-tagged", "the PDF says its tags are suspect (MarkInfo /Suspects)",
                               "tag it again from the HTML")
        if not str(catalog.get("/Lang", "")).strip():
            yield self.finding("pdf-language", "the document language (/Lang) is not set",
                               "give the HTML a lang attribute, e.g. <html lang=\"nl\">")
        xmp = self.pdf.open_metadata()  # read only: a `with` block would write it back, with a new date
        title, part = xmp.get("dc:title", ""), xmp.get("pdfuaid:part", "")
        if not str(title).strip():
            yield self.finding("pdf-title", "the XMP metadata has no title (dc:title)", "give the HTML a <title>")
        preferences = catalog.get("/ViewerPreferences", pikepdf.Dictionary())
        if preferences.get("/DisplayDocTitle") is not True:
            yield self.finding("pdf-title", "viewers are not told to show the title (DisplayDocTitle)",
                               "set /ViewerPreferences << /DisplayDocTitle true >> (WeasyPrint does for pdf/ua-1)")
        if str(part) not in ("1", "2"):
            yield self.finding("pdf-ua-identifier", "the XMP metadata has no PDF/UA identifier (pdfuaid:part)",
                               "write the PDF with pdf_variant='pdf/ua-1'")

    def fonts(self) -> Iterator[Finding]:
        seen: set[tuple[int, int]] = set()
        for number, page in enumerate(self.pdf.pages, 1):
            for font in _fonts(page.obj.get("/Resources"), set()):
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
                name = str(font.get("/BaseFont", "/Type3"))[1:]
                if font.get("/Subtype") != "/Type3":
                    descriptor_font = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                    descriptor = descriptor_font.get("/FontDescriptor", pikepdf.Dictionary())
                    if not any(key in descriptor for key in _FONT_FILES):
                        yield self.finding("pdf-fonts", f"page {number}: font {name} is not embedded",
                                           "use an installed font file; WeasyPrint embeds what it can read")
                if "/ToUnicode" not in font:
                    yield self.finding("pdf-fonts", f"page {number}: font {name} has no Unicode map (ToUnicode)",
                                       "without it text cannot be read aloud or searched; use another font")

    # Structure ------------------------------------------------------------------------------

    def standard(self, element: pikepdf.Dictionary) -> str:
        """The element's standard structure type, following the RoleMap."""
        known = self._standard.get(element.objgen)
        if known is None:
            known = self._standard[element.objgen] = self._follow_role_map(element)
        return known

    def _follow_role_map(self, element: pikepdf.Dictionary) -> str:
        kind = str(element.S)[1:]
        for _ in range(len(self.role_map) + 1):
            if kind in STANDARD_TYPES:
                return kind
            mapped = self.role_map.get(f"/{kind}")
            if mapped is None:
                break
            kind = str(mapped)[1:]
        return kind

    def structure_types(self) -> Iterator[Finding]:
        for name, mapped in self.role_map.items():
            if name[1:] in STANDARD_TYPES:
                yield self.finding("pdf-structure-types", f"the RoleMap maps standard type {name[1:]} to {mapped}",
                                   "PDF/UA-1 does not allow remapping standard types")
        unknown = sorted({str(e.S)[1:] for e in self.elements if self.standard(e) not in STANDARD_TYPES})
        if unknown:
            yield self.finding("pdf-structure-types", f"structure types without a standard meaning: {', '.join(unknown)}",
                               "map them to standard types in the StructTreeRoot's /RoleMap")

    def figures(self) -> Iterator[Finding]:
        for element in self.elements:
            if self.standard(element) in ("Figure", "Formula") and not (
                    str(element.get("/Alt", "")).strip() or str(element.get("/ActualText", "")).strip()):
                yield self.finding("pdf-figure-alt", f"{self.where(element)}a {self.standard(element)} has no "
                                   "alternative text", "give the image an alt text; a decorative image belongs in "
                                   "the CSS (background-image), which makes it an artifact")

    def headings(self) -> Iterator[Finding]:
        previous = 0
        for element in self.elements:
            kind = self.standard(element)
            if len(kind) == 2 and kind[0] == "H" and kind[1].isdigit():
                level = int(kind[1])
                if level > previous + 1:
                    expected = "H1" if previous == 0 else f"at most H{previous + 1}"
                    yield self.finding("pdf-headings", f"{self.where(element)}heading H{level} "
                                       f"{'opens the document' if previous == 0 else f'follows H{previous}'}"
                                       f", expected {expected}", "headings start at h1 and go down one level at a time")
                previous = level

    def lists(self) -> Iterator[Finding]:
        for element in self.elements:
            kind = self.standard(element)
            kids = [self.standard(kid) for kid in self.element_kids(element)]
            if kind == "L":
                wrong = sorted(set(kids) - {"LI", "L", "Caption"})
                items = [kid for kid in self.element_kids(element) if self.standard(kid) == "LI"]
                labelled = [any(self.standard(k) == "Lbl" for k in self.element_kids(item)) for item in items]
                if wrong:
                    yield self.finding("pdf-lists", f"{self.where(element)}a list (L) holds {', '.join(wrong)}",
                                       "a list holds list items (LI) only")
                if any(labelled) and not all(labelled):
                    yield self.finding("pdf-lists", f"{self.where(element)}{labelled.count(False)} of {len(items)} "
                                       "list items have no label (Lbl)", "every item of a list with bullets or "
                                       "numbers needs its label")
                if any(labelled) and _attribute(element, "/ListNumbering") in (None, "/None"):
                    yield self.finding("pdf-lists", f"{self.where(element)}a list with labels has no ListNumbering",
                                       "set /A << /O /List /ListNumbering /Disc >> (or /Decimal for numbered lists)")
            elif kind == "LI" and (kids.count("LBody") != 1 or set(kids) - {"Lbl", "LBody"}):
                    yield self.finding("pdf-lists", f"{self.where(element)}a list item holds {', '.join(kids) or 'nothing'}",
                                       "a list item (LI) holds an optional label (Lbl) and one body (LBody)")

    def tables(self) -> Iterator[Finding]:
        for element in self.elements:
            kind = self.standard(element)
            if kind == "Table":
                cells = [self.standard(e) for e in self.descendants(element)]
                if "TH" not in cells:
                    yield self.finding("pdf-tables", f"{self.where(element)}a table has no header cells (TH)",
                                       "make the first row (or column) header cells")
                wrong = {self.standard(k) for k in self.element_kids(element)} - {
                    "TR", "THead", "TBody", "TFoot", "Caption"}
                if wrong:
                    yield self.finding("pdf-tables", f"{self.where(element)}a table holds {', '.join(sorted(wrong))}",
                                       "a table holds rows, row groups and a caption only")
            elif kind == "TH" and _attribute(element, "/Scope") not in _SCOPES:
                yield self.finding("pdf-tables", f"{self.where(element)}a header cell (TH) has no Scope",
                                   "give the <th> a scope (col or row); folderpers carries it into the PDF")

    def links(self) -> Iterator[Finding]:
        for number, page in enumerate(self.pdf.pages, 1):
            annotations = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") not in ("/Popup",)]
            if annotations and page.obj.get("/Tabs") != "/S":
                yield self.finding("pdf-tab-order", f"page {number}: has annotations but no tab order by structure",
                                   "set the page's /Tabs to /S")
            for annotation in annotations:
                index = annotation.get("/StructParent")
                owner = self.parent_tree.get(int(index)) if index is not None else None
                if not isinstance(owner, pikepdf.Dictionary) or owner.objgen not in self.reachable:
                    yield self.finding("pdf-links", f"page {number}: a {str(annotation.get('/Subtype'))[1:]} "
                                       "annotation is not in the structure tree", "tag links with a Link element")
                elif annotation.get("/Subtype") == "/Link" and self.standard(owner) != "Link":
                    yield self.finding("pdf-links", f"page {number}: a link is tagged as {self.standard(owner)}",
                                       "tag links with a Link element")
                if annotation.get("/Subtype") == "/Link" and not str(annotation.get("/Contents", "")).strip():
                    yield self.finding("pdf-links", f"page {number}: a link has no description (/Contents)",
                                       "describe where the link goes in the annotation's /Contents")

    def content(self) -> Iterator[Finding]:
        """Every mark on a page is tagged content of the structure tree, or an artifact."""
        for number, page in enumerate(self.pdf.pages, 1):
            untagged, mcids = _marked_content(page)
            marked = self.parent_tree.get(int(page.obj.StructParents)) if "/StructParents" in page.obj else None
            owners: list[Any] = list(marked) if isinstance(marked, pikepdf.Array) else []
            orphans = [m for m in mcids if m >= len(owners) or not isinstance(owners[m], pikepdf.Dictionary)
                       or owners[m].objgen not in self.reachable]
            if untagged:
                yield self.finding("pdf-untagged-content", f"page {number}: {untagged} drawing operations are "
                                   "neither tagged nor marked as artifacts", "mark decoration as /Artifact")
            if orphans:
                yield self.finding("pdf-untagged-content", f"page {number}: {len(orphans)} pieces of tagged content "
                                   "belong to no element of the structure tree (running headers or footers?)",
                                   "mark page decoration (running headers, footers, page numbers) as pagination "
                                   "artifacts")

    def where(self, element: pikepdf.Dictionary) -> str:
        page = element.get("/Pg")
        if page is None:
            return ""
        for number, candidate in enumerate(self.pdf.pages, 1):
            if candidate.objgen == page.objgen:
                return f"page {number}: "
        return ""


def _attribute(element: pikepdf.Dictionary, name: str):
    """An attribute from the element's /A (one dictionary or an array of them), None if absent."""
    attributes = element.get("/A")
    for dictionary in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
        if isinstance(dictionary, pikepdf.Dictionary) and name in dictionary:
            return str(dictionary[name])
    return None


def _fonts(resources: Any, visited: set[tuple[int, int]]) -> Iterator[Any]:
    """Every font of these resources and of the form XObjects (and Type3 glyphs) they use."""
    if not isinstance(resources, pikepdf.Dictionary) or (resources.objgen in visited and resources.is_indirect):
        return
    if resources.is_indirect:
        visited.add(resources.objgen)
    for font in resources.get("/Font", pikepdf.Dictionary()).values():
        yield font
        yield from _fonts(font.get("/Resources"), visited)
    for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in visited:
            visited.add(xobject.objgen)
            yield from _fonts(xobject.get("/Resources"), visited)


def _marked_content(page: pikepdf.Page) -> tuple[int, list[int]]:
    """How many painting operations stand outside any marked content, and the MCIDs used."""
    untagged, mcids, stack = 0, [], []
    for operator, tag, mcid in _marks_and_paints(page):
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
        elif operator in _PAINTING and not any(stack):
            untagged += 1
    return untagged, mcids


Mark = tuple[str, "str | None", "int | None"]  # operator; for BDC/BMC the tag, and the MCID if it has one


def _marks_and_paints(page: pikepdf.Page) -> Iterator[Mark]:
    """The page's marked-content and painting operators, in order."""
    contents = page.obj.get("/Contents")
    scanned = _scanned(contents.read_bytes()) if isinstance(contents, pikepdf.Stream) else None
    if scanned is not None:
        yield from scanned
        return
    for instruction in pikepdf.parse_content_stream(page, _MARKING_AND_PAINTING):  # the general way
        operator = str(instruction.operator)
        tag = mcid = None
        if operator in ("BDC", "BMC"):
            tag, properties = str(instruction.operands[0]), instruction.operands[-1]
            if operator == "BDC" and isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                mcid = int(properties.MCID)
        yield operator, tag, mcid


# In a content stream without literal strings, comments, inline images or spaces inside hex strings
# (as WeasyPrint writes them), every operator is a word after a space or a closing delimiter: one
# pattern finds them, and another the tags and MCIDs of the marks, several times faster than
# pikepdf's parser. Any other stream, or one where the two do not agree, is parsed.
_HEX_WITH_SPACES = re.compile(rb"<[0-9A-Fa-f]+\s|<\s+[0-9A-Fa-f>]")
_REGULAR = rb"[^\s()<>\[\]{}/%]"
_OPERATOR = re.compile(rb"[\s\]>]([A-Za-z'\"]" + _REGULAR + rb"*)")
# (a property list may hold hex strings: the /ActualText of repaired Arabic marks, pdf/actual_text.py)
_MARK = re.compile(rb"(/" + _REGULAR + rb"*)\s*(<<(?:[^<>]|<[0-9A-Fa-f]*>)*>>|/" + _REGULAR + rb"*)?\s*B[DM]C(?!"
                   + _REGULAR + rb")")
_MCID = re.compile(rb"/MCID\s+(\d+)")
_KEYWORDS = frozenset({b"true", b"false", b"null"})
_PAINTING_WORDS = frozenset(operator.encode("latin-1") for operator in _PAINTING)


def _scanned(content: bytes) -> list[Mark] | None:
    if any(sign in content for sign in (b"(", b"%", b"{", b"BI")) or _HEX_WITH_SPACES.search(content):
        return None
    operators = [word for word in _OPERATOR.findall(b"\n" + content) if word not in _KEYWORDS]
    marks = _MARK.findall(content)
    if sum(1 for word in operators if word in (b"BDC", b"BMC")) != len(marks):
        return None
    found: list[Mark] = []
    next_mark = iter(marks)
    for word in operators:
        if word in (b"BDC", b"BMC"):
            tag, properties = next(next_mark)
            mcid = _MCID.search(properties) if word == b"BDC" and properties.startswith(b"<<") else None
            found.append((word.decode(), tag.decode("latin-1"), int(mcid[1]) if mcid else None))
        elif word == b"EMC" or word in _PAINTING_WORDS:
            found.append((word.decode("latin-1"), None, None))
    return found

