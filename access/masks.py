"""What applying masks needs beyond their declaration (contracts.masks, the mask kind registry):
the per-grantee pseudonym key and its HMAC macro, and installing every mask macro, with the
community names the address mask reads, on the connection that compiles a grant artifact - never
on the gateway's (the pseudonym key must not be callable)."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pyarrow as pa

from access import divisions
from contracts.masks import MASKS


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
