"""Executors: a real Dask cluster (worker processes started in a directory without the project)
renders the same bytes as a local build, from files shipped to it, survives a killed worker, fails a
poison document alone, refuses a worker that would render otherwise; no-op and incremental
builds behave the same with either executor."""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import cloudpickle
import dask
import pytest
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from folderpers.build.executors import ExecutorError, ExecutorSpec, open_executor, parse_executor
from folderpers.build.executors.dask import DaskExecutor
from folderpers.build.executors.environment import differences, environment
from folderpers.build.executors.shipping import rebase
from folderpers.build.limits import DocumentLimits
from folderpers.build.pipeline import build
from folderpers.build.state import STATE_FILES
from folderpers.project import Project
from folderpers.render.theme import Theme
from folderpers.writers import WRITERS

import support
from support import MINIMAL_FOLDER, CrashingWriter, heard_build, long_list, make_project, options

FIGURE = """\
  - figure: figuur.svg
    alt: Een blauw vlak
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#03c"/></svg>'


class WorkerKillingWriter(CrashingWriter):
    """CrashingWriter, but for the folder 'eenmaal' (the first time) and 'moord' (every time) it kills
    the Dask worker whose render process it runs in, as a lost machine would; its render process ends
    with it (PR_SET_PDEATHSIG)."""

    def render(self, publication):
        slug = publication.folder.slug
        marker = Path(os.environ["FOLDERPERS_TEST_MARKERS"]) / f"{publication.stem}-{publication.institution.id}"
        if slug == "moord" or (slug == "eenmaal" and not marker.exists()):
            marker.touch()
            os.kill(os.getppid(), signal.SIGKILL)  # the render process is a child of the Dask worker
            threading.Event().wait()
        return super().render(publication)


class _InstallTestWriter(WorkerPlugin):
    """On every worker (also a restarted one): the tests' writer as kind 'test' (its render processes,
    forked from it, have it too)."""

    def setup(self, worker):
        from folderpers.writers import WRITERS
        WRITERS["test"] = WorkerKillingWriter


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two worker processes (one thread each) that start in a directory without a project and cannot
    import anything from the checkout but the installed folderpers package (not even these tests: what
    they need of them is sent by value); a task that killed two workers fails.
    Yields (the scheduler's --executor value, a client, the workers' directory)."""
    workdir = tmp_path_factory.mktemp("worker-cwd")
    markers = tmp_path_factory.mktemp("markers")
    here, environment_before, path_before = Path.cwd(), dict(os.environ), list(sys.path)
    os.chdir(workdir)  # the worker processes inherit the working directory and sys.path
    sys.path[:] = [entry for entry in sys.path if entry not in ("", ".") and not _in_checkout(Path(entry))]
    os.environ["FOLDERPERS_TEST_MARKERS"] = str(markers)
    for module in (support, sys.modules[__name__]):
        cloudpickle.register_pickle_by_value(module)
    # not daemonic, as README's workers are, for as long as the cluster runs: a nanny reads it whenever
    # it (re)starts a worker
    config = dask.config.set({"distributed.scheduler.allowed-failures": 1, "distributed.worker.daemon": False})
    try:
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                             local_directory=workdir / "scratch")
        sys.path[:] = path_before
        with Client(local) as client:
            client.register_plugin(_InstallTestWriter(), name="tests-test-writer")
            assert set(client.run(os.getcwd).values()) == {str(workdir)}
            assert set(client.run(_imports_from_checkout).values()) == {False}
            yield f"dask://{local.scheduler_address.removeprefix('tcp://')}", client, workdir
        local.close()
    finally:
        config.__exit__(None, None, None)
        os.chdir(here)
        sys.path[:] = path_before
        os.environ.clear()
        os.environ.update(environment_before)
        for module in (support, sys.modules[__name__]):
            cloudpickle.unregister_pickle_by_value(module)


def _in_checkout(path: Path) -> bool:
    """A place in the checkout other than its virtual environment (where the packages are installed)."""
    path = path.resolve()
    return path.is_relative_to(support.REPO) and not path.is_relative_to(support.REPO / ".venv")


def _imports_from_checkout() -> bool:
    """On a worker: can it import the tests' modules, or anything else from the checkout's directories?"""
    import importlib.util
    return importlib.util.find_spec("support") is not None or any(
        _in_checkout(Path(entry or ".")) for entry in sys.path)


def _files(dist: Path) -> dict[str, bytes]:
    return {str(path.relative_to(dist)): path.read_bytes() for path in sorted(dist.rglob("*"))
            if path.is_file() and path.name not in STATE_FILES}


