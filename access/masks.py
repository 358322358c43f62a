"""The mask kind registry: one MaskKind class per mask, registered in MASKS by name - what it shows
(Chinese, for the portal), the column types it applies to, its DuckDB macro and the SQL applying it;
the PII kinds each fits are contracts.masks.MASK_FITS (the contract layer checks them at load).
Masks: resident ID (birth date hidden), mobile (138****1234), name (张**), address truncated to
community, date to year, keyed HMAC-SHA256 pseudonym. Installed as TEMP macros on the connection
that compiles a grant artifact, never on the gateway's (the pseudonym key must not be callable).
Adding a mask kind: one class here and one line in contracts/masks.py."""

from __future__ import annotations

import hashlib
import hmac
from typing import ClassVar

import duckdb
import pyarrow as pa

from access import divisions
from contracts.masks import MASK_FITS, PSEUDONYM

TEXT, DATES = ("string",), ("date", "timestamp")
ANY = ("string", "integer", "double", "date", "timestamp", "boolean")


class MaskKind:
    """One mask kind: its name (a key of contracts.masks.MASK_FITS), what it shows, the column
    types it applies to, the TEMP macro implementing it and the SQL applying it to a column."""

    name: ClassVar[str]
    shows: ClassVar[str]
    types: ClassVar[tuple[str, ...]] = TEXT
    macro: ClassVar[str]  # CREATE OR REPLACE TEMP MACRO mask_<name>(...) AS ...
    per_distinct_value: ClassVar[bool] = False  # costly: computed once per distinct value

    @property
    def fits(self) -> frozenset[str | None]:
        """The PII kinds (None: no PII) of the columns this mask may be put on."""
        return MASK_FITS[self.name]

    def sql(self, column: str, has_community_code: bool) -> str:
        """The SQL expression applying the mask to the quoted column `column`."""
        return f"mask_{self.name}({column})"


class ResidentId(MaskKind):
    name, shows = "resident_id", "身份证号隐藏出生日期：330106********1234"
    macro = """CREATE OR REPLACE TEMP MACRO mask_resident_id(v) AS CASE
         WHEN v IS NULL THEN NULL
         WHEN length(v) = 18 THEN left(v, 6) || '********' || right(v, 4)
         WHEN length(v) = 15 THEN left(v, 6) || '******' || right(v, 3)
         ELSE repeat('*', length(v)) END"""


class Phone(MaskKind):
    name, shows = "phone", "手机号中间四位隐藏：138****1234"
    macro = """CREATE OR REPLACE TEMP MACRO mask_phone(v) AS CASE
         WHEN v IS NULL THEN NULL
         WHEN regexp_full_match(v, '1[0-9]{10}') THEN left(v, 3) || '****' || right(v, 4)
         WHEN length(v) > 4 THEN repeat('*', length(v) - 4) || right(v, 4)
         ELSE repeat('*', length(v)) END"""


class Name(MaskKind):
    name, shows = "name", "姓名只留姓：张**"
    macro = """CREATE OR REPLACE TEMP MACRO mask_name(v) AS CASE
         WHEN v IS NULL OR length(v) = 0 THEN v
         WHEN length(v) = 1 THEN '*'
         ELSE left(v, 1) || repeat('*', length(v) - 1) END"""


class AddressCommunity(MaskKind):
    """The community's official name when the row was matched to one, else the text up to the
    street/town; never the road, estate, building or room."""

    name, shows = "address_community", "地址只到社区：西湖区西溪街道文一社区"
    macro = """CREATE OR REPLACE TEMP MACRO mask_address_community(v, community) AS CASE
         WHEN v IS NULL THEN NULL
         ELSE coalesce(
           (SELECT n.name FROM __community_names n WHERE n.code = community),
           nullif(regexp_extract(v, '^(.*?(街道|镇|乡))', 1), ''),
           '***') END"""

    def sql(self, column: str, has_community_code: bool) -> str:
        """The mask over `column` and the row's community code (when the dataset has one)."""
        community = "community_code" if has_community_code else "NULL"
        return f"mask_address_community({column}, {community})"


class DateYear(MaskKind):
    name, shows, types = "date_year", "日期只留年份：1990", DATES
    macro = "CREATE OR REPLACE TEMP MACRO mask_date_year(v) AS CAST(year(v) AS BIGINT)"


class Pseudonym(MaskKind):
    """Keyed HMAC-SHA256 per grantee; the key is part of its macro (see _hmac_macro)."""

    name, shows, types = PSEUDONYM, "按授予对象加密的化名（同一授予内可关联）", ANY
    macro = ""  # made per connection by install(), from the grantee's key
    per_distinct_value = True  # ~5 us a value in SQL


MASKS: dict[str, MaskKind] = {
    k.name: k() for k in (ResidentId, Phone, Name, AddressCommunity, DateYear, Pseudonym)
}


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
    for sql in (*(m.macro for m in MASKS.values() if m.macro), _hmac_macro(key)):
        con.execute(sql)
