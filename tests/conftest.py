"""Shared fixtures (the helpers they use are in support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from folderpers.checks.web import CHROMIUM_ARGS
from folderpers.project import Project

from support import REPO, ProjectBuilder, make_project, options


@pytest.fixture
def tmp_project(tmp_path: Path) -> ProjectBuilder:
    return make_project(tmp_path)


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The example folders built once for all institutions, in every format: (dist, report)."""
    from folderpers.build.pipeline import build
    output = tmp_path_factory.mktemp("dist")
    return output, build(Project(REPO, output=output), options())


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright, one per test module."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
