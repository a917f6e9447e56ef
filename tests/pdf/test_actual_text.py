"""Text extracted from right-to-left PDFs, for generated text (not only the example folder): Arabic
words with harakat, tanwin and shadda, lam-alef, punctuation next to left-to-right passages,
numbers, phone numbers, Dutch names, e-mail addresses; Persian and Hebrew. Rendered by the real
renderer (WeasyPrint with folderpers' patches), repaired as a screen PDF is (pdf/actual_text.py),
read with pdftotext and pypdfium2."""

from __future__ import annotations

import io
import random
import re
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from folderpers.errors import Location
from folderpers.pdf.actual_text import repair_text
from folderpers.project import Project
from folderpers.render.pdf import PdfRenderer

from support import BIDI_CONTROLS, REPO, comparable, extracted_in_order

# Arabic words without marks (everyday vocabulary), and where marks may go.
WORDS = ["الطبيب", "المريض", "العلاج", "الدواء", "الألم", "الظهر", "الساق", "المستشفى", "موعد", "يوم",
         "ساعة", "كتب", "قرأ", "سأل", "بيت", "نقل", "جلس", "مكان", "صورة", "حقنة", "سبب", "قليل", "كثير",
         "لا", "إلا", "الإبرة", "لأن", "سلام", "فلان", "الآن", "علاج", "الأسبوع"]
HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0652"]  # fatha, damma, kasra, sukun
TANWIN = ["\u064b", "\u064c", "\u064d"]  # fathatan, dammatan, kasratan
SHADDA = "\u0651"
ALEFS = "اأإآ"
LAM_ALEF = {"ل" + alef for alef in ALEFS}
PUNCTUATION = ["،", ".", "؟", ":", "!", "؛"]
NAMES = ["Pijnpoli", "Radiologie", "Westerhaven", "Dijkstra"]  # one word each
LONG_NAMES = ["Spoedeisende Hulp", "Ziekenhuis Westerhaven", "dr. De Vries"]


def _marked(word: str, rng: random.Random, hamza: bool = False) -> str:
    """`word` with marks as Arabic writes them: on some letters a vowel (harakat; tanwin on the
    last letter), on some a shadda with or without a vowel (also on the lam of a lam-alef); with
    `hamza` also on an alef with hamza."""
    out = []
    for index, letter in enumerate(word):
        out.append(letter)
        if unicodedata.bidirectional(letter) != "AL" or (letter in ALEFS + "ىء" and not (hamza and letter in "أإ")):
            continue
        last = index == len(word) - 1
        if index and not last and rng.random() < 0.15 and letter not in ALEFS:
            out.append(SHADDA)
        if rng.random() < 0.35:
            out.append(rng.choice(TANWIN if last and rng.random() < 0.5 else HARAKAT))
    return unicodedata.normalize("NFC", "".join(out))


def _arabic(rng: random.Random, words: int, marks: bool) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    text = " ".join(_marked(word, rng) if marks else word for word in chosen)
    return text


def _paragraphs(kind: str, seed: int) -> list[str]:
    """Eight generated paragraphs of one kind, as HTML."""
    rng = random.Random(f"{kind}-{seed}")
    paragraphs = []
    for _ in range(8):
        before, after = _arabic(rng, rng.randint(2, 7), True), _arabic(rng, rng.randint(2, 7), True)
        punctuation = rng.choice(PUNCTUATION)
        if kind == "marks":
            middle = _arabic(rng, 6, True) + punctuation
        elif kind == "numbers":
            middle = rng.choice(["15", "38,5", "2026", "30", "1", "7,5"]) + " " + _arabic(rng, 1, False)
        elif kind == "phone":
            middle = f'<a dir="ltr" href="tel:+31882151780">088 215 {rng.randint(1000, 9999)}</a>{punctuation}'
        elif kind == "name":
            middle = f'<span lang="nl" dir="ltr">{rng.choice(NAMES)}</span>{punctuation}'
        elif kind == "long name":
            middle = f'<span lang="nl" dir="ltr">{rng.choice(LONG_NAMES)}</span>{punctuation}'
        elif kind == "contact":  # a name and a linked phone number in one left-to-right passage
            middle = (f'<span lang="nl" dir="ltr">{rng.choice(LONG_NAMES)} (<a dir="ltr" href="tel:+31882151111">'
                      f'088 215 {rng.randint(1000, 9999)}</a>)</span>{punctuation}')
        elif kind == "quoted":  # mirrored characters: quotation marks and brackets around Arabic words
            opening, closing = rng.choice(["«»", "()", "[]"])
            middle = f"{opening}{_arabic(rng, rng.randint(1, 3), True)}{closing}{punctuation}"
        elif kind == "email":
            middle = f'<a dir="ltr" href="mailto:a@b.example">pijnpoli@ziekenhuis.example</a>{punctuation}'
        else:
            raise AssertionError(kind)
        paragraphs.append(f"{before} {middle} {after}.")
    return paragraphs


