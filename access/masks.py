"""Masks for Chinese identifiers as DuckDB macros: resident ID (birth date hidden), mobile
(138****1234), name (张**), address truncated to community, date to year, keyed HMAC-SHA256
pseudonym. Installed as TEMP macros on the connection that compiles a grant
artifact, never on the gateway's connection (the pseudonym key must not be callable by analysts)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from access import divisions


@dataclass(frozen=True)
class Mask:
    """A mask profile: the macro that applies it and what it shows (Chinese, for the portal)."""

    macro: str
    shows: str
    types: tuple[str, ...]  # contract column types it applies to


TEXT, DATES = ("string",), ("date", "timestamp")
ANY = ("string", "integer", "double", "date", "timestamp", "boolean")
MASKS: dict[str, Mask] = {
    "resident_id": Mask("mask_resident_id", "身份证号隐藏出生日期：330106********1234", TEXT),
    "phone": Mask("mask_phone", "手机号中间四位隐藏：138****1234", TEXT),
    "name": Mask("mask_name", "姓名只留姓：张**", TEXT),
    "address_community": Mask("mask_address_community", "地址只到社区：西湖区西溪街道文一社区",
                              TEXT),
    "date_year": Mask("mask_date_year", "日期只留年份：1990", DATES),
    "pseudonym": Mask("mask_pseudonym", "按授予对象加密的化名（同一授予内可关联）", ANY),
}

_MACROS = (
    """CREATE OR REPLACE TEMP MACRO mask_resident_id(v) AS CASE
         WHEN v IS NULL THEN NULL
         WHEN length(v) = 18 THEN left(v, 6) || '********' || right(v, 4)
         WHEN length(v) = 15 THEN left(v, 6) || '******' || right(v, 3)
         ELSE repeat('*', length(v)) END""",
    """CREATE OR REPLACE TEMP MACRO mask_phone(v) AS CASE
         WHEN v IS NULL THEN NULL
         WHEN regexp_full_match(v, '1[0-9]{10}') THEN left(v, 3) || '****' || right(v, 4)
         WHEN length(v) > 4 THEN repeat('*', length(v) - 4) || right(v, 4)
         ELSE repeat('*', length(v)) END""",
    """CREATE OR REPLACE TEMP MACRO mask_name(v) AS CASE
         WHEN v IS NULL OR length(v) = 0 THEN v
         WHEN length(v) = 1 THEN '*'
         ELSE left(v, 1) || repeat('*', length(v) - 1) END""",
    # The community's official name when the row was matched to one, else the text up to the
    # street/town; never the road, estate, building or room.
    """CREATE OR REPLACE TEMP MACRO mask_address_community(v, community) AS CASE
         WHEN v IS NULL THEN NULL
         ELSE coalesce(
           (SELECT n.name FROM __community_names n WHERE n.code = community),
           nullif(regexp_extract(v, '^(.*?(街道|镇|乡))', 1), ''),
           '***') END""",
    "CREATE OR REPLACE TEMP MACRO mask_date_year(v) AS CAST(year(v) AS BIGINT)",
)


def pseudonym_key(master: bytes, grantee: str) -> bytes:
    """The per-grantee pseudonym key: pseudonyms join within one grantee's data, never across."""
    return hmac.new(master, f"pseudonym:{grantee}".encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, value: str) -> str:
    """The Python twin of the SQL pseudonym (HMAC-SHA256 hex, first 32 chars) for tests/joins."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def _hmac_macro(key: bytes) -> str:
    # HMAC-SHA256 = H((K^opad) || H((K^ipad) || m)); the padded keys are constants of the macro.
    block = (
        key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
    )
    ipad = bytes(b ^ 0x36 for b in block).hex()
    opad = bytes(b ^ 0x5C for b in block).hex()
    return (
        "CREATE OR REPLACE TEMP MACRO mask_pseudonym(v) AS CASE WHEN v IS NULL THEN NULL ELSE "
        f"left(sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}')"
        " || encode(CAST(v AS VARCHAR))))), 32) END"
    )


def install(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Create every mask macro (and the community name table they use) on `con`."""
    names = divisions.community_names()
    con.register(
        "__community_names_arrow", pa.table({"code": list(names), "name": list(names.values())})
    )
    con.execute("CREATE OR REPLACE TEMP TABLE __community_names AS FROM __community_names_arrow")
    con.unregister("__community_names_arrow")
    for sql in (*_MACROS, _hmac_macro(key)):
        con.execute(sql)


def mask_sql(mask: str, column: str, has_community_code: bool) -> str:
    """The SQL expression applying `mask` to the quoted column `column`."""
    macro = MASKS[mask].macro
    if mask == "address_community":
        return f"{macro}({column}, {'community_code' if has_community_code else 'NULL'})"
    return f"{macro}({column})"
