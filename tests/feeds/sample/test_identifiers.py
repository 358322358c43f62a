"""GB 11643 / GB 32100 / GB 11714 check characters and mobiles: published examples, and what the
generator plants as valid and invalid."""

from __future__ import annotations

import random
from datetime import date

import pytest

from feeds.sample import people
from feeds.sample.identifiers import (
    credit_code_check_char,
    is_valid_credit_code,
    is_valid_mobile,
    is_valid_resident_id,
    org_code_check_char,
    resident_id_check_digit,
)

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("11010519491231002X", True),  # the standard's own example
        ("330106196908150648", True),
        ("110105194912310021", False),  # wrong check digit
        ("11010519491231002x", False),  # check X must be upper case
        ("1101051949123100", False),  # too short
        ("11010519491231002XX", False),  # too long
        ("33010619850230" + "0017", False),  # 30 February
        (
            "330106" + "20991231" + "001" + resident_id_check_digit("33010620991231001"),
            False,
        ),  # future
        (
            "330106" + "18991231" + "001" + resident_id_check_digit("33010618991231001"),
            False,
        ),  # before 1900
        ("33010619691315064" + resident_id_check_digit("33010619691315064"), False),  # month 13
        (330106196908150648, False),  # not a string
    ],
)
def test_resident_ids(value: object, valid: bool) -> None:
    assert is_valid_resident_id(value, today=TODAY) is valid  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("91350100M000100Y43", True),  # GB 32100's example
        ("91110000600037341L", True),
        ("91350100M000100Y44", False),  # wrong check character
        ("91350100M000100Y4", False),  # too short
        ("91350100M000100I43", False),  # I is not a credit-code character
        ("91350100m000100y43", False),  # lower case
    ],
)
def test_credit_codes(value: str, valid: bool) -> None:
    assert is_valid_credit_code(value) is valid


@pytest.mark.parametrize(
    ("fn", "body", "check"),
    [
        (resident_id_check_digit, "11010519491231002", "X"),
        (resident_id_check_digit, "33010619690815064", "8"),
        (credit_code_check_char, "91350100M000100Y4", "3"),
        (org_code_check_char, "M000100Y", "4"),
    ],
)
def test_check_characters(fn, body: str, check: str) -> None:
    assert fn(body) == check


@pytest.mark.parametrize(
    ("fn", "body"),
    [
        (resident_id_check_digit, "1101051949123100"),
        (resident_id_check_digit, "1101051949123100A"),
        (credit_code_check_char, "91350100M000100I4"),
        (org_code_check_char, "M000-100"),
    ],
)
def test_check_characters_refuse_bad_bodies(fn, body: str) -> None:
    with pytest.raises(ValueError):
        fn(body)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("13812345678", True),
        ("19912345678", True),
        ("12812345678", False),
        ("1381234567", False),
        ("138123456789", False),
        ("0571-88881234", False),
        ("13812345678 ", False),
        ("", False),
    ],
)
def test_mobiles(value: str, valid: bool) -> None:
    assert is_valid_mobile(value) is valid


def test_generated_identifiers_are_valid_and_planted_ones_invalid() -> None:
    rng = random.Random(7)
    for _ in range(300):
        p = people.person("330106", rng.randint(0, 99), TODAY, rng)
        assert is_valid_resident_id(p.resident_id, today=TODAY), p
        assert p.resident_id[16] in ("13579" if p.sex == "男" else "02468")
        assert p.age_on(TODAY) >= 0
        assert is_valid_mobile(p.mobile)
        assert not is_valid_resident_id(people.bad_check_digit(p.resident_id), today=TODAY)
        assert not is_valid_resident_id(people.impossible_birth_id("330106", rng), today=TODAY)
        assert not is_valid_mobile(people.bad_mobile(rng))
        code = people.credit_code("330106", rng.choice(["有限责任公司", "个体工商户"]), rng)
        assert is_valid_credit_code(code) and org_code_check_char(code[8:16]) == code[16]
        assert not is_valid_credit_code(people.bad_credit_code(code))


def test_person_age_matches_request() -> None:
    rng = random.Random(3)
    for age in (0, 1, 59, 60, 72, 99):
        assert people.person("330106", age, TODAY, rng).age_on(TODAY) == age
