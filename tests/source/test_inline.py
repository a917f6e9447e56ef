import pytest

from folderpers.errors import Location
from folderpers.model.inline import Emphasis, Link, Placeholder, Strong, Text, plain_text
from folderpers.source.inline import MarkupError, parse_inline

HERE = Location("x.yaml", 1, 1)


def parse(text):
    return parse_inline(text, lambda offset: Location("x.yaml", 1, 1 + offset))


def test_bold_italic_and_links():
    nodes = parse("Dit is **vet**, *schuin* en [de website](https://example.org).")
    assert nodes == (Text("Dit is "), Strong((Text("vet"),)), Text(", "), Emphasis((Text("schuin"),)),
                     Text(" en "), Link("https://example.org", (Text("de website"),)), Text("."))


def test_html_and_template_syntax_stay_literal_text():
    source = "<script>alert(1)</script> {{ 7*7 }} {% if x %} <img src=x onerror=alert(1)>"
    assert plain_text(parse(source)) == source


def test_placeholders_with_their_location():
    nodes = parse("Bel {phone:poli} of mail {email:poli}; zie {website}.")
    placeholders = [node for node in nodes if isinstance(node, Placeholder)]
    assert [(p.kind, p.key) for p in placeholders] == [("phone", "poli"), ("email", "poli"), ("website", "")]
    assert placeholders[0].location.column == 1 + len("Bel ")


def test_escaped_brace_is_not_a_placeholder():
    assert plain_text(parse(r"schrijf \{phone:poli}")) == "schrijf {phone:poli}"
    assert not any(isinstance(node, Placeholder) for node in parse(r"schrijf \{phone:poli}"))


@pytest.mark.parametrize("source, message, hint", [
    ("Bel {phnoe:poli}", "unknown placeholder {phnoe:poli}", "did you mean {phone:poli}"),
    ("Bel {phone}", "needs a contact key", "{phone:key}"),
    ("Zie {website:x}", "takes no key", "{website}"),
    ("[klik](javascript:alert(1))", "not allowed", "https://"),
    ("[tekst](file:///etc/passwd)", "not allowed", "https://"),
    ("[tekst](folder.pdf)", "not allowed", "https://"),
    ("[](https://example.org)", "has no text", "descriptive text"),
])
def test_markup_errors_say_what_and_how_to_fix(source, message, hint):
    with pytest.raises(MarkupError) as caught:
        parse(source)
    assert message in caught.value.message and hint in caught.value.hint


@pytest.mark.parametrize("source, column, message, hint", [
    ("Bel {phone:poli. Dan", 5, "'{phone:poli.' is not closed with '}'", "write {phone:poli}"),
    ("Bel {Phone:poli} nu", 5, "unknown placeholder {Phone:poli}", "did you mean {phone:poli}"),
    ("Bel {phone: poli} nu", 5, "'{phone: poli}' has a space in it", "without spaces"),
    ("Bel {phone:Poli} nu", 5, "malformed key 'Poli'", "lowercase"),
    ("Zie **{term:portaal**", 7, "'{term:portaal' is not closed", "write {term:portaal}"),
])
def test_malformed_placeholders_are_errors_at_their_column(source, column, message, hint):
    with pytest.raises(MarkupError) as caught:
        parse(source)
    assert message in caught.value.message and hint in caught.value.hint
    assert 1 + caught.value.offset == column


def test_braces_that_are_no_placeholder_attempt_stay_text():
    assert plain_text(parse("{{ x }} {% y %} { z } {#c}")) == "{{ x }} {% y %} { z } {#c}"
