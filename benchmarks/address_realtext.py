"""Real-text address evaluation: a labelled set written the way couriers, shops and clerks write
addresses, and per-level accuracy on it.

    uv run python benchmarks/address_realtext.py compose   # (re)writes benchmarks/data/address_realtext.csv
    uv run python benchmarks/address_realtext.py           # scores parse_texts on every set
    uv run python benchmarks/address_realtext.py --set handwritten --classes --misses 50
    uv run python benchmarks/address_realtext.py check --set heldout   # labels against the reference

The set is composed from real NBS 2023 division names (Zhejiang-heavy, about 12% other
provinces) and the division history's old names, in the writing habits the issue lists: leading
words, separators and `null` between parts, repeated province and city, brackets and spaces, short
forms and old names of districts and streets, community names with and without their committee
suffix, one-character typos, and building/unit/room written in a dozen ways. The labels are the
divisions' today's official names and the canonical building/unit/room.

The hand-written set (benchmarks/data/address_handwritten.csv, same columns) was typed address by
address, not composed: real roads, estates, villages and towns of all eleven Zhejiang cities and
thirty other provinces, in habits the composer does not have (rural 组 and 村委会, development
zones and new areas, farms, names and phone numbers, 转 and 附近, floors and basements, towns that
became 街道, county-level cities written as counties, garbage). Its labels were checked against
the division reference; see docs/address.md.

The held-out set (benchmarks/data/address_heldout.csv, same columns) was written independently of
the parser's rules and of the two sets above, from the division reference only: 1,250 addresses,
85% Zhejiang (all eleven cities, weighted to Hangzhou, Ningbo, Wenzhou, Jinhua and Taizhou), 15%
from 27 other provinces, in its own habits and house forms, with its own class words. Its
scores are the out-of-sample ones. The second held-out set (benchmarks/data/address_heldout2.csv,
written by benchmarks/address_heldout2.py, seeded, and rows typed by hand) is the same kind of
set in other habits: courier waybills, shops, registers, registrations, pinyin and typos.

Scoring rule (docs/address.md): a division level counts when the name of the code given matches
the label without its suffix; building/unit/room count when they match after removing
幢栋号楼座单元室层 and separators and upper-casing. Accuracy is over the rows that have the label.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATA = Path(__file__).resolve().parent / "data"
SET = DATA / "address_realtext.csv"
SETS = {"composed": SET, "handwritten": DATA / "address_handwritten.csv",
        "heldout": DATA / "address_heldout.csv", "heldout2": DATA / "address_heldout2.csv"}
LEVELS = ("province", "city", "district", "street", "community")
HOUSE_LEVELS = ("building", "unit", "room")
COLUMNS = ("address", "classes", *LEVELS, *HOUSE_LEVELS)
GOALS = {"province": 0.99, "city": 0.98, "district": 0.97, "street": 0.85, "community": 0.60,
         "building": 0.93, "unit": 0.90, "room": 0.85}
_SUFFIX = re.compile(r"(?:社区居民委员会|村村民委员会|村民委员会|社区居委会|村委会|居委会|街道办事处|"
                     r"自治县|自治州|新区|街道|社区|省|市|区|县|镇|乡|村)$")
_HOUSE_NOISE = re.compile(r"[幢栋号楼座单元室层\-_\s#]")
_HOUSE_LABEL = re.compile(r"[0-9A-Z]*")

ROADS = ("人民路", "解放路", "中山路", "建设路", "新华路", "文化路", "环城北路", "江南大道",
         "迎宾大道", "工人路", "胜利街", "和平街", "东风路", "光明路", "长安街", "朝阳路", "学院路",
         "滨江大道", "青年路", "春晓路", "永安巷", "南门街", "桥西路", "站前路", "新村路")
ESTATES = ("阳光花园", "金色家园", "锦绣苑", "翠竹小区", "香樟公寓", "绿城桂花园", "万科城",
           "新天地花园", "城南新村", "世纪华庭", "滨河小区", "和园", "紫金府", "银座公寓", "东方名城",
           "御景湾", "春江花月", "明珠花苑", "幸福里", "梧桐苑", "湖畔居", "嘉和苑", "荷花新村")
TOWERS = ("国贸大厦", "财富中心", "商务大楼", "时代广场", "金融大厦", "创业中心", "科技大厦")
LEADS = ("收件地址：", "委托件", "地址:", "户籍地址 ", "寄：", "住址", "收货地址: ", "注册地 ")
SEPARATORS = ("-", " ", "_", "null", "NULL", ",", "  ")
CN = "〇一二三四五六七八九"
# one-character typos people make in division names (the 沚/址 kind)
TYPOS = {"址": "沚", "栋": "懂", "桥": "侨", "州": "洲", "阳": "杨", "江": "汀", "溪": "谿", "坞": "坫"}


def strip_suffix(name: str | None) -> str:
    """A division name without its level suffix (the scoring rule)."""
    return _SUFFIX.sub("", name or "")


def _short(name: str) -> str:
    """The short form people write: 广西, 新疆, 恩施 (autonomous names lose their ethnic part)."""
    m = re.match(r"(内蒙古|西藏|新疆|广西|宁夏)", name)
    if m:
        return m.group()
    m = re.match(r"(.{2,4}?)(?:[\u4e00-\u9fff]{1,4}族)+自治[州县]$", name)
    return m.group(1) if m else strip_suffix(name)


def house_key(value: str | None) -> str:
    """A building, unit or room as compared: markers and separators removed, upper case."""
    return _HOUSE_NOISE.sub("", value or "").upper()


def _cn_number(n: int) -> str:
    return "十" + (CN[n - 10] if n > 10 else "") if 10 <= n < 20 else CN[n] if n < 10 else str(n)


def _house(rng: random.Random) -> tuple[str, dict[str, str], str]:
    """A building/unit/room tail written one of many ways: (text, labels, class)."""
    b, u, floor = rng.randint(1, 30), rng.randint(1, 6), rng.randint(1, 28)
    room = f"{floor}{rng.randint(1, 4):02d}"
    letter = rng.choice("ABCDE")
    forms: list[tuple[str, dict[str, str], str]] = [
        (f"{b}幢{u}单元{room}室", {"building": str(b), "unit": str(u), "room": room}, "house"),
        (f"{b}-{u}-{room}", {"building": str(b), "unit": str(u), "room": room}, "dashed"),
        (f"{b}号楼{u}单元{room}", {"building": str(b), "unit": str(u), "room": room}, "haolou"),
        (f"{letter}{b}栋{room}", {"building": f"{letter}{b}", "room": room}, "letter_building"),
        (f"{letter.lower()}座{room}室", {"building": letter, "room": room}, "lower_letter"),
        (f"{letter}一{b}幢{u}单元{room}", {"building": f"{letter}{b}", "unit": str(u),
                                          "room": room}, "letter_join"),
        (f"{b}幢{_cn_number(u)}单元{room}室", {"building": str(b), "unit": str(u), "room": room},
         "cn_unit"),
        (f"{b}号{u}单元{room}", {"building": str(b), "unit": str(u), "room": room}, "hao_building"),
        (f"{b}栋{u}单元{room}", {"building": str(b), "unit": str(u), "room": room}, "dong"),
        (f"{b}#{u}单元{room}", {"building": str(b), "unit": str(u), "room": room}, "hash"),
        (f"{_cn_number(b)}幢{room}室", {"building": str(b), "room": room}, "cn_building"),
        (f"{b}幢", {"building": str(b)}, "building_only"),
    ]
    return rng.choice(forms)


class Composer:
    """Addresses in people's writing from the division extracts and the history."""

    def __init__(self, rng: random.Random) -> None:
        from divisions.reference import national, read_history

        self.rng = rng
        self.by_code = {d.code: d for d in national()}
        self.zj_communities = [d for d in self.by_code.values()
                               if d.level == "community" and not d.name.endswith("虚拟社区")]
        self.streets = [d for d in self.by_code.values() if d.level == "street"
                        and not d.code.startswith("33") and d.name.endswith(("街道", "镇", "乡"))]
        current = {(d.code[:4], strip_suffix(d.name)) for d in self.by_code.values()}
        self.old_names: dict[str, list[str]] = {}
        for c in read_history():  # old names that no division of the city carries today
            if c.level in ("district", "street") and c.new_code in self.by_code \
                    and (c.new_code[:4], strip_suffix(c.old_name)) not in current:
                self.old_names.setdefault(c.new_code, []).append(c.old_name)
        self.history_streets = [self.by_code[c] for c in self.old_names
                                if len(c) == 9 and c in self.by_code]

    def _name(self, level: str, code: str, classes: list[str]) -> str:
        """How a division is written: full, short, or an old name."""
        d = self.by_code[code]
        r = self.rng.random()
        if code in self.old_names and r < 0.45:
            classes.append(f"old_{level}")
            return self.rng.choice(self.old_names[code])
        short = _short(d.name)
        if level in ("province", "city") and r < 0.35 and len(short) >= 2:
            classes.append(f"short_{level}")
            return short
        if level in ("district", "street") and r < 0.15 and len(short) >= 2:
            classes.append(f"short_{level}")
            return short
        if level == "community":
            if d.name.endswith("村委会") or d.name.endswith("村民委员会"):
                classes.append("community_village")
                return re.sub(r"(村村民委员会|村民委员会|村村委会|村委会)$", "村", d.name) \
                    if r < 0.7 else d.name
            return re.sub(r"(社区居民委员会|社区居委会|居委会)$", "社区", d.name) if r < 0.8 else d.name
        return d.name

    def _typo(self, text: str, classes: list[str]) -> str:
        spots = [i for i, ch in enumerate(text) if ch in TYPOS]
        if not spots:
            return text
        i = self.rng.choice(spots)
        classes.append("typo")
        return text[:i] + TYPOS[text[i]] + text[i + 1 :]

    def row(self) -> dict[str, str]:
        """One labelled address."""
        rng = self.rng
        classes: list[str] = []
        pick = rng.random()
        if pick < 0.12:
            leaf = rng.choice(self.streets)
            classes.append("other_province")
        elif pick < 0.22:
            leaf = rng.choice(self.history_streets)
        else:
            leaf = rng.choice(self.zj_communities)
        chain, code = [], leaf.code
        while code:
            d = self.by_code[code]
            chain.append(d)
            code = d.parent
        chain.reverse()
        labels = {d.level: d.name for d in chain}
        parts: list[str] = []
        for d in chain:
            if d.name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue  # 北京市朝阳区: nobody writes these
            skip = {"province": 0.3 if d.code.startswith("33") else 0.1, "city": 0.08,
                    "street": 0.12, "community": 0.35}.get(d.level, 0.0)
            if rng.random() >= skip:
                parts.append(self._name(d.level, d.code, classes))
            elif d.level in ("street", "community"):  # left out: deeper levels are not written
                for level in LEVELS[LEVELS.index(d.level):]:
                    labels.pop(level, None)
                break
            else:
                classes.append(f"no_{d.level}")
        if labels.get("street") and rng.random() < 0.04:
            parts[-1] = self._typo(parts[-1], classes)
        if rng.random() < 0.06 and len(parts) >= 3:
            parts = parts[:2] + parts[:2] + parts[2:]
            classes.append("repeated")
        sep = ""
        if rng.random() < 0.22:
            sep = rng.choice(SEPARATORS)
            classes.append("separator")
        text = sep.join(parts)
        if rng.random() < 0.05:
            text = text.replace(parts[-1], f"（{parts[-1]}）") if parts else text
            classes.append("bracket")
        tail, house = self._tail(classes)
        text += (" " if rng.random() < 0.2 else "") + tail
        if rng.random() < 0.12:
            text = rng.choice(LEADS) + text
            classes.append("lead")
        if rng.random() < 0.06:
            text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            classes.append("fullwidth")
        out = {"address": text, "classes": " ".join(classes)}
        out.update({level: labels.get(level, "") for level in LEVELS})
        out.update({level: house.get(level, "") for level in HOUSE_LEVELS})
        return out

    def _tail(self, classes: list[str]) -> tuple[str, dict[str, str]]:
        rng = self.rng
        r = rng.random()
        road = f"{rng.choice(ROADS)}{rng.randint(1, 999)}号" if rng.random() < 0.4 else ""
        if r < 0.1:
            tower = rng.choice(TOWERS)
            room = f"{rng.randint(2, 40)}{rng.randint(1, 30):02d}"
            classes.append("tower_room")
            return f"{road}{tower}{room}", {"room": room}
        if r < 0.18:
            classes.append("road_only")
            return road or f"{rng.choice(ROADS)}{rng.randint(1, 999)}号", {}
        house, labels, kind = _house(rng)
        classes.append(kind)
        return f"{road}{rng.choice(ESTATES)}{house}", labels