def test_executor_values_are_parsed_and_wrong_ones_explained():
    assert parse_executor("dask://sched.example.org:8786") == ExecutorSpec("dask", address="sched.example.org:8786")
    assert parse_executor("dask-local:3") == ExecutorSpec("dask-local", workers=3)
    assert str(parse_executor("dask-local:3")) == "dask-local:3"
    for wrong in ("dask://host", "dask-local:0", "Dask", "dask://host:8786/x"):
        with pytest.raises(ValueError, match="unknown executor"):
            parse_executor(wrong)
    with pytest.raises(ExecutorError, match="--executor: unknown executor"):
        open_executor("ray", Project(Path("x")), Theme(Project(Path("x"))), 0, 1)


def test_dask_renders_the_shipped_files_and_the_same_bytes_as_a_local_build(tmp_path, cluster, monkeypatch):
    executor, _, workdir = cluster
    project = make_project(tmp_path / "project")
    project.folder("een", MINIMAL_FOLDER + FIGURE)
    project.write("folders/een/figuur.svg", SVG)
    formats = ("pdf", "web", "print")  # not the index: it is made here, after the renders
    local = build(project.project, options(formats=formats, jobs=0))
    assert local.ok and local.count("built") == 12, local.failures  # 2 x (PDF, thumbnail, web, 3 print)
    expected = _files(project.root / "dist")
    shutil.rmtree(project.root / "dist")

    shipped = DaskExecutor.run

    def run_then_spoil_the_checkout(self, tasks):
        results = shipped(self, tasks)  # every file is read and sent now; the workers have not rendered yet
        (project.root / "styles" / "folder.css").write_text("body { color: red; font-size: 30pt }")
        (project.root / "templates" / "folder.html").write_text("{{ undefined_here }}")
        shutil.rmtree(project.root / "folders" / "een")
        shutil.rmtree(project.root / "institutions" / "alpha")
        return results

    monkeypatch.setattr(DaskExecutor, "run", run_then_spoil_the_checkout)
    report = build(project.project, options(formats=formats, executor=executor))
    assert report.ok and report.count("built") == 12, report.failures
    assert _files(project.root / "dist") == expected
    assert any((workdir / "scratch").rglob("folderpers-sites/*/folders/een/figuur.svg"))
    assert not any(b"folderpers-sites" in data or str(tmp_path).encode() in data for data in expected.values())


def test_noop_and_incremental_builds_are_the_same_with_either_executor(tmp_path, cluster):
    executor, _, _ = cluster
    runs = {}
    for name, where in (("local", "local"), ("dask", executor)):
        project = make_project(tmp_path / name)
        project.folder("een")
        project.folder("twee")
        steps = [heard_build(project.project, options(formats=("pdf",), institutions=("alpha",), executor=where))]
        steps.append(heard_build(project.project, options(formats=("pdf",), institutions=("alpha",), executor=where)))
        project.folder("twee", MINIMAL_FOLDER.replace("Testfolder", "Andere titel"))
        steps.append(heard_build(project.project, options(formats=("pdf",), institutions=("alpha",), executor=where)))
        # in completion order, which differs between runs with more than one worker (an unchanged output is
        # counted, not heard)
        runs[name] = ([(sorted((o.status, o.subject) for o in step.outcomes), dict(step.report.counts))
                       for step in steps], _files(project.root / "dist"))
    statuses, _ = runs["dask"]
    # two publications of a PDF and its thumbnail each; then the second edited
    assert [counts for _, counts in statuses] == [{"built": 4}, {"unchanged": 4}, {"built": 2, "unchanged": 2}]
    assert [len(heard) for heard, _ in statuses] == [4, 0, 2] and all("twee" in subject for _, subject in statuses[2][0])
    assert runs["dask"] == runs["local"]


def test_a_killed_worker_is_survived_and_a_poison_document_fails_alone(tmp_project, cluster, monkeypatch):
    executor, client, _ = cluster
    monkeypatch.setitem(WRITERS, "test", WorkerKillingWriter)
    for slug in ("a", "boom", "eenmaal", "fout", "moord"):
        tmp_project.folder(slug)
    report = heard_build(tmp_project.project, options(formats=("test",), institutions=("alpha",), executor=executor))
    outcomes = {outcome.subject: outcome for outcome in report.outcomes}
    assert {subject for subject, o in outcomes.items() if o.status == "built"} == {"dist/alpha/a.txt",
                                                                                     "dist/alpha/eenmaal.txt"}
    # a crash of its render process: the local pool's message; one that kills Dask workers: Dask's
    assert "the worker process died from signal SIGSEGV while rendering" in outcomes["dist/alpha/boom.txt"].detail
    assert "also when it was rendered alone: not tried again" in outcomes["dist/alpha/moord.txt"].detail
    assert "internal error: RuntimeError: a bug in a writer" in outcomes["dist/alpha/fout.txt"].detail
    marker = Path(os.environ["FOLDERPERS_TEST_MARKERS"]) / "eenmaal-alpha"
    assert marker.exists()  # the worker that rendered it first was killed; another one finished it
    client.wait_for_workers(2)  # the nannies replaced the workers that died


