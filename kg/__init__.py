"""county-kg: reports to knowledge graph. In Python: `g = kg.open("outputs")` (see `kg.api`)."""
from __future__ import annotations

from kg.version import __version__

__all__ = ["__version__", "open"]


def open(out="outputs", corpus=None):  # noqa: A001  (kg.open, as the API is documented)
    """A `kg.api.Graph` over the folder `kg build` wrote (OUT); `corpus`, where the reports are
    (default: corpus/ beside OUT), gives evidence its sentence in the original script."""
    from kg.api import Graph  # imported on use: every kg module imports this package

    return Graph(out, corpus)
