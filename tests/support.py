"""What the tests share: the repo's paths, a fixed day, and a small throw-away project (the repo's theme +
fixture institutions)."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import signal
import sqlite3
import textwrap
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote

from folderpers.build.pipeline import BuildOptions, build
from folderpers.model.outcome import BuildReport, Outcome
from folderpers.project import Project
from folderpers.source.review import ReviewPolicy
from folderpers.writers import Rendered
from folderpers.writers.base import output_name

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = date(2026, 11, 21)  # review dates are judged as of this day, so tests do not age
# Tests wait for what they expect to happen (a line of output, a change in a page), never for a time:
# this bound only keeps something hung from hanging the test run, far beyond what a build takes on a
# busy machine (how fast things are is `make bench`'s to measure).
EVENT_SECONDS = int(os.environ.get("FOLDERPERS_TEST_EVENT_SECONDS", "600"))


def options(**kwargs) -> BuildOptions:
    """Build options for tests: review dates judged as of TODAY."""
    return BuildOptions(policy=ReviewPolicy(TODAY), **kwargs)

@dataclass
class Heard:
    """A build's report with every outcome its reporter heard, in order (the report itself keeps only the
    failures; an unchanged output without warnings is counted, not heard)."""

    report: BuildReport
    outcomes: list[Outcome]

    def __getattr__(self, name: str):
        return getattr(self.report, name)  # count(), ok, failures, peak_rss_kib ...


def heard_build(project: Project, build_options: BuildOptions) -> Heard:
    outcomes: list[Outcome] = []
    return Heard(build(project, build_options, reporter=outcomes.append), outcomes)


MINIMAL_FOLDER = """\
title: Testfolder
subtitle: Een folder om mee te testen
intro: Lees dit en bel {phone:poli} met vragen.
code: TST-001
department: Testafdeling
owner: Testeigenaar
version: 1.2
approved: 2026-01-10
review: 2028-01-10
blocks:
  - heading: Wat is het?
  - text: Een korte uitleg met **vet** en *schuin*.
  - list: [een, twee]
  - callout: alarm
    items:
      - Bel {contact:spoed} bij koorts.
"""

# A callout in the order real alarm boxes use (list, then text), and one without a title.
CALLOUT_IN_ORDER = MINIMAL_FOLDER + """\
  - callout: alarm
    title: Neem direct contact op bij
    content:
      - list: ["koorts boven 38,5 °C", veel bloedverlies]
      - text: Bel dan {phone:spoed}.
      - steps: [eerst bellen, dan komen]
      - text: Of kom langs.
  - callout: tip
    title: false
    items: [eerst dit]
    text: Dan dit.
"""


class ProjectBuilder:
    """A project in a temporary directory, with helpers to write its content."""

    def __init__(self, root: Path):
        self.root = root
        self.project = Project(root)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def folder(self, slug: str, text: str = MINIMAL_FOLDER, name: str = "folder.yaml") -> Path:
        return self.write(f"folders/{slug}/{name}", text)


def long_list(items: int) -> str:
    """A minimal folder with a list of `items` items: its PDF takes the more time and memory the longer
    the list (8,000 items: ~50 s of CPU, ~400 MiB more than a warm worker holds)."""
    return MINIMAL_FOLDER + "  - list:\n" + "".join(f"      - Punt {i} van een heel lange lijst.\n" for i in range(items))


def make_project(root: Path) -> ProjectBuilder:
    """A project in `root` with the repo's theme and the fixture institutions, without folders."""
    for name in ("templates", "styles", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "checks.yaml", root / "checks.yaml")
    shutil.copytree(FIXTURES / "institutions", root / "institutions")
    (root / "snippets").mkdir()
    (root / "folders").mkdir()
    return ProjectBuilder(root)


