"""Where each extracted entity stands in the report as the user has it, for the report page.

The evidence of an entity gives the offsets of its sentence in the decoded original, not of the
name itself, and the original may be Traditional, carry pinyin glosses (`認(rèn)真`) or repaired
mojibake, none of which the Simplified label matches. So the report is normalised again
(`kg.normalize.normalize`, with the offset map back to the original), each of the entity's names
(its label and its surfaces, converted to Simplified) is looked for inside its evidence
sentences in the normalised text, and the spot is mapped back; a surface is also looked for in the
original as written, and a credit line (which the normalised text sets apart) character by
character with glosses skipped. Names nest (a county inside an office) but never cross.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass
class Named:
    """One entity of a report as the page highlights it: its names and its evidence sentences."""

    iri: str
    type: str
    label: str
    names: set[str] = field(default_factory=set)
    sentences: set[tuple[int, int]] = field(default_factory=set)  # (start, end) in the original


@dataclass(frozen=True)
class Mark:
    """Where one entity's name stands in the original text."""

    start: int
    end: int
    iri: str
    type: str


@dataclass(frozen=True)
class Piece:
    """A run of the original text and the names it is part of, outermost first (a county inside an
    official's office: `盐亭县` inside `盐亭县委组织部部长`)."""

    start: int
    end: int
    marks: tuple[Mark, ...] = ()

    @property
    def mark(self) -> Mark | None:
        """The innermost name this run is part of."""
        return self.marks[-1] if self.marks else None


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s").convert


@lru_cache(maxsize=65536)
def _t2s_char(c: str) -> str:
    r = _t2s()(c)
    return r if len(r) == 1 else c


_GLOSS = r"(?:\s?[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[1-5]?[)）])?"


def _glossed(name: str) -> re.Pattern:
    """The name with an optional pinyin gloss after any character (`認(rèn)真` for 认真)."""
    return re.compile(_GLOSS.join(re.escape(c) for c in name))


def _finds(hay: str, needle: str, lo: int, hi: int):
    i = hay.find(needle, lo, hi)
    while i != -1 and needle:
        yield i
        i = hay.find(needle, i + 1, hi)


def spans(text: str, entities: list[Named]) -> list[Mark]:
    """Where the entities' names stand within their sentences: nested or apart, never crossing (a
    name crossing one already placed, leftmost and longest first, is left out)."""
    from kg.normalize import normalize

    try:
        norm = normalize(text)
    except Exception:  # noqa: BLE001 - a page still shows the text unhighlighted rather than fail
        norm = None
    found: list[Mark] = []
    for ent in entities:
        names = {n for n in ent.names if n and len(n) <= 200}
        simplified = {_t2s()(n) for n in names} | names
        for start, end in ent.sentences:
            if end <= start:
                continue
            hits: list[tuple[int, int]] = []
            for name in names:  # as written (a Simplified report, a surface as the report has it)
                hits += [(i, i + len(name)) for i in _finds(text, name, start, end)]
            if norm is not None:
                lo = bisect.bisect_left(norm.origin, start)
                hi = bisect.bisect_left(norm.origin, end)
                for name in simplified:
                    for i in _finds(norm.text, name, lo, hi):
                        s, e = norm.original_span(i, i + len(name))
                        if start <= s < e <= end:
                            hits.append((s, e))
            if not hits:  # a credit line (set apart from the normalised text): each character to
                # Simplified, glosses skipped
                window = "".join(_t2s_char(c) for c in text[start:end])
                for name in simplified:
                    hits += [(start + m.start(), start + m.end()) for m in _glossed(name).finditer(window)]
            found += [Mark(s, e, ent.iri, ent.type) for s, e in hits]
    found = sorted(set(found), key=lambda m: (m.start, -(m.end - m.start), m.type, m.iri))
    kept: list[Mark] = []
    open_: list[Mark] = []  # the kept marks that contain the current position, outermost first
    for m in found:
        while open_ and open_[-1].end <= m.start:
            open_.pop()
        if open_ and m.end > open_[-1].end:
            continue  # crosses the end of a name already placed
        if open_ and (m.start, m.end) == (open_[-1].start, open_[-1].end):
            continue  # the same span again (two entities of one name: the first one placed)
        kept.append(m)
        open_.append(m)
    return kept


def pieces(text: str, marks: list[Mark], cuts: set[int]) -> list[Piece]:
    """The whole text as consecutive pieces, cut where a name starts or ends and at `cuts` (the
    evidence sentences' ends, so a page can light up one sentence piece by piece); each piece
    knows the names it is part of."""
    n = len(text)
    points = sorted({0, n, *(c for c in cuts if 0 < c < n), *(x for m in marks for x in (m.start, m.end))})
    order = sorted(marks, key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Piece] = []
    stack: list[Mark] = []
    k = 0
    for a, b in zip(points, points[1:]):
        while stack and stack[-1].end <= a:
            stack.pop()
        while k < len(order) and order[k].start <= a:
            if order[k].end > a:
                stack.append(order[k])
            k += 1
        out.append(Piece(a, b, tuple(stack)))
    return out
