"""The intranet index pages in real headless Chromium: what they list, links, search and filters,
keyboard use, axe-core; and the thumbnails they show."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image

from folderpers.build.manifest import read_manifest
from folderpers.build.pipeline import build
from folderpers.render.thumbnails import SOURCE_KEY, WIDTH, png_size, shows

from support import (
    MINIMAL_FOLDER,
    assert_fragments_are_those_shown,
    heard_build,
    hrefs,
    listed_titles,
    options,
    parts_of,
)


@pytest.fixture(scope="module")
def dist(example_build) -> Path:
    output, report = example_build
    assert report.ok
    return output


@pytest.fixture(scope="module")
def manifest(dist) -> list[dict]:
    return [entry for _, entry in read_manifest(dist)]


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def screen_pdfs(manifest, institution=None):
    return [entry for entry in manifest if entry["kind"] == "pdf" and institution in (None, entry["institution"])]


def visible_titles(page) -> list[str]:
    return page.locator(".listing:visible h2").all_inner_texts()


def test_each_index_lists_its_publications_with_their_facts(dist, manifest, page):
    page.goto((dist / "index.html").as_uri())
    assert page.title() == "Patiëntenfolders"
    assert page.locator(".listing").count() == len(screen_pdfs(manifest))
    page.goto((dist / "westerhaven/index.html").as_uri())
    assert page.title() == "Patiëntenfolders – Ziekenhuis Westerhaven"
    listings = page.locator(".listing")
    assert listings.count() == len(screen_pdfs(manifest, "westerhaven"))
    card = listings.filter(has_text="Vertebroplastiek")
    facts = card.locator("dl").inner_text()
    for fact in ("ZWH-RAD-014", "2.1", "15-09-2025", "15-09-2028"):
        assert fact in facts
    entry = next(e for e in screen_pdfs(manifest, "westerhaven") if e["folder"] == "vertebroplastiek")
    assert f"{entry['pages']} pagina's, {round(entry['bytes'] / 1000)} kB" in card.locator(".downloads").inner_text()
    assert card.get_by_role("link", name="Drukwerk-PDF van Vertebroplastiek").count() == 1


@pytest.mark.parametrize("index", ["index.html", "westerhaven/index.html", "meerzicht/index.html"])
def test_every_link_and_image_resolves_to_a_file_in_dist(dist, page, index):
    page.goto((dist / index).as_uri())
    targets = page.eval_on_selector_all("a[href], img[src]", "nodes => nodes.map(n => n.href || n.src)")
    files = [t for t in targets if t.startswith("file:")]
    assert len(files) > 10
    for target in files:
        parts = urlsplit(target)
        path = Path(unquote(parts.path))
        assert path.is_file() and dist in path.parents, target
        if parts.fragment:
            assert page.locator(f"#{parts.fragment}").count() == 1
    assert not [t for t in targets if not t.startswith(("file:", "data:"))]  # nothing from the network


def test_search_and_filters_narrow_the_list(dist, page):
    page.goto((dist / "index.html").as_uri())
    total = page.locator(".listing").count()
    page.get_by_label("Zoeken", exact=True).fill("wervel")  # title, and department words
    assert visible_titles(page) == ["Herstellen van een wervelbreuk"] * 3  # three example institutions
    assert page.get_by_role("status").inner_text() == f"3 van {total} folders"
    page.get_by_label("Zoeken", exact=True).fill("zwh-rad")  # a document code, any case
    assert visible_titles(page) == ["Vertebroplastiek"]
    page.get_by_label("Zoeken", exact=True).fill("")
    page.get_by_label("Instelling", exact=True).select_option(label="Meerzicht Medisch Centrum")
    assert len(visible_titles(page)) == 9  # 3 Dutch folders, and epidurale-injectie in 6 languages
    assert all("Meerzicht" in text for text in page.locator(".listing:visible .where").all_inner_texts())
    page.get_by_label("Afdeling", exact=True).select_option("Pijngeneeskunde")
    assert visible_titles(page) == ["Epidurale injectie", "Rugklachten"]
    page.get_by_label("Zoeken", exact=True).fill("vertebroplastiek")
    assert visible_titles(page) == [] and page.get_by_text("Geen folders gevonden").is_visible()
    page.get_by_label("Instelling", exact=True).select_option("")
    page.get_by_label("Afdeling", exact=True).select_option("")
    page.get_by_label("Taal", exact=True).select_option(label="Nederlands")
    assert len(visible_titles(page)) == 3
    page.get_by_label("Zoeken", exact=True).fill("")
    assert len(visible_titles(page)) == total - 15  # the 5 translations of epidurale-injectie for each of 3 institutions
    page.get_by_label("Taal", exact=True).select_option("")
    assert len(visible_titles(page)) == total and page.get_by_role("status").inner_text() == f"{total} folders"


def test_search_ignores_accents(tmp_project, browser):
    tmp_project.folder("demo", MINIMAL_FOLDER.replace("title: Testfolder", "title: Patiëntenvoorlichting"))
    assert build(tmp_project.project, options(formats=("web", "index"))).ok
    page = browser.new_page()
    page.goto((tmp_project.root / "dist/alpha/index.html").as_uri())
    page.get_by_label("Zoeken", exact=True).fill("patienten")
    assert visible_titles(page) == ["Patiëntenvoorlichting"]
    assert page.locator(".thumb-none").count() == 1  # no PDF built, so no thumbnail: a blank placeholder
    page.close()


def test_without_javascript_the_whole_list_shows_and_the_filters_stay_hidden(dist, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((dist / "index.html").as_uri())
    assert page.locator(".listing:visible").count() == page.locator(".listing").count() > 0
    assert not page.locator("#filters").is_visible()
    context.close()


def test_keyboard_alone_finds_and_opens_a_folder(dist, page):
    page.goto((dist / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Direct naar de folders"
    while page.evaluate("document.activeElement.id") != "q":
        page.keyboard.press("Tab")
    page.keyboard.type("vertebroplastiek")
    while page.evaluate("document.activeElement.tagName") != "A":  # past the selects, to the first shown folder
        page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]")
    assert focused == ["Vertebroplastiek", "solid"]  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/meerzicht/vertebroplastiek.html")
    assert page.title() == "Vertebroplastiek"


@pytest.mark.parametrize("index", ["index.html", "westerhaven/index.html"])
def test_axe_core_finds_no_violations(dist, page, index):
    page.goto((dist / index).as_uri())
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_thumbnails_show_the_first_page_of_the_current_pdf(dist, manifest):
    thumbnails = {entry["path"]: entry for entry in manifest if entry["kind"] == "thumbnail"}
    assert len(thumbnails) == len(screen_pdfs(manifest))
    for entry in screen_pdfs(manifest):
        path = dist / entry["institution"] / "thumbs" / Path(entry["path"]).with_suffix(".png").name
        listed = thumbnails[str(path.relative_to(dist))]  # an output of the PDF's task, with its inputs
        assert (listed["writer"], listed["inputs_sha256"]) == ("pdf", entry["inputs_sha256"])
        data = path.read_bytes()
        assert shows(data, entry["sha256"]) and not shows(data, "0" * 64)
        with Image.open(path) as image:
            assert image.width == WIDTH and 1.40 < image.height / image.width < 1.43  # A5 portrait
            assert image.text[SOURCE_KEY] == entry["sha256"]
            assert png_size(data[:24]) == image.size
            # the cover band in the institution's primary colour, near the top
            assert image.convert("RGB").getpixel((WIDTH // 2, round(image.height * 0.2))) != (255, 255, 255)


def test_a_folder_lists_the_folders_it_links_to(dist, page):
    page.goto((dist / "westerhaven/index.html").as_uri())
    listing = page.locator(".listing", has=page.locator("h2", has_text="Vertebroplastiek"))
    related = listing.locator(".related a")
    assert related.all_inner_texts() == ["Herstellen van een wervelbreuk"]
    assert related.get_attribute("href") == "wervelfractuur.html"


def rendered(writer, scope, entries, institution_ids, corpus):
    """Every page the index writer plans for `scope`, rendered from manifest `entries` (each with its
    manifest's path as "publication"), as a build would from its state."""
    from folderpers.writers.published import Published
    by_manifest = {}
    for entry in entries:
        by_manifest.setdefault(entry["publication"], []).append(entry)
    publications = [Published.of(manifest, "", group[0], {entry["kind"]: entry["path"] for entry in group})
                    for manifest, group in sorted(by_manifest.items())]
    return [writer.render(plan, by_manifest.__getitem__, NothingKept())
            for plan in writer.plan(scope, publications, institution_ids, corpus)]


class NothingKept:
    """No page made before: every listing is rendered."""

    salt = b""

    def digest(self, manifest):
        return None

    def fragments(self, page):
        return {}

    def keep(self, page, fragments):
        pass


def test_links_from_names_are_url_encoded(tmp_project):
    """Names needing percent-encoding cannot pass the name rule; entries with such names (an older
    manifest) still give links that are one path each and resolve to their file."""
    from urllib.parse import urljoin

    from folderpers.render.theme import Theme
    from folderpers.source.corpus import Corpus
    from folderpers.writers.index_page import IndexWriter

    tmp_project.folder("demo")
    assert build(tmp_project.project, options(formats=("web",), institutions=("alpha",))).ok
    entries = [{**entry, "publication": manifest} for manifest, entry in read_manifest(tmp_project.root / "dist")]
    unsafe = "een map#1?x=%2e ë"
    for language, entry in (("nl", entries[0]), ("en", dict(entries[0]))):
        stem = f"{unsafe}{'' if language == 'nl' else '.en'}"
        entry.update(folder=unsafe, language=language, institution="al pha%", path=f"al pha%/{stem}.html",
                     publication=f"al pha%/{stem}.manifest.json")
        if entry not in entries:
            entries.append(entry)

    writer, corpus = IndexWriter(Theme(tmp_project.project)), Corpus(tmp_project.project)
    pages = [*rendered(writer, None, entries, ["al pha%", "alpha"], corpus),
             *rendered(writer, "al pha%", [entry for entry in entries if entry["institution"] == "al pha%"],
                       ["al pha%", "alpha"], corpus)]
    for page in pages:
        base = f"file:///dist/{page.path}"
        resolved = set()
        for href in hrefs(page.data.decode()):
            parts = urlsplit(urljoin(base, href))
            assert not parts.query and not parts.fragment, href
            resolved.add(unquote(parts.path))
        assert {f"/dist/al pha%/{unsafe}.html", f"/dist/al pha%/{unsafe}.en.html"} <= resolved, (page.path, resolved)


def test_only_the_pages_of_institutions_whose_publications_changed_are_made_again(tmp_project):
    tmp_project.folder("gedeeld")
    tmp_project.folder("alleen-alpha", MINIMAL_FOLDER + "institutions: [alpha]\n")
    assert build(tmp_project.project, options(formats=("web", "index"))).ok
    dist = tmp_project.root / "dist"
    pages = ("index.html", "alpha/index.html", "beta/index.html")

    def stamps():
        return {page: ((dist / page).stat().st_mtime_ns, (dist / page).stat().st_ino) for page in pages}
    before = stamps()
    source = tmp_project.root / "folders/alleen-alpha/folder.yaml"
    source.write_text(source.read_text().replace("version: 1.2", "version: 1.3"))
    report = heard_build(tmp_project.project, options(formats=("web", "index")))
    statuses = {outcome.subject.removeprefix("dist/"): outcome.status for outcome in report.outcomes}
    assert [statuses[page] for page in pages] == ["built", "built", "unchanged"]
    after = stamps()
    assert after["beta/index.html"] == before["beta/index.html"]  # not even rendered: decided from the store
    assert after["alpha/index.html"] != before["alpha/index.html"] and after["index.html"] != before["index.html"]
    assert "1.3" in (dist / "alpha/index.html").read_text()


def test_the_page_of_an_institution_with_no_outputs_left_is_removed(tmp_project):
    tmp_project.folder("alleen-alpha", MINIMAL_FOLDER + "institutions: [alpha]\n")
    assert build(tmp_project.project, options(formats=("web", "index"))).ok
    dist = tmp_project.root / "dist"
    assert (dist / "alpha/index.html").is_file()
    (dist / "alpha/alleen-alpha.html").unlink()
    report = build(tmp_project.project, options(formats=("index",)))
    assert report.ok and not (dist / "alpha/index.html").exists() and (dist / "index.html").is_file()


# -- a large index, split into parts ---------------------------------------------------------------

def test_a_large_index_is_split_into_parts_that_list_each_folder_once_in_order(split_project, monkeypatch):
    from folderpers.project import Project
    from folderpers.writers import index_page

    assert build(split_project.project, options(formats=("web", "index"))).ok
    dist = split_project.root / "dist"
    whole = split_project.root / "whole"
    monkeypatch.setattr(index_page, "PAGE_LISTINGS", 1000)
    assert build(Project(split_project.root, output=whole), options(formats=("web", "index"))).ok
    for page, count in (("index.html", 18), ("alpha/index.html", 9), ("beta/index.html", 9)):
        parts = parts_of(dist, page)
        assert len(parts) >= 3 and all("/a_z/" in f"/{part}" for part in parts)
        in_parts = [listed_titles(dist / part) for part in parts]
        # each part at most three listings, unless they are of one title ("Bloedafname" twice per institution)
        assert all(len(titles) <= 3 or len(set(titles)) == 1 for titles in in_parts), in_parts
        assert [title for titles in in_parts for title in titles] == listed_titles(whole / page)  # once, in order
        assert len(listed_titles(whole / page)) == count
        # by title without accents or case: "Éénmalige" after "Echo"
        assert list(dict.fromkeys(listed_titles(whole / page))) == [
            "Aambeien", "Blaasonderzoek", "Bloedafname", "Cataract", "Echo van de buik", "Éénmalige katheter", "Knie",
            "Zwangerschap"]
        for part in parts:  # back to the overview, and on to the neighbours, by links that resolve
            text = (dist / part).read_text("utf-8")
            assert "Alle delen, A tot Z" in text and "/__" not in text
            for href in hrefs(text):
                assert (dist / part).parent.joinpath(unquote(href)).resolve().is_file(), (part, href)
    assert not (whole / "a_z").exists()  # below the limit: one page, as before


def test_an_edit_remakes_only_the_parts_that_show_it_and_renders_only_its_listings(split_project, monkeypatch):
    from folderpers.project import Project
    from folderpers.writers.index_page import IndexWriter

    assert build(split_project.project, options(formats=("web", "index"))).ok
    dist = split_project.root / "dist"
    source = split_project.root / "folders/map-7/folder.yaml"  # "Knie"
    source.write_text(source.read_text("utf-8").replace("version: 1.2", "version: 1.3"), "utf-8")
    rendered_titles = []
    listing = IndexWriter._listing

    def counted(self, files, *args):
        rendered_titles.append(next(iter(files.values()))["title"])
        return listing(self, files, *args)
    monkeypatch.setattr(IndexWriter, "_listing", counted)
    heard = heard_build(split_project.project, options(formats=("web", "index")))
    assert heard.ok
    # its listing on the page of all (alpha's and beta's) and on its institution's: the others are kept
    assert rendered_titles == ["Knie"] * 4
    built = {outcome.subject.removeprefix("dist/") for outcome in heard.outcomes if outcome.status == "built"}
    pages = {name for name in built if name.endswith(".html") and ("a_z/" in name or name.endswith("index.html"))}
    showing = {part for overview in ("index.html", "alpha/index.html", "beta/index.html")
               for part in parts_of(dist, overview) if "Knie" in listed_titles(dist / part)}
    assert len(showing) == 3 and pages == showing, pages  # not the overviews, not the other parts
    assert "1.3" in next(text for text in ((dist / part).read_text("utf-8") for part in showing))
    # the same pages, byte for byte, as a build from scratch
    fresh = split_project.root / "fresh"
    assert build(Project(split_project.root, output=fresh), options(formats=("web", "index"))).ok
    made = sorted(path.relative_to(dist) for path in dist.rglob("*.html"))
    assert made == sorted(path.relative_to(fresh) for path in fresh.rglob("*.html"))
    assert all((dist / name).read_bytes() == (fresh / name).read_bytes() for name in made)
    assert_fragments_are_those_shown(dist)


def test_a_changed_listing_template_renders_every_listing_anew(split_project):
    assert build(split_project.project, options(formats=("web", "index"))).ok
    template = split_project.root / "templates/index-listing.html"
    template.write_text(template.read_text("utf-8").replace("Verwante folders", "Zie ook"), "utf-8")
    assert build(split_project.project, options(formats=("web", "index"))).ok
    dist = split_project.root / "dist"
    texts = [(dist / part).read_text("utf-8") for part in parts_of(dist, "index.html")]
    assert "Verwante folders" not in "".join(texts) and "Zie ook" in "".join(texts)


def test_a_title_edit_moves_the_folder_and_leaves_no_stale_part(split_project):
    from folderpers.project import Project

    assert build(split_project.project, options(formats=("web", "index"))).ok
    dist = split_project.root / "dist"
    source = split_project.root / "folders/map-0/folder.yaml"  # "Aambeien" -> the end of the alphabet
    source.write_text(source.read_text("utf-8").replace("title: Aambeien", "title: Zweetvoeten"), "utf-8")
    assert build(split_project.project, options(formats=("web", "index"))).ok
    fresh = split_project.root / "fresh"
    assert build(Project(split_project.root, output=fresh), options(formats=("web", "index"))).ok
    made = sorted(str(path.relative_to(dist)) for path in dist.rglob("*.html"))
    assert made == sorted(str(path.relative_to(fresh)) for path in fresh.rglob("*.html"))
    assert all((dist / name).read_bytes() == (fresh / name).read_bytes() for name in made)
    assert "Zweetvoeten" in listed_titles(dist / parts_of(dist, "index.html")[-1])
    assert_fragments_are_those_shown(dist)


def test_a_part_deleted_by_hand_is_made_again_alone(split_project):
    assert build(split_project.project, options(formats=("web", "index"))).ok
    dist = split_project.root / "dist"
    part = parts_of(dist, "alpha/index.html")[1]
    original = (dist / part).read_bytes()
    (dist / part).unlink()
    heard = heard_build(split_project.project, options(formats=("web", "index")))
    assert heard.ok
    assert [outcome.subject for outcome in heard.outcomes if outcome.status == "built"] == [f"dist/{part}"]
    assert (dist / part).read_bytes() == original


def test_an_index_that_shrinks_below_the_limit_is_one_page_again(split_project, monkeypatch):
    from folderpers.writers import index_page

    assert build(split_project.project, options(formats=("web", "index"))).ok
    dist = split_project.root / "dist"
    assert (dist / "a_z").is_dir() and (dist / "alpha/a_z").is_dir()
    monkeypatch.setattr(index_page, "PAGE_LISTINGS", 1000)  # as a new version would (its pipeline differs)
    assert build(split_project.project, options(formats=("web", "index"), force=True)).ok
    assert not list(dist.rglob("a_z")), "the parts and their directories are removed"
    assert len(listed_titles(dist / "index.html")) == 18 and len(listed_titles(dist / "alpha/index.html")) == 9


@pytest.mark.parametrize("page_name", ["index.html", "first part"])
def test_the_overview_and_a_part_pass_axe_core_and_fit_a_phone(split_project, browser, page_name):
    assert build(split_project.project, options(formats=("web", "index"))).ok
    dist = split_project.root / "dist"
    name = parts_of(dist, "alpha/index.html")[0] if page_name == "first part" else "alpha/index.html"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((dist / name).as_uri())
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        for width in (320, 390, 768):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
    finally:
        context.close()


def test_parts_are_runs_of_sorted_keys_decided_by_the_keys_alone():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from folderpers.writers.index_page import _file_name, _parts

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.text(alphabet="aab cé1ف", min_size=1, max_size=6), max_size=60), st.integers(1, 8))
    def check(words, limit):
        keys = tuple(sorted(words))
        runs = _parts(keys, limit)
        assert [index for start, end in runs for index in range(start, end)] == list(range(len(keys)))
        assert all(end - start <= limit or keys[start] == keys[end - 1] for start, end in runs)
        assert all(keys[end - 1] != keys[end] for _, end in runs[:-1])  # one key is never cut
        names = [_file_name(keys, start) for start, _ in runs]
        assert len(set(names)) == len(names) and all(set(name) <= set("abcdef0123456789_-") or name.isalnum()
                                                     for name in names)
        assert _parts(keys, limit) == runs
    check()
