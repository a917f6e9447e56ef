"""`build.py` as a command: a no-op build imports only what it needs."""

import json
import subprocess
import sys

from support import REPO, TODAY

# What a build with nothing to do must not import: the renderers, parsers and the terminal UI.
HEAVY = ("jinja2", "jsonschema", "weasyprint", "rich", "markdown_it", "phonenumbers", "pypdfium2", "segno", "PIL",
         "yaml", "pikepdf", "pypdf", "multiprocessing", "folderpers.writers.base", "folderpers.model.blocks")
_RUN = """
import json, sys
from pathlib import Path
from folderpers.cli import main
code = main(sys.argv[2:], root=Path(sys.argv[1]))
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_a_no_op_build_imports_none_of_the_heavy_modules(dist):
    # the examples' dist/ (built by the session fixture): a no-op as a user runs it, output to a pipe
    result = subprocess.run([sys.executable, "-c", _RUN, str(REPO), "--today", TODAY.isoformat(),
                             "--output", str(dist)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert " 0 built, " in f" {lines[-2]}" and " 0 failed" in lines[-2], lines[-2]  # the summary: a no-op
    figures = json.loads(lines[-1])
    assert figures["code"] == 0
    imported = set(figures["modules"])
    assert "folderpers.build.pipeline" in imported  # it did build
    assert not [name for name in HEAVY if name in imported], sorted(name for name in HEAVY if name in imported)


def test_the_writer_registry_names_each_writer_by_its_kind():
    from folderpers.writers import COLLECTION_KINDS, COLLECTION_WRITERS, KINDS, WRITERS
    assert {kind: writer.kind for kind, writer in {**WRITERS, **COLLECTION_WRITERS}.items()} == {
        kind: kind for kind in KINDS}
    assert tuple(COLLECTION_WRITERS) == COLLECTION_KINDS