class CrashingWriter:
    """A writer for tests of where rendering runs (register it as kind 'test'). Its output is the id of
    the process that rendered it. It crashes that process (a real SIGSEGV, as from a native library)
    for the folder 'boom', raises for 'fout', never ends for 'hangt' (it waits for an event that
    nothing sets), and kills its process for the folder 'eenmaal' the first time only (a file in the
    directory $FOLDERPERS_TEST_MARKERS remembers that it did)."""

    kind = "test"
    relative_cost = 1.0

    def __init__(self, theme):
        self.theme = theme

    def paths(self, publication):
        return (output_name(publication, ".txt"),)

    def inputs(self, publication):
        return ()

    def render(self, publication):
        slug = publication.folder.slug
        if slug == "boom":
            os.kill(os.getpid(), signal.SIGSEGV)
        if slug == "fout":
            raise RuntimeError("a bug in a writer")
        if slug == "hangt":
            threading.Event().wait()
        if slug == "eenmaal":
            marker = Path(os.environ["FOLDERPERS_TEST_MARKERS"]) / f"{publication.stem}-{publication.institution.id}"
            if not marker.exists():
                marker.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        return (Rendered(self.paths(publication)[0], self.kind, f"{os.getpid()}".encode()),)


def example_pdfs() -> list[str]:
    """The screen PDF of every example publication, relative to dist/."""
    from test_examples import publications
    return [f"{institution}/{slug}.pdf" for slug, institution in publications()]


def hrefs(html: str) -> list[str]:
    """Every href in `html`, in order (links within the page, `#...`, left out)."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.found += [value for name, value in attrs if name == "href" and value and not value.startswith("#")]

    links = Links()
    links.feed(html)
    return links.found


# Bidi formatting characters: pdftotext writes embeddings around runs, and the RTL repair adds marks
# (folderpers/pdf/actual_text.py); none is part of the text.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def comparable(text: str) -> str:
    """Text with whitespace, hyphens (hyphenation adds them at line ends; pdfium marks such a break with U+0002) and bidi controls taken out."""
    return re.sub(r"[\s\-\u00ad\x02]", "", unicodedata.normalize("NFC", text.translate(BIDI_CONTROLS)))


def extracted_in_order(extracted: str, passages: list[str], comparable) -> list[str]:
    """The passages not found in `extracted` in their order (after `comparable` on both)."""
    text, position, missing = comparable(extracted), 0, []
    for passage in passages:
        found = text.find(comparable(passage), position)
        if found < 0:
            missing.append(passage)
        else:
            position = found
    return missing


SPLIT_TITLES = ("Aambeien", "Bloedafname", "Blaasonderzoek", "Bloedafname", "Cataract", "Éénmalige katheter",
                "Echo van de buik", "Knie", "Zwangerschap")


def make_split_project(builder: ProjectBuilder) -> ProjectBuilder:
    """Nine folders (two of one title, one starting with É) for alpha and beta; the third related to the
    fourth. With index pages of at most three listings (the split_project fixture), each index has parts."""
    for number, title in enumerate(SPLIT_TITLES):
        text = MINIMAL_FOLDER.replace("title: Testfolder", f"title: {title}")
        if number == 2:
            text = text.replace("Een korte uitleg", "Zie ook {folder:map-3}. Een korte uitleg")
        builder.folder(f"map-{number}", text)
    return builder


def listed_titles(path: Path) -> list[str]:
    """The titles an index page lists, in its order."""
    return re.findall(r'<h2 id="folder-[0-9a-f]+"[^>]*>(?:<a [^>]*>)?([^<]*)<', path.read_text("utf-8"))


def parts_of(dist: Path, page: str) -> list[str]:
    """The parts an overview links to, as paths relative to dist/, in its order."""
    text = (dist / page).read_text("utf-8")
    ordered = re.search(r'<ol class="parts">(.*?)</ol>', text, re.DOTALL)
    assert ordered, f"{page} is no overview"
    return [posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(href)))
            for href in re.findall(r'<a href="([^"]*)"', ordered[1])]


def assert_fragments_are_those_shown(dist: Path) -> None:
    """The state store keeps, for each page of listings, exactly one fragment per listing it shows
    (none left over from listings that moved away or changed)."""
    connection = sqlite3.connect(dist / ".state.sqlite")
    try:
        kept = dict(connection.execute("SELECT page, count(*) FROM fragments GROUP BY page"))
        pages = [page for (page,) in connection.execute("SELECT path FROM collection")]
    finally:
        connection.close()
    shown = {page: len(listed_titles(dist / page)) for page in pages}
    assert kept == {page: count for page, count in shown.items() if count}, (kept, shown)
