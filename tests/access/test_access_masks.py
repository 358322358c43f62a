"""Mask macros, case by case, on a plain DuckDB connection; the SQL pseudonym equals Python's
HMAC-SHA256 and differs across grantees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from access import masks
from contracts.contract import ContractError, load_contract
from contracts.masks import MASK_FITS, MASKS
from foundation.settings import REPO_ROOT

KEY = masks.pseudonym_key(b"master", "xixi")


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    masks.install(c, KEY)
    yield c
    c.close()


CASES = [
    # (macro call, argument(s), expected)
    ("mask_resident_id(?)", ["330106199001011234"], "330106********1234"),
    ("mask_resident_id(?)", ["33010619900101123X"], "330106********123X"),
    ("mask_resident_id(?)", ["330106900101123"], "330106******123"),  # 15-digit, pre-1999
    ("mask_resident_id(?)", ["12345"], "*****"),
    ("mask_resident_id(?)", [None], None),
    ("mask_phone(?)", ["13812341234"], "138****1234"),
    ("mask_phone(?)", ["0571-87654321"], "*********4321"),
    ("mask_phone(?)", ["110"], "***"),
    ("mask_phone(?)", [None], None),
    ("mask_name(?)", ["张三"], "张*"),
    ("mask_name(?)", ["欧阳娜娜"], "欧***"),
    ("mask_name(?)", ["李"], "*"),
    ("mask_name(?)", [""], ""),
    ("mask_name(?)", [None], None),
    (
        "mask_address_community(?, ?)",
        ["杭州市西湖区西溪街道文一路100号3幢2单元301室", "330106004053"],
        "西湖区西溪街道石灰桥社区",
    ),
    ("mask_address_community(?, ?)", ["杭州市西湖区西溪街道文一路100号3幢", None], "杭州市西湖区西溪街道"),
    ("mask_address_community(?, ?)", ["三墩镇绕城村5组12号", None], "三墩镇"),
    ("mask_address_community(?, ?)", ["文一路100号3幢", None], "***"),
    ("mask_address_community(?, ?)", [None, "330106004053"], None),
    ("mask_date_year(?)", [dt.date(1990, 5, 17)], 1990),
    ("mask_date_year(?)", [dt.datetime(2024, 1, 2, 3, 4)], 2024),
    ("mask_date_year(CAST(? AS DATE))", [None], None),
    ("mask_pseudonym(?)", ["HH00001"], masks.pseudonym(KEY, "HH00001")),
    ("mask_pseudonym(?)", ["户号一"], masks.pseudonym(KEY, "户号一")),
    ("mask_pseudonym(?)", [None], None),
]


@pytest.mark.parametrize(("call", "args", "expected"), CASES)
def test_mask(con: duckdb.DuckDBPyConnection, call: str, args: list[object], expected: object) -> None:
    row = con.execute(f"SELECT {call}", args).fetchone()
    assert row is not None and row[0] == expected


def test_pseudonyms_differ_across_grantees() -> None:
    other = masks.pseudonym_key(b"master", "beishan")
    assert masks.pseudonym(KEY, "HH00001") != masks.pseudonym(other, "HH00001")
    assert masks.pseudonym(KEY, "HH00001") == masks.pseudonym(KEY, "HH00001")


def test_long_keys_are_hashed_like_hmac() -> None:
    c = duckdb.connect()
    long_key = b"k" * 100
    masks.install(c, long_key)
    row = c.execute("SELECT mask_pseudonym('x')").fetchone()
    assert row is not None and row[0] == masks.pseudonym(long_key, "x")


def test_every_registered_mask_is_installed_and_callable(con: duckdb.DuckDBPyConnection) -> None:
    """Each kind of the registry has a macro on the artifact connection, named after the kind,
    that its own SQL calls; a kind's fits are the vocabulary contracts are checked against."""
    for name, kind in MASKS.items():
        assert MASK_FITS[name] == kind.fits and kind.fits
        sample = "NULL::DATE" if kind.types == ("date", "timestamp") else "NULL::VARCHAR"
        expr = kind.sql(sample, has_community_code=False)
        assert expr.startswith(f"mask_{name}(")
        assert con.execute(f"SELECT {expr}").fetchone() == (None,)


MISFITS = [
    # (column yaml, error fragment): checked when a contract loads, naming file and column
    ("{name: phone, title: 电话, type: string, pii: phone, grade: L3, mask: phone_typo}", "unknown mask 'phone_typo'"),
    ("{name: address, title: 住址, type: string, pii: address, grade: L3, mask: phone}", "does not fit"),
    ("{name: name, title: 姓名, type: string, pii: name, grade: L3, mask: resident_id}", "does not fit"),
    ("{name: phone, title: 电话, type: string, pii: phone, grade: L3, mask: pseudonym}", None),
]


@pytest.mark.parametrize(("column", "error"), MISFITS)
def test_contract_rejects_masks_that_do_not_fit(tmp_path: Path, column: str, error: str | None) -> None:
    source = (REPO_ROOT / "catalog" / "datasets" / "grid_event.yaml").read_text(encoding="utf-8")
    path = tmp_path / "grid_event.yaml"
    path.write_text(source.replace("columns:\n", f"columns:\n  - {column}\n", 1), encoding="utf-8")
    if error is None:
        load_contract(path)
        return
    with pytest.raises(ContractError) as raised:
        load_contract(path)
    message = str(raised.value)
    assert str(path) in message and error in message and "column" in message
