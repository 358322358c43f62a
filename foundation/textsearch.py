"""Chinese search over short documents (a dataset's title, columns, description ...): word
segmentation with jieba, a synonym table (`synonyms.txt`: 老人 finds 老年人, 车位 finds 泊位),
traditional characters folded to simplified. Latin words match whole words or their beginning,
never letter pairs, so pinyin such as `tingche` does not match by accident. Every hit says why it
scored what it scored. It holds no state beyond the loaded dictionary and synonym table."""

from __future__ import annotations

import functools
import logging
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SYNONYMS = Path(__file__).with_name("synonyms.txt")
# How much a kind of match is worth, before the field's weight.
EXACT, SYNONYM = 1.0, 0.9
PARTS = 0.8  # times the share of a long term's words that match
PARTS_SHARE = 0.5  # a long term needs at least this share of its words to match
LATIN_PREFIX = 3  # a Latin term this long may match the beginning of a word (park -> parking)
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[a-z0-9]+")
HOW_ZH = {"exact": "原词", "synonym": "同义词", "parts": "分词", "word": "英文词"}
# The fields of a dataset description and their weight: a title hit outranks a column title or
# the description. The catalog and the portal both search these.
DATASET_WEIGHTS = {"title": 10.0, "id": 6.0, "tags": 5.0, "category": 5.0, "columns": 3.0,
                   "provider": 2.0, "summary": 1.0}
DATASET_FIELDS_ZH = {"title": "标题", "id": "代码", "tags": "标签", "category": "类别",
                     "columns": "信息项", "provider": "提供方", "summary": "摘要"}


def dataset_fields(id: str, title: str, tags: Sequence[str], category: str,
                   columns: Sequence[tuple[str, str]], provider: str, summary: str) -> dict[str, str]:
    """The searchable text of a dataset description, by field (columns as (name, title) pairs)."""
    return {"title": title, "id": id.replace("_", " "), "tags": " ".join(tags), "category": category,
            "columns": " ".join(f"{name} {t}" for name, t in columns), "provider": provider,
            "summary": summary}


@functools.cache
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def fold(text: str) -> str:
    """Lower-case, simplified-Chinese, whitespace-collapsed form of `text` for matching."""
    return re.sub(r"\s+", " ", _t2s().convert(text)).strip().lower()


@functools.cache
def synonym_groups() -> dict[str, frozenset[str]]:
    """Each word of the synonym table, folded, mapped to its whole group."""
    groups: dict[str, frozenset[str]] = {}
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        words = fold(line).split()
        if not words or words[0].startswith("#"):
            continue
        group = frozenset(words)
        for w in words:
            groups[w] = groups.get(w, frozenset()) | group
    return groups


@functools.cache
def _tokenizer() -> Any:
    # jieba imports pkg_resources, which warns on import; its dictionary loads once per process
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in synonym_groups():
        tokenizer.add_word(word)
    return tokenizer


def words(term: str) -> list[str]:
    """The words of one folded Chinese term (precise mode, no guessing of unknown words)."""
    return [w for w in _tokenizer().lcut(term, HMM=False) if w.strip()]


def terms(query: str) -> list[str]:
    """The query split on spaces and punctuation, folded; empty terms dropped."""
    return [t for t in re.split(r"[\s,，、;；/。.:：()（）]+", fold(query)) if t]


@dataclass(frozen=True)
class Match:
    """Why one query term matched one field: the kind of match, what was found, the points."""

    term: str
    field: str
    how: str  # exact | synonym | parts | word
    found: tuple[str, ...]
    points: float

    def explain(self, field_names: Mapping[str, str]) -> str:
        """The match in Chinese: 老人→老年人（同义词，标题）+9.0."""
        found = "、".join(self.found)
        shown = self.term if found == self.term else f"{self.term}→{found}"
        return f"{shown}（{HOW_ZH[self.how]}，{field_names.get(self.field, self.field)}）+{self.points:g}"


def explain(matches: Sequence[Match], field_names: Mapping[str, str] = DATASET_FIELDS_ZH) -> str:
    """Why a document scored what it scored, one part per term: 老人→老年人（同义词，标题）+9；..."""
    return "；".join(m.explain(field_names) for m in matches)


def _word_in(word: str, text: str) -> tuple[str, str] | None:
    """(how, the word found) when `word` or one of its synonyms occurs in `text`."""
    if word in text:
        return "exact", word
    for other in sorted(synonym_groups().get(word, frozenset()) - {word}, key=lambda w: (-len(w), w)):
        if other in text:
            return "synonym", other
    return None


def term_match(term: str, text: str) -> tuple[str, tuple[str, ...], float] | None:
    """How one folded term matches one folded text: (how, found, value 0..1) or None."""
    if not CJK.search(term):
        latin = LATIN_WORD.findall(text)
        if term in latin:
            return "word", (term,), EXACT
        longer = [w for w in latin if len(term) >= LATIN_PREFIX and w.startswith(term)]
        return ("word", (longer[0],), SYNONYM) if longer else None
    whole = _word_in(term, text)
    if whole:
        return whole[0], (whole[1],), EXACT if whole[0] == "exact" else SYNONYM
    parts = [w for w in words(term) if len(w) > 1 or not CJK.search(w)]
    if len(parts) < 2:
        return None
    found = [f[1] for f in (_word_in(w, text) for w in parts) if f]
    share = len(found) / len(parts)
    return ("parts", tuple(found), round(PARTS * share, 3)) if share >= PARTS_SHARE else None


@dataclass(frozen=True)
class Scored:
    """A document that matched every term, with its score and one Match per term."""

    key: str
    score: float
    matches: tuple[Match, ...]


def score(key: str, fields: Mapping[str, str], weights: Mapping[str, float],
          query_terms: Sequence[str]) -> Scored | None:
    """The document `fields` scored against every term (each term counts its best field), or
    None when a term matches no field."""
    folded = {name: fold(text) for name, text in fields.items()}
    matches = []
    for term in query_terms:
        best: Match | None = None
        for name, text in folded.items():
            m = term_match(term, text)
            if m is None:
                continue
            points = round(m[2] * weights[name], 2)
            if best is None or points > best.points:
                best = Match(term, name, m[0], m[1], points)
        if best is None:
            return None
        matches.append(best)
    return Scored(key, round(sum(m.points for m in matches), 2), tuple(matches))


def rank(documents: Mapping[str, Mapping[str, str]], weights: Mapping[str, float],
         query: str) -> list[Scored]:
    """Documents (key -> fields) matching every term of `query`, best first, ties by key."""
    wanted = terms(query)
    if not wanted:
        return []
    hits = [s for key, fields in documents.items() if (s := score(key, fields, weights, wanted))]
    return sorted(hits, key=lambda s: (-s.score, s.key))
