"""Every load of the dirt corpus (tests/support/dirt_corpus.py) through the real pipeline on a fresh
SHUCANG_HOME: the verdict it must get, the rows under each reason, rows in counted from the bytes
and conserved, a refused load leaving the warehouse as it was, and a re-run changing nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from contracts.contract import Contract, load_contracts
from control import ledger
from feeds.errors import LoadRejected
from shucang import pipeline
from tests.support.dirt_corpus import CASES, Case
from warehouse import quarantine
from warehouse.manifest import NotPublishedError, read_manifest


def _contract(case: Case) -> Contract:
    contract = load_contracts()[case.dataset]
    if not case.source:
        return contract
    return contract.model_copy(update={"source": contract.source.model_copy(update=case.source)})


def _verdict(dataset: str) -> str:
    try:
        pipeline.run_feed(dataset)
    except LoadRejected as e:
        return e.reason_code
    return "loaded"


def _row_counts(dataset: str, published: int) -> dict[str, int]:
    """Rows by where they ended: `published` and each reason code (file-level records, which have
    no line, are not rows)."""
    q = quarantine.read(dataset).to_pylist()
    counts = Counter(r["reason_code"] for r in q if r["line"] is not None)
    return {**({"published": published} if published else {}), **counts}


def test_case_names_are_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus(case: Case, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    contract = _contract(case)
    monkeypatch.setattr(pipeline, "contract_for", lambda dataset: contract)
    folder = home / "feeds" / contract.source.location.rsplit("/", 1)[0]
    folder.mkdir(parents=True)
    for name, data in case.files().items():
        (folder / name).write_bytes(data)

    assert _verdict(case.dataset) == case.verdict

    (load,) = ledger.list_loads(case.dataset)
    assert load["rows_in"] == case.rows, load["reason"]
    assert load["rows_in"] == load["rows_published"] + load["rows_quarantined"]
    assert _row_counts(case.dataset, load["rows_published"]) == {k: v for k, v in case.counts.items() if v}
    if case.drift:
        assert case.drift in (load["reason"] or "")
    if case.verdict != "loaded" or not load["rows_published"]:
        with pytest.raises(NotPublishedError):
            read_manifest(case.dataset)
    assert pipeline.run_feed(case.dataset) is None  # the same bytes again: nothing new
    assert len(ledger.list_loads(case.dataset)) == 1
