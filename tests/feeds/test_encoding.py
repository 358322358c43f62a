"""Encoding detection: UTF-8 and GBK/GB18030 are read, anything else is rejected with the offset."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds import encoding
from feeds.encoding import detect_encoding, transcode_to_utf8, utf8_run_at
from feeds.errors import EncodingRejected

TEXT = "事件编号,发生地点\nSJ1,杭州市西湖区翠苑街道\nSJ2,拱墅區米市巷街道\n"


@pytest.mark.parametrize(("data", "declared", "expected"), [
    (TEXT.encode("utf-8"), "auto", "utf-8"),
    (TEXT.encode("utf-8"), "gbk", "utf-8"),          # declared wrong, bytes decide
    (TEXT.encode("gbk"), "gbk", "gb18030"),
    (TEXT.encode("gbk"), "auto", "gb18030"),
    (TEXT.encode("gbk"), "utf-8", "gb18030"),
    ("𠀀 supplementary\n".encode("gb18030"), "auto", "gb18030"),
    (b"id,name\n1,a\n", "auto", "utf-8"),
])
def test_detects(tmp_path: Path, data: bytes, declared: str, expected: str) -> None:
    p = tmp_path / "f.csv"
    p.write_bytes(data)
    assert detect_encoding(p, declared) == expected


@pytest.mark.parametrize(("data", "message"), [
    (TEXT.encode("utf-16"), "UTF-16"),
    (b"id\n\x81\x20\xff\xfe broken\n", "not valid UTF-8 (first bad byte at offset 3)"),
])
def test_rejects(tmp_path: Path, data: bytes, message: str) -> None:
    p = tmp_path / "bad.csv"
    p.write_bytes(data)
    with pytest.raises(EncodingRejected, match=r"bad\.csv") as err:
        detect_encoding(p, "auto")
    assert message in str(err.value)
    assert err.value.reason_code == "rejected:encoding"


def test_transcode_roundtrip(tmp_path: Path) -> None:
    src = tmp_path / "gbk.csv"
    src.write_bytes(TEXT.encode("gbk") * 2000)
    out = transcode_to_utf8(src, tmp_path / "out.csv", "gb18030")
    assert out.read_text(encoding="utf-8") == TEXT * 2000


def test_gbk_text_holding_utf8_records_is_not_read_as_gb18030(tmp_path: Path) -> None:
    """GB18030 reads most UTF-8 bytes without error, as the wrong characters: a GBK file with a
    UTF-8 part is sent to record-by-record decoding, whichever encoding is declared."""
    p = tmp_path / "mixed.csv"
    head = TEXT.encode("gbk") * 40_000  # past the first MiB
    tail = "SJ3,事件编号\n".encode()
    assert tail.decode("gb18030") != tail.decode("utf-8")  # valid GB18030, the wrong text
    p.write_bytes(head + tail)
    for declared in ("auto", "gbk"):
        with pytest.raises(EncodingRejected, match=f"UTF-8 text from byte {len(head) + 4} on"):
            detect_encoding(p, declared)
    p.write_bytes(head)
    assert detect_encoding(p, "gbk") == "gb18030"


def test_a_utf8_run_cut_by_a_chunk_boundary_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "f.csv"
    run = "杭州市西湖".encode()
    p.write_bytes(b"x" * 10 + run)
    for chunk in (11, 13, 16, 64):
        monkeypatch.setattr(encoding, "CHUNK", chunk)
        assert utf8_run_at(p) == 10
