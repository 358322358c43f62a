"""Quoting, hashing and atomic writes: the foundation's small facts, one case per line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from foundation import files, sql
from foundation.clock import BEIJING, in_beijing
from foundation.files import atomic_write_text, sha256_file

NAMES = ["plain", 'with "quote"', "with 'apostrophe'", "中文列名", "a; DROP TABLE x; --", ""]


@pytest.mark.parametrize("name", NAMES)
def test_identifiers_and_literals_round_trip_through_duckdb(name: str) -> None:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t ({sql.ident(name or 'x')} VARCHAR)")
    con.execute(f"INSERT INTO t VALUES ({sql.literal(name)})")
    assert con.execute("SELECT * FROM t").fetchone() == (name,)


def test_path_lists_read_files_whose_names_hold_quotes(tmp_path: Path) -> None:
    odd = [tmp_path / "it's one.parquet", tmp_path / "two'' .parquet"]
    con = duckdb.connect()
    for i, p in enumerate(odd):
        con.execute(f"COPY (SELECT {i} AS v) TO {sql.path(p)} (FORMAT parquet)")
    assert con.execute(f"SELECT sum(v) FROM read_parquet({sql.paths(odd)})").fetchone() == (1,)


def test_sha256_file_streams_blocks(tmp_path: Path) -> None:
    data = b"x" * (9 << 20)  # more than one 8 MiB block
    f = tmp_path / "f"
    f.write_bytes(data)
    assert sha256_file(f) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("size", [0, 5, 16, 17, 40])  # empty, short, whole chunks, a short last one
def test_sha256_file_shows_every_block_once_in_the_same_read(size: int, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "BLOCK", 8)
    data = bytes(range(size))
    f = tmp_path / "f"
    f.write_bytes(data)
    seen: list[tuple[bytes, bytes]] = []
    assert sha256_file(f, lambda chunk, after: seen.append((bytes(chunk), bytes(after)))) == \
        hashlib.sha256(data).hexdigest()
    assert b"".join(c for c, _ in seen) == data and all(len(c) <= 8 for c, _ in seen)
    assert [a for _, a in seen] == [c[:1] for c, _ in seen[1:]] + [b""][: len(seen)]


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "m.json"
    atomic_write_text(target, "old")
    atomic_write_text(target, "新")
    assert target.read_text(encoding="utf-8") == "新"
    assert [p.name for p in target.parent.iterdir()] == ["m.json"]


def test_beijing_time_is_utc_plus_eight() -> None:
    import datetime as dt

    assert in_beijing(dt.datetime(2026, 1, 1, 16, 30)).hour == 0
    assert in_beijing(dt.datetime(2026, 1, 1, 16, 30)).tzinfo is BEIJING
