"""Document tree → the blocks and metadata of a folder, with what a person must review.

Rules (the same for every source format):
- the document's top heading is the title; other heading levels are ranked into 2, 3 and 4
  without skipping a level; paragraphs before the first section heading are the intro;
- numbered lists become `steps`, other lists `list`; neighbouring paragraphs one `text` block;
- a box (framed/shaded in a PDF, an <aside> or alert on a page) becomes a `callout`, or a
  `contacts` block when it holds nothing but a registry contact's details; a section whose heading
  says "bel direct", "alarm", "let op", ... and a paragraph that starts "Let op:" become callouts too;
  the kind follows the wording (alarm: call at once; warning: take care; tip; else info);
- questions (headings ending in "?") with answers under "Veelgestelde vragen" become `faq`, a list
  under "Bronnen" `sources`; a contact's name as a heading with only its details, `contacts`;
- what authors type by hand is read as the structure it shows (see `normalise`);
- a colophon section ("Colofon", "Over deze folder") is read for metadata, not imported as text;
- images become figures whose alt text a person must write or check.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from folderpers.importers.glyphs import BULLETS
from folderpers.importers.localise import Registry, Replacement
from folderpers.importers.metadata import (
    UNFILLED,
    UNFILLED_APPROVED,
    UNFILLED_REVIEW,
    UNFILLED_VERSION,
    find_metadata,
    is_colophon_line,
)
from folderpers.importers.tree import (
    Box,
    Document,
    Dropped,
    Heading,
    Image,
    ItemList,
    Node,
    Paragraph,
    Table,
    escape_markup,
)

_MAX_COVER_NODES = 6
ALT_TODO = "TODO: beschrijf wat de afbeelding laat zien"
_ALARM = re.compile(r"\b(bel (dan )?(direct|meteen|onmiddellijk|gelijk)|alarm\w*|spoed\w*|112|call (at once|"
                    r"immediately))\b", re.IGNORECASE)
_WARNING = re.compile(r"\b(let op|pas op|waarschuwing|belangrijk|stop nooit|nooit|niet doen|warning|caution|"
                      r"important)\b", re.IGNORECASE)
_TIP = re.compile(r"^\W*tips?\b", re.IGNORECASE)
_CALLOUT_HEADING = re.compile(r"\b(bel (dan )?(direct|meteen|onmiddellijk)|alarm\w*|let op|waarschuwing|pas op)\b",
                              re.IGNORECASE)
_LET_OP = re.compile(r"^\W{0,4}(let op|pas op|waarschuwing|belangrijk)\s*[:!]", re.IGNORECASE)
_COLOPHON_HEADING = re.compile(r"^(colofon|over deze (folder|brochure|informatie)|about this (leaflet|folder)|"
                               r"documentinformatie)\W*$", re.IGNORECASE)
_FAQ_HEADING = re.compile(r"^(veel ?gestelde vragen|vragen en antwoorden|faq|frequently asked questions)\W*$",
                          re.IGNORECASE)
_SOURCES_HEADING = re.compile(r"^(bronnen|bronvermelding|literatuur|referenties|references|sources)\W*$", re.IGNORECASE)
_CONTACT_FIELD_WORDS = {"telefoon", "tel", "telefoonnummer", "bereikbaar", "e-mail", "email", "mail", "phone",
                        "hours", "openingstijden", "bereikbaarheid"}
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Note:
    """What a person must check about a block."""

    text: str
    anchor: str = ""  # the text in the block it is about (a phone number): the report names that line


@dataclass(frozen=True)
class ImportedFolder:
    """A folder made from an imported document, before it is written."""

    metadata: dict[str, Any]  # in the order written: title, subtitle, intro, code, ..., imported, keywords
    metadata_notes: dict[str, str]  # key -> what a person must do
    blocks: tuple[dict[str, Any], ...]
    block_notes: tuple[tuple[Note, ...], ...]  # per block: what a person must check
    images: tuple[Image, ...]
    recognised: dict[str, int]  # block kind (and "placeholder") -> how many
    dropped: tuple[Dropped, ...]
    institution: str | None  # id of the institution whose registry made the placeholders
    metadata_sources: dict[str, str] = field(default_factory=dict)  # key -> where it was found


def map_document(document: Document, registry: Registry, code_prefixes: tuple[str, ...]) -> ImportedFolder:
    return _Mapper(document, registry, code_prefixes).run()


class _Mapper:
    def __init__(self, document: Document, registry: Registry, code_prefixes: tuple[str, ...]):
        self.document, self.registry, self.code_prefixes = document, registry, code_prefixes
        self.blocks: list[dict[str, Any]] = []
        self.notes: list[list[Note]] = []
        self.images: list[Image] = []
        self.recognised: Counter[str] = Counter()
        self.dropped: list[Dropped] = list(document.dropped)
        self.colophon: list[str] = list(document.running_text)  # running headers/footers name code and version

    def run(self) -> ImportedFolder:
        nodes = normalise(list(self.document.nodes))
        title, nodes = self._title(nodes)
        nodes = self._without_colophon(nodes)
        levels = _heading_levels(nodes)
        intro: list[str] = []
        intro_notes: list[Note] = []
        while nodes and isinstance(first := nodes[0], Paragraph) and not _LET_OP.match(first.text):
            nodes.pop(0)
            text, replaced = self.registry.localise(first.text)
            intro.append(text)
            intro_notes.extend(self._notes(replaced))
        previous_level = 1
        index = 0
        while index < len(nodes):
            node = nodes[index]
            index += 1
            if isinstance(node, Heading):
                section_end = _section_end(nodes, index)
                if _FAQ_HEADING.match(node.text) and (faq_end := self._faq(node.text, nodes, index)):
                    index = faq_end
                    continue
                if _SOURCES_HEADING.match(node.text) and section_end == index + 1 and \
                        isinstance(sources := nodes[index], ItemList):
                    localised, notes = self._localised(sources.items)
                    self._add({"sources": localised, "title": node.text}, "sources", notes)
                    index = section_end
                    continue
                if _CALLOUT_HEADING.search(node.text) and index < section_end and not any(
                        isinstance(n, (Heading, Box, Table, Image)) for n in nodes[index:section_end]):
                    self._callout(node.text, nodes[index:section_end], "a section")
                    index = section_end
                    continue
                section = nodes[index:section_end]
                if section and all(isinstance(n, Paragraph) for n in section) and self._contact(
                        Box(node.text, tuple(section))):  # a contact's name as a heading, then its details
                    index = section_end
                    continue
                level = min(levels[node.level], previous_level + 1)
                previous_level = level
                self._add({"heading": node.text, **({"level": level} if level != 2 else {})}, "heading")
            elif isinstance(node, Paragraph):
                texts = [node.text]
                while index < len(nodes) and isinstance(following := nodes[index], Paragraph) and not _LET_OP.match(
                        following.text) and not _LET_OP.match(node.text):
                    texts.append(following.text)
                    index += 1
                if _LET_OP.match(node.text):
                    self._callout("", [node], "a paragraph")
                else:
                    self._text_block("text", "\n\n".join(texts))
            elif isinstance(node, ItemList):
                self._items("steps" if node.ordered else "list", node.items)
            elif isinstance(node, Table):
                self._table(node)
            elif isinstance(node, Image):
                self._figure(node)
            else:
                self._box(node)
        if not self.blocks:  # a folder needs at least one block: the intro becomes the text
            if intro:
                self._add({"text": "\n\n".join(intro)}, "text", intro_notes)
                intro, intro_notes = [], []
            else:
                self._add({"text": UNFILLED}, "text", [Note("the source had no text that could be imported")])
        return self._folder(title, intro, intro_notes)

    # --- structure -------------------------------------------------------------------------------

    def _title(self, nodes: list[Node]) -> tuple[str, list[Node]]:
        """The top heading, when it is the only one of its level; a little text above it (a cover's
        logo text, a department) is dropped. Else the document's title property. A paragraph right
        after the title that repeats the subtitle property is the subtitle, not text."""
        headings = [node for node in nodes if isinstance(node, Heading)]
        title = self.document.properties.get("title", "").strip()
        if headings:
            top = min(node.level for node in headings)
            tops = [i for i, node in enumerate(nodes) if isinstance(node, Heading) and node.level == top]
            above = nodes[:tops[0]]
            if len(tops) == 1 and len(above) <= _MAX_COVER_NODES and all(
                    isinstance(node, (Paragraph, Heading, Image)) for node in above):
                for node in above:
                    self.dropped.append(Dropped(_describe(node), "stands above the title (cover text)"))
                heading = nodes[tops[0]]
                assert isinstance(heading, Heading)
                title, nodes = heading.text, nodes[tops[0] + 1:]
            elif isinstance(nodes[0], Heading) and (not title or nodes[0].text == title):
                title, nodes = nodes[0].text, nodes[1:]  # a document that starts with its title
        subtitle = self.document.properties.get("subtitle", "")
        if subtitle and nodes and isinstance(nodes[0], Paragraph) and nodes[0].text == escape_markup(subtitle):
            nodes = nodes[1:]
        return title, nodes

    def _without_colophon(self, nodes: list[Node]) -> list[Node]:
        kept: list[Node] = []
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if isinstance(node, Heading) and _COLOPHON_HEADING.match(node.text):
                end = _section_end(nodes, index + 1, node.level)
                # a colophon's "Versie 2.1" may have been read as a heading: the section goes on
                while end < len(nodes) and is_colophon_line(node_lines(nodes[end])[0]):
                    end = _section_end(nodes, end + 1, node.level)
                for inner in nodes[index + 1:end]:
                    self.colophon.extend(node_lines(inner))
                self.dropped.append(Dropped(f"section {node.text!r}", "a colophon: read for the metadata; the build "
                                            "prints its own colophon"))
                index = end
                continue
            kept.append(node)
            index += 1
        return kept

    # --- blocks ----------------------------------------------------------------------------------

    def _add(self, block: dict[str, Any], kind: str, notes: list[Note] | None = None) -> None:
        self.blocks.append(block)
        self.notes.append(list(notes or []))
        self.recognised[kind] += 1

    def _localised(self, texts: list[str] | tuple[str, ...]) -> tuple[list[str], list[Note]]:
        results: list[str] = []
        notes: list[Note] = []
        for text in texts:
            localised, replaced = self.registry.localise(text)
            results.append(localised)
            notes.extend(self._notes(replaced))
        return results, notes

    def _notes(self, replaced: list[Replacement]) -> list[Note]:
        for replacement in replaced:
            if replacement.placeholder:
                self.recognised["placeholder " + replacement.placeholder.split(":")[0].strip("{}")] += 1
        return [Note(replacement.note, replacement.found) for replacement in replaced if replacement.note]

    def _text_block(self, kind: str, text: str) -> None:
        (localised,), notes = self._localised([text])
        self._add({kind: localised}, kind, notes)

    def _items(self, kind: str, items: tuple[str, ...]) -> None:
        localised, notes = self._localised([item for item in items if item.strip()])
        if localised:
            self._add({kind: localised}, kind, notes)

    def _table(self, table: Table) -> None:
        if len(table.rows) < 2:
            self._text_block("text", "\n\n".join(" ".join(cell for cell in row if cell) for row in table.rows))
            return
        rows: list[list[str]] = []
        notes: list[Note] = []
        for row in table.rows:
            cells, row_notes = self._localised(list(row))
            rows.append(cells)
            notes.extend(row_notes)
        self._add({"table": rows}, "table", [*notes, Note("the first row is the header row: check that it is one")])

    def _figure(self, image: Image) -> None:
        self.images.append(image)
        alt = image.alt or ALT_TODO
        note = (f"alt text taken from the source ({image.alt[:40]!r}...): check that it says what the image shows"
                if image.alt else "write the alt text: what the image shows, for readers who cannot see it")
        self._add({"figure": image.name, "alt": alt}, "figure", [Note(note)])

    def _faq(self, title: str, nodes: list[Node], index: int) -> int:
        """Questions (headings that end in "?") each with their answer after a "Veelgestelde vragen"
        heading: one faq block. Returns where it ends, 0 when there are none."""
        entries, notes = [], []
        while index < len(nodes) and isinstance(question := nodes[index], Heading) and question.text.endswith("?"):
            end = index + 1
            while end < len(nodes) and isinstance(nodes[end], Paragraph):
                end += 1
            if end == index + 1:
                break
            (answer,), answer_notes = self._localised(["\n\n".join(node_lines(n)[0] for n in nodes[index + 1:end])])
            entries.append({"question": question.text, "answer": answer})
            notes.extend(answer_notes)
            index = end
        if not entries:
            return 0
        self._add({"faq": entries, "title": title}, "faq", notes)
        return index

    def _contact(self, box: Box) -> bool:
        """Add the box as a contact (to the contacts block just before, if there is one) when it is one."""
        contact = self._contact_card(box)
        if not contact:
            return False
        previous = self.blocks[-1] if self.blocks else {}
        if "contacts" in previous and contact not in previous["contacts"]:
            previous["contacts"].append(contact)
        else:
            self._add({"contacts": [contact]}, "contacts",
                      [Note("contact details recognised from the registry: the build prints them from there")])
        return True

    def _box(self, box: Box) -> None:
        if self._contact(box):
            return
        inner = [node for node in box.children if isinstance(node, (Paragraph, ItemList))]
        self._callout(box.title, inner, "a box")
        for node in box.children:  # what a callout cannot hold follows it
            if isinstance(node, Table):
                self._table(node)
            elif isinstance(node, Image):
                self._figure(node)
            elif isinstance(node, Heading):
                self._add({"heading": node.text, "level": 3}, "heading", [Note("was a heading inside a box")])

    def _callout(self, title: str, nodes: Sequence[Node], origin: str) -> None:
        paragraphs = [node.text for node in nodes if isinstance(node, Paragraph)]
        items = [item for node in nodes if isinstance(node, ItemList) for item in node.items]
        wording = " ".join([title, *paragraphs, *items])
        kind = ("alarm" if _ALARM.search(wording) else "warning" if _WARNING.search(wording)
                else "tip" if _TIP.search(title or wording) else "info")
        block: dict[str, Any] = {"callout": kind}
        notes = [Note(f"{origin} in the source; kind "
                      f"'{kind}' chosen from its wording: check it (alarm, warning, info or tip)")]
        if title:
            block["title"] = title
        if paragraphs:
            (text,), text_notes = self._localised(["\n\n".join(paragraphs)])
            block["text"], notes = text, notes + text_notes
        if items:
            localised, item_notes = self._localised(items)
            block["items"], notes = localised, notes + item_notes
        if "text" not in block and "items" not in block:
            block["text"] = title or UNFILLED
            block.pop("title", None)
        self._add(block, "callout", notes)

    def _contact_card(self, box: Box) -> str | None:
        """The registry key when the box holds only one contact's label, number, hours and e-mail."""
        institution = self.registry.chosen
        if institution is None:
            return None
        text = " ".join([box.title, *(line for node in box.children for line in node_lines(node))])
        for key, contact in institution.contacts.items():
            if contact.phone.display not in text and contact.label not in text:
                continue
            rest = text
            for fact in (contact.label, contact.phone.display, contact.hours or "", contact.email or ""):
                rest = rest.replace(fact.replace("_", "\\_"), " ") if fact else rest
            leftover = [word for word in _WORD.findall(rest.lower()) if word not in _CONTACT_FIELD_WORDS]
            if contact.phone.display in text and len(leftover) <= 2:
                return key
        return None

    # --- metadata --------------------------------------------------------------------------------

    def _folder(self, title: str, intro: list[str], intro_notes: list[Note]) -> ImportedFolder:
        properties = self.document.properties
        body_lines = [line for block in self.blocks for line in _block_lines(block) if len(line.split()) <= 12]
        found = find_metadata(properties, self.colophon, body_lines, self.code_prefixes)
        metadata: dict[str, Any] = {}
        notes: dict[str, str] = {}
        sources: dict[str, str] = {}
        if title:
            metadata["title"] = title
            sources["title"] = ("its title property" if title == properties.get("title")
                                else "the document's top heading")
        else:
            metadata["title"] = UNFILLED
            notes["title"] = "no title found: write the folder's title"
        subtitle = properties.get("subtitle") or (properties.get("subject", "") if properties.get("subject") != title
                                                  else "")
        if subtitle:
            metadata["subtitle"] = subtitle
        if intro:
            metadata["intro"] = "\n\n".join(intro)
            if intro_notes:
                notes["intro"] = "; ".join(note.text for note in intro_notes)
        defaults = {"code": UNFILLED, "department": UNFILLED, "owner": UNFILLED, "version": UNFILLED_VERSION,
                    "approved": UNFILLED_APPROVED, "review": UNFILLED_REVIEW}
        what = {"code": "the folder code (capitals, digits, hyphens; without the institution's prefix)",
                "department": "the department that owns the content", "owner": "the role responsible for the content",
                "version": "the version number", "approved": "the approval date (YYYY-MM-DD)",
                "review": "the date by which the content must be reviewed (YYYY-MM-DD)"}
        for key in ("code", "language", "department", "owner", "version", "approved", "review"):
            if key == "language":
                metadata["language"] = properties.get("language", "nl")
                continue
            if key in found:
                metadata[key] = found[key].value
                sources[key] = found[key].where
                notes[key] = f"taken from the source ({found[key].where}): check it"
            else:
                metadata[key] = defaults[key]
                notes[key] = f"not in the source: fill in {what[key]}"
        if metadata["review"] <= metadata["approved"] and "review" in found:
            notes["review"] = "the source's review date is not after its approval date: set a new one"
        keywords = [word.strip() for word in re.split(r"[,;]", properties.get("keywords", "")) if word.strip()]
        metadata["imported"] = self.document.source_name
        notes["imported"] = ("this folder was imported and is not built until a person has checked it: go through "
                             "every REVIEW comment, then delete this line")
        if keywords:
            metadata["keywords"] = keywords
        return ImportedFolder(metadata, notes, tuple(self.blocks), tuple(tuple(n) for n in self.notes),
                              tuple(self.images), dict(self.recognised), tuple(self.dropped),
                              self.registry.chosen.id if self.registry.chosen else None, sources)


