"""PDFs imported back: an example folder as the project's own pipeline renders it (round trip:
folder → PDF → import → build), a plain untagged WeasyPrint PDF, text copied out of it, and the
files that must be refused."""

from __future__ import annotations

import base64
from io import BytesIO
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import weasyprint
import yaml
from lxml import html
from PIL import Image as PillowImage

from folderpers.build.pipeline import build
from folderpers.commands.import_ import import_source
from folderpers.importers.errors import UnreadableSourceError
from folderpers.importers.recall import Structure, folder_text, words
from folderpers.source.load import load_institution
from folderpers.source.schemas import SchemaSet

from support import REPO, options

TITLE = "<h1>Herstel na een heupoperatie</h1>"
SECTIONS = """
<p>Na uw operatie herstelt u eerst in het ziekenhuis. Daarna gaat u naar huis of naar een revalidatiecentrum.
   In deze folder leest u wat u in de eerste weken kunt verwachten en wat u zelf kunt doen.</p>
<h2>De eerste dagen</h2>
<p>De fysiotherapeut helpt u de eerste dag al uit bed. U leert lopen met een rollator of met krukken.
   Elke dag loopt u een stukje verder. Zo wordt uw nieuwe heup sterker.</p>
<ul><li>Draag stevige schoenen met een platte zool.</li><li>Zit op een hoge stoel met armleuningen.</li>
    <li>Buig uw heup de eerste zes weken niet verder dan negentig graden.</li></ul>
<img src="data:image/png;base64,{PICTURE}" style="width: 4cm">
<h2>Thuis</h2>
<p>Thuis gaat het herstel verder. Verdeel uw activiteiten over de dag en rust tussendoor.</p>
<ol><li>Doe elke ochtend de oefeningen die u van de fysiotherapeut kreeg.</li>
    <li>Wandel twee keer per dag een kwartier.</li><li>Maak de afstand elke week een beetje langer.</li></ol>
<h3>Pijnstillers</h3>
<p>Neem de eerste weken op vaste tijden paracetamol. Bouw dit af als de pijn minder wordt. Een verpleegkundige
   bespreekt dit met u voordat u naar huis gaat.</p>
<h2>Wanneer belt u?</h2>
<p>Bel de polikliniek als de wond rood, warm of dik wordt, of als u koorts krijgt boven 38,5 graden.</p>
"""
_PNG = BytesIO()
PillowImage.new("RGB", (80, 60), (40, 120, 200)).save(_PNG, "PNG")
SECTIONS = SECTIONS.replace("{PICTURE}", base64.b64encode(_PNG.getvalue()).decode())
ARTICLE = TITLE + SECTIONS.replace("<h2>", "<h2>Deel 1: ") + SECTIONS.replace("<h2>", "<h2>Deel 2: ")  # several pages
STYLE = "@page { size: A5; margin: 2cm 1.8cm; @bottom-center { content: 'Pagina ' counter(page); font-size: 8pt } }" \
        " body { font-family: 'DejaVu Sans'; font-size: 10pt; hyphens: auto } h1 { font-size: 20pt }" \
        " h2 { font-size: 15pt } h3 { font-size: 12pt }"


def _source_words() -> list[str]:
    return words(" ".join(html.fromstring(f"<div>{ARTICLE}</div>").itertext()))


def _structure() -> Structure:
    root = html.fromstring(f"<div>{ARTICLE}</div>")
    headings = tuple(dict.fromkeys(" ".join(words(h.text_content())) for h in root.xpath("//h1|//h2|//h3")))
    lists = tuple((element.tag == "ol", tuple(" ".join(words(li.text_content())) for li in element.iter("li")))
                  for element in root.xpath("//ul|//ol"))
    return Structure(headings, lists)


@pytest.fixture(scope="module")
def plain_pdf(tmp_path_factory) -> Path:
    """An untagged PDF straight from WeasyPrint, hyphenated, with page numbers in the footer."""
    path = tmp_path_factory.mktemp("plain") / "heupoperatie.pdf"
    weasyprint.HTML(string=f"<html lang='nl'><style>{STYLE}</style><body>{ARTICLE}</body></html>").write_pdf(path)
    return path


