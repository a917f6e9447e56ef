"""Review policy: expired folders are not published, near and far review dates warn."""

import logging
from datetime import date

import pytest

from folderpers.errors import SourceError
from folderpers.source.load import load_folder
from folderpers.source.review import ReviewPolicy, add_months, assess, check_publishable
from folderpers.source.schemas import SchemaSet

from support import MINIMAL_FOLDER, REPO, TODAY

SCHEMAS = SchemaSet(REPO / "schemas")


def folder_with(tmp_project, approved="2026-01-10", review="2028-01-10", slug="demo"):
    text = MINIMAL_FOLDER.replace("approved: 2026-01-10", f"approved: {approved}").replace(
        "review: 2028-01-10", f"review: {review}")
    return load_folder(tmp_project.folder(slug, text), SCHEMAS)


def test_add_months_keeps_the_day_where_it_exists():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 21), 6) == date(2027, 5, 21)
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)


def test_current_due_and_expired(tmp_project):
    policy = ReviewPolicy(TODAY)
    assert assess(folder_with(tmp_project), policy).state == "current"
    due = assess(folder_with(tmp_project, review="2027-05-21"), policy)
    assert due.state == "due" and due.days_left == 181
    assert due.warnings == ("review date 2027-05-21 is within 6 months (181 days left): start the review",)
    assert assess(folder_with(tmp_project, review="2027-05-22"), policy).state == "current"
    expired = assess(folder_with(tmp_project, approved="2023-01-01", review="2026-11-20"), policy)
    assert expired.state == "expired" and expired.days_left == -1


def test_the_warning_window_is_configurable(tmp_project):
    folder = folder_with(tmp_project, review="2027-05-21")
    assert assess(folder, ReviewPolicy(TODAY, warn_months=3)).state == "current"
    assert assess(folder, ReviewPolicy(TODAY, warn_months=12)).state == "due"


def test_a_review_date_more_than_three_years_after_approval_warns(tmp_project):
    status = assess(folder_with(tmp_project, approved="2026-01-10", review="2029-01-11"), ReviewPolicy(TODAY))
    assert status.state == "current"
    assert status.warnings == ("review date 2029-01-11 is more than 3 years after approval (2026-01-10); patient "
                               "information should be reviewed at least every 3 years",)
    assert assess(folder_with(tmp_project, review="2029-01-10"), ReviewPolicy(TODAY)).warnings == ()


def test_expired_is_an_error_naming_the_review_line_unless_overridden(tmp_project, caplog):
    expired = assess(folder_with(tmp_project, approved="2023-01-01", review="2026-01-01"), ReviewPolicy(TODAY))
    with pytest.raises(SourceError) as caught:
        check_publishable(expired, ReviewPolicy(TODAY))
    assert "folder.yaml:9:9: review date 2026-01-01 has passed (324 days ago)" in str(caught.value)
    assert "--allow-expired" in str(caught.value)
    with caplog.at_level(logging.WARNING, logger="folderpers.source.review"):
        warnings = check_publishable(expired, ReviewPolicy(TODAY, allow_expired=True))
    assert "published anyway because of --allow-expired" in warnings[-1]
    assert "publishing despite an expired review date (--allow-expired)" in caplog.text


def test_an_expired_folder_fails_while_the_others_are_built(tmp_project, capsys):
    from folderpers.cli import main
    folder_with(tmp_project, approved="2023-01-01", review="2026-01-01", slug="verlopen")
    folder_with(tmp_project, slug="actueel")
    assert main(["--today", TODAY.isoformat(), "--format", "web"], root=tmp_project.root) == 1
    captured = capsys.readouterr()
    assert "verlopen/folder.yaml:9:9: review date 2026-01-01 has passed" in captured.err
    assert "built   dist/alpha/actueel.html" in captured.out
    assert not (tmp_project.root / "dist/alpha/verlopen.html").exists()
    assert main(["--today", TODAY.isoformat(), "--format", "web", "--allow-expired"], root=tmp_project.root) == 0
    assert (tmp_project.root / "dist/alpha/verlopen.html").exists()
    assert "published anyway because of --allow-expired" in capsys.readouterr().out


def test_review_command_lists_folders_by_review_date(tmp_project, capsys):
    from folderpers.cli import main
    folder_with(tmp_project, review="2027-02-01", slug="binnenkort")
    folder_with(tmp_project, slug="later")
    assert main(["review", "--today", TODAY.isoformat()], root=tmp_project.root) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if line.startswith(("due", "ok", "EXPIRED"))]
    assert rows[0].startswith("due      2027-02-01    72") and "binnenkort/folder.yaml" in rows[0]
    assert rows[1].startswith("ok       2028-01-10") and "later/folder.yaml" in rows[1]
    assert main(["review", "--today", "2028-02-01"], root=tmp_project.root) == 1
