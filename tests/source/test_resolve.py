"""Resolving a folder for an institution: placeholders, contact blocks and includes."""

import pytest

from folderpers.errors import ResolveError
from folderpers.model.blocks import Callout, Contacts, Paragraphs
from folderpers.model.inline import FolderLink, Link, PhoneNumber, Text, plain_text
from folderpers.model.institution import Contact
from folderpers.source.load import load_folder, load_institution, load_snippets
from folderpers.source.resolve import resolve
from folderpers.source.schemas import SchemaSet

from support import MINIMAL_FOLDER, REPO

SCHEMAS = SchemaSet(REPO / "schemas")


def publish(tmp_project, text=MINIMAL_FOLDER, institution="alpha"):
    folder = load_folder(tmp_project.folder("demo", text), SCHEMAS)
    loaded = load_institution(tmp_project.root / f"institutions/{institution}/institution.yaml", SCHEMAS)
    return resolve(folder, loaded, load_snippets(tmp_project.root / "snippets", SCHEMAS))


def test_placeholders_take_each_institutions_own_numbers(tmp_project):
    alpha, beta = publish(tmp_project), publish(tmp_project, institution="beta")
    assert alpha.document_code == "ALF-TST-001" and beta.document_code == "BMC-TST-001"
    assert plain_text(alpha.intro[0]) == "Lees dit en bel 088 111 0001 met vragen."
    assert plain_text(beta.intro[0]) == "Lees dit en bel 088 222 0002 met vragen."
    callout = beta.blocks[3]
    assert isinstance(callout, Callout)
    assert callout.content[0].items[0] == (Text("Bel SEH Beta ("), PhoneNumber("088 222 0999", "tel:+31-88-222-0999"),
                                Text(") bij koorts."))


def test_email_hours_institution_and_website(tmp_project):
    text = MINIMAL_FOLDER + "  - text: '{institution}: {email:poli}, {hours:poli}, {website}'\n"
    block = publish(tmp_project, text).blocks[-1]
    assert isinstance(block, Paragraphs)
    assert block.paragraphs[0] == (Text("Alpha Ziekenhuis: "), Link("mailto:poli@alpha.example", (Text("poli@alpha.example"),)),
                                   Text(", werkdagen 9.00 tot 17.00 uur, "), Link("https://alpha.example", (Text("alpha.example"),)))


def test_contacts_block_gets_registry_entries(tmp_project):
    block = publish(tmp_project, MINIMAL_FOLDER + "  - contacts: [poli, spoed]\n").blocks[-1]
    assert isinstance(block, Contacts) and all(isinstance(entry, Contact) for entry in block.entries)
    assert [entry.label for entry in block.entries] == ["Polikliniek Alpha", "Spoedeisende Hulp Alpha"]


def test_unknown_contact_names_file_line_and_institution(tmp_project):
    text = MINIMAL_FOLDER + "  - text: Bel {phone:pli}.\n  - contacts: [poli, seh]\n"
    with pytest.raises(ResolveError) as caught:
        publish(tmp_project, text)
    first, second = caught.value.problems
    assert "folder.yaml:17:15: contact 'pli' is not in 'contacts:' of institution 'alpha'" in str(first)
    assert "fix: did you mean 'poli', or add 'pli:' under 'contacts:' in institutions/alpha/institution.yaml" \
        in str(first)
    assert "folder.yaml:18:22: contact 'seh'" in str(second)
    assert "fix: add 'seh:' under 'contacts:'" in str(second)  # no stray "or" without a suggestion


def test_missing_email_is_an_error(tmp_project):
    with pytest.raises(ResolveError, match="contact 'spoed' of institution 'alpha' has no email"):
        publish(tmp_project, MINIMAL_FOLDER + "  - text: Mail {email:spoed}.\n")


def test_institution_snippet_wins_over_the_shared_one(tmp_project):
    tmp_project.write("snippets/verhinderd.yaml", "blocks:\n  - text: Algemeen, bel {phone:poli}.\n")
    tmp_project.write("institutions/beta/snippets/verhinderd.yaml", "blocks:\n  - text: Beta-tekst.\n")
    text = MINIMAL_FOLDER + "  - include: verhinderd\n"
    alpha, beta = publish(tmp_project, text), publish(tmp_project, text, "beta")
    assert plain_text(alpha.blocks[-1].paragraphs[0]) == "Algemeen, bel 088 111 0001."
    assert plain_text(beta.blocks[-1].paragraphs[0]) == "Beta-tekst."
    assert (tmp_project.root / "snippets").resolve() in alpha.asset_roots


def test_missing_circular_and_broken_snippets(tmp_project):
    tmp_project.write("snippets/rond.yaml", "blocks:\n  - include: rond\n")
    tmp_project.write("snippets/kapot.yaml", "blocks:\n  - text: [niet, goed]\n")
    text = MINIMAL_FOLDER + "  - include: verhinderd\n  - include: rond\n  - include: kapot\n"
    with pytest.raises(ResolveError) as caught:
        publish(tmp_project, text)
    messages = [str(problem) for problem in caught.value.problems]
    assert "folder.yaml:17:14: snippet 'verhinderd' not found for institution 'alpha'" in messages[0]
    assert "snippets/verhinderd.yaml" in messages[0]
    assert "rond.yaml:2:14: snippet 'rond' includes itself (rond -> rond)" in messages[1]
    assert "kapot.yaml:2:11: in the 'text' block, 'text' must be text or a mapping of keys, not a list" in messages[2]


