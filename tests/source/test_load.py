"""Loading folders, snippets and institutions into the model (checks beyond the schema)."""

from datetime import date

import pytest

from folderpers.errors import SourceError
from folderpers.model.blocks import Callout, Figure, Paragraphs
from folderpers.model.inline import Placeholder, Strong
from folderpers.source.load import load_folder, load_institution, load_snippets
from folderpers.source.schemas import SchemaSet

from support import CALLOUT_IN_ORDER, MINIMAL_FOLDER, REPO

SCHEMAS = SchemaSet(REPO / "schemas")


def test_minimal_folder_model(tmp_project):
    folder = load_folder(tmp_project.folder("demo"), SCHEMAS)
    assert (folder.slug, folder.code, folder.version, folder.language, folder.paper) == ("demo", "TST-001", "1.2", "nl", "A5")
    assert (folder.approved, folder.review) == (date(2026, 1, 10), date(2028, 1, 10))
    assert folder.institutions is None and folder.published_by("anything")
    assert isinstance(folder.blocks[1], Paragraphs) and Strong(()) != folder.blocks[1].paragraphs[0][1]
    callout = folder.blocks[3]
    assert isinstance(callout, Callout) and callout.tone == "alarm"
    placeholder = callout.content[0].items[0][1]
    assert isinstance(placeholder, Placeholder) and placeholder.location.line == 16


def test_text_with_empty_lines_is_several_paragraphs(tmp_project):
    folder = load_folder(tmp_project.folder("demo", MINIMAL_FOLDER + "  - text: |\n      Een.\n\n      Twee\n      drie.\n"), SCHEMAS)
    assert [len(p) for p in folder.blocks[-1].paragraphs] == [1, 1]
    assert folder.blocks[-1].paragraphs[1][0].text == "Twee drie."


@pytest.mark.parametrize("block, message", [
    ("|\n      Een.\n\n      Bel {telefoon:poli}.", "unknown placeholder {telefoon:poli}"),  # literal block
    (">-\n      Een regel.\n      Nog een regel.\n      Bel {phone:poli. Dan.",  # folded: lines joined
     "placeholder '{phone:poli.' is not closed"),
])
def test_markup_error_names_the_line_and_column_inside_a_multi_line_text(tmp_project, block, message):
    with pytest.raises(SourceError) as caught:
        load_folder(tmp_project.folder("demo", MINIMAL_FOLDER + f"  - text: {block}\n"), SCHEMAS)
    assert f"folder.yaml:20:11: {message}" in str(caught.value)


