"""Grant artifacts: each live grant compiles to SHUCANG_HOME/grants/<grant_id>/ holding, per granted
dataset, one Parquet file with only the granted columns, masked, and only the granted rows, plus a
manifest signed with HMAC. Owns that folder: builds, verifies, rebuilds on republish, deletes on
expiry/revocation. Reads published snapshots; never writes exports/ or the warehouse."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select, update

from access import keys, masks
from access.clock import now
from access.db import engine
from access.errors import ArtifactIntegrityError, GrantNotActiveError, ScopeError
from access.grants import Status, require_live
from access.models import grants
from access.scope import DatasetScope, Scope
from contracts.masks import MASKS
from foundation.files import sha256_file
from foundation.settings import settings
from foundation.sql import ident, literal, path
from warehouse.manifest import NotPublishedError, read_manifest

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"


def grants_root() -> Path:
    """SHUCANG_HOME/grants/."""
    return settings().home / "grants"


def grant_dir(grant_id: str) -> Path:
    """SHUCANG_HOME/grants/<grant_id>/ (manifest.json + build-<id>/<dataset>.parquet)."""
    return grants_root() / grant_id


def select_sql(dataset_scope: DatasetScope, snapshot: str, schema: set[str]) -> str:
    """The SELECT that cuts a published snapshot down to a grant: exactly the granted columns
    (masked), and only rows inside the row scope (whose column is not shown unless granted).
    Pseudonyms (HMAC, ~5 us a value in SQL) are computed once per distinct value and joined."""
    where = []
    for key, code in dataset_scope.rows.items():
        if not code.isdigit():  # validated at submission; re-checked because it is spliced in SQL
            raise ScopeError(f"row scope {key}={code!r} is not a division code")
        where.append(f"{ident(key)} = {literal(code)}")
    ctes = [f"src AS (SELECT * FROM {snapshot}"
            + (f" WHERE {' AND '.join(where)})" if where else ")")]
    cols, joins = [], []
    for i, (col, mask) in enumerate(dataset_scope.columns.items()):
        kind = MASKS[mask] if mask else None
        if kind is not None and kind.per_distinct_value:
            ctes.append(f"p{i} AS (SELECT v, {kind.sql('v', False)} AS h"
                        f" FROM (SELECT DISTINCT {ident(col)} AS v FROM src))")
            joins.append(f" LEFT JOIN p{i} ON src.{ident(col)} = p{i}.v")
            expr = f"p{i}.h"
        elif kind is not None:
            expr = kind.sql(f"src.{ident(col)}", "community_code" in schema)
        else:
            expr = f"src.{ident(col)}"
        cols.append(f"{expr} AS {ident(col)}")
    return f"WITH {', '.join(ctes)} SELECT {', '.join(cols)} FROM src{''.join(joins)}"


def _build_dataset(
    con: duckdb.DuckDBPyConnection, dataset: str, dscope: DatasetScope, out: Path
) -> dict[str, Any]:
    source = read_manifest(dataset)
    schema = {c.name for c in source.columns}
    missing = (set(dscope.columns) | set(dscope.rows)) - schema
    if missing:
        raise ScopeError(
            f"dataset {dataset} snapshot {source.snapshot_id} lacks granted columns"
            f" {', '.join(sorted(missing))}"
        )
    target = out / f"{dataset}.parquet"
    sql = select_sql(dscope, source.relation(), schema)
    con.execute(f"COPY ({sql}) TO {path(target)} (FORMAT parquet, COMPRESSION zstd)")
    rows = con.execute(f"SELECT count(*) FROM read_parquet({path(target)})").fetchone()
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({path(target)})").fetchall()
    return {
        "source_snapshot": source.snapshot_id,
        "rows": rows[0] if rows else 0,
        "masks": {c: m for c, m in dscope.columns.items() if m},
        "rows_scope": dscope.rows,
        "schema": [{"name": r[0], "type": r[1]} for r in described],
        "files": [
            {
                "path": f"{out.name}/{target.name}",
                "bytes": target.stat().st_size,
                "sha256": sha256_file(target),
            }
        ],
    }


_locks: dict[str, threading.Lock] = {}


def build(grant_id: str) -> dict[str, Any]:
    """Compile (or recompile) the artifact of a live grant and swap its signed manifest in."""
    g = require_live(grant_id)
    granted = Scope.model_validate(g["granted"])
    lock = _locks.setdefault(grant_id, threading.Lock())
    with lock:
        base = grant_dir(grant_id)
        build_id = f"build-{now():%Y%m%dT%H%M%S%f}"
        out = base / build_id
        out.mkdir(parents=True)
        con = duckdb.connect(
            config={"autoload_known_extensions": False, "autoinstall_known_extensions": False}
        )
        try:
            masks.install(con, masks.pseudonym_key(keys.master_secret(), g["org_id"]))
            datasets, pending = {}, []
            for dataset, dscope in granted.datasets.items():
                try:
                    datasets[dataset] = _build_dataset(con, dataset, dscope, out)
                except NotPublishedError:
                    pending.append(dataset)
        finally:
            con.close()
        manifest = {
            "grant_id": grant_id,
            "org_id": g["org_id"],
            "purpose": g["purpose"],
            "scope": g["granted"],
            "valid_from": g["valid_from"].isoformat(),
            "valid_to": g["valid_to"].isoformat(),
            "built_at": now().isoformat(),
            "build": build_id,
            "datasets": datasets,
            "pending": pending,
        }
        manifest["signature"] = keys.sign(manifest)
        body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        tmp = base / f".{MANIFEST}.{build_id}.tmp"
        tmp.write_bytes(body)
        with engine().begin() as c:
            # The row update takes the write lock first, so concurrent builders (the rebuild DAG
            # and a CLI rebuild) swap manifests in the same order as they record their hashes;
            # a revocation committed meanwhile leaves the row inactive and the swap is skipped.
            done = c.execute(
                update(grants)
                .where(grants.c.grant_id == grant_id, grants.c.status == Status.active)
                .values(
                    artifact_sha256=hashlib.sha256(body).hexdigest(),
                    artifact_built_at=now(),
                    source_snapshots={d: v["source_snapshot"] for d, v in datasets.items()},
                )
            ).rowcount
            if not done:
                tmp.unlink()
                shutil.rmtree(out, ignore_errors=True)
                raise GrantNotActiveError(f"grant {grant_id} ended while its artifact was built")
            os.replace(tmp, base / MANIFEST)
        _prune(base, keep=build_id)
    return manifest


def _prune(base: Path, keep: str) -> None:
    # The previous build stays one more round so a query that started on it can finish.
    builds = sorted(p for p in base.glob("build-*") if p.is_dir() and p.name != keep)
    for old in builds[:-1]:
        shutil.rmtree(old, ignore_errors=True)


def build_quietly(grant_id: str) -> dict[str, Any] | None:
    """`build`, logging instead of raising when the data cannot be read yet (it is retried when a
    source dataset is republished or by `shucang grants rebuild`)."""
    try:
        return build(grant_id)
    except (duckdb.Error, OSError, ScopeError) as e:
        log.warning("grant %s: artifact not built: %s", grant_id, e)
        return None


_verified: dict[tuple[str, int, int, int], str] = {}
_signed: set[tuple[str, str]] = set()


def _file_ok(path: Path, expected: str) -> bool:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _verified:
        _verified[key] = sha256_file(path)
    return _verified[key] == expected


def verified_manifest(grant_id: str, grant: dict[str, Any] | None = None) -> dict[str, Any]:
    """The artifact manifest of a live grant after checking its signature, that it is the one the
    control plane recorded, and every file's sha256; raises on any mismatch. `grant`: the grant
    row when the caller has just checked it is live."""
    g = grant or require_live(grant_id)
    path = grant_dir(grant_id) / MANIFEST
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise GrantNotActiveError(
            f"grant {grant_id} has no artifact yet (its data is not published"
            " or not built; run `shucang grants rebuild`)"
        ) from None
    manifest = json.loads(body)
    digest = hashlib.sha256(body).hexdigest()
    if (digest, grant_id) not in _signed:  # the same bytes verify the same way: check once
        if not keys.verify(manifest) or manifest.get("grant_id") != grant_id:
            raise ArtifactIntegrityError(f"{path}: signature does not verify")
        _signed.add((digest, grant_id))
    if digest != g["artifact_sha256"]:
        raise ArtifactIntegrityError(f"{path}: not the manifest the control plane recorded")
    for dataset, entry in manifest["datasets"].items():
        for f in entry["files"]:
            fp = grant_dir(grant_id) / f["path"]
            if not fp.exists() or not _file_ok(fp, f["sha256"]):
                raise ArtifactIntegrityError(
                    f"{fp}: sha256 differs from the signed manifest (dataset {dataset})"
                )
    return manifest


def files_of(grant_id: str, manifest: Mapping[str, Any], dataset: str) -> list[Path]:
    """Absolute paths of one dataset's artifact files."""
    return [grant_dir(grant_id) / f["path"] for f in manifest["datasets"][dataset]["files"]]


def delete(grant_id: str) -> None:
    """Remove a grant's artifact folder and forget its hash (idempotent)."""
    shutil.rmtree(grant_dir(grant_id), ignore_errors=True)
    with engine().begin() as c:
        c.execute(update(grants).where(grants.c.grant_id == grant_id).values(artifact_sha256=None))


def rebuild_for_dataset(dataset: str) -> list[str]:
    """Rebuild the artifact of every live grant that covers `dataset` (called when it is
    republished); returns the ids rebuilt."""
    with engine().connect() as c:
        rows = c.execute(
            select(grants.c.grant_id, grants.c.granted).where(grants.c.status == Status.active)
        ).all()
    done = []
    for grant_id, granted in rows:
        if dataset in granted["datasets"]:
            try:
                build(grant_id)
            except GrantNotActiveError as e:  # validity over: expiry will delete it
                log.info("grant %s not rebuilt: %s", grant_id, e)
                continue
            done.append(grant_id)
    return done
