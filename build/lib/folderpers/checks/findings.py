"""What the checks report: findings with a kind, a severity and a place (see README, "Checks")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from folderpers.errors import Location, Problem, display_path

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One result of a check. Errors make `build.py check` fail; warnings are advice.

    `subject` names what the finding is about (a word, the start of a sentence, an axe rule), so
    that an author can silence one warning on purpose without silencing its whole kind."""

    kind: str
    severity: Severity
    location: Location
    message: str
    hint: str = ""
    subject: str = ""

    def problem(self) -> Problem:
        return Problem(self.location, self.message, self.hint)

    def __str__(self) -> str:
        return f"{self.severity} [{self.kind}] {self.problem()}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "severity": self.severity, "file": display_path(self.location.path),
                "line": self.location.line, "column": self.location.column, "message": self.message,
                "hint": self.hint, "subject": self.subject}


def errors(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == "error"]
