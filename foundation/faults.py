"""Fault injection for the crash tests: `point(name)` marks a place where a load can die. When
SHUCANG_FAULT_POINT names it, the process kills itself there with SIGKILL (as the OOM killer or a
lost worker would); `NAME:raise` raises FaultInjected instead. Unset, a point costs one lookup."""

from __future__ import annotations

import os
import signal

from foundation.settings import value


class FaultInjected(RuntimeError):
    """Raised at the point SHUCANG_FAULT_POINT names with `:raise`."""


def point(name: str) -> None:
    """Die (or raise) here if SHUCANG_FAULT_POINT says so; otherwise do nothing."""
    wanted = value("SHUCANG_FAULT_POINT")
    if not wanted:
        return
    target, _, action = wanted.partition(":")
    if target != name:
        return
    if action == "raise":
        raise FaultInjected(f"fault injected at {name} (SHUCANG_FAULT_POINT={wanted})")
    os.kill(os.getpid(), signal.SIGKILL)
