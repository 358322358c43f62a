"""Leases: one holder per dataset at a time on SQLite and PostgreSQL, even when many ask at once;
an expired lease or one whose holder process is gone is taken over; a lost lease is noticed."""

from __future__ import annotations

import socket
import subprocess
import threading
import time

import pytest

from control import lease

ELSEWHERE = "another-host:4242:1"  # a holder on another machine is never known to be gone


def test_one_holder_at_a_time(backend: str) -> None:
    assert lease.try_acquire("grid_event", ELSEWHERE) is None
    other = lease.try_acquire("grid_event", "third-host:1:1")
    assert other is not None and other["holder"] == ELSEWHERE
    assert lease.try_acquire("grid_event", ELSEWHERE) is None  # its holder takes it again
    assert lease.try_acquire("parking_lot", "third-host:1:1") is None  # datasets are separate
    lease.release("grid_event", ELSEWHERE)
    assert lease.try_acquire("grid_event", "third-host:1:1") is None


def test_of_many_asking_at_once_exactly_one_gets_it(backend: str) -> None:
    lease.current("grid_event")  # the schema first, so the threads only race for the lease
    results: list[dict | None] = [None] * 8
    start = threading.Barrier(8)

    def ask(i: int) -> None:
        start.wait()
        results[i] = lease.try_acquire("grid_event", f"host-{i}:1:1")

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r is None for r in results) == 1


def test_an_expired_lease_is_taken_over(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_LEASE_TTL", "2")
    assert lease.try_acquire("grid_event", ELSEWHERE) is None
    assert lease.try_acquire("grid_event", "third-host:1:1") is not None
    time.sleep(2.2)
    assert lease.try_acquire("grid_event", "third-host:1:1") is None
    assert not lease.renew("grid_event", ELSEWHERE)


def test_a_gone_holder_on_this_machine_is_taken_over_at_once(backend: str) -> None:
    done = subprocess.Popen(["true"])
    done.wait()
    gone = f"{socket.gethostname()}:{done.pid}:1"
    assert lease.holder_gone(gone) and not lease.holder_gone(lease.holder_id())
    assert lease.try_acquire("grid_event", gone) is None
    assert lease.try_acquire("grid_event", lease.holder_id()) is None


def test_holding_is_shared_by_nested_blocks_and_refused_to_others(backend: str) -> None:
    with lease.holding("grid_event"):
        with lease.holding("grid_event"):
            assert lease.current("grid_event")["holder"] == lease.holder_id()
        assert lease.current("grid_event") is not None
    assert lease.current("grid_event") is None
    assert lease.try_acquire("grid_event", ELSEWHERE) is None
    held = pytest.raises(lease.LeaseHeld, match="'grid_event' is being loaded by another-host:4242:1")
    with held, lease.holding("grid_event", wait=0.6):
        pass


def test_a_lost_lease_is_noticed(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_LEASE_TTL", "1.5")
    with lease.holding("grid_event"):
        time.sleep(2)  # past the first expiry, renewed every ttl/3: still ours
        lease.check("grid_event")
        assert lease.try_acquire("grid_event", ELSEWHERE) is not None
        lease.release("grid_event", lease.holder_id())
        assert lease.try_acquire("grid_event", ELSEWHERE) is None
        time.sleep(1.2)  # the next renewal finds the lease gone
        with pytest.raises(lease.LeaseLost):
            lease.check("grid_event")
