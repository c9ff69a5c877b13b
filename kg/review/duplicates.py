"""Candidate duplicates for the merge list: two entities of one type that may be one thing.

Three signs, strongest first (the list is ranked by them, then by how many reports name the two):

- one name contains the other (`党建责任体系` in `抓党建责任体系`), the shorter at least 3
  characters and half the longer;
- a small edit distance (1; 2 for names of 8 characters or more), unless the names differ only in
  their numbers (`“三个一”工作法` and `“四个一”工作法` are two things) or in the county they name
  (`韩城组工讲堂` and `鲤城组工讲堂`: one kind of programme in two counties); places are proper
  names, so two places a character apart are two places, and edit distance is not asked of them;
- the same head word (the lexicon's `initiative_head` and `group_head` terms: `第一书记`, `工程`)
  within one county, the words before it (county names aside) sharing at least half their
  characters (`农村第一书记`, `驻村第一书记`), where that county has at most `MAX_HEAD_GROUP` names of that type and head
  (more is a county's many programmes under one common word, not a duplicate).

Pairs are found through indexes (substrings, one-character deletions, heads by county), never by
comparing every name with every other: a 10,000-report build has about 16,000 initiative names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations
from typing import Callable

MIN_CONTAINED = 3
MAX_HEAD_GROUP = 6
NO_EDIT_DISTANCE = frozenset({"Place"})
_NUMERAL = re.compile(r"[0-9〇零一二三四五六七八九十百千万两]+")


@dataclass(frozen=True)
class Entity:
    iri: str
    type: str
    label: str
    reports: int = 0
    counties: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    type: str
    a: Entity  # the one named in more reports: the default to keep
    b: Entity
    reasons: tuple[str, ...]
    score: int


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of a and b, or limit + 1 once it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _only_numbers_differ(a: str, b: str) -> bool:
    return _NUMERAL.sub("#", a) == _NUMERAL.sub("#", b) and _NUMERAL.findall(a) != _NUMERAL.findall(b)


def county_masker(names) -> Callable[[str], str]:
    """A function that writes every county name or short form in a label as "#" (longest first)."""
    names = frozenset(n for n in names if len(n) >= 2)
    sizes = sorted({len(n) for n in names}, reverse=True)

    def mask(label: str) -> str:
        out, i = [], 0
        while i < len(label):
            for size in sizes:
                if label[i:i + size] in names:
                    out.append("#")
                    i += size
                    break
            else:
                out.append(label[i])
                i += 1
        return "".join(out)

    return mask


def _alike(a: str, b: str) -> bool:
    """Whether the words before a shared head have characters in common, at least half of the
    shorter's (`农村`/`驻村` yes; `县级领导联系服务专家`/`乡镇干部周转房` no)."""
    small = min(len(set(a)), len(set(b)))
    return small > 0 and 2 * len(set(a) & set(b)) >= small


def head_of(label: str, heads: list[str]) -> str | None:
    """The longest head word the name ends with (heads sorted longest first), if any."""
    for h in heads:
        if len(label) > len(h) and label.endswith(h):
            return h
    return None


def candidates(entities: list[Entity], heads: dict[str, list[str]] | None = None,
               mask: Callable[[str], str] | None = None) -> list[Candidate]:
    """Ranked candidate duplicates among `entities` (pairs of one type), with the reasons for each.
    `heads`: head words by type; `mask`: labels with their county names masked (`county_masker`)."""
    heads = {t: sorted(set(h), key=len, reverse=True) for t, h in (heads or {}).items()}
    reasons: dict[tuple[str, str], dict[str, int]] = {}  # (iri, iri) -> reason -> weight
    by_type: dict[str, list[Entity]] = {}
    for e in entities:
        by_type.setdefault(e.type, []).append(e)

    def note(x: Entity, y: Entity, why: str, weight: int):
        if x.iri == y.iri or x.label == y.label:
            return
        key = (x.iri, y.iri) if x.iri < y.iri else (y.iri, x.iri)
        reasons.setdefault(key, {})[why] = weight

    def bare(words: str) -> str:  # the words before a head, without the county names in them
        return mask(words).replace("#", "") if mask is not None else words

    index: dict[str, Entity] = {}
    for typ, ents in by_type.items():
        by_label: dict[str, list[Entity]] = {}
        for e in ents:
            by_label.setdefault(e.label, []).append(e)
        # one name inside the other
        for e in ents:
            n = len(e.label)
            for size in range(max(MIN_CONTAINED, (n + 1) // 2), n):
                for i in range(n - size + 1):
                    for other in by_label.get(e.label[i:i + size], ()):
                        note(e, other, "one name contains the other", 3)
        # edit distance: names that share a one-character deletion (or are one)
        deletions: dict[str, list[Entity]] = {}
        for e in ents:
            if len(e.label) < MIN_CONTAINED or typ in NO_EDIT_DISTANCE:
                continue
            keys = {e.label} | {e.label[:i] + e.label[i + 1:] for i in range(len(e.label))}
            for k in keys:
                deletions.setdefault(k, []).append(e)
        for group in deletions.values():
            if len(group) < 2 or len(group) > 50:
                continue
            for x, y in combinations(group, 2):
                limit = 2 if min(len(x.label), len(y.label)) >= 8 else 1
                d = edit_distance(x.label, y.label, limit)
                if d <= limit and not _only_numbers_differ(x.label, y.label) and not (
                        mask is not None and mask(x.label) == mask(y.label)):
                    note(x, y, f"edit distance {d}", 2)
        # the same head word within one county, the words before it alike
        type_heads = heads.get(typ)
        if type_heads:
            by_head: dict[tuple[str, str], list[Entity]] = {}
            for e in ents:
                h = head_of(e.label, type_heads)
                if h:
                    for county in e.counties:
                        by_head.setdefault((county, h), []).append(e)
            shared: dict[tuple[Entity, Entity, str], list[str]] = {}
            for (county, h), group in sorted(by_head.items()):
                if 2 <= len(group) <= MAX_HEAD_GROUP:
                    for x, y in combinations(group, 2):
                        if _alike(bare(x.label[:-len(h)]), bare(y.label[:-len(h)])):
                            shared.setdefault((x, y, h), []).append(county)
            for (x, y, h), counties in shared.items():
                more = f" and {len(counties) - 1} more" if len(counties) > 1 else ""
                note(x, y, f"same head word {h} in {counties[0]}{more}", 1)
        for e in ents:
            index[e.iri] = e
    out = []
    for (i, j), why in reasons.items():
        x, y = index[i], index[j]
        a, b = (x, y) if (x.reports, y.label) >= (y.reports, x.label) else (y, x)
        out.append(Candidate(a.type, a, b, tuple(sorted(why, key=lambda w: (-why[w], w))), max(why.values())))
    out.sort(key=lambda c: (-c.score, -(c.a.reports + c.b.reports), c.type, c.a.label, c.b.label))
    return out
