"""Text normalization for addresses: width, traditional characters, numerals next to unit markers
and marker synonyms. Pure string -> string; it knows nothing about divisions or the registry.

Chinese numerals become digits only when they sit right before a unit marker (幢/栋/号楼/座/单元/
层/楼/室/号/组), so names such as 三墩镇, 九堡, 五常 and 七堡 are never touched. The numerals,
markers and synonyms are `rules.py`'s, shared with the C normalizer.

A batch is normalized as one string (the texts joined by newlines, which normalization would
delete anyway): each step is then one C-level call for the whole batch instead of one per text."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from address_registry import rules

_OPENCC_TS = Path(str(__import__("opencc").__file__)).parent / "dictionary" / "TSCharacters.txt"

_DIGITS = {c: v for c, v in rules.NUMERALS.items() if v < 10}
_UNITS = {c: v for c, v in rules.NUMERALS.items() if v >= 10}
_NUMERAL = "".join(rules.NUMERALS)
# A numeral run directly before a marker. Names never end in such a run (三墩镇, 九堡, 五常, 七堡:
# the numeral is followed by a name character, not a marker), so they stay untouched.
# (Patterns start with a character class, not a look-behind or an optional 第, so the regex engine
# can skip ahead to candidates: twice as fast over a batch.) A lone 第 before a marker is kept.
_NUMERAL_BEFORE_MARKER = re.compile(
    rf"[{rules.ORDINAL}{_NUMERAL}][{_NUMERAL}]*(?={'|'.join(rules.NUMERAL_MARKERS)})")
_HAS_NUMERAL = re.compile(rf"[{_NUMERAL}]")
_BUILDING_SYNONYM = re.compile(rf"([0-9A-Za-z])(?:{'|'.join(rules.BUILDING_SYNONYMS)})")
_SYNONYM_STARTS = tuple(dict.fromkeys(w[0] for w in rules.BUILDING_SYNONYMS))
_ROOM_SYNONYM = re.compile(rf"([0-9])(?:{'|'.join(rules.ROOM_SYNONYMS)})")
_LOW_BELOW, _HIGH_BELOW = rules.ROOM_BELOW_DIGITS
_ROOM_BELOW = re.compile(rf"(?<={rules.ROOM_BELOW_AFTER[0]})([0-9]{{{_LOW_BELOW},{_HIGH_BELOW}}})"
                         rf"{rules.ROOM_BELOW[0][0]}(?={rules.ROOM_BELOW[0][1:]})")
_ROOM_SYNONYM_STARTS = tuple(dict.fromkeys(w[0] for w in rules.ROOM_SYNONYMS))
_HASH_BUILDING = re.compile(rf"([0-9A-Za-z]){re.escape(rules.HASH)}{rules.HASH_FLOOR}?")
_TO_BUILDING = rf"\1{rules.BUILDING}"
AS_DASH = str.maketrans(dict.fromkeys(rules.AS_DASH, rules.DASH))
_SEPARATOR = "\n"  # joins a batch; it is noise, so no normalized text contains it
# Whitespace (as `str.isspace` and regex \s define it) but the separator, then punctuation.
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != _SEPARATOR)
_PUNCTUATION = "\"'“”‘’<>《》【】[]{}()（）|·•*~^_=+!！?？;；:：,，、。."
NOISE = re.compile(f"[{re.escape(_SPACES + _PUNCTUATION)}]+")
_BRACKETS = rules.REMARK_OPEN + rules.REMARK_CLOSE
# what may stand between a remark and the digit or marker before it, or the end after it: noise
# other than the brackets
_GAP = re.escape("".join(c for c in _SPACES + _PUNCTUATION if c not in _BRACKETS))
_REMARK = re.compile(
    rf"(?:([0-9]|{'|'.join(rules.REMARK_AFTER)})[{_GAP}]*)?[{re.escape(rules.REMARK_OPEN)}]"
    rf"[^{re.escape(_BRACKETS)}{_SEPARATOR}]*[{re.escape(rules.REMARK_CLOSE)}]")
_REMARK_ENDS = re.compile(rf"[{_GAP}]*(?:{_SEPARATOR}|$)")
_FORMER_LOW, _FORMER_HIGH = (n - 1 for n in rules.FORMER_CHARS)  # the last one is an end
_FORMER = re.compile(
    rf"{rules.REMARK_FORMER}[\u4e00-\u9fff]{{{_FORMER_LOW},{_FORMER_HIGH}}}[{rules.FORMER_ENDS}]")
_BLANK = re.compile(rf"(?<![A-Z])(?:{'|'.join(rules.BLANK_WORDS)})(?![A-Z])")
_LATIN_RUN = re.compile("[A-Z]+")
_ROOM_WORD, _BUILDING_WORD, _DOOR_WORD, _ROAD_WORD = rules.ENGLISH_WORDS
_ENGLISH = re.compile(
    rf"(?<![A-Z])(?:{_ROOM_WORD}(?P<room>[0-9]{{1,{rules.ENGLISH_DIGITS[0]}}})(?![0-9])"
    rf"|{_BUILDING_WORD}(?P<building>[0-9]{{1,{rules.ENGLISH_DIGITS[1]}}})(?![0-9])"
    rf"|{_DOOR_WORD}(?P<door>[0-9]{{1,{rules.ENGLISH_DIGITS[2]}}})(?![0-9])"
    rf"(?P<road>[A-Z]{{1,{rules.ENGLISH_ROAD_LETTERS}}}?){_ROAD_WORD})")
_LOOSE_DASH = re.compile(rf"(?<![0-9A-Z]){rules.DASH}|{rules.DASH}(?![0-9A-Z])")
_LETTER_JOIN = re.compile(rf"(?<=[A-Z]){rules.LETTER_JOIN}(?=[0-9])")
_LOW, _HIGH = rules.DOOR_ROOM_DIGITS
_DOOR_BUILDING = re.compile(
    rf"(?<![{re.escape(rules.DOOR_AFTER)}0-9])([0-9]{{1,4}}){rules.DOOR}(?=[0-9]{{1,3}}{rules.UNIT}"
    rf"|[0-9]{{1,5}}{rules.ROOM}|[0-9]{{1,{rules.DOOR_FLOOR_DIGITS}}}[{rules.FLOOR_MARKS}]"
    rf"|[0-9]{{{_LOW},{_HIGH}}}(?![^{_SEPARATOR}]))")
_AREA, _NUMBER = rules.LANDLINE_AREA, rules.LANDLINE_NUMBER
_NOT_TOUCHING = rf"[0-9A-Z{rules.DASH}]"
# (each alternative starts with its literal, the look-behind past it: the regex engine then skips
# ahead to candidates instead of testing the look-behind at every position of the batch)
_MOBILE = (
    rf"[{rules.MOBILE_SECOND}][0-9]{{{rules.MOBILE_HEAD - 2}}}"
    rf"(?:[0-9]{{{rules.MOBILE_DIGITS - rules.MOBILE_HEAD}}}"
    rf"|{rules.DASH}[0-9]{{{rules.MOBILE_GROUP}}}{rules.DASH}[0-9]{{{rules.MOBILE_GROUP}}}"
    rf"|[0-9]{{{rules.MOBILE_MASKED - rules.MOBILE_HEAD}}})(?!{_NOT_TOUCHING})")
_PHONE_TEXT = (
    rf"{rules.MOBILE_LEAD}(?<!{_NOT_TOUCHING}{rules.MOBILE_LEAD}){_MOBILE}"
    + "".join(rf"|{c[0]}(?<!{_NOT_TOUCHING}{c[0]}){c[1:]}{rules.DASH}?{rules.MOBILE_LEAD}{_MOBILE}"
              for c in rules.COUNTRY_CODES)
    + rf"|{rules.LANDLINE_LEAD}(?<!{_NOT_TOUCHING}{rules.LANDLINE_LEAD})"
    rf"[0-9]{{{_AREA[0] - 1},{_AREA[1] - 1}}}{rules.DASH}[0-9]{{{_NUMBER[0]},{_NUMBER[1]}}}"
    rf"(?!{_NOT_TOUCHING})")
_PHONE = re.compile(_PHONE_TEXT)
# N号 ending the text; building N when an estate's word ends right before it (_home_door_sub:
# a look-behind of the words here would be tried at every position of the batch)
_HOME_DOOR = re.compile(rf"([0-9]{{1,4}}){rules.DOOR}(?![^{_SEPARATOR}])")
_NAME_CHAR = rf"(?:(?![{rules.RECIPIENT_AFTER}])[\u4e00-\u9fff])"  # a name's, not a marker
# (the character before the recipient is matched, and kept by the substitution, rather than
# looked behind at: the regex engine then skips ahead to candidates)
_RECIPIENT = re.compile(
    rf"([0-9A-Z{rules.RECIPIENT_AFTER}])(?:{rules.FORWARD}{_NAME_CHAR}{{{rules.FORWARD_CHARS[0]},"
    rf"{rules.FORWARD_CHARS[1]}}}|{_NAME_CHAR}{{{rules.RECIPIENT_CHARS[0]},"
    rf"{rules.RECIPIENT_CHARS[1]}}}(?:{'|'.join(rules.RECIPIENT_ENDS)}))(?![^{_SEPARATOR}])")
# a name and a telephone number ending the text (1606室徐静13098566234), the character before kept
_NAMED_PHONE = re.compile(
    rf"([0-9A-Z{rules.RECIPIENT_AFTER}]){_NAME_CHAR}{{{rules.NAMED_PHONE_CHARS[0]},"
    rf"{rules.NAMED_PHONE_CHARS[1]}}}(?:{_PHONE_TEXT})(?![^{_SEPARATOR}])")
_DIGIT_NUMERALS = "".join(c for c, v in rules.NUMERALS.items() if v < 10)
# a numeral room ending the text; digits when one of ROOM_NUMERAL_AFTER ends right before it and
# a zero is among them (_room_numeral_sub)
_ROOM_NUMERAL = re.compile(
    rf"[{_DIGIT_NUMERALS}]{{{rules.ROOM_NUMERAL_DIGITS[0]},{rules.ROOM_NUMERAL_DIGITS[1]}}}"
    rf"(?![^{_SEPARATOR}])")


@functools.cache
def _traditional_table() -> dict[int, str]:
    """Character table traditional -> simplified from OpenCC's TSCharacters (first reading).

    Characters whose own form is among their readings (乾, 著, ...) are left alone: they are also
    valid simplified characters, and converting them would corrupt names."""
    table: dict[int, str] = {}
    for line in _OPENCC_TS.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        readings = targets.split()
        if len(source) == 1 and readings and source not in readings and len(readings[0]) == 1:
            table[ord(source)] = readings[0]
    return table


@functools.cache
def traditional_list() -> list[int]:
    """`_traditional_table` and LOOKALIKES indexed by code point: `str.translate` reads a list
    twice as fast as a dict (code points past its end are left alone)."""
    table = _traditional_table() | {ord(c): v for c, v in rules.LOOKALIKES.items()}
    out = list(range(max(table) + 1))
    for point, simple in table.items():
        out[point] = ord(simple)
    return out


# NFKC leaves ASCII and the CJK unified ideographs as they are, and neither composes with what
# precedes it, so only runs of other characters (with the character before them) need it.
_NOT_NFKC_STABLE = re.compile(r".?[^\x00-\x7f\u4e00-\u9fff]+", re.DOTALL)


def _nfkc(s: str) -> str:
    return _NOT_NFKC_STABLE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), s)


@functools.cache
def _ambiguous_readings() -> dict[str, str]:
    """Simplified characters whose traditional form normalization keeps as is (干 -> 乾: 乾 is also
    a simplified character, so it cannot be converted back without context)."""
    table = _traditional_table()
    out: dict[str, str] = {}
    for line in (_OPENCC_TS.parent / "STCharacters.txt").read_text(encoding="utf-8").splitlines():
        simple, _, targets = line.partition("\t")
        for reading in targets.split():
            if len(simple) == 1 and len(reading) == 1 and reading != simple \
                    and ord(reading) not in table:
                out.setdefault(simple, reading)
    return out


@functools.cache
def _ambiguous_characters() -> frozenset[str]:
    return frozenset(_ambiguous_readings())


def traditional_spellings(name: str) -> set[str]:
    """How `name` reads after a traditional rendering and our normalization when it holds an
    ambiguous character (江干区 -> 江乾区); index these so such input still finds the name."""
    ambiguous = _ambiguous_readings()
    if _ambiguous_characters().isdisjoint(name):
        return set()
    return {"".join(ambiguous.get(ch, ch) for ch in name)}


def chinese_numeral_to_int(text: str) -> int:
    """Convert 三 / 十二 / 二十三 / 一百零五 / 一千零九十八 / 一二〇三 (digit by digit) to an int."""
    if not any(unit in text for unit in _UNITS):
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current = 0, 0
    for ch in text:
        if ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            current = _DIGITS[ch]
    return total + current


def _numeral_sub(m: re.Match[str]) -> str:
    numeral = m.group().lstrip(rules.ORDINAL)
    return str(chinese_numeral_to_int(numeral)) if numeral else m.group()


def _room_numeral_sub(m: re.Match[str]) -> str:
    """单元六〇三 -> 单元603; a run without a zero (三一二) or after no marker stays: it may be a
    name."""
    text = m.group()
    if m.string.endswith(rules.ROOM_NUMERAL_AFTER, 0, m.start()) and any(
            z in text for z in rules.ZERO_NUMERALS):
        return str(chinese_numeral_to_int(text))
    return text


def _pinyin_words() -> dict[str, list[tuple[str, int, int]]]:
    """The words of PINYIN_ENTRIES by their first two letters, longest first: (word, first
    entry, end)."""
    by_start: dict[str, list[tuple[str, int, int]]] = {}
    entries = rules.PINYIN_ENTRIES
    for i, e in enumerate(entries):
        if i == 0 or entries[i - 1][0] != e[0]:
            by_start.setdefault(e[0][:2], []).append((e[0], i, i + 1))
        else:
            word, lo, _ = by_start[e[0][:2]][-1]
            by_start[e[0][:2]][-1] = (word, lo, i + 1)
    return by_start


_PINYIN_WORDS = _pinyin_words()


def _pinyin_sub(m: re.Match[str]) -> str:
    """ZHEJIANGHANGZHOU -> 浙江杭州, NINGBOCITY -> 宁波市, HANGZHOUBINJIANG -> 杭州滨江,
    XIHUDISTRICTHANGZHOU -> 杭州西湖区: a run made of the words of PINYIN_ENTRIES alone (the longest
    first at each place) that names a place, each name a word read alone or one a province or city
    in the run holds or a kind word follows, and only one name fitting it, becomes the names,
    largest first; any other run stays."""
    run, tokens, i = m.group(), [], 0
    entries = rules.PINYIN_ENTRIES
    while i < len(run):
        word = next((w for w in _PINYIN_WORDS.get(run[i : i + 2], ()) if run.startswith(w[0], i)),
                    None)
        if word is None:
            return run
        tokens.append(entries[word[1] : word[2]])
        i += len(word[0])
    held = [{e[3] for e in t if e[2] <= 1} for t in tokens]  # the provinces and cities of each
    units: list[tuple[int, str]] = []
    for k, token in enumerate(tokens):
        if token[0][2] == rules.PINYIN_KIND:
            units[-1:] = [(units[-1][0], units[-1][1] + token[0][1])] if units else [(-1, token[0][1])]
            continue
        pick = [e for e in token if e[4]]
        if not pick:  # a province or city of another word of the run holds it
            parents = set().union(*(h for j, h in enumerate(held) if j != k))
            pick = [e for e in token if (len(e[3]) > 2 and e[3][:2] in parents)
                    or (e[2] == 2 and e[3][:4] in parents)]
            if not pick and not (k + 1 < len(tokens) and tokens[k + 1][0][2] == rules.PINYIN_KIND):
                return run
            pick = pick or list(token)
        if len({e[1] for e in pick}) > 1:
            return run
        units.append((min(e[2] for e in pick), pick[0][1]))
    if not any(level >= 0 for level, _ in units):
        return run
    return "".join(text for _, text in sorted(units, key=lambda u: u[0]))


def _english(text: str) -> str:
    """ROOM1203BUILDING5文新街道HANGZHOU -> 文新街道杭州5幢1203室, NO8WENERROADXIHUDISTRICT... ->
    ...西湖区WENER路8号: an English address's room, building and door on a road read and moved after
    the rest, whose pinyin is read first (rules.ENGLISH_WORDS)."""
    pieces: tuple[list[str], list[str], list[str]] = ([], [], [])

    def take(m: re.Match[str]) -> str:
        if m.group("room") is not None:
            pieces[2].append(m.group("room") + rules.ROOM)
        elif m.group("building") is not None:
            pieces[1].append(m.group("building") + rules.BUILDING)
        else:
            pieces[0].append(m.group("road") + rules.ENGLISH_ROAD + m.group("door") + rules.DOOR)
        return ""

    rest = _ENGLISH.sub(take, text)
    if not any(pieces):
        return text
    return _LATIN_RUN.sub(_pinyin_sub, rest) + "".join(w for p in pieces for w in p)


def _remark_sub(m: re.Match[str]) -> str:
    """1103室(近商城北路口) -> 1103室; a bracket ending the text goes with its text; any other
    stays for NOISE, which takes the brackets alone (嵊州市（黄泽镇）)."""
    if m.group(1) is not None:
        return m.group(1)
    text = m.group()
    if _FORMER.fullmatch(text, 1, len(text) - 1) and not text.endswith(rules.GENERIC, 0, -1):
        return ""  # (原下城区): what the place was
    return "" if _REMARK_ENDS.match(m.string, m.end()) else m.group()


def _home_door_sub(m: re.Match[str]) -> str:
    """孝顺新村15号 -> 孝顺新村15幢 (an estate's word right before the number, not right after a
    village: 观美村新村114号 keeps door 114)."""
    start = m.start()
    if any(m.string.endswith(w, 0, start)
           and not m.string.endswith(rules.VILLAGE_ENDS, 0, start - len(w))
           for w in rules.HOME_WORDS):
        return m.group(1) + rules.BUILDING
    return m.group()


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), traditional -> simplified, punctuation and spaces removed,
    Latin letters upper-cased, provinces and cities in pinyin as their names, placeholder words
    (null), separating dashes, telephone numbers and a trailing recipient (王女士收) removed,
    numerals before markers (and a numeral room ending the text) to digits, 栋/号楼/座 and a
    building's N号 (before a unit or room, or ending the text after an estate's word) -> 幢,
    房/房间 after a digit -> 室."""
    return normalize_many([text])[0]


