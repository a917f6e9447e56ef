"""`build.py import` on the command line: what it prints, and that it never overwrites without --force."""

from __future__ import annotations

import shutil
from pathlib import Path

from folderpers.cli import main

from support import REPO

PAGE = ("<html><body><main><h1>Gipsverband</h1><p>Houd het gips droog.</p><ul><li>niet nat</li></ul></main>"
        "</body></html>")


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name in ("templates", "styles", "schemas", "snippets", "institutions"):
        shutil.copytree(REPO / name, root / name)
    (root / "folders").mkdir()
    return root


def test_import_writes_once_and_replaces_only_with_force(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path)
    source = tmp_path / "Gips verband.html"
    source.write_text(PAGE, encoding="utf-8")
    assert main(["import", str(source), "--institution", "meerzicht"], root=root) == 0
    written = root / "folders" / "gips-verband" / "folder.yaml"
    assert "Gipsverband" in written.read_text(encoding="utf-8")
    assert "folders/gips-verband/folder.yaml" in capsys.readouterr().out
    written.write_text("# mine\n", encoding="utf-8")
    assert main(["import", str(source)], root=root) == 1
    error = capsys.readouterr().err
    assert "already exists" in error and "--force" in error
    assert written.read_text(encoding="utf-8") == "# mine\n"  # untouched
    assert main(["import", str(source), "--force"], root=root) == 0
    assert "Gipsverband" in written.read_text(encoding="utf-8")


def test_bad_sources_and_options_are_clear_errors(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path)
    odd = tmp_path / "folder.odt"
    odd.write_bytes(b"not supported")
    assert main(["import", str(odd), str(tmp_path / "missing.pdf")], root=root) == 1
    error = capsys.readouterr().err
    assert "cannot import .odt files" in error and "no such file" in error and "2 of 2 sources" in error
    page = tmp_path / "a.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["import", str(page), "--institution", "nergens"], root=root) == 1
    assert "no institution 'nergens'" in capsys.readouterr().err
    assert list((root / "folders").iterdir()) == []


def test_institution_found_by_its_numbers_and_unreviewed_import_refused(tmp_path: Path, capsys) -> None:
    root = _project(tmp_path)
    page = tmp_path / "uitslag.html"
    page.write_text("<main><h1>Uitslag</h1><p>Bel 088-7641000 voor uw uitslag.</p>"
                    "<img src='data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4"
                    "z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=='></main>", encoding="utf-8")
    assert main(["import", str(page)], root=root) == 0
    written = root / "folders" / "uitslag"
    assert "for institution 'meerzicht'" in (written / "folder.yaml").read_text(encoding="utf-8")
    assert "{phone:" in (written / "folder.yaml").read_text(encoding="utf-8")
    assert (written / "afbeelding-1.png").read_bytes().startswith(b"\x89PNG")
    capsys.readouterr()
    assert main(["build", "--folder", "uitslag", "--format", "web", "--today", "2026-11-21"], root=root) == 1
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "has not been reviewed" in shown and "'code' is still TODO" in shown and "alt' is still TODO" in shown


def test_the_institution_may_be_given_before_the_command_too(tmp_path):
    from folderpers.cli import _parser
    args = _parser().parse_args(["--institution", "beta", "import", "a.txt"])
    from folderpers.commands.import_ import _wanted_institution
    assert _wanted_institution(args) == "beta"
    assert _wanted_institution(_parser().parse_args(["import", "a.txt", "-i", "alpha"])) == "alpha"
    assert _wanted_institution(_parser().parse_args(["import", "a.txt"])) is None
