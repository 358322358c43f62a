"""The source kind registry: every kind one class under its own name, every contract's source one
of them, and the file kind's candidates."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.contract import load_contracts
from sources.base import Fetch, SourceBase
from sources.file import FileSource
from sources.registry import SOURCES


def test_every_kind_is_one_class_under_its_name() -> None:
    assert {"file", "http"} <= set(SOURCES)
    for kind, cls in SOURCES.items():
        assert issubclass(cls, SourceBase)
        assert cls.kind_name() == kind
        assert cls.fetch is not SourceBase.fetch, f"{kind} does not fetch"


def test_every_contract_names_a_registered_kind() -> None:
    for c in load_contracts().values():
        assert isinstance(c.source, SOURCES[c.source.kind])


def test_file_candidates_follow_the_glob_in_name_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feeds = tmp_path / "feeds"
    (feeds / "district" / "grid_event").mkdir(parents=True)
    for name in ("b.csv", "a.csv", "notes.txt"):
        (feeds / "district" / "grid_event" / name).write_text("x", encoding="utf-8")
    monkeypatch.setenv("SHUCANG_FEEDS", str(feeds))
    grid = load_contracts()["grid_event"]
    assert isinstance(grid.source, FileSource)
    got = grid.source.fetch(Fetch("grid_event", tmp_path / "work"))
    assert [c.name for c in got] == ["district__grid_event__a.csv", "district__grid_event__b.csv"]
