"""The manifest (folderpers-manifest/3): an index of publications, one manifest per publication with
every output's checksum, document facts and hashes of all its inputs; rewritten only where changed."""

import hashlib
import json
import shutil
import subprocess
import sys

import jsonschema
import pytest

from folderpers.build import manifest
from folderpers.build.manifest import MANIFEST_NAME
from folderpers.build.pipeline import build
from folderpers.build.state import STATE_NAME

from support import MINIMAL_FOLDER, REPO, options

INDEX_SCHEMA = json.loads((REPO / "schemas/manifest.schema.json").read_text())
PUBLICATION_SCHEMA = json.loads((REPO / "schemas/publication-manifest.schema.json").read_text())


def read_manifest(tmp_project):
    """Every output entry, as an intranet consumer reads them: the index, then each publication's manifest
    (checked against its sha256 in the index), each file validated against its schema."""
    dist = tmp_project.root / "dist"
    index = json.loads((dist / MANIFEST_NAME).read_text())
    jsonschema.validate(index, INDEX_SCHEMA)
    outputs = []
    for record in index["publications"]:
        data = (dist / record["manifest"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == record["sha256"]
        document = json.loads(data)
        jsonschema.validate(document, PUBLICATION_SCHEMA)
        outputs.extend(document["outputs"])
    assert outputs == [entry | {"inputs": {name: digest for name, digest in entry["inputs"].items()
                                           if not name.startswith(("templates/", "styles/"))}}
                       for _, entry in manifest.read_manifest(dist) for entry in [_without_pipeline(entry)]]
    return {"index": index, "outputs": [_with_theme(entry, index) for entry in outputs]}


def _without_pipeline(entry):
    entry = dict(entry)
    del entry["pipeline"]
    return entry


def _with_theme(entry, index):
    """An output's entry with its theme's inputs merged in, as the consumer sees all that made it."""
    theme = next(theme for theme in index["themes"] if theme["id"] == entry["theme"])
    return entry | {"inputs": {**theme["inputs"], **entry["inputs"]}, "pipeline": theme["pipeline"]}


def manifest_files(dist):
    """Every manifest file with what shows a write: modification time and inode."""
    return {str(path.relative_to(dist)): (path.stat().st_mtime_ns, path.stat().st_ino)
            for path in dist.rglob("*manifest.json")}


def test_manifest_lists_every_output_with_checksums_and_inputs(tmp_project):
    tmp_project.folder("demo", MINIMAL_FOLDER.replace("blocks:", "changes:\n  - version: 1.2\n    date: 2026-01-10\n"
                                                       "    what: Eerste versie.\nblocks:") +
                       "  - include: verhinderd\n  - figure: plaatje.svg\n    alt: Een blauw vlak.\n")
    (tmp_project.root / "folders/demo/plaatje.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    tmp_project.write("snippets/verhinderd.yaml", "blocks:\n  - text: Bel {phone:poli}.\n")
    assert build(tmp_project.project, options(formats=("pdf", "web"))).ok
    manifest = read_manifest(tmp_project)
    entries = {entry["path"]: entry for entry in manifest["outputs"]}
    assert sorted(entries) == ["alpha/demo.html", "alpha/demo.pdf", "alpha/thumbs/demo.png", "beta/demo.html",
                               "beta/demo.pdf", "beta/thumbs/demo.png"]
    assert [record["manifest"] for record in manifest["index"]["publications"]] == [
        "alpha/demo.manifest.json", "beta/demo.manifest.json"]
    assert len(manifest["index"]["themes"]) == 1  # the theme's digests once, not in every entry
    assert "templates/folder.html" not in json.loads((tmp_project.root / "dist/beta/demo.manifest.json").read_text(
        ))["outputs"][0]["inputs"]
    pdf = entries["beta/demo.pdf"]
    data = (tmp_project.root / "dist/beta/demo.pdf").read_bytes()
    assert pdf["sha256"] == hashlib.sha256(data).hexdigest() and pdf["bytes"] == len(data) and pdf["pages"] >= 1
    assert (pdf["code"], pdf["version"], pdf["approved"], pdf["review"]) == ("BMC-TST-001", "1.2", "2026-01-10", "2028-01-10")
    assert pdf["institution"] == "beta" and pdf["language"] == "nl" and pdf["kind"] == "pdf"
    assert pdf["changes"] == [{"version": "1.2", "date": "2026-01-10", "what": "Eerste versie."}]
    assert {"folders/demo/folder.yaml", "folders/demo/plaatje.svg", "snippets/verhinderd.yaml",
            "institutions/beta/institution.yaml", "institutions/beta/logo.svg", "templates/folder.html",
            "templates/blocks/text.html", "templates/labels/nl.yaml", "styles/folder.css"} <= set(pdf["inputs"])
    assert pdf["inputs"]["folders/demo/folder.yaml"] == hashlib.sha256(
        (tmp_project.root / "folders/demo/folder.yaml").read_bytes()).hexdigest()
    assert "institutions/alpha/institution.yaml" not in pdf["inputs"]
    assert entries["beta/demo.html"]["pages"] is None


def test_input_hash_changes_with_any_input_and_only_then(tmp_project):
    tmp_project.folder("demo")
    build(tmp_project.project, options(formats=("web",)))
    first = {e["path"]: e["inputs_sha256"] for e in read_manifest(tmp_project)["outputs"]}
    build(tmp_project.project, options(formats=("web",)))
    assert {e["path"]: e["inputs_sha256"] for e in read_manifest(tmp_project)["outputs"]} == first
    path = tmp_project.root / "institutions/alpha/institution.yaml"
    path.write_text(path.read_text().replace("088-1110001", "088-1110002"))
    build(tmp_project.project, options(formats=("web",)))
    second = {e["path"]: e["inputs_sha256"] for e in read_manifest(tmp_project)["outputs"]}
    assert second["alpha/demo.html"] != first["alpha/demo.html"]
    assert second["beta/demo.html"] == first["beta/demo.html"]


def test_a_partial_build_keeps_the_other_entries_and_gone_files_are_dropped(tmp_project):
    tmp_project.folder("een")
    tmp_project.folder("twee")
    build(tmp_project.project, options(formats=("web",)))
    build(tmp_project.project, options(formats=("web",), folders=("een",)))
    assert len(read_manifest(tmp_project)["outputs"]) == 4
    (tmp_project.root / "dist/beta/twee.html").unlink()
    build(tmp_project.project, options(formats=("web",), folders=("een",)))
    assert sorted(e["path"] for e in read_manifest(tmp_project)["outputs"]) == [
        "alpha/een.html", "alpha/twee.html", "beta/een.html"]
    assert not (tmp_project.root / "dist/beta/twee.manifest.json").exists()  # no output left: its manifest goes
    shutil.rmtree(tmp_project.root / "dist/alpha")  # a whole directory gone: een's is made again, twee's dropped
    build(tmp_project.project, options(formats=("web",), folders=("een",)))
    assert sorted(e["path"] for e in read_manifest(tmp_project)["outputs"]) == ["alpha/een.html", "beta/een.html"]


def test_an_unreadable_manifest_is_rebuilt(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{ not json")
    assert list(manifest.read_manifest(tmp_path)) == []


def test_print_outputs_record_the_cmyk_profile_as_an_input(tmp_project):
    tmp_project.folder("demo")
    assert build(tmp_project.project, options(formats=("print",))).ok
    entries = {entry["path"]: entry for entry in read_manifest(tmp_project)["outputs"]}
    beta = entries["beta/print/BMC-TST-001_v1.2_demo.pdf"]  # beta gives CMYK colours, alpha does not
    assert beta["kind"] == "print-pdf" and any(i.endswith("prepress/icc/FOGRA39.icc") for i in beta["inputs"])
    assert entries["beta/print/BMC-TST-001_v1.2_demo_booklet.pdf"]["kind"] == "booklet"
    assert entries["beta/print/BMC-TST-001_v1.2_demo_preflight.json"]["kind"] == "preflight"
    assert not any("icc" in name for name in entries["alpha/print/ALF-TST-001_v1.2_demo.pdf"]["inputs"])


def test_only_the_manifests_of_rebuilt_publications_are_written_again(tmp_project):
    tmp_project.folder("een")
    tmp_project.folder("twee")
    assert build(tmp_project.project, options(formats=("web",))).ok
    dist = tmp_project.root / "dist"
    before = manifest_files(dist)
    assert sorted(before) == ["alpha/een.manifest.json", "alpha/twee.manifest.json", "beta/een.manifest.json",
                              "beta/twee.manifest.json", MANIFEST_NAME]
    assert build(tmp_project.project, options(formats=("web",))).ok
    assert manifest_files(dist) == before  # a no-op writes no manifest file
    path = tmp_project.root / "folders/een/folder.yaml"
    path.write_text(path.read_text().replace("version: 1.2", "version: 1.3"))
    assert build(tmp_project.project, options(formats=("web",))).count("built") == 2
    after = manifest_files(dist)
    assert {name for name in before if after[name] != before[name]} == {
        "alpha/een.manifest.json", "beta/een.manifest.json", MANIFEST_NAME}
    assert {record["version"] for record in read_manifest(tmp_project)["index"]["publications"]
            if record["folder"] == "een"} == {"1.3"}


def test_the_same_inputs_give_byte_identical_manifests(tmp_project):
    tmp_project.folder("een")
    assert build(tmp_project.project, options(formats=("web",))).ok
    dist = tmp_project.root / "dist"
    first = {name: (dist / name).read_bytes() for name in manifest_files(dist)}
    for name in [*first, STATE_NAME]:
        (dist / name).unlink()
    assert build(tmp_project.project, options(formats=("web",), force=True)).ok
    assert {name: (dist / name).read_bytes() for name in manifest_files(dist)} == first


def test_a_dist_with_a_manifest_of_format_2_is_taken_over_and_its_manifests_written_anew(tmp_project):
    """As a dist/ was before this format: one manifest.json with every entry (the theme's inputs and the
    pipeline in each), thumbnails made by the index; nothing is rendered again, the new files are written."""
    tmp_project.folder("demo")
    assert build(tmp_project.project, options(formats=("pdf", "web"), institutions=("alpha",))).ok
    dist = tmp_project.root / "dist"
    entries = [entry for _, entry in manifest.read_manifest(dist) if entry["kind"] != "thumbnail"]
    for name in [*manifest_files(dist), STATE_NAME]:
        (dist / name).unlink()
    old = {"format": "folderpers-manifest/2", "outputs": entries}
    (dist / MANIFEST_NAME).write_text(json.dumps(old, indent=2, ensure_ascii=False) + "\n")
    outputs = {path: path.stat().st_mtime_ns for path in dist.rglob("*") if path.suffix in (".pdf", ".png", ".html")}
    report = build(tmp_project.project, options(formats=("pdf", "web"), institutions=("alpha",)))
    assert report.ok and report.count("built") == 0 and report.count("unchanged") == 3
    assert {path: path.stat().st_mtime_ns for path in outputs} == outputs  # not rendered or written again
    assert sorted(e["path"] for e in read_manifest(tmp_project)["outputs"]) == [
        "alpha/demo.html", "alpha/demo.pdf", "alpha/thumbs/demo.png"]  # the thumbnail taken over as the PDF's


def test_the_thumbnail_is_made_in_the_worker_and_the_parent_never_imports_pypdfium2(tmp_project, tmp_path):
    tmp_project.folder("demo")
    made_in = tmp_path / "thumbnail-pids"
    script = f"""
import json, os, sys
from datetime import date
from folderpers.build.pipeline import BuildOptions, build
from folderpers.project import Project
from folderpers.source.review import ReviewPolicy
from folderpers.writers import screen_pdf
render_thumbnail = screen_pdf.render_thumbnail
def noting_the_process(*args, **kwargs):  # runs where the thumbnail is made: note which process that is
    with open({str(made_in)!r}, "a") as file:
        file.write(f"{{os.getpid()}}\\n")
    return render_thumbnail(*args, **kwargs)
screen_pdf.render_thumbnail = noting_the_process
report = build(Project({str(tmp_project.root)!r}), BuildOptions(formats=("pdf",), institutions=("alpha",), jobs=1,
                                                          policy=ReviewPolicy(date(2026, 6, 1))))
print(json.dumps({{"ok": report.ok, "parent": os.getpid(), "pypdfium2": "pypdfium2" in sys.modules}}))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    facts = json.loads(result.stdout.splitlines()[-1])
    assert facts["ok"] and not facts["pypdfium2"]
    pids = [int(line) for line in made_in.read_text().split()]
    assert len(pids) == 1 and pids[0] != facts["parent"]
    assert (tmp_project.root / "dist/alpha/thumbs/demo.png").read_bytes().startswith(b"\x89PNG")


def test_a_build_cut_short_before_its_manifests_leaves_them_to_the_next(tmp_project, monkeypatch):
    from folderpers.build import pipeline
    tmp_project.folder("een")
    assert build(tmp_project.project, options(formats=("web",))).ok
    path = tmp_project.root / "folders/een/folder.yaml"
    path.write_text(path.read_text().replace("version: 1.2", "version: 1.3"))

    def cut_short(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "write_manifests", cut_short)
    with pytest.raises(KeyboardInterrupt):
        build(tmp_project.project, options(formats=("web",)))
    monkeypatch.undo()
    report = build(tmp_project.project, options(formats=("web",)))
    assert report.ok and report.count("built") == 0  # the outputs were recorded: only the manifests are written
    assert {record["version"] for record in read_manifest(tmp_project)["index"]["publications"]} == {"1.3"}
