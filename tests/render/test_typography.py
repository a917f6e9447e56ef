
"""Addresses that break cleanly and Dutch typographic quotes."""

from folderpers.model.inline import Link, Text
from folderpers.render.html import PDF, inline_html
from folderpers.render.typography import BREAK, NO_BREAK, address_html, dutch_quotes


def test_address_breaks_after_slash_dot_hyphen_only_and_keeps_the_slug_whole():
    html = str(address_html("www.zh-west.example/folders/wervel-fractuur.html", "https://www.zh-west.example/x"))
    assert html.startswith('<span class="address"><a href="https://www.zh-west.example/x">')
    text = html.split(">", 2)[2].rsplit("</a>", 1)[0]
    assert text == (f"www.{BREAK}zh-{BREAK}west.{BREAK}example/{BREAK}folders/{BREAK}"
                    f"wervel-{NO_BREAK}fractuur.html")


def test_email_address_breaks_after_at_and_dot():
    assert str(address_html("a.b@c.example")) == f'<span class="address">a.{BREAK}b@{BREAK}c.{BREAK}example</span>'


def test_on_the_web_page_addresses_break_with_wbr():
    assert str(address_html("x.example/f/wervel-fractuur.html", paged=False)) == (
        '<span class="address">x.<wbr>example/<wbr>f/<wbr><span class="address-end">wervel-fractuur.html</span></span>')


def test_dutch_quotes_and_apostrophes():
    assert dutch_quotes('Hij zei "ga maar" en \'s avonds ging het \'goed\'. Zo\'n dag.') == \
        "Hij zei “ga maar” en ’s avonds ging het ‘goed’. Zo’n dag."


def test_rich_text_gets_quotes_addresses_and_an_unhyphenated_last_word():
    html = str(inline_html((Text('Lees "dit" op '), Link("https://x.example", (Text("www.x.example"),)),
                            Text(" voor de uitleg")), PDF))
    assert "Lees “dit” op " in html and f"www.{BREAK}x.{BREAK}example" in html
    assert html.endswith(" voor de " + NO_BREAK.join("uitleg"))
