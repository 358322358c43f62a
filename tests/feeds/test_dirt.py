"""Every kind of dirt the sample generator plants (feeds/sample, catalogued in dirt.json) ends where
it must: published, published with a warn finding (`warn:<reason code>`), quarantined with its
specific reason code, or its file refused with its code.
One test per kind; a new kind of dirt fails `test_every_kind_has_a_test` until it gets one."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pyarrow.parquet as pq
import pytest

pytestmark = pytest.mark.xdist_group("sample_run")

KINDS = [
    "address:abbreviation",
    "address:chinese_numerals",
    "address:dash_shorthand",
    "address:fullwidth_digits",
    "address:missing_district",
    "address:missing_street",
    "address:synonym_building",
    "address:traditional",
    "closed_before_handled",
    "date_format:chinese",
    "date_format:compact",
    "date_format:excel_date_cell",
    "date_format:slash",
    "duplicate_key",
    "encoding:gb18030",
    "encoding:gbk",
    "garbage_address",
    "garbage_address:emoji",
    "garbage_address:random_text",
    "garbage_address:very_long",
    "gb18030_character",
    "invalid_credit_code",
    "invalid_mobile",
    "invalid_resident_id:birth_date",
    "invalid_resident_id:check_digit",
    "lease_end_before_start",
    "malformed_row:extra_field",
    "malformed_row:missing_field",
    "missing_required",
    "number:chinese_numerals",
    "number:fullwidth_digits",
    "number_cell:mobile",
    "out_of_range",
    "recovered_before_fault",
    "renamed_column",
    "truncated",
    "uncastable",
    "wrong_encoding:utf-16-le",
]


def _kind(entry: dict[str, Any]) -> str:
    """missing_required:姓名, uncastable:年龄 and out_of_range:满意度评分 are one kind each; the column
    varies."""
    for family in ("missing_required", "uncastable", "out_of_range", "renamed_column"):
        if entry["kind"].startswith(family + ":"):
            return family
    return entry["kind"]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Generate the sample, build the registry and run every feed once, in this process."""
    home = tmp_path_factory.mktemp("dirt") / "home"
    saved = {k: os.environ.get(k) for k in ("SHUCANG_HOME", "SHUCANG_FEEDS", "SHUCANG_HTTP_BASE")}
    os.environ.update(SHUCANG_HOME=str(home), SHUCANG_FEEDS=str(home / "feeds"))
    from address_registry.registry import build_registry
    from contracts.contract import load_contracts
    from feeds.errors import LoadRejected
    from feeds.http_server import start_in_thread, stop
    from feeds.sample.generate import generate
    from shucang.pipeline import run_feed
    from warehouse import quarantine

    generate(home / "feeds", scale=0.05)  # every kind of dirt is planted at any scale
    build_registry()
    server, base = start_in_thread(home / "feeds" / "http", port=0)
    os.environ["SHUCANG_HTTP_BASE"] = base
    rejected: list[str] = []
    try:
        for dataset in load_contracts():
            while True:
                try:
                    if run_feed(dataset) is None:
                        break
                except LoadRejected as e:
                    rejected.append(f"{dataset}: {e.reason_code}")
        findings = sorted((home / "quality" / "findings").glob("*/*.parquet"))
        yield {
            "home": home,
            "quarantine": quarantine.read().to_pylist(),
            "warnings": [{**f, "dataset": p.parent.name} for p in findings
                         for f in pq.read_table(p).to_pylist() if f["severity"] == "warn"],
            "rejected": rejected,
            "dirt": json.loads((home / "feeds" / "dirt.json").read_text(encoding="utf-8")),
        }
    finally:
        stop(server)
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def _landed(entry: dict[str, Any]) -> tuple[str, int | None]:
    """Where the pipeline saw the entry: the landed file name's tail and the line in it. HTTP feeds
    are catalogued by record index and landed as pages of `page_size` records, SQL tables by row
and landed as batches of `batch_rows` rows."""
    from contracts.contract import load_contracts

    source = load_contracts()[entry["dataset"]].source
    if source.kind == "sql":  # catalogued by row, landed in batches of batch_rows in cursor order
        batch, line = divmod(entry["line"] - 1, source.batch_rows)
        return f"batch-{batch + 1:05d}.parquet", line + 1
    if source.kind != "http":
        return "__" + entry["file"].replace("/", "__"), entry["line"]
    page, line = divmod(entry["line"] - 1, source.page_size)
    return f"page-{page + 1:05d}.json", line + 1


def _where(run: dict[str, Any], entry: dict[str, Any]) -> set[str]:
    """Reason codes quarantined for the entry's file (and line, for row-level dirt), and
    `warn:<reason code>` for the warn findings of its published rows. A row of a file refused
    whole is quarantined with the file's code: its own dirt is not judged."""
    landed_suffix, line = _landed(entry)
    out = set()
    records = [(q, q["reason_code"]) for q in run["quarantine"]]
    records += [(w, "warn:" + w["reason_code"]) for w in run["warnings"]]
    for q, code in records:
        same_file = q["dataset"] == entry["dataset"] and (q["source_file"] or "").endswith(landed_suffix)
        refused_row = line is not None and q["reason_code"].startswith("rejected:")
        if same_file and (line is None or q["line"] == line) and not refused_row:
            out.add(code)
    return out


def test_every_kind_has_a_test(sample_run: dict[str, Any]) -> None:
    assert {_kind(e) for e in sample_run["dirt"]} <= set(KINDS)


def test_nothing_uncatalogued_is_quarantined(sample_run: dict[str, Any]) -> None:
    """Clean rows are never quarantined: every quarantine record is some catalogued dirt."""
    planted = {(e["dataset"], *_landed(e)) for e in sample_run["dirt"]}
    files = {(d, f) for d, f, _line in planted}
    stray = []
    for q in sample_run["quarantine"]:
        name = q["source_file"] or ""
        hits = {(d, f, ln) for d, f, ln in planted if d == q["dataset"] and name.endswith(f)}
        if not any(ln is None or ln == q["line"] for _d, _f, ln in hits):
            stray.append((q["dataset"], name, q["line"], q["reason_code"]))
    assert files and not stray, stray[:5]


def test_no_whole_load_was_rejected(sample_run: dict[str, Any]) -> None:
    """Bad files are refused one by one: every dataset still published its good files."""
    assert sample_run["rejected"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_dirt_ends_where_it_must(sample_run: dict[str, Any], kind: str) -> None:
    entries = [e for e in sample_run["dirt"] if _kind(e) == kind]
    assert entries, f"the sample plants no {kind}"
    wrong = []
    for e in entries:
        codes = _where(sample_run, e)
        if e["expect"].startswith("warn:"):  # published, with the finding recorded
            ok = codes == {e["expect"]}
        elif e["expect"] != "published":
            ok = e["expect"] in codes
        elif e["line"] is None:  # a whole file that must load: none of it refused
            ok = not any(c.startswith("rejected:") for c in codes)
        else:
            ok = not codes
        if not ok:
            wrong.append((e["dataset"], e["file"], e["line"], e["expect"], sorted(codes)))
    assert not wrong, f"{len(wrong)} of {len(entries)} {kind} ended elsewhere: {wrong[:5]}"
