"""A hospital web page with navigation, a cookie bar and a footer, imported back."""

from __future__ import annotations

from pathlib import Path

import pytest

from folderpers.commands.import_ import import_source
from folderpers.importers.recall import Structure, words

CONTENT = """
<article>
  <h1>Een maagonderzoek</h1>
  <p>U krijgt een <strong>gastroscopie</strong>. Daarbij kijkt de arts met een <em>dunne slang</em> in uw maag.</p>
  <h2>Voorbereiding</h2>
  <p>Eet en drink vanaf 6 uur voor het onderzoek niets meer.</p>
  <ul><li>Neem uw medicijnlijst mee.</li><li>Neem uw verzekeringspas mee.</li></ul>
  <h3>Bloedverdunners</h3>
  <p>Overleg met de arts of u moet stoppen. Lees ook <a href="https://www.example.org/bloed">de uitleg van de
     trombosedienst</a>.</p>
  <h2>Het onderzoek</h2>
  <ol><li>U gaat op uw linkerzij liggen.</li><li>De arts brengt de slang in via uw mond.</li>
      <li>Het onderzoek duurt ongeveer tien minuten.</li></ol>
  <aside class="callout"><h3>Bel direct</h3><p>Bel {phone} als u koorts krijgt of bloed opgeeft.</p></aside>
  <table><tr><th>Wanneer</th><th>Wat</th></tr><tr><td>Dag 1</td><td>Rustig aan doen</td></tr></table>
</article>
"""
PAGE = """<!doctype html><html lang="nl"><head><title>Maagonderzoek | Ziekenhuis Westerhaven</title>
<script>var tracking = "verborgen";</script><style>.x {{}}</style></head><body>
<div id="cookie-banner"><p>Wij gebruiken cookies. Akkoord?</p><button>Accepteren</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/zorg">Patiëntenzorg</a></li></ul></nav>
  <form><input name="q"><button>Zoeken</button></form></header>
<div class="breadcrumb">Home / Folders / Maag</div>
<{wrapper}>{content}</{wrapper}>
<footer><p>© Ziekenhuis Westerhaven · Privacyverklaring · Disclaimer</p></footer>
</body></html>"""
NOISE = ("cookies", "accepteren", "home", "patiëntenzorg", "zoeken", "privacyverklaring", "verborgen", "folders")


@pytest.mark.parametrize("wrapper", ["main", "div"])  # with <main>, and a page that does not mark its content
def test_web_page_main_content_is_kept_and_noise_dropped(repo_project, tmp_path: Path, wrapper: str,
                                                         measure) -> None:
    content = CONTENT.replace("{phone}", "088 215 1111")
    if wrapper == "div":  # nothing marks the content: the rules for page furniture must do the work
        content = content.replace("article>", "div>")
    source = tmp_path / "maagonderzoek.html"
    source.write_text(PAGE.format(content=content, wrapper=wrapper), encoding="utf-8")
    result = import_source(repo_project, source)  # the page names Westerhaven: its registry is used
    assert result.folder.institution == "westerhaven"
    from lxml import html
    visible = " ".join(html.fromstring(content).itertext())
    source_words = words(visible)
    structure = Structure(tuple(" ".join(words(h)) for h in ("Een maagonderzoek", "Voorbereiding", "Bloedverdunners",
                                                             "Het onderzoek", "Bel direct")),
                          ((False, ("neem uw medicijnlijst mee", "neem uw verzekeringspas mee")),
                           (True, ("u gaat op uw linkerzij liggen", "de arts brengt de slang in via uw mond",
                                   "het onderzoek duurt ongeveer tien minuten"))))
    from folderpers.source.load import load_institution
    from folderpers.source.schemas import SchemaSet
    westerhaven = load_institution(repo_project.institutions / "westerhaven" / "institution.yaml",
                                   SchemaSet(repo_project.schemas))
    recall, headings, lists = measure(f"web page (content in <{wrapper}>)", source_words, structure,
                                      result.folder_yaml, westerhaven)
    assert recall >= 0.99
    assert (headings, lists) == (1.0, 1.0)
    text = result.folder_yaml.read_text(encoding="utf-8")
    assert not [word for word in NOISE if word in words(text)]
    assert "{phone:spoedeisende-hulp}" in text and "callout: alarm" in text
    report = result.report.read_text(encoding="utf-8")
    assert ("main content" if wrapper == "main" else "cookie-banner") in report


def test_pictures_that_cannot_be_figures_are_converted_or_reported(repo_project, tmp_path: Path) -> None:
    import base64
    from io import BytesIO

    from PIL import Image as PillowImage
    gif = BytesIO()
    PillowImage.new("RGB", (30, 20), (200, 0, 0)).save(gif, "GIF")
    source = tmp_path / "plaatjes.html"
    source.write_text(f"<main><h1>Plaatjes</h1><p>Tekst.</p>"
                      f"<img alt='Een rood vlak' src='data:image/gif;base64,{base64.b64encode(gif.getvalue()).decode()}'>"
                      "<img src='data:image/x-emf;base64,AQAAAGwAAAA='><img src='https://elders.example/foto.jpg'>"
                      "</main>", encoding="utf-8")
    result = import_source(repo_project, source)
    picture = result.folder_yaml.parent / "afbeelding-1.png"
    assert picture.read_bytes().startswith(b"\x89PNG")
    with PillowImage.open(picture) as converted:
        assert converted.size == (30, 20)
    assert "alt: Een rood vlak" in result.folder_yaml.read_text(encoding="utf-8")
    report = result.report.read_text(encoding="utf-8")
    assert "an image of type image/x-emf" in report and "'https://elders.example/foto.jpg'" in report