def test_every_file_the_institution_refers_to_is_an_input_even_one_the_model_adds_later(tmp_project):
    """A new kind of institution file (say, a route map) rebuilds its outputs when it changes, without
    being listed anywhere: the inputs are found by walking the model."""
    import dataclasses
    from pathlib import Path

    from folderpers.model.institution import Institution

    @dataclasses.dataclass(frozen=True)
    class WithRouteMap(Institution):
        route_map: Path | None = None

    route_map = tmp_project.write("institutions/alpha/route.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    tmp_project.write("institutions/alpha/snippets/eigen.yaml", "blocks:\n  - text: Alleen bij Alpha.\n")
    folder = load_folder(tmp_project.folder("demo"), SCHEMAS)
    loaded = load_institution(tmp_project.root / "institutions/alpha/institution.yaml", SCHEMAS)
    extended = WithRouteMap(**{f.name: getattr(loaded, f.name) for f in dataclasses.fields(loaded)},
                            route_map=route_map)
    sources = set(resolve(folder, extended, load_snippets(tmp_project.root / "snippets", SCHEMAS)).sources)
    assert {route_map.resolve(), loaded.logo.resolve(), loaded.source.resolve(), folder.source.resolve(),
            (tmp_project.root / "institutions/alpha/snippets/eigen.yaml").resolve()} <= sources


FACTS = MINIMAL_FOLDER + """\
  - text: "{Name:poli} helpt u. Bel {name:poli}. Log in op {link:portaal}; zoek {term:portaal}."
"""


def test_name_link_and_term_placeholders(tmp_project):
    block = publish(tmp_project, FACTS).blocks[-1]
    assert block.paragraphs[0] == (
        Text("De polikliniek Alpha helpt u. Bel de polikliniek Alpha. Log in op "),
        Link("https://mijn.alpha.example/inloggen", (Text("het patiëntenportaal MijnAlpha"),), print_address=True),
        Text("; zoek MijnAlpha."))


def test_every_missing_fact_is_reported_at_once_with_kind_and_subject(tmp_project):
    with pytest.raises(ResolveError) as caught:
        publish(tmp_project, FACTS + "  - include: ontbreekt\n", institution="beta")
    found = {(problem.kind, problem.subject) for problem in caught.value.problems}
    assert found == {("name", "poli"), ("link", "portaal"), ("term", "portaal"), ("snippet", "ontbreekt")}
    link = next(p for p in caught.value.problems if p.kind == "link")
    assert "folder.yaml:17:" in str(link.location) and "add 'portaal:' under 'links:'" in link.hint


SCOPED = MINIMAL_FOLDER + """\
  - text: Alleen voor Alpha.
    only: [alpha]
  - text: Voor iedereen behalve Alpha.
    except: [alpha]
  - text:
      variants:
        alpha: Alpha vergoedt dit niet.
        default: Vraag uw zorgverzekeraar.
  - callout: info
    content:
      - text: Altijd.
      - list: [alleen beta]
        only: [beta]
"""


@pytest.mark.parametrize("institution, expected", [
    ("alpha", ["Alleen voor Alpha.", "Alpha vergoedt dit niet.", "Altijd."]),
    ("beta", ["Voor iedereen behalve Alpha.", "Vraag uw zorgverzekeraar.", "Altijd.", "alleen beta"]),
])
def test_only_except_and_variants_keep_what_the_institution_publishes(tmp_project, institution, expected):
    publication = publish(tmp_project, SCOPED, institution=institution)
    texts = [plain_text(p) for block in publication.blocks[4:] for p in
             (block.paragraphs if isinstance(block, Paragraphs) else
              [n for part in block.content for n in getattr(part, "paragraphs", getattr(part, "items", ()))])]
    assert texts == expected


def test_unknown_institution_in_only_is_an_error_with_suggestion(tmp_project):
    with pytest.raises(ResolveError, match=r"folder.yaml:18:12: unknown institution 'alfa'") as caught:
        publish(tmp_project, MINIMAL_FOLDER + "  - text: x\n    only: [alfa]\n")
    assert "did you mean 'alpha'?" in caught.value.problems[0].hint


def test_typed_phone_number_fails_and_names_the_registry_key(tmp_project):
    with pytest.raises(ResolveError) as caught:
        publish(tmp_project, MINIMAL_FOLDER + "  - text: Bel 088 - 111 00 01 of 088 999 1234.\n")
    known, unknown = caught.value.problems
    assert known.kind == "typed-phone" and "folder.yaml:17:15: phone number '088 - 111 00 01'" in str(known)
    assert "write {phone:poli}" in known.hint
    assert "add the number to 'contacts:'" in unknown.hint


def test_typed_phone_number_can_be_silenced(tmp_project):
    text = MINIMAL_FOLDER + "  - text: Bel 088 999 1234.\nchecks:\n  ignore:\n    - typed-phone: 088 999\n"
    publish(tmp_project, text)


def test_folder_link_gives_title_and_page_and_unknown_slug_is_an_error(tmp_project):
    tmp_project.folder("andere", MINIMAL_FOLDER.replace("title: Testfolder", "title: De andere folder"))
    publication = publish(tmp_project, MINIMAL_FOLDER + "  - text: Lees {folder:andere}.\n")
    assert publication.blocks[-1].paragraphs[0][1] == FolderLink("De andere folder", "andere.html", None)
    assert publication.related == ("andere",)
    with pytest.raises(ResolveError, match=r"folder.yaml:17:16: no folder 'ander' to link to") as caught:
        publish(tmp_project, MINIMAL_FOLDER + "  - text: Lees {folder:ander}.\n")
    assert "did you mean {folder:andere}?" in caught.value.problems[0].hint
