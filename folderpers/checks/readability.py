"""B1 readability of a folder's text: sentences, words, syllables and the Flesch-Douma score.

    Flesch-Douma = 206.84 - 0.77 * (syllables per 100 words) - 0.93 * (words per sentence)

Syllables are counted with Pyphen's Dutch hyphenation patterns (which WeasyPrint already uses),
allowing one-letter syllables (e-ten); a number or a placeholder ({phone:key}) counts as one word
of one syllable. A score is a signal, not a verdict: it says where to look.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import pyphen

from folderpers.checks.locate import WORD, locate
from folderpers.errors import Location
from folderpers.model.blocks import Passage
from folderpers.model.inline import plain_text

# A sentence ends at . ! ? (Arabic ؟) before a capital, a digit, or a letter of a script without
# capitals (Arabic): Latin (with Polish and Turkish capitals), Cyrillic, Arabic.
_SENTENCE_END = re.compile(r"(?<=[.!?؟])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9À-ÖØ-ÞĀ-žА-ЯЀ-ЏҐЄІЇ\u0621-\u064a])")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:bijv|bv|o\.a|d\.w\.z|dr|mr|mevr|dhr|nr|ca|enz|etc|i\.p\.v|m\.b\.t|t\.a\.v|"
                           r"incl|excl|vs|zgn)\.$", re.IGNORECASE)
_SHORTEST_HARD = 8  # words: a short sentence is rarely the one to rewrite, however long its words


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int
    syllables: int
    location: Location

    @property
    def flesch_douma(self) -> float:
        return douma(self.words, self.syllables, 1)


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    syllables: int
    long_words: int
    hardest: tuple[Sentence, ...]  # longest first (words + syllables)

    @property
    def average_sentence_words(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def flesch_douma(self) -> float:
        return douma(self.words, self.syllables, self.sentences)

    @property
    def long_word_percent(self) -> float:
        return 100 * self.long_words / self.words if self.words else 0.0

    def to_json(self) -> dict:
        return {"sentences": self.sentences, "words": self.words, "syllables": self.syllables,
                "average_sentence_words": round(self.average_sentence_words, 1),
                "flesch_douma": round(self.flesch_douma, 1), "long_word_percent": round(self.long_word_percent, 1),
                "hardest": [{"sentence": s.text, "flesch_douma": round(s.flesch_douma, 1), "words": s.words,
                             "location": str(s.location)} for s in self.hardest]}


def douma(words: int, syllables: int, sentences: int) -> float:
    if not words or not sentences:
        return 0.0
    return 206.84 - 0.77 * (100 * syllables / words) - 0.93 * (words / sentences)


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph: they end at . ! or ? before a capital or a digit."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if not _ABBREVIATION.search(text, 0, match.start()):
            sentences.append(text[start:match.start()])
            start = match.end()
    sentences.append(text[start:])
    return [sentence.strip() for sentence in sentences if WORD.search(sentence)]


def words(text: str) -> list[str]:
    return [match.group(0) for match in WORD.finditer(text)]


@cache
def _dictionary(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=language, left=1, right=1)


@lru_cache(maxsize=20_000)
def syllables(word: str, language: str = "nl_NL") -> int:
    if word.startswith("{") or not any(character.isalpha() for character in word):
        return 1
    return sum(len(_dictionary(language).positions(part.lower())) + 1 for part in re.split(r"[-/]", word) if part)


def sentences_of(passages: Iterable[Passage]) -> Iterator[tuple[Passage, str]]:
    """The sentences of the running text (not headings, titles, alt texts or sources). A table
    cell counts only when it is a sentence: when it ends with . ! or ?."""
    for passage in passages:
        if passage.role not in ("prose", "cell"):
            continue
        text = plain_text(passage.nodes)
        if passage.role == "cell" and not text.rstrip().endswith((".", "!", "?")):
            continue
        for sentence in split_sentences(text):
            yield passage, sentence


def readability(passages: Iterable[Passage], long_word_syllables: int, hardest: int) -> Readability:
    measured = []
    for passage, text in sentences_of(passages):
        counts = [syllables(word) for word in words(text)]
        measured.append((passage, text, counts))
    total_words = sum(len(counts) for _, _, counts in measured)
    total_syllables = sum(sum(counts) for _, _, counts in measured)
    long_words = sum(1 for _, _, counts in measured for count in counts if count >= long_word_syllables)
    # Hardest first by length: words plus syllables, so a 40-word sentence comes before a short one with
    # long words (which a per-sentence Flesch-Douma score would put first); the score breaks ties.
    candidates = sorted((Sentence(text, len(counts), sum(counts), passage.location)
                         for passage, text, counts in measured if len(counts) >= _SHORTEST_HARD),
                        key=lambda sentence: (-(sentence.words + sentence.syllables), sentence.flesch_douma))[:hardest]
    located = tuple(Sentence(s.text, s.words, s.syllables, locate(s.location, s.text)[0]) for s in candidates)
    return Readability(len(measured), total_words, total_syllables, long_words, located)
