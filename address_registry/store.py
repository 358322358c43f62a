"""Versioned storage of built registries under SHUCANG_HOME/registry/:

    registry/ledger.parquet          every natural key -> code ever given (append-only in content)
    registry/CURRENT                 the number of the latest complete version
    registry/v0001/{estates,buildings,houses,names,conflicts}.parquet + manifest.json

A version folder is written completely under a temporary name and renamed into place before
CURRENT moves, so readers see the old version or the new one, never half of one. The layout is
warehouse.registry_files; this module writes and reads the versions' files under registry/; it
does not merge sources or match addresses."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from address_registry.codes import CodeLedger, LedgerEntry
from foundation.files import exclusive_lock
from warehouse.registry_files import current_version, root, version_dir

TABLES = ("estates", "buildings", "houses", "names", "conflicts")


class RegistryNotBuilt(LookupError):
    """No registry version exists yet under SHUCANG_HOME/registry/."""


@contextlib.contextmanager
def build_lock(base: Path | None = None) -> Iterator[None]:
    """Exclusive lock so two builds never interleave their versions or ledgers."""
    with exclusive_lock((base or root()) / ".lock"):
        yield


_LEDGER_SCHEMA = pa.schema([("kind", pa.string()), ("key", pa.string()), ("code", pa.string()),
                            ("version", pa.int32()), ("alias_of", pa.string())])


def load_ledger(base: Path | None = None) -> CodeLedger:
    """The code ledger (empty before the first build)."""
    path = (base or root()) / "ledger.parquet"
    if not path.exists():
        return CodeLedger()
    rows = pq.read_table(path).to_pylist()
    return CodeLedger([LedgerEntry(r["kind"], r["key"], r["code"], r["version"], r["alias_of"])
                       for r in rows])


def _atomic_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def write_version(version: int, tables: dict[str, pa.Table], manifest: dict[str, object],
                  ledger: CodeLedger, base: Path | None = None) -> Path:
    """Write one complete version and the ledger, then point CURRENT at it."""
    base = base or root()
    final = version_dir(version, base)
    tmp = base / f".v{version:04d}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in TABLES:
        pq.write_table(tables[name], tmp / f"{name}.parquet")
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    os.replace(tmp, final)
    ledger_rows = [{"kind": e.kind, "key": e.key, "code": e.code, "version": e.version,
                    "alias_of": e.alias_of} for e in ledger.entries]
    _atomic_parquet(pa.Table.from_pylist(ledger_rows, schema=_LEDGER_SCHEMA),
                    base / "ledger.parquet")
    tmp_current = base / "CURRENT.tmp"
    tmp_current.write_text(str(version))
    os.replace(tmp_current, base / "CURRENT")
    return final


def read_version(version: int | None = None, base: Path | None = None
                 ) -> tuple[int, dict[str, pa.Table], dict[str, object]]:
    """The tables and manifest of `version` (default: CURRENT)."""
    version = version if version is not None else current_version(base)
    if version is None:
        raise RegistryNotBuilt(f"no registry under {base or root()}; run `shucang registry build`")
    folder = version_dir(version, base)
    tables = {name: pq.read_table(folder / f"{name}.parquet") for name in TABLES}
    manifest = json.loads((folder / "manifest.json").read_text())
    return version, tables, manifest
