"""Accuracy of the address registry: per-level precision and recall.

1. The hand-labelled set (benchmarks/data/address_eval.csv, >= 400 addresses covering the hard
   patterns) and generated noisy variants of it: parsed levels and division codes against labels.
2. The sample world (feeds.sample): every address string written into a feed, matched against the
   registry built from the three sources, scored against address_truth.parquet / truth.parquet.

    uv run python benchmarks/address_eval.py                 # generates the sample into a tmp dir
    uv run python benchmarks/address_eval.py --feeds DIR     # or uses existing sample feeds

Goals (issue 3): district >= 0.99, street >= 0.95, community >= 0.90, building/unit/room >= 0.97;
house-match precision >= 0.995 at recall >= 0.97 on generated data.
"""

from __future__ import annotations

import argparse
import csv
import functools
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

EVAL_SET = Path(__file__).resolve().parent / "data" / "address_eval.csv"
DIVISION_LEVELS = ("district", "street", "community")
SPAN_LEVELS = ("road", "road_number", "estate", "building", "unit", "room")
GOALS = {"district": 0.99, "street": 0.95, "community": 0.90, "building": 0.97, "unit": 0.97,
         "room": 0.97}


@dataclass
class Score:
    """Counts for one level: predicted, expected, and correct among predicted."""

    predicted: int = 0
    expected: int = 0
    correct: int = 0
    wrong: int = 0

    def add(self, got: str | None, want: str | None) -> None:
        if got is not None:
            self.predicted += 1
        if want is not None:
            self.expected += 1
        if got is not None and got == want:
            self.correct += 1
        elif got is not None:
            self.wrong += 1

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def print_scores(title: str, scores: dict[str, Score]) -> None:
    print(f"\n{title}")
    print(f"  {'level':26} {'expected':>8} {'predicted':>9} {'precision':>9} {'recall':>7}  goal")
    for level, s in scores.items():
        goal = GOALS.get(level)
        mark = "" if goal is None else ("ok" if min(s.precision, s.recall) >= goal else "MISS")
        goal_text = "" if goal is None else f">= {goal} {mark}"
        print(f"  {level:26} {s.expected:8} {s.predicted:9} {s.precision:9.4f} {s.recall:7.4f}"
              f"  {goal_text}")


# -- 1. hand-labelled set ------------------------------------------------------------------------

def division_codes() -> dict[tuple[str, str, str], str]:
    """(level, name, parent code prefix) -> code, by exact official name (labels are names)."""
    from address_registry.divisions import load_divisions

    out: dict[tuple[str, str, str], str] = {}
    for d in load_divisions().by_code.values():
        out[(d.level, d.name, d.parent)] = d.code
    return out


def label_codes(row: dict[str, str], codes: dict[tuple[str, str, str], str]
                ) -> dict[str, str | None]:
    """The district/street/community codes a labelled row denotes (labels give official names)."""
    out: dict[str, str | None] = {"district": None, "street": None, "community": None}
    parent = "3301"
    for level in DIVISION_LEVELS:
        name = row[level].strip()
        if not name:
            break
        code = codes.get((level, name, parent))
        if code is None and level == "district":  # another city of Zhejiang (宁波市海曙区)
            code = next((c for (lv, n, _), c in codes.items()
                         if lv == level and n == name and c.startswith("33")), None)
        if code is None:
            raise SystemExit(f"{EVAL_SET}: {level} {name!r} is not an official name under {parent}"
                             f" (row {row['address']!r})")
        out[level] = parent = code
    return out


def load_eval_set() -> list[dict[str, str]]:
    with EVAL_SET.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if not r["address"].startswith("#")]


_DIGITS = "〇一二三四五六七八九"