# Hebrew words, pointed at random: a vowel (niqqud) on most letters, a dagesh on some, the dot of
# shin or sin on every ש.
HEBREW_WORDS = ["רופא", "מטופל", "שלום", "בית", "כאב", "טיפול", "שעה", "יום", "שבוע", "מרפאה", "זריקה", "גב",
                "רגל", "תרופה", "בדיקה", "אחות", "ללכת", "לשתות", "מים", "שאלה", "חולה", "מחר", "בוקר", "ערב"]
HEBREW_VOWELS = ["\u05b0", "\u05b2", "\u05b4", "\u05b5", "\u05b6", "\u05b7", "\u05b8", "\u05b9", "\u05bb"]


def _pointed_hebrew(seed: int) -> list[str]:
    rng = random.Random(f"hebrew-{seed}")
    paragraphs = []
    for _ in range(8):
        words = []
        for word in rng.choices(HEBREW_WORDS, k=rng.randint(3, 9)):
            out = []
            for letter in word:
                out.append(letter)
                if letter == "ש":
                    out.append(rng.choice(["\u05c1", "\u05c2"]))
                if letter in "בגדכפתקטמנלש" and rng.random() < 0.3:
                    out.append("\u05bc")  # dagesh
                if rng.random() < 0.7:
                    out.append(rng.choice(HEBREW_VOWELS))
            words.append(unicodedata.normalize("NFC", "".join(out)))
        paragraphs.append(" ".join(words) + rng.choice([".", ",", "?", ":"]))
    return paragraphs


PERSIAN = ["بیمار باید ۱۵ دقیقه صبر کند.", "پزشک گفت درد شما کمتر خواهد بود.",
           "این گچ را چهار هفته نگه دارید؛ ژل سرد کمک خواهد کرد.", "با شماره ۰۸۸ تماس بگیرید."]
HEBREW = ["הרופא אמר שהכאב יעבור בעוד שבוע.", "יש לצום שש שעות לפני הטיפול.", "התקשרו למרפאה בכל שאלה."]
PERSIAN_ZWNJ = ["پزشک گفت: «درد شما کمتر می‌شود»."]
# Persian words, some with a ZERO WIDTH NON-JOINER (it keeps two letters from joining; drawn as nothing)
PERSIAN_WORDS = ["می‌شود", "نمی‌خواهند", "کتاب‌ها", "درخت‌ها", "بیمارستان‌ها", "می‌روند", "خانه‌ای", "پزشک", "درد",
                 "بیمار", "دارو", "امروز", "فردا", "ساعت", "آب", "گچ", "هفته", "کمتر", "تماس", "بگیرید"]


def _persian(seed: int) -> list[str]:
    rng = random.Random(f"persian-{seed}")
    paragraphs = []
    for _ in range(8):
        before, quoted, after = (" ".join(rng.choices(PERSIAN_WORDS, k=rng.randint(1, 4))) for _ in range(3))
        opening, closing = rng.choice(["«»", "()"])
        paragraphs.append(f"{before}{rng.choice([':', '،', ''])} {opening}{quoted}{closing} {after} "
                          f"{rng.choice(['۱۵', '۲', '۳۰'])} {rng.choice(PERSIAN_WORDS)}{rng.choice(['.', '؟', '؛'])}")
    return paragraphs


@pytest.fixture(scope="module")
def renderer() -> PdfRenderer:
    return PdfRenderer(Project(REPO))


def _render(renderer: PdfRenderer, tmp_path: Path, language: str, paragraphs: list[str], repaired: bool = True
            ) -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    html = (f'<html lang="{language}" dir="rtl"><head><title>T</title></head><body style="font-family: '
            f'Noto Naskh Arabic, Noto Sans Hebrew, Lato; font-size: 11pt; width: 12cm">{body}</body></html>')
    data = renderer.render(html, tmp_path, (tmp_path,), Location(tmp_path / "folder.yaml"), []).data
    if not repaired:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        repair_text(pdf, "rtl")
        output = io.BytesIO()
        pdf.save(output)
        return output.getvalue()