_MANUAL_BULLET = re.compile("^(?:[" + re.escape("".join(sorted(BULLETS - {"*"}))) + "\ue000-\uf8ff]|\\\\\\*)\\s+")
_MANUAL_NUMBER = re.compile(r"^\d{1,2}[.)]\s+")
_BOLD_ONLY = re.compile(r"^\*\*((?:(?!\*\*).)+)\*\*$")
_UNESCAPE = re.compile(r"\\([\\*_\[\]{}`])")
_BOLD_HEADING_LEVEL = 99  # below every real heading level: ranked as the lowest level in use


def normalise(nodes: list[Node]) -> list[Node]:
    """What authors type by hand in Word or on a page, read as the structure it shows: paragraphs
    starting with a bullet glyph or "-" are a list, two or more starting "1.", "2." are steps, and a
    short paragraph that is bold as a whole (no full stop at the end) is a heading."""
    result: list[Node] = []
    index = 0
    while index < len(nodes):
        node = nodes[index]
        if isinstance(node, Box):
            result.append(Box(node.title, tuple(normalise(list(node.children)))))
            index += 1
            continue
        if not isinstance(node, Paragraph):
            result.append(node)
            index += 1
            continue
        for pattern, ordered, minimum in ((_MANUAL_BULLET, False, 1), (_MANUAL_NUMBER, True, 2)):
            end = index
            while end < len(nodes) and isinstance(item := nodes[end], Paragraph) and pattern.match(item.text):
                end += 1
            if end - index >= minimum:
                items = tuple(pattern.sub("", paragraph.text, count=1) for paragraph in nodes[index:end]
                              if isinstance(paragraph, Paragraph))
                result.append(ItemList(items, ordered))
                index = end
                break
        else:
            bold = _BOLD_ONLY.match(node.text)
            if bold and len(node.text.split()) <= 12 and not re.search(r"[.;,]$", bold.group(1)):
                result.append(Heading(_UNESCAPE.sub(r"\1", bold.group(1)), _BOLD_HEADING_LEVEL))
            else:
                result.append(node)
            index += 1
    return result


