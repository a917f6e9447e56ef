"""Phone numbers from the institution registry: checked and written one way everywhere."""

from __future__ import annotations

from collections.abc import Iterator

import phonenumbers

from folderpers.model.inline import PhoneNumber


def parse_phone(text: str, country: str) -> PhoneNumber:
    """Parse `text` (any common notation) as a number in `country`; raise ValueError if it is no valid number.

    Numbers of the institution's own country are shown in national notation (088 123 4567),
    others internationally (+32 ...); short numbers such as 112 are kept as they are.
    """
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"{text!r} is not a phone number ({error._msg})") from None
    if phonenumbers.is_valid_number(number):
        own_country = phonenumbers.region_code_for_number(number) == country
        style = phonenumbers.PhoneNumberFormat.NATIONAL if own_country else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        return PhoneNumber(phonenumbers.format_number(number, style),
                           phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966))
    if phonenumbers.is_valid_short_number_for_region(number, country):
        digits = phonenumbers.national_significant_number(number)
        return PhoneNumber(digits, f"tel:{digits}")
    raise ValueError(f"{text!r} is not a valid phone number in {country}")


def typed_numbers(text: str, region: str) -> Iterator[tuple[str, str]]:
    """Phone numbers typed in `text`: (as typed, E.164), for the check that they come from the registry."""
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        yield match.raw_string, phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)


def e164(number: PhoneNumber) -> str:
    """A registry number in E.164 (+31882151800), to compare numbers however they were written."""
    return "+" + "".join(character for character in number.uri if character.isdigit())
