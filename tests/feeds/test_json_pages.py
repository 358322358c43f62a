"""JSON pages as APIs really answer, through the stager: records wrapped deeper than `data`, a
bare list, NDJSON, a byte-order mark, numbers as strings and nulls, an error answer in place of a
page. Each case: the page's bytes, the contract's `records_path`, and the rows in, published and
quarantined (or the code that refuses it, with no rows)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from contracts.contract import Contract
from feeds.errors import LoadRejected
from feeds.stage import stage

DS = "parking_berth_occupancy"


def rec(n: int, **over: object) -> dict[str, object]:
    """A valid occupancy record; keyword arguments replace fields."""
    return {"lotId": f"P{n:08d}", "observedAt": "2026-11-20T08:15:00+08:00", "occupied": 12, "capacity": 40,
            **over}


RECORDS = [rec(1), rec(2, occupied="7", capacity="40"), rec(3, occupied=None), rec(4, occupied={"n": 1})]
ROWS = (4, 2, 2)  # in, published, quarantined: rec 3's occupied is required, rec 4's is an object

CASES = [
    ("data_list", "data", json.dumps({"data": RECORDS}), ROWS),
    ("wrapped_data_list", "data.list",
     json.dumps({"code": 0, "msg": "success", "data": {"total": 4, "list": RECORDS}}, ensure_ascii=False), ROWS),
    ("bare_list", "data", json.dumps(RECORDS), ROWS),
    ("ndjson", "data", "\n".join(json.dumps(r) for r in RECORDS) + "\n", ROWS),
    ("utf8_bom", "data", "\ufeff" + json.dumps({"data": RECORDS}), ROWS),
    ("error_answer", "data", json.dumps({"code": 500, "msg": "系统繁忙，请稍后再试", "data": None},
                                        ensure_ascii=False), "rejected:format"),
    ("error_answer_wrapped", "data.list", json.dumps({"errcode": 40001, "errmsg": "invalid token"}),
     "rejected:format"),
    ("html_instead_of_json", "data", "<html><head><title>登录</title></head><body></body></html>",
     "rejected:format"),
    ("other_shape", "data", json.dumps({"rows": RECORDS}), "rejected:schema_drift"),
    ("cut_off", "data", json.dumps({"data": RECORDS})[:-30], "rejected:truncated"),
]


@pytest.mark.parametrize(("name", "records_path", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_json_page(contracts: dict[str, Contract], home: Path, tmp_path: Path, name: str,
                   records_path: str, body: str, expected: tuple[int, int, int] | str) -> None:
    contract = contracts[DS]
    contract = contract.model_copy(update={"source": contract.source.model_copy(
        update={"records_path": records_path})})
    page = tmp_path / "page-00001.json"
    page.write_bytes(body.encode("utf-8"))
    if isinstance(expected, str):
        with pytest.raises(LoadRejected) as e:
            stage(contract, "L1", [page], home / "staging" / DS / "L1")
        assert e.value.reason_code == expected
        if expected == "rejected:format":
            assert e.value.rows == 0
        return
    r = stage(contract, "L1", [page], home / "staging" / DS / "L1")
    assert (r.rows_in, r.rows_staged, r.rows_quarantined) == expected
    assert r.rows_in == r.rows_staged + r.rows_quarantined


def test_utf8_bom_is_kept_in_cases() -> None:
    assert CASES[4][2].encode("utf-8").startswith(codecs.BOM_UTF8)
