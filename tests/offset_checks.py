"""One statement of what a normalised Text owes its original: offsets that index it and never go back."""
from __future__ import annotations


def check_offsets(original: str, t) -> None:
    assert len(t.origin) == len(t.text)
    assert all(0 <= o < len(original) for o in t.origin)
    assert all(a <= b for a, b in zip(t.origin, t.origin[1:]))
    for s, e in t.sentences:
        a, b = t.original_span(s, e)
        assert 0 <= a <= b <= len(original)
