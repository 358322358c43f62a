"""Compiling and loading the native matcher (`address_registry/csrc/`, plain C with no Python
headers) with the machine's C compiler, once per source version: `rules_gen.h` (the shared
rules, rendered from rules.py by rules_c.py) is written into a fresh build directory beside the
sources it is compiled with, and the library is cached under SHUCANG_NATIVE_CACHE (default
~/.cache/shucang) by the hash of the sources, that header and the flags, and built atomically, so
concurrent processes never load a half-written file. SHUCANG_NATIVE_SANITIZE builds it with
AddressSanitizer and UBSan (`make sanitize`; such a library loads only into a process that
preloads libasan). Without a compiler, or with SHUCANG_ADDRESS_NATIVE=0, `library()` is None and
matching stays on the Python reference path. It owns the build; what the library computes is
`native.py`'s business."""

from __future__ import annotations

import ctypes
import functools
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from address_registry import rules_c
from foundation import settings as config

_log = logging.getLogger(__name__)

SOURCES = Path(__file__).resolve().parent / "csrc"
FLAGS = ("-O2", "-fPIC", "-shared", "-std=c11", "-pthread", "-Wall", "-Wextra", "-Werror")
SANITIZE_FLAGS = ("-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-g")
HEADER = "rules_gen.h"


def enabled() -> bool:
    """Whether the native matcher may be used (SHUCANG_ADDRESS_NATIVE, default on)."""
    return config.flag("SHUCANG_ADDRESS_NATIVE")


def cache_dir() -> Path:
    """Where built libraries are kept."""
    configured = config.value("SHUCANG_NATIVE_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "shucang"


def compiler() -> str | None:
    """The C compiler: $CC, else cc, gcc or clang, the first on the PATH; None without one."""
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return name
    return None


def flags() -> tuple[str, ...]:
    """The compiler flags: FLAGS, and SANITIZE_FLAGS when SHUCANG_NATIVE_SANITIZE asks for them."""
    return FLAGS + SANITIZE_FLAGS if config.flag("SHUCANG_NATIVE_SANITIZE") else FLAGS


def _sources() -> list[Path]:
    return sorted(SOURCES.glob("*.[ch]"))


def library_path(compiler: str) -> Path:
    """The cached library for the current sources, generated header, flags and compiler."""
    digest = hashlib.sha256(" ".join((compiler, *flags())).encode())
    for path in _sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(HEADER.encode() + b"\0" + rules_c.header().encode())
    return cache_dir() / f"addrcore-{digest.hexdigest()[:16]}.so"


class BuildError(RuntimeError):
    """The C sources did not compile."""


def build() -> Path:
    """Compile the library if it is not cached yet; its path. Raises BuildError."""
    cc = compiler()
    if cc is None:
        raise BuildError("no C compiler found (cc, gcc or clang; or set CC)")
    target = library_path(cc)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix="build-") as build_dir:
        (Path(build_dir) / HEADER).write_text(rules_c.header(), encoding="utf-8")
        tmp = str(Path(build_dir) / target.name)
        cmd = [cc, *flags(), "-I", build_dir, "-o", tmp,
               *(str(p) for p in _sources() if p.suffix == ".c"), "-lm"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BuildError(f"{' '.join(cmd)} failed:\n{done.stderr.strip()}")
        os.replace(tmp, target)  # atomic: another process sees the whole file or none
    return target


@functools.cache
def load() -> ctypes.CDLL | None:
    """The library, built if needed (once per process, whatever SHUCANG_ADDRESS_NATIVE says);
    None when it cannot be built."""
    try:
        return ctypes.CDLL(str(build()))
    except (BuildError, OSError) as exc:
        _log.warning("native address matcher unavailable, using the Python path: %s", exc)
        return None


def library() -> ctypes.CDLL | None:
    """The loaded library, or None when it is disabled or cannot be built."""
    return load() if enabled() else None


if __name__ == "__main__":  # `make install` builds it ahead of the first match
    print(build())
