"""Schema validation: every error names file, line and column, and says how to fix it."""

import pytest

from folderpers.errors import SourceError
from folderpers.source.schemas import SchemaSet
from folderpers.source.yamlsource import load_yaml

from support import MINIMAL_FOLDER, REPO

SCHEMAS = SchemaSet(REPO / "schemas")


def problems_of(tmp_project, text, schema="folder"):
    path = tmp_project.folder("x", text)
    with pytest.raises(SourceError) as caught:
        SCHEMAS.check(load_yaml(path), schema)
    return [str(problem) for problem in caught.value.problems]


def test_minimal_folder_is_valid(tmp_project):
    SCHEMAS.check(load_yaml(tmp_project.folder("x")), "folder")


def test_unknown_key_with_did_you_mean(tmp_project):
    [problem] = problems_of(tmp_project, MINIMAL_FOLDER.replace("subtitle:", "subtitel:"))
    assert "folders/x/folder.yaml:2:1: unknown key 'subtitel'" in problem
    assert "did you mean 'subtitle'?" in problem


def test_missing_alt_text_points_at_the_figure(tmp_project):
    text = MINIMAL_FOLDER + "  - figure: plaatje.svg\n    caption: Een plaatje\n"
    [problem] = problems_of(tmp_project, text)
    assert "folder.yaml:17:5: in the 'figure' block, missing required key 'alt'" in problem
    assert "add 'alt:'" in problem and "cannot see" in problem


def test_unknown_block_type_suggests_the_right_one(tmp_project):
    [problem] = problems_of(tmp_project, MINIMAL_FOLDER + "  - tekst: hallo\n")
    assert "folder.yaml:17:5: unknown block type 'tekst'" in problem and "did you mean 'text'?" in problem


def test_wrong_type_and_wrong_enum(tmp_project):
    text = MINIMAL_FOLDER + "  - heading: Sub\n    level: drie\n  - callout: alrm\n    text: x\n"
    problems = problems_of(tmp_project, text)
    assert any("folder.yaml:18:12: in the 'heading' block, 'level' is 'drie'" in p for p in problems)
    assert any("folder.yaml:19:14" in p and "did you mean 'alarm'" in p for p in problems)


def test_a_list_where_text_is_expected(tmp_project):
    [problem] = problems_of(tmp_project, MINIMAL_FOLDER.replace("title: Testfolder", "title: [a, b]"))
    assert "folder.yaml:1:8: 'title' must be text, not a list" in problem


def test_bad_date_form(tmp_project):
    [problem] = problems_of(tmp_project, MINIMAL_FOLDER.replace("review: 2028-01-10", "review: 10-01-2028"))
    assert "folder.yaml:9:9: 'review' has the wrong form" in problem and "YYYY-MM-DD" in problem


def test_two_types_in_one_block(tmp_project):
    [problem] = problems_of(tmp_project, MINIMAL_FOLDER + "  - text: a\n    list: [b]\n")
    assert "one block has two types" in problem and "folder.yaml:18:5" in problem


def test_every_problem_is_reported_at_once(tmp_project):
    text = MINIMAL_FOLDER.replace("code: TST-001\n", "").replace("subtitle:", "subtitel:")
    problems = problems_of(tmp_project, text)
    assert len(problems) == 2


def test_institution_schema(tmp_project):
    text = (REPO / "tests/fixtures/institutions/alpha/institution.yaml").read_text().replace(
        'primary: "#123456"', 'primary: blue')
    [problem] = problems_of(tmp_project, text, "institution")
    assert "folder.yaml:6:12: 'primary' has the wrong form" in problem


def test_block_types_come_from_the_schema():
    from folderpers.model.blocks import BLOCK_TYPES
    assert set(SCHEMAS.block_types) == set(BLOCK_TYPES)


def test_list_inside_a_callout_suggests_items_or_content(tmp_project):
    text = MINIMAL_FOLDER + "  - callout: alarm\n    text: Bel bij\n    list: [koorts]\n"
    (problem,) = problems_of(tmp_project, text)
    assert "'list:' is not a key of a 'callout' block" in problem and "'items:'" in problem
    assert "'content:'" in problem and "two types" not in problem
