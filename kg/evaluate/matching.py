"""One-to-one matching of gold items to predicted items.

The guide matches each gold item at most once, and each prediction at most once.
`first_fit` is the scorer's rule, as the project's published figures were made:
gold items in file order, each taking the first unused prediction that matches,
predictions in a fixed order (by node IRI, see `kg.evaluate.predicted`).
The lenient match is not transitive, so first fit can leave a gold item
unmatched that another pairing would match (村干部 taken by 现任村干部, then
missing for 驻村干部); `maximum` finds the largest matching, for comparison.
"""
from __future__ import annotations

from typing import Callable, Sequence, TypeVar

G = TypeVar("G")
P = TypeVar("P")


def first_fit(gold: Sequence[G], pred: Sequence[P], same: Callable[[G, P], bool]) -> dict[int, int]:
    """(gold index -> predicted index): each gold item in order takes the first unused match."""
    used: set[int] = set()
    pairs: dict[int, int] = {}
    for i, g in enumerate(gold):
        j = next((j for j, p in enumerate(pred) if j not in used and same(g, p)), -1)
        if j >= 0:
            used.add(j)
            pairs[i] = j
    return pairs


def maximum(gold: Sequence[G], pred: Sequence[P], same: Callable[[G, P], bool]) -> dict[int, int]:
    """A maximum set of (gold index -> predicted index) pairs with `same(gold, pred)` true."""
    cand = [[j for j, p in enumerate(pred) if same(g, p)] for g in gold]
    owner = [-1] * len(pred)      # predicted j -> gold i holding it
    held = [-1] * len(gold)       # gold i -> predicted j it holds
    for root, options in enumerate(cand):
        free = next((j for j in options if owner[j] < 0), -1)
        if free >= 0:             # the common case: take a free one, no search
            owner[free], held[root] = root, free
            continue
        parent: dict[int, int] = {}
        stack = [(root, iter(options))]
        found = -1
        while stack and found < 0:
            i, it = stack[-1]
            for j in it:
                if j in parent:
                    continue
                parent[j] = i
                if owner[j] < 0:
                    found = j
                else:
                    stack.append((owner[j], iter(cand[owner[j]])))
                break
            else:
                stack.pop()
        j = found
        while j >= 0:             # flip the path: each gold on it takes the next prediction
            i = parent[j]
            prev = held[i]
            owner[j], held[i] = i, j
            j = prev if i != root else -1
    return {i: j for i, j in enumerate(held) if j >= 0}