def test_round_trip_keeps_headings_lists_steps_callouts_and_contacts(example_build, repo_project, filled_in,
                                                                     measure) -> None:
    dist, _ = example_build
    pdf = dist / "westerhaven" / "vertebroplastiek.pdf"
    result = import_source(repo_project, pdf)
    assert result.folder.institution == "westerhaven"  # chosen because the PDF names it
    westerhaven = load_institution(REPO / "institutions/westerhaven/institution.yaml", SchemaSet(REPO / "schemas"))
    source = REPO / "folders/vertebroplastiek/folder.yaml"
    recall, headings, lists = measure("PDF round trip (pipeline)", *folder_text(source, westerhaven),
                                      result.folder_yaml, westerhaven)
    assert recall >= 0.97
    assert headings == 1.0 and lists == 1.0
    original, imported = (yaml.safe_load(path.read_text("utf-8")) for path in (source, result.folder_yaml))
    kinds = {block.get("callout") for block in imported["blocks"] if "callout" in block}
    assert {block["callout"] for block in original["blocks"] if "callout" in block} <= kinds
    assert [block["contacts"] for block in imported["blocks"] if "contacts" in block] == \
        [block["contacts"] for block in original["blocks"] if "contacts" in block]
    assert sum(1 for block in imported["blocks"] if "steps" in block) >= 2
    for kind in ("faq", "sources"):  # read back as what they were, with their titles
        assert [(block["title"], len(block[kind])) for block in imported["blocks"] if kind in block] == \
            [(block["title"], len(block[kind])) for block in original["blocks"] if kind in block]
    figures = [block for block in imported["blocks"] if "figure" in block]  # the drawing, rendered, with its alt
    assert [figure["alt"] for figure in figures] == [block["alt"] for block in original["blocks"] if "figure" in block]
    assert (result.folder_yaml.parent / figures[0]["figure"]).read_bytes().startswith(b"\x89PNG")
    assert [block["table"] for block in imported["blocks"] if "table" in block] == \
        [block["table"] for block in original["blocks"] if "table" in block]  # rebuilt from the cells' columns
    for key in ("title", "subtitle", "code", "department", "owner", "version", "approved", "review"):
        assert str(imported[key]) == str(original[key]), key  # from the PDF's properties and colophon
    text = result.folder_yaml.read_text(encoding="utf-8")
    assert "{phone:radiologie}" in text and "{institution}" in text and "{email:radiologie}" in text
    filled_in(result.folder_yaml)
    report = build(repo_project, options(institutions=("westerhaven",), formats=("pdf",)))
    assert report.ok, [str(outcome) for outcome in report.failures]


def test_text_copied_out_of_a_folderpers_pdf(example_build, repo_project, tmp_path: Path, measure) -> None:
    """The pipeline's PDF as text (running headers, page numbers, cover and back cover copied along)."""
    dist, _ = example_build
    with pdfplumber.open(dist / "westerhaven" / "vertebroplastiek.pdf") as pdf:
        copied = "\n".join(page.extract_text() for page in pdf.pages)
    source = tmp_path / "vertebroplastiek.txt"
    source.write_text(copied, encoding="utf-8")
    result = import_source(repo_project, source, institution_id="westerhaven")
    westerhaven = load_institution(REPO / "institutions/westerhaven/institution.yaml", SchemaSet(REPO / "schemas"))
    recall, headings, lists = measure("text copied out of the pipeline's PDF",
                                      *folder_text(REPO / "folders/vertebroplastiek/folder.yaml", westerhaven),
                                      result.folder_yaml, westerhaven)
    assert recall >= 0.97
    assert headings == 1.0 and lists == 1.0
    imported = yaml.safe_load(result.folder_yaml.read_text(encoding="utf-8"))
    assert (imported["title"], imported["subtitle"], imported["code"], imported["version"]) == (
        "Vertebroplastiek", "Een ingezakte wervel verstevigen met botcement", "RAD-014", "2.1")
    assert {"contacts": ["radiologie", "dagbehandeling", "afsprakenbureau"]} in imported["blocks"]


def test_plain_weasyprint_pdf(plain_pdf: Path, repo_project, filled_in, measure) -> None:
    result = import_source(repo_project, plain_pdf)
    recall, headings, lists = measure("PDF from plain WeasyPrint", _source_words(), _structure(), result.folder_yaml)
    assert recall >= 0.97
    assert headings == 1.0 and lists == 1.0
    text = result.folder_yaml.read_text(encoding="utf-8")
    assert "Pagina" not in text  # the running footer is gone
    assert text.count("alt: 'TODO: beschrijf wat de afbeelding laat zien'") == 2  # both pictures, no alt in the PDF
    assert (result.folder_yaml.parent / "afbeelding-2.png").read_bytes().startswith(b"\x89PNG")
    filled_in(result.folder_yaml)
    assert build(repo_project, options(formats=("web",))).ok


@pytest.mark.parametrize("bullet", ["•", "\uf0b7"])  # as copied from a PDF; U+F0B7: Symbol-font bullet (private use)
def test_text_copied_out_of_a_pdf(plain_pdf: Path, repo_project, tmp_path: Path, bullet: str, measure) -> None:
    with pdfplumber.open(plain_pdf) as pdf:
        copied = "\n".join(page.extract_text() for page in pdf.pages).replace("•", bullet)
    source = tmp_path / "heupoperatie.txt"
    source.write_text(copied, encoding="utf-8")
    result = import_source(repo_project, source)
    recall, headings, lists = measure(f"text copied out of that PDF, bullets U+{ord(bullet):04X}", _source_words(),
                                      _structure(), result.folder_yaml)
    assert recall >= 0.97
    assert headings == 1.0 and lists == 1.0


def _encrypted(plain: Path, target: Path) -> Path:
    with pikepdf.open(plain) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(owner="eigenaar", user="geheim"))
    return target


def _scanned(_: Path, target: Path) -> Path:
    PillowImage.new("RGB", (600, 800), (250, 250, 250)).save(target, "PDF")
    return target


def _damaged(plain: Path, target: Path) -> Path:
    target.write_bytes(plain.read_bytes()[:400])
    return target


@pytest.mark.parametrize(("make", "message"), [(_encrypted, "encrypted"), (_scanned, "it is a scan"),
                                               (_damaged, "damaged")])
def test_unusable_pdf_is_refused_and_nothing_written(plain_pdf, repo_project, tmp_path, make, message) -> None:
    source = make(plain_pdf, tmp_path / "folder.pdf")
    with pytest.raises(UnreadableSourceError, match=message):
        import_source(repo_project, source)
    assert list(repo_project.folders.iterdir()) == []
