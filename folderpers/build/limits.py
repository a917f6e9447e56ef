"""Bounded work per document: a wall-clock and a memory limit for rendering one output.

Checks at load time (YAML depth and text, SVG drawing work) stop the inputs known to be costly;
these limits stop whatever they miss. In a worker process the memory limit is an address-space
limit (RLIMIT_AS) set above what the warm worker already uses, and the time limit is kept by the
parent, which kills a worker past it (a hang inside native code cannot be interrupted any other
way). In the calling process (--jobs 0) the time limit is a SIGALRM timer that interrupts the
rendering between two Python steps; there is no memory limit there (it would bind the whole build).
"""

from __future__ import annotations

import contextlib
import ctypes
import resource
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from folderpers.errors import FolderpersError, Location, Problem

DEFAULT_SECONDS = 300.0  # a 40-page folder with photos renders in well under a minute on one core
DEFAULT_MEMORY_MIB = 2048  # beyond the ~300 MiB a warm worker (WeasyPrint, fonts) holds


@dataclass(frozen=True)
class DocumentLimits:
    seconds: float = DEFAULT_SECONDS  # wall-clock time to render one output
    memory_mib: int = DEFAULT_MEMORY_MIB  # memory one worker may take on top of what it holds when warm


DEFAULT_LIMITS = DocumentLimits()
_M_ARENA_MAX = -8  # mallopt parameter, from <malloc.h>


class DocumentLimitExceeded(FolderpersError):
    """Rendering one output went past a limit of DocumentLimits; the build goes on without it."""


def too_slow(source: Path, limits: DocumentLimits) -> DocumentLimitExceeded:
    return DocumentLimitExceeded(Problem(
        Location(source), f"rendering took longer than {limits.seconds:g} s, the limit per document",
        "look for a very long list or table, or a complex image, and shorten or simplify it; an operator can "
        "raise the limit with --time-limit"))


def too_big(source: Path, limits: DocumentLimits) -> DocumentLimitExceeded:
    return DocumentLimitExceeded(Problem(
        Location(source), f"rendering needed more than {limits.memory_mib} MiB of memory, the limit per document",
        "look for a very long list or table, or a large image, and shorten or simplify it; an operator can "
        "raise the limit with --memory-limit"))


def limit_memory(limits: DocumentLimits) -> int:
    """In a warm worker: allow `limits.memory_mib` more address space than it has had at most so far;
    the ceiling, in bytes."""
    # Address space, not memory, is what RLIMIT_AS counts: glibc reserves 64 MiB of it for each thread
    # arena that a thread (Pango starts some) happens to create. One arena keeps the limit about memory.
    ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1)
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * resource.getpagesize()
    # Above the warm-up's peak, not only what it holds now (fontconfig scanning fonts it has no cache
    # for, say): a peak from before the limit that reached the ceiling would hide a document's that did
    # (see reached_memory_limit), and its failure would read as a bug.
    ceiling = max(used, _peak_bytes()) + limits.memory_mib * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    global _peak_before_limit
    _peak_before_limit = _peak_bytes()
    return ceiling


def _peak_bytes() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmPeak:")) * 1024


def reached_memory_limit(ceiling: int) -> bool:
    """Whether this process came near `ceiling`: then a failed allocation, whatever error a library made
    of it (MemoryError, SystemError, a cairo or Pango error), is why rendering failed."""
    peak = _peak_bytes()  # a peak from before the limit (the warm-up, the parent before fork) says nothing
    return peak > _peak_before_limit and peak > ceiling - _ALLOCATION_MARGIN


_ALLOCATION_MARGIN = 64 * 1024 * 1024  # an allocation that failed was at most about this big
_peak_before_limit = 0  # VmPeak when the limit was set


class _OutOfTime(BaseException):
    """Raised by the timer inside the rendering; a BaseException so that no `except Exception` in a
    library swallows it."""


@contextlib.contextmanager
def time_limit(source: Path, limits: DocumentLimits) -> Iterator[None]:
    """In the calling process: raise DocumentLimitExceeded when the block runs past `limits.seconds`.
    Only the main thread receives signals; elsewhere the block runs unbounded (the preview server
    renders in worker processes for that reason)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    try:
        yield
    except _OutOfTime:
        raise too_slow(source, limits) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
