"""Rendering HTML: escaping, structure (sections, headings, lists, tables) and the two targets."""

from pathlib import Path

import pytest

from folderpers.model.blocks import BLOCK_TYPES, Heading, Paragraphs
from folderpers.render.html import PDF, PRINT, WEB, HtmlRenderer, Section, css_string, data_url, sectioned
from folderpers.source.load import load_folder, load_institution, load_snippets
from folderpers.source.resolve import resolve
from folderpers.source.schemas import SchemaSet

from support import CALLOUT_IN_ORDER, MINIMAL_FOLDER, REPO, hrefs

SCHEMAS = SchemaSet(REPO / "schemas")

HOSTILE = MINIMAL_FOLDER.replace("title: Testfolder", "title: 'Test \"</style><script>alert(1)</script>'") + """\
  - text: '<script>alert(1)</script> {{ 7*7 }} {% raw %} <img src=x onerror=alert(1)> & </p>'
  - table:
      - [Wanneer, Wat]
      - [Dag 1, '<b>rust</b>']
    row_headers: true
    caption: Schema
  - heading: Contact
  - contacts: [poli]
    title: Bellen
  - faq:
      - question: Mag ik douchen?
        answer: Ja, bel {phone:poli}.
  - pagebreak: true
  - heading: Verdieping
    level: 3
  - steps: [een, twee]
"""


def render(tmp_project, target, text=HOSTILE, institution="alpha"):
    folder = load_folder(tmp_project.folder("demo", text), SCHEMAS)
    loaded = load_institution(tmp_project.root / f"institutions/{institution}/institution.yaml", SCHEMAS)
    publication = resolve(folder, loaded, load_snippets(tmp_project.root / "snippets", SCHEMAS))
    medium = {"pdf": PDF, "print": PRINT, "web": WEB}[target]
    return HtmlRenderer(tmp_project.project).render(publication, medium, image_url=Path.as_uri)


@pytest.mark.parametrize("target", ["pdf", "web"])
def test_content_is_escaped_never_interpreted(tmp_project, target):
    html = render(tmp_project, target)
    assert "<script>" not in html and "<img src=x" not in html and "<b>rust" not in html
    assert ("&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% raw %} &lt;img src=x onerror=alert(1)&gt; &amp; "
            "&lt;/p&gt;") in html
    assert "<title>Test &#34;&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "</style><script>" not in html


def test_css_strings_cannot_break_out():
    assert css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c /style\\3e "'
    assert css_string("Zorg & co") == '"Zorg \\26  co"'


def test_structure_sections_headings_tables(tmp_project):
    html = render(tmp_project, "web")
    assert html.count("<h1>") == 1 and '<section class="level-2">\n<h2>Wat is het?</h2>' in html
    assert "<h3>Bellen</h3>" in html and '<h3 class="question">Mag ik douchen?</h3>' in html
    assert '<section class="level-3">\n<h3>Verdieping</h3>' in html
    assert '<th scope="col">Wanneer</th>' in html and '<th scope="row">Dag 1</th>' in html
    assert "<caption>Schema</caption>" in html and '<ol class="steps">' in html
    assert '<html lang="nl" dir="ltr">' in html


def test_web_has_tel_links_pdf_has_running_footer(tmp_project):
    web, pdf = render(tmp_project, "web"), render(tmp_project, "pdf")
    assert '<a class="phone" href="tel:+31-88-111-0001">088 111 0001</a>' in web
    assert "tel:" not in pdf and '<span class="phone">088 111 0001</span>' in pdf
    assert "counter(pages)" in pdf and "counter(pages)" not in web
    assert '<div class="pagebreak"></div>' in pdf and "pagebreak" not in web.split("<main")[1]
    assert '--brand-primary: #123456' in web and 'font-family: "Lato", Arial, sans-serif' in web


def test_each_institution_brands_its_own_output(tmp_project):
    alpha, beta = render(tmp_project, "web"), render(tmp_project, "web", institution="beta")
    assert "#6b2046" in beta and "#6b2046" not in alpha
    assert 'font-family: "Open Sans"' in beta and "Beta Medisch Centrum" in beta and "Alpha" not in beta