def test_per_document_limits_and_recycling_hold_on_the_workers(tmp_path, cluster, monkeypatch):
    """On a Dask worker, as in the local pool: a document that never ends and one that needs too much
    memory fail alone with the local pool's messages, a render process renders at most
    max_tasks_per_worker documents, and the Dask workers stay (only their render processes go)."""
    executor, client, _ = cluster
    monkeypatch.setitem(WRITERS, "test", WorkerKillingWriter)
    dask_workers = client.run(os.getpid)
    hanging = make_project(tmp_path / "hanging")
    for slug in ("hangt", "a", "b", "c", "d", "e"):
        hanging.folder(slug)
    report = heard_build(hanging.project, options(formats=("test",), institutions=("alpha",), executor=executor,
                                            max_tasks_per_worker=2, limits=DocumentLimits(seconds=10)))
    result = _statuses(report)
    assert "hangt/folder.yaml: rendering took longer than 10 s, the limit per document" in result.pop("hangt.txt")
    assert set(result.values()) == {"built"} and len(result) == 5
    renderers = collections.Counter((hanging.root / "dist" / "alpha" / name).read_text() for name in result)
    assert max(renderers.values()) <= 2 and not set(renderers) & {str(pid) for pid in dask_workers.values()}

    big = make_project(tmp_path / "big")
    big.folder("lang", long_list(8000))  # ~400 MiB more than a warm render process; the plain one ~20 MiB
    big.folder("gewoon")
    report = heard_build(big.project, options(formats=("pdf",), institutions=("alpha",), executor=executor,
                                        limits=DocumentLimits(memory_mib=100)))
    result = _statuses(report)
    # Python's MemoryError says so directly; a native library that cannot allocate aborts the process
    assert "needed more than 100 MiB" in result["lang.pdf"] or "more than 100 MiB, the memory limit" in result["lang.pdf"]
    assert result["gewoon.pdf"] == "built"
    assert client.run(os.getpid) == dask_workers


def _statuses(report) -> dict[str, str]:
    """Each output's file name: 'built', or why it failed."""
    return {Path(o.subject).name: "\n".join([o.detail, *map(str, o.problems)]) if o.status == "failed" else o.status
            for o in report.outcomes}


def test_a_worker_that_would_render_otherwise_is_refused(tmp_project, cluster, tmp_path, caplog):
    executor, client, workdir = cluster
    no_fonts = tmp_path / "no-fonts.conf"  # a fontconfig that knows no font: the brand fonts are missing there
    no_fonts.write_text(f'<?xml version="1.0"?><fontconfig><dir>{tmp_path}/none</dir>'
                        f'<cachedir>{tmp_path}/cache</cachedir></fontconfig>')
    address = "tcp://" + executor.removeprefix("dask://")
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                               "--name", "without-fonts", "--local-directory", str(workdir / "scratch")],
                              cwd=workdir, env={**os.environ, "FONTCONFIG_FILE": str(no_fonts)},
                              stdout=subprocess.DEVNULL, stderr=(tmp_path / "worker.log").open("w"))
    try:
        client.wait_for_workers(3, timeout=300)  # a generous bound on a busy machine; it does not decide the test
        tmp_project.folder("een")
        report = build(tmp_project.project, options(formats=("pdf",), institutions=("alpha",), executor=executor))
        assert report.ok and report.count("built") == 2  # the PDF and its thumbnail
        [refusal] = [record.getMessage() for record in caplog.records if "is refused" in record.getMessage()]
        assert "font 'Lato' is not installed on it" in refusal
        assert "start it with DASK_DISTRIBUTED__WORKER__DAEMON=False in its environment" in refusal  # a nanny's
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def test_ctrl_c_cancels_the_tasks_of_the_build(tmp_project, cluster):
    executor, client, _ = cluster
    slugs = [f"folder-{number}" for number in range(8)]  # far more than can render between a line and the signal
    for slug in slugs:
        tmp_project.folder(slug)
    command = [sys.executable, str(support.REPO / "build.py"), "--project", str(tmp_project.root), "--format", "pdf",
               "-i", "alpha", "--today", support.TODAY.isoformat(), "--executor", executor]
    # Ctrl-C's signal as a terminal sends it: a test run started in the background (`cmd &`, as CI may
    # be) ignores SIGINT, and a child would inherit that and never be interrupted
    build_process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"},
                                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert build_process.stdout is not None
    for line in build_process.stdout:
        if line.startswith("built"):
            build_process.send_signal(signal.SIGINT)  # as Ctrl-C does, after the first output
            break
    assert build_process.wait(timeout=300) == 130
    assert build_process.stderr is not None and "interrupted" in build_process.stderr.read()
    assert len(list((tmp_project.root / "dist").rglob("*.pdf"))) < len(slugs)

    def renders_left(dask_scheduler):
        return [key for key in dask_scheduler.tasks if str(key).startswith("folderpers-render")]
    deadline = time.monotonic() + 120  # the scheduler forgets released tasks shortly after the client goes
    while client.run_on_scheduler(renders_left) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert client.run_on_scheduler(renders_left) == []


