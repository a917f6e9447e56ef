"""Stage 2: merge a folder with one institution into a Publication.

Placeholders ({phone:key}, {name:key}, {link:key}, {term:key}, {folder:slug}, ...) and contact
blocks take that institution's facts, includes are replaced by the institution's own snippet or the
shared one, blocks with `only:`/`except:` and `variants:` keep what this institution publishes.
Nothing is evaluated: placeholders are looked up by key in data, so content can never run code or
templates. Every problem is collected (each with a kind and subject, for the coverage report), so an
institution learns everything it lacks at once. A fact a folder uses is required: an institution that
lacks it gets an error, never a sentence with a hole; text that only some institutions can fill is
written for those only (`only:`, `except:`, `variants:`).
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from folderpers.checks.locate import locate
from folderpers.errors import Location, Problem, ResolveError, SourceError
from folderpers.model.blocks import Block, ContactRef, Include, Passage, Scoped
from folderpers.model.folder import Folder, Ignore, Snippet
from folderpers.model.inline import Choice, FolderLink, Foreign, Inline, Link, Placeholder, Text, merge_text, plain_text
from folderpers.model.institution import Contact, Institution
from folderpers.model.publication import Publication
from folderpers.project import translation_language
from folderpers.source.phones import e164, typed_numbers
from folderpers.source.textchecks import text_problems
from folderpers.source.yamlsource import load_yaml

MAX_INCLUDE_DEPTH = 5
# All text of a publication once snippets are included: includes multiply (a snippet that includes
# another 60 times, five levels deep, is 60^5 copies), which no per-file limit can see.
MAX_EXPANDED_CHARACTERS = 2_000_000


class _TooMuchText(Exception):
    """The publication's text passed MAX_EXPANDED_CHARACTERS while it was being put together."""


def resolve(folder: Folder, institution: Institution, shared_snippets: dict[str, Snippet | SourceError],
            keep_typed_phones: bool = False) -> Publication:
    """Resolve `folder` for `institution`; raise ResolveError listing every unresolved reference and
    every phone number typed in its text. With `keep_typed_phones` (for `build.py check`, which reports
    them among its other findings) those are kept in `Publication.typed_phones` instead."""
    resolver = _Resolver(institution, shared_snippets, folder)
    try:
        blocks = resolver.blocks(folder.blocks, chain=())
    except _TooMuchText:
        where = resolver.top_include or Location(folder.source)
        raise ResolveError(Problem(where, f"with its snippets included, this folder holds more than "
                                   f"{MAX_EXPANDED_CHARACTERS:,} characters of text",
                                   "include fewer snippets, or snippets that include fewer others")) from None
    intro = resolver.value(folder.intro)
    resolver.check_sources()
    resolver.problems.extend(text_problems([*folder.passages, *(passage for snippet in resolver.snippets_used()
                                            for passage in snippet.passages)]))
    typed = [problem for problem in resolver.problems if problem.kind == "typed-phone"] if keep_typed_phones else []
    problems = [problem for problem in resolver.problems if problem not in typed]
    if problems:
        raise ResolveError(*dict.fromkeys(problems))
    roots = dict.fromkeys([folder.directory.resolve(), institution.directory.resolve(),
                           *(snippet.source.parent.resolve() for snippet in resolver.snippets_used())])
    # Every file the folder and the institution refer to is an input, whatever the model adds later (a
    # logo, a route map): found by walking them. So is every snippet of the institution, used or not:
    # adding one of its own can change what an include resolves to.
    sources = dict.fromkeys([*files_of(folder), *files_of(institution),
                             *(snippet.source for snippet in resolver.snippets_used()), *files_of(blocks)])
    return Publication(folder, institution, f"{institution.code_prefix}-{folder.code}", intro, blocks,
                       tuple(roots), tuple(path.resolve() for path in sources),
                       tuple(snippet.source.resolve() for snippet in resolver.snippets_used()),
                       tuple(dict.fromkeys(resolver.related)), tuple(typed))