def _heading_levels(nodes: list[Node]) -> dict[int, int]:
    """Source heading levels ranked into the folder's levels 2, 3 and 4 (deeper ones stay 4)."""
    used = sorted({node.level for node in nodes if isinstance(node, Heading)})
    return {level: min(2 + rank, 4) for rank, level in enumerate(used)}


def _section_end(nodes: list[Node], start: int, level: int | None = None) -> int:
    """Index of the next heading (of `level` or higher when given) at or after `start`."""
    for index in range(start, len(nodes)):
        node = nodes[index]
        if isinstance(node, Heading) and (level is None or node.level <= level):
            return index
    return len(nodes)


def node_lines(node: Node) -> list[str]:
    if isinstance(node, Paragraph):
        return [node.text]
    if isinstance(node, ItemList):
        return list(node.items)
    if isinstance(node, Table):
        return [" ".join(row) for row in node.rows]
    if isinstance(node, Heading):
        return [node.text]
    if isinstance(node, Box):
        return [node.title, *(line for child in node.children for line in node_lines(child))]
    return []


def _block_lines(block: dict[str, Any]) -> list[str]:
    lines = []
    for value in block.values():
        if isinstance(value, str):
            lines.extend(value.split("\n\n"))
        elif isinstance(value, list):
            lines.extend(str(item) for item in value)
    return lines


def _describe(node: Node) -> str:
    text = " ".join(node_lines(node)) or type(node).__name__.lower()
    return repr(text if len(text) <= 60 else text[:57] + "...")

