"""Chinese identifier check characters: resident IDs (GB 11643-1999), unified social credit codes
(GB 32100-2015, whose body embeds a GB 11714 organisation code) and mainland mobile numbers.

Pure functions, no I/O; shared by the sample generator and the quality checks. It owns the
arithmetic only, not what a pipeline does with an invalid value.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = [
    "CREDIT_CODE_CHARSET",
    "credit_code_check_char",
    "is_valid_credit_code",
    "is_valid_mobile",
    "is_valid_resident_id",
    "org_code_check_char",
    "resident_id_birth_date",
    "resident_id_check_digit",
]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)
_ID_RE = re.compile(r"^\d{17}[\dX]$")

# GB 32100: the 31 characters allowed in a credit code (no I, O, Z, S, V), in value order.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(rf"^[{CREDIT_CODE_CHARSET}]{{18}}$")

# GB 11714 organisation code (the 9th..17th characters of a credit code).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643 check character ('0'-'9' or 'X') for the first 17 digits of a resident ID."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"a resident ID body is 17 digits, got {first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_birth_date(resident_id: str) -> date | None:
    """The birth date encoded in characters 7-14 of an 18-character ID, or None if impossible."""
    try:
        return date(int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14]))
    except ValueError:
        return None


def is_valid_resident_id(value: str, today: date | None = None) -> bool:
    """True for an 18-character ID with a correct check digit and a real birth date, not in the
    future and not before 1900 (the region prefix is not checked against a division list)."""
    if not isinstance(value, str) or not _ID_RE.match(value):
        return False
    born = resident_id_birth_date(value)
    if born is None or born.year < 1900 or born > (today or date.today()):
        return False
    return resident_id_check_digit(value[:17]) == value[17]


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character for the first 8 characters of an organisation code."""
    if len(first8) != 8:
        raise ValueError(f"an organisation code body is 8 characters, got {first8!r}")
    total = 0
    for ch, w in zip(first8, _ORG_WEIGHTS, strict=True):
        if ch.isdigit():
            total += int(ch) * w
        elif "A" <= ch <= "Z":
            total += (ord(ch) - ord("A") + 10) * w
        else:
            raise ValueError(f"organisation code characters are 0-9 and A-Z, got {ch!r}")
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a unified social credit code."""
    if len(first17) != 17:
        raise ValueError(f"a credit code body is 17 characters, got {first17!r}")
    total = 0
    for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True):
        value = CREDIT_CODE_CHARSET.find(ch)
        if value < 0:
            raise ValueError(f"{ch!r} is not a credit code character ({CREDIT_CODE_CHARSET})")
        total += value * w
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    """True for an 18-character unified social credit code with a correct GB 32100 check char."""
    if not isinstance(value, str) or not _CREDIT_RE.match(value):
        return False
    return credit_code_check_char(value[:17]) == value[17]


def is_valid_mobile(value: str) -> bool:
    """True for an 11-digit mainland mobile number 1[3-9]xxxxxxxxx."""
    return isinstance(value, str) and bool(_MOBILE_RE.match(value))
