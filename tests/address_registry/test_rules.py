"""The shared rules (address_registry/rules.py) reach both engines: the generated rules_gen.h
spells exactly the Python values, every vocabulary entry gives the same normalization and parse
in C as in Python, and a changed rules module changes what both engines do."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pyarrow as pa
import pytest

from address_registry import native, native_build, rules, rules_c, shapes
from address_registry.matcher import Matcher
from address_registry.normalize import normalize
from address_registry.parse import normalized_text, normalized_texts

HEADER = rules_c.header()


def _c_words(name: str, header: str = HEADER) -> list[str]:
    """The words of a generated word list or character set, as the C compiler reads them."""
    line = re.search(rf"^static const u32 (?:\*const )?{name}\[\] UNUSED = (.*);$", header, re.M)
    assert line is not None, f"{name} is not in rules_gen.h"
    return re.findall(r'U"([^"]*)"', line.group(1))


def _c_define(name: str, header: str = HEADER) -> str:
    line = re.search(rf"^#define {name} (\S+)", header, re.M)
    assert line is not None, f"{name} is not defined in rules_gen.h"
    return line.group(1)


@pytest.mark.parametrize(("c_name", "words"), [
    *((name, list(getattr(rules, name))) for name in rules_c.WORD_LISTS),
    *((name, [getattr(rules, name)]) for name in rules_c.CHAR_SETS),
    ("FLOOR_MARKS", list(rules.FLOOR_MARKS)), ("UNIT_MARK", [rules.UNIT]),
    ("GENERIC", [rules.GENERIC]), ("PHASE_NUMERALS", [rules.PHASE_NUMERALS + "0123456789"]),
])
def test_the_header_spells_each_word_list(c_name: str, words: list[str]) -> None:
    assert _c_words(c_name) == list(words)


@pytest.mark.parametrize(("c_name", "value"), [
    ("MAX_CHARS", rules.MAX_CHARS), ("MAX_INPUT", rules.MAX_INPUT),
    ("MIN_BARE_COMMUNITY", rules.MIN_BARE_COMMUNITY), ("HOW_SLOTS", rules.HOW_SLOTS),
    ("CONF_DIVISION_EXACT", rules.DIVISION_EXACT), ("CONF_DIVISION_INEXACT", rules.DIVISION_INEXACT),
    ("CONF_SCOPE_DISAGREES", rules.SCOPE_DISAGREES), ("CONF_DOOR_BUILDING", rules.DOOR_BUILDING),
    ("CONF_DOOR_ESTATE", rules.DOOR_ESTATE), ("CONF_DOOR_ESTATE_NAMED", rules.DOOR_ESTATE_NAMED),
    ("CONF_DOOR_AGREES", rules.DOOR_AGREES), ("CONF_SAME_ROOM", rules.SAME_ROOM),
    ("CONF_DERIVED", rules.DERIVED), ("CODE_COMMUNITY", rules.DIVISION_CODE["community"]),
    ("CODE_ESTATE", rules.ESTATE_CODE), ("CODE_BUILDING", rules.BUILDING_CODE),
    ("CODE_HOUSE", rules.HOUSE_CODE), ("PARSE_FIELD_COUNT", len(rules.PARSE_FIELDS)),
])
def test_the_header_defines_each_constant(c_name: str, value: float) -> None:
    assert float(_c_define(c_name)) == value


@pytest.mark.parametrize("name", rules_c.CHARS)
def test_the_header_defines_each_character(name: str) -> None:
    assert int(_c_define(name).rstrip("u"), 16) == ord(getattr(rules, name))


def test_the_header_carries_the_enums_and_the_interface_in_order() -> None:
    assert f"enum {{ {', '.join('L_' + n.upper() for n in rules.LEVEL_ORDER)} }};" in HEADER
    assert f"enum {{ {', '.join('HOW_' + n.upper() for n in rules.HOWS)} }};" in HEADER
    conf = re.search(r"HOW_CONF\[HOW_SLOTS\] UNUSED = \{(.*)\};", HEADER)
    assert conf and [float(v) for v in conf.group(1).split(",")] == list(rules.NAME_CONFIDENCE.values())
    struct = re.search(r"typedef struct \{\n(.*?)\n\} columns;", HEADER, re.S)
    assert struct and re.findall(r"\*(\w+);", struct.group(1)) == [c.name for c in rules.ROW_COLUMNS]
    members = re.findall(r"X\(([\w.]+)", HEADER)
    assert set(members) >= {*rules.REGISTRY_TABLES, *rules.REGISTRY_MULTIMAPS,
                            *rules.REGISTRY_ARRAYS, *rules.REGISTRY_SCALARS}


def test_the_header_follows_the_rules_module_it_is_given() -> None:
    changed = types.ModuleType("changed_rules")
    changed.__dict__.update(vars(rules))
    changed.ESTATE_WORDS = (*rules.ESTATE_WORDS, "坞")
    changed.NAME_CONFIDENCE = {**rules.NAME_CONFIDENCE, "prefix": 0.5}
    changed.DOOR_BUILDING = 0.96
    header = rules_c.header(changed)
    assert _c_words("ESTATE_WORDS", header)[-1] == "坞"
    assert "0.5}" in header and float(_c_define("CONF_DOOR_BUILDING", header)) == 0.96
    assert header != HEADER


# ---- every vocabulary entry, both engines ------------------------------------------------------
def _vocabulary_texts() -> list[str]:
    """Addresses that put each entry of each shared word list where its rule reads it."""
    texts = []
    texts += [f"西湖区{w}" for w in rules.ESTATE_WORDS] + [f"翠苑{w}5幢" for w in rules.ESTATE_WORDS]
    texts += [f"文一{w}" for w in rules.ROAD_END] + [f"西湖区文三{w}12号3幢" for w in rules.ROAD_END]
    texts += [f"金都{w}" for w in rules.ESTATE_END]
    texts += [f"西湖区南山村{w}3组5号" for w in rules.COMMITTEE]
    texts += [f"西湖区金都花园{w}" for w in rules.ESTATE_TAIL]
    texts += [f"西湖区金都花园{g}{rules.GATE}" for g in rules.GATE_SIDES]
    texts += [f"西湖区金都花园{g}{rules.SIDE}" for g in rules.SIDES]
    texts += [f"西湖区三墩{c}三{w}" for c in rules.NUMERALS for w in rules.NUMERAL_MARKERS]
    texts += [f"西湖区{rules.ORDINAL}十二{w}" for w in rules.NUMERAL_MARKERS]
    texts += [f"西湖区金都花园3{w}2单元" for w in rules.BUILDING_SYNONYMS]
    texts += [f"西湖区金都花园A{rules.HASH}{rules.HASH_FLOOR}301", "西湖区#金都"]
    texts += [f"北京{a}朝阳{a}建国路3号" for a in rules.ADMIN_ENDS]
    texts += [f"西湖区金都花园3幢2单元5{f}" for f in rules.FLOOR_MARKS]
    texts += [f"西湖区翠苑{s}" for s in rules.ROAD_SUFFIX]
    return texts


VOCABULARY = _vocabulary_texts()


def _empty() -> Matcher:
    """A registry version with no estates, buildings or houses: the C parse reads the divisions."""
    return Matcher(1, {name: pa.table({}) for name in ("estates", "names", "buildings", "houses")})


@pytest.fixture(scope="module")
def empty_registry() -> Matcher:
    return _empty()


needs_native = pytest.mark.skipif(not native.available(),
                                  reason="native matcher unavailable (no C compiler)")


@needs_native
def test_every_vocabulary_entry_normalizes_and_parses_alike(empty_registry: Matcher) -> None:
    wrong = []
    for text, (normalized, _) in zip(VOCABULARY, normalized_texts(VOCABULARY), strict=True):
        if native.normalize_native(text) != normalized:
            wrong.append((text, "normalized", native.normalize_native(text), normalized))
            continue
        fields, deep, exact = native.parse_native(normalized, empty_registry)
        parsed = shapes.parse(text)
        expected = {name: getattr(parsed, name) for name in rules.PARSE_FIELDS}
        deepest = parsed.deepest_code() or parsed.province_code or ""
        if fields != expected or deep != deepest or exact != parsed.division_exact:
            wrong.append((text, "parsed", (fields, deep, exact),
                          (expected, deepest, parsed.division_exact)))
    assert not wrong, wrong[:3]


# ---- a changed rules module changes both engines ------------------------------------------------
def observe() -> dict[str, object]:
    """What both engines make of 三户 (normalized) and 金都坞 (its estate), and which library did."""
    name = normalized_text("金都坞")[0]
    return {"python": [normalize("三户"), shapes.parse("金都坞").estate],
            "c": [native.normalize_native("三户"), native.parse_native(name, _empty())[0]["estate"]],
            "library": native_build.library_path(native_build.compiler() or "cc").name}


@needs_native
def test_a_changed_rules_module_changes_both_engines(tmp_path: Path) -> None:
    """A copy of the package whose rules.py makes 户 a numeral marker and 坞 the end of an estate
    name: Python and the C library built from that copy both normalize 三户 to 3户 and read 金都坞
    as an estate; the package as it is does neither."""
    package = Path(native.__file__).resolve().parent
    copy = tmp_path / "tree" / "address_registry"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    source = (copy / "rules.py").read_text(encoding="utf-8")
    source = source.replace('"室", "号", "组")', '"室", "号", "组", "户")', 1)
    source = source.replace('"大楼", "期")', '"大楼", "期", "坞")', 1)
    assert source != (package / "rules.py").read_text(encoding="utf-8")
    (copy / "rules.py").write_text(source, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]  # for `tests`; the copy comes first
    env = {**os.environ, "PYTHONPATH": f"{copy.parent}{os.pathsep}{root}",
           "SHUCANG_NATIVE_CACHE": str(tmp_path), "SHUCANG_ADDRESS_NATIVE": "1"}
    probe = "import json; from tests.address_registry.test_rules import observe; print(json.dumps(observe()))"
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                          check=False, timeout=600, cwd=tmp_path)  # not the worktree: "" is on the path
    assert done.returncode == 0, done.stderr[-2000:]
    changed = json.loads(done.stdout.strip().splitlines()[-1])
    as_is = observe()
    assert changed["python"] == changed["c"] == ["3户", "金都坞"]
    assert as_is["python"] == as_is["c"] == ["三户", None]
    assert changed["library"] != as_is["library"]  # built from the copy's rules_gen.h
