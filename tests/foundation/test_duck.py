"""The bounds of a load's DuckDB connections."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foundation.duck import LOAD_MEMORY_CAP, load_connection, load_memory, one_row


def test_a_load_connection_is_bounded_by_half_the_ram_at_most_the_cap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHUCANG_LOAD_MEMORY", raising=False)
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert load_memory() == f"{min(ram // 2, LOAD_MEMORY_CAP) // 2**20}MiB"
    with load_connection(tmp_path / "work" / "spill") as con:
        limit, spill = one_row(con, "SELECT current_setting('memory_limit'), current_setting('temp_directory')")
    assert spill == str(tmp_path / "work" / "spill")
    assert limit.endswith(("MiB", "GiB"))


def test_the_setting_bounds_a_load_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_LOAD_MEMORY", "300MB")
    with load_connection(tmp_path / "spill") as con:
        assert one_row(con, "SELECT current_setting('memory_limit')")[0] == "286.1 MiB"


@pytest.mark.parametrize("size", ["4GB", "512MiB", "1.5 TB", "2000000KB", "300mb"])
def test_memory_sizes_duckdb_reads_are_taken(size: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_LOAD_MEMORY", size)
    assert load_memory() == size
    load_connection(tmp_path / "spill").close()


@pytest.mark.parametrize("size", ["lots", "4 gigs", "-1GB", "2000000", "4GB; SET threads=1"])
def test_a_malformed_memory_size_names_the_setting(size: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_LOAD_MEMORY", size)
    with pytest.raises(ValueError, match="SHUCANG_LOAD_MEMORY=.* is not a memory size"):
        load_memory()