def normalize_many(texts: list[str]) -> list[str]:
    """`normalize` of each text, computed for the whole batch at once."""
    s = _SEPARATOR.join(texts)
    if s.count(_SEPARATOR) != len(texts) - 1:  # a text holds the separator: it is noise there
        s = _SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts)
    s = _nfkc(s).translate(traditional_list())
    if any(c in s for c in rules.AS_DASH):
        s = s.translate(AS_DASH)
    if any(c in s for c in rules.REMARK_OPEN):
        s = _REMARK.sub(_remark_sub, s)
    # spaces and punctuation go first: "十 五号" must read as 十五号
    s = NOISE.sub("", s).upper()
    s = _BLANK.sub("", s)
    if any(w in s for w in (_ROOM_WORD, _BUILDING_WORD, _ROAD_WORD)):
        s = _SEPARATOR.join(map(_english, s.split(_SEPARATOR)))
    s = _LATIN_RUN.sub(_pinyin_sub, s)
    if rules.DASH in s:
        s = _LOOSE_DASH.sub("", s)
    if rules.LETTER_JOIN in s:
        s = _LETTER_JOIN.sub("", s)
    s = _RECIPIENT.sub(r"\1", _PHONE.sub("", _NAMED_PHONE.sub(r"\1", s)))
    if rules.HASH in s:
        s = _HASH_BUILDING.sub(_TO_BUILDING, s).replace(rules.HASH, "")
    if _HAS_NUMERAL.search(s):
        s = _NUMERAL_BEFORE_MARKER.sub(_numeral_sub, s)
        s = _ROOM_NUMERAL.sub(_room_numeral_sub, s)
    if any(c in s for c in _SYNONYM_STARTS):
        if rules.ROOM_BELOW[0] in s:  # 5单元2701号楼下: room 2701
            s = _ROOM_BELOW.sub(rf"\1{rules.ROOM}", s)
        s = _BUILDING_SYNONYM.sub(_TO_BUILDING, s)
    if any(c in s for c in _ROOM_SYNONYM_STARTS):
        s = _ROOM_SYNONYM.sub(rf"\1{rules.ROOM}", s)
    if rules.DOOR in s:
        s = _HOME_DOOR.sub(_home_door_sub, _DOOR_BUILDING.sub(_TO_BUILDING, s))
    return s.split(_SEPARATOR) if texts else []