def _readme_cluster_commands() -> tuple[str, str]:
    """The scheduler's and a worker's command line from README's "Many machines" (continuations joined)."""
    section = (support.REPO / "README.md").read_text().split("## Many machines", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    commands = [line for line in block.splitlines() if not line.startswith("#")]
    [scheduler] = [line for line in commands if "/dask scheduler " in line]
    [worker] = [line for line in commands if "/dask worker " in line]
    return scheduler, worker


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_readmes_commands_start_a_cluster_that_builds_the_examples(tmp_path, dist):
    """README's `dask scheduler` and `dask worker` lines as they are written (this environment's
    .venv/bin, a free port, the worker line twice with --nworkers 1), the workers in an empty
    directory; build.py --executor dask://… builds the examples' PDFs with the bytes of a local build."""
    port = _free_port()
    commands = [line.replace(".venv/bin/", f"{Path(sys.executable).parent}/").replace("tcp://SCHEDULER:", "tcp://127.0.0.1:")
                .replace("8786", str(port)).replace("--nworkers auto", "--nworkers 1")
                for line in _readme_cluster_commands()]
    workdir = tmp_path / "workers"
    workdir.mkdir()
    processes, logs = [], []
    try:
        for command in (commands[0], commands[1], commands[1]):
            logs.append(tmp_path / f"process-{len(processes)}.log")
            with logs[-1].open("w") as log:
                processes.append(subprocess.Popen(["bash", "-c", command], cwd=workdir, stdout=log, stderr=log,
                                                  start_new_session=True))  # a group of its own, to stop it whole
        with Client(f"tcp://127.0.0.1:{port}", timeout=300) as client:
            client.wait_for_workers(2, timeout=300)  # generous bounds on a busy machine; they do not decide
            assert set(client.run(os.getcwd).values()) == {str(workdir)}
        output = tmp_path / "dist"
        result = subprocess.run([sys.executable, str(support.REPO / "build.py"), "--project", str(support.REPO),
                                 "--output", str(output), "--format", "pdf", "--today", support.TODAY.isoformat(),
                                 "--executor", f"dask://127.0.0.1:{port}"], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        for process in reversed(processes):  # the workers first, then the scheduler
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=120)
        for log in logs:  # shown when the test fails
            print(f"== {log.name}", *log.read_text().splitlines()[-15:], sep="\n")
    pdfs = support.example_pdfs()
    assert len(pdfs) >= 10 and {pdf: (output / pdf).read_bytes() for pdf in pdfs} == {
        pdf: (dist / pdf).read_bytes() for pdf in pdfs}


def test_environment_differences_are_named():
    here = environment(["Lato"], ["/usr/share/color/icc/ghostscript/default_cmyk.icc"])
    assert differences(here, here) == []
    elsewhere = environment(["Lato"], ["/nonexistent/default_cmyk.icc"])
    there = type(here)(**{**here.__dict__, "distributions": (("weasyprint", "69.0"), *here.distributions[1:]),
                          "fonts": (("Lato", "missing"),), "machine_files": elsewhere.machine_files})
    assert differences(here, there) == ["it has weasyprint 69.0, the client 70.0",
                                        "font 'Lato' is not installed on it",
                                        "its /usr/share/color/icc/ghostscript/default_cmyk.icc is missing"]


def test_rebase_moves_only_paths_below_the_old_root(tmp_path):
    from folderpers.errors import Location, Problem
    problem = Problem(Location(tmp_path / "a" / "b.yaml", 3), "x")
    other = Problem(Location(Path("/elsewhere/c.yaml")), "y")
    moved = rebase((problem, other, {"k": [tmp_path / "d"]}), (tmp_path,), Path("/site"))
    assert moved == (Problem(Location(Path("/site/a/b.yaml"), 3), "x"), other, {"k": [Path("/site/d")]})
    assert moved[1] is other
