"""Stage 1: load and validate source files into the model (folders, snippets, institutions).

Each loader reads one file with `yamlsource`, checks it against its JSON Schema, then builds frozen
model objects, checking what a schema cannot say (real dates, valid phone numbers, image files).
All problems found in one file are reported together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from folderpers.errors import Problem, SourceError
from folderpers.model.blocks import TextRole
from folderpers.model.folder import Change, Folder, Ignore, Snippet
from folderpers.model.institution import Address, Colors, Contact, Institution, NamedLink
from folderpers.project import translation_language
from folderpers.source.names import check_directory_name
from folderpers.source.phones import parse_phone
from folderpers.source.reader import SourceReader, read_blocks
from folderpers.source.schemas import SchemaSet
from folderpers.source.yamlsource import SourceDocument, YamlPath, load_yaml

DEFAULT_TINT = "#f2f4f7"


FOLDER_TEXTS: Mapping[str, TextRole] = {"title": "label", "subtitle": "label", "intro": "prose"}
INSTITUTION_TEXTS: Mapping[str, TextRole] = {"logo_alt": "alt"}


def load_folder(source: Path, schemas: SchemaSet) -> Folder:
    check_directory_name(source, "folder")
    document = load_yaml(source)
    schemas.check(document, "folder")
    if "imported" in document.data:
        raise SourceError(*_unreviewed_import(document))
    reader = SourceReader(document, FOLDER_TEXTS)
    data = document.data
    language = data.get("language", "nl")
    declared = translation_language(source)
    if declared and declared != language:
        raise SourceError(Problem(document.location(("language",)),
                                  f"file name says language {declared!r} but 'language' is {language!r}",
                                  f"set 'language: {declared}' or rename the file to folder.{language}.yaml"))
    approved, review = _date(document, ("approved",)), _date(document, ("review",))
    if review <= approved:
        raise SourceError(Problem(document.location(("review",)), f"review date {review} is not after the "
                                  f"approval date {approved}", "set a review date after the approval date"))
    institutions = data.get("institutions", "all")
    return Folder(
        slug=source.parent.name,
        source=source,
        title=reader.text(("title",)),
        subtitle=reader.optional_text(data, (), "subtitle") or "",
        intro=reader.optional_paragraphs(data, (), "intro"),
        code=data["code"],
        language=language,
        department=data["department"].strip(),
        owner=data["owner"].strip(),
        version=data["version"],
        approved=approved,
        review=review,
        institutions=None if institutions == "all" else tuple(institutions),
        paper=data.get("paper", "A5"),
        keywords=tuple(data.get("keywords", ())),
        changes=tuple(Change(entry["version"], _date(document, ("changes", index, "date")), entry["what"].strip())
                      for index, entry in enumerate(data.get("changes", ()))),
        blocks=read_blocks(reader, ("blocks",)),
        is_translation=declared is not None,
        key_locations={key: document.location((key,)) for key in data},
        passages=tuple(reader.passages),
        ignore=_ignore(document),
        variations=tuple(reader.variations),
        institution_refs=tuple(reader.institution_refs),
    )


def load_snippet(source: Path, schemas: SchemaSet) -> Snippet:
    document = load_yaml(source)
    schemas.check(document, "snippet")
    reader = SourceReader(document)
    blocks = read_blocks(reader, ("blocks",))
    for index, block in enumerate(blocks):
        if block.kind == "pagebreak":
            raise SourceError(Problem(document.location(("blocks", index)), "a snippet cannot hold a page break",
                                      "put '- pagebreak: true' in the folder, before or after the include"))
    return Snippet(source.stem, source, blocks, tuple(reader.passages), _ignore(document), tuple(reader.variations),
                   tuple(reader.institution_refs))


def load_snippets(directory: Path, schemas: SchemaSet) -> dict[str, Snippet | SourceError]:
    """Every snippet in `directory` by name. A broken one maps to its error, so that only the
    publications that include it fail (with its problems), not everything else."""
    snippets: dict[str, Snippet | SourceError] = {}
    for source in sorted(directory.glob("*.yaml")):
        try:
            snippets[source.stem] = load_snippet(source, schemas)
        except SourceError as error:
            snippets[source.stem] = error
    return snippets


def load_institution(source: Path, schemas: SchemaSet) -> Institution:
    check_directory_name(source, "institution")
    document = load_yaml(source)
    schemas.check(document, "institution")
    data = document.data
    country = data.get("country", "NL")
    contacts, phones, problems = {}, {}, []
    for at in [("phone",), *(("contacts", key, "phone") for key in data["contacts"])]:
        try:
            phones[at] = parse_phone(document.get(at), country)
        except ValueError as error:
            problems.append(Problem(document.location(at), str(error), "write the number with its area code, "
                                    "e.g. 088 123 4567, or +32 ... for another country"))
    for key, entry in data["contacts"].items():
        if ("contacts", key, "phone") in phones:
            contacts[key] = Contact(key, entry["label"].strip(), phones[("contacts", key, "phone")],
                                    entry.get("hours"), entry.get("email"),
                                    entry["name"].strip() if "name" in entry else None, entry.get("article", ""))
    reader = SourceReader(document, INSTITUTION_TEXTS)
    try:
        logo = reader.image(("logo",))
    except SourceError as error:
        problems.extend(error.problems)
    if problems:
        raise SourceError(*problems)
    colors = data["colors"]
    return Institution(
        id=source.parent.name,
        source=source,
        name=data["name"].strip(),
        code_prefix=data["code_prefix"],
        logo=logo,
        logo_alt=reader.text(("logo_alt",)),
        colors=Colors(colors["primary"], colors["accent"], colors.get("tint", DEFAULT_TINT),
                      {name: _cmyk(value) for name, value in colors["cmyk"].items()}
                      if "cmyk" in colors else None),
        font=data["font"].strip(),
        font_location=document.location(("font",)),
        country=country,
        address=Address(**{k: v.strip() for k, v in data["address"].items()}),
        website=data["website"],
        phone=phones[("phone",)],
        contacts=contacts,
        snippets=load_snippets(source.parent / "snippets", schemas),
        base_url=data["base_url"].rstrip("/") if "base_url" in data else None,
        print_condition=data.get("print_condition", "FOGRA39"),
        links={key: NamedLink(entry["label"].strip(), entry["url"]) for key, entry in data.get("links", {}).items()},
        terms={key: text.strip() for key, text in data.get("terms", {}).items()},
        language=data.get("language", "nl"),
        language_fonts={code: name.strip() for code, name in data.get("language_fonts", {}).items()},
        passages=tuple(reader.passages),
    )


def _unreviewed_import(document: SourceDocument) -> list[Problem]:
    """An imported folder is refused until a person has reviewed it and deleted `imported:`; the
    metadata the import could not find (TODO) is named too, so the author sees all that is left."""
    problems = [Problem(document.location(("imported",)), f"this folder was imported from "
                        f"{document.data['imported']!r} and has not been reviewed: it is not built or published",
                        "check every '# REVIEW:' comment in this file, fill in what says TODO, then delete the "
                        "'imported:' line")]

    def todo(value: Any, at: YamlPath) -> Iterator[Problem]:
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from todo(inner, (*at, key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                yield from todo(inner, (*at, index))
        elif isinstance(value, str) and value.startswith("TODO"):
            name = ".".join(str(part) for part in at)
            yield Problem(document.location(at), f"'{name}' is still TODO",
                          "fill in the real value (the '# REVIEW:' comment above it says what)")

    return problems + list(todo(document.data, ()))


def _ignore(document: SourceDocument) -> tuple[Ignore, ...]:
    """`checks: ignore:` entries: a warning kind, or `kind: subject` (validated by the schema)."""
    entries = document.data.get("checks", {}).get("ignore", [])
    result = []
    for index, entry in enumerate(entries):
        kind, subject = next(iter(entry.items())) if isinstance(entry, dict) else (entry, "")
        result.append(Ignore(kind, subject.strip(), document.location(("checks", "ignore", index))))
    return tuple(result)


def _cmyk(percentages: list[str]) -> tuple[float, float, float, float]:
    """C, M, Y, K in percent (validated: four whole numbers) as fractions 0..1."""
    c, m, y, k = (int(part) / 100 for part in percentages)
    return c, m, y, k


def _date(document: SourceDocument, at: YamlPath) -> date:
    text = document.get(at)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SourceError(Problem(document.location(at), f"{text!r} is not a real date",
                                  "write an existing date as YYYY-MM-DD")) from None
