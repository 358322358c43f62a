"""End to end against the real pipeline: land -> stage -> address -> validate -> publish run on the
tiny sample must answer every dirt.json entry with the reason it names, publish every row the
catalogue says is published, and quarantine nothing the catalogue does not list.

This is the contract between the generator and the spine: when it fails, either a feed carries
dirt it does not declare or the pipeline answers a declared dirt with another reason."""

from __future__ import annotations

import re
import sys
from collections import defaultdict

import duckdb
import pytest

from feeds.http_server import running

PAGE_FILE = re.compile(r"page-(\d+)\.json$")


def _catalogue_position(contract, source_file: str | None, line: int | None) -> tuple[str | None, int | None]:
    """(file, line) as dirt.json names them, from a landed file name and its line."""
    if source_file is None:
        return None, line
    page = PAGE_FILE.search(source_file)
    if page and contract.source.kind == "http":  # one landed file per page; dirt.json counts records
        offset = (int(page.group(1)) - 1) * contract.source.page_size
        return f"{contract.id}.json", None if line is None else offset + line
    return source_file.rsplit("__", 1)[-1], line  # landing prefixes the location's folders


@pytest.fixture(scope="module")
def outcomes(sample, contracts, tmp_path_factory):
    pytest.importorskip("address_registry.registry")
    from address_registry.registry import build_registry
    from shucang.pipeline import run_feed

    home = tmp_path_factory.mktemp("pipeline-home")
    with pytest.MonkeyPatch.context() as mp, running(sample.out) as base_url:
        mp.setenv("SHUCANG_HOME", str(home))
        mp.setenv("SHUCANG_FEEDS", str(sample.out))
        mp.setenv("SHUCANG_HTTP_BASE", base_url)
        mp.delenv("SHUCANG_CONTROL_URL", raising=False)
        # pyspark (imported by great_expectations) exits the process when __main__ has no
        # __file__, which is the case inside an xdist worker; give it one while we import.
        mp.setattr(sys.modules["__main__"], "__file__", "xdist-worker", raising=False)
        build_registry()
        refs = {dataset: run_feed(dataset) for dataset in contracts}
    rows = duckdb.sql(
        f"SELECT dataset, source_file, line, reason_code FROM read_parquet('{home}/quarantine/*/*.parquet', "
        "union_by_name => true)"
    ).fetchall()
    got: dict[tuple, set[str]] = defaultdict(set)
    for dataset, source_file, line, reason in rows:
        name, line = _catalogue_position(contracts[dataset], source_file, line)
        got[(dataset, name, line)].add(reason)
    return refs, got


def _undelivered(got: dict[tuple, set[str]], dirt: list[dict]) -> list[tuple[dict, list[str]]]:
    """Catalogue entries the pipeline answered with another reason (or not at all)."""
    wrong = []
    for d in dirt:
        if d["line"] is None:
            reasons = set().union(
                *[r for (ds, f, _), r in got.items() if ds == d["dataset"] and f == d["file"]]
            )
            ok = (
                d["expect"] in reasons
                if d["expect"] != "published"
                else not any(r.startswith("rejected:") for r in reasons)
            )
        else:
            reasons = got.get((d["dataset"], d["file"], d["line"]), set())
            ok = not reasons if d["expect"] == "published" else d["expect"] in reasons
        if not ok:
            wrong.append((d, sorted(reasons)))
    return wrong


def _undeclared(got: dict[tuple, set[str]], dirt: list[dict]) -> dict[tuple, set[str]]:
    """Quarantined lines the catalogue does not list (outside files it rejects whole)."""
    declared = {(d["dataset"], d["file"], d["line"]) for d in dirt if d["expect"] != "published"}
    rejected_files = {
        (d["dataset"], d["file"]) for d in dirt if d["line"] is None and d["expect"] != "published"
    }
    return {k: r for k, r in got.items() if k not in declared and k[:2] not in rejected_files}


def test_pipeline_answers_the_dirt_catalogue(outcomes, contracts, dirt) -> None:
    # one test, not three: the pipeline run is the expensive part and xdist would repeat it per worker
    refs, got = outcomes
    assert {d for d, ref in refs.items() if ref is not None} == set(contracts), "a feed did not publish"
    wrong = _undelivered(got, dirt)
    assert not wrong, wrong[:10]
    undeclared = _undeclared(got, dirt)
    assert not undeclared, list(undeclared.items())[:10]
