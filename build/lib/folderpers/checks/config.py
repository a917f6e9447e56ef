"""The settings of `build.py check`: checks.yaml at the project root (schemas/checks.schema.json)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from folderpers.source.schemas import SchemaSet
from folderpers.source.yamlsource import load_yaml

_INFLECTIONS = ("", "s", "en", "e", "n", "'s")  # fractuur, fracturen is not caught: list such forms too


@dataclass(frozen=True)
class LanguageRules:
    vague_link_texts: frozenset[str]  # casefolded
    jargon: dict[str, tuple[str, str]]  # a word form (casefolded) -> (the listed word, its plain alternative)

    def plain_alternative(self, word: str) -> tuple[str, str] | None:
        return self.jargon.get(word.casefold())


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
            {(word.casefold() + ending): (word, plain) for word, plain in rules["jargon"].items()
             for ending in _INFLECTIONS})
            for language, rules in data["languages"].items()},
    )
