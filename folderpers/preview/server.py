"""`build.py serve`: the live preview. A web server on loopback shows the index of every folder x
institution, each web page and PDF, built into a temporary directory (never dist/); a watcher
rebuilds what a saved file makes stale (folderpers/preview.py), and open pages reload.

Standard library HTTP server (threaded, so the polling of open pages never waits for a build),
builds in one watcher thread (WeasyPrint is not thread-safe), watchfiles for file events. Errors
are shown in the browser and printed; the server keeps running whatever the content does.
"""

from __future__ import annotations

import functools
import json
import re
import signal
import sys
import tempfile
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import jinja2
import watchfiles

from folderpers.build.progress import print_outcome, summary_line
from folderpers.preview.session import EVERYTHING, Preview, Scope
from folderpers.project import Project
from folderpers.source.review import ReviewPolicy

HOST = "127.0.0.1"  # loopback only: the preview is for the author at this machine
STATE_PATH = "/__preview/state"  # {"version": n}, polled by open pages
PDF_VIEW = "/__preview/pdf/"  # + path of a PDF: the PDF in a page that reloads
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_PDF_LINK = re.compile(r'href="([^"]+\.pdf)"')


class PreviewPages:
    """The preview's own HTML: the overlay put into every page, and its PDF and message pages."""

    def __init__(self, project: Project, preview: Preview):
        self.preview = preview
        environment = jinja2.Environment(loader=jinja2.FileSystemLoader(project.templates), autoescape=True,
                                         undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.overlay = environment.get_template("preview/overlay.html")
        self.page = environment.get_template("preview/page.html")

    def inject(self, html: str, url_path: str) -> str:
        """`html` served at `url_path` with the overlay after <body>, and its links to PDFs through the
        reloading PDF page."""
        def through_view(match: re.Match) -> str:
            href = match.group(1)
            if urlsplit(href).scheme:  # a PDF elsewhere on the web: leave it
                return match.group(0)
            return f'href="{PDF_VIEW}{urljoin(url_path, href).lstrip("/")}"'

        return self._overlaid(_PDF_LINK.sub(through_view, html))

    def standalone(self, title: str, pdf: str | None = None, message: str = "") -> str:
        """A page of the preview's own: `pdf` (its URL path) in a frame, or `message`."""
        return self._overlaid(self.page.render(title=title, pdf=pdf, message=message))

    def _overlaid(self, html: str) -> str:
        overlay = self.overlay.render(version=self.preview.version, failures=self.preview.failures(),
                                      state_url=STATE_PATH)
        body = _BODY.search(html)
        return html[:body.end()] + overlay + html[body.end():] if body else overlay + html


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the preview directory; HTML gets the overlay; nothing is cached."""

    pages: PreviewPages  # set on a subclass per server (see serve())

    def parse_request(self) -> bool:
        """Answer only requests addressed to this server by its loopback name: a web page whose own
        name resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host, and gets 421."""
        if not super().parse_request():
            return False
        port = self.server.server_port  # type: ignore[attr-defined]  # an HTTPServer (ThreadingHTTPServer)
        if self.headers.get("Host", "").strip().lower() not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "this preview answers to 127.0.0.1 and localhost only")
            return False
        return True

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == STATE_PATH:
            self._send(json.dumps({"version": self.pages.preview.version}), "application/json")
            return
        if path.startswith(PDF_VIEW):
            pdf = "/" + path[len(PDF_VIEW):]
            found = Path(self.translate_path(pdf)).is_file()
            self._send(self.pages.standalone(Path(pdf).name, pdf if found else None,
                                             "" if found else f"{pdf} has not been built (yet)."),
                       status=HTTPStatus.OK if found else HTTPStatus.NOT_FOUND)
            return
        file = Path(self.translate_path(self.path))
        if file.is_dir() and path.endswith("/"):
            file = file / "index.html"
        if file.suffix == ".html":
            if file.is_file():
                self._send(self.pages.inject(file.read_text("utf-8"), path))
            else:  # not built (yet): a page that reloads when it is
                self._send(self.pages.standalone("Not built", message=f"{path} has not been built (yet): "
                                                 "see the errors above, or wait for the build."),
                           status=HTTPStatus.NOT_FOUND)
            return
        super().do_GET()

    def _send(self, text: str, content_type: str = "text/html; charset=utf-8", status: HTTPStatus = HTTPStatus.OK):
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal shows builds, not requests


def serve(project: Project, policy: ReviewPolicy, port: int) -> int:
    """Build, serve on 127.0.0.1:`port` (0: any free port) and rebuild on every save, until Ctrl+C."""
    with tempfile.TemporaryDirectory(prefix="folderpers-preview-") as output:
        preview = Preview(project, policy, Path(output))
        handler = type("Handler", (PreviewHandler,), {"pages": PreviewPages(project, preview)})
        try:  # take the port before building, so that a busy port is said at once
            server = ThreadingHTTPServer((HOST, port), functools.partial(handler, directory=output))
        except OSError as error:
            print(f"error: cannot serve on {HOST}:{port} ({error.strerror}): choose another port with --port N, "
                  f"or --port 0 for any free one", file=sys.stderr)
            return 1
        server.daemon_threads = True
        stop = threading.Event()
        watcher = threading.Thread(target=_watch, args=(preview, project, stop), name="preview-watcher", daemon=True)
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops as cleanly as Ctrl+C: the temporary files go
        try:
            print("Building the preview ...", flush=True)
            _report(preview, EVERYTHING)
            watcher.start()
            print(f"Preview: http://{HOST}:{server.server_port}/  (stop with Ctrl+C)", flush=True)
            server.serve_forever()
        except KeyboardInterrupt:
            print("\nStopped.", flush=True)
        finally:
            stop.set()
            server.server_close()
            if watcher.is_alive():
                watcher.join(timeout=5)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _watch(preview: Preview, project: Project, stop: threading.Event) -> None:
    watched = [path for path in (project.folders, project.institutions, project.snippets, project.templates,
                                 project.styles, project.schemas) if path.is_dir()]
    # step: a save is built 50 ms after the last file event (editors write in several steps)
    for changes in watchfiles.watch(*watched, stop_event=stop, step=50, raise_interrupt=False):
        try:
            _report(preview, Scope.of((Path(path) for _, path in changes), project))
        except Exception as error:  # noqa: BLE001 - e.g. folders/ renamed away: say so, and keep watching
            print(f"error while rebuilding: {type(error).__name__}: {error}", file=sys.stderr, flush=True)


def _report(preview: Preview, scope: Scope) -> None:
    started = time.monotonic()
    report = preview.rebuild(scope)  # each failure once, not once per pass
    for outcome in report.failures:
        print_outcome(outcome)
    what = "everything" if scope.folders is None else ", ".join(sorted(scope.folders))
    print(f"{time.strftime('%H:%M:%S')} rebuilt {what}: {summary_line(report)} "
          f"({time.monotonic() - started:.1f} s)", flush=True)
