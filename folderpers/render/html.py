"""Stage 3: render a Publication to HTML with the project's Jinja2 templates.

One set of templates serves every output; each writer says what its output is as a Medium
(paged or not, interactive or not), and templates ask the medium, never the writer's name.
Autoescaping is on and content only ever arrives as template *data*: it is never compiled.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from folderpers import __version__
from folderpers.errors import Location, Problem, SourceError
from folderpers.model.blocks import Block, Heading
from folderpers.model.inline import Emphasis, FolderLink, Link, PhoneNumber, RichText, Strong, Text, plain_text
from folderpers.model.publication import Publication
from folderpers.project import Project
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


def inline_html(nodes: RichText, medium: Medium, language: str = "nl") -> Markup:
    """Inline nodes as escaped HTML; addresses set to break cleanly, Dutch text with curly quotes.
    On paper the last word is kept from hyphenation, so the last line of a paragraph is never a
    fragment: its letters are joined by word joiners (an element around it would trip WeasyPrint 70,
    which then breaks the line after a hyphenated word early)."""
    inline = _Inline(medium, language)
    head, _, last = nodes[-1].text.rstrip().rpartition(" ") if nodes and isinstance(nodes[-1], Text) else ("", "", "")
    if medium.paged and head and sum(character.isalpha() for character in last) >= HYPHENATE_MIN_LETTERS:
        return inline.html((*nodes[:-1], Text(head + " "), Text(NO_BREAK.join(last))))
    return inline.html(nodes)


class _Inline:
    def __init__(self, medium: Medium, language: str):
        self.medium, self.quotes, self.last = medium, language.split("-")[0] == "nl", " "

    def text(self, text: str) -> Markup:
        shown = dutch_quotes(text, self.last) if self.quotes else text
        self.last = text[-1:] or self.last
        return escape(shown)

    def address(self, href: str, text: str) -> Markup:
        self.last = text[-1:] or self.last
        return address_html(text, href, paged=self.medium.paged)

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
            elif isinstance(node, Link) and len(node.children) == 1 and isinstance(node.children[0], Text) \
                    and ADDRESS.match(node.children[0].text):
                parts.append(self.address(node.href, node.children[0].text))
            elif isinstance(node, Link):
                parts.append(Markup('<a href="%s">%s</a>') % (node.href, self.html(node.children)))
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
                    parts.append(Markup('<a class="phone" href="%s">%s</a>') % (node.uri, node.display))
                else:  # on paper a number is read and dialled, not clicked
                    parts.append(Markup('<span class="phone">%s</span>') % node.display)
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

    def render(self, publication: Publication, medium: Medium, image_url: Callable[[Path], str],
               palette: dict[str, str] | None = None, svg_url: Callable[[str], str] | None = None,
               page_total: int | None = None) -> str:
        """HTML for `medium`; `palette` gives the brand colours as CSS values (default: the RGB ones),
        `svg_url` turns SVG made here (the QR code) into an image URL (default: an RGB data: URL),
        `page_total` is the footer's "of N" when pages are added after layout (a print booklet's padding)."""
        labels = self.labels(publication.language)
        online = publication.online_url
        qr_image = (svg_url or svg_data_url)(qr_svg(online)) if online and medium.paged else None

        def format_date(day: date, short: bool = False) -> str:
            pattern = labels["date_short_format" if short else "date_format"]
            return pattern.format(day=day.day, month=labels["months"][day.month - 1], month_number=day.month,
                                  year=day.year)

        def rich(nodes: RichText) -> Markup:
            return inline_html(nodes, medium, publication.language)

        def typeset(text: str) -> str:  # plain text fields (headings, titles): Dutch quotes
            return dutch_quotes(text) if publication.language.split("-")[0] == "nl" else text

        folder = publication.folder
        stamp = (  # printed on every page: in the running footer, and on the back cover
            f"{publication.document_code} \u00b7 {labels['version']} {folder.version} \u00b7 {folder.department}",
            f"{labels['approved_short']} {format_date(folder.approved, short=True)} \u00b7 "
            f"{labels['review_short']} {format_date(folder.review, short=True)}")

        return self.template.render(
            publication=publication,
            folder=publication.folder,
            institution=publication.institution,
            sections=sectioned(publication.blocks),
            labels=labels,
            medium=medium,
            rich=rich,
            typeset=typeset,
            address=lambda text, href=None: address_html(text, href, paged=medium.paged),
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

    def render_padding(self, publication: Publication, count: int, palette: dict[str, str] | None = None) -> str:
        """`count` pages to pad a print booklet: a notes page, then blank pages."""
        return self.environment.get_template("padding.html").render(
            folder=publication.folder, institution=publication.institution, medium=PRINT,
            count=count,
            labels=self.labels(publication.language), palette=palette or publication.institution.colors.rgb())

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
