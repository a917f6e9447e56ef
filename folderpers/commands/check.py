"""`build.py check`: content lint and B1 readability of every folder, PDF/UA checks and axe-core
on the built outputs; a table per folder and institution, dist/check-report.json and .html.
`build.py check FILE.pdf DIR …`: any PDF files instead (checks/pdf_file.py), in the same reports.

Errors make the command exit with status 1; warnings do not. A warning silenced on purpose
(`checks: ignore:` in a folder or snippet) is left out, and an entry that silences nothing is
itself a warning, so silences do not outlive their reason.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from folderpers.build.publish import publish
from folderpers.checks import coverage
from folderpers.checks.config import ChecksConfig, load_checks_config
from folderpers.checks.findings import Finding
from folderpers.checks.lint import lint_passages, lint_structure
from folderpers.checks.pdf_file import CheckedPdf, check_file, pdf_files
from folderpers.checks.pdf_ua import check_pdf
from folderpers.checks.readability import Readability, readability
from folderpers.checks.web import WebChecker
from folderpers.errors import FolderpersError, Location, Problem, display_path
from folderpers.model.blocks import Variation
from folderpers.model.folder import Folder, Ignore, Snippet
from folderpers.model.institution import Institution
from folderpers.model.publication import Publication
from folderpers.project import Project
from folderpers.render.theme import Theme
from folderpers.source.corpus import Corpus, Selection
from folderpers.writers import WRITERS

REPORT_JSON = "check-report.json"
REPORT_HTML = "check-report.html"
READABILITY_LANGUAGES = ("nl",)  # Flesch-Douma and the syllable counts are for Dutch
CHECKED_KINDS = ("pdf", "web")  # the outputs readers get: PDF/UA for paged ones, axe-core for pages
T = TypeVar("T")


@dataclass(frozen=True)
class CheckOptions:
    institutions: tuple[str, ...] = ()  # empty: all
    folders: tuple[str, ...] = ()  # slugs; empty: all
    outputs: bool = True  # also check the built PDFs and web pages in dist/


@dataclass(frozen=True)
class Row:
    """One folder for one institution: its scores and which files its findings are about."""

    folder: Folder
    institution: str
    files: frozenset[Path]  # sources (folder, snippets, institution) and outputs
    readability: Readability | None
    outputs: tuple[Path, ...]


@dataclass
class CheckReport:
    rows: list[Row] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    silenced: int = 0
    files: list[CheckedPdf] = field(default_factory=list)  # `check FILE.pdf …`: the files checked
    gaps: list[coverage.Gap] = field(default_factory=list)  # what each institution lacks
    variations: list[Variation] = field(default_factory=list)  # where text differs per institution
    institutions: list[str] = field(default_factory=list)

    def count(self, severity: str, files: frozenset[Path] | None = None) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity
                   and (files is None or Path(finding.location.path) in files))

    @property
    def ok(self) -> bool:
        return self.count("error") == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "folderpers-check-report/1",
            "errors": self.count("error"), "warnings": self.count("warning"), "silenced": self.silenced,
            "publications": [{
                "folder": display_path(row.folder.source), "slug": row.folder.slug, "language": row.folder.language,
                "institution": row.institution, "errors": self.count("error", row.files),
                "warnings": self.count("warning", row.files),
                "outputs": [display_path(path) for path in row.outputs],
                "readability": row.readability.to_json() if row.readability else None,
            } for row in self.rows],
            "findings": [finding.to_json() for finding in self.findings],
            "coverage": coverage.to_json(self.gaps),
            "variations": [{"location": str(v.location), "what": v.what, "scope": str(v.scope),
                            "institutions": [i for i in self.institutions if v.scope.includes(i)]}
                           for v in self.variations],
        } | ({"files": [checked.to_json() for checked in self.files]} if self.files else {})


def main(project: Project, args: argparse.Namespace) -> int:
    """The `check` command: check, print, write the reports; 1 when there are errors."""
    try:
        if getattr(args, "files", None):
            report = check_files(args.files)
        else:
            report = check(project, CheckOptions(tuple(args.institution), tuple(args.folder), not args.content_only))
    except FolderpersError as error:  # no usable checks.yaml, or no browser
        print(error)
        return 1
    print(render_text(report))
    publish(project.dist / REPORT_JSON, (json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n").encode(),
            project.dist)
    publish(project.dist / REPORT_HTML, render_html(report).encode(), project.dist)
    print(f"reports: {display_path(project.dist / REPORT_JSON)}, {display_path(project.dist / REPORT_HTML)}")
    return 0 if report.ok else 1


def check_files(paths: list[Path]) -> CheckReport:
    """Any PDF files (directories: every *.pdf below them), whoever made them."""
    files, missing = pdf_files(paths)
    report = CheckReport(findings=missing)
    for path in files:
        checked = check_file(path)
        report.files.append(checked)
        report.findings.extend(checked.findings)
    return report


def check(project: Project, options: CheckOptions) -> CheckReport:
    corpus = Corpus(project, Selection(options.institutions, options.folders))
    config = load_checks_config(project.checks, corpus.schemas)
    run = _Run(project, options, config, corpus)
    with run.browser():
        run.institutions_and_folders()
        run.other_pages()
    return run.finish()


class _Run:
    def __init__(self, project: Project, options: CheckOptions, config: ChecksConfig, corpus: Corpus):
        self.project, self.options, self.config, self.corpus = project, options, config, corpus
        self.writers = [WRITERS[kind](Theme(project)) for kind in CHECKED_KINDS]  # they name the files
        self.report = CheckReport()
        self.findings: list[Finding] = []
        self.ignores: dict[Path, tuple[Ignore, ...]] = {}
        self.checked_pages: set[Path] = set()
        self.web: WebChecker | None = None
        self.problems: list[Problem] = []  # of the resolve stage, for the coverage list

    @contextlib.contextmanager
    def browser(self) -> Iterator[None]:
        if not self.options.outputs:
            yield
            return
        with WebChecker() as self.web:
            yield

    def failed(self, error: FolderpersError) -> None:
        self.problems.extend(error.problems)
        self.findings.extend(Finding(p.kind if p.kind == "typed-phone" else "source", "error", p.location, p.message,
                                     p.hint, p.subject) for p in error.problems)

    def institutions_and_folders(self) -> None:
        for option, problem in self.corpus.unknown_selections():
            self.findings.append(Finding("source", "error", problem.location, f"{option}: {problem.message}",
                                         problem.hint))
        shared = self.snippets(self.corpus.shared_snippets)
        institutions = [institution for institution in self.loaded(self.corpus.institutions())]
        self.report.institutions = [institution.id for institution in institutions]
        for institution in institutions:
            self.snippets(institution.snippets)
            self.findings.extend(lint_passages(institution.passages, "", self.config))
        for folder in self.loaded(self.corpus.folders()):
            self.ignores[folder.source] = folder.ignore
            self.report.variations.extend(folder.variations)
            self.findings.extend(lint_passages(folder.passages, folder.language, self.config))
            for institution in institutions:
                if folder.published_by(institution.id):
                    self.publication(folder, institution, shared)

    def loaded(self, sources: dict[Any, T | BaseException]) -> Iterator[T]:
        """The sources that loaded; the problems of those that failed are findings."""
        for loaded in sources.values():
            if isinstance(loaded, FolderpersError):
                self.failed(loaded)
            elif isinstance(loaded, BaseException):
                raise loaded
            else:
                yield loaded

    def snippets(self, snippets: Mapping[str, Snippet | FolderpersError]) -> Mapping[str, Snippet | FolderpersError]:
        for snippet in snippets.values():
            if isinstance(snippet, Snippet):
                self.ignores[snippet.source] = snippet.ignore
        return snippets

    def publication(self, folder: Folder, institution: Institution,
                    shared: Mapping[str, Snippet | FolderpersError]) -> None:
        try:
            publication = self.corpus.publication(folder, institution, keep_typed_phones=True)
        except FolderpersError as error:
            self.failed(error)
            self.report.rows.append(Row(folder, institution.id, frozenset(
                {folder.source, institution.source, *(Path(p.location.path) for p in error.problems)}), None, ()))
            return
        self.findings.extend(Finding(p.kind, "error", p.location, p.message, p.hint, p.subject)
                             for p in publication.typed_phones)
        used = set(publication.snippets)  # the snippets it includes, not every snippet the institution has
        snippets = [s for s in dict.fromkeys((*institution.snippets.values(), *shared.values()))
                    if isinstance(s, Snippet) and s.source.resolve() in used]
        snippet_passages = tuple(passage for snippet in snippets for passage in snippet.passages)
        self.findings.extend(lint_passages(snippet_passages, folder.language, self.config))
        self.findings.extend(lint_structure(publication.blocks))
        self.report.variations.extend(v for s in snippets for v in s.variations if v not in self.report.variations)
        # Scores over exactly what this institution publishes: its variants and blocks, not the others'.
        passages = tuple(p for p in (*folder.passages, *snippet_passages) if p.published_for(institution.id))
        scores = self.readability(folder, passages)
        outputs = self.outputs(publication)
        files = frozenset({folder.source, institution.source, *(s.source for s in snippets), *outputs})
        self.report.rows.append(Row(folder, institution.id, files, scores, outputs))

    def readability(self, folder: Folder, passages) -> Readability | None:
        if folder.language.split("-")[0] not in READABILITY_LANGUAGES:
            return None
        limits = self.config.readability
        scores = readability(passages, limits.long_word_syllables, limits.hardest_sentences)
        where = folder.location_of("title")
        if scores.average_sentence_words > limits.max_average_sentence_words:
            self.findings.append(Finding("readability", "warning", where, f"sentences have "
                                         f"{scores.average_sentence_words:.1f} words on average (more than "
                                         f"{limits.max_average_sentence_words})", "split long sentences; see the "
                                         "hardest sentences in the report", "sentence-length"))
        if scores.flesch_douma < limits.min_flesch_douma:
            self.findings.append(Finding("readability", "warning", where, f"Flesch-Douma score "
                                         f"{scores.flesch_douma:.0f} (below {limits.min_flesch_douma})",
                                         "use shorter sentences and shorter, common words", "flesch-douma"))
        if scores.long_word_percent > limits.max_long_word_percent:
            self.findings.append(Finding("readability", "warning", where, f"{scores.long_word_percent:.1f}% of the "
                                         f"words have {limits.long_word_syllables} syllables or more (more than "
                                         f"{limits.max_long_word_percent}%)", "use shorter, common words",
                                         "long-words"))
        return scores

    def outputs(self, publication: Publication) -> tuple[Path, ...]:
        if not self.options.outputs:
            return ()
        paths = []
        for writer in self.writers:
            # the document a reader gets, its writer's first file (not the screen PDF's thumbnail)
            for path in (self.project.dist / relative for relative in writer.paths(publication)[:1]):
                paths.append(path)
                if not path.is_file():
                    self.findings.append(Finding("missing-output", "error", Location(path), "not built",
                                                 "run `build.py` first, or check with --content-only"))
                elif writer.medium.paged:
                    self.findings.extend(check_pdf(path.read_bytes(), path))
                else:
                    self.page(path)
        return tuple(paths)

    def page(self, path: Path) -> None:
        assert self.web is not None
        self.findings.extend(self.web.check(path))
        self.checked_pages.add(path)

    def other_pages(self) -> None:
        """Every other web page in dist/ (an index page, say), but not the check's own report."""
        if not self.options.outputs or self.options.folders or self.options.institutions:
            return
        for path in sorted(self.project.dist.rglob("*.html")):
            if path not in self.checked_pages and path.name != REPORT_HTML:
                self.page(path)

    def finish(self) -> CheckReport:
        findings, silenced, used = [], 0, set()
        for finding in _one_per_place(self.findings):  # a snippet shared by folders is reported once
            silencer = next((i for i in self.ignores.get(Path(finding.location.path), ()) if i.silences(finding)), None)
            if silencer is None:
                findings.append(finding)
            else:
                silenced += 1
                used.add(silencer)
        for ignores in self.ignores.values():
            findings.extend(Finding("unused-ignore", "warning", ignore.location, f"'{ignore}' silences nothing",
                                    "remove it from checks: ignore:", str(ignore))
                            for ignore in ignores if ignore not in used)
        self.report.gaps = coverage.gaps(self.problems)
        self.report.findings = sorted(findings, key=lambda f: (display_path(f.location.path), f.location.line or 0,
                                                               f.location.column or 0, f.kind))
        self.report.silenced = silenced
        return self.report