def _cn(n: str) -> str:
    v = int(n)
    if v < 10:
        return _DIGITS[v]
    tens, ones = divmod(v, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


@functools.cache
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert


def noisy_variants(row: dict[str, str], rng: random.Random) -> list[tuple[str, str]]:
    """(variant name, text) noisy renderings of a labelled address that keep its labels."""
    text = row["address"]
    out = [("traditional", _s2t()(text)),
           ("fullwidth", text.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))),
           ("spaces", " ".join(text[i:i + 4] for i in range(0, len(text), 4)))]
    b, u, r = row["building"], row["unit"], row["room"]
    if b.isdigit() and f"{b}幢" in text:
        syn = rng.choice(("栋", "号楼", "座"))
        out.append(("building_synonym", text.replace(f"{b}幢", f"{b}{syn}")))
        numerals = text.replace(f"{b}幢", f"{_cn(b)}幢")
        if u.isdigit():
            numerals = numerals.replace(f"{u}单元", f"{_cn(u)}单元")
        if r.isdigit():
            numerals = numerals.replace(f"{r}室", "".join(_DIGITS[int(c)] for c in r) + "室")
        out.append(("chinese_numerals", numerals))
    return out


def evaluate_labelled() -> tuple[dict[str, Score], dict[str, Score], dict[str, dict[str, Score]]]:
    """Scores on the labelled set, on its noisy variants, and per pattern (labelled set)."""
    from address_registry import parse

    codes = division_codes()
    rows = load_eval_set()
    rng = random.Random(7)
    base: dict[str, Score] = defaultdict(Score)
    noisy: dict[str, Score] = defaultdict(Score)
    by_pattern: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    failures: list[str] = []
    for row in rows:
        want = label_codes(row, codes)
        texts = [("base", row["address"])] + noisy_variants(row, rng)
        for variant, text in texts:
            p = parse(text)
            got = {"district": p.district_code, "street": p.street_code,
                   "community": p.community_code}
            target = base if variant == "base" else noisy
            for level in DIVISION_LEVELS:
                target[level].add(got[level], want[level])
                if variant == "base":
                    by_pattern[row["pattern"]][level].add(got[level], want[level])
            for level in SPAN_LEVELS:
                g, w = getattr(p, level), row[level] or None
                target[level].add(g, w)
                if variant == "base":
                    by_pattern[row["pattern"]][level].add(g, w)
            wrong = [lv for lv in DIVISION_LEVELS if got[lv] != want[lv]] + [
                lv for lv in SPAN_LEVELS if getattr(p, lv) != (row[lv] or None)]
            if wrong and variant == "base":
                failures.append(f"{row['address']}: {', '.join(wrong)}")
    if failures and os.environ.get("SHOW_FAILURES"):
        print("\n".join(failures))
    print(f"labelled set: {len(rows)} addresses ({len(failures)} with at least one wrong level)")
    return base, noisy, by_pattern


# -- 2. generated world --------------------------------------------------------------------------

def _label(text: str | None, suffix: str) -> str:
    return (text or "").removesuffix(suffix)


def truth_keys(truth: pa.Table) -> tuple[dict[str, tuple], dict[str, tuple], dict[str, str]]:
    """house_key -> structural key, building_key -> structural key, estate_key -> name."""
    houses, buildings, estates = {}, {}, {}
    for t in truth.to_pylist():
        if t["estate"]:
            b = (t["estate"], _label(t["building"], "幢"))
            h = (*b, _label(t["unit"], "单元"), _label(t["room"], "室"))
            estates[t["estate_key"]] = t["estate"]
        else:
            b = ("R", t["road"], _label(t["road_number"], "号"))
            h = b
        houses[t["house_key"]] = h
        buildings.setdefault(t["building_key"], b)
    return houses, buildings, estates


def registry_keys(tables: dict[str, pa.Table]) -> tuple[dict[str, tuple], dict[str, tuple],
                                                         dict[str, str]]:
    """house_code -> structural key, building_code -> key, estate_code -> standard name."""
    estates = {e["estate_code"]: e["name"] for e in tables["estates"].to_pylist()}
    buildings = {}
    for b in tables["buildings"].to_pylist():
        if b["estate_code"]:
            buildings[b["building_code"]] = (estates[b["estate_code"]], b["label"])
        else:
            buildings[b["building_code"]] = ("R", b["road"], b["road_number"])
    houses = {}
    for h in tables["houses"].to_pylist():
        key = buildings[h["building_code"]]
        houses[h["house_code"]] = key if key[0] == "R" else (*key, h["unit"] or "", h["room"] or "")
    return houses, buildings, estates


