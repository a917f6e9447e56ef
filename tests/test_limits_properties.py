"""Property-based: nested and aliased YAML and random SVG structures (references in any shape, cycles,
encodings, declarations). Every one ends within its limits with a clear outcome: loaded or refused
with a reason; a build of an accepted SVG finishes within the per-document limits."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from folderpers.build.limits import DocumentLimits
from folderpers.errors import SourceError
from folderpers.source.images import ImageRefused, check_image
from folderpers.source.yamlsource import load_yaml

from support import MINIMAL_FOLDER, heard_build, make_project, options

# --- YAML: a random tree of flow and block collections, anchors on some nodes, aliases to earlier ones


@st.composite
def yaml_documents(draw) -> str:
    anchors: list[str] = []

    def node(depth: int, indent: int) -> str:
        kind = draw(st.sampled_from(["scalar", "flow-list", "flow-map", "alias"] + (["deep"] if depth < 3 else [])))
        if kind == "alias" and anchors:
            return "*" + draw(st.sampled_from(anchors))
        anchor = ""
        if draw(st.booleans()):
            anchors.append(f"a{len(anchors)}")
            anchor = f"&{anchors[-1]} "
        if kind == "deep":  # a run of nesting in one go, deep enough to pass the limit now and then
            levels = draw(st.integers(1, 60))
            return anchor + "[" * levels + "x" + "]" * levels
        if kind in ("scalar", "alias"):
            return anchor + draw(st.sampled_from(["tekst", "'x' ", '"y"', "12", "true", "~", "'" + "z" * 5000 + "'"]))
        if depth > 8:
            return anchor + "[]"
        count = draw(st.integers(0, 5))
        items = [node(depth + 1, indent) for _ in range(count)]
        if kind == "flow-list":
            return anchor + "[" + ", ".join(items) + "]"
        return anchor + "{" + ", ".join(f"k{index}: {item}" for index, item in enumerate(items)) + "}"

    return "blocks:\n" + "".join(f"  - text: {node(0, 4)}\n" for _ in range(draw(st.integers(1, 4))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(yaml_documents())
def test_nested_and_aliased_yaml_loads_or_is_refused_with_a_reason(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("yaml") / "folder.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        document = load_yaml(path)
    except SourceError as error:
        assert all(str(problem.location.path) == str(path) and problem.message for problem in error.problems)
    else:
        assert document.data["blocks"]


# --- SVG: random elements that refer to each other (href, url(#)), in random encodings

_TAGS = ["g", "use", "rect", "pattern", "symbol", "circle", "mask"]


@st.composite
def svg_documents(draw) -> bytes:
    count = draw(st.integers(1, 14))
    ids = [f"e{index}" for index in range(count)]
    parts = []
    for element_id in ids:
        tag = draw(st.sampled_from(_TAGS))
        references = draw(st.lists(st.sampled_from(ids), max_size=8))
        inner = "".join(draw(st.sampled_from([f'<use href="#{ref}"/>', f'<use xlink:href="#{ref}"/>',
                                              f'<rect fill="url(#{ref})" width="1" height="1"/>']))
                        for ref in references)
        parts.append(f'<{tag} id="{element_id}" width="2" height="2">{inner}</{tag}>')
    declaration = draw(st.sampled_from(["", '<!DOCTYPE svg [<!ENTITY a "aa">]>', '<!DOCTYPE svg SYSTEM "x.dtd">']))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "utf-32", "utf-16-be"]))
    head = f'<?xml version="1.0" encoding="{encoding.upper()}"?>' if encoding != "utf-16-be" else ""
    text = (f'{head}{declaration}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="20" height="20"><defs>{"".join(parts)}</defs><use href="#e0"/></svg>')
    data = text.encode(encoding)
    return (b"\xfe\xff" + data) if encoding == "utf-16-be" else data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(svg_documents())
def test_random_svg_structures_are_accepted_or_refused_with_a_reason(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("svg") / "plaatje.svg"
    path.write_bytes(data)
    try:
        check_image(path)
    except ImageRefused as refused:
        assert str(refused)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(svg_documents())
def test_a_build_with_a_random_svg_ends_within_its_limits_with_a_clear_outcome(tmp_path_factory, data):
    builder = make_project(tmp_path_factory.mktemp("project"))
    folder = builder.folder("plaatje", MINIMAL_FOLDER + "  - figure: plaatje.svg\n    alt: Een plaatje.\n")
    Path(folder.parent / "plaatje.svg").write_bytes(data)
    report = heard_build(builder.project, options(formats=("pdf",), institutions=("alpha",), jobs=1,
                                            limits=DocumentLimits(seconds=120)))
    outcome = report.outcomes[0]  # the PDF's (its thumbnail follows when it is built)
    assert len(report.outcomes) == (2 if outcome.status == "built" else 1), report.outcomes
    assert outcome.status == "built" or (outcome.problems and not outcome.detail.startswith("internal error")), outcome
