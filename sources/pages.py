"""JSON pages as APIs write them, read the same way by the `http` kind while paging and by the
feeds' reader: one JSON document (with or without a UTF-8 byte-order mark), or NDJSON (a JSON value
on each line); the records are the list at the contract's dotted `records_path` (`data`,
`data.list`), or the document itself when it is a list."""

from __future__ import annotations

import json
from typing import Any

# keys an API's answer carries to say how the request went: a page without records that has one
# of them is an error answer (`{"code": 500, "msg": "系统繁忙"}`), not a page of another schema
STATUS_KEYS = ("code", "errcode", "error_code", "status", "success", "error", "msg", "message", "errmsg")


def dig(body: Any, path: str) -> Any:
    """The value at a dotted `path` of a JSON body (None when absent)."""
    for part in path.split("."):
        if not isinstance(body, dict):
            return None
        body = body.get(part)
    return body


def decode_page(data: bytes) -> Any:
    """The JSON value of a page: one document, or NDJSON (a list of one value per non-blank line).
    Raises ValueError (json.JSONDecodeError) naming where it is not JSON."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as e:
        if not e.msg.startswith("Extra data"):
            raise
        text = data.decode("utf-8-sig")
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def page_records(body: Any, path: str) -> Any:
    """The records of a decoded page: the value at `path`, or the page itself when it is a list
    (an API answering with its records alone, NDJSON); anything but a list means none."""
    return body if isinstance(body, list) else dig(body, path)


def error_answer(body: Any) -> str | None:
    """The status of a page that holds no records but says how the request went, as compact JSON
    (at most 200 characters), or None."""
    if not isinstance(body, dict) or not any(k in body for k in STATUS_KEYS):
        return None
    shown = {k: v for k, v in body.items() if k in STATUS_KEYS}
    return json.dumps(shown, ensure_ascii=False)[:200]
