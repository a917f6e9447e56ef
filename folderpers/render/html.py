"""Stage 3: render a Publication to HTML with the project's Jinja2 templates.

One set of templates serves every output; each writer says what its output is as a Medium
(paged or not, interactive or not), and templates ask the medium, never the writer's name.
Autoescaping is on and content only ever arrives as template *data*: it is never compiled.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from folderpers import __version__
from folderpers.errors import Location, Problem, SourceError
from folderpers.model.blocks import Block, Heading
from folderpers.model.inline import Emphasis, FolderLink, Foreign, Link, PhoneNumber, RichText, Strong, Text, plain_text
from folderpers.model.publication import Publication
from folderpers.project import Project
from folderpers.render.fonts import require_family
from folderpers.render.language import Language, language_from_labels
from folderpers.render.qr import qr_svg
from folderpers.render.typography import ADDRESS, NO_BREAK, address_html, dutch_quotes
from folderpers.source.yamlsource import load_yaml

HYPHENATE_MIN_LETTERS = 6  # the shortest word hyphenated (hyphenate-limit-chars in styles/folder.css)

@dataclass(frozen=True)
class Medium:
    """What kind of output the HTML is for, as the templates and styles need to know it."""

    name: str  # the writer's kind: the templates' `target` and the page's class "target-<name>"
    paged: bool  # laid out in pages by WeasyPrint: page size, page breaks, back cover with QR code; the
    # project's CSS comes as pre-parsed stylesheets. Else one self-contained page with its CSS inlined.
    interactive: bool  # read where links are followed: phone numbers become tel: links


PDF = Medium("pdf", paged=True, interactive=False)  # a PDF's numbers are read and dialled, not clicked
PRINT = Medium("print", paged=True, interactive=False)
WEB = Medium("web", paged=False, interactive=True)
_CSS_SAFE = re.compile(r"[A-Za-z0-9 .,:;_()/-]")


@dataclass(frozen=True)
class Section:
    """A heading and the blocks up to the next heading of the same or a higher level."""

    heading: Heading
    children: tuple[Any, ...]  # Block or Section


def sectioned(blocks: tuple[Block, ...]) -> tuple[Any, ...]:
    """Nest blocks under their headings, so HTML gets <section>s (Sect in the PDF's tags)."""
    root: list[Any] = []
    stack: list[tuple[int, list[Any], Heading | None]] = [(1, root, None)]
    for block in blocks:
        if isinstance(block, Heading):
            while stack[-1][0] >= block.level:
                _close(stack)
            stack.append((block.level, [], block))
        else:
            stack[-1][1].append(block)
    while len(stack) > 1:
        _close(stack)
    return tuple(root)


def _close(stack: list) -> None:
    _, children, heading = stack.pop()
    stack[-1][1].append(Section(heading, tuple(children)))


def css_string(value: str) -> Markup:
    """`value` as a quoted CSS string that cannot end the string or the <style> element."""
    escaped = "".join(ch if _CSS_SAFE.fullmatch(ch) else f"\\{ord(ch):x} " for ch in str(value))
    return Markup(f'"{escaped}"')


def rtl_text(text: str) -> bool:
    """Whether `text` holds a letter of a right-to-left script (Arabic, Hebrew, ...)."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def _ends_left_to_right(text: str) -> bool:
    """Whether the last character of `text` with a strong direction is written left to right."""
    for ch in reversed(text):
        kind = unicodedata.bidirectional(ch)
        if kind in ("L", "EN", "R", "AL"):
            return kind in ("L", "EN")
    return False


def inline_html(nodes: RichText, medium: Medium, rtl: bool = False, language: str = "nl") -> Markup:
    """Inline nodes as escaped HTML; addresses set to break cleanly, Dutch text with curly quotes. In
    right-to-left text (`rtl`), phone numbers and addresses are isolated left to right, so that their
    digits and dots keep their order.
    On paper the last word is kept from hyphenation, so the last line of a paragraph is never a
    fragment: its letters are joined by word joiners (an element around it would trip WeasyPrint 70,
    which then breaks the line after a hyphenated word early)."""
    inline = _Inline(medium, language, rtl)
    head, _, last = nodes[-1].text.rstrip().rpartition(" ") if nodes and isinstance(nodes[-1], Text) else ("", "", "")
    if medium.paged and head and sum(character.isalpha() for character in last) >= HYPHENATE_MIN_LETTERS:
        return inline.html((*nodes[:-1], Text(head + " "), Text(NO_BREAK.join(last))))
    return inline.html(nodes)


class _Inline:
    def __init__(self, medium: Medium, language: str, rtl: bool = False):
        self.medium, self.quotes, self.last = medium, language.split("-")[0] == "nl", " "
        self.ltr = Markup(' dir="ltr"') if rtl else Markup("")

    def text(self, text: str) -> Markup:
        shown = dutch_quotes(text, self.last) if self.quotes else text
        self.last = text[-1:] or self.last
        return escape(shown)

    def address(self, href: str, text: str) -> Markup:
        self.last = text[-1:] or self.last
        html = address_html(text, href, paged=self.medium.paged)
        return Markup('<span%s>%s</span>') % (self.ltr, html) if self.ltr else html  # isolated in RTL text

    def html(self, nodes: RichText) -> Markup:
        parts = []
        paged = self.medium.paged
        for node in nodes:
            if isinstance(node, Text):
                parts.append(self.text(node.text))
            elif isinstance(node, Strong):
                parts.append(Markup("<strong>%s</strong>") % self.html(node.children))
            elif isinstance(node, Emphasis):
                parts.append(Markup("<em>%s</em>") % self.html(node.children))
            elif isinstance(node, Foreign):
                parts.append(Markup('<span lang="%s"%s>%s</span>') % (
                    node.language, Markup("") if rtl_text(plain_text(node.children)) else self.ltr,
                    self.html(node.children)))
            elif isinstance(node, Link) and len(node.children) == 1 and isinstance(node.children[0], Text) \
                    and ADDRESS.match(node.children[0].text):
                parts.append(self.address(node.href, node.children[0].text))
            elif isinstance(node, Link):
                isolated = self.ltr if not rtl_text(plain_text(node.children)) else Markup("")
                parts.append(Markup('<a href="%s"%s>%s</a>') % (node.href, isolated, self.html(node.children)))
                if node.print_address and paged:  # on paper the reader must see where it goes
                    parts.append(Markup(" (%s)") % self.address(node.href, node.href.split("://", 1)[-1]))
            elif isinstance(node, FolderLink):
                title = self.text("“" + node.title + "”" if self.quotes else node.title)
                if not paged:
                    parts.append(Markup('<a href="%s">%s</a>') % (node.page, title))
                elif node.url:
                    parts.append(Markup('<a href="%s">%s</a> (%s)') % (node.url, title, self.address(
                        node.url, node.url.split("://", 1)[-1])))
                else:
                    parts.append(title)
            elif isinstance(node, PhoneNumber):
                self.last = node.display[-1:]
                if self.medium.interactive:
                    parts.append(Markup('<a class="phone" href="%s"%s>%s</a>') % (node.uri, self.ltr, node.display))
                else:  # on paper a number is read and dialled, not clicked
                    parts.append(Markup('<span class="phone"%s>%s</span>') % (self.ltr, node.display))
            else:
                raise TypeError(f"unresolved inline node {node!r}")
        return Markup("").join(parts)


class HtmlRenderer:
    """Renders publications with the templates and labels of one project."""

    def __init__(self, project: Project):
        self.project = project
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(project.templates),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters["css_string"] = css_string
        self.environment.filters["plain"] = plain_text
        self.template = self.environment.get_template("folder.html")

    @cache
    def labels(self, language: str) -> dict[str, Any]:
        """Interface words for `language` from templates/labels/<language>.yaml."""
        path = self.project.templates / "labels" / f"{language.split('-')[0]}.yaml"
        if not path.exists():
            available = sorted(p.stem for p in path.parent.glob("*.yaml"))
            raise SourceError(Problem(Location(path), f"no interface words for language {language!r}",
                                      f"copy templates/labels/nl.yaml to {path.name} and translate it "
                                      f"(languages now: {', '.join(available)})"))
        return load_yaml(path).data

    @cache
    def language(self, code: str) -> Language:
        """Direction, date and number formats, hyphenation and fallback font of `code`."""
        path = self.project.templates / "labels" / f"{code.split('-')[0]}.yaml"
        return language_from_labels(code, self.labels(code), Location(path))

    def render(self, publication: Publication, medium: Medium, image_url: Callable[[Path], str],
               palette: dict[str, str] | None = None, svg_url: Callable[[str], str] | None = None,
               page_total: int | None = None) -> str:
        """HTML for `medium`; `palette` gives the brand colours as CSS values (default: the RGB ones),
        `svg_url` turns SVG made here (the QR code) into an image URL (default: an RGB data: URL),
        `page_total` is the footer's "of N" when pages are added after layout (a print booklet's padding)."""
        labels = self.labels(publication.language)
        language = self.language(publication.language)
        online = publication.online_url
        qr_image = (svg_url or svg_data_url)(qr_svg(online)) if online and medium.paged else None
        format_date = language.date
        institution = publication.institution
        rtl = language.direction == "rtl"

        def rich(nodes: RichText) -> Markup:
            html = inline_html(nodes, medium, rtl, publication.language)
            # A right-to-left paragraph that ends in left-to-right text (an address, a number) ends with a
            # right-to-left mark: a reader of the PDF's text, who sees only a line, then keeps its order.
            return html + Markup("\u200f") if rtl and _ends_left_to_right(plain_text(nodes)) else html

        def ltr(text: str) -> Markup:
            """A code, version, date or address isolated left to right inside right-to-left text."""
            return Markup('<span dir="ltr">%s</span>') % text if rtl else escape(text)

        def theirs(text: str) -> Markup:
            """The institution's own words (name, contact label, hours, address) inside a document in
            another language: marked as their language (/Lang in the PDF), never hyphenated."""
            if institution.language == publication.language:
                return escape(text)
            return Markup('<span lang="%s"%s>%s</span>') % (
                institution.language, Markup(' dir="ltr"') if rtl and not rtl_text(text) else Markup(""), text)

        def isolated(text: str) -> str:
            """For text that cannot hold markup (the running footer): left-to-right isolate characters."""
            return f"\u2066{text}\u2069" if rtl else text

        def typeset(text: str) -> str:  # plain text fields (headings, titles): Dutch quotes
            return dutch_quotes(text) if publication.language.split("-")[0] == "nl" else text

        folder = publication.folder
        stamp = (  # printed on every page: in the running footer, and on the back cover
            f"{isolated(publication.document_code)} \u00b7 {labels['version']} {isolated(folder.version)} "
            f"\u00b7 {folder.department}",
            f"{labels['approved_short']} {isolated(format_date(folder.approved, short=True))} \u00b7 "
            f"{labels['review_short']} {isolated(format_date(folder.review, short=True))}")

        return self.template.render(
            publication=publication,
            folder=publication.folder,
            institution=publication.institution,
            sections=sectioned(publication.blocks),
            labels=labels,
            language=language,
            fonts=self.font_families(publication),
            medium=medium,
            rich=rich,
            typeset=typeset,
            address=lambda text, href=None: address_html(text, href, paged=medium.paged),
            theirs=theirs,
            ltr=ltr,
            language_versions=tuple((code, stem, self.labels(code).get("language_name", code))
                                    for code, stem in publication.language_versions),
            direction_of=lambda code: self.language(code).direction,
            image_url=image_url,
            palette=palette or publication.institution.colors.rgb(),
            format_date=format_date,
            stamp=stamp,
            online_url=online,
            qr_image=qr_image,
            stylesheet=self._stylesheet(medium),
            generator=f"folderpers {__version__}",
            is_section=lambda node: isinstance(node, Section),
            page_total=page_total,
        )

    def font_families(self, publication: Publication) -> tuple[str, ...]:
        """The brand font, then a font for the document's script if the brand font may lack it: the
        institution's own for that language, else the language's fallback (labels `font:`)."""
        institution, code = publication.institution, publication.language
        own = (institution.language_fonts or {}).get(code) or (institution.language_fonts or {}).get(code.split("-")[0])
        extra = own or self.language(code).fallback_font
        if not extra or extra == institution.font:
            return (institution.font,)
        require_family(extra, institution.font_location if own else Location(
            self.project.templates / "labels" / f"{code.split('-')[0]}.yaml"))
        return (institution.font, extra)

    def render_padding(self, publication: Publication, count: int, palette: dict[str, str] | None = None) -> str:
        """`count` pages to pad a print booklet: a notes page, then blank pages."""
        return self.environment.get_template("padding.html").render(
            folder=publication.folder, institution=publication.institution, medium=PRINT,
            count=count, labels=self.labels(publication.language), language=self.language(publication.language),
            fonts=self.font_families(publication), palette=palette or publication.institution.colors.rgb())

    @cache
    def _stylesheet(self, medium: Medium) -> Markup:
        """A page that is not paged gets the project's CSS inlined; PDFs get it as pre-parsed stylesheets."""
        if medium.paged:
            return Markup("")
        return inline_css(self.project.styles, ("folder.css", "web.css"))


def inline_css(directory: Path, names: tuple[str, ...]) -> Markup:
    """The stylesheets `names` from `directory`, for a <style> element they cannot end."""
    css = "\n".join((directory / name).read_text("utf-8") for name in names)
    return Markup(css.replace("</", "<\\/"))


def data_url(path: Path) -> str:
    """An image as a data: URL, so the web page is one self-contained file."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def svg_data_url(svg: str) -> str:
    """SVG text made here (the QR code) as a data: URL."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
