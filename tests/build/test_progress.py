"""Build progress: a bar and a summary table on a real terminal (a pty), plain lines in a log;
statuses counted whatever they are."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys

from rich.console import Console

from folderpers.build.progress import TerminalReporter, status_counts, summary_line
from folderpers.model.outcome import BuildReport, Outcome

from support import MINIMAL_FOLDER, TODAY

BUILD = [sys.executable, "-c", "import sys; from folderpers.cli import main; sys.exit(main(sys.argv[1:]))",
         "--today", TODAY.isoformat(), "--format", "web"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def outcomes_of(*statuses: str) -> list[Outcome]:
    return [Outcome(status, f"dist/alpha/{n}.pdf", warnings=("let op",) if status == "built" else ())
            for n, status in enumerate(statuses)]


def test_every_status_is_counted_known_ones_first():
    report = BuildReport.of(outcomes_of("failed", "unchanged", "built", "unchanged", "checked"))
    assert status_counts(report) == {"built": 1, "unchanged": 2, "skipped": 0, "failed": 1, "checked": 1}
    assert summary_line(report) == "1 built, 2 unchanged, 0 skipped, 1 failed, 1 checked, 1 warning"
    report.add_unchanged(40)  # what a no-op reports of outputs with nothing to say: counted only
    assert summary_line(report) == "1 built, 42 unchanged, 0 skipped, 1 failed, 1 checked, 1 warning"
    assert [outcome.status for outcome in report.failures] == ["failed"]  # the only outcome the report keeps


def test_a_failure_repeated_by_another_pass_is_counted_once():
    first, again = BuildReport.of(outcomes_of("built", "failed")), BuildReport.of(outcomes_of("failed", "failed"))
    first.merge(again)  # again's second failure (dist/alpha/1.pdf) is the one first has
    assert dict(first.counts) == {"built": 1, "failed": 2} and len(first.failures) == 2


def test_the_summary_table_shows_a_new_status_such_as_unchanged():
    buffer = io.StringIO()
    reporter = TerminalReporter(Console(file=buffer, force_terminal=True, width=80, color_system=None))
    outcomes = outcomes_of("built", "unchanged", "unchanged")
    report = BuildReport.of(outcomes)
    for done, outcome in enumerate(outcomes):
        reporter.progress(done, 3)
        reporter.outcome(outcome)
    reporter.finish(report)
    table = ANSI.sub("", buffer.getvalue()).split("Build summary")[1]
    rows = {cells[0]: cells[1] for cells in (re.findall(r"\w+", line) for line in table.splitlines()) if len(cells) == 2}
    assert rows == {"outcome": "count", "built": "1", "unchanged": "2", "skipped": "0", "failed": "0", "warnings": "1"}


def test_on_a_terminal_a_progress_bar_then_a_summary_table(tmp_project):
    tmp_project.folder("goed")
    tmp_project.folder("kapot", MINIMAL_FOLDER.replace("title: Testfolder", "title: [Testfolder"))
    controller, terminal = pty.openpty()
    process = subprocess.Popen(BUILD, cwd=tmp_project.root, stdin=terminal, stdout=terminal, stderr=terminal,
                               env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"})
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the build is over
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert process.wait(timeout=60) == 1
    text = ANSI.sub("", output.decode("utf-8", "replace"))
    assert "━" in text and "folders" in text  # the bar, counting folders
    assert "FAILED  " in text and "kapot/folder.yaml:2:9: YAML syntax error" in text  # failures in full
    assert "built   dist/alpha/goed.html" not in text  # successes are counted, not listed
    table = text.split("Build summary")[1]
    for status, count in (("built", 2), ("skipped", 0), ("failed", 1), ("warnings", 0)):
        assert re.search(rf"│ {status}\s+│\s+{count} │", table), table


def test_in_a_log_one_plain_line_per_outcome(tmp_project):
    tmp_project.folder("goed")
    result = subprocess.run(BUILD, cwd=tmp_project.root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert sorted(lines[:2]) == ["built   dist/alpha/goed.html", "built   dist/beta/goed.html"]  # in finishing order
    assert lines[2:] == ["", "2 built, 0 skipped, 0 failed"]
    assert "\x1b" not in result.stdout
