"""House rules for tagged PDFs: what folderpers asks of its own PDFs beyond PDF/UA-1 itself.

Whether a PDF conforms to PDF/UA-1 is decided by the conformance layer (conformance.py, a real
validator). These rules catch what the standard leaves to judgement or allows but a leaflet should
not do; a foreign PDF that breaks them still conforms, so `build.py check` reports them apart, as
"house rule" findings (kinds `house-*`), and as warnings for PDFs folderpers did not make.

- `house-language`: the document language is set for the whole document (catalog /Lang), not
  only on some elements;
- `house-lists`: a list holds list items; an item holds an optional label and one body; all items
  of a list have a label or none; a list with labels says how it is numbered (ListNumbering);
- `house-tables`: a table has header cells, every header cell has a Scope;
- `house-artifacts`: no tagged content outside the structure tree (running headers, footers and
  page numbers are pagination artifacts);
- `house-print-flag`: every annotation has the Print flag (a printed copy shows what the screen
  shows; PDF/A requires it, checkers warn about it);
- `house-label-order` (a warning, never an error): a list item's label is painted before its body.
  WeasyPrint 70 paints an outside ::marker after the item's first line, so in our PDFs the bullet
  comes after the text in content order. Assistive technology reads a tagged PDF in tag order,
  where the label (Lbl) comes first; moving marked-content sequences within a content stream would
  change the graphics state of what follows them, so folderpers does not reorder them.

The PDF is read with pikepdf; any file that pikepdf opens gives findings, never an exception.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pikepdf

from folderpers.checks.conformance import unreadable, validate
from folderpers.checks.findings import Finding, Severity
from folderpers.errors import Location
from folderpers.pdf.contentstream import marked_content
from folderpers.pdf.finish import PRINT_FLAG
from folderpers.pdf.structure import element_kids, is_element

# PDF 1.7 (ISO 32000-1, 14.8.4) standard structure types.
STANDARD_TYPES = frozenset({
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index", "NonStruct",
    "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD",
    "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby",
    "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form"
})
_SCOPES = ("/Row", "/Column", "/Both")
HOUSE_RULE = "house rule"
ADVICE = frozenset({"house-label-order"})  # always warnings


def check_pdf(data: bytes, path: Path) -> list[Finding]:
    """Every finding for one of our screen PDFs, `data` (reported as the file `path`): the
    conformance layer (PDF/UA-1 and whatever else it claims) and the house rules, as errors."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, ValueError, RecursionError) as error:
        return [unreadable(path, str(error) or type(error).__name__)]
    with pdf:
        conformance = [finding for validation in validate(data, path, pdf) for finding in validation.findings]
        return conformance + house_rules(pdf, path)


def house_rules(pdf: pikepdf.Pdf, path: Path, severity: Severity = "error") -> list[Finding]:
    """The house-rule findings for an open PDF (reported as the file `path`)."""
    checker = _Checker(pdf, Location(path), severity)
    try:
        return list(checker.run())
    except (pikepdf.PdfError, ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError,
            NotImplementedError) as error:  # a damaged file: say so instead of failing the whole check
        return [*checker.found, Finding("house-unreadable", severity, Location(path), "the house rules stopped "
                                        f"at a damaged part of the file: {type(error).__name__}: {error}",
                                        "save or export the PDF again", HOUSE_RULE)]


