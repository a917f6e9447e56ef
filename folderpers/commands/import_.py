"""`build.py import SOURCE... [--slug S] [--institution ID] [--force]`: existing folders (Word,
web pages, PDF, text copied from a PDF) → folders/<slug>/folder.yaml, to be reviewed by a person.

The imported folder validates against the schema but carries `imported:`, which the loader refuses
until a person has gone through its `# REVIEW:` comments and deleted that line: an import is never
published by accident.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import phonenumbers

from folderpers.errors import FolderpersError, Location, Problem
from folderpers.importers.errors import ImportRefusedError
from folderpers.importers.localise import Registry
from folderpers.importers.mapping import ImportedFolder, map_document, node_lines
from folderpers.importers.read import read_document
from folderpers.importers.tree import Document
from folderpers.importers.writer import write_folder
from folderpers.model.institution import Institution
from folderpers.project import Project
from folderpers.source.corpus import Corpus

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ImportResult:
    source: Path
    folder_yaml: Path
    report: Path
    reviews: int
    folder: ImportedFolder


def main(project: Project, args: argparse.Namespace) -> int:
    sources = [Path(source) for source in args.sources]
    if args.slug and len(sources) > 1:
        raise ImportRefusedError(Problem(Location(Path(args.slug)), "--slug names one folder, but several sources "
                                         "were given", "import the sources one by one, or leave out --slug"))
    failed = 0
    for source in sources:
        try:
            result = import_source(project, source, slug=args.slug, institution_id=_wanted_institution(args),
                                   force=args.force)
        except FolderpersError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
            continue
        shown = _shown(result.folder_yaml, project.root)
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.folder.recognised.items()))
        print(f"imported {source} -> {shown} ({counts}); to review: {result.reviews}, dropped: "
              f"{len(result.folder.dropped)}; see {_shown(result.report, project.root)}")
    if failed:
        print(f"{failed} of {len(sources)} sources not imported; nothing was written for them", file=sys.stderr)
    return 1 if failed else 0


def import_source(project: Project, source: Path, *, slug: str | None = None, institution_id: str | None = None,
                  force: bool = False) -> ImportResult:
    """Import one source file into folders/<slug>/; raise a FolderpersError (nothing written) when it cannot."""
    slug = slug or slug_for(source)
    if not SLUG.fullmatch(slug):
        raise ImportRefusedError(Problem(Location(source), f"{slug!r} cannot be a folder name",
                                         "give --slug with lowercase letters, digits and single hyphens"))
    directory = project.folders / slug
    if directory.exists() and not force:
        raise ImportRefusedError(Problem(Location(directory), "this folder already exists",
                                         "choose another name with --slug, or replace it with --force"))
    institutions = _institutions(Corpus(project), institution_id)
    document = read_document(source)
    chosen = _choose_institution(institutions, institution_id, document_text=_all_text(document))
    registry = Registry(list(institutions.values()), chosen)
    prefixes = tuple(sorted({institution.code_prefix for institution in institutions.values()}, key=len, reverse=True))
    folder = map_document(document, registry, prefixes)
    folder_yaml, report, reviews = write_folder(folder, directory, force=force)
    return ImportResult(source, folder_yaml, report, len(reviews), folder)


def slug_for(source: Path) -> str:
    """A folder name from a file name: 'Vertebroplastiek (v2).docx' -> 'vertebroplastiek-v2'."""
    ascii_name = unicodedata.normalize("NFKD", source.stem).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-") or "geimporteerd"


def _wanted_institution(args: argparse.Namespace) -> str | None:
    """--institution, given after `import` (one id) or before it (where the build's option may repeat)."""
    wanted = getattr(args, "institution", None)
    if isinstance(wanted, list):
        if len(wanted) > 1:
            raise ImportRefusedError(Problem(Location(Path(wanted[-1])), "--institution names more than one "
                                             "institution", "import for one institution at a time"))
        return wanted[0] if wanted else None
    return wanted


def _institutions(corpus: Corpus, wanted: str | None) -> dict[str, Institution]:
    """The institutions whose registries can be used: every one that loads (the wanted one must)."""
    if wanted in corpus.all_institution_ids:
        corpus.institution(wanted)  # its errors, if it has any, are the import's
    return {key: loaded for key, loaded in corpus.institutions().items() if isinstance(loaded, Institution)}


def _choose_institution(institutions: dict[str, Institution], wanted: str | None,
                        document_text: str) -> Institution | None:
    """The institution asked for; else the one whose name the document uses most; else the one whose
    registry has most of the document's phone numbers; else none."""
    if wanted:
        if wanted not in institutions:
            raise ImportRefusedError(Problem(Location(Path("institutions") / wanted), f"no institution {wanted!r}",
                                             f"choose one of: {', '.join(sorted(institutions)) or '(none)'}"))
        return institutions[wanted]
    for count in (lambda institution: document_text.count(institution.name),
                  lambda institution: _registry_numbers(institution, document_text)):
        counts = {key: count(institution) for key, institution in institutions.items()}
        best = max(sorted(counts), key=lambda key: counts[key], default=None)
        if best is not None and counts[best]:
            return institutions[best]
    return None


def _registry_numbers(institution: Institution, text: str) -> int:
    """How many phone numbers in `text` are in the institution's registry."""
    known = {institution.phone.uri, *(contact.phone.uri for contact in institution.contacts.values())}
    return sum(1 for match in phonenumbers.PhoneNumberMatcher(text, institution.country)
               if phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.RFC3966) in known)


def _all_text(document: Document) -> str:
    return "\n".join([*(line for node in document.nodes for line in node_lines(node)), *document.running_text,
                      *document.properties.values()])


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
