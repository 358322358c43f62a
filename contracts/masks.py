"""The mask kind registry: one MaskKind class per mask, registered in MASKS by name - the PII kinds
it fits (a column's `pii`; None for a column that carries none), what it shows (Chinese, for the
portal), the column types it applies to, its DuckDB macro and the SQL applying it. Contracts are
checked against it at load (`check_fit`), requests and grants at submission and decision.
Masks: resident ID (birth date hidden), mobile (138****1234), name (张**), address truncated to
community, date to year, keyed HMAC-SHA256 pseudonym. The macros are plain SQL text; access.masks
installs them (and the grantee's pseudonym key) on the connection that compiles a grant artifact.
Adding a mask kind: one class here, added to MASKS."""

from __future__ import annotations

from typing import ClassVar

TEXT, DATES = ("string",), ("date", "timestamp")
ANY = ("string", "integer", "double", "date", "timestamp", "boolean")
PSEUDONYM = "pseudonym"  # fits every column: a keyed HMAC that still joins within one grantee
_EVERY_KIND = frozenset({"resident_id", "phone", "name", "address", "credit_code", "birth_date", None})


class MaskKind:
    """One mask kind: its name, the PII kinds it fits, what it shows, the column types it applies
    to, the TEMP macro implementing it and the SQL applying it to a column."""

    name: ClassVar[str]
    fits: ClassVar[frozenset[str | None]]
    shows: ClassVar[str]
    types: ClassVar[tuple[str, ...]] = TEXT
    macro: ClassVar[str]  # CREATE OR REPLACE TEMP MACRO mask_<name>(...) AS ...
    per_distinct_value: ClassVar[bool] = False  # costly: computed once per distinct value

    def sql(self, column: str, has_community_code: bool) -> str:
        """The SQL expression applying the mask to the quoted column `column`."""
        return f"mask_{self.name}({column})"


class ResidentId(MaskKind):
    name, fits, shows = "resident_id", frozenset({"resident_id"}), "身份证号隐藏出生日期：330106********1234"
    macro = """CREATE OR REPLACE TEMP MACRO mask_resident_id(v) AS CASE
         WHEN v IS NULL THEN NULL
         WHEN length(v) = 18 THEN left(v, 6) || '********' || right(v, 4)
         WHEN length(v) = 15 THEN left(v, 6) || '******' || right(v, 3)
         ELSE repeat('*', length(v)) END"""


class Phone(MaskKind):
    name, fits, shows = "phone", frozenset({"phone"}), "手机号中间四位隐藏：138****1234"
    macro = """CREATE OR REPLACE TEMP MACRO mask_phone(v) AS CASE
         WHEN v IS NULL THEN NULL
         WHEN regexp_full_match(v, '1[0-9]{10}') THEN left(v, 3) || '****' || right(v, 4)
         WHEN length(v) > 4 THEN repeat('*', length(v) - 4) || right(v, 4)
         ELSE repeat('*', length(v)) END"""


class Name(MaskKind):
    name, fits, shows = "name", frozenset({"name"}), "姓名只留姓：张**"
    macro = """CREATE OR REPLACE TEMP MACRO mask_name(v) AS CASE
         WHEN v IS NULL OR length(v) = 0 THEN v
         WHEN length(v) = 1 THEN '*'
         ELSE left(v, 1) || repeat('*', length(v) - 1) END"""


class AddressCommunity(MaskKind):
    """The community's official name when the row was matched to one, else the text up to the
    street/town; never the road, estate, building or room."""

    name, fits, shows = "address_community", frozenset({"address"}), "地址只到社区：西湖区西溪街道文一社区"
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
    name, fits, shows, types = "date_year", frozenset({"birth_date", None}), "日期只留年份：1990", DATES
    macro = "CREATE OR REPLACE TEMP MACRO mask_date_year(v) AS CAST(year(v) AS BIGINT)"


class Pseudonym(MaskKind):
    """Keyed HMAC-SHA256 per grantee; its macro carries the key, so access.masks makes it per
    connection from the grantee's key."""

    name, fits, shows, types = PSEUDONYM, _EVERY_KIND, "按授予对象加密的化名（同一授予内可关联）", ANY
    macro = ""
    per_distinct_value = True  # ~5 us a value in SQL


MASKS: dict[str, MaskKind] = {
    k.name: k() for k in (ResidentId, Phone, Name, AddressCommunity, DateYear, Pseudonym)
}
# The PII kinds each mask fits, by name.
MASK_FITS: dict[str, frozenset[str | None]] = {name: kind.fits for name, kind in MASKS.items()}


class MaskMisfit(ValueError):
    """A mask is unknown, or does not fit the PII kind of the column it is put on."""


def check_fit(mask: str, pii: str | None, where: str) -> None:
    """Raise MaskMisfit unless `mask` is a known kind that fits a column of PII kind `pii`
    (`where` names the column for the message)."""
    if mask not in MASK_FITS:
        raise MaskMisfit(f"{where}: unknown mask {mask!r}; known masks: {', '.join(MASK_FITS)}")
    if pii not in MASK_FITS[mask]:
        fitting = [m for m, kinds in MASK_FITS.items() if pii in kinds]
        raise MaskMisfit(
            f"{where}: mask {mask!r} does not fit a column of PII kind {pii or 'none'};"
            f" masks that fit: {', '.join(fitting)}"
        )
