"""Atomic publishing: dist/ only ever holds whole files."""

import os
import signal
import subprocess
import sys
import time

from folderpers.build.publish import publish, remove_leftovers, staging_directory
from folderpers.build.state import STATE_FILES

from support import REPO, TODAY


def test_publish_replaces_atomically_and_leaves_nothing_behind(tmp_path):
    dist = tmp_path / "dist"
    target = dist / "a/folder.pdf"
    publish(target, b"eerste", dist)
    publish(target, b"tweede", dist)
    assert target.read_bytes() == b"tweede"
    assert [p.name for p in target.parent.iterdir()] == ["folder.pdf"]
    assert not staging_directory(dist).exists()


def test_processes_publishing_at_once_share_the_staging_directory(tmp_path):
    """Each publish removes the staging directory when it leaves it empty: another process may find it
    gone between making it and writing into it, and makes it again (index pages are published by
    several worker processes at once)."""
    import multiprocessing
    dist = tmp_path / "dist"

    def publisher(name: str) -> None:
        for number in range(300):
            publish(dist / name / f"{number}.html", f"{name} {number}".encode(), dist)
    processes = [multiprocessing.get_context("fork").Process(target=publisher, args=(name,)) for name in "abcd"]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    assert all((dist / name / f"{number}.html").read_bytes() == f"{name} {number}".encode()
               for name in "abcd" for number in range(300))
    assert not staging_directory(dist).exists()


def test_leftovers_of_an_interrupted_build_are_removed(tmp_path):
    dist = tmp_path / "dist"
    staging = staging_directory(dist)
    staging.mkdir(parents=True)
    (staging / "folder.pdf.x1y2").write_bytes(b"half")
    assert staging.parent == dist and staging.name == ".staging"  # same file system as every output
    assert remove_leftovers(dist) == [staging / "folder.pdf.x1y2"]
    assert not staging.exists()


def test_a_build_killed_at_any_moment_keeps_every_published_file(tmp_path):
    """SIGKILL the real build at several moments; dist/ always holds only whole, earlier files."""
    output = tmp_path / "dist"
    command = [sys.executable, str(REPO / "build.py"), "--today", TODAY.isoformat(), "--output", str(output),
               "--format", "pdf,web", "--jobs", "2"]
    subprocess.run(command, check=True, capture_output=True)
    def published() -> dict:  # what readers see: not the lock, not the staging directory
        return {path: path.read_bytes() for path in output.rglob("*") if path.is_file() and path.name not in STATE_FILES
                and staging_directory(output) not in path.parents}
    before = published()
    # 28 publications (5 folders, one in 6 languages; 3 institutions) x PDF, its thumbnail, web page, manifest; the index
    assert len(before) == 113
    for delay in (0.3, 0.8, 1.5, 2.5):
        process = subprocess.Popen([*command, "--force"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, without warning
        process.wait()
        after = published()
        assert after == before, f"killed after {delay} s: dist/ changed"  # --force rewrites identical bytes
    # the next build recovers by itself: clears the staging directory and finds everything current
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    assert "0 built, 84 unchanged" in result.stdout
    assert not staging_directory(output).exists()
