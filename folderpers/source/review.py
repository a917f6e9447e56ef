"""Review policy: a folder whose review date has passed is not published (unless overridden)."""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from folderpers.errors import Problem, SourceError

if TYPE_CHECKING:
    from folderpers.model.folder import Folder

log = logging.getLogger(__name__)

State = Literal["expired", "due", "current"]


@dataclass(frozen=True)
class ReviewPolicy:
    today: date
    warn_months: int = 6  # a review date closer than this is a warning
    max_years: int = 3  # a review date further than this after approval is a warning
    allow_expired: bool = False  # emergency override: publish expired folders, loudly


@dataclass(frozen=True)
class ReviewStatus:
    folder: Folder
    state: State
    days_left: int  # negative once expired
    warnings: tuple[str, ...]


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def assess(folder: Folder, policy: ReviewPolicy) -> ReviewStatus:
    """The folder's review state and the warnings it earns under `policy`."""
    return ReviewStatus(folder, *review_state(folder.approved, folder.review, policy))


def review_state(approved: date, review: date, policy: ReviewPolicy) -> tuple[State, int, tuple[str, ...]]:
    """(state, days left, warnings) for a folder approved and to be reviewed on these dates."""
    days_left = (review - policy.today).days
    warnings = []
    if review > add_months(approved, 12 * policy.max_years):
        warnings.append(f"review date {review} is more than {policy.max_years} years after approval "
                        f"({approved}); patient information should be reviewed at least every "
                        f"{policy.max_years} years")
    if days_left < 0:
        state: State = "expired"
    elif review <= add_months(policy.today, policy.warn_months):
        state = "due"
        warnings.append(f"review date {review} is within {policy.warn_months} months ({days_left} days "
                        f"left): start the review")
    else:
        state = "current"
    return state, days_left, tuple(warnings)


def check_publishable(status: ReviewStatus, policy: ReviewPolicy) -> tuple[str, ...]:
    """Raise SourceError for an expired folder; return the warnings to report with its outputs."""
    if status.state != "expired":
        return status.warnings
    folder = status.folder
    message = f"review date {folder.review} has passed ({-status.days_left} days ago): this version may not be published"
    if not policy.allow_expired:
        raise SourceError(Problem(folder.location_of("review"), message,
                                  "review the content, then set a new 'review:' date (and a new version); "
                                  "in an emergency, build with --allow-expired"))
    log.warning("%s: publishing despite an expired review date (--allow-expired)", folder.source)
    return status.warnings + (f"{message}; published anyway because of --allow-expired",)
