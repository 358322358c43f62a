"""The generated feeds: files where the contracts look for them, contract headers, declared
encodings, byte-identical re-generation, valid identifiers on clean rows, and a dirt catalogue
whose every entry points at a line that really carries that dirt."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from feeds.sample.addresses import GARBAGE, VARIANTS
from feeds.sample.generate import generate
from feeds.sample.identifiers import is_valid_credit_code, is_valid_mobile, is_valid_resident_id

from .conftest import TINY, file_encoding, read_lines

ALL_DATASETS = [
    "household_register",
    "market_entity",
    "parking_lot",
    "parking_berth_occupancy",
    "grid_event",
    "floating_population",
    "elderly_care",
    "timebank_volunteer",
    "rental_housing",
    "care_home_beds",
    "resident_evaluation",
    "iot_water_level",
    "iot_elevator_fault",
]
# every reason the brief asks the dirt to provoke
REQUIRED_EXPECTS = {
    "published",
    "rejected:encoding",
    "rejected:truncated",
    "rejected:schema_drift",
    "address_unresolved",
    "duplicate_key",
    "check:resident_id",
    "check:credit_code",
    "warn:check:mobile",  # published with a finding: optional phone columns warn
    "cast",
    "required",
    "malformed_row",
}
GARBAGE_TEXTS = {t for texts in GARBAGE.values() for t in texts}


def _dataset_files(sample, contract) -> list[Path]:
    return sample.files[contract.id]


def test_every_contract_gets_feeds_where_its_location_points(sample, contracts) -> None:
    assert set(sample.files) == set(contracts) == set(ALL_DATASETS)
    for c in contracts.values():
        for path in sample.files[c.id]:
            rel = path.relative_to(sample.out).as_posix()
            if c.source.kind == "http":
                assert rel == f"http/{c.id}.json"
            elif c.source.kind == "sql":
                assert rel == f"sql/{c.source.connection}.sqlite"
            else:
                assert fnmatch.fnmatch(rel, c.source.location), (rel, c.source.location)
        assert sample.rows[c.id] > 0


@pytest.mark.parametrize("dataset", ALL_DATASETS)
def test_headers_are_the_contract_sources(sample, contracts, dirt, dataset) -> None:
    c = contracts[dataset]
    expected = [col.source_name for col in c.columns]
    for path in sample.files[dataset]:
        header, _ = read_lines(path, c, file_encoding(sample, c, path.name, dirt))
        drift = [
            d
            for d in dirt
            if d["file"] == path.name and d["dataset"] == dataset and d["expect"] == "rejected:schema_drift"
        ]
        if drift:
            assert header == [("手机号码" if h == "联系电话" else h) for h in expected]
        else:
            assert header == expected, path


@pytest.mark.parametrize(
    ("dataset", "encoding", "utf8_readable"),
    [
        ("household_register", "gbk", False),
        ("grid_event", "gbk", False),
        ("market_entity", "utf-8", True),
        ("floating_population", "utf-8", True),
        ("iot_water_level", "utf-8", True),
        ("iot_elevator_fault", "utf-8", True),
    ],
)
def test_declared_encodings(sample, contracts, dirt, dataset, encoding, utf8_readable) -> None:
    c = contracts[dataset]
    assert c.source.encoding == encoding
    for path in sample.files[dataset]:
        actual = file_encoding(sample, c, path.name, dirt)
        data = path.read_bytes()
        data.decode(actual)  # every file decodes in the encoding it was written in
        if actual == encoding:
            try:
                data.decode("utf-8")
                readable = True
            except UnicodeDecodeError:
                readable = False
            assert readable == utf8_readable, path


def test_gb18030_and_utf16_files(sample, contracts, dirt) -> None:
    gb18030 = [d for d in dirt if d["kind"] == "encoding:gb18030"]
    assert len(gb18030) == 1
    data = (sample.out / "province/household_register" / gb18030[0]["file"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("gbk")  # names outside GBK: only a GB18030 decoder reads it
    assert (
        "䶮" in data.decode("gb18030")
        or "㛃" in data.decode("gb18030")
        or "㐱" in data.decode("gb18030")
        or "䒟" in data.decode("gb18030")
    )
    utf16 = [d for d in dirt if d["expect"] == "rejected:encoding"]
    assert len(utf16) == 1
    raw = (sample.out / "province/market_entity" / utf16[0]["file"]).read_bytes()
    assert raw[:2] not in (b"\xff\xfe", b"\xfe\xff") and raw[1::2].count(0) > len(raw) // 8  # UTF-16LE, no mark


def test_truncated_file_is_cut_mid_row(sample, contracts, dirt) -> None:
    (entry,) = [d for d in dirt if d["expect"] == "rejected:truncated"]
    c = contracts[entry["dataset"]]
    path = sample.out / c.source.location.rsplit("/", 1)[0] / entry["file"]
    data = path.read_bytes()
    assert not data.endswith(b"\n")
    header, lines = read_lines(path, c)
    assert len(lines[max(lines)]) < len(header) or len(lines[max(lines)][-1]) < 4


def test_every_dirt_kind_is_catalogued(dirt) -> None:
    expects = {d["expect"] for d in dirt}
    assert expects >= REQUIRED_EXPECTS, REQUIRED_EXPECTS - expects
    kinds = {d["kind"] for d in dirt}
    assert {f"address:{v}" for v in VARIANTS} <= kinds
    assert {"encoding:gbk", "encoding:gb18030", "gb18030_character"} <= kinds
    assert {
        "number:chinese_numerals",
        "number:fullwidth_digits",
        "date_format:excel_date_cell",
        "date_format:chinese",
        "date_format:slash",
        "date_format:compact",
    } <= kinds
    assert {"garbage_address:emoji", "garbage_address:very_long", "garbage_address:random_text"} <= kinds
    for d in dirt:
        assert set(d) == {"dataset", "file", "line", "kind", "expect"}


def test_whole_file_dirt_leaves_other_files_of_the_dataset(dirt, sample) -> None:
    for d in dirt:
        if d["line"] is None and d["expect"] != "published":
            assert len(sample.files[d["dataset"]]) > 1, d


def _cell(fields: list[Any], header: list[str], name: str) -> Any:
    return fields[header.index(name)] if name in header and header.index(name) < len(fields) else None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _castable(value: Any, kind: str) -> bool:
    if _blank(value):
        return True
    text = str(value).strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    try:
        if kind in ("integer", "double"):
            float(text)
        elif kind == "timestamp":
            datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        elif kind == "date" and not isinstance(value, datetime):
            for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"):
                try:
                    datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                return False
    except ValueError:
        return all(ch in "〇一二三四五六七八九十" for ch in text)  # hand-typed Chinese numerals cast
    return True


def _instant(value: Any) -> datetime:
    """A timestamp or a hand-typed date as a datetime."""
    if isinstance(value, datetime):
        return value
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return datetime.strptime(str(value), fmt)
        except ValueError:
            continue
    raise AssertionError(f"not a date: {value!r}")


def _check(c, header, fields, kind: str) -> bool:
    """Whether a line exhibits the dirt its catalogue entry claims (a warn is its check's dirt)."""
    kind = kind.removeprefix("warn:")
    cols = {col.name: col for col in c.columns}
    values = {n: _cell(fields, header, col.source_name) for n, col in cols.items()}
    if kind == "malformed_row":
        return len(fields) != len(header)
    if kind == "required":
        return any(_blank(values[n]) for n, col in cols.items() if col.required)
    if kind == "cast":
        return any(not _castable(values[n], col.type) for n, col in cols.items())
    if kind.startswith("check:"):
        check = kind.split(":", 1)[1]
        targets = [n for n, col in cols.items() if any(ch.kind == check for ch in col.checks)]
        validators = {
            "resident_id": is_valid_resident_id,
            "credit_code": is_valid_credit_code,
            "mobile": lambda v: is_valid_mobile(str(v)),
        }
        if check in validators:
            return any(not _blank(values[n]) and not validators[check](values[n]) for n in targets)
        args = {n: next(ch for ch in cols[n].checks if ch.kind == check) for n in targets}
        if check == "between":
            return any(not (args[n].min <= float(values[n]) <= args[n].max) for n in targets)
        if check == "after":
            return any(
                not _blank(values[n])
                and not _blank(values[args[n].column])
                and _instant(values[n]) < _instant(values[args[n].column])
                for n in targets
            )
    if kind == "address_unresolved":
        return values[c.address.column] in GARBAGE_TEXTS
    raise AssertionError(f"no line check for {kind}")


def test_dirt_lines_carry_their_dirt(sample, contracts, dirt) -> None:
    by_file: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for d in dirt:
        if d["line"] is not None and d["expect"] not in ("published",):
            by_file[(d["dataset"], d["file"])].append(d)
    assert by_file
    for (dataset, name), entries in by_file.items():
        c = contracts[dataset]
        path = next(p for p in sample.files[dataset] if p.name == name)
        header, lines = read_lines(path, c, file_encoding(sample, c, name, dirt))
        seen_keys: dict[tuple, int] = {}
        keys_at = {}
        for line, fields in sorted(lines.items()):
            key = tuple(_cell(fields, header, c.column(k).source_name) for k in c.primary_key)
            keys_at[line] = key
            seen_keys.setdefault(key, line)
        for d in entries:
            fields = lines[d["line"]]
            if d["expect"] == "duplicate_key":
                assert seen_keys[keys_at[d["line"]]] < d["line"], d
            else:
                assert _check(c, header, fields, d["expect"]), (d, fields[:6])


def test_clean_rows_have_valid_identifiers_and_unique_keys(sample, contracts, dirt) -> None:
    rejected = {(d["dataset"], d["file"], d["line"]) for d in dirt if d["expect"] != "published"}
    whole_file = {(d["dataset"], d["file"]) for d in dirt if d["line"] is None and d["expect"] != "published"}
    today = date(2026, 11, 20)
    checked = 0
    for dataset, paths in sample.files.items():
        c = contracts[dataset]
        for path in paths:
            if (dataset, path.name) in whole_file:
                continue
            header, lines = read_lines(path, c, file_encoding(sample, c, path.name, dirt))
            keys = set()
            for line, fields in lines.items():
                if (dataset, path.name, line) in rejected:
                    continue
                assert len(fields) == len(header), (path, line)
                for col in c.columns:
                    v = _cell(fields, header, col.source_name)
                    if col.required:
                        assert not _blank(v), (path, line, col.name)
                    if _blank(v):
                        continue
                    kinds = {ch.kind for ch in col.checks}
                    if "resident_id" in kinds:
                        assert is_valid_resident_id(v, today=today), (path, line, v)
                    if "credit_code" in kinds:
                        assert is_valid_credit_code(v), (path, line, v)
                    if "mobile" in kinds:
                        assert is_valid_mobile(str(v)), (path, line, v)
                    for check in col.checks:
                        if check.kind == "regex":
                            assert re.match(check.pattern, str(v)), (path, line, col.name, v)
                        if check.kind == "in_set":
                            assert v in check.values, (path, line, col.name, v)
                    if col.type == "timestamp":  # deadlines may lie ahead; what happened may not
                        stamp = datetime.strptime(v, "%Y-%m-%d %H:%M:%S")
                        assert "not_future" not in kinds or stamp <= datetime.now(), (path, line, v)
                    checked += 1
                key = tuple(_cell(fields, header, c.column(k).source_name) for k in c.primary_key)
                assert key not in keys, (path, line, key)
                keys.add(key)
    assert checked > 1000


def test_regeneration_is_byte_identical(sample, tmp_path) -> None:
    # in a fresh process with another hash seed: no output may depend on set or dict-of-hash order
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    again = tmp_path / "again"
    subprocess.run(
        [sys.executable, "-m", "feeds.sample", str(again), "--scale", str(TINY)],
        env=env,
        check=True,
        capture_output=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    ours = {p.relative_to(sample.out): p.read_bytes() for p in sample.out.rglob("*") if p.is_file()}
    theirs = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert ours.keys() == theirs.keys()
    different = [str(k) for k in ours if ours[k] != theirs[k]]
    assert not different


def test_progress_reports_every_step(generated) -> None:
    _, steps = generated
    assert steps[0][1] == 0 and steps[-1][1] == steps[-1][2]
    assert {s for s, _, _ in steps} >= set(ALL_DATASETS) | {"registry"}
    assert [d for _, d, _ in steps] == sorted(d for _, d, _ in steps)


@pytest.mark.parametrize("seq", [1, 9_999, 10_000, 999_999])
def test_identifiers_keep_their_format_at_any_scale(contracts, seq) -> None:
    import random

    from feeds.sample import district
    from feeds.sample.context import Context
    from feeds.sample.model import ANCHOR
    from feeds.sample.world import build_world

    ctx = Context(build_world(1), contracts, 1, TINY, ANCHOR)
    row = district._event(ctx, seq, 8, ctx.renderer("grid_event"), random.Random(seq))
    assert re.match(contracts["grid_event"].column("event_id").checks[0].pattern, row.values["事件编号"])


def test_register_rows_agree_with_their_ids(sample, contracts, dirt) -> None:
    c = contracts["household_register"]
    rejected = {(d["file"], d["line"]) for d in dirt if d["dataset"] == c.id and d["expect"] != "published"}
    for path in sample.files[c.id]:
        header, lines = read_lines(path, c, file_encoding(sample, c, path.name, dirt))
        for line, f in lines.items():
            if (path.name, line) in rejected:
                continue
            rid, sex, born = (
                f[header.index("公民身份号码")],
                f[header.index("性别")],
                f[header.index("出生日期")],
            )
            assert born.replace("-", "") == rid[6:14], (path, line)
            assert (int(rid[16]) % 2 == 1) == (sex == "男"), (path, line)


def test_contracts_without_a_builder_are_skipped(contracts, tmp_path) -> None:
    extra = contracts["iot_water_level"].model_copy(update={"id": "iot_noise", "title": "噪声监测"})
    subset = {"iot_water_level": contracts["iot_water_level"], "iot_noise": extra}
    summary = generate(tmp_path / "s", scale=TINY, contracts=subset)
    assert summary.skipped == ["iot_noise"] and set(summary.files) == {"iot_water_level"}


def test_a_builder_filling_an_undeclared_column_fails_loudly(contracts) -> None:
    from feeds.sample.generate import SampleError, _check_shape
    from feeds.sample.model import FeedFile, FeedRow

    c = contracts["iot_water_level"]
    renamed = c.model_copy(
        update={
            "columns": tuple(
                col.model_copy(update={"source": "水位"}) if col.name == "water_level_cm" else col
                for col in c.columns
            )
        }
    )
    row = FeedRow(
        {
            "sensor_id": "WL010001",
            "point_address": "x",
            "observed_at": "2026-11-20 01:00:00",
            "water_level_cm": 3.0,
        }
    )
    _check_shape(FeedFile(c, "a.csv", [row]))
    with pytest.raises(SampleError, match=r"iot_water_level/a.csv row 1: .*water_level_cm"):
        _check_shape(FeedFile(renamed, "a.csv", [row]))