class _Checker:
    def __init__(self, pdf: pikepdf.Pdf, location: Location, severity: Severity):
        self.pdf, self.location, self.severity = pdf, location, severity
        self.found: list[Finding] = []
        tree = pdf.Root.get("/StructTreeRoot")
        root = tree if isinstance(tree, pikepdf.Dictionary) else pikepdf.Dictionary()
        self.tagged = isinstance(tree, pikepdf.Dictionary)
        role_map = root.get("/RoleMap") if self.tagged else None
        self.role_map = role_map if isinstance(role_map, pikepdf.Dictionary) else pikepdf.Dictionary()
        # The tree, read once: each element with its kids that are elements, in reading order.
        self.kids: dict[tuple[int, int], list[pikepdf.Dictionary]] = {}
        self.elements = list(self._walk(root, set())) if self.tagged else []
        self.reachable = {element.objgen for element in self.elements}
        self._standard: dict[tuple[int, int], str] = {}
        parent_tree = root.get("/ParentTree") if self.tagged else None
        # MCIDs of each page and annotations -> their structure elements
        self.parent_tree = pikepdf.NumberTree(parent_tree) if isinstance(parent_tree, pikepdf.Dictionary) else None

    def _walk(self, node: pikepdf.Object, seen: set[tuple[int, int]]) -> Iterator[pikepdf.Dictionary]:
        """The elements below `node` in reading order; each once, even in a tree with cycles."""
        for kid in element_kids(node):
            if not is_element(kid) or (kid.is_indirect and kid.objgen in seen):
                continue
            if kid.is_indirect:
                seen.add(kid.objgen)
            kids = [k for k in element_kids(kid) if is_element(k)]
            if kid.is_indirect:
                self.kids[kid.objgen] = kids
            yield kid
            yield from self._walk(kid, seen)

    def element_kids(self, element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
        """The kids of `element` that are structure elements."""
        if element.is_indirect and element.objgen in self.kids:
            return self.kids[element.objgen]
        return [kid for kid in element_kids(element) if is_element(kid)]

    def descendants(self, element: pikepdf.Dictionary, depth: int = 0) -> Iterator[pikepdf.Dictionary]:
        for kid in self.element_kids(element):
            yield kid
            if depth < 100:
                yield from self.descendants(kid, depth + 1)

    def owners(self, key: object) -> pikepdf.Object | None:
        """The parent tree's entry for a page's /StructParents or an annotation's /StructParent;
        None if there is none (a damaged or foreign file: no IndexError)."""
        if self.parent_tree is None or not isinstance(key, (int, pikepdf.Object)):
            return None
        try:
            return self.parent_tree.get(int(key))
        except (IndexError, KeyError, TypeError, ValueError, pikepdf.PdfError):
            return None

    def finding(self, kind: str, message: str, hint: str) -> Finding:
        severity = "warning" if kind in ADVICE else self.severity
        finding = Finding(kind, severity, self.location, f"{HOUSE_RULE}: {message}", hint, HOUSE_RULE)
        self.found.append(finding)
        return finding

    def run(self) -> Iterator[Finding]:
        yield from self.language()
        yield from self.print_flags()
        if not self.tagged:
            return  # the conformance layer reports an untagged file; these rules need a tree
        for check in (self.lists, self.tables, self.content):
            yield from check()

    def language(self) -> Iterator[Finding]:
        if not str(self.pdf.Root.get("/Lang", "")).strip():
            yield self.finding("house-language", "the document language (catalog /Lang) is not set",
                               "give the HTML a lang attribute, e.g. <html lang=\"nl\">")

    def print_flags(self) -> Iterator[Finding]:
        unflagged: dict[int, int] = {}  # page number -> annotations without the flag
        for number, page in enumerate(self.pdf.pages, 1):
            annotations = page.obj.get("/Annots")
            unflagged[number] = sum(1 for a in annotations if isinstance(a, pikepdf.Dictionary) and a.get(
                "/Subtype") != "/Popup" and not int(a.get("/F", 0)) & PRINT_FLAG) \
                if isinstance(annotations, pikepdf.Array) else 0
        if sum(unflagged.values()):
            pages = ", ".join(str(number) for number, count in unflagged.items() if count)
            yield self.finding("house-print-flag", f"{sum(unflagged.values())} annotations lack the Print flag "
                               f"(pages {pages})", "set /F 4 on every annotation (folderpers does when it finishes "
                               "a PDF)")

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
            if not isinstance(mapped, pikepdf.Name):
                break
            kind = str(mapped)[1:]
        return kind

    def lists(self) -> Iterator[Finding]:
        for element in self.elements:
            kind = self.standard(element)
            kids = [self.standard(kid) for kid in self.element_kids(element)]
            if kind == "L":
                wrong = sorted(set(kids) - {"LI", "L", "Caption"})
                items = [kid for kid in self.element_kids(element) if self.standard(kid) == "LI"]
                labelled = [any(self.standard(k) == "Lbl" for k in self.element_kids(item)) for item in items]
                if wrong:
                    yield self.finding("house-lists", f"{self.where(element)}a list (L) holds {', '.join(wrong)}",
                                       "a list holds list items (LI) only")
                if any(labelled) and not all(labelled):
                    yield self.finding("house-lists", f"{self.where(element)}{labelled.count(False)} of "
                                       f"{len(items)} list items have no label (Lbl)", "every item of a list with "
                                       "bullets or numbers needs its label")
                if any(labelled) and _attribute(element, "/ListNumbering") in (None, "/None"):
                    yield self.finding("house-lists", f"{self.where(element)}a list with labels has no ListNumbering",
                                       "set /A << /O /List /ListNumbering /Disc >> (or /Decimal for numbered lists)")
            elif kind == "LI" and (kids.count("LBody") != 1 or set(kids) - {"Lbl", "LBody"}):
                yield self.finding("house-lists", f"{self.where(element)}a list item holds "
                                   f"{', '.join(kids) or 'nothing'}", "a list item (LI) holds an optional label "
                                   "(Lbl) and one body (LBody)")

    def tables(self) -> Iterator[Finding]:
        for element in self.elements:
            kind = self.standard(element)
            if kind == "Table" and "TH" not in (self.standard(e) for e in self.descendants(element)):
                yield self.finding("house-tables", f"{self.where(element)}a table has no header cells (TH)",
                                   "make the first row (or column) header cells")
            elif kind == "TH" and _attribute(element, "/Scope") not in _SCOPES:
                yield self.finding("house-tables", f"{self.where(element)}a header cell (TH) has no Scope",
                                   "give the <th> a scope (col or row); folderpers carries it into the PDF")

    def content(self) -> Iterator[Finding]:
        """Tagged content belongs to an element of the tree; a list label is painted before its body."""
        labels = self._label_pages()
        late: dict[int, int] = {}  # page number -> labels painted after their body
        for number, page in enumerate(self.pdf.pages, 1):
            _, mcids = marked_content(page)
            entry = self.owners(page.obj.get("/StructParents"))
            owners = list(entry) if isinstance(entry, pikepdf.Array) else []
            orphans = [m for m in mcids if m >= len(owners) or not isinstance(owners[m], pikepdf.Dictionary)
                       or owners[m].objgen not in self.reachable]
            if orphans:
                yield self.finding("house-artifacts", f"page {number}: {len(orphans)} pieces of tagged content "
                                   "belong to no element of the structure tree (running headers or footers?)",
                                   "mark page decoration (running headers, footers, page numbers) as pagination "
                                   "artifacts")
            painted = {mcid: position for position, mcid in enumerate(mcids)}
            late[number] = sum(1 for label, body in labels.get(page.obj.objgen, [])
                               if label in painted and body in painted and painted[label] > painted[body])
        if sum(late.values()):  # advice only, once per file: see the module's docstring
            pages = [number for number, count in late.items() if count]
            yield self.finding("house-label-order", f"{sum(late.values())} list labels are painted after their "
                               f"item's text (pages {', '.join(map(str, pages))})", "readers that follow the tags "
                               "are not affected; content order should follow the tag order")

    def _label_pages(self) -> dict[tuple[int, int], list[tuple[int, int]]]:
        """Per page, (first MCID of a label, first MCID of its body) for list items on that page."""
        pairs: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for item in self.elements:
            if self.standard(item) != "LI":
                continue
            parts = {self.standard(kid): kid for kid in self.element_kids(item)}
            label, body = (_first_mcid(parts[name]) if name in parts else None for name in ("Lbl", "LBody"))
            if label and body and label[0] == body[0]:
                pairs.setdefault(label[0], []).append((label[1], body[1]))
        return pairs

    def where(self, element: pikepdf.Dictionary) -> str:
        page = element.get("/Pg")
        if not isinstance(page, pikepdf.Dictionary):
            return ""
        for number, candidate in enumerate(self.pdf.pages, 1):
            if candidate.objgen == page.objgen:
                return f"page {number}: "
        return ""


def _first_mcid(element: pikepdf.Dictionary, depth: int = 0) -> tuple[tuple[int, int], int] | None:
    """(page, MCID) of the first marked content of `element`, looking into its first kids."""
    page = element.get("/Pg")
    for kid in element_kids(element):
        if isinstance(kid, int) and isinstance(page, pikepdf.Dictionary):
            return page.objgen, int(kid)
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR" and "/MCID" in kid:
            kid_page = kid.get("/Pg", page)
            return (kid_page.objgen, int(kid.MCID)) if isinstance(kid_page, pikepdf.Dictionary) else None
        if is_element(kid) and depth < 50:
            found = _first_mcid(kid, depth + 1)
            if found:
                return found
    return None


def _attribute(element: pikepdf.Dictionary, name: str) -> str | None:
    """An attribute from the element's /A (one dictionary or an array of them), None if absent."""
    attributes = element.get("/A")
    for dictionary in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
        if isinstance(dictionary, pikepdf.Dictionary) and name in dictionary:
            return str(dictionary[name])
    return None
