"""Leases: one row per dataset naming the process working on it (holder), until when (expires_at)
and when it last said it was alive (renewed_at). Taking a lease is one conditional UPDATE or one
INSERT, each atomic on SQLite and PostgreSQL alike, so two runs of one dataset never both hold it.

A holder renews its lease from a background thread while it works. A lease whose holder stopped
renewing expires after SHUCANG_LEASE_TTL seconds; one whose holder is a process on this machine
that no longer exists (killed, crashed) is taken over at once."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, DateTime, String, Table, delete, exc, insert, or_, select, update

from control.db import engine, metadata
from foundation.clock import utcnow
from foundation.settings import number

leases = Table(
    "load_leases",
    metadata,
    Column("dataset", String(80), primary_key=True),
    Column("holder", String(200), nullable=False),  # host:pid:process start, see holder_id
    Column("acquired_at", DateTime(timezone=True), nullable=False),
    Column("renewed_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)


class LeaseHeld(RuntimeError):
    """Another process holds the lease of a dataset: it is loading it right now."""

    def __init__(self, dataset: str, holder: str, expires_at: Any) -> None:
        super().__init__(f"dataset {dataset!r} is being loaded by {holder} (lease until"
                         f" {expires_at} UTC); this run leaves it alone. Run again when that run"
                         " has finished, or raise SHUCANG_LEASE_WAIT to wait for it.")
        self.dataset = dataset
        self.holder = holder


class LeaseLost(RuntimeError):
    """This process's lease expired and another process took the dataset over."""

    def __init__(self, dataset: str) -> None:
        super().__init__(f"the lease of dataset {dataset!r} expired while this process worked on"
                         " it and another run took it over; this run stops without recording"
                         " more. Raise SHUCANG_LEASE_TTL if steps take longer than it.")


def _process_start(pid: int) -> str:
    """When process `pid` started (clock ticks since boot), so a reused pid is not mistaken for
    the holder; empty where /proc is not there."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            # the command name (field 2) may hold spaces: count fields after its closing paren
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def holder_id() -> str:
    """This process as a lease holder: host, pid and the process's start time."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid)}"


def holder_gone(holder: str) -> bool:
    """Whether `holder` is a process of this machine that no longer runs. A holder on another
    machine is never known to be gone: its lease has to expire."""
    host, _, rest = holder.partition(":")
    pid_text, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return bool(started) and _process_start(pid) != started


def _ttl() -> dt.timedelta:
    return dt.timedelta(seconds=number("SHUCANG_LEASE_TTL") or 300.0)


def current(dataset: str) -> dict[str, Any] | None:
    """The lease row of `dataset`, or None when nobody holds it."""
    with engine().connect() as c:
        row = c.execute(select(leases).where(leases.c.dataset == dataset)).mappings().first()
    return dict(row) if row else None


def try_acquire(dataset: str, holder: str) -> dict[str, Any] | None:
    """Take the lease of `dataset` for `holder` (again, if it holds it already); return None when
    taken, else the row of the process that holds it."""
    now = utcnow()
    values = {"holder": holder, "acquired_at": now, "renewed_at": now, "expires_at": now + _ttl()}
    for _ in range(3):  # a lease released between our statements: try again
        with engine().begin() as c:
            taken = c.execute(update(leases).where(
                leases.c.dataset == dataset,
                or_(leases.c.holder == holder, leases.c.expires_at < now)).values(**values))
        if taken.rowcount == 1:
            return None
        try:
            with engine().begin() as c:
                c.execute(insert(leases).values(dataset=dataset, **values))
            return None
        except exc.IntegrityError:
            pass
        row = current(dataset)
        if row is None:
            continue
        if not holder_gone(row["holder"]):
            return row
        with engine().begin() as c:  # compare-and-swap: only if the gone holder still has it
            taken = c.execute(update(leases).where(
                leases.c.dataset == dataset, leases.c.holder == row["holder"]).values(**values))
        if taken.rowcount == 1:
            return None
    return current(dataset)


def renew(dataset: str, holder: str) -> bool:
    """Extend `holder`'s lease of `dataset`; False if it no longer holds it."""
    now = utcnow()
    with engine().begin() as c:
        done = c.execute(update(leases).where(leases.c.dataset == dataset, leases.c.holder == holder)
                         .values(renewed_at=now, expires_at=now + _ttl()))
    return done.rowcount == 1


def release(dataset: str, holder: str) -> None:
    """Give up `holder`'s lease of `dataset` (nothing if it does not hold it)."""
    with engine().begin() as c:
        c.execute(delete(leases).where(leases.c.dataset == dataset, leases.c.holder == holder))


@dataclass
class _Held:
    """A lease this process holds, renewed by a thread until released."""

    dataset: str
    holder: str
    depth: int = 1
    lost: bool = False
    stop: threading.Event = field(default_factory=threading.Event)

    def keep_renewing(self) -> None:
        interval = _ttl().total_seconds() / 3
        while not self.stop.wait(interval):
            try:
                if not renew(self.dataset, self.holder):
                    self.lost = True
                    return
            except exc.DBAPIError:
                continue  # the control plane is away for a moment: the lease has time left


_HELD: dict[str, _Held] = {}
_HELD_LOCK = threading.Lock()


@contextmanager
def holding(dataset: str, wait: float | None = None) -> Iterator[None]:
    """Hold the lease of `dataset` for the block, waiting up to `wait` seconds (default
    SHUCANG_LEASE_WAIT) for another holder; LeaseHeld if it still holds it then. Nested blocks of
    one process share the lease."""
    with _HELD_LOCK:
        held = _HELD.get(dataset)
        if held is not None:
            held.depth += 1
    if held is None:
        held = _acquire(dataset, number("SHUCANG_LEASE_WAIT") if wait is None else wait)
    try:
        yield
    finally:
        with _HELD_LOCK:
            held.depth -= 1
            last = held.depth == 0
            if last:
                del _HELD[dataset]
        if last:
            held.stop.set()
            release(dataset, held.holder)


def _acquire(dataset: str, wait: float | None) -> _Held:
    holder = holder_id()
    deadline = time.monotonic() + (wait or 0.0)
    while (other := try_acquire(dataset, holder)) is not None:
        if time.monotonic() >= deadline:
            raise LeaseHeld(dataset, other["holder"], other["expires_at"])
        time.sleep(0.5)
    held = _Held(dataset, holder)
    with _HELD_LOCK:
        _HELD[dataset] = held
    threading.Thread(target=held.keep_renewing, name=f"lease-{dataset}", daemon=True).start()
    return held


def check(dataset: str) -> None:
    """LeaseLost if this process held the lease of `dataset` and lost it; call before recording."""
    held = _HELD.get(dataset)
    if held is not None and held.lost:
        raise LeaseLost(dataset)
