"""The one clock of the process: everything that asks "what time is it" asks here.

SpiffWorkflow's timer definitions call `datetime.now(timezone.utc)` themselves
(`SpiffWorkflow/bpmn/specs/event_definitions/timer.py`, no clock parameter). Rather than subclass the
three definitions and their serializer converters, we swap the `datetime` name inside that one module
for a subclass whose `now()` reads this clock: a small, explicit, process-wide patch, installed once
and covered by tests (`tests/engine/test_clock.py`).

Three ways to set the time:
- tests and `--now` freeze it in this process (`clock.freeze(...)`);
- an adjustable deployment (demo, acceptance runs) stores an offset in `engine_setting`, which every
  worker reads at the start of each request, job and CLI command (`sync()`), so a moved clock is
  the same for the API, the sweep and the CLI;
- otherwise it is the system clock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer_module

CLOCK_SETTING_KEY = "clock_offset_seconds"

# A time for the current thread or task only (a designer's test run moves its own clock without
# moving anyone else's): see `Clock.local`.
_local_now: ContextVar[datetime | None] = ContextVar("ombudsflow_local_now", default=None)


class Clock:
    def __init__(self) -> None:
        self._frozen: datetime | None = None
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        local = _local_now.get()
        if local is not None:
            return local
        frozen = self._frozen
        if frozen is not None:
            return frozen
        return datetime.now(UTC) + self._offset

    @property
    def is_frozen(self) -> bool:
        return self._frozen is not None

    @property
    def offset(self) -> timedelta:
        return self._offset

    def freeze(self, when: datetime) -> None:
        with self._lock:
            self._frozen = _aware(when)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move a frozen clock forward (tests); on a running clock, grow the offset."""
        step = delta if delta is not None else timedelta(**kwargs)
        with self._lock:
            if self._frozen is not None:
                self._frozen = self._frozen + step
            else:
                self._offset = self._offset + step
        return self.now()

    def set_offset(self, offset: timedelta) -> None:
        with self._lock:
            self._offset = offset

    def reset(self) -> None:
        with self._lock:
            self._frozen = None
            self._offset = timedelta(0)

    @contextmanager
    def frozen_at(self, when: datetime) -> Iterator[datetime]:
        """Freeze for one command (`timers sweep --now`), then return to what it was."""
        previous = self._frozen
        self.freeze(when)
        try:
            yield self.now()
        finally:
            with self._lock:
                self._frozen = previous

    @contextmanager
    def local(self, when: datetime) -> Iterator[datetime]:
        """Now is `when` for this thread (or asyncio task) only, until the block ends; other
        requests, the sweep and other workers keep the shared clock."""
        token = _local_now.set(_aware(when))
        try:
            yield self.now()
        finally:
            _local_now.reset(token)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("the clock takes aware datetimes (with a UTC offset)")
    return value.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """ISO 8601 with an offset or `Z`; a bare date means its start in UTC."""
    text = text.strip()
    if not text:
        raise ValueError("empty time")
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        if len(text) == 10:
            value = value.replace(tzinfo=UTC)
        else:
            raise ValueError(f"{text!r} has no UTC offset; add Z or +02:00")
    return value.astimezone(UTC)


clock = Clock()


class _ClockDatetime(datetime):
    """`datetime` whose `now()` reads the engine clock; used only inside SpiffWorkflow's timer module."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        current = clock.now()
        if tz is None:
            return datetime.fromtimestamp(current.timestamp())
        return current.astimezone(tz)


def install_spiff_clock() -> None:
    spiff_timer_module.datetime = _ClockDatetime


# --- the shared, adjustable offset -------------------------------------------------------------


def sync(session) -> None:
    """Load the stored offset (adjustable deployments only); a frozen clock is left alone."""
    from .models import EngineSetting

    if clock.is_frozen:
        return
    row = session.get(EngineSetting, CLOCK_SETTING_KEY)
    clock.set_offset(timedelta(seconds=float(row.value)) if row is not None else timedelta(0))


def store_offset(session, when: datetime | None) -> timedelta:
    """Persist "now is `when`" as an offset from the system clock; None goes back to real time."""
    from .models import EngineSetting

    offset = timedelta(0) if when is None else _aware(when) - datetime.now(UTC)
    row = session.get(EngineSetting, CLOCK_SETTING_KEY)
    if when is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(EngineSetting(key=CLOCK_SETTING_KEY, value=offset.total_seconds()))
    else:
        row.value = offset.total_seconds()
    clock.set_offset(offset)
    return offset


install_spiff_clock()