def render_text(report: CheckReport) -> str:
    """The console report: a table per folder and institution (or per file checked), the hardest
    sentences, every finding."""
    if report.files:
        return _render_files(report)
    lines = [f"{'folder':<24} {'institution':<12} {'errors':>6} {'warnings':>8}  {'sentences':>9} "
             f"{'words/sent.':>11} {'Douma':>6} {'long words':>10}"]
    for row in report.rows:
        scores = row.readability
        metrics = (f"{scores.sentences:>9} {scores.average_sentence_words:>11.1f} {scores.flesch_douma:>6.1f} "
                   f"{scores.long_word_percent:>9.1f}%") if scores else f"{'(no score: ' + _no_score(row) + ')':>39}"
        name = row.folder.slug + (f".{row.folder.language}" if row.folder.is_translation else "")
        lines.append(f"{name:<24} {row.institution:<12} {report.count('error', row.files):>6} "
                     f"{report.count('warning', row.files):>8}  {metrics}")
    hardest: dict[tuple, list[str]] = {}  # the same sentences for several institutions are listed once
    for row in report.rows:
        if row.readability and row.readability.hardest:
            hardest.setdefault((row.folder.source, row.readability.hardest), []).append(row.institution)
    for (source, sentences), institutions in hardest.items():
        lines.append(f"\nhardest sentences of {display_path(source)} for {', '.join(institutions)} (Flesch-Douma):")
        lines.extend(f"  {s.flesch_douma:>6.1f}  {s.location}: {s.text}" for s in sentences)
    for section in (coverage.variation_lines(report.variations, report.institutions), coverage.coverage_lines(report.gaps)):
        if section:
            lines.extend(["", *section])
    if report.findings:
        lines.append("")
        lines.extend(str(finding) for finding in report.findings)
    lines.append(f"\n{_count(report.count('error'), 'error')}, {_count(report.count('warning'), 'warning')}"
                 + (f", {report.silenced} silenced (checks: ignore:)" if report.silenced else ""))
    return "\n".join(lines)


