"""Case tables of Chinese identifiers (value, expected problem or None): 身份证, 手机号, 统一社会信用代码.
Shared by the identifier rule tests and the test that GX's two paths agree."""

from __future__ import annotations

from quality import identifiers as ids

RESIDENT_IDS = [
    ("11010519491231002X", None),  # GB 11643 example, Beijing, check character X
    ("440524188001010014", None),  # GB 11643 example, born 1880
    ("330106" + "19900307" + "123" + ids.resident_id_check_char("33010619900307123"), None),
    ("3.30106E+17", ids.R_ID_EXCEL),  # an Excel number cell, as a CSV saved from it shows it
    ("3.30106199001011E+17", ids.R_ID_EXCEL),
    ("3.301062e17", ids.R_ID_EXCEL),
    ("3.30106E+17X", ids.R_ID_SHAPE),
    # the same cell shown in full: the digits past the 15th (or past the 6th) are zeros
    ("330106000000000000", ids.R_ID_ROUNDED),
    ("330106199003071000", ids.R_ID_ROUNDED),  # 15 digits kept, check character lost
    ("110105194912310000", ids.R_ID_ROUNDED),
    ("440524188001010000", ids.R_ID_ROUNDED),
    ("110105194912320000", ids.R_ID_ROUNDED),  # an impossible date still ends as Excel leaves it
    ("991234199001010000", ids.R_ID_REGION),  # the region is kept whole, so it is checked first
    ("330106199003079000", None),  # a real ID may end in 000 when its check character is 0
    ("110105199003078000", None),
    ("11010519491231002x", ids.R_ID_SHAPE),  # lower-case x is not the standard's X
    ("11010519491231002", ids.R_ID_SHAPE),  # 17 characters
    ("1101051949123100201", ids.R_ID_SHAPE),  # 19 characters
    ("11010519491231002Y", ids.R_ID_SHAPE),
    ("110105194912310021", ids.R_ID_CHECK),  # check character altered
    ("11010519491232002X", ids.R_ID_BIRTH),  # 32 December
    ("11010519490229002X", ids.R_ID_BIRTH),  # 1949 is not a leap year
    ("11010518000101002X", ids.R_ID_BIRTH),  # before 1850
    ("11010520301231002X", ids.R_ID_BIRTH),  # born in the future
    # issued by 下城区 / 江干区, abolished in the 2021 reform: the IDs stay valid
    ("330103" + "19800307" + "123" + ids.resident_id_check_char("33010319800307123"), None),
    ("330104" + "19800307" + "123" + ids.resident_id_check_char("33010419800307123"), None),
    ("339999199001010010", ids.R_ID_REGION),  # Zhejiang prefix, no such city
    ("330100199001010010", ids.R_ID_REGION),  # a city code is not a district
    ("991234199001010010", ids.R_ID_REGION),  # no province 99
    ("000000199001010010", ids.R_ID_REGION),
]

MOBILES = [
    ("13800138000", None), ("19912345678", None), ("16600001111", None),
    ("12800138000", ids.R_MOBILE),  # second digit 2
    ("1380013800", ids.R_MOBILE),  # 10 digits
    ("138001380001", ids.R_MOBILE),  # 12 digits
    ("+8613800138000", ids.R_MOBILE),
    ("138-0013-8000", ids.R_MOBILE),
    ("0571-88888888", ids.R_MOBILE),  # a landline
]

# Published unified social credit codes of well-known companies (from their business licences).
CREDIT_CODES = [
    ("91350100M000100Y43", None),  # GB 32100-2015's worked example
    ("914403001922038216", None),  # 华为技术有限公司
    ("91330100716105852F", None),  # 阿里巴巴（中国）有限公司
    ("9144030071526726XG", None),  # 深圳市腾讯计算机系统有限公司
    ("91330100716105852G", ids.R_CREDIT_CHECK),
    ("914403001922038217", ids.R_CREDIT_CHECK),
    ("91330100716105852", ids.R_CREDIT_SHAPE),  # 17 characters
    ("91330100716105852FF", ids.R_CREDIT_SHAPE),
    ("9133010071610585IF", ids.R_CREDIT_SHAPE),  # I is not in the alphabet
    ("91330100716105852f", ids.R_CREDIT_SHAPE),  # lower case
]
