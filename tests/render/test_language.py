"""A document's language: dates by Babel, direction, hyphenation, fallback fonts (templates/labels/*.yaml)."""

from __future__ import annotations

from datetime import date

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