def test_sectioned_nests_by_level():
    text = Paragraphs(())
    tree = sectioned((text, Heading("A", 2), text, Heading("B", 3), text, Heading("C", 2)))
    assert tree[0] is text
    a, c = tree[1], tree[2]
    assert isinstance(a, Section) and a.heading.text == "A" and a.children[1].heading.text == "B"
    assert isinstance(c, Section) and c.children == ()


def test_every_renderable_block_type_has_a_partial():
    partials = {path.stem for path in (REPO / "templates/blocks").glob("*.html")}
    # headings become <section>s and includes are replaced while resolving: neither reaches a partial
    assert partials == set(BLOCK_TYPES) - {"heading", "include"}


def test_missing_language_labels_is_a_clear_error(tmp_project):
    from folderpers.errors import SourceError
    with pytest.raises(SourceError, match="no interface words for language 'fy'"):
        render(tmp_project, "web", text=MINIMAL_FOLDER + "language: fy\n")


def test_data_url_inlines_images(tmp_path):
    path = tmp_path / "a.svg"
    path.write_text("<svg/>")
    assert data_url(path) == "data:image/svg+xml;base64,PHN2Zy8+"


def test_callout_renders_list_before_text_as_written_and_without_title(tmp_project):
    html = render(tmp_project, "web", CALLOUT_IN_ORDER)
    alarm = html[html.rindex('callout callout-alarm'):]
    alarm = alarm[:alarm.index("</aside>")]
    assert alarm.index("<ul>") < alarm.index("Bel dan") < alarm.index("<ol>") < alarm.index("Of kom langs")
    assert "Neem direct contact op bij</h" in alarm
    tip = html[html.index('callout callout-tip'):]
    tip = tip[:tip.index("</aside>")]
    assert "<h" not in tip and 'aria-label="Tip"' in tip and tip.index("eerst dit") < tip.index("Dan dit")


# A name that needs percent-encoding in a URL: the name rule (source/names.py) refuses such folder
# names, so the templates are tested with one directly: every link built from a name must still be
# one path, not end at `#` or `?`, and resolve to that name.
UNSAFE_STEM = "een map#1?x=%2e ë"


def test_links_built_from_names_are_url_encoded(tmp_project):
    import dataclasses
    from urllib.parse import unquote, urlsplit

    folder = load_folder(tmp_project.folder("demo", MINIMAL_FOLDER), SCHEMAS)
    loaded = load_institution(tmp_project.root / "institutions/beta/institution.yaml", SCHEMAS)
    publication = resolve(folder, loaded, load_snippets(tmp_project.root / "snippets", SCHEMAS))
    folder = dataclasses.replace(publication.folder, slug=UNSAFE_STEM)
    publication = dataclasses.replace(publication, folder=folder,
                                      language_versions=(("nl", UNSAFE_STEM), ("en", f"{UNSAFE_STEM}.en")))

    renderer = HtmlRenderer(tmp_project.project)
    for medium, expected in ((WEB, {f"{UNSAFE_STEM}.en.html", f"{UNSAFE_STEM}.html"}),
                             (PDF, {f"https://beta.example/folders/{UNSAFE_STEM}.html"})):
        found = [href for href in hrefs(renderer.render(publication, medium, image_url=Path.as_uri))
                 if ".html" in href]
        for href in found:
            parts = urlsplit(href)
            assert not parts.query and not parts.fragment and " " not in href, href
        assert {parts.geturl().replace(parts.path, unquote(parts.path)) for parts in map(urlsplit, found)} == expected


@pytest.mark.parametrize("medium", [PDF, WEB])
def test_an_address_in_right_to_left_text_is_isolated_left_to_right(medium):
    """Without the isolate an e-mail address at the end of an Arabic line was drawn as "@pijnpoli"."""
    from folderpers.model.inline import Link, Text
    from folderpers.render.html import inline_html
    nodes = (Text("أرسل بريداً إلى "), Link("mailto:pijnpoli@example.org", (Text("pijnpoli@example.org"),)), Text("."))
    html = str(inline_html(nodes, medium, rtl=True, language="ar"))
    assert '<span dir="ltr"><span class="address"><a href="mailto:pijnpoli@example.org">' in html
    assert 'dir="ltr"' not in str(inline_html(nodes, medium, rtl=False, language="nl"))
