"""Operations: relative paths, the staging directory, OS errors reported as such, one build at a time
per output directory (tested with real processes)."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from folderpers.build.manifest import read_manifest
from folderpers.build.state import STATE_FILES

from support import MINIMAL_FOLDER, REPO, make_project

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


# What the system refuses is tested for real: the build runs as an unprivileged user (EACCES; root
# writes anyway), with a file-size limit (EFBIG), on a full tmpfs (ENOSPC) or a read-only bind mount
# (EROFS), the last two in a private mount namespace. Each time a good build came first: its files
# must come through unchanged, and no half-written file may be left.
UNPRIVILEGED = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
MOUNT_NAMESPACE = ["unshare", "--mount", "--propagation", "private"]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """A project with one folder, its screen PDF built: copied by each test below."""
    project = make_project(tmp_path_factory.mktemp("goed"))
    project.folder("demo")
    result = run("--project", str(project.root), "--format", "pdf", "-i", "alpha", "--jobs", "0", cwd=project.root)
    assert result.returncode == 0, result.stdout + result.stderr
    return project.root


@pytest.fixture
def shared_tmp():
    """A temporary directory every user may read (pytest's own is root's only)."""
    directory = Path(tempfile.mkdtemp(prefix="folderpers-os-"))
    directory.chmod(0o755)
    yield directory
    subprocess.run(["chmod", "-R", "u+w", str(directory)], check=False)
    shutil.rmtree(directory)


def published(dist: Path) -> dict[str, bytes]:
    """Every published file in dist/ with its bytes: the build's own state files and the test's filler aside."""
    return {str(path.relative_to(dist)): path.read_bytes() for path in sorted(dist.rglob("*"))
            if path.is_file() and path.name not in {*STATE_FILES, "filler"}}


def _mount_namespace_refused() -> str | None:
    probe = subprocess.run([*MOUNT_NAMESPACE, "mount", "-t", "tmpfs", "tmpfs", "/mnt"], capture_output=True, text=True)
    return None if probe.returncode == 0 else probe.stderr.strip() or "unshare --mount failed"


def _small_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))  # bytes: a PDF is larger


def refuse_and_build(project: Path, condition: str, where: str) -> tuple[int, str, Path]:
    """Rebuild `project` (its folder changed since the good build) with `condition` on `where`
    (dist, or one institution's directory in it): exit code, what it printed, dist/ as it was left."""
    target = project / where
    build = [*BUILD, "--project", str(project), "--format", "pdf", "-i", "alpha", "--jobs", "0"]
    if condition in ("EACCES", "EFBIG"):
        if condition == "EFBIG":
            prefix, limit = [], _small_file_limit
        elif UNPRIVILEGED:  # the user may read the project and write everything in dist/ but `target`
            prefix, limit = UNPRIVILEGED, None
            for directory in (project / "dist", target):
                directory.chmod(0o777 if directory != target else 0o755)
            (project / "dist/.lock").chmod(0o666)
        else:
            prefix, limit = [], None
            target.chmod(0o555)
        (project / "home").mkdir(mode=0o777)
        result = subprocess.run([*prefix, *build], cwd=project, capture_output=True, text=True, timeout=600,
                                preexec_fn=limit, env={**os.environ, "HOME": str(project / "home")})
        return result.returncode, result.stdout + result.stderr, project / "dist"
    refused = _mount_namespace_refused()
    if refused:
        pytest.skip(f"{condition} needs a mount namespace (CAP_SYS_ADMIN), which this machine refuses: {refused}")
    if condition == "ENOSPC":  # the files so far moved onto a small tmpfs, which is then filled up
        prepare = ('mv "$T" "$T.on-disk" && mkdir "$T" && mount -t tmpfs -o size=1m tmpfs "$T" && '
                   'cp -a "$T.on-disk/." "$T/" && { cat /dev/zero > "$T/filler" 2>/dev/null || true; }')
    else:  # EROFS
        prepare = 'mount --bind "$T" "$T" && mount -o remount,bind,ro "$T"'
    # dist/ as the build left it is copied out of the namespace, where the test can see it
    script = f'{prepare} && {{ "$@" > "$R/out" 2>&1; echo $? > "$R/rc"; cp -a "$T/." "$R/left"; }}'
    results = project.parent / "results"
    results.mkdir()
    subprocess.run([*MOUNT_NAMESPACE, "sh", "-c", script, "sh", *build], check=True, timeout=600, cwd=project,
                   env={**os.environ, "T": str(target), "R": str(results)})
    return int((results / "rc").read_text()), (results / "out").read_text(), results / "left"


@pytest.mark.parametrize(("condition", "where"), [("EACCES", "dist"), ("EACCES", "dist/alpha"), ("EFBIG", "dist"),
                                                  ("ENOSPC", "dist"), ("EROFS", "dist")])
def test_the_system_refusing_a_write_is_reported_with_path_and_errno(built_once, shared_tmp, condition, where):
    project = shared_tmp / "project"
    shutil.copytree(built_once, project, symlinks=True)
    project.chmod(0o755)
    before = published(project / "dist")
    assert "alpha/demo.pdf" in before
    source = project / "folders/demo/folder.yaml"
    source.write_text(source.read_text("utf-8").replace("title: Testfolder", "title: Een nieuwe titel"), "utf-8")

    returncode, output, left = refuse_and_build(project, condition, where)
    assert returncode in (1, 2), output
    assert "internal error" not in output and "Traceback" not in output, output
    # the file the system refused, the cause in words and its errno name
    assert re.search(rf"dist/\S+: cannot write: [^\n]+ \({condition}\)", output), output
    assert published(left) == before  # the earlier good files intact; nothing half-written beside them


def test_two_scoped_builds_at_once_keep_every_manifest_entry(tmp_project):
    for slug in ("een", "twee", "drie"):
        tmp_project.folder(slug, MINIMAL_FOLDER.replace("title: Testfolder", f"title: Folder {slug}"))
    builds = [subprocess.Popen([*BUILD, "--project", str(tmp_project.root), "--format", "web", "-i", institution,
                                "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
              for institution in ("alpha", "beta")]
    outputs = [process.communicate(timeout=600)[0] for process in builds]
    assert [process.returncode for process in builds] == [0, 0], outputs
    paths = {entry["path"] for _, entry in read_manifest(tmp_project.root / "dist")}
    assert paths == {f"{institution}/{slug}.html" for institution in ("alpha", "beta")
                     for slug in ("een", "twee", "drie")}
