"""Gateway worker processes. Each runs statements on its own locked DuckDB databases under an
operating-system address-space limit (RLIMIT_AS), so a statement that builds huge strings or lists
fails inside the worker instead of taking the portal down, and is killed (SIGKILL) when it outlives
the timeout, since DuckDB's interrupt lands only between vectors. A pool keeps workers warm: the
common query pays one pipe round trip and an Arrow IPC copy of its result."""

from __future__ import annotations

import re
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import duckdb
import pyarrow as pa

from access import locked
from access.errors import QueryFailed

_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
# What a worker maps besides DuckDB's buffer pool: the interpreter, DuckDB and Arrow libraries and
# thread stacks (about 1.05 GB of address space measured on an idle worker), plus headroom.
OVERHEAD_BYTES = 3 * 2**29


def size_bytes(text: str) -> int:
    """`2GB`, `512MB`, `1.5GiB` (DuckDB's memory-limit spelling) as bytes."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*([a-zA-Z]*)\s*", text)
    if not m or m.group(2).lower() not in _UNITS:
        raise ValueError(f"size {text!r}: write a number and a unit such as 512MB or 2GB")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


@dataclass(frozen=True)
class Job:
    """One statement for a worker: the SQL, the files it may read, its DuckDB memory limit and
    where its database spills."""

    sql: str
    files: tuple[str, ...]
    memory: str
    spill_root: Path


def _serve(conn: Connection, address_space: int) -> None:
    """A worker's loop: limit the address space, then answer jobs until the pipe closes."""
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    while True:
        try:
            job: Job = conn.recv()
        except EOFError:
            return
        try:
            cur = locked.connection(list(job.files), job.memory, job.spill_root)
            try:
                table = cur.sql(job.sql).to_arrow_table()
            finally:
                cur.close()
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            conn.send(("ok", sink.getvalue().to_pybytes()))
        except (duckdb.OutOfMemoryException, MemoryError) as e:
            conn.send(("memory", str(e)))
        except duckdb.Error as e:
            conn.send(("error", str(e)))


class _Worker:
    """A fresh interpreter running this module (`python -m access.workers FD BYTES`), never a fork
    of a process that runs threads, and never a re-import of the caller's main script."""

    def __init__(self, address_space: int) -> None:
        parent, child = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "access.workers", str(child.fileno()), str(address_space)],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
        child.close()
        self.conn = Connection(parent.detach())
        self.address_space = address_space

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        self.conn.close()


class Pool:
    """At most `size` warm workers; a caller waits for a free one."""

    def __init__(self, size: int) -> None:
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def _take(self, address_space: int) -> _Worker:
        self._slots.acquire()
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive() and worker.address_space == address_space:
                    return worker
                worker.kill()
        try:
            return _Worker(address_space)
        except BaseException:
            self._slots.release()
            raise

    def run(self, job: Job, timeout_s: float, address_space: int,
            meanwhile: Callable[[], object] | None = None) -> pa.Table:
        """Run `job` in a worker, calling `meanwhile` in this thread while it runs (a failure
        there stops the worker); QueryFailed when it fails, runs out of memory or time."""
        worker = self._take(address_space)
        healthy = False
        try:
            worker.conn.send(job)
            started = time.monotonic()
            if meanwhile is not None:
                meanwhile()
            if not worker.conn.poll(max(0.0, timeout_s - (time.monotonic() - started))):
                raise QueryFailed(f"the statement ran longer than {timeout_s:.0f} s and was stopped"
                                  " (narrow it, or aggregate before returning rows)")
            kind, payload = worker.conn.recv()
            healthy = True
        except (EOFError, OSError):  # the OS stopped the worker: it hit its address-space limit
            raise QueryFailed("the statement needed more memory than the gateway allows"
                              " (SHUCANG_GATEWAY_MEMORY) and its worker was stopped") from None
        finally:
            with self._lock:
                if healthy:
                    self._idle.append(worker)
                else:
                    worker.kill()
            self._slots.release()
        if kind == "memory":
            raise QueryFailed(f"the statement needed more memory than the gateway allows"
                              f" (SHUCANG_GATEWAY_MEMORY) and was stopped: {payload}")
        if kind == "error":
            raise QueryFailed(f"the statement failed: {payload}")
        return pa.ipc.open_stream(payload).read_all()

    def close(self) -> None:
        """Stop every idle worker (busy ones stop when their job ends and the pool is gone)."""
        with self._lock:
            for worker in self._idle:
                worker.kill()
            self._idle.clear()


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]))
