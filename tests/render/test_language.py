"""A document's language: dates by Babel, direction, hyphenation, fallback fonts (templates/labels/*.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from folderpers.errors import FontError, Location, SourceError
from folderpers.project import Project
from folderpers.render.html import HtmlRenderer
from folderpers.render.language import language_from_labels

from support import MINIMAL_FOLDER, REPO

RENDERER = HtmlRenderer(Project(REPO))
DAY = date(2025, 9, 15)


@pytest.mark.parametrize("code, long, short", [
    ("nl", "15 september 2025", "15-09-2025"),  # as before Babel: the Dutch outputs did not change
    ("en", "15 September 2025", "2025-09-15"),
    ("tr", "15 Eylül 2025", "15.09.2025"),
    ("pl", "15 września 2025", "15.09.2025"),  # the genitive month, as CLDR knows it
    ("uk", "15 вересня 2025\u202fр.", "15.09.2025"),  # CLDR: a narrow no-break space before the year mark
    ("ar", "15 سبتمبر 2025", "15-09-2025"),
])
def test_dates_are_written_as_each_language_writes_them(code, long, short):
    language = RENDERER.language(code)
    assert (language.date(DAY), language.date(DAY, short=True)) == (long, short)


def test_direction_hyphenation_and_fonts_follow_the_language():
    directions = {code: RENDERER.language(code).direction for code in ("nl", "en", "tr", "ar", "pl", "uk")}
    assert directions == {"nl": "ltr", "en": "ltr", "tr": "ltr", "ar": "rtl", "pl": "ltr", "uk": "ltr"}
    assert {code for code in directions if not RENDERER.language(code).hyphenation} == {"tr", "ar"}  # no pyphen
    assert RENDERER.language("ar").fallback_font == "Noto Naskh Arabic"
    assert language_from_labels("he", {"locale": "he"}, Location(REPO)).direction == "rtl"  # by default


def test_a_bad_locale_or_direction_is_a_clear_error():
    with pytest.raises(SourceError, match="unknown locale 'xx_YY'"):
        language_from_labels("xx", {"locale": "xx_YY"}, Location(REPO / "templates/labels/xx.yaml"))
    with pytest.raises(SourceError, match="direction 'up' is neither ltr nor rtl"):
        language_from_labels("nl", {"direction": "up"}, Location(REPO / "templates/labels/nl.yaml"))


def test_an_institution_font_for_a_language_comes_after_the_brand_font_and_must_be_installed(tmp_project):
    from folderpers.source.load import load_folder, load_institution
    from folderpers.source.resolve import resolve
    from folderpers.source.schemas import SchemaSet
    schemas = SchemaSet(tmp_project.project.schemas)
    source = tmp_project.root / "institutions" / "alpha" / "institution.yaml"
    text = source.read_text("utf-8")
    folder = load_folder(tmp_project.folder("demo", MINIMAL_FOLDER + "language: ar\n", "folder.ar.yaml"), schemas)
    renderer = HtmlRenderer(tmp_project.project)
    institution = load_institution(source, schemas)
    assert renderer.font_families(resolve(folder, institution, {}))[1] == "Noto Naskh Arabic"
    source.write_text(text + "language_fonts: {ar: Noto Sans Arabic}\n", "utf-8")
    institution = load_institution(source, schemas)
    assert renderer.font_families(resolve(folder, institution, {}))[1] == "Noto Sans Arabic"
    source.write_text(text + "language_fonts: {ar: Geen Bestaand Font}\n", "utf-8")
    institution = load_institution(source, schemas)
    with pytest.raises(FontError, match="font 'Geen Bestaand Font' is not installed") as caught:
        renderer.font_families(resolve(folder, institution, {}))
    assert "institution.yaml" in str(caught.value)


def test_numbers_follow_the_languages_numbering_system():
    """Arabic folders write 0-9 (templates/labels/ar.yaml says why); another numbering system changes
    the digits of dates, numbers, and page and step numbers together."""
    arabic = RENDERER.language("ar")
    assert (arabic.numbers, arabic.counter_style, arabic.number(1234.5)) == ("latn", "decimal", "1,234.5")
    indic = language_from_labels("ar", {"locale": "ar", "numbers": "arab", "date_short_format": "dd-MM-y"},
                                 Location(REPO))
    assert indic.date(DAY, short=True) == "١٥-٠٩-٢٠٢٥"
    assert indic.number(1234.5) == "١٬٢٣٤٫٥" and indic.counter_style == "arabic-indic"
    persian = language_from_labels("fa", {"locale": "fa"}, Location(REPO))
    assert persian.numbers == "latn"  # the default, unless a labels file says otherwise
    assert language_from_labels("fa", {"locale": "fa", "numbers": "arabext"}, Location(REPO)).date(DAY) == \
        "۱۵ سپتامبر ۲۰۲۵"
    assert RENDERER.language("nl").number(1234.5) == "1.234,5"
    assert RENDERER.language("pl").number(1234.5) == "1\u00a0234,5"  # CLDR: a no-break space groups


def test_a_numbering_system_css_cannot_count_in_is_a_clear_error():
    with pytest.raises(SourceError, match="numbers: 'roman' is not a numbering system of ar") as caught:
        language_from_labels("ar", {"locale": "ar", "numbers": "roman"}, Location(REPO / "templates/labels/ar.yaml"))
    assert "ar.yaml" in str(caught.value) and "latn" in str(caught.value)


def test_page_and_step_numbers_use_the_languages_digits(tmp_project):
    from folderpers.render.html import PDF
    from folderpers.source.load import load_folder, load_institution
    from folderpers.source.resolve import resolve
    from folderpers.source.schemas import SchemaSet
    schemas = SchemaSet(tmp_project.project.schemas)
    labels = tmp_project.project.templates / "labels"
    labels.mkdir(parents=True, exist_ok=True)
    (labels / "ar.yaml").write_text((REPO / "templates/labels/ar.yaml").read_text("utf-8").replace(
        "numbers: latn", "numbers: arab"), "utf-8")
    folder = load_folder(tmp_project.folder("demo", MINIMAL_FOLDER + "language: ar\n", "folder.ar.yaml"), schemas)
    institution = load_institution(tmp_project.root / "institutions" / "alpha" / "institution.yaml", schemas)
    publication = resolve(folder, institution, {})
    html = HtmlRenderer(tmp_project.project).render(publication, PDF, image_url=Path.as_uri)
    assert "counter(page, arabic-indic)" in html and "counter(pages, arabic-indic)" in html
    assert "ol { list-style-type: arabic-indic; }" in html
    dutch = HtmlRenderer(Project(REPO)).render(resolve(load_folder(tmp_project.folder(
        "demo2", MINIMAL_FOLDER), schemas), institution, {}), PDF, image_url=Path.as_uri)
    assert "counter(page)" in dutch and "list-style-type" not in dutch
