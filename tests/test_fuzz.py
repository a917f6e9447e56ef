"""Property-based: random folder documents, random Unicode. Either a clean build or a clear error
naming the file; never a crash, never a partial or broken file."""

from __future__ import annotations

import re

import pikepdf
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from folderpers.build.publish import staging_directory

from support import heard_build, options

# Dutch diacritics, Arabic, emoji, zero-width and bidi controls, C0/C1 controls, markup characters
SPECIAL = "éëïöüçÉ ﷺ مرحبا بالعالم 😀👩‍⚕️🏥 \u200b\u200c\u200d\u200e\u200f\u2028\u2029\ufeff \x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f <>&\"'{}[]*_\\#:|-"
TEXT = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=("Cs",))),
               min_size=0, max_size=40)
KEYS = st.sampled_from(["heading", "text", "list", "steps", "callout", "contacts", "figure", "table", "faq",
                        "sources", "include", "pagebreak", "level", "title", "items", "alt", "caption", "nonsense"])
VALUE = st.recursive(st.one_of(TEXT, st.integers(-5, 10), st.booleans(), st.none()),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=3), max_leaves=12)


def block():
    return st.one_of(
        st.builds(lambda t: {"heading": t}, TEXT),
        st.builds(lambda t, lvl: {"heading": t, "level": lvl}, TEXT, st.integers(1, 5)),
        st.builds(lambda t: {"text": t}, TEXT),
        st.builds(lambda items: {"list": items}, st.lists(TEXT, max_size=4)),
        st.builds(lambda items: {"steps": items}, st.lists(TEXT, max_size=4)),
        st.builds(lambda k, t: {"callout": k, "text": t}, st.sampled_from(["alarm", "info", "tip", "warning", "x"]), TEXT),
        st.builds(lambda rows: {"table": rows}, st.lists(st.lists(TEXT, min_size=2, max_size=2), max_size=3)),
        st.builds(lambda q, a: {"faq": [{"question": q, "answer": a}]}, TEXT, TEXT),
        st.builds(lambda items: {"sources": items}, st.lists(TEXT, max_size=3)),
        st.builds(lambda keys: {"contacts": keys}, st.lists(st.sampled_from(["poli", "spoed", "x"]), max_size=2)),
        st.dictionaries(KEYS, VALUE, max_size=3),
    )


FOLDER = st.fixed_dictionaries({
    "title": TEXT, "code": st.sampled_from(["FZ-001", "fz", "FZ-002"]), "department": TEXT, "owner": TEXT,
    "version": st.sampled_from(["1.0", "2", "x"]), "approved": st.just("2026-01-10"), "review": st.just("2028-01-10"),
    "blocks": st.lists(block(), max_size=6),
}, optional={"subtitle": TEXT, "intro": TEXT, "nonsense": VALUE})


SAFE_BLOCK = st.one_of(  # valid structure, random text: exercises rendering, not only validation
    st.builds(lambda t: {"heading": t}, TEXT.filter(str.strip)),
    st.builds(lambda t: {"text": t}, TEXT.filter(str.strip)),
    st.builds(lambda items: {"list": items}, st.lists(TEXT.filter(str.strip), min_size=1, max_size=4)),
    st.builds(lambda k, t: {"callout": k, "items": [t]}, st.sampled_from(["alarm", "info", "tip", "warning"]),
              TEXT.filter(str.strip)),
    st.builds(lambda a, b, c, d: {"table": [[a, b], [c, d]], "row_headers": True}, TEXT, TEXT, TEXT, TEXT),
    st.builds(lambda q, a: {"faq": [{"question": q, "answer": a}]}, TEXT.filter(str.strip), TEXT.filter(str.strip)),
    st.just({"contacts": ["poli", "spoed"]}),
)
VALID_FOLDER = st.fixed_dictionaries({
    "title": TEXT.filter(str.strip), "subtitle": TEXT, "code": st.just("FZ-001"), "department": TEXT.filter(str.strip),
    "owner": TEXT.filter(str.strip), "version": st.just("1.0"), "approved": st.just("2026-01-10"),
    "review": st.just("2028-01-10"), "blocks": st.lists(SAFE_BLOCK, min_size=1, max_size=6),
})


def check(tmp_project, formats):
    report = heard_build(tmp_project.project, options(formats=formats, institutions=("alpha",)))
    for outcome in report.outcomes:
        assert not outcome.detail.startswith("internal error"), outcome.detail
        if outcome.status == "failed":
            assert outcome.problems and "folder.yaml" in str(outcome.problems[0].location)
    dist = tmp_project.root / "dist"
    assert not staging_directory(dist).exists() or not any(staging_directory(dist).iterdir())
    for pdf in dist.rglob("*.pdf"):
        with pikepdf.open(pdf) as document:  # whole and readable
            assert len(document.pages) >= 1
    return report


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(document=FOLDER)
def test_random_folders_build_or_fail_clearly_web(tmp_project, document):
    tmp_project.write("folders/fuzz/folder.yaml", yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    check(tmp_project, ("web",))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(document=VALID_FOLDER)
def test_random_text_in_valid_folders_renders_or_fails_clearly(tmp_project, document):
    tmp_project.write("folders/fuzz/folder.yaml", yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    report = check(tmp_project, ("pdf", "web"))
    # the structure is valid, so only the random text itself may be refused (markup, placeholders):
    # every other example must reach WeasyPrint and be published
    for outcome in report.outcomes:
        if outcome.status == "failed":
            assert re.search(r"placeholder|link|not allowed in YAML|special characters|control character|no installed font|"
                             r"header row of this table is empty",
                             str(outcome.problems[0])), outcome
    assert report.count("built") == 3 or report.count("failed") == 1  # PDF, its thumbnail, web page


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_random_bytes_as_a_folder_file_fail_clearly(tmp_project, raw):
    path = tmp_project.root / "folders/fuzz/folder.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    check(tmp_project, ("web",))

