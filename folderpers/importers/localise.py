"""Facts in imported text that belong to an institution's registry become placeholders.

A phone number that is a contact's number in the chosen institution's registry becomes
`{phone:key}` ("Label (number)" as the contact block writes it becomes `{contact:key}`), a
contact's e-mail address `{email:key}`, the institution's name `{institution}` and its web
address `{website}`. Numbers in no registry, or in another institution's, are kept as written and
reported, so that a person decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers

from folderpers.model.institution import Institution

_EMAIL = re.compile(r"[\w.+\\-]+@[\w-]+(?:\.[\w-]+)+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


@dataclass(frozen=True)
class Replacement:
    found: str  # the text as the source had it
    placeholder: str  # what it became, "" when it was kept
    note: str  # why it was kept, "" when replaced


class Registry:
    """The contact registries of the project's institutions; one of them is the one imported for."""

    def __init__(self, institutions: list[Institution], chosen: Institution | None):
        self.institutions = institutions
        self.chosen = chosen
        self.country = chosen.country if chosen else (institutions[0].country if institutions else "NL")
        self._phones: dict[str, list[tuple[Institution, str]]] = {}  # tel: URI -> (institution, key or "")
        for institution in institutions:
            self._phones.setdefault(institution.phone.uri, []).append((institution, ""))
            for key, contact in institution.contacts.items():
                self._phones.setdefault(contact.phone.uri, []).append((institution, key))

    def localise(self, markup: str) -> tuple[str, list[Replacement]]:
        """`markup` with registry facts as placeholders, and what was found (outside link targets only)."""
        replacements: list[Replacement] = []
        parts, last = [], 0
        for target in _LINK_TARGET.finditer(markup):
            parts.append(self._localise_text(markup[last:target.start()], replacements))
            parts.append(target.group(0))
            last = target.end()
        parts.append(self._localise_text(markup[last:], replacements))
        return "".join(parts), replacements

    def _localise_text(self, text: str, replacements: list[Replacement]) -> str:
        text = self._phone_numbers(text, replacements)
        chosen = self.chosen
        if chosen is None:
            return text
        for contact in chosen.contacts.values():
            if contact.email:
                escaped = re.escape(contact.email.replace("_", "\\_"))
                text, count = re.subn(rf"(?<![\w.@]){escaped}(?![\w@])", f"{{email:{contact.key}}}", text)
                replacements.extend([Replacement(contact.email, f"{{email:{contact.key}}}", "")] * count)
        text = self._hours(text, chosen, replacements)
        host = urlsplit(chosen.website).hostname or ""
        if host:
            bare = re.escape(host.removeprefix("www."))
            text, count = re.subn(rf"(?<![\w./-])(?:https?://)?(?:www\.)?{bare}/?(?![\w/-])", "{website}", text)
            replacements.extend([Replacement(host, "{website}", "")] * count)
        text, count = re.subn(rf"(?<!\w){re.escape(chosen.name)}(?!\w)", "{institution}", text)
        replacements.extend([Replacement(chosen.name, "{institution}", "")] * count)
        for email in _EMAIL.findall(text):
            replacements.append(Replacement(email, "", f"e-mail address {email} is in no contact of the registry: "
                                            "add it to a contact and write {email:key}, or keep it"))
        return text

    @staticmethod
    def _hours(text: str, chosen: Institution, replacements: list[Replacement]) -> str:
        """A contact's opening hours after a placeholder of that contact: `{hours:key}` (many contacts
        share the same hours, so only the contact the text names decides)."""
        for mention in re.finditer(r"\{(?:contact|phone|email):([a-z0-9_-]+)\}", text):
            hours = chosen.contacts[mention.group(1)].hours if mention.group(1) in chosen.contacts else None
            at = text.find(hours, mention.end()) if hours else -1
            if hours and at >= 0:
                placeholder = f"{{hours:{mention.group(1)}}}"
                text = text[:at] + placeholder + text[at + len(hours):]
                replacements.append(Replacement(hours, placeholder, ""))
        return text

    def _phone_numbers(self, text: str, replacements: list[Replacement]) -> str:
        out, last = [], 0
        for match in phonenumbers.PhoneNumberMatcher(text, self.country, leniency=phonenumbers.Leniency.VALID):
            uri = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.RFC3966)
            start, end, replacement = match.start, match.end, match.raw_string
            owners = self._phones.get(uri, [])
            mine = [key for institution, key in owners if institution is self.chosen]
            if match.raw_string.startswith("(") and ")" not in match.raw_string:
                start += 1  # the matcher took the bracket before the number: "Label (088 ...)" keeps its own
                replacement = text[start:end]
            found = replacement
            if mine and mine[0]:
                key = mine[0]
                label = self.chosen.contacts[key].label if self.chosen else ""
                before = text[last:start]
                if label and before.endswith(f"{label} (") and text[end:end + 1] == ")":
                    start, end, replacement = start - len(label) - 2, end + 1, f"{{contact:{key}}}"
                else:
                    replacement = f"{{phone:{key}}}"
                replacements.append(Replacement(found, replacement, ""))
            elif mine:
                replacements.append(Replacement(found, "", f"{found} is the general number of "
                                                f"{self.chosen.name if self.chosen else ''}: keep it, or use the "
                                                f"contact that fits with {{phone:key}}"))
            elif owners:
                where = ", ".join(f"{institution.id} ({key or 'general number'})" for institution, key in owners)
                replacements.append(Replacement(found, "", f"phone number {found} is in the "
                                                f"registry of {where}, not of the institution imported for: use a "
                                                "contact of its own with {phone:key}"))
            else:
                replacements.append(Replacement(found, "", f"phone number {found} is in no "
                                                "registry: add it as a contact to the institution and write "
                                                "{phone:key}, or keep it if it is not the institution's"))
            out.append(text[last:start])
            out.append(replacement)
            last = end
        out.append(text[last:])
        return "".join(out)
