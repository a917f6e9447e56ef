"""The screen PDF of large but legal content: the work per item does not grow with the length."""

from __future__ import annotations

import cProfile
import pstats

import pytest

from folderpers.build.workers import Task, render_task
from folderpers.render.theme import Theme
from folderpers.source.corpus import Corpus

from support import MINIMAL_FOLDER

SIZES = (150, 300, 600)


def long_list(items: int) -> str:
    return MINIMAL_FOLDER + "  - list:\n" + "".join(f"      - Punt {i} van een heel lange lijst.\n" for i in range(items))


@pytest.fixture(scope="module")
def calls(tmp_path_factory) -> dict[int, int]:
    """Python function calls (WeasyPrint, pydyf, our structure repair and checks) to render the
    screen PDF of a list of each size, as the build does. Counted, not timed: the same on a busy machine."""
    from support import make_project
    builder = make_project(tmp_path_factory.mktemp("lijsten"))
    for size in SIZES:
        builder.folder(f"lijst-{size}", long_list(size))
    corpus = Corpus(builder.project)
    theme = Theme(builder.project)
    writers: dict = {}

    def render(size: int) -> int:
        publication = corpus.publication(corpus.folder(builder.root / f"folders/lijst-{size}/folder.yaml"),
                                         corpus.institution("alpha"))
        profile = cProfile.Profile()
        profile.enable()
        done = render_task(writers, theme, Task(0, publication, "pdf"))
        profile.disable()
        assert done.error is None, done.error
        return sum(count for _, count, *_ in pstats.Stats(profile).stats.values())  # type: ignore[attr-defined]

    render(SIZES[0])  # warm: fonts, stylesheets and caches as in a worker
    return {size: render(size) for size in SIZES}


def test_a_long_list_costs_the_same_per_item_at_every_length(calls):
    # What an extra item costs, between the two smaller and the two larger sizes: equal when the
    # work is linear (measured: 0.01 % apart). pydyf's page references (render/weasyprint_patches.py),
    # read for every structure element, made the larger pair's 2.5 % dearer at these sizes, and took
    # 12 s of 50 for 7,500 items: a quadratic term shows as a difference here long before it shows in time.
    small, middle, large = SIZES
    per_item_smaller = (calls[middle] - calls[small]) / (middle - small)
    per_item_larger = (calls[large] - calls[middle]) / (large - middle)
    assert per_item_larger <= 1.012 * per_item_smaller, (calls, per_item_smaller, per_item_larger)