def house_key(code: str | None, houses: dict[str, tuple], buildings: dict[str, tuple]
              ) -> tuple | None:
    """The structural key of a matched house code: a registry house's, or for a code the matcher
    derived in a building only the footprints know, its building's key plus the unit and room
    its literal segments spell."""
    if code is None or code in houses:
        return houses.get(code) if code else None
    from address_registry.codes import literal_unit_room

    parts = literal_unit_room(code)
    building = buildings.get(parts[0]) if parts else None
    return (*building, parts[1], parts[2]) if parts and building and building[0] != "R" else None


def evaluate_generated(feeds: Path) -> dict[str, Score]:
    """Match every address written into the sample feeds; score against the world's truth."""
    from address_registry import match_many, store
    from address_registry.registry import build_registry

    t0 = time.perf_counter()
    version, manifest = build_registry(feeds / "registry")
    print(f"\nregistry v{version} built in {time.perf_counter() - t0:.1f}s: {manifest['counts']}")
    _, tables, _ = store.read_version(version)
    r_houses, r_buildings, r_estates = registry_keys(tables)
    t_houses, t_buildings, t_estates = truth_keys(pq.read_table(feeds / "registry" /
                                                                "truth.parquet"))
    addresses = pq.read_table(feeds / "registry" / "address_truth.parquet").to_pylist()
    t0 = time.perf_counter()
    matched = {r["address"]: r for r in match_many([a["address"] for a in addresses]).to_pylist()}
    print(f"matched {len(matched)} distinct strings in {time.perf_counter() - t0:.2f}s")
    scores: dict[str, Score] = defaultdict(Score)
    misses: list[str] = []
    for a in addresses:
        m = matched[a["address"]]
        comm = a["community_code"]
        for level, width in (("district", 6), ("street", 9), ("community", 12)):
            scores[level].add(m[f"{level}_code"], comm[:width] if comm else None)
        want_estate = t_estates.get(a["estate_key"]) if a["estate_key"] else None
        got_building = r_buildings.get(m["building_code"]) if m["building_code"] else None
        got_estate = got_building[0] if got_building and got_building[0] != "R" else None
        if got_estate is None and m["match_level"] == "estate":
            got_estate = "(estate)"  # estate-level matches carry no estate code column
        if a["granularity"] in ("house", "building", "estate") and want_estate:
            scores["estate"].add(got_estate, want_estate) if got_estate != "(estate)" else None
        if a["granularity"] in ("house", "building"):
            want_b = t_buildings.get(a["building_key"])
            scores["building"].add(got_building, want_b)
        if a["granularity"] == "house":
            want_h = t_houses.get(a["house_key"])
            got_h = house_key(m["house_code"], r_houses, r_buildings)
            scores["house"].add(got_h, want_h)
            if got_h != want_h:
                misses.append(f"{a['variant'] or '-':18} {a['address']} -> {m['match_level']} "
                              f"{m['reason'] or ''}")
        if a["granularity"] == "none":
            scores["garbage->none"].add("none" if m["match_level"] == "none" else "matched",
                                        "none")
    if os.environ.get("SHOW_FAILURES"):
        print("\n".join(sorted(misses)[:200]))
    return scores


def _world_key(house: object) -> tuple:
    """The structural key of a sample-world house (same shape as `registry_keys`)."""
    b, e = house.building, house.estate  # type: ignore[attr-defined]
    if e is not None and e.kind != "村":
        return (e.name, "" if b.number is None else str(b.number),
                "" if house.unit is None else str(house.unit), house.room or "")  # type: ignore
    return ("R", house.road, str(house.road_number))  # type: ignore[attr-defined]


