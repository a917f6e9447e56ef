"""The translated example (folders/epidurale-injectie in nl, en, tr, ar, pl, uk) as built: language,
direction, fonts, text extraction; and the policy for stale translations."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from folderpers.model.inline import plain_text
from folderpers.project import Project
from folderpers.source.load import load_folder, load_institution, load_snippets
from folderpers.source.resolve import resolve
from folderpers.source.schemas import SchemaSet

from support import BIDI_CONTROLS, REPO, comparable, extracted_in_order, heard_build, options

EXAMPLE = "epidurale-injectie"
LANGUAGES = ("nl", "en", "tr", "ar", "pl", "uk")
PROJECT = Project(REPO)
SCHEMAS = SchemaSet(PROJECT.schemas)


def stem(language: str) -> str:
    return EXAMPLE if language == "nl" else f"{EXAMPLE}.{language}"


@pytest.fixture(scope="module")
def dist(example_build) -> Path:
    output, report = example_build
    assert not [outcome for outcome in report.outcomes if outcome.status == "failed"]
    return output


def _passages(language: str, institution: str) -> list[str]:
    """The source text of the publication, paragraph by paragraph, placeholders resolved."""
    folder = load_folder(REPO / "folders" / EXAMPLE / (f"folder.{language}.yaml" if language != "nl" else "folder.yaml"),
                         SCHEMAS)
    owner = load_institution(REPO / "institutions" / institution / "institution.yaml", SCHEMAS)
    publication = resolve(folder, owner, load_snippets(PROJECT.snippets, SCHEMAS))
    texts = [folder.title, folder.subtitle, *(plain_text(p) for p in publication.intro)]
    for block in publication.blocks:
        for name in ("text", "paragraphs", "items"):
            for value in getattr(block, name, ()) if name != "text" else ([block.text] if hasattr(block, "text") else []):
                texts.append(value if isinstance(value, str) else plain_text(value))
    return [text for text in texts if text.strip()]


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _pdfium_text(path: Path) -> str:
    document = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()


@pytest.mark.parametrize("extract", [_pdftotext, _pdfium_text], ids=["pdftotext", "pypdfium2"])
@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "ar"])
def test_text_extracted_from_the_pdf_is_the_source_text(dist, language, extract):
    for institution in ("westerhaven", "meerzicht"):
        extracted = extract(dist / institution / f"{stem(language)}.pdf")
        assert extracted_in_order(extracted, _passages(language, institution), comparable) == []


def _strong(text: str) -> str:
    """Letters, digits and marks only: what has a direction of its own or belongs to a letter."""
    return "".join(ch for ch in comparable(text) if unicodedata.bidirectional(ch) in ("L", "R", "AL", "EN", "AN", "NSM"))


def _letters(text: str) -> str:
    return "".join(ch for ch in _strong(text) if not unicodedata.combining(ch))


# Arabic: folderpers/pdf/actual_text.py repairs the marks, and the left-to-right passages (a name
# with a phone number, an e-mail address) carry /ActualText for each extractor's way of reading.
@pytest.mark.parametrize("extract", [_pdftotext, _pdfium_text], ids=["pdftotext", "pypdfium2"])
def test_arabic_text_extracted_from_the_pdf_is_the_source_text(dist, extract):
    for institution in ("westerhaven", "meerzicht"):
        passages = _passages("ar", institution)
        with_latin_or_digits = [p for p in passages if re.search(r"[A-Za-z0-9]", p)]
        assert len(with_latin_or_digits) >= 2  # the comparison covers left-to-right passages
        extracted = extract(dist / institution / f"{stem('ar')}.pdf")
        assert extracted_in_order(extracted, passages, comparable) == []


@pytest.mark.parametrize("extract", [_pdftotext, _pdfium_text], ids=["pdftotext", "pypdfium2"])
def test_raised_arabic_marks_come_out_with_their_letters(dist, extract):
    """Without the repair, pdftotext put these marks (tanwin, shadda) on lines of their own, pdfium
    before their letters."""
    text = unicodedata.normalize("NFC", extract(dist / "westerhaven" / f"{stem('ar')}.pdf").translate(BIDI_CONTROLS))
    for word in ("قريباً", "دواءً", "ومخدّراً", "يخفّ", "رتّب"):
        assert unicodedata.normalize("NFC", word) in text, word
    assert not [line for line in text.splitlines() if line.strip() and _letters(line) == ""
                and any(unicodedata.combining(ch) for ch in line)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_version_has_its_language_direction_and_links_to_the_others(dist, language):
    html = (dist / "meerzicht" / f"{stem(language)}.html").read_text("utf-8")
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    for other in LANGUAGES:
        assert f'<link rel="alternate" hreflang="{other}" href="{stem(other)}.html">' in html
        if other != language:
            assert f'href="{stem(other)}.html" hreflang="{other}" lang="{other}"' in html
    with pikepdf.open(dist / "meerzicht" / f"{stem(language)}.pdf") as pdf:
        assert str(pdf.Root.Lang) == language


def _struct_langs(node) -> set[str]:
    found = set()
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else ():
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if "/Lang" in kid:
                found.add(str(kid.Lang))
            found |= _struct_langs(kid)
    return found


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "nl"])
def test_the_institutions_dutch_words_in_a_translation_are_tagged_dutch(dist, language):
    with pikepdf.open(dist / "westerhaven" / f"{stem(language)}.pdf") as pdf:
        assert _struct_langs(pdf.Root.StructTreeRoot) == {"nl"}
    html = (dist / "westerhaven" / f"{stem(language)}.html").read_text("utf-8")
    assert '<span lang="nl"' in html and ">Pijnpoli</span>" in html


def _chars(page) -> list[tuple[str, float]]:
    """(character, left x) of every character on a page."""
    text = page.get_textpage()
    return [(text.get_text_range(index, 1), text.get_charbox(index)[0]) for index in range(text.count_chars())]


@pytest.mark.parametrize("language, bullets_right", [("ar", True), ("nl", False)])
def test_bullets_and_callout_bar_sit_where_the_text_starts(dist, language, bullets_right):
    document = pypdfium2.PdfDocument(dist / "westerhaven" / f"{stem(language)}.pdf")
    try:
        page = document[0]
        width = page.get_width()
        chars = _chars(page)
        bullets = [x for char, x in chars if char == "\u2022"]
        letters = [x for char, x in chars if char.isalpha()]
        assert len(bullets) == 5  # the five items of the first list
        middle = width / 2
        if bullets_right:
            assert min(bullets) > middle and all(x > sorted(letters)[len(letters) // 2] for x in bullets)
        else:
            assert max(bullets) < middle
        # The alarm callout (page 2) has its bar, #b3001b, on the side where the text starts.
        image = document[1].render(scale=1).to_pil().convert("RGB")
        red = [x for x in range(image.width) for y in range(0, image.height, 4)
               if image.getpixel((x, y)) == (179, 0, 27)]
        assert red, "no callout bar found"
        assert (min(red) > image.width * 0.8) if bullets_right else (max(red) < image.width * 0.2)
    finally:
        document.close()


def test_arabic_uses_the_fallback_font_and_numbers_stay_left_to_right(dist):
    path = dist / "westerhaven" / f"{stem('ar')}.pdf"
    with pikepdf.open(path) as pdf:
        fonts = {str(font.BaseFont) for page in pdf.pages for font in page.Resources.Font.values()}
    assert any("Noto-Naskh-Arabic" in name for name in fonts) and any("Lato" in name for name in fonts)
    text = _pdftotext(path).translate(BIDI_CONTROLS)
    assert "088 215 1780" in text  # the pain clinic's number, in its own order
    assert "ZWH-PIJN-011" in text
    assert "اتصل بعيادة الألم على الرقم" in text


@pytest.fixture(scope="module")
def stale_build(tmp_path_factory):
    """The example with one Dutch block changed after translation, built as PDF and web page."""
    root = tmp_path_factory.mktemp("stale")
    for name in ("templates", "styles", "schemas", "institutions", "snippets"):
        shutil.copytree(REPO / name, root / name)
    shutil.copytree(REPO / "folders" / EXAMPLE, root / "folders" / EXAMPLE)
    source = root / "folders" / EXAMPLE / "folder.yaml"
    source.write_text(source.read_text("utf-8").replace("ongeveer 15 minuten", "ongeveer 20 minuten"), "utf-8")
    report = heard_build(Project(root), options(institutions=("westerhaven",), formats=("pdf", "web")))
    return root / "dist" / "westerhaven", report


NOTICES = {"en": ("This translation is not fully up to date", "What happens during the treatment?"),
           "ar": ("هذه الترجمة ليست محدَّثة بالكامل", "ماذا يحدث أثناء العلاج؟"),
           "tr": ("Bu çeviri tam olarak güncel değil", "Tedavi sırasında ne olur?")}


@pytest.mark.parametrize("language", sorted(NOTICES))
def test_a_stale_translation_is_published_with_a_notice_in_its_language(stale_build, language):
    output, report = stale_build
    title, section = NOTICES[language]
    html = (output / f"{stem(language)}.html").read_text("utf-8")
    notice = re.search(r'<aside class="outdated" role="note">(.*?)</aside>', html, re.S)
    assert notice and title in notice[1] and f"<li>{section}</li>" in notice[1]
    assert html.index('class="outdated"') < html.index('<section class="level-2">')  # first in the text
    text = unicodedata.normalize("NFC", _pdftotext(output / f"{stem(language)}.pdf").translate(BIDI_CONTROLS))
    assert unicodedata.normalize("NFC", title) in text and section in text  # NFC: marks in canonical order
    warnings = [w for o in report.outcomes if f"{stem(language)}." in o.subject for w in o.warnings]
    assert warnings and all(f"translation {language!r} is stale" in w for w in warnings)


def test_the_dutch_folder_gets_no_notice(stale_build):
    output, report = stale_build
    assert 'class="outdated"' not in (output / f"{EXAMPLE}.html").read_text("utf-8")
    assert not [w for o in report.outcomes if o.subject.endswith((f"{EXAMPLE}.pdf", f"{EXAMPLE}.html"))
                for w in o.warnings]


def test_the_index_links_each_language_version_to_the_others(dist):
    html = (dist / "westerhaven" / "index.html").read_text("utf-8")
    for language in LANGUAGES:
        others = [other for other in LANGUAGES if other != language]
        listing = re.search(rf'data-language="{language}" data-search="[^"]*{EXAMPLE}"(.*?)</article>', html, re.S)
        assert listing, language
        links = re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)" lang="\2" dir="(ltr|rtl)">', listing[1])
        assert sorted(code for _, code, _ in links) == sorted(others)
        assert all(href == f"{stem(code)}.html" and (direction == "rtl") == (code == "ar") for href, code, direction in links)