def _pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def _pdfium(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()


def _source(paragraph: str) -> str:
    """The text of a paragraph of HTML (the generated HTML has tags and no entities)."""
    return re.sub(r"<[^>]+>", "", paragraph)


KINDS = ["marks", "numbers", "quoted", "name", "long name", "email", "phone", "contact"]


@pytest.mark.parametrize("extract", [_pdftotext, _pdfium], ids=["pdftotext", "pypdfium2"])
@pytest.mark.parametrize("kind", KINDS)
def test_generated_arabic_text_comes_out_as_written(renderer, tmp_path, kind, extract):
    """Every paragraph, in order: the marks with their letters, a left-to-right passage (the words of
    a name, the groups of a phone number) in its own order, punctuation on its side."""
    for seed in range(3):
        paragraphs = _paragraphs(kind, seed)
        extracted = extract(_render(renderer, tmp_path, "ar", paragraphs))
        assert extracted_in_order(extracted, [_source(p) for p in paragraphs], comparable) == []


LAM_ALEF_WORDS = ["لأن", "الألم", "الإبرة", "الأسبوع", "إلا", "سلام", "فلان", "الآن", "علاج"]


@pytest.mark.parametrize("extract", [_pdftotext, _pdfium], ids=["pdftotext", "pypdfium2"])
def test_marks_on_the_alef_of_a_lam_alef_come_out_with_it(renderer, tmp_path, extract):
    """The alef of a lam-alef is drawn over the lam, without advance: with a mark of its own it was
    mapped to nothing (the alef lost)."""
    for seed in range(3):
        rng = random.Random(f"lam-alef-{seed}")
        paragraphs = [" ".join(_marked(rng.choice(LAM_ALEF_WORDS), rng, hamza=True) for _ in range(6)) + "."
                      for _ in range(8)]
        assert "أَ" in "".join(paragraphs) or "إِ" in "".join(paragraphs) or "أُ" in "".join(paragraphs)
        extracted = extract(_render(renderer, tmp_path, "ar", paragraphs))
        assert extracted_in_order(extracted, paragraphs, comparable) == []


@pytest.mark.parametrize("extract", [_pdftotext, _pdfium], ids=["pdftotext", "pypdfium2"])
def test_marks_on_the_lam_of_a_lam_alef_come_out_with_it(renderer, tmp_path, extract):
    """The ligature stands for the lam, its marks, the alef and its marks (إِلَّا: a shadda and a
    fatha on the lam): every word has a mark on its lam-alef's lam, and some on the alef too."""
    for seed in range(3):
        rng = random.Random(f"lam-{seed}")
        words = []
        for _ in range(48):
            word = _marked(rng.choice(LAM_ALEF_WORDS), rng, hamza=True)
            lam = re.search(f"ل(?=[{ALEFS}])", word)  # a lam-alef whose lam has no mark yet
            if lam is not None:
                mark = rng.choice([SHADDA + rng.choice(HARAKAT[:3]), *HARAKAT])
                word = unicodedata.normalize("NFC", word[:lam.end()] + mark + word[lam.end():])
            words.append(word)
        assert all(re.search(f"ل[\u064b-\u0652]+[{ALEFS}]", word) for word in words)  # a mark on every lam
        paragraphs = [" ".join(words[index:index + 6]) + "." for index in range(0, 48, 6)]
        extracted = extract(_render(renderer, tmp_path, "ar", paragraphs))
        assert extracted_in_order(extracted, paragraphs, comparable) == []


def _spaced(text: str) -> str:
    """Text with each run of whitespace (a line break too) as one space, bidi controls taken out."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text.translate(BIDI_CONTROLS))).strip()


@pytest.mark.parametrize("kind", KINDS)
def test_pdftotext_puts_the_spaces_of_generated_arabic_where_they_are(renderer, tmp_path, kind):
    """The comparisons above ignore whitespace; here it counts. poppler read the space after a number
    or a period before it ("حوالي  15دقيقة"), and a colon with the quotation mark after it "«:"."""
    for seed in range(3):
        paragraphs = _paragraphs(kind, seed)
        extracted = _spaced(_pdftotext(_render(renderer, tmp_path, "ar", paragraphs)))
        assert [p for p in paragraphs if _spaced(_source(p)) not in extracted] == []


@pytest.mark.parametrize("language, paragraphs", [
    ("fa", PERSIAN), ("he", HEBREW),
    *[pytest.param("he", _pointed_hebrew(seed), id=f"he-pointed-{seed}") for seed in range(3)],
    pytest.param("fa", PERSIAN_ZWNJ, id="fa-zwnj"),
    *[pytest.param("fa", _persian(seed), id=f"fa-generated-{seed}") for seed in range(3)]])
@pytest.mark.parametrize("extract", [_pdftotext, _pdfium], ids=["pdftotext", "pypdfium2"])
def test_persian_and_hebrew_come_out_as_written(renderer, tmp_path, language, paragraphs, extract):
    extracted = extract(_render(renderer, tmp_path, language, paragraphs))
    assert extracted_in_order(extracted, paragraphs, comparable) == []


@pytest.mark.parametrize("language, paragraphs", [
    ("ar", _paragraphs("marks", 0) + _paragraphs("contact", 0) + _paragraphs("quoted", 0) + _paragraphs("numbers", 0)),
    ("he", _pointed_hebrew(0)), ("fa", _persian(0))], ids=["ar", "he", "fa"])
def test_the_repair_changes_no_pixel(renderer, tmp_path, language, paragraphs):
    """Raised marks, marks on the baseline, punctuation, numbers, brackets: repaired, the same picture."""
    images = []
    for repaired in (False, True):
        path = tmp_path / f"{repaired}.pdf"
        path.write_bytes(_render(renderer, tmp_path, language, paragraphs, repaired))
        subprocess.run(["pdftoppm", "-r", "110", "-png", str(path), str(tmp_path / str(repaired))], check=True)
        images.append(sorted(tmp_path.glob(f"{repaired}-*.png")))
    assert len(images[0]) == len(images[1]) >= 1
    for before, after in zip(*images, strict=True):
        assert before.read_bytes() == after.read_bytes()
    with pikepdf.open(tmp_path / "True.pdf") as pdf:
        assert pdf.Root.ViewerPreferences.Direction == pikepdf.Name.R2L
        assert b"/ActualText" in b"".join(page.Contents.read_bytes() for page in pdf.pages)