def evaluate_noisy_world(n: int, folder: Path, seed: int = 20231) -> dict[str, Score]:
    """House addresses of the sample world, every other one a real-world variant (栋/号楼,
    missing levels, abbreviations, traditional, full-width, numerals, 3-2-502), matched against a
    registry built from that world's sources; house precision and recall."""
    from address_registry import match_many, store
    from address_registry.registry import build_registry
    from feeds.sample.addresses import AddressRenderer
    from feeds.sample.registry import write_sources
    from feeds.sample.world import build_world

    world = build_world(seed)
    write_sources(world, folder, seed)
    version, _ = build_registry(folder)
    _, tables, _ = store.read_version(version)
    r_houses, r_buildings, _ = registry_keys(tables)
    rng = random.Random(seed)
    renderer = AddressRenderer(rng, every=2)
    sample = [rng.choice(world.houses) for _ in range(n)]
    rendered = [renderer.house(h) for h in sample]
    matched = {r["address"]: r for r in match_many([r.text for r in rendered]).to_pylist()}
    scores: dict[str, Score] = defaultdict(Score)
    for house, r in zip(sample, rendered, strict=True):
        m = matched[r.text]
        got = house_key(m["house_code"], r_houses, r_buildings)
        scores[f"house ({r.variant or 'standard'})"].add(got, _world_key(house))
        scores["house (all)"].add(got, _world_key(house))
    tried, score = no_such_rooms(world, tables, renderer)
    scores[f"house (no such room, {tried} tried)"] = score
    return dict(sorted(scores.items()))


def no_such_rooms(world: object, tables: dict[str, pa.Table], renderer: object
                  ) -> tuple[int, Score]:
    """Rooms that do not exist (a floor above the building, a third room on a floor, a unit too
    many) in the buildings only the footprints know, where the matcher may derive house codes:
    every house code given to one is wrong (expected 0 predicted). Returns (tried, score)."""
    from dataclasses import replace

    from address_registry import match_many

    _, r_buildings, _ = registry_keys(tables)
    planned = {r_buildings[b["building_code"]] for b in tables["buildings"].to_pylist()
               if b["identity_source"] == "规划"}
    fakes = []
    for h in world.houses:  # type: ignore[attr-defined]
        b = h.building
        if h.room and h.unit and b.estate and (b.estate.name, str(b.number)) in planned:
            fakes += [replace(h, room=f"{b.floors + 1}01"), replace(h, room=f"{h.floor}03"),
                      replace(h, unit=b.units + 1)]
    texts = [renderer.house(f, variant="").text for f in fakes]  # type: ignore[attr-defined]
    score = Score()
    for m in match_many(texts).to_pylist():
        score.add(m["house_code"], None)
    return len(texts), score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=Path, help="existing sample feeds (default: generate)")
    ap.add_argument("--scale", type=float, default=1.0, help="sample scale when generating")
    ap.add_argument("--noisy", type=int, default=20_000,
                    help="noisy sample-world house addresses to score (0: skip)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SHUCANG_HOME"] = str(Path(tmp) / "home")
        feeds = args.feeds
        if feeds is None:
            from feeds.sample.generate import generate

            feeds = Path(tmp) / "feeds"
            generate(feeds, scale=args.scale)
        os.environ["SHUCANG_FEEDS"] = str(feeds)
        base, noisy, by_pattern = evaluate_labelled()
        print_scores("hand-labelled set: parsed levels", base)
        print_scores("generated noisy variants of the labelled set", noisy)
        print("\nper pattern (labelled set): community recall / building recall / room recall")
        for pattern, s in sorted(by_pattern.items()):
            print(f"  {pattern:22} {s['community'].recall:6.3f} {s['building'].recall:6.3f} "
                  f"{s['room'].recall:6.3f}  (n={s['district'].expected or s['road'].expected})")
        print_scores("sample world: matched against the registry", evaluate_generated(feeds))
        if args.noisy:
            print_scores("noisy sample-world houses (every other string a variant)",
                         evaluate_noisy_world(args.noisy, Path(tmp) / "noisy" / "registry"))


if __name__ == "__main__":
    main()
