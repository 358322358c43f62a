"""match_many: the seam the pipeline calls (one row per distinct input, never raises)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from address_registry import match_many


@pytest.mark.parametrize(
    ("text", "level", "community_code"),
    [
        ("杭州市西湖区翠苑街道翠苑一区", "community", "330106005055"),
        ("西湖区翠苑街道", "street", None),
        ("滨江区", "district", None),
        ("垃圾", "none", None),
        ("", "none", None),
    ],
)
def test_division_levels_without_registry(home: Path, text: str, level: str,
                                          community_code: str | None) -> None:
    row = match_many([text]).to_pylist()[0]
    assert (row["match_level"], row["community_code"]) == (level, community_code)
    assert (row["reason"] is None) == (level != "none")


def test_one_row_per_distinct_string(home: Path) -> None:
    table = match_many(pa.chunked_array([["西湖区", "西湖区", None], ["垃圾", None]]))
    got = table.column("address").to_pylist()
    assert sorted(got, key=str) == sorted(["西湖区", None, "垃圾"], key=str)
    assert table.schema.field("lon").type == pa.float64()


def test_unreadable_reason_names_the_text(home: Path) -> None:
    row = match_many(["😀" * 5000]).to_pylist()[0]
    assert row["match_level"] == "none"
    assert row["reason"].startswith("no district, street or community recognised in '😀")


def test_fork_pool_gives_the_serial_result(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from address_registry import parallel

    texts = [f"杭州市西湖区翠苑街道翠苑一区社区{b}幢{u}单元{r}室" for b in range(1, 40)
             for u in (1, 2) for r in range(101, 131)] + ["不详", "江干区下沙街道"]
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 100)
    monkeypatch.setenv("SHUCANG_ADDRESS_WORKERS", "1")
    parallel._CACHE.clear()
    serial = match_many(texts).to_pylist()
    monkeypatch.setenv("SHUCANG_ADDRESS_WORKERS", "2")
    parallel._CACHE.clear()
    assert match_many(texts).to_pylist() == serial
