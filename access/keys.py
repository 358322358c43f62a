"""The access package's master secret (signs grant manifests, derives pseudonym keys). Taken from
SHUCANG_ACCESS_SECRET, else generated once into SHUCANG_HOME/keys/access.key with mode 0600."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from foundation import settings as config
from foundation.settings import settings


def master_secret() -> bytes:
    """The master secret bytes (created on first use when no environment secret is set)."""
    env = config.value("SHUCANG_ACCESS_SECRET")
    if env:
        return env.encode()
    path = settings().home / "keys" / "access.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".access.key.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:  # first writer wins; a concurrent creator's key is discarded, never half-read
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    st = path.stat()
    return _read_key(path, st.st_mtime_ns, st.st_ino)


@functools.lru_cache(maxsize=8)
def _read_key(path: Path, mtime_ns: int, inode: int) -> bytes:
    return path.read_text().strip().encode()


def canonical(document: dict[str, Any]) -> bytes:
    """The bytes that are signed: sorted-key compact JSON without the signature field."""
    body = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def sign(document: dict[str, Any]) -> str:
    """HMAC-SHA256 (hex) of the canonical form of `document` under the master secret."""
    return hmac.new(master_secret(), canonical(document), hashlib.sha256).hexdigest()


def verify(document: dict[str, Any]) -> bool:
    """Whether `document['signature']` is the HMAC of its canonical form."""
    return hmac.compare_digest(str(document.get("signature", "")), sign(document))
