"""Stage 2: merge a folder with one institution into a Publication.

Placeholders ({phone:key}, ...) and contact blocks take that institution's registry entries,
includes are replaced by the institution's own snippet or the shared one. Nothing is evaluated:
placeholders are looked up by key in data, so content can never run code or templates.
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from folderpers.errors import Location, Problem, ResolveError, SourceError
from folderpers.model.blocks import Block, ContactRef, Include
from folderpers.model.folder import Folder, Snippet
from folderpers.model.inline import Foreign, Inline, Link, Placeholder, Text, merge_text
from folderpers.model.institution import Contact, Institution
from folderpers.model.publication import Publication
from folderpers.source.textchecks import text_problems

MAX_INCLUDE_DEPTH = 5
# All text of a publication once snippets are included: includes multiply (a snippet that includes
# another 60 times, five levels deep, is 60^5 copies), which no per-file limit can see.
MAX_EXPANDED_CHARACTERS = 2_000_000


class _TooMuchText(Exception):
    """The publication's text passed MAX_EXPANDED_CHARACTERS while it was being put together."""


def resolve(folder: Folder, institution: Institution,
            shared_snippets: dict[str, Snippet | SourceError]) -> Publication:
    """Resolve `folder` for `institution`; raise ResolveError listing every unresolved reference."""
    resolver = _Resolver(institution, shared_snippets, folder.language if folder.is_translation else None)
    try:
        blocks = resolver.blocks(folder.blocks, chain=())
    except _TooMuchText:
        where = resolver.top_include or Location(folder.source)
        raise ResolveError(Problem(where, f"with its snippets included, this folder holds more than "
                                   f"{MAX_EXPANDED_CHARACTERS:,} characters of text",
                                   "include fewer snippets, or snippets that include fewer others")) from None
    intro = resolver.value(folder.intro)
    resolver.problems.extend(text_problems([*folder.passages, *(passage for snippet in {id(s): s for s in
        resolver.used_snippets}.values() for passage in snippet.passages)]))
    if resolver.problems:
        raise ResolveError(*dict.fromkeys(resolver.problems))
    roots = dict.fromkeys([folder.directory.resolve(), institution.directory.resolve(),
                           *(snippet.source.parent.resolve() for snippet in resolver.used_snippets)])
    # Every file the folder and the institution refer to is an input, whatever the model adds later (a
    # logo, a route map): found by walking them. So is every snippet of the institution, used or not:
    # adding one of its own can change what an include resolves to.
    sources = dict.fromkeys([*files_of(folder), *files_of(institution),
                             *(snippet.source for snippet in resolver.used_snippets), *files_of(blocks)])
    return Publication(folder, institution, f"{institution.code_prefix}-{folder.code}", intro, blocks,
                       tuple(roots), tuple(path.resolve() for path in sources))


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
    def __init__(self, institution: Institution, shared_snippets: dict[str, Snippet | SourceError],
                 translation: str | None):
        self.institution = institution
        self.translation = translation  # the language of a translation (None: the source folder)
        self.shared_snippets = shared_snippets
        self.problems: list[Problem] = []
        self.used_snippets: list[Snippet] = []
        self.characters = 0  # of text put together so far, counted as it is built (see MAX_EXPANDED_CHARACTERS)
        self.top_include: Location | None = None  # the folder's include being expanded

    def blocks(self, blocks: tuple[Block, ...], chain: tuple[str, ...]) -> tuple[Block, ...]:
        result: list[Block] = []
        for block in blocks:
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
            self.problems.append(Problem(include.location, f"snippet {include.name!r} includes itself "
                                         f"({' -> '.join(chain + (include.name,))})", "remove the circular include"))
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
            self.problems.append(Problem(
                include.location, f"snippet {include.name!r} not found for institution {self.institution.id!r}",
                (f"did you mean {close[0]!r}? " if close else "") + f"create snippets/{include.name}.yaml (for all) "
                f"or institutions/{self.institution.id}/snippets/{include.name}.yaml"))
            return ()
        if isinstance(snippet, SourceError):
            self.problems.extend(snippet.problems)
            return ()
        self.used_snippets.append(snippet)
        return self.blocks(snippet.blocks, chain + (include.name,))

    def value(self, value: Any) -> Any:
        """Resolve every Placeholder and ContactRef inside `value`, whatever block type holds it."""
        if isinstance(value, tuple):
            if any(isinstance(item, Placeholder) for item in value):  # inline text: splice and re-merge
                return merge_text([node for item in value for node in (
                    self.placeholder(item) if isinstance(item, Placeholder) else (self.value(item),))])
            return tuple(self.value(item) for item in value)
        if isinstance(value, ContactRef):
            return self.contact(value.key, value) or value
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: self.value(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
            return dataclasses.replace(value, **changes)
        return value

    def contact(self, key: str, where: ContactRef | Placeholder) -> Contact | None:
        contact = self.institution.contacts.get(key)
        if contact is None:
            close = difflib.get_close_matches(key, list(self.institution.contacts), n=1)
            self.problems.append(Problem(
                where.location, f"contact {key!r} is not in the registry of institution {self.institution.id!r}",
                (f"did you mean {close[0]!r}? " if close else "") +
                f"or add '{key}:' under 'contacts:' in institutions/{self.institution.id}/institution.yaml"))
        return contact

    def placeholder(self, placeholder: Placeholder) -> tuple[Inline, ...]:
        institution = self.institution
        if placeholder.kind == "institution":
            return self.theirs(Text(institution.name))
        if placeholder.kind == "website":
            host = urlsplit(institution.website).netloc
            return (Link(institution.website, (Text(host),)),)
        contact = self.contact(placeholder.key, placeholder)
        if contact is None:
            return ()
        if placeholder.kind == "phone":
            return (contact.phone,)
        if placeholder.kind == "contact":  # one unit in the institution's language: "Afdeling X (088 ...)"
            return self.theirs(Text(f"{contact.label} ("), contact.phone, Text(")"))
        field = {"email": contact.email, "hours": contact.hours}[placeholder.kind]
        if not field:
            self.problems.append(Problem(
                placeholder.location, f"contact {contact.key!r} of institution {institution.id!r} has no "
                f"{placeholder.kind}", f"add '{placeholder.kind}:' to '{contact.key}' in "
                f"institutions/{institution.id}/institution.yaml, or use {{phone:{contact.key}}}"))
            return ()
        if placeholder.kind == "email":
            return (Link(f"mailto:{field}", (Text(field),)),)
        return self.theirs(Text(field))

    def theirs(self, *nodes: Inline) -> tuple[Inline, ...]:
        """The institution's own words; inside a translation marked as the institution's language."""
        if self.translation is None or self.translation == self.institution.language:
            return nodes
        return (Foreign(self.institution.language, nodes),)