def files_of(value: Any) -> list[Path]:
    """Every file `value` refers to: each Path in its fields, however deeply nested (tuples, dicts,
    dataclasses), and the file of each problem of a source that failed to load (a broken snippet)."""
    if isinstance(value, Path):
        return [value]
    if isinstance(value, Location):  # where something was written, not a file it needs
        return []
    if isinstance(value, SourceError):
        return [problem.location.path for problem in value.problems]
    if isinstance(value, (tuple, list)):
        return [path for item in value for path in files_of(item)]
    if isinstance(value, dict):
        return [path for item in value.values() for path in files_of(item)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [path for f in dataclasses.fields(value) for path in files_of(getattr(value, f.name))]
    return []


def _characters(value: Any) -> int:
    """How many characters of text `value` holds (at least 1: an empty block still costs work)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (tuple, list)):
        return sum(_characters(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, (type, Location)):
        return max(1, sum(_characters(getattr(value, f.name)) for f in dataclasses.fields(value)))
    return 0


class _Resolver:
    def __init__(self, institution: Institution, shared_snippets: dict[str, Snippet | SourceError], folder: Folder):
        self.institution = institution
        self.translation = folder.language if folder.is_translation else None  # the language of a translation
        self.shared_snippets = shared_snippets
        self.folder = folder
        self.problems: list[Problem] = []
        self.used_snippets: list[Snippet] = []
        self.characters = 0  # of text put together so far, counted as it is built (see MAX_EXPANDED_CHARACTERS)
        self.top_include: Location | None = None  # the folder's include being expanded
        self.related: list[str] = []  # slugs of the folders it links to

    def snippets_used(self) -> list[Snippet]:
        """Each snippet included, once, in order (by identity: hashing a snippet's blocks costs more)."""
        return list({id(snippet): snippet for snippet in self.used_snippets}.values())

    def problem(self, location: Location, message: str, hint: str, kind: str = "", subject: str = "") -> None:
        self.problems.append(Problem(location, message, hint, kind, subject, self.institution.id if kind else ""))

    def blocks(self, blocks: tuple[Block, ...], chain: tuple[str, ...]) -> tuple[Block, ...]:
        result: list[Block] = []
        for block in blocks:
            if isinstance(block, Scoped):
                if not block.scope.includes(self.institution.id):
                    continue
                block = block.block
            if isinstance(block, Include):
                result.extend(self.include(block, chain))
            else:
                result.append(self.value(block))
                self.characters += _characters(result[-1])
                if self.characters > MAX_EXPANDED_CHARACTERS:
                    raise _TooMuchText
        return tuple(result)

    def include(self, include: Include, chain: tuple[str, ...]) -> tuple[Block, ...]:
        if not chain:
            self.top_include = include.location
        if include.name in chain or len(chain) >= MAX_INCLUDE_DEPTH:
            self.problem(include.location, f"snippet {include.name!r} includes itself "
                         f"({' -> '.join(chain + (include.name,))})", "remove the circular include")
            return ()
        name = f"{include.name}.{self.translation}" if self.translation else include.name
        snippet = self.institution.snippets.get(name) or self.shared_snippets.get(name)
        if snippet is None and self.translation:  # never Dutch text inside a translation
            self.problems.append(Problem(
                include.location, f"snippet {include.name!r} has no {self.translation!r} version",
                f"translate it as snippets/{name}.yaml (and institutions/<id>/snippets/{name}.yaml where an "
                f"institution has its own {include.name!r})"))
            return ()
        if snippet is None:
            known = sorted({*self.institution.snippets, *self.shared_snippets})
            close = difflib.get_close_matches(include.name, known, n=1)
            self.problem(
                include.location, f"snippet {include.name!r} not found for institution {self.institution.id!r}",
                (f"did you mean {close[0]!r}? " if close else "") + f"create snippets/{include.name}.yaml (for all) "
                f"or institutions/{self.institution.id}/snippets/{include.name}.yaml", "snippet", include.name)
            return ()
        if isinstance(snippet, SourceError):
            self.problems.extend(snippet.problems)
            return ()
        self.used_snippets.append(snippet)
        return self.blocks(snippet.blocks, chain + (include.name,))

    def value(self, value: Any) -> Any:
        """Resolve every Placeholder, Choice, Scoped and ContactRef inside `value`, whatever block type holds it."""
        if isinstance(value, tuple):
            if any(isinstance(item, (Placeholder, Choice)) for item in value):  # inline text: splice and re-merge
                return merge_text([node for item in value for node in self.inline(item)])
            return tuple(self.value(item.block if isinstance(item, Scoped) else item) for item in value
                         if not isinstance(item, Scoped) or item.scope.includes(self.institution.id))
        if isinstance(value, ContactRef):
            return self.contact(value.key, value) or value
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: self.value(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
            return dataclasses.replace(value, **changes)
        return value

    def inline(self, node: Any) -> tuple[Inline, ...]:
        if isinstance(node, Placeholder):
            return self.placeholder(node)
        if isinstance(node, Choice):
            return tuple(self.value(node.for_institution(self.institution.id)))
        return (self.value(node),)

    def lookup(self, kind: str, key: str, where: ContactRef | Placeholder, registry: dict[str, Any],
               section: str) -> Any:
        """An entry of one of the institution's registries (contacts, links, terms), or a problem with a fix."""
        entry = registry.get(key)
        if entry is None:
            close = difflib.get_close_matches(key, list(registry), n=1)
            self.problem(where.location, f"{kind} {key!r} is not in '{section}:' of institution {self.institution.id!r}",
                         (f"did you mean {close[0]!r}, or add " if close else "add ") +
                         f"'{key}:' under '{section}:' in institutions/{self.institution.id}/institution.yaml",
                         kind, key)
        return entry

    def contact(self, key: str, where: ContactRef | Placeholder) -> Contact | None:
        contact: Contact | None = self.lookup("contact", key, where, self.institution.contacts, "contacts")
        return contact

    def placeholder(self, placeholder: Placeholder) -> tuple[Inline, ...]:
        institution = self.institution
        if placeholder.kind == "institution":
            return self.theirs(Text(institution.name))
        if placeholder.kind == "website":
            host = urlsplit(institution.website).netloc
            return (Link(institution.website, (Text(host),)),)
        if placeholder.kind == "link":
            link = self.lookup("link", placeholder.key, placeholder, institution.links, "links")
            return (Link(link.url, (Text(link.label),), print_address=True),) if link else ()
        if placeholder.kind == "term":
            term = self.lookup("term", placeholder.key, placeholder, institution.terms, "terms")
            return (Text(term),) if term else ()
        if placeholder.kind == "folder":
            return self.folder_link(placeholder)
        contact = self.contact(placeholder.key, placeholder)
        if contact is None:
            return ()
        if placeholder.kind == "phone":
            return (contact.phone,)
        if placeholder.kind == "contact":  # one unit in the institution's language: "Afdeling X (088 ...)"
            return self.theirs(Text(f"{contact.label} ("), contact.phone, Text(")"))
        if placeholder.kind in ("name", "Name"):
            name = contact.name_in_sentence(capital=placeholder.kind == "Name")
            if name is None:
                self.problem(placeholder.location, f"contact {contact.key!r} of institution {institution.id!r} has "
                             "no name", f"add 'name:' (and 'article: de' or 'het') to '{contact.key}' in "
                             f"institutions/{institution.id}/institution.yaml, e.g. name: afdeling Radiologie",
                             "name", contact.key)
                return ()
            return (Text(name),)
        field = {"email": contact.email, "hours": contact.hours}[placeholder.kind]
        if not field:
            self.problem(placeholder.location, f"contact {contact.key!r} of institution {institution.id!r} has no "
                         f"{placeholder.kind}", f"add '{placeholder.kind}:' to '{contact.key}' in "
                         f"institutions/{institution.id}/institution.yaml, or use {{phone:{contact.key}}}",
                         placeholder.kind, contact.key)
            return ()
        if placeholder.kind == "email":
            return (Link(f"mailto:{field}", (Text(field),)),)
        return self.theirs(Text(field))

    def folder_link(self, placeholder: Placeholder) -> tuple[Inline, ...]:
        """{folder:slug}: that folder's title, linking to its web page for the same institution."""
        folders = self.folder.directory.parent
        slug, language = placeholder.key, self.folder.language
        names = ([f"folder.{language}.yaml"] if self.folder.is_translation else []) + ["folder.yaml"]
        source = next((folders / slug / name for name in names if (folders / slug / name).is_file()), None)
        if source is None:
            known = sorted(path.parent.name for path in folders.glob("*/folder.yaml"))
            close = difflib.get_close_matches(slug, known, n=1)
            self.problem(placeholder.location, f"no folder {slug!r} to link to",
                         (f"did you mean {{folder:{close[0]}}}? " if close else "") +
                         f"folders are: {', '.join(known)}")
            return ()
        try:
            data = load_yaml(source).data
        except SourceError as error:
            self.problems.extend(error.problems)
            return ()
        published = data.get("institutions", "all") if isinstance(data, dict) else "all"
        title = data.get("title") if isinstance(data, dict) else None
        if not isinstance(title, str):
            self.problem(placeholder.location, f"folder {slug!r} has no title to link with", f"fix {source}")
            return ()
        if published != "all" and self.institution.id not in published:
            self.problem(placeholder.location, f"folder {slug!r} is not published by {self.institution.id!r}",
                         "link to it only for the institutions that publish it (only:/except: or variants:)",
                         "folder", slug)
            return ()
        stem = f"{slug}.{language}" if translation_language(source) else slug
        base = self.institution.base_url
        self.related.append(slug)
        return (FolderLink(title.strip(), f"{stem}.html", f"{base}/{stem}.html" if base else None),)

    def check_sources(self) -> None:
        """What concerns the text as written: the institution ids it names exist, and no phone number is
        typed by hand (it would not change with the registry); the fix names the registry's key for it."""
        known = sorted(path.parent.name for path in self.institution.directory.parent.glob("*/institution.yaml"))
        sources: list[tuple[tuple[Passage, ...], tuple[Ignore, ...], tuple[tuple[str, Location], ...]]] = [
            (self.folder.passages, self.folder.ignore, self.folder.institution_refs),
            *((s.passages, s.ignore, s.institution_refs) for s in self.snippets_used())]
        by_number: dict[str, list[str]] = {}
        for key, contact in self.institution.contacts.items():
            by_number.setdefault(e164(contact.phone), []).append(key)
        for passages, ignores, references in sources:
            for name, location in references:
                if name not in known:
                    close = difflib.get_close_matches(name, known, n=1)
                    self.problem(location, f"unknown institution {name!r}",
                                 (f"did you mean {close[0]!r}? " if close else "") + f"institutions are: {', '.join(known)}")
            for passage in passages:
                if passage.published_for(self.institution.id):
                    self.typed_phones(passage, ignores, by_number)

    def typed_phones(self, passage: Passage, ignores: tuple[Ignore, ...], by_number: dict[str, list[str]]) -> None:
        after = 0
        for typed, number in typed_numbers(plain_text(passage.nodes), self.institution.country):
            location, after = locate(passage.location, typed, after)
            if any(ignore.covers("typed-phone", typed) for ignore in ignores):
                continue
            keys = by_number.get(number, [])
            fix = (f"write {' or '.join(f'{{phone:{key}}}' for key in keys)} (the registry of "
                   f"{self.institution.id!r} has this number)" if keys else
                   f"add the number to 'contacts:' in institutions/{self.institution.id}/institution.yaml and "
                   "write {phone:key}")
            self.problem(location, f"phone number {typed!r} typed in the text", fix + "; a number that is the same "
                         "for every institution may be allowed with 'checks: ignore: - typed-phone: " + typed + "'",
                         "typed-phone", typed)

    def theirs(self, *nodes: Inline) -> tuple[Inline, ...]:
        """The institution's own words; inside a translation marked as the institution's language."""
        if self.translation is None or self.translation == self.institution.language:
            return nodes
        return (Foreign(self.institution.language, nodes),)
