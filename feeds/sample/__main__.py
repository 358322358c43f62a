"""`python -m feeds.sample OUT [--scale N] [--seed S]`: generate the sample feeds (no CLI needed)."""

from __future__ import annotations

import argparse
from pathlib import Path

from feeds.sample.generate import DEFAULT_SEED, generate


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m feeds.sample", description=__doc__)
    parser.add_argument("out", type=Path, help="output folder (the feeds folder, e.g. var/feeds)")
    parser.add_argument("--scale", type=float, default=1.0, help="row-count multiplier (default 1)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    summary = generate(
        args.out, args.scale, args.seed, lambda step, done, total: print(f"[{done}/{total}] {step}")
    )
    for dataset, rows in summary.rows.items():
        print(f"{dataset:26} {len(summary.files[dataset]):3} files {rows:7} rows")
    print(
        f"{summary.dirt_entries} dirt entries in {summary.dirt_path}; "
        f"{summary.addresses} addresses catalogued"
    )


if __name__ == "__main__":
    main()
