"""Operations: relative paths, the staging directory, OS errors reported as such, one build at a time
per output directory (tested with real processes)."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

from support import MINIMAL_FOLDER, REPO

BUILD = [sys.executable, str(REPO / "build.py"), "--today", "2026-11-21"]


def run(*arguments: str, cwd: Path, preexec_fn=None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BUILD, *arguments], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=preexec_fn)


def test_the_readme_example_with_a_relative_project_and_output(tmp_project, tmp_path):
    tmp_project.folder("demo")
    work = tmp_path / "work"
    work.mkdir()
    # README: build.py --project ../our-folders --output /srv/intranet/folders (relative to the working directory)
    result = run("--project", os.path.relpath(tmp_project.root, work), "--output", "uit", "--format", "pdf,web",
                 "-i", "alpha", "--jobs", "1", cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (work / "uit/alpha/demo.pdf").read_bytes().startswith(b"%PDF-")
    assert not (work / "uit/.staging").exists()


def test_a_read_only_output_is_reported_with_its_path_not_as_a_bug(tmp_project, tmp_path):
    if os.geteuid() == 0:  # root writes anyway: a read-only bind is not available here, so use a file in the way
        output = tmp_path / "bezet"
        output.write_text("een bestand, geen map")
    else:
        output = tmp_path / "alleen-lezen"
        output.mkdir(mode=0o555)
    tmp_project.folder("demo")
    result = run("--project", str(tmp_project.root), "--output", str(output), "--format", "web", "-i", "alpha",
                 "--jobs", "0", cwd=tmp_path)
    assert result.returncode in (1, 2), result.stdout + result.stderr
    assert "internal error" not in result.stdout + result.stderr
    assert re.search(rf"{output.name}\S*: cannot write: .+ \((ENOTDIR|EEXIST|EACCES)\)",
                     result.stdout + result.stderr), result.stdout + result.stderr


def _small_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))  # bytes: a PDF is larger


def test_a_file_size_limit_fails_the_output_with_efbig_and_its_name(tmp_project, tmp_path):
    tmp_project.folder("demo")
    result = run("--project", str(tmp_project.root), "--format", "pdf", "-i", "alpha", "--jobs", "0",
                 cwd=tmp_path, preexec_fn=_small_file_limit)
    output = result.stdout + result.stderr
    assert result.returncode in (1, 2), output
    assert "internal error" not in output
    assert re.search(r"dist/alpha/demo\.pdf\S*: cannot write: File too large \(EFBIG\)", output), output
    assert not (tmp_project.root / "dist/alpha/demo.pdf").exists()  # nothing half-written


def test_two_scoped_builds_at_once_keep_every_manifest_entry(tmp_project):
    for slug in ("een", "twee", "drie"):
        tmp_project.folder(slug, MINIMAL_FOLDER.replace("title: Testfolder", f"title: Folder {slug}"))
    builds = [subprocess.Popen([*BUILD, "--project", str(tmp_project.root), "--format", "web", "-i", institution,
                                "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
              for institution in ("alpha", "beta")]
    outputs = [process.communicate(timeout=600)[0] for process in builds]
    assert [process.returncode for process in builds] == [0, 0], outputs
    manifest = json.loads((tmp_project.root / "dist/manifest.json").read_text())
    paths = {entry["path"] for entry in manifest["outputs"]}
    assert paths == {f"{institution}/{slug}.html" for institution in ("alpha", "beta")
                     for slug in ("een", "twee", "drie")}
