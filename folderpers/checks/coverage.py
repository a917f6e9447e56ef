"""Institution coverage: every fact and snippet an institution lacks for the folders it publishes,
grouped per institution, so that adding a hospital is one checklist instead of one failed build at
a time. Read from the resolve stage's problems, which carry a kind, a subject and the institution.

What a folder does when an institution lacks a fact it uses: it fails for that institution, with
the fact listed here. Text that only some institutions can fill is written for those only, with
`only:`/`except:` on the block or `variants:` on the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from folderpers.errors import Location, Problem
from folderpers.model.blocks import Variation

# What the resolve stage reports as missing, by problem kind: how the list names it, and where it goes.
GAP_KINDS: dict[str, tuple[str, str]] = {
    "contact": ("contacts", "contacts:"),
    "name": ("contact names", "name: under the contact"),
    "email": ("contact e-mail addresses", "email: under the contact"),
    "hours": ("contact hours", "hours: under the contact"),
    "link": ("links", "links:"),
    "term": ("terms", "terms:"),
    "snippet": ("snippets", "snippets/<name>.yaml or institutions/<id>/snippets/<name>.yaml"),
}


@dataclass(frozen=True)
class Gap:
    """One thing an institution lacks, and every place that needs it."""

    institution: str
    kind: str
    subject: str
    needed_at: tuple[Location, ...]


def gaps(problems: Iterable[Problem]) -> list[Gap]:
    """The missing facts among `problems`, one Gap per institution, kind and subject, sorted."""
    places: dict[tuple[str, str, str], dict[Location, None]] = {}
    for problem in problems:
        if problem.kind in GAP_KINDS and problem.institution:
            places.setdefault((problem.institution, problem.kind, problem.subject), {})[problem.location] = None
    order = list(GAP_KINDS)
    return [Gap(institution, kind, subject, tuple(where))
            for (institution, kind, subject), where in sorted(places.items(),
                                                               key=lambda item: (item[0][0], order.index(item[0][1]),
                                                                                 item[0][2]))]


def coverage_lines(found: list[Gap]) -> list[str]:
    """The checklist as text: per institution, per kind, each missing item with where it is needed."""
    if not found:
        return []
    lines = ["institution coverage: what each institution lacks for the folders it publishes"]
    for institution in dict.fromkeys(gap.institution for gap in found):
        mine = [gap for gap in found if gap.institution == institution]
        lines.append(f"  {institution} lacks {len(mine)} (add them to institutions/{institution}/):")
        for kind in dict.fromkeys(gap.kind for gap in mine):
            name, where = GAP_KINDS[kind]
            lines.append(f"    {name} ({where}):")
            lines.extend(f"      {gap.subject}: needed at {', '.join(map(str, gap.needed_at[:3]))}"
                         + (f" and {len(gap.needed_at) - 3} more" if len(gap.needed_at) > 3 else "")
                         for gap in mine if gap.kind == kind)
    return lines


def to_json(found: list[Gap]) -> list[dict[str, object]]:
    return [{"institution": gap.institution, "kind": gap.kind, "subject": gap.subject,
             "needed_at": [str(location) for location in gap.needed_at]} for gap in found]


def variation_lines(variations: Iterable[Variation], institutions: list[str]) -> list[str]:
    """Where folders differ per institution, and which institutions get each variant or block."""
    lines = []
    for variation in variations:
        getting = [name for name in institutions if variation.scope.includes(name)]
        left_out = [name for name in institutions if name not in getting]
        lines.append(f"  {variation.location}: {variation.what} ({variation.scope}): "
                     f"{', '.join(getting) or 'no institution'}" + (f"; not {', '.join(left_out)}" if left_out else ""))
    return ["per-institution text (only:, except:, variants:):", *lines] if lines else []
