"""Landing: copy each new source object, byte for byte, into landing/<dataset>/<load_id>/, hash
the copy with sha256 (counting a CSV file's records in the same read, kept beside it for the
stager), make it read-only and record it in the ledger. Bytes already landed for the dataset are
skipped, so running a feed again on the same input opens no load at all.

Landing looks before it reads: a source file whose size, mtime, ctime and inode are those recorded
when its bytes were last hashed (`ledger.SourceStat`), and whose sha256 the ledger holds, is
skipped without being opened. Every other file (new, changed, touched, or stat'ed too soon after
it was written) is copied and hashed, and the sha256 alone decides: a file that changed its
mtime but not its bytes opens no load. Objects a source fetches into the scratch folder (HTTP
pages, database batches, MQTT micro-batches) are new bytes each run, always hashed.

The load and its files enter the ledger in one transaction after the files are in place, so a
crash leaves either a recorded load (which the pipeline resumes) or a folder nobody refers to,
which the next landing of the dataset removes. The caller holds the dataset's lease, so no other
run lands the dataset between the sha256 check and the ledger write."""

from __future__ import annotations

import os
import shutil
import stat
import time
import uuid
from dataclasses import replace
from pathlib import Path

from contracts.contract import Contract
from control import ledger
from feeds.records import RecordScan, RecordScanner, keep_scan
from foundation import faults
from foundation.files import sha256_file
from foundation.settings import settings
from sources.base import Candidate, Fetch


def _copy(src: Path, dst: Path, csv: bool) -> tuple[str, int, RecordScan | None]:
    """Copy src to dst (in the kernel), then hash the copy (what was landed is what is hashed),
    counting a CSV file's records in the same read, for the stager. A copy through Python that
    hashed on the way was slower than the kernel's copy and one read of the copy."""
    shutil.copyfile(src, dst)
    scanner = RecordScanner() if csv else None
    sha = sha256_file(dst, scanner.feed if scanner else None)
    return sha, dst.stat().st_size, scanner.result(dst) if scanner else None


def _stat(cand: Candidate, scratch: Path) -> ledger.SourceStat | None:
    """The stat of a source file before it is read (its sha256 left blank), or None for an
    object fetched into `scratch` this run, which has no earlier look to compare with."""
    if cand.path.is_relative_to(scratch):
        return None
    seen = time.time_ns()
    st = cand.path.stat()
    return ledger.SourceStat(cand.source, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, "",
                             seen)


def land(contract: Contract, since: str | None = None) -> str | None:
    """Land the new objects of `contract`'s source; return the new load id, or None if nothing is new.

    The contract's source (its kind's class in sources/) offers the objects; `since` is the
    incremental cursor (the latest published cursor value) for sources that read from it. A source
    that confirms what it handed over (MQTT acknowledgements) does so only after the load is
    recorded in the ledger, or when nothing of it was new."""
    s = settings()
    base = s.landing / contract.id
    incoming = base / f".incoming-{uuid.uuid4().hex}"
    incoming.mkdir(parents=True)
    try:
        with contract.source.fetched(_request(contract, incoming, since)) as candidates:
            load_id = _land_candidates(contract, base, incoming, candidates)
            faults.point("land.unconfirmed")  # recorded, not yet confirmed to the source
        return load_id
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def _request(contract: Contract, incoming: Path, since: str | None) -> Fetch:
    """What the contract's source is asked for: the cursor by its feed name, the key columns, and
    the files of the latest recorded load (a redelivering source leaves out what they hold)."""
    recorded = ledger.load_ids(contract.id)
    latest = max(recorded) if recorded else None
    folder = settings().landing / contract.id / latest if latest else None
    recent = tuple(landed_files(contract.id, latest)) if latest and folder and folder.is_dir() else ()
    cursor = contract.column(contract.cursor).source_name if contract.cursor else None
    return Fetch(contract.id, incoming, since, cursor,
                 tuple(contract.column(k).source_name for k in contract.primary_key), recent)


def _land_candidates(contract: Contract, base: Path, incoming: Path,
                     candidates: list[Candidate]) -> str | None:
    """Copy, hash and record the candidates not landed before; the new load id or None."""
    _remove_orphans(base, ledger.load_ids(contract.id), keep=incoming)
    faults.point("land.start")
    known = ledger.known_sha256(contract.id)
    looked = ledger.known_stats(contract.id)
    fresh: list[dict] = []
    hashed: list[ledger.SourceStat] = []
    for cand in candidates:
        now = _stat(cand, incoming)
        before = looked.get(cand.source)
        if now and before and before.sha256 in known and before.unchanged(now):
            continue
        tmp = incoming / f"{len(fresh):05d}.part"
        sha, size, scan = _copy(cand.path, tmp, contract.source.format == "csv")
        if now:
            hashed.append(replace(now, sha256=sha))
        if sha in known:
            tmp.unlink()
            continue
        known.add(sha)
        fresh.append({"sha256": sha, "source": cand.source, "name": cand.name, "tmp": tmp,
                      "bytes": size, "scan": scan})
    faults.point("land.copied")
    if not fresh:
        ledger.record_stats(contract.id, hashed)
        return None
    load_id = ledger.new_load_id(contract.id)
    dest = base / load_id
    dest.mkdir()
    for f in fresh:
        final = dest / f.pop("name")
        os.replace(f.pop("tmp"), final)
        final.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        if (scan := f.pop("scan")) is not None:
            keep_scan(scan, final)
        f["landed_path"] = str(final)
    faults.point("land.moved")
    started = ledger.start_load(contract.id, fresh, load_id=load_id)
    # after the load: a stat names bytes the ledger holds, or is ignored until it does
    ledger.record_stats(contract.id, hashed)
    return started


def _remove_orphans(base: Path, recorded: set[str], keep: Path) -> None:
    """Remove what a landing killed before its ledger write left under landing/<dataset>/: its
    scratch folder and its load folder. No ledger row names them, and their bytes are still at
    the source (or fetched again), so they are landed anew."""
    for entry in base.iterdir():
        if entry != keep and entry.is_dir() and entry.name not in recorded:
            shutil.rmtree(entry)


def landed_files(dataset: str, load_id: str) -> list[Path]:
    """The files a load landed, in name order."""
    return sorted(p for p in (settings().landing / dataset / load_id).iterdir() if p.is_file())
