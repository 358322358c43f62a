"""File hashing (with a look at the bytes on the way), atomic writes (a reader of a path sees the
old file or the new one, never a part of either) and exclusive lock files across the processes of
one machine."""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

BLOCK = 8 << 20


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (made with its folder if missing) for the block;
    other processes of this machine wait for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


# A block of a file and the first byte after it (empty at the end of the file).
BlockObserver = Callable[[bytearray, bytearray], None]


def sha256_file(path: Path, observe: BlockObserver | None = None) -> str:
    """Hex sha256 of a file's bytes, streamed in 8 MiB blocks; `observe` sees every block in
    order (with the byte after it) in the same read. A second thread hashes a block (hashlib
    releases the GIL) while this one observes the one before, so the pass costs about the slower
    of the two, not their sum."""
    h = hashlib.sha256()
    if observe is None:
        with path.open("rb") as f:
            while block := f.read(BLOCK):
                h.update(block)
        return h.hexdigest()
    buffers = (bytearray(BLOCK), bytearray(BLOCK))
    pending: list[Future[None]] = []
    previous: bytearray | None = None
    with path.open("rb", buffering=0) as f, ThreadPoolExecutor(1) as hasher:
        for i in itertools.count():
            if len(pending) == 2:  # block i - 2 is hashed: its buffer takes block i
                pending.pop(0).result()
            buf = buffers[i % 2]
            n = f.readinto(buf) or 0
            chunk = buf if n == len(buf) else buf[:n]  # a short last block is copied once
            if previous is not None:
                observe(previous, chunk[:1])
            if not n:
                break
            pending.append(hasher.submit(h.update, chunk))
            previous = chunk
        for done in pending:
            done.result()
    return h.hexdigest()


def sha256_text(text: str) -> str:
    """Hex sha256 of text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def temporary_beside(path: Path) -> Path:
    """A fresh name in the folder of `path` (same filesystem, so a rename into place is atomic)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename (made durable by fsync)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_beside(path)
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def atomic_write_text(path: Path, text: str) -> None:
    """`atomic_write_bytes` of `text` encoded as UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))
