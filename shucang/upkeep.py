"""Upkeep of the published warehouse, run on a schedule (DAG shucang_maintenance) and by
`shucang warehouse compact`: each dataset's small data files compacted while no load of it is
running. Compaction holds the dataset's lease, taken without waiting, so it never falls between
the steps of a load; a dataset another run holds is left for the next run. One dataset that fails
is reported with its error and the others go on; `UpkeepFailed` names the failed ones at the end."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from control import lease
from warehouse.compact import compact
from warehouse.manifest import published_datasets

log = logging.getLogger("shucang.upkeep")

Status = Literal["compacted", "unchanged", "busy", "failed"]


@dataclass(frozen=True)
class Upkeep:
    """What the upkeep did to one dataset, and the line it logs for it."""

    dataset: str
    status: Status
    detail: str

    def line(self) -> str:
        """`dataset: status (detail)`, the task log's line for the dataset."""
        return f"{self.dataset}: {self.status} ({self.detail})"


class UpkeepFailed(RuntimeError):
    """The upkeep of some datasets failed; the others were done."""

    def __init__(self, failed: list[Upkeep]) -> None:
        super().__init__(f"upkeep failed for {len(failed)} dataset(s): "
                         + "; ".join(u.line() for u in failed))
        self.failed = failed


def _compact_one(dataset: str, exports: Path | None) -> Upkeep:
    """Compact `dataset` under its lease, or say why not."""
    try:
        with lease.holding(dataset, wait=0):
            done = compact(dataset, exports)
    except lease.LeaseHeld as e:
        return Upkeep(dataset, "busy", f"a load holds its lease ({e.holder}); left for the next run")
    except Exception as e:  # noqa: BLE001 - one dataset's failure must not stop the others
        log.exception("compacting %s failed", dataset)
        return Upkeep(dataset, "failed", f"{type(e).__name__}: {e}")
    if done is None:
        return Upkeep(dataset, "unchanged", "nothing to merge")
    return Upkeep(dataset, "compacted", f"{done.rows} rows in {done.files_before} -> {done.files_after}"
                  f" data files, snapshot {done.replaced} -> {done.snapshot_id}")


def compact_published(datasets: list[str] | None = None, exports: Path | None = None) -> list[Upkeep]:
    """Compact each of `datasets` (default: every published dataset) that needs it, logging a line
    for each; the outcomes in order. Raises nothing for one dataset: see `raise_failures`."""
    done = []
    for dataset in datasets or published_datasets(exports):
        outcome = _compact_one(dataset, exports)
        (log.warning if outcome.status == "failed" else log.info)(outcome.line())
        done.append(outcome)
    return done


def raise_failures(outcomes: list[Upkeep]) -> None:
    """UpkeepFailed naming every failed dataset of `outcomes`, if any failed."""
    failed = [u for u in outcomes if u.status == "failed"]
    if failed:
        raise UpkeepFailed(failed)
