"""Character sets shared by reading and normalising: which Han characters are everyday ones.

A right decoding of Chinese prose is made of everyday characters; a run of
rare ones is a sign of mis-decoded bytes. Both the reader (choosing an
encoding) and the normaliser (accepting a mojibake repair) ask this.
"""
from __future__ import annotations

import functools


@functools.lru_cache(maxsize=None)
def common_han() -> frozenset[str]:
    """Everyday characters: GB2312 Hanzi plus Big5 level 1 (A440–C67E).

    A character outside both is rare in real prose, so a run of them is a sign
    of mis-decoded bytes; a repair must produce only characters from this set.
    """
    out = set()
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                out.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    for lead in range(0xA4, 0xC7):
        for trail in trails:
            if (lead << 8 | trail) > 0xC67E:
                break
            try:
                out.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(out)
