"""Shared fixtures (the helpers they use are in support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from folderpers.checks.web import CHROMIUM_ARGS
from folderpers.project import Project

from support import EVENT_SECONDS, REPO, ProjectBuilder, make_project, make_split_project, options


@pytest.fixture
def tmp_project(tmp_path: Path) -> ProjectBuilder:
    return make_project(tmp_path)


@pytest.fixture
def split_project(tmp_project, monkeypatch) -> ProjectBuilder:
    """support.make_split_project's nine folders, with index pages of at most three listings."""
    from folderpers.writers import index_page
    monkeypatch.setattr(index_page, "PAGE_LISTINGS", 3)
    return make_split_project(tmp_project)


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The example folders built once for all institutions, in every format: (dist, Heard)."""
    from support import heard_build
    output = tmp_path_factory.mktemp("dist")
    return output, heard_build(Project(REPO, output=output), options())


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright, one per test module. Every page it opens
    waits up to EVENT_SECONDS for what a test waits on (a navigation, an element): Playwright's
    own 30 s are a time, and a busy machine can take longer (so are `expect`'s 5 s)."""
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=EVENT_SECONDS * 1000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS,
                                              timeout=EVENT_SECONDS * 1000)
        new_context, new_page = chromium.new_context, chromium.new_page

        def patient_context(**options):
            context = new_context(**options)
            context.set_default_timeout(EVENT_SECONDS * 1000)
            return context

        def patient_page(**options):
            page = new_page(**options)
            page.set_default_timeout(EVENT_SECONDS * 1000)
            return page
        chromium.new_context, chromium.new_page = patient_context, patient_page
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def dist(example_build) -> Path:
    """Where the examples were built (a test module that also asserts the build went well overrides it)."""
    return example_build[0]
