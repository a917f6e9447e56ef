"""`build.py import` on the command line: what it prints, and that it never overwrites without --force."""

from __future__ import annotations

import shutil
from pathlib import Path

from support import REPO

from folderpers.cli import main

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
