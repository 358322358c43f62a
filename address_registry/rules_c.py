"""`rules.py` rendered as C: the text of `rules_gen.h`, the header the native matcher's sources
include for every word list, constant, code width, enum and interface table they share with the
Python reference. `native_build.py` writes it next to the sources it compiles (it is generated,
never committed), so the C side cannot drift from the Python values."""

from __future__ import annotations

import types
from collections.abc import Iterable

from address_registry import rules as default_rules

_C_TYPES = {"u8": "uint8_t", "f64": "double", "char": "char"}
# The rules rendered under their own names: word lists (NULL-terminated arrays of U"" words),
# character sets (one U"" string) and single characters (a #define of the code point).
WORD_LISTS = ("NUMERAL_MARKERS", "BUILDING_SYNONYMS", "ESTATE_WORDS", "ROAD_END", "ESTATE_END",
              "COMMITTEE", "ESTATE_TAIL", "BLANK_WORDS", "TOWER_WORDS", "ROOM_NUMERAL_AFTER",
              "ZONE_WORDS", "RECIPIENT_ENDS", "HOME_WORDS", "REMARK_AFTER",
              "VILLAGE_ENDS", "COMMUNITY_WORDS", "KIND_SUFFIXES", "STREET_FORMS", "COUNTRY_CODES",
              "ADDRESS_LABELS", "ROOM_SYNONYMS", "ROOM_BELOW_AFTER", "ROOM_BELOW",
              "ENGLISH_WORDS")
CHAR_SETS = ("ROAD_SUFFIX", "GATE_SIDES", "SIDES", "ADMIN_ENDS", "QUARTER_SIDES", "DOOR_AFTER",
             "MOBILE_SECOND", "ZERO_NUMERALS", "RECIPIENT_AFTER", "REMARK_OPEN", "REMARK_CLOSE",
             "SEGMENT_SIDES", "FORMER_ENDS", "SUB_DOOR",
             "TYPO_LEAD_ENDS")
CHARS = ("ORDINAL", "BUILDING", "HASH", "HASH_FLOOR", "GATE", "SIDE", "DOOR", "GROUP", "ROOM",
         "PHASE", "QUARTER", "DASH", "LETTER_JOIN", "MOBILE_LEAD", "LANDLINE_LEAD",
         "FORWARD", "BLANK_PART", "SEGMENT", "REMARK_FORMER", "ENGLISH_ROAD", "VILLAGE_MARK")
# Digit counts rendered as NAME_MIN and NAME_MAX (a (low, high) pair) or NAME (an int).
RANGES = ("DOOR_ROOM_DIGITS", "LANDLINE_AREA", "LANDLINE_NUMBER", "ROOM_NUMERAL_DIGITS",
          "FORWARD_CHARS", "RECIPIENT_CHARS", "NAMED_PHONE_CHARS", "DASH_ROOM_DIGITS",
          "NUMBERED_ROOM_DIGITS", "FORMER_CHARS", "ROOM_BELOW_DIGITS")
COUNTS = ("MOBILE_DIGITS", "MOBILE_HEAD", "MOBILE_GROUP", "MOBILE_MASKED", "DOOR_FLOOR_DIGITS",
          "DASH_UNIT_DIGITS")


def _chars(text: str) -> str:
    """A U"" literal of `text` (UTF-8 source: the compiler reads the characters as written)."""
    return 'U"' + text + '"'


def _words(name: str, words: Iterable[str]) -> str:
    """A NULL-terminated list of words, and NAME_LENS: their lengths, in order."""
    words = list(words)
    items = ", ".join(f"(const u32 *){_chars(w)}" for w in words)
    lengths = ", ".join(str(len(w)) for w in words)
    return (f"static const u32 *const {name}[] UNUSED = {{{items}, NULL}};\n"
            f"static const int {name}_LENS[] UNUSED = {{{lengths}}};")


def _pinyin(r: types.ModuleType) -> str:
    """rules.PINYIN_ENTRIES as parallel arrays, PINYIN_GROUP_END: where the entries of each one's
    word end, and PINYIN_FIRST: where the words of each two letters start (AA, AB .. ZZ, then the
    count)."""
    entries = r.PINYIN_ENTRIES
    ends, end = [0] * len(entries), len(entries)
    for i in range(len(entries) - 1, -1, -1):
        if i + 1 < len(entries) and entries[i + 1][0] != entries[i][0]:
            end = i + 1
        ends[i] = end
    assert all(len(e[0]) >= 2 and e[0].isascii() and e[0].isupper() for e in entries)
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    first = [next((i for i, e in enumerate(entries) if e[0][:2] >= a + b), len(entries))
             for a in letters for b in letters] + [len(entries)]
    def column(ctype: str, name: str, values: Iterable[object]) -> str:
        return f"static const {ctype} {name}[] UNUSED = {{{', '.join(map(str, values))}}};"
    return "\n".join([
        f"#define PINYIN_COUNT {len(entries)}", f"#define PINYIN_KIND {r.PINYIN_KIND}",
        column("int", "ENGLISH_DIGITS", r.ENGLISH_DIGITS),
        f"#define ENGLISH_ROAD_LETTERS {r.ENGLISH_ROAD_LETTERS}",
        column("u32 *const", "PINYIN_WORD", (f"(const u32 *){_chars(e[0])}" for e in entries)),
        column("u32 *const", "PINYIN_NAME", (f"(const u32 *){_chars(e[1])}" for e in entries)),
        column("signed char", "PINYIN_LEVEL", (e[2] for e in entries)),
        column("char *const", "PINYIN_CODE", (f'"{e[3]}"' for e in entries)),
        column("unsigned char", "PINYIN_ALONE", (int(e[4]) for e in entries)),
        column("int", "PINYIN_GROUP_END", ends),
        column("int", "PINYIN_FIRST", first)])


