"""`build.py review`: every folder by review date, for the quality officer (and a scheduled job)."""

from __future__ import annotations

import argparse

from folderpers.build.progress import print_outcome
from folderpers.commands import review_policy
from folderpers.errors import Location
from folderpers.model.outcome import Outcome
from folderpers.project import Project
from folderpers.source.corpus import Corpus
from folderpers.source.review import ReviewPolicy, ReviewStatus, assess

_STATES = {"expired": "EXPIRED", "due": "due", "current": "ok"}


def review_statuses(corpus: Corpus, policy: ReviewPolicy) -> tuple[list[ReviewStatus], list[Outcome]]:
    """Every folder's review status, and the folders that failed to load."""
    statuses, failures = [], []
    for source, folder in corpus.folders().items():
        if isinstance(folder, BaseException):
            failures.append(Outcome.failure(str(Location(source)), folder))
        else:
            statuses.append(assess(folder, policy))
    return sorted(statuses, key=lambda status: (status.folder.review, status.folder.slug)), failures


def main(project: Project, args: argparse.Namespace) -> int:
    """Print every folder by review date; 1 when any has expired or cannot be read."""
    policy = review_policy(args)
    statuses, failures = review_statuses(Corpus(project), policy)
    print(f"Review status as of {policy.today} (warning within {policy.warn_months} months)\n")
    print(f"{'status':<8} {'review':<10} {'days':>5}  {'code':<10} {'version':<7}  folder (owner)")
    for status in statuses:
        folder = status.folder
        print(f"{_STATES[status.state]:<8} {folder.review.isoformat():<10} {status.days_left:>5}  {folder.code:<10} "
              f"{folder.version:<7}  {folder.source.parent.name}/{folder.source.name} ({folder.department})")
    for failure in failures:
        print_outcome(failure)
    expired = sum(1 for status in statuses if status.state == "expired")
    due = sum(1 for status in statuses if status.state == "due")
    print(f"\n{len(statuses)} folders: {expired} expired, {due} due for review"
          + (f", {len(failures)} unreadable" if failures else ""))
    return 1 if expired or failures else 0
