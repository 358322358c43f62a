"""Fixtures for the sample-feed tests: one tiny sample generated per test session (per xdist
worker), and readers that give each data line of a feed file back by its catalogued line number."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from contracts.contract import Contract, load_contracts
from feeds.sample.excel import HEADER_ROW, SHEET
from feeds.sample.generate import SampleSummary, generate
from foundation.sql import ident

TINY = 0.05  # about 1/20 of the demo's rows: every dirt kind still fits


@pytest.fixture(scope="session")
def contracts() -> dict[str, Contract]:
    return load_contracts()


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleSummary, list[tuple[str, int, int]]]:
    """A tiny sample, generated once per session, and the progress it reported."""
    steps: list[tuple[str, int, int]] = []
    summary = generate(tmp_path_factory.mktemp("sample"), scale=TINY, progress=lambda *s: steps.append(s))
    return summary, steps


@pytest.fixture(scope="session")
def sample(generated) -> SampleSummary:
    return generated[0]


@pytest.fixture(scope="session")
def dirt(sample: SampleSummary) -> list[dict[str, Any]]:
    return json.loads(sample.dirt_path.read_text(encoding="utf-8"))


def file_encoding(sample: SampleSummary, contract: Contract, name: str, dirt: list[dict]) -> str:
    """The encoding a file was written in: the declared one unless dirt says otherwise."""
    for d in dirt:
        if d["dataset"] == contract.id and d["file"] == name and d["line"] is None:
            if d["kind"] == "encoding:gb18030":
                return "gb18030"
            if d["kind"].startswith("wrong_encoding:"):
                return d["kind"].split(":", 1)[1]
    declared = getattr(contract.source, "encoding", "auto")  # JSON pages (http) are UTF-8
    return declared if declared != "auto" else "utf-8"


def read_lines(
    path: Path, contract: Contract, encoding: str = "utf-8"
) -> tuple[list[str], dict[int, list[Any]]]:
    """Header and {line: fields} of one feed file, numbered the way dirt.json numbers lines."""
    fmt = contract.source.format
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))
        return rows[0], {i: r for i, r in enumerate(rows[1:], start=1)}
    if fmt == "parquet":  # a sql source: the table of an embedded department database, by rowid
        with sqlite3.connect(path) as con:
            cur = con.execute(f"SELECT * FROM {ident(contract.source.location)} ORDER BY rowid")
            header = [d[0] for d in cur.description]
            return header, {i: list(r) for i, r in enumerate(cur.fetchall(), start=1)}
    if fmt == "json":
        records = json.loads(path.read_text(encoding="utf-8"))
        header = [c.source_name for c in contract.columns]
        return header, {i: [r.get(h) for h in header] for i, r in enumerate(records, start=1)}
    ws = openpyxl.load_workbook(path)[SHEET]
    header = [c.value for c in ws[HEADER_ROW]]
    lines = {}
    for n, row in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True), start=HEADER_ROW + 1):
        if any(v not in (None, "") for v in row):
            lines[n] = list(row)
    return header, lines
