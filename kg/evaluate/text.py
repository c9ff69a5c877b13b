"""The guide's lenient matches: strings after normalisation, and figures.

ANNOTATION.md, "Matching": after normalisation (Simplified, no punctuation or
spaces) two strings match when equal, or when one contains the other and the
shorter holds at least 60% of the longer's characters. A figure matches on value
and unit, and what it counts must share two consecutive characters with the gold.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Quotes, book-title marks, brackets and the punctuation of running text, ASCII and full width:
# what the guide strips from canonical strings. Other symbols (+ % ×) belong to names and stay.
_STRIP = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】,，.。、;；:：!！?？·—\-_/]+")
MIN_SHARE = 0.6
MIN_OVERLAP = 2
EPS = 1e-9


@lru_cache(maxsize=1)
def _t2s():
    """OpenCC's Traditional-to-Simplified converter (gold and labels are both canonical Simplified,
    but a label or a sentence read from the graph may still hold Traditional characters)."""
    import opencc

    return opencc.OpenCC("t2s").convert


@lru_cache(maxsize=65536)
def norm(s: str) -> str:
    """The form strings are compared in: Simplified, lower case, no punctuation or spaces."""
    return _STRIP.sub("", _t2s()(str(s))).lower()


def similar(a: str, b: str) -> bool:
    """Equal, or one inside the other holding at least 60% of its characters (normalised)."""
    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    if a == b:
        return True
    short, longer = (a, b) if len(a) <= len(b) else (b, a)
    return short in longer and len(short) >= MIN_SHARE * len(longer)


def shares_run(gold_what: str, pred_what: str) -> bool:
    """What a figure counts: two consecutive characters in common (fewer only when a side is
    shorter). A gold figure that names nothing counted accepts any; a prediction naming nothing
    matches no gold that does (a number without what it counts is not a target)."""
    g, p = norm(gold_what), norm(pred_what)
    if not g:
        return True
    if not p:
        return False
    need = min(MIN_OVERLAP, len(g), len(p))
    return any(g[i:i + need] in p for i in range(len(g) - need + 1))


def same_number(a: float, b: float) -> bool:
    return abs(a - b) < EPS