def test_figure_must_exist_inside_the_folder(tmp_project):
    text = MINIMAL_FOLDER + "  - figure: ../../etc/passwd.svg\n    alt: iets\n"
    with pytest.raises(SourceError):  # the schema already refuses path separators
        load_folder(tmp_project.folder("demo", text), SCHEMAS)
    text = MINIMAL_FOLDER + "  - figure: missing.svg\n    alt: iets\n"
    (tmp_project.root / "folders/demo/present.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(SourceError) as caught:
        load_folder(tmp_project.folder("demo", text), SCHEMAS)
    assert "folder.yaml:17:13: image 'missing.svg' not found" in str(caught.value)
    assert "images there: present.svg" in str(caught.value)


def test_figure_loads_with_absolute_path(tmp_project):
    (tmp_project.root / "folders/demo").mkdir(parents=True)
    (tmp_project.root / "folders/demo/a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    folder = load_folder(tmp_project.folder("demo", MINIMAL_FOLDER + "  - figure: a.svg\n    alt: Een vierkant.\n"), SCHEMAS)
    figure = folder.blocks[-1]
    assert isinstance(figure, Figure) and figure.image == (tmp_project.root / "folders/demo/a.svg").resolve()


def test_review_must_follow_approval_and_dates_must_exist(tmp_project):
    with pytest.raises(SourceError, match="folder.yaml:9:9: review date 2025-01-10 is not after"):
        load_folder(tmp_project.folder("demo", MINIMAL_FOLDER.replace("review: 2028", "review: 2025")), SCHEMAS)
    with pytest.raises(SourceError, match="'2026-02-30' is not a real date"):
        load_folder(tmp_project.folder("demo", MINIMAL_FOLDER.replace("2026-01-10", "2026-02-30")), SCHEMAS)


def test_translation_file_name_and_language_must_agree(tmp_project):
    folder = load_folder(tmp_project.folder("demo", MINIMAL_FOLDER + "language: en\n", "folder.en.yaml"), SCHEMAS)
    assert folder.is_translation and folder.language == "en"
    with pytest.raises(SourceError, match="file name says language 'en' but 'language' is 'nl'"):
        load_folder(tmp_project.folder("demo", MINIMAL_FOLDER, "folder.en.yaml"), SCHEMAS)


def test_a_table_needs_a_header_row_with_text(tmp_project):
    text = MINIMAL_FOLDER + "  - table:\n      - [\"\", \" \"]\n      - [1, 2]\n    row_headers: true\n"
    with pytest.raises(SourceError, match="folder.yaml:18:9: the header row of this table is empty"):
        load_folder(tmp_project.folder("demo", text), SCHEMAS)


def test_table_rows_must_match_the_header(tmp_project):
    text = MINIMAL_FOLDER + "  - table:\n      - [A, B]\n      - [1]\n"
    with pytest.raises(SourceError, match="folder.yaml:19:9: this row has 1 cells, the header row has 2"):
        load_folder(tmp_project.folder("demo", text), SCHEMAS)


def test_institution_phone_numbers_are_normalised(tmp_project):
    institution = load_institution(tmp_project.root / "institutions/beta/institution.yaml", SCHEMAS)
    assert institution.contacts["poli"].phone.display == "088 222 0002"
    assert institution.contacts["spoed"].phone.uri == "tel:+31-88-222-0999"
    assert institution.colors.tint == "#fbf1ea" and institution.code_prefix == "BMC"


def test_invalid_phone_number_names_its_line(tmp_project):
    path = tmp_project.root / "institutions/alpha/institution.yaml"
    path.write_text(path.read_text().replace("088-1110001", "12345"))
    with pytest.raises(SourceError) as caught:
        load_institution(path, SCHEMAS)
    assert "institution.yaml:15:12: '12345' is not a valid phone number in NL" in str(caught.value)


def test_a_broken_snippet_maps_to_its_error(tmp_project):
    tmp_project.write("snippets/goed.yaml", "blocks:\n  - text: Goed.\n")
    tmp_project.write("snippets/kapot.yaml", "blocks:\n  - txt: Kapot.\n")
    snippets = load_snippets(tmp_project.root / "snippets", SCHEMAS)
    assert snippets["goed"].blocks[0].paragraphs[0][0].text == "Goed."
    assert isinstance(snippets["kapot"], SourceError) and "kapot.yaml:2:5" in str(snippets["kapot"])


def test_headings_may_not_skip_a_level(tmp_project):
    text = MINIMAL_FOLDER + "  - heading: Diep\n    level: 4\n"
    with pytest.raises(SourceError) as caught:
        load_folder(tmp_project.folder("demo", text), SCHEMAS)
    assert "folder.yaml:17:5: heading level 4 follows level 2" in str(caught.value) and "level: 3" in str(caught.value)




def test_callout_content_keeps_the_written_order_and_title_can_be_dropped(tmp_project):
    folder = load_folder(tmp_project.folder("demo", CALLOUT_IN_ORDER), SCHEMAS)
    ordered, untitled = folder.blocks[4], folder.blocks[5]
    assert [part.kind for part in ordered.content] == ["list", "text", "steps", "text"]
    assert ordered.title == "Neem direct contact op bij" and not ordered.untitled
    assert [part.kind for part in untitled.content] == ["list", "text"]  # the short form, in written order
    assert untitled.untitled and untitled.title is None


def test_callout_with_content_and_text_is_refused(tmp_project):
    text = MINIMAL_FOLDER + "  - callout: info\n    text: x\n    content:\n      - text: y\n"
    with pytest.raises(SourceError) as caught:
        load_folder(tmp_project.folder("demo", text), SCHEMAS)
    assert "has 'content:' and also 'text:'" in str(caught.value)