def _set(name: str, chars: str) -> str:
    return f"static const u32 {name}[] UNUSED = {_chars(chars)};"


def _char(name: str, ch: str) -> str:
    assert len(ch) == 1, f"{name} must be one character, not {ch!r}"
    return f"#define {name} 0x{ord(ch):x}u  /* {ch} */"


def _counts(r: types.ModuleType) -> str:
    lines = [f"#define {name} {getattr(r, name)}" for name in COUNTS]
    for name in RANGES:
        low, high = getattr(r, name)
        lines += [f"#define {name}_MIN {low}", f"#define {name}_MAX {high}"]
    return "\n".join(lines)


def _marks(lists: dict[str, list[str]], sets: dict[str, str]) -> str:
    """A designated initializer of the 64-bit words of a bitmap over the BMP: a bit for each
    character a word of `lists` starts with or one of `sets` holds."""
    words: dict[int, int] = {}
    marks = {w[0] for ws in lists.values() for w in ws} | {c for cs in sets.values() for c in cs}
    for c in map(ord, marks):
        assert c < 0x10000, "the marks are in the BMP"
        words[c >> 6] = words.get(c >> 6, 0) | 1 << (c & 63)
    return ", ".join(f"[{i}] = 0x{bits:x}ull" for i, bits in sorted(words.items()))


def _blooms(lists: dict[str, list[str]], sets: dict[str, str]) -> str:
    """NAME_BLOOM of each list and set: a bit for the low six bits of each character a word of
    the list starts with or the set holds (csrc/core.h in_bloom)."""
    def bloom(chars: Iterable[str]) -> str:
        return f"0x{sum({1 << (ord(c) & 63) for c in chars}):x}ull"

    return "\n".join([f"#define {name}_BLOOM {bloom(w[0] for w in ws)}" for name, ws in lists.items()]
                     + [f"#define {name}_BLOOM {bloom(cs)}" for name, cs in sets.items()])


def _enum(prefix: str, names: Iterable[str]) -> str:
    return "enum { " + ", ".join(f"{prefix}{n.upper()}" for n in names) + " };"


