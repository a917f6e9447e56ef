"""Content lint: what an author should fix before a folder goes to the printer, with file:line.

Text checks read the passages of a folder and of the snippets it includes, as written
(placeholders unresolved); structure checks read a publication's blocks, after includes. The
kinds and their severities are listed in SEVERITY (and in the README, "Checks").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

import phonenumbers

from folderpers.checks.config import ChecksConfig, LanguageRules
from folderpers.checks.findings import Finding, Severity
from folderpers.checks.locate import locate
from folderpers.checks.readability import sentences_of, words
from folderpers.errors import Location
from folderpers.model.blocks import Block, Heading, Passage
from folderpers.model.inline import Emphasis, Link, Strong, plain_text

SEVERITY: dict[str, Severity] = {
    "typed-phone": "error",
    "typed-email": "error",
    "alt-missing": "error",
    "empty-section": "error",
    "heading-skip": "error",
    "link-malformed": "error",
    "link-text": "error",
    "alt-short": "warning",
    "long-sentence": "warning",
    "jargon": "warning",
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d{1,5})?$", re.IGNORECASE)
_REGISTRY_HINT = "write a placeholder with a key from the institution's contact registry"


def lint_passages(passages: Iterable[Passage], language: str, config: ChecksConfig) -> list[Finding]:
    """Text checks of one file's (or one folder's and its snippets') passages."""
    passages = tuple(passages)
    rules = config.rules(language)
    findings: list[Finding] = []
    for passage in passages:
        findings.extend(_typed_contacts(passage, config.phone_region))
        findings.extend(_links(passage, passage.nodes, rules))
        if passage.role == "alt":
            findings.extend(_alt(passage, config.min_alt_characters))
        if passage.role != "reference":  # cited as published: no jargon or sentence advice
            findings.extend(_jargon(passage, rules))
    findings.extend(_long_sentences(passages, config.max_sentence_words))
    return findings


def lint_structure(blocks: Iterable[Block]) -> list[Finding]:
    """Headings of a publication, after includes: none empty, none skipping a level."""
    findings: list[Finding] = []
    blocks = [block for block in blocks if block.kind != "pagebreak"]
    previous = 1  # the title is level 1
    for index, block in enumerate(blocks):
        if not isinstance(block, Heading):
            continue
        assert block.location is not None  # every heading read from a file knows where it stands
        if block.level > previous + 1:
            findings.append(_finding("heading-skip", block.location, f"heading level {block.level} follows level "
                                     f"{previous} (after includes)", f"use level {previous + 1}, or check the "
                                     "headings of the included snippet", block.text))
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if following is None or (isinstance(following, Heading) and following.level <= block.level):
            findings.append(_finding("empty-section", block.location, f"the section {block.text!r} is empty",
                                     "write its text, or remove the heading", block.text))
        previous = block.level
    return findings


def _finding(kind: str, location: Location, message: str, hint: str, subject: str = "") -> Finding:
    return Finding(kind, SEVERITY[kind], location, message, hint, subject)


def _typed_contacts(passage: Passage, region: str) -> Iterator[Finding]:
    text, after = plain_text(passage.nodes), 0
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        location, after = locate(passage.location, match.raw_string, after)
        yield _finding("typed-phone", location, f"phone number {match.raw_string!r} typed in the text",
                       f"{_REGISTRY_HINT}: {{phone:key}} or {{contact:key}}", match.raw_string)
    after = 0
    for email in _EMAIL.finditer(text):
        location, after = locate(passage.location, email.group(0), after)
        yield _finding("typed-email", location, f"e-mail address {email.group(0)!r} typed in the text",
                       f"{_REGISTRY_HINT}: {{email:key}}", email.group(0))


def _links(passage: Passage, nodes, rules: LanguageRules) -> Iterator[Finding]:
    for node in nodes:
        if isinstance(node, (Strong, Emphasis)):
            yield from _links(passage, node.children, rules)
        if not isinstance(node, Link):
            continue
        text = plain_text(node.children).strip()
        location = locate(passage.location, text)[0]
        scheme = node.href.split(":", 1)[0].lower()
        if scheme == "tel":
            yield _finding("typed-phone", location, f"phone link {node.href!r} typed in the text",
                           f"{_REGISTRY_HINT}: {{phone:key}} (the web page links it)", node.href)
        elif scheme == "mailto":
            yield _finding("typed-email", location, f"e-mail link {node.href!r} typed in the text",
                           f"{_REGISTRY_HINT}: {{email:key}}", node.href)
        elif not _well_formed(node.href):
            yield _finding("link-malformed", location, f"link address {node.href!r} is not a well-formed web address",
                           "write the full address, e.g. https://www.thuisarts.nl/rugpijn", node.href)
        if text.casefold().strip(" .,:;!?") in rules.vague_link_texts:
            yield _finding("link-text", location, f"link text {text!r} does not say where the link goes",
                           "use the name of the page or site as link text, e.g. [Thuisarts over rugpijn](https://...)",
                           text)


def _well_formed(href: str) -> bool:
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(_HOST.match(parts.netloc))
            and not re.search(r"\s|[<>\"{}|\\^`]", href))


def _alt(passage: Passage, minimum: int) -> Iterator[Finding]:
    text = plain_text(passage.nodes).strip()
    if not text:
        yield _finding("alt-missing", passage.location, "the alternative text is empty",
                       "say what the image shows, for readers who cannot see it")
    elif len(text) < minimum:
        yield _finding("alt-short", passage.location, f"the alternative text {text!r} is short ({len(text)} "
                       f"characters, fewer than {minimum})", "say what the image shows and why it is there", text)


def _jargon(passage: Passage, rules: LanguageRules) -> Iterator[Finding]:
    after = 0
    text = plain_text(passage.nodes)
    for written, listed, plain in rules.formal_phrases(text):  # entries of several words: "door middel van"
        yield _finding("jargon", locate(passage.location, written)[0], f"{written!r} is formal",
                       f"write {plain!r}", listed)
    for word in words(text):
        entry = rules.plain_alternative(word)
        if entry is not None:
            location, after = locate(passage.location, word, after)
            listed, plain = entry
            yield _finding("jargon", location, f"{word!r} is jargon", f"write {plain!r} (or explain the word)", listed)


def _long_sentences(passages: tuple[Passage, ...], maximum: int) -> Iterator[Finding]:
    for passage, sentence in sentences_of(passages):
        count = len(words(sentence))
        if count > maximum:
            yield _finding("long-sentence", locate(passage.location, sentence)[0], f"sentence of {count} words "
                           f"(more than {maximum}): {sentence[:60]}{'…' if len(sentence) > 60 else ''}",
                           "split it into shorter sentences; B1 readers read 10 to 15 words at a time", sentence)
