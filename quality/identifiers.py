"""Chinese identifier rules, each written twice from one table of constants: as a Python function
(for single values and the pandas path) and as a DuckDB SQL expression (for set-based validation).
Both return NULL/None for a valid value and a short human reason for an invalid one.

- resident ID (GB 11643-1999): 17 digits + check character, a valid birth date, an existing
  region code (Zhejiang: the code's city prefix is a Zhejiang city of the NBS extract, because an ID
  keeps the code of the district that issued it, and districts such as 下城区 330103 and 江干区
  330104 were abolished in 2021 while their IDs stay valid; elsewhere: a GB/T 2260 province code);
- mobile number: 1[3-9] followed by 9 digits;
- unified social credit code (GB 32100-2015): 18 characters of the code alphabet + check character.

It owns the rules only; it reads the division extract and touches no data or control plane.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections.abc import Callable

from divisions.reference import REFERENCE as DIVISIONS_CSV
from foundation.sql import literal

ZHEJIANG = "33"
# GB/T 2260 province-level codes (31 provinces + Taiwan, Hong Kong, Macao).
PROVINCE_CODES = (
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
)
EARLIEST_BIRTH = dt.date(1850, 1, 1)  # GB 11643's own example holder was born in 1880

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MOBILE_PATTERN = r"^1[3-9]\d{9}$"
_MOBILE = re.compile(MOBILE_PATTERN)
_RESIDENT_SHAPE = re.compile(r"^\d{17}[\dX]$")
# A number as Excel shows one of more than 15 digits (3.30106E+17): the ID was typed or read into
# a number cell, and the digits past the 15th are gone.
SCIENTIFIC_PATTERN = r"\d(\.\d+)?[eE]\+?\d+"
_SCIENTIFIC = re.compile(f"^{SCIENTIFIC_PATTERN}$")
_CREDIT_SHAPE = re.compile(f"^[{CREDIT_CODE_ALPHABET}]{{18}}$")

# An 18-digit ID that went through an Excel number cell shown in full: Excel keeps 15 significant
# digits, so the last three (or more) are zeros.
ROUNDED_TAIL = "000"

# Reasons (shared by the Python and SQL forms so both say the same thing).
R_ID_SHAPE = "not 17 digits followed by a digit or X"
R_ID_EXCEL = ("a number in scientific notation (an Excel number cell): the digits past the 15th are"
              " lost; format the column as text and type the IDs again")
R_ID_ROUNDED = ("ends in 000 and fails its birth date or check character: an Excel number cell kept"
                " only 15 significant digits; format the column as text and type the IDs again")
R_ID_REGION = "unknown region code"
R_ID_BIRTH = "invalid birth date"
R_ID_CHECK = "wrong check character"
R_MOBILE = "not a mainland mobile number 1[3-9]XXXXXXXXX"
R_CREDIT_SHAPE = "not 18 characters of the GB 32100 alphabet"
R_CREDIT_CHECK = "wrong check character"


@functools.cache
def zhejiang_district_codes() -> frozenset[str]:
    """6-digit district (区县) codes of Zhejiang from the NBS extract."""
    with DIVISIONS_CSV.open(encoding="utf-8") as f:
        return frozenset(r["code"] for r in csv.DictReader(f) if r["level"] == "district")


@functools.cache
def zhejiang_city_codes() -> frozenset[str]:
    """4-digit city (地级市) codes of Zhejiang from the NBS extract."""
    return frozenset(code[:4] for code in zhejiang_district_codes())


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def resident_id_problem(value: str | None, today: dt.date | None = None) -> str | None:
    """None if `value` is a valid GB 11643 resident ID, else the first rule it breaks."""
    if value is None:
        return None
    if not _RESIDENT_SHAPE.match(value):
        return R_ID_EXCEL if _SCIENTIFIC.match(value) else R_ID_SHAPE
    if not _region_known(value[:6]):
        return R_ID_REGION
    problem = _birth_or_check_problem(value, today or dt.date.today())
    if problem is not None and value.endswith(ROUNDED_TAIL):
        return R_ID_ROUNDED
    return problem


def _birth_or_check_problem(value: str, today: dt.date) -> str | None:
    try:
        born = dt.datetime.strptime(value[6:14], "%Y%m%d").date()
    except ValueError:
        return R_ID_BIRTH
    if not EARLIEST_BIRTH <= born <= today:
        return R_ID_BIRTH
    if resident_id_check_char(value[:17]) != value[17]:
        return R_ID_CHECK
    return None


def _region_known(code6: str) -> bool:
    if code6[:2] == ZHEJIANG:
        return code6[:4] in zhejiang_city_codes() and code6[4:] != "00"
    return code6[:2] in PROVINCE_CODES


def mobile_problem(value: str | None) -> str | None:
    """None if `value` is a mainland mobile number, else why not."""
    if value is None or _MOBILE.match(value):
        return None
    return R_MOBILE


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(value: str | None) -> str | None:
    """None if `value` is a valid unified social credit code, else why not."""
    if value is None:
        return None
    if not _CREDIT_SHAPE.match(value):
        return R_CREDIT_SHAPE
    if credit_code_check_char(value[:17]) != value[17]:
        return R_CREDIT_CHECK
    return None


# --- the same rules as DuckDB SQL -------------------------------------------------------------


def _sql_list(values: frozenset[str] | tuple[str, ...]) -> str:
    return ", ".join(literal(v) for v in sorted(values))


def _digit_sum(col: str, weights: tuple[int, ...], digit: str) -> str:
    return " + ".join(
        f"{w} * {digit.format(c=f'substr({col}, {i}, 1)')}" for i, w in enumerate(weights, 1)
    )


def resident_id_problem_sql(col: str, today_sql: str = "current_date") -> str:
    """A DuckDB expression over column expression `col`: NULL if valid, else the reason."""
    zj = _sql_list(zhejiang_city_codes())
    provinces = _sql_list(tuple(p for p in PROVINCE_CODES if p != ZHEJIANG))
    birth = f"try_strptime(substr({col}, 7, 8), '%Y%m%d')"
    total = _digit_sum(col, RESIDENT_ID_WEIGHTS, "CAST({c} AS INTEGER)")
    rounded = f"suffix({col}, '{ROUNDED_TAIL}')"

    def unless_rounded(reason: str) -> str:
        return f"CASE WHEN {rounded} THEN '{R_ID_ROUNDED}' ELSE '{reason}' END"

    return (
        f"CASE WHEN {col} IS NULL THEN NULL"
        f" WHEN regexp_full_match({col}, '{SCIENTIFIC_PATTERN}') THEN '{R_ID_EXCEL}'"
        f" WHEN NOT regexp_full_match({col}, '\\d{{17}}[\\dX]') THEN '{R_ID_SHAPE}'"
        f" WHEN NOT ((substr({col}, 1, 4) IN ({zj}) AND substr({col}, 5, 2) <> '00')"
        f" OR substr({col}, 1, 2) IN ({provinces}))"
        f" THEN '{R_ID_REGION}'"
        f" WHEN {birth} IS NULL OR CAST({birth} AS DATE) < DATE '{EARLIEST_BIRTH}'"
        f" OR CAST({birth} AS DATE) > {today_sql} THEN {unless_rounded(R_ID_BIRTH)}"
        f" WHEN substr('{RESIDENT_ID_CHECK}', CAST(({total}) % 11 AS INTEGER) + 1, 1)"
        f" <> substr({col}, 18, 1) THEN {unless_rounded(R_ID_CHECK)}"
        f" END"
    )


def mobile_problem_sql(col: str) -> str:
    """A DuckDB expression over `col`: NULL if a mobile number, else the reason."""
    return (
        f"CASE WHEN {col} IS NULL OR regexp_full_match({col}, '1[3-9]\\d{{9}}') THEN NULL"
        f" ELSE '{R_MOBILE}' END"
    )


def credit_code_problem_sql(col: str) -> str:
    """A DuckDB expression over `col`: NULL if a valid credit code, else the reason."""
    total = _digit_sum(col, CREDIT_CODE_WEIGHTS, f"(strpos('{CREDIT_CODE_ALPHABET}', {{c}}) - 1)")
    return (
        f"CASE WHEN {col} IS NULL THEN NULL"
        f" WHEN NOT regexp_full_match({col}, '[{CREDIT_CODE_ALPHABET}]{{18}}') THEN '{R_CREDIT_SHAPE}'"
        f" WHEN substr('{CREDIT_CODE_ALPHABET}', CAST((31 - ({total}) % 31) % 31 AS INTEGER) + 1, 1)"
        f" <> substr({col}, 18, 1) THEN '{R_CREDIT_CHECK}'"
        f" END"
    )


# The SQL form of each rule by the contract check that applies it (contracts.checks.IdentifierCheck);
# failure queries install each as the DuckDB macro contracts.checks.problem_macro(<check>).
PROBLEM_SQL: dict[str, Callable[[str], str]] = {
    "resident_id": resident_id_problem_sql,
    "mobile": mobile_problem_sql,
    "credit_code": credit_code_problem_sql,
}
