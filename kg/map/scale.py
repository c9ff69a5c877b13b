"""Colours for the map's values and the legend that explains them.

Counts (reports per county) get a sequential scale of at most five classes
(ColorBrewer's OrRd, light to dark): one class per value while there are
five values or fewer, else classes of about equal width on a log scale
(1, 2-3, 4-6 …), so one county with many reports does not wash out the rest.
Yes/no values (is the initiative implemented there) get two colours.
A county without a value, or with 0, keeps the blank land colour.
"""
from __future__ import annotations

from dataclasses import dataclass

BLANK = "#f2f0eb"       # land without a value
SEQUENTIAL = ("#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000")  # ColorBrewer OrRd, light to dark
YES = "#c2362b"         # the initiative is implemented there
NO = "#9ecae1"          # a county of the graph where it is not
MAX_CLASSES = len(SEQUENTIAL)


@dataclass(frozen=True)
class Scale:
    """`colour(value)` for each value; `legend`: (colour, text) rows, top to bottom, under `title`."""

    bounds: tuple[tuple[float, float], ...]  # (low, high) of each class, for counts
    colours: tuple[str, ...]
    legend: tuple[tuple[str, str], ...]
    binary: bool
    title: str

    def colour(self, value) -> str:
        if value is None:
            return BLANK
        if self.binary:
            return YES if value else NO
        if value <= 0:
            return BLANK
        for (low, high), colour in zip(self.bounds, self.colours):
            if value <= high:
                return colour
        return self.colours[-1]


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _classes(values: list[float]) -> list[tuple[float, float]]:
    """(lowest, highest) value of each class, of positive `values`."""
    distinct = sorted(set(values))
    if len(distinct) <= MAX_CLASSES:
        return [(v, v) for v in distinct]
    lo, hi = distinct[0], distinct[-1]
    bounds, rest = [], distinct
    for i in range(1, MAX_CLASSES + 1):
        cut = lo * (hi / lo) ** (i / MAX_CLASSES) * (1 + 1e-9)  # upper ends evenly spaced on a log scale
        members = rest if i == MAX_CLASSES else [v for v in rest if v <= cut]
        if members:
            bounds.append((members[0], members[-1]))
            rest = rest[len(members):]
    return bounds


def scale_for(values: dict, legend: str = "reports") -> Scale:
    """The scale for a map of `values` (code -> number, or code -> bool for a yes/no map); `legend`
    heads the legend (what is counted, or what the yes/no is about)."""
    present = [v for v in values.values() if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        rows = ((YES, "implemented there"), (NO, "other counties of the graph"), (BLANK, "not in the graph"))
        return Scale((), (YES, NO), rows, True, legend)
    positive = [float(v) for v in present if v > 0]
    bounds = _classes(positive) if positive else []
    if not bounds:
        return Scale((), (), ((BLANK, "none"),), False, legend)
    # spread the classes over the palette: two classes get its ends, five get all of it
    n = len(bounds)
    picks = [SEQUENTIAL[round(i * (MAX_CLASSES - 1) / (n - 1)) if n > 1 else -2] for i in range(n)]
    rows = [(c, _number(lo) if lo == hi else f"{_number(lo)}–{_number(hi)}") for (lo, hi), c in zip(bounds, picks)]
    return Scale(tuple(bounds), tuple(picks), tuple(reversed(rows)) + ((BLANK, "none"),), False, legend)
