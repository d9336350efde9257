"""A fill, chunk by chunk: choose (here or in forked helper processes) while the previous chunk
is saved in another thread.

Saving is mostly waiting for PostgreSQL (the GIL is released), so it overlaps with choosing.
Choosing is pure CPU (numpy and the domain rules) and holds the GIL, so threads cannot share it:
for a big fill, helper processes are forked once the index and the patients are in memory and
choose every chunk, so that the GIL of this process is left to saving. They inherit the index
and the patients copy-on-write, receive only chunk bounds and return the chunk prepared for
saving (texts, cheap to pass back). A helper runs nothing but the search, the rules and the
preparation (no database, broker or logging), dies with its parent and ends with `os._exit`
(multiprocessing's fork start method), so the connections it inherited are never touched.
Chunks are saved in patient priority order, whoever chose them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from matching_service.domain.index import TherapistIndex
from matching_service.domain.profiles import MatchContext, PatientProfile
from matching_service.domain.selection import Pick, picks_for_many

CHUNK_PATIENTS = 2500
FIRST_CHUNK = 800  # small, so that saving starts early
LAST_CHUNK = 400  # small, since its save cannot overlap
SEARCH_BATCH = 256  # patients searched together (bounds the pair arrays to a few MB)
HELPERS_FROM = 2 * CHUNK_PATIENTS  # fewer patients: forking costs more than it saves
PR_SET_PDEATHSIG = 1  # Linux prctl option: a signal for this process when its parent dies

Prepared = TypeVar("Prepared")
Shared = tuple[
    TherapistIndex,
    MatchContext,
    list[PatientProfile],
    Mapping[int, int],
    Callable[[list[Pick]], Any],
]
_shared: Shared | None = None  # what the next fork hands to the helpers


@dataclass
class RunResult:
    """What a fill did."""

    run_id: int | None = None
    patients_considered: int = 0
    requests_created: int = 0
    request_ids: list[int] = field(default_factory=list)
    parts: int = 0
    steps: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Add the time spent inside to `steps[name]` (seconds)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - start


@dataclass(frozen=True)
class Fill:
    """What every chunk of one fill is chosen from."""

    index: TherapistIndex
    ctx: MatchContext
    patients: list[PatientProfile]
    needed: Mapping[int, int]
    lock: AbstractContextManager[Any]  # held while this process reads the index


@dataclass(frozen=True)
class Saving(Generic[Prepared]):
    """How a chunk's picks are saved: `prepare` runs in this thread while the previous save
    waits for the database; `save` runs in the saving thread, one at a time."""

    prepare: Callable[[list[Pick]], Prepared]
    save: Callable[[Prepared], None]


def choose_and_save(fill: Fill, helpers: int, saving: Saving[Any], result: RunResult) -> None:
    """Choose chunk after chunk (in forked helpers when there are any, so that this process
    only saves) and save each in order. Only one thread uses the session at a time: each save
    is awaited before the next begins, and the last chunk is saved in this thread."""
    bounds = chunk_bounds(len(fill.patients))
    ranges = list(zip(bounds, bounds[1:], strict=False))
    forked = helpers if len(fill.patients) >= HELPERS_FROM else 0
    with (
        _handed(fill, saving.prepare, forked, ranges) as handed,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="matching-save") as saver,
    ):
        pending: Future[None] | None = None
        for i, (start, end) in enumerate(ranges):
            if i in handed:
                with result.step("wait_for_helper"):
                    batch = handed[i].result()  # a helper that died raises BrokenProcessPool
            else:
                picks = _choose(fill, start, end, result)
                with result.step("prepare"):
                    batch = saving.prepare(picks)
            with result.step("wait_for_save"):
                if pending is not None:
                    pending.result()
            if end == len(fill.patients):
                _timed(result, "persist", saving.save, batch)
            else:
                pending = saver.submit(_timed, result, "persist", saving.save, batch)


def chunk_bounds(count: int) -> list[int]:
    """Chunk starts plus the end: a small first and last chunk, big ones between."""
    if count <= FIRST_CHUNK + LAST_CHUNK:
        return [0, count]
    middle = range(FIRST_CHUNK, count - LAST_CHUNK, CHUNK_PATIENTS)
    return [0, *middle, count - LAST_CHUNK, count]


def _choose(fill: Fill, start: int, end: int, result: RunResult) -> list[Pick]:
    with result.step("choose"), fill.lock:
        return _picks(fill, start, end)


def _picks(fill: Fill, start: int, end: int) -> list[Pick]:
    """Search and choose for patients[start:end], batch by batch."""
    return [
        pick
        for first in range(start, end, SEARCH_BATCH)
        for pick in picks_for_many(
            fill.patients[first : min(first + SEARCH_BATCH, end)], fill.index, fill.ctx, fill.needed
        )
    ]


def _timed(result: RunResult, name: str, action: Callable[[Any], None], batch: Any) -> None:
    with result.step(name):
        action(batch)


@contextmanager
def _handed(
    fill: Fill, prepare: Callable[[list[Pick]], Any], processes: int, ranges: list[tuple[int, int]]
) -> Iterator[dict[int, Future[Any]]]:
    """Chunk number → its prepared picks from forked helpers (every chunk; none without)."""
    if processes <= 0:
        yield {}
        return
    global _shared
    fork = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(processes, mp_context=fork, initializer=_start_helper)
    try:
        with fill.lock:  # the index must not change while it is being forked
            _shared = (fill.index, fill.ctx, fill.patients, fill.needed, prepare)
            try:  # the first submit forks the helpers
                handed = {
                    i: pool.submit(_choose_range, *span)
                    for i, span in enumerate(ranges)
                    if i % (processes + 1)
                }
            finally:
                _shared = None
        yield handed
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start_helper() -> None:
    """Runs first in a helper: it dies with its parent (a killed worker leaves no helper behind)
    and has the default signal handlers, not the inherited ones of the worker or web process."""
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, signal.SIG_DFL)
    libc = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and libc:
        ctypes.CDLL(libc).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is not None and not parent.is_alive():  # died before prctl took effect
        os._exit(1)


def _choose_range(start: int, end: int) -> Any:
    """Runs in a helper: the prepared picks for patients[start:end]."""
    if _shared is None:
        raise RuntimeError("helper process without the fill's state")
    index, ctx, patients, needed, prepare = _shared
    return prepare(_picks(Fill(index, ctx, patients, needed, nullcontext()), start, end))
