"""The live preview, for real: `build.py serve` as a separate process on 127.0.0.1 with a free port,
driven by headless Chromium while the test edits the YAML files as an author would."""

from __future__ import annotations

import http.client
import queue
import shutil
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from folderpers.cli import main
from folderpers.commands.new import new_folder
from folderpers.project import Project
from folderpers.source.review import ReviewPolicy

from support import EVENT_SECONDS, FIXTURES, MINIMAL_FOLDER, TODAY, make_project

# `build.py serve` for a project in the working directory
SERVE = [sys.executable, "-c", "import sys; from folderpers.cli import main; sys.exit(main(sys.argv[1:]))", "serve"]


class ServerProcess:
    """`build.py serve --port 0` in `root`; its output is read as it comes."""

    def __init__(self, root, *args: str):
        self.process = subprocess.Popen(
            [*SERVE, "--port", "0", "--today", TODAY.isoformat(), *args],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = EVENT_SECONDS) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, "".join(self.output)
                continue
            self.output.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in: {''.join(self.output)}")

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=EVENT_SECONDS)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    builder = make_project(tmp_path_factory.mktemp("project"))
    builder.folder("demo")
    builder.folder("tweede", MINIMAL_FOLDER.replace("title: Testfolder", "title: Tweede folder"))
    return builder


@pytest.fixture(scope="module")
def server(project):
    process = ServerProcess(project.root)
    url = process.wait_for("Preview: http://").split()[1]
    yield process, url
    assert process.stop() == 0  # SIGTERM stops it cleanly
    process.wait_for("Stopped.")


@pytest.fixture
def page(browser):
    context = browser.new_context()  # its own: no page of an earlier test can reload into this one
    yield context.new_page()
    context.close()


def reopened(page, address: str):
    """`address` in a new page of the same browser context. An open preview page reloads itself when a
    rebuild ends, and such a reload cuts into a goto of that same page, not into one of another page.
    `page` is left open (the context closes it): closing a page while it reloads itself once hung."""
    new_page = page.context.new_page()
    new_page.goto(address)
    return new_page


def test_it_listens_on_loopback_only_and_lists_folders_by_institution(server, page):
    _, url = server
    assert urlsplit(url).hostname == "127.0.0.1"
    page.goto(url)
    assert page.title() == "Patiëntenfolders"
    assert page.locator(".listing").count() == 4  # two folders x two institutions
    page.get_by_role("link", name="Webversie van Tweede folder").first.click()
    assert page.locator("h1").inner_text() == "Tweede folder"


def test_a_pdf_opens_in_a_preview_page_that_frames_the_real_file(server, page):
    _, url = server
    page.goto(url + "alpha/index.html")
    page.get_by_role("link", name="PDF van Testfolder").click()
    assert urlsplit(page.url).path == "/__preview/pdf/alpha/demo.pdf"
    frame_source = page.locator("iframe").get_attribute("src")
    response = page.request.get(url.rstrip("/") + frame_source)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_a_page_not_built_yet_says_so_and_reloads_when_it_is(server, page):
    _, url = server
    for missing in ("alpha/nog-niet.html", "__preview/pdf/alpha/nog-niet.pdf"):
        response = page.goto(url + missing)
        assert response.status == 404 and response.headers["cache-control"] == "no-store"
        assert "has not been built (yet)" in page.content() and "/__preview/state" in page.content()


def test_a_saved_change_appears_in_the_open_page(server, project, page):
    process, url = server
    page.goto(url + "beta/demo.html")
    assert page.locator("h1").inner_text() == "Testfolder"
    source = project.root / "folders/demo/folder.yaml"
    source.write_text(MINIMAL_FOLDER.replace("title: Testfolder", "title: Nieuwe titel"), encoding="utf-8")
    # the open page reloads by itself (no goto here)
    page.wait_for_function("document.querySelector('h1').textContent === 'Nieuwe titel'")
    process.wait_for("rebuilt demo")
    page = reopened(page, url)  # the index follows too, once the PDF is rebuilt
    page.get_by_text("Nieuwe titel").first.wait_for()
    page = reopened(page, "about:blank")
    source.write_text(MINIMAL_FOLDER, encoding="utf-8")
    process.wait_for("rebuilt demo")
    # leave the project as found: wait until the restored title is served (a "rebuilt demo" line may
    # still be one of the first change's), so that the next test does not see this one's state
    page = reopened(page, url + "beta/demo.html")
    page.wait_for_function("document.querySelector('h1').textContent === 'Testfolder'")