def _render_files(report: CheckReport) -> str:
    lines = [f"{'file':<48} {'taken for':<10} {'validated against':<22} {'ms':>6} {'errors':>6} {'warnings':>8}"]
    for checked in report.files:
        counts = [sum(1 for f in checked.findings if f.severity == s) for s in ("error", "warning")]
        lines.append(f"{display_path(checked.path):<48} {checked.kind:<10} {', '.join(checked.profiles) or '-':<22} "
                     f"{checked.validation_ms:>6.0f} {counts[0]:>6} {counts[1]:>8}")
        if checked.summary:
            lines.append(f"  {checked.summary}")
    if report.findings:
        lines.append("")
        lines.extend(str(finding) for finding in report.findings)
    lines.append(f"\n{_count(report.count('error'), 'error')}, {_count(report.count('warning'), 'warning')}")
    return "\n".join(lines)


def _one_per_place(findings: list[Finding]) -> list[Finding]:
    """Each finding once; a typed phone number once per place, the resolve stage's finding (which names
    the registry key for the number) replacing the content lint's."""
    unique: dict[Any, Finding] = {}
    for finding in findings:
        key = (finding.kind, finding.location) if finding.kind == "typed-phone" else finding
        unique.pop(key, None)
        unique[key] = finding
    return list(unique.values())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _no_score(row: Row) -> str:
    return f"not for language {row.folder.language}" if row.folder.language.split("-")[0] not in \
        READABILITY_LANGUAGES else "see the errors"


def render_html(report: CheckReport) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent.parent / "checks"), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("report.html").render(report=report, display_path=display_path,
                                                                no_score=_no_score)
