"""Per-document limits: a document past its time or memory fails alone, the build goes on; workers
die with the build."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from folderpers.build.limits import DocumentLimits

from support import REPO, heard_build, long_list, options

LONG_LIST = long_list(3000)  # ~10 s of CPU for its PDF
# The time limit sits far from both documents, so that the test holds on a quiet and on a busy machine:
# the long one needs ~50 s of CPU (never under the limit), the plain one ~1 s (within it at 20x load).
TIME_LIMIT = 20


def statuses(report) -> dict[str, str]:
    return {Path(o.subject).name: "\n".join([o.detail, *map(str, o.problems)]) if o.status == "failed" else o.status
            for o in report.outcomes}


@pytest.mark.parametrize("jobs", [1, 0], ids=["in a worker", "in this process"])
def test_a_document_past_the_time_limit_fails_alone(tmp_project, jobs):
    tmp_project.folder("lang", long_list(8000))
    tmp_project.folder("gewoon")
    report = heard_build(tmp_project.project, options(formats=("pdf",), institutions=("alpha",), jobs=jobs,
                                                limits=DocumentLimits(seconds=TIME_LIMIT)))
    result = statuses(report)
    assert f"lang/folder.yaml: rendering took longer than {TIME_LIMIT} s, the limit per document" in result["lang.pdf"]
    assert result["gewoon.pdf"] == "built"


_BUILD_IN_A_NEW_PROCESS = """
import json, sys
sys.path[:0] = [sys.argv[2], sys.argv[3]]
from pathlib import Path
from folderpers.build.limits import DocumentLimits
from folderpers.project import Project
from support import heard_build, options
from test_limits import statuses
report = heard_build(Project(Path(sys.argv[1])), options(formats=("pdf",), institutions=("alpha",), jobs=1,
                                                         limits=DocumentLimits(memory_mib=100)))
print(json.dumps(statuses(report)))
"""


def test_a_document_past_the_memory_limit_fails_alone(tmp_project):
    tmp_project.folder("lang", long_list(8000))  # ~400 MiB more than a warm worker; the plain one ~20 MiB
    tmp_project.folder("gewoon")
    # Built from a new process, as build.py runs: the worker is forked from it, and an address-space limit
    # binds only on memory the process maps anew. Forked from this test process, the worker would start
    # with whatever heap the tests before left mapped and free (then the long document may fit in it).
    run = subprocess.run([sys.executable, "-c", _BUILD_IN_A_NEW_PROCESS, str(tmp_project.root),
                          str(REPO / "tests"), str(REPO / "tests/build")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    # Python's MemoryError says so directly; a native library that cannot allocate aborts the worker
    assert "needed more than 100 MiB" in result["lang.pdf"] or "more than 100 MiB, the memory limit" in result["lang.pdf"]
    assert result["gewoon.pdf"] == "built"


def _children(pid: int) -> set[int]:
    children = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children |= {int(child) for child in (task / "children").read_text().split()}
    return children


def _wait_until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)  # polling /proc: there is no event for "a process of someone else's ended"
    return condition()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_die_with_a_killed_build(tmp_project):
    tmp_project.folder("lang", LONG_LIST)
    tmp_project.folder("lang2", LONG_LIST)
    build_process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--project", str(tmp_project.root),
                                      "--format", "pdf", "-i", "alpha", "--jobs", "2", "--today", "2026-11-21"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_until(lambda: len(_children(build_process.pid)) >= 2), "the build never started its workers"
        workers = _children(build_process.pid)
    finally:
        os.kill(build_process.pid, signal.SIGKILL)
        build_process.wait()
    assert _wait_until(lambda: not any(_alive(pid) for pid in workers), timeout=30), "workers outlived the build"
