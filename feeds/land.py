"""Landing: copy each new source object, byte for byte, into landing/<dataset>/<load_id>/, hash it
with sha256, make it read-only and record it in the ledger. Bytes already landed for the dataset are
skipped, so running a feed again on the same input opens no load at all."""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from pathlib import Path

from contracts.contract import Contract
from control import ledger
from feeds.sources import connector_for
from foundation.files import sha256_file
from foundation.settings import settings


def _copy_hashing(src: Path, dst: Path) -> tuple[str, int]:
    """Copy src to dst (in the kernel), then hash the copy: what was landed is what is hashed."""
    shutil.copyfile(src, dst)
    return sha256_file(dst), dst.stat().st_size


def land(contract: Contract, since: str | None = None) -> str | None:
    """Land the new objects of `contract`'s source; return the new load id, or None if nothing is new.

    The source's connector (feeds/sources.py) offers the objects; `since` is the incremental cursor
    (the latest published cursor value) for sources that page from it."""
    s = settings()
    base = s.landing / contract.id
    incoming = base / f".incoming-{uuid.uuid4().hex}"
    incoming.mkdir(parents=True)
    try:
        candidates = connector_for(contract).candidates(contract, incoming, since)
        known = ledger.known_sha256(contract.id)
        fresh: list[dict] = []
        for cand in candidates:
            tmp = incoming / f"{len(fresh):05d}.part"
            sha, size = _copy_hashing(cand.path, tmp)
            if sha in known:
                tmp.unlink()
                continue
            known.add(sha)
            fresh.append({"sha256": sha, "source": cand.source, "name": cand.name, "tmp": tmp,
                          "bytes": size})
        if not fresh:
            return None
        load_id = ledger.start_load(contract.id)
        dest = base / load_id
        dest.mkdir()
        for f in fresh:
            final = dest / f.pop("name")
            os.replace(f.pop("tmp"), final)
            final.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            f["landed_path"] = str(final)
        ledger.record_landed(load_id, contract.id, fresh)
        return load_id
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def landed_files(dataset: str, load_id: str) -> list[Path]:
    """The files a load landed, in name order."""
    return sorted(p for p in (settings().landing / dataset / load_id).iterdir() if p.is_file())
