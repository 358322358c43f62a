"""Backflow: community-collected datasets (tier `community`) flow back to the upper platform in its
exchange format, one batch per published snapshot: backflow/<dataset>/<snapshot_id>/ holding a
UTF-8 CSV (header row, comma, RFC 4180 quoting, no BOM) and a manifest.json written last, which
names the file's sha256, the columns with titles and grades, and the standard address codes each
row was matched to. It reads published snapshots with in-memory DuckDB; it writes only under
backflow/."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from contracts.contract import Contract, Tier, load_contracts
from contracts.schema import ADDRESS_COLUMN_NAMES, published_schema
from foundation.files import sha256_file
from foundation.settings import settings
from foundation.sql import ident
from foundation.sql import path as sql_path
from warehouse.manifest import Manifest, NotPublishedError, read_manifest

FORMAT = "shucang-backflow/1"
UPPER_TIER = {"community": "district"}
CODE_COLUMNS = ADDRESS_COLUMN_NAMES


class BackflowError(ValueError):
    """A dataset cannot flow back (not community-collected, or its snapshot is inconsistent)."""


@dataclass(frozen=True)
class BackflowResult:
    """What happened to one dataset in a backflow run."""

    dataset: str
    status: str  # exported | unchanged | unpublished
    rows: int
    path: Path | None


def backflow_root() -> Path:
    """backflow/ under SHUCANG_HOME."""
    return settings().home / "backflow"


def community_contracts(contracts: dict[str, Contract] | None = None) -> list[Contract]:
    """The contracts of community-collected datasets, in id order."""
    contracts = contracts if contracts is not None else load_contracts()
    return [c for c in contracts.values() if c.tier == Tier.community]


def _columns(contract: Contract, manifest: Manifest) -> list[dict[str, Any]]:
    present = {c.name for c in manifest.columns}
    cols = [c.as_manifest() for c in published_schema(contract) if c.name != "_load_id"]
    missing = [c["name"] for c in cols if c["name"] not in present]
    if missing:
        raise BackflowError(
            f"{contract.id}: snapshot {manifest.snapshot_id} lacks columns {missing} that its"
            " contract publishes; republish it before backflow"
        )
    return cols


def _write_csv(snapshot: str, columns: list[dict[str, Any]], key: tuple[str, ...], target: Path) -> int:
    cols = ", ".join(ident(c["name"]) for c in columns)
    order = ", ".join(ident(k) for k in key)
    tmp = target.with_name(f".{target.name}.tmp")
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT {cols} FROM {snapshot} ORDER BY {order})"
            f" TO {sql_path(tmp)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"',"
            " DATEFORMAT '%Y-%m-%d', TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')"
        )
        rows = con.execute(f"SELECT count(*) FROM {snapshot}").fetchone()
    finally:
        con.close()
    os.replace(tmp, target)
    return int(rows[0]) if rows else 0


def _matched(snapshot: str) -> int:
    con = duckdb.connect()
    try:
        got = con.execute(
            f"SELECT count(*) FROM {snapshot} WHERE community_code IS NOT NULL"
        ).fetchone()
    finally:
        con.close()
    return int(got[0]) if got else 0


def export_dataset(
    contract: Contract, root: Path | None = None, exports: Path | None = None
) -> BackflowResult:
    """Export the current snapshot of one community dataset, unless that batch exists already."""
    if contract.tier != Tier.community:
        raise BackflowError(f"{contract.id} is a {contract.tier} dataset; only community data flows back")
    try:
        manifest = read_manifest(contract.id, exports)
    except NotPublishedError:
        return BackflowResult(contract.id, "unpublished", 0, None)
    batch = (root or backflow_root()) / contract.id / manifest.snapshot_id
    done = batch / "manifest.json"
    if done.exists():
        return BackflowResult(contract.id, "unchanged", json.loads(done.read_text("utf-8"))["rows"], batch)
    batch.mkdir(parents=True, exist_ok=True)
    columns = _columns(contract, manifest)
    snapshot = manifest.relation(exports)
    csv_path = batch / f"{contract.id}.csv"
    rows = _write_csv(snapshot, columns, contract.primary_key, csv_path)
    codes = [c for c in CODE_COLUMNS if any(col["name"] == c for col in columns)]
    matched = _matched(snapshot) if codes else 0
    out = {
        "format": FORMAT,
        "dataset": contract.id,
        "title": contract.title,
        "provider": contract.owner,
        "from_tier": str(contract.tier),
        "to_tier": UPPER_TIER[str(contract.tier)],
        "snapshot_id": manifest.snapshot_id,
        "published_at": manifest.published_at.isoformat(),
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "contract_version": contract.version,
        "grade": str(contract.grade),
        "sharing": str(contract.sharing),
        "rows": rows,
        "file": {
            "name": csv_path.name,
            "encoding": "UTF-8",
            "delimiter": ",",
            "header": True,
            "bytes": csv_path.stat().st_size,
            "sha256": sha256_file(csv_path),
        },
        "primary_key": list(contract.primary_key),
        "columns": columns,
        "address": {
            "column": contract.address.column if contract.address else None,
            "granularity": contract.address.granularity if contract.address else None,
            "codes": codes,
            "code_standard": "GB/T 2260 区县代码 + 国家统计局 12 位统计用区划代码",
            "matched_rows": matched,
            "unmatched_rows": rows - matched if codes else None,
        },
    }
    tmp = batch / ".manifest.json.tmp"
    tmp.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, done)
    return BackflowResult(contract.id, "exported", rows, batch)


def run_backflow(
    datasets: list[str] | None = None, root: Path | None = None, exports: Path | None = None
) -> list[BackflowResult]:
    """Export every community dataset (or the named ones) whose snapshot has not flowed back yet."""
    contracts = load_contracts()
    unknown = [d for d in datasets or [] if d not in contracts]
    if unknown:
        raise BackflowError(
            f"unknown datasets {unknown}; community datasets: "
            f"{', '.join(c.id for c in community_contracts(contracts))}"
        )
    chosen = [contracts[d] for d in datasets] if datasets else community_contracts(contracts)
    return [export_dataset(c, root, exports) for c in chosen]