def test_broken_yaml_shows_file_line_and_fix_in_the_browser_and_the_server_keeps_running(server, project, page):
    process, url = server
    page.goto(url + "alpha/demo.html")
    page.wait_for_function("document.querySelector('h1').textContent === 'Testfolder'")
    source = project.root / "folders/demo/folder.yaml"
    source.write_text(MINIMAL_FOLDER.replace("title: Testfolder", "title: [Testfolder"), encoding="utf-8")
    alert = page.get_by_role("alert")
    alert.wait_for()
    text = alert.inner_text()
    assert "folders/demo/folder.yaml:2:9: YAML syntax error" in text and "fix:" in text
    assert page.locator("h1").inner_text() == "Testfolder"  # the last good build stays visible below
    process.wait_for("rebuilt demo")
    assert process.process.poll() is None
    index = reopened(page, url)  # every page of the preview shows it, the index too
    expect(index.get_by_role("alert")).to_contain_text("folders/demo/folder.yaml:2:9")
    source.write_text(MINIMAL_FOLDER, encoding="utf-8")  # fixed: the error goes away by itself
    index.get_by_role("alert").wait_for(state="detached")
    expect(index.locator(".listing")).to_have_count(4)  # the reloaded index, whole


def test_a_new_folder_appears_in_the_index(server, project, page):
    process, url = server
    page.goto(url)
    new_folder(Project(project.root), "nieuwe-folder", ReviewPolicy(TODAY))
    page.get_by_text("Nieuwe folder").first.wait_for()  # web, PDF, then index
    expect(page.locator(".listing")).to_have_count(6)
    process.wait_for("rebuilt nieuwe-folder")


def test_a_busy_port_is_an_error_at_once(server, project, capsys):
    _, url = server
    assert main(["serve", "--port", str(urlsplit(url).port)], root=project.root) == 1
    error = capsys.readouterr().err
    assert "cannot serve on 127.0.0.1" in error and "--port 0" in error


@pytest.mark.parametrize("host, status", [("127.0.0.1:{port}", 200), ("localhost:{port}", 200),
                                          ("evil.example:{port}", 421), ("127.0.0.1.nip.io:{port}", 421),
                                          ("127.0.0.1", 421), ("", 421)])
def test_only_requests_for_its_loopback_name_are_answered(server, host, status):
    _, url = server
    port = urlsplit(url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=EVENT_SECONDS)
    connection.putrequest("GET", "/", skip_host=True)
    if host:
        connection.putheader("Host", host.format(port=port))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == status
    connection.close()


def save_until_rebuilt(process: ServerProcess, path, text: str, slug: str) -> None:
    """Save `text` to `path` until the server says it rebuilt `slug`: the file watcher starts watching
    just after the server says where it serves, so a save made at once may come before it (and a save
    is all the watcher needs to see: the server decides nothing from how many it saw)."""
    deadline = time.monotonic() + EVENT_SECONDS
    while time.monotonic() < deadline:
        path.write_text(text, encoding="utf-8")
        try:
            process.wait_for(f"rebuilt {slug}", timeout=20)
            return
        except AssertionError:
            continue
    raise AssertionError(f"no 'rebuilt {slug}' after saving for {EVENT_SECONDS} s: {''.join(process.output)}")


def test_the_server_survives_hostile_content_and_keeps_rebuilding(tmp_path):
    builder = make_project(tmp_path)
    builder.folder("demo")
    for name in ("yaml-deep-flow", "yaml-alias-text"):
        shutil.copytree(FIXTURES / "attacks" / name, tmp_path / "folders" / name)
    process = ServerProcess(tmp_path)
    try:
        process.wait_for("Preview: http://")
        # later saves are still rebuilt, one of them hostile, then a good one
        hostile = (FIXTURES / "attacks/yaml-deep-flow/folder.yaml").read_text(encoding="utf-8")
        save_until_rebuilt(process, tmp_path / "folders/yaml-alias-text/folder.yaml", hostile, "yaml-alias-text")
        save_until_rebuilt(process, tmp_path / "folders/demo/folder.yaml",
                           MINIMAL_FOLDER.replace("title: Testfolder", "title: Nog steeds"), "demo")
        assert process.process.poll() is None
        assert "nested more than 32 levels deep" in "".join(process.output)
    finally:
        assert process.stop() == 0
