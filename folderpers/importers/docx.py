"""Word (.docx) → document tree, through mammoth: it turns Word's styles into semantic HTML
(Heading 1-6, lists from Word's numbering, bold/italic, links, tables, images with their
descriptions as alt text), which the HTML reader then reads. The document properties (title,
subject, keywords, version, dates) come from docProps/core.xml."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path

import mammoth  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]

from folderpers.importers.errors import UnreadableSourceError
from folderpers.importers.html import read_html
from folderpers.importers.tree import Document, Dropped

# Word's title and subtitle styles are not in mammoth's default map (the title is marked, as Word documents
# often use Heading 1 for sections too); a box style becomes an <aside>.
_STYLE_MAP = """
p[style-name='Title'] => h1.document-title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Intense Quote'] => aside > p:fresh
"""
_CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
         "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)
_ENCRYPTED_MAGIC = b"\xd0\xcf\x11\xe0"  # an encrypted .docx is an OLE container, not a zip


def read_docx(path: Path) -> Document:
    raw = path.read_bytes()
    if raw.startswith(_ENCRYPTED_MAGIC):
        raise UnreadableSourceError(path, "the Word file is password-protected (encrypted) or an old .doc file",
                                    "open it in Word, remove the password (File > Info > Protect Document) "
                                    "or save it as .docx, then import that copy")
    try:
        with zipfile.ZipFile(BytesIO(raw)) as archive:
            properties = {**_custom_properties(archive), **_core_properties(archive)}
            running = _header_and_footer_lines(archive)
        result = mammoth.convert_to_html(BytesIO(raw), style_map=_STYLE_MAP)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as error:
        raise UnreadableSourceError(path, f"not a readable Word file ({type(error).__name__}: {error})",
                                    "open it in Word and save it again as .docx, then import that copy") from None
    document = read_html(f"<html><body>{result.value}</body></html>", path.name, whole_body=True)
    dropped = tuple(Dropped(message.message, "mammoth could not convert this Word feature")
                    for message in result.messages if message.type == "warning"
                    and "Unrecognised paragraph style" not in message.message)
    if running:
        dropped += (Dropped(f"page headers and footers ({'; '.join(running)[:100]})",
                            "the build prints its own; read for the code, version and dates"),)
    return Document(document.source_name, document.nodes, {**properties, **document.properties},
                    document.dropped + dropped, running)


def _custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """Custom document properties (File > Properties > Custom), where document systems keep code,
    version and dates; names lowercased."""
    if "docProps/custom.xml" not in archive.namelist():
        return {}
    root = etree.fromstring(archive.read("docProps/custom.xml"), parser=_SAFE_XML)
    found = {}
    for element in root:
        name, value = element.get("name", ""), "".join(element.itertext()).strip()
        if name and value:
            found[name.strip().lower()] = value
    return found


def _header_and_footer_lines(archive: zipfile.ZipFile) -> tuple[str, ...]:
    """The text of the page headers and footers, one entry per paragraph (mammoth leaves them out)."""
    lines: list[str] = []
    for name in sorted(archive.namelist()):
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            root = etree.fromstring(archive.read(name), parser=_SAFE_XML)
            for paragraph in root.iter(f"{{{_WORD}}}p"):
                text = "".join(t.text or "" for t in paragraph.iter(f"{{{_WORD}}}t")).strip()
                if text:
                    lines.append(text)
    return tuple(dict.fromkeys(lines))


def _core_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """Title, subject, keywords, version, creation and modification dates from the document properties."""
    if "docProps/core.xml" not in archive.namelist():
        return {}
    root = etree.fromstring(archive.read("docProps/core.xml"), parser=_SAFE_XML)
    found = {}
    for key, path in (("title", "dc:title"), ("subject", "dc:subject"), ("keywords", "cp:keywords"),
                      ("category", "cp:category"), ("version", "cp:version"), ("author", "dc:creator"),
                      ("description", "dc:description"), ("created", "dcterms:created"),
                      ("modified", "dcterms:modified")):
        value = root.findtext(path, namespaces=_CORE)
        if value and value.strip():
            found[key] = value.strip()
    return found
