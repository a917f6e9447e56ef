"""End to end: build every example folder for every institution and inspect the real files."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdf
import pytest

from folderpers.build.state import STATE_FILES
from folderpers.model.blocks import BLOCK_TYPES
from folderpers.project import Project
from folderpers.source.load import load_folder, load_institution, load_snippets
from folderpers.source.schemas import SchemaSet

from support import REPO, TODAY

PROJECT = Project(REPO)
SCHEMAS = SchemaSet(PROJECT.schemas)
# By output stem: <slug> for a Dutch folder, <slug>.<language> for a translation.
FOLDERS = {folder.slug + (f".{folder.language}" if folder.is_translation else ""): folder
           for folder in (load_folder(source, SCHEMAS) for source in PROJECT.folder_sources())}
DUTCH = {stem for stem, folder in FOLDERS.items() if folder.language == "nl"}
INSTITUTIONS = {source.parent.name: load_institution(source, SCHEMAS) for source in PROJECT.institution_sources()}
A5_POINTS = (419.53, 595.28)


@pytest.fixture(scope="module")
def dist(example_build) -> Path:
    output, report = example_build
    failures = [outcome for outcome in report.outcomes if outcome.status == "failed"]
    assert not failures, failures
    warnings = {warning for outcome in report.outcomes for warning in outcome.warnings}
    assert warnings == {
        # rugklachten is the example of a folder due for review
        "review date 2027-04-15 is within 6 months (145 days left): start the review",
        # meerzicht is the example of an institution without CMYK brand colours
        "colours are RGB, so the file is not PDF/X-4: the print shop converts them; give the institution's CMYK brand "
        "colours ('colors: cmyk:') for a PDF/X-4 file in CMYK",
    }
    return output


def publications():
    return [(slug, institution) for slug, folder in FOLDERS.items() for institution in INSTITUTIONS
            if folder.published_by(institution)]


def test_the_examples_are_what_the_project_promises():
    assert len(FOLDERS) >= 4 and len(INSTITUTIONS) >= 2
    used = {block.kind for folder in FOLDERS.values() for block in folder.blocks}
    assert {folder.language for folder in FOLDERS.values()} == {"nl", "en", "tr", "ar", "pl", "uk"}
    for snippets in [load_snippets(PROJECT.snippets, SCHEMAS)] + [i.snippets for i in INSTITUTIONS.values()]:
        used |= {block.kind for snippet in snippets.values() for block in snippet.blocks}
    assert used == set(BLOCK_TYPES), f"block types no example uses: {set(BLOCK_TYPES) - used}"
    assert any(folder.institutions for folder in FOLDERS.values()), "no example restricts its institutions"


def test_every_publication_is_built_and_unpublished_ones_are_not(dist):
    expected = {"manifest.json", "index.html"} | {f"{institution}/index.html" for institution in INSTITUTIONS}
    for slug, institution in publications():
        folder = FOLDERS[slug]
        stem = f"{institution}/print/{INSTITUTIONS[institution].code_prefix}-{folder.code}_v{folder.version}_{slug}"  # slug: the stem
        expected |= {f"{institution}/{slug}.pdf", f"{institution}/{slug}.html", f"{stem}.pdf", f"{stem}_booklet.pdf",
                     f"{stem}_preflight.json", f"{institution}/thumbs/{slug}.png", f"{institution}/{slug}.manifest.json"}
    assert {str(path.relative_to(dist)) for path in dist.rglob("*") if path.is_file() and path.name not in STATE_FILES} == expected


@pytest.mark.parametrize("slug, institution", publications())
def test_pdf_is_tagged_with_language_title_and_metadata(dist, slug, institution):
    folder, owner = FOLDERS[slug], INSTITUTIONS[institution]
    with pikepdf.open(dist / institution / f"{slug}.pdf") as pdf:
        assert pdf.Root.Lang == folder.language
        assert pdf.Root.MarkInfo.Marked is True and "/StructTreeRoot" in pdf.Root
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == folder.title
        assert owner.name in str(pdf.docinfo.Author)
        assert f"{owner.code_prefix}-{folder.code}" in str(pdf.docinfo.Keywords)
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1" and xmp.get("dc:title") == folder.title
        for page in pdf.pages:
            width, height = (float(v) for v in page.mediabox[2:])
            assert (round(width, 2), round(height, 2)) == A5_POINTS


@pytest.mark.parametrize("slug, institution", publications())
def test_structure_tree_has_real_headings_lists_tables_and_figures_with_alt(dist, slug, institution):
    with pikepdf.open(dist / institution / f"{slug}.pdf") as pdf:
        elements = list(_struct_elements(pdf.Root.StructTreeRoot))
        types = [str(element.S) for element in elements]
        assert types.count("/H1") == 1 and "/H2" in types
        assert {"/L", "/LI", "/LBody"} <= set(types)
        for figure in (e for e in elements if e.S == "/Figure"):
            assert str(figure.get("/Alt", "")).strip(), "a Figure without alternative text"
        folder = FOLDERS[slug]
        if any(block.kind == "table" for block in folder.blocks):
            assert {"/Table", "/TR", "/TH", "/TD"} <= set(types)
        if any(block.kind == "figure" for block in folder.blocks):
            assert "/Figure" in types


@pytest.mark.parametrize("slug, institution", publications())
def test_every_font_is_embedded_with_unicode_map_and_is_the_brand_font(dist, slug, institution):
    brand = INSTITUTIONS[institution].font.replace(" ", "-")
    with pikepdf.open(dist / institution / f"{slug}.pdf") as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                fonts[str(font.BaseFont)] = font
        assert fonts
        for name, font in fonts.items():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"
            assert "/ToUnicode" in font, f"{name} has no ToUnicode map"
        body_fonts = [name for name in fonts if brand in name]
        assert body_fonts, f"{brand} not used; fonts: {sorted(fonts)}"


@pytest.mark.parametrize("slug", [slug for slug, folder in FOLDERS.items()
                                  if folder.institutions is None and folder.language != "ar"])  # ar: tests/test_translations.py
def test_each_institution_gets_its_own_phone_numbers_and_code(dist, slug):
    texts = {institution: _text(dist / institution / f"{slug}.pdf") for institution in INSTITUTIONS}
    for institution, text in texts.items():
        own = INSTITUTIONS[institution]
        assert f"{own.code_prefix}-{FOLDERS[slug].code}" in text
        assert own.name in text
        own_numbers = {own.phone.display} | {contact.phone.display for contact in own.contacts.values()}
        assert any(number in text for number in own_numbers), f"no {institution} number in {slug}"
        for other, other_institution in INSTITUTIONS.items():
            if other != institution:
                for phone in [other_institution.phone] + [c.phone for c in other_institution.contacts.values()]:
                    assert phone.display not in own_numbers  # the test means something
                    assert phone.display not in text, f"{other}'s number in {institution}'s {slug}"


@pytest.mark.parametrize("slug, institution", [(s, i) for s, i in publications() if s in DUTCH])
def test_colophon_in_the_body_carries_code_version_and_dates(dist, slug, institution):
    text = _text(dist / institution / f"{slug}.pdf")
    folder = FOLDERS[slug]
    assert "Over deze folder" in text and "Documentcode" in text
    assert f"{folder.review.year}" in text and folder.owner.split(",")[0] in text


@pytest.mark.parametrize("slug, institution", publications())
def test_web_page_is_self_contained_with_tel_links(dist, slug, institution):
    html = (dist / institution / f"{slug}.html").read_text("utf-8")
    folder = FOLDERS[slug]
    assert f'<html lang="{folder.language}"' in html and f"<title>{folder.title}</title>" in html
    assert 'href="tel:+31' in html
    sources = re.findall(r'src="([^"]+)"', html)
    assert sources and all(src.startswith("data:") for src in sources)
    assert not re.search(r'<link (?!rel="alternate" hreflang=)', html)  # language versions only: nothing to load


def _struct_elements(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _struct_elements(kid)


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.mark.parametrize("slug, institution", [(s, i) for s, i in publications() if s in DUTCH])
def test_stamp_is_on_every_page_and_in_the_metadata(dist, slug, institution):
    folder, owner = FOLDERS[slug], INSTITUTIONS[institution]
    code = f"{owner.code_prefix}-{folder.code}"
    approved, review = folder.approved.strftime("%d-%m-%Y"), folder.review.strftime("%d-%m-%Y")
    reader = pypdf.PdfReader(dist / institution / f"{slug}.pdf")
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert f"{code} · versie {folder.version} · {folder.department}" in text, f"page {number}"
        assert f"vastgesteld {approved} · herzien uiterlijk {review}" in text, f"page {number}"
        if number < len(reader.pages):  # the back cover carries no page number
            assert f"pagina {number} van {len(reader.pages)}" in text
    info = reader.metadata
    assert (info["/DocumentCode"], info["/Version"], info["/ReviewDate"], info["/ApprovalDate"]) == (
        code, folder.version, folder.review.isoformat(), folder.approved.isoformat())
    assert info["/Owner"] == folder.owner and info["/Institution"] == owner.name
    assert info["/CreationDate"] == info["/ModDate"] == "D:" + folder.approved.strftime("%Y%m%d")
    xmp = reader.xmp_metadata
    assert xmp.dc_title == {"x-default": folder.title}
    assert xmp.custom_properties["documentCode"] == code
    assert xmp.custom_properties["version"] == folder.version
    assert xmp.custom_properties["reviewDate"] == folder.review.isoformat()


@pytest.mark.parametrize("slug, institution", publications())
def test_web_page_carries_the_stamp_in_meta_tags_and_the_change_log(dist, slug, institution):
    folder, owner = FOLDERS[slug], INSTITUTIONS[institution]
    html = (dist / institution / f"{slug}.html").read_text("utf-8")
    assert f'<meta name="folderpers.documentCode" content="{owner.code_prefix}-{folder.code}">' in html
    assert f'<meta name="folderpers.reviewDate" content="{folder.review.isoformat()}">' in html
    for change in folder.changes:
        assert f"<td>{change.version}</td>" in html and change.what in html


def test_manifest_of_the_examples_validates(dist):
    import json

    import jsonschema
    index = json.loads((dist / "manifest.json").read_text())
    jsonschema.validate(index, json.loads((REPO / "schemas/manifest.schema.json").read_text()))
    schema = json.loads((REPO / "schemas/publication-manifest.schema.json").read_text())
    outputs = []
    for record in index["publications"]:
        publication = json.loads((dist / record["manifest"]).read_text())
        jsonschema.validate(publication, schema)
        outputs.extend(publication["outputs"])
    assert len(index["publications"]) == len(publications())
    assert len(outputs) == 6 * len(publications())  # screen PDF and its thumbnail, web page, print, booklet, preflight


def test_two_builds_in_separate_processes_are_byte_identical(dist, tmp_path):
    import subprocess
    import sys
    second = tmp_path / "second"
    subprocess.run([sys.executable, str(REPO / "build.py"), "--today", TODAY.isoformat(), "--output", str(second)],
                   cwd=tmp_path, check=True, capture_output=True)
    first_files = sorted(str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file() and p.name not in STATE_FILES)
    assert first_files == sorted(str(p.relative_to(second)) for p in second.rglob("*")
                                 if p.is_file() and p.name not in STATE_FILES)
    for name in first_files:
        assert (dist / name).read_bytes() == (second / name).read_bytes(), f"{name} differs between builds"