def header(r: types.ModuleType = default_rules) -> str:
    """The text of rules_gen.h for the rules module `r` (default address_registry.rules)."""
    numerals = "\n".join(f"        case 0x{ord(c):x}u: return {v};  /* {c} */"
                         for c, v in r.NUMERALS.items())
    codes = "\n".join(f"#define CODE_{level.upper()} {width}"
                      for level, width in r.DIVISION_CODE.items())
    confidences = {name: getattr(r, name) for name in (
        "DIVISION_EXACT", "DIVISION_INEXACT", "SCOPE_DISAGREES", "DOOR_BUILDING", "DOOR_ESTATE",
        "DOOR_ESTATE_NAMED", "DOOR_AGREES", "SAME_ROOM", "DERIVED", "FUZZY")}
    fuzzy = {"ACCEPT": r.ACCEPT_FUZZY, "REVIEW_FLOOR": r.REVIEW_FLOOR, "CLEAR_LEAD": r.CLEAR_LEAD}
    columns = "\n".join(f"    {_C_TYPES[c.kind]} *{c.name};  /* {c.width} a row */"
                        for c in r.ROW_COLUMNS)
    spans = ", ".join(f"(p).level[{f.upper()}]" if f in r.DIVISION_CODE else f"(p).{f}"
                      for f in r.PARSE_FIELDS)
    tables = " ".join([f"X({t}, {t})" for t in r.REGISTRY_TABLES] +
                      [f"X({m}, {m}.t)" for m in r.REGISTRY_MULTIMAPS])
    arrays = " ".join([f"X({m}.{part})" for m in r.REGISTRY_MULTIMAPS
                       for part in ("list_off", "items")] + [f"X({a})" for a in r.REGISTRY_ARRAYS])
    scalars = " ".join(f"X({s})" for s in r.REGISTRY_SCALARS)
    assert len(r.HOWS) <= r.HOW_SLOTS, "HOW_SLOTS must hold every how"
    lists = {**{name: list(getattr(r, name)) for name in WORD_LISTS},
             "UNIT_MARK": [r.UNIT], "FLOOR_MARKS": list(r.FLOOR_MARKS), "GENERIC": [r.GENERIC]}
    sets = {**{name: getattr(r, name) for name in CHAR_SETS},
            # the characters a building or room synonym, a road end and a zone word start with
            "SYNONYM_STARTS": "".join(dict.fromkeys(w[0] for w in (*r.BUILDING_SYNONYMS,
                                                                   *r.ROOM_SYNONYMS))),
            "ROAD_END_STARTS": "".join(dict.fromkeys(w[0] for w in r.ROAD_END)),
            "ZONE_STARTS": "".join(dict.fromkeys(w[0] for w in r.ZONE_WORDS)),
            "PHASE_NUMERALS": r.PHASE_NUMERALS + "0123456789"}
    return f"""\
/* Generated from address_registry/rules.py by address_registry/rules_c.py: do not edit.
 * The rules the C matcher shares with the Python reference (see rules.py for what each means). */
#ifndef ADDRESS_RULES_GEN_H
#define ADDRESS_RULES_GEN_H

#include <stdint.h>

typedef uint32_t u32;
#define UNUSED __attribute__((unused))

/* ---- text ---- */
#define MAX_CHARS {r.MAX_CHARS}
#define MAX_INPUT {r.MAX_INPUT}
#define SEP 0x{ord(r.SEPARATOR):x}u
#define CH_DELETE 0x{r.CHAR_DELETE:x}u
#define CH_DEFER 0x{r.CHAR_DEFER:x}u
#define INDEX_KEY_BASE 0x{r.INDEX_KEY_BASE:x}u

/* ---- normalization ---- */
/* A numeral's value (十 10, 百 100, 千 1000), or -1. */
static inline int numeral(u32 c) {{
    switch (c) {{
{numerals}
        default: return -1;
    }}
}}
/* ---- word lists, character sets and characters ---- */
{chr(10).join(_words(name, words) for name, words in lists.items())}
{chr(10).join(_set(name, chars) for name, chars in sets.items())}
{chr(10).join(_char(name, getattr(r, name)) for name in CHARS)}
{_counts(r)}
/* provinces, cities and districts in pinyin (rules.PINYIN_ENTRIES) */
{_pinyin(r)}
/* the characters a word of a list starts with or a set holds, a bit each (core.h is_mark) */
#define MARK_BITS {{{_marks(lists, sets)}}}
{_blooms(lists, sets)}

/* ---- parsing ---- */
#define MIN_BARE_COMMUNITY {r.MIN_BARE_COMMUNITY}
#define MAX_DIVISION_HITS {r.MAX_DIVISION_HITS}
#define LEAD_MAX {r.LEAD_MAX}
#define LEAD_DISTRICT_MIN {r.LEAD_DISTRICT_MIN}
#define LABEL_MAX {r.LABEL_MAX}
#define MIN_CITY_TYPO_NAME {r.MIN_CITY_TYPO_NAME}
#define MIN_COMMUNITY_TYPO_STEM {r.MIN_COMMUNITY_TYPO_STEM}
#define TWICE_MAX {r.TWICE_MAX}
#define CJK_FIRST {r.CJK_FIRST}
#define CJK_LAST {r.CJK_LAST}
#define READING_SLOTS {r.READING_SLOTS}
#define ZONE_STEM {r.ZONE_STEM}
/* the division levels, shallowest first (a hit's rank) */
{_enum("", r.DIVISION_CODE)}
/* a parse's spans in ParsedAddress's field order */
#define PARSE_FIELD_COUNT {len(r.PARSE_FIELDS)}
#define PARSE_SPANS(p) {{{spans}}}

/* ---- matching ---- */
{_enum("L_", r.LEVEL_ORDER)}
{_enum("HOW_", r.HOWS)}
#define HOW_SLOTS {r.HOW_SLOTS}
static const double HOW_CONF[HOW_SLOTS] UNUSED = {{{", ".join(map(repr, r.NAME_CONFIDENCE.values()))}}};
{chr(10).join(f"#define CONF_{k} {v!r}" for k, v in confidences.items())}
/* what a fuzzy estate name's similarity must reach: to be taken, to be worth a review; and its
 * lead over the runner-up to be taken */
{chr(10).join(f"#define FUZZY_{k} {v!r}" for k, v in fuzzy.items())}

/* ---- codes ---- */
{codes}
#define CODE_MAX CODE_COMMUNITY
#define CODE_ESTATE {r.ESTATE_CODE}
#define CODE_BUILDING {r.BUILDING_CODE}
#define CODE_UNIT {r.UNIT_CODE}
#define CODE_ROOM {r.ROOM_CODE}
#define CODE_HOUSE {r.HOUSE_CODE}

/* ---- the interface with native.py ---- */
/* What C did with a row (rules.ROW_STATUS). */
{_enum("ROW_", r.ROW_STATUS)}
/* The per-row output columns (native.py's _Columns), in rules.ROW_COLUMNS order. */
typedef struct {{
{columns}
}} columns;
/* The registry's members by the names Python copies them in under: X(name, member) for the
 * tables, X(member) for the arrays and the int32 scalars. */
#define REGISTRY_TABLES(X) {tables}
#define REGISTRY_ARRAYS(X) {arrays}
#define REGISTRY_SCALARS(X) {scalars}

#endif
"""
