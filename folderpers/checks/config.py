"""The settings of `build.py check`: checks.yaml at the project root (schemas/checks.schema.json)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from folderpers.source.schemas import SchemaSet
from folderpers.source.yamlsource import load_yaml

_INFLECTIONS = ("", "s", "en", "e", "n", "'s", "er", "ere", "st", "ste")
_LONG_VOWEL_CLOSED = re.compile(r"(aa|ee|oo|uu)([^aeiou\W])$")  # acuut -> acute: Dutch spelling halves the vowel


def word_forms(word: str) -> set[str]:
    """A listed word and its inflections: -s, -en, -e, -n, 's, -er, -ste (chronisch, chronische), and
    with a long vowel in a closed last syllable written once before an ending (acuut, acute, acuter)."""
    forms = {word + ending for ending in _INFLECTIONS}
    halved = _LONG_VOWEL_CLOSED.sub(lambda match: match.group(1)[0] + match.group(2), word)
    if halved != word:
        forms |= {halved + ending for ending in ("e", "en", "er", "ere")}
    return forms


@dataclass(frozen=True)
class LanguageRules:
    vague_link_texts: frozenset[str]  # casefolded
    jargon: dict[str, tuple[str, str]]  # a word form (casefolded) -> (the listed word, its plain alternative)
    phrases: tuple[tuple[re.Pattern[str], str, str], ...] = ()  # listed entries of several words: (pattern, entry, plain)

    def plain_alternative(self, word: str) -> tuple[str, str] | None:
        return self.jargon.get(word.casefold())

    def formal_phrases(self, text: str) -> list[tuple[str, str, str]]:
        """Entries of several words ("door middel van") in `text`: (as written, the entry, its plain alternative)."""
        return [(match.group(0), entry, plain) for pattern, entry, plain in self.phrases
                for match in pattern.finditer(text)]


@dataclass(frozen=True)
class ReadabilityLimits:
    max_average_sentence_words: int
    min_flesch_douma: int
    long_word_syllables: int
    max_long_word_percent: int
    hardest_sentences: int


@dataclass(frozen=True)
class ChecksConfig:
    source: Path
    phone_region: str
    max_sentence_words: int
    min_alt_characters: int
    readability: ReadabilityLimits
    languages: dict[str, LanguageRules]

    def rules(self, language: str) -> LanguageRules:
        """The word lists for a content language (nl-BE uses nl); none for a language not listed."""
        return self.languages.get(language.split("-")[0], LanguageRules(frozenset(), {}))


def load_checks_config(path: Path, schemas: SchemaSet) -> ChecksConfig:
    document = load_yaml(path)
    schemas.check(document, "checks")
    data = document.data
    return ChecksConfig(
        source=path,
        phone_region=data["phone_region"],
        max_sentence_words=int(data["sentences"]["max_words"]),
        min_alt_characters=int(data["alt_text"]["min_characters"]),
        readability=ReadabilityLimits(**{key: int(value) for key, value in data["readability"].items()}),
        languages={language: LanguageRules(
            frozenset(text.casefold().strip() for text in rules["vague_link_texts"]),
            {form: (word, plain) for word, plain in rules["jargon"].items() if " " not in word
             for form in word_forms(word.casefold())},
            tuple((re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, word.split())) + r"(?!\w)", re.IGNORECASE),
                   word, plain) for word, plain in rules["jargon"].items() if " " in word))
            for language, rules in data["languages"].items()},
    )