def compose(n: int, seed: int) -> None:
    rng = random.Random(seed)
    composer = Composer(rng)
    rows: dict[str, dict[str, str]] = {}
    while len(rows) < n:
        row = composer.row()
        rows.setdefault(row["address"], row)
    with SET.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows.values())
    print(f"wrote {len(rows)} addresses to {SET}")


def load(path: Path = SET) -> list[dict[str, str]]:
    """The labelled rows of one set."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


Miss = tuple[str, str, str, str]  # address, level, label, what the parse gave


def score(rows: list[dict[str, str]], parse: Callable[[list[str]], list[object]]
          ) -> tuple[dict[str, list[int]], dict[str, dict[str, list[int]]], list[Miss]]:
    """level -> [correct, labelled, given without a label]; the same per class; and the misses
    (a labelled level not matched, or a level given where the row has no label)."""
    from divisions.reference import national

    names = {d.code: d.name for d in national()}
    parsed = parse([r["address"] for r in rows])
    totals = {level: [0, 0, 0] for level in (*LEVELS, *HOUSE_LEVELS)}
    by_class: dict[str, dict[str, list[int]]] = {}
    misses: list[Miss] = []
    for row, p in zip(rows, parsed, strict=True):
        got = {level: names.get(getattr(p, f"{level}_code") or "") for level in LEVELS}
        got.update({level: getattr(p, level) for level in HOUSE_LEVELS})
        for level in totals:
            key = house_key if level in HOUSE_LEVELS else strip_suffix
            want, have = row[level], got[level]
            ok = bool(want) and key(want) == key(have)
            if bool(want) != ok or (not want and have):
                misses.append((row["address"], level, want, have or ""))
            cells = [totals[level]] + [by_class.setdefault(c, {}).setdefault(level, [0, 0, 0])
                                       for c in row["classes"].split()]
            for cell in cells:
                if want:
                    cell[0] += ok
                    cell[1] += 1
                elif have:
                    cell[2] += 1
    return totals, by_class, misses


def check(rows: list[dict[str, str]]) -> list[str]:
    """The rows whose labels are not a chain of the division reference (each labelled level under
    the one above, none left out between two labelled ones) or whose building/unit/room is not
    canonical (digits and upper-case letters)."""
    from divisions.reference import national

    divisions = national()
    by_code = {d.code: d for d in divisions}
    by_name: dict[tuple[str, str], list[str]] = {}
    for d in divisions:
        by_name.setdefault((d.level, d.name), []).append(d.code)
    problems = []
    for i, row in enumerate(rows, start=2):
        labelled = [level for level in LEVELS if row[level]]
        if labelled != list(LEVELS[: len(labelled)]):
            problems.append(f"line {i}: a level left out between labelled ones: {labelled}")
        elif labelled:
            fits = []
            for code in by_name.get((labelled[-1], row[labelled[-1]]), []):
                names = {}
                while code:
                    names[by_code[code].level] = by_code[code].name
                    code = by_code[code].parent
                fits.append(all(names.get(level) == row[level] for level in labelled))
            if not any(fits):
                problems.append(f"line {i}: no division chain {[row[lv] for lv in labelled]}")
        problems += [f"line {i}: {level} {row[level]!r} is not canonical" for level in HOUSE_LEVELS
                     if not _HOUSE_LABEL.fullmatch(row[level])]
    return problems


def report(path: Path, show_classes: bool, show_misses: int) -> None:
    """Per-level accuracy of parse_texts on one set; per class and the first misses on request."""
    from address_registry.shapes import parse_texts

    rows = load(path)
    totals, by_class, misses = score(rows, parse_texts)  # type: ignore[arg-type]
    print(f"{len(rows)} addresses ({path.name})")
    print(f"{'level':<10} {'accuracy':>8} {'labelled':>8} {'goal':>6}  given without a label")
    for level, (ok, n, extra) in totals.items():
        print(f"{level:<10} {ok / n if n else 0:8.3f} {n:8d} {GOALS[level]:6.2f}  {extra}")
    if show_classes:
        for cls, levels in sorted(by_class.items()):
            cells = " ".join(f"{lv}={ok / n:.2f}" for lv, (ok, n, _) in levels.items() if n)
            print(f"  {cls:<22} {cells}")
    if show_misses:
        print(f"misses ({len(misses)}; address | level | label | parsed):")
        for address, level, want, have in misses[:show_misses]:
            print(f"  {address} | {level} | {want or '-'} | {have or '-'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", nargs="?", default="score", choices=("score", "compose", "check"))
    ap.add_argument("--rows", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--set", choices=(*SETS, "all"), default="all", help="which labelled set")
    ap.add_argument("--classes", action="store_true", help="accuracy per writing class too")
    ap.add_argument("--misses", type=int, default=0, metavar="N", help="print the first N misses")
    args = ap.parse_args()
    if args.command == "compose":
        compose(args.rows, args.seed)
        return
    for name, path in SETS.items():
        if args.set in (name, "all"):
            if args.command == "check":
                problems = check(load(path))
                print(f"{path.name}: {len(problems)} label problems", *problems, sep="\n  ")
            else:
                report(path, args.classes, args.misses)


if __name__ == "__main__":
    main()
