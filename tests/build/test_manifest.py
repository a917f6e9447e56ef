"""The manifest: every output with checksum, document facts and hashes of all its inputs."""

import hashlib
import json

import jsonschema

from folderpers.build import manifest
from folderpers.build.manifest import MANIFEST_NAME
from folderpers.build.pipeline import build

from support import MINIMAL_FOLDER, REPO, options

SCHEMA = json.loads((REPO / "schemas/manifest.schema.json").read_text())


def read_manifest(tmp_project):
    return json.loads((tmp_project.root / "dist" / MANIFEST_NAME).read_text())


def test_manifest_lists_every_output_with_checksums_and_inputs(tmp_project):
    tmp_project.folder("demo", MINIMAL_FOLDER.replace("blocks:", "changes:\n  - version: 1.2\n    date: 2026-01-10\n"
                                                       "    what: Eerste versie.\nblocks:") +
                       "  - include: verhinderd\n  - figure: plaatje.svg\n    alt: Een blauw vlak.\n")
    (tmp_project.root / "folders/demo/plaatje.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    tmp_project.write("snippets/verhinderd.yaml", "blocks:\n  - text: Bel {phone:poli}.\n")
    assert build(tmp_project.project, options(formats=("pdf", "web"))).ok
    manifest = read_manifest(tmp_project)
    jsonschema.validate(manifest, SCHEMA)
    entries = {entry["path"]: entry for entry in manifest["outputs"]}
    assert sorted(entries) == ["alpha/demo.html", "alpha/demo.pdf", "beta/demo.html", "beta/demo.pdf"]
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


def test_an_unreadable_manifest_is_rebuilt(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{ not json")
    assert manifest.read_manifest(tmp_path) == []


def test_print_outputs_record_the_cmyk_profile_as_an_input(tmp_project):
    tmp_project.folder("demo")
    assert build(tmp_project.project, options(formats=("print",))).ok
    entries = {entry["path"]: entry for entry in read_manifest(tmp_project)["outputs"]}
    beta = entries["beta/print/BMC-TST-001_v1.2_demo.pdf"]  # beta gives CMYK colours, alpha does not
    assert beta["kind"] == "print-pdf" and any(i.endswith("prepress/icc/FOGRA39.icc") for i in beta["inputs"])
    assert entries["beta/print/BMC-TST-001_v1.2_demo_booklet.pdf"]["kind"] == "booklet"
    assert entries["beta/print/BMC-TST-001_v1.2_demo_preflight.json"]["kind"] == "preflight"
    assert not any("icc" in name for name in entries["alpha/print/ALF-TST-001_v1.2_demo.pdf"]["inputs"])
