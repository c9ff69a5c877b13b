"""Where the scored graph comes from: a build's store (OUT/store) or an exported file.

The store is opened read-only through `kg.store.reading`, so a build swapping in
a new generation meanwhile leaves the one being scored whole. A file is loaded
into an in-memory store by its extension: `.ttl` holds only the default graph
(no evidence), `.trig` and `.nq` also hold each report's sentences.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import RdfFormat, Store

FORMATS = {".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES, ".trig": RdfFormat.TRIG, ".nq": RdfFormat.N_QUADS}


class GraphError(ValueError):
    """The graph to score cannot be read: no store in OUT, a missing, unknown or malformed file."""


@contextmanager
def open_out(out_dir: Path):
    """The live store of a build's output folder, held for the block."""
    from kg import store

    try:
        with store.reading(Path(out_dir)) as path:
            try:
                st = Store.read_only(str(path))
            except OSError as exc:
                raise GraphError(f"cannot open the store in {out_dir}: {exc}") from None
            yield st
    except FileNotFoundError as exc:
        raise GraphError(str(exc)) from None


@contextmanager
def open_file(path: Path):
    """An exported graph file loaded into memory."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise GraphError(f"{path}: unknown graph format (use {', '.join(FORMATS)})")
    if not path.is_file():
        raise GraphError(f"graph file not found: {path}")
    st = Store()
    try:
        st.bulk_load(path=str(path), format=fmt)
    except (OSError, SyntaxError, ValueError) as exc:
        msg = " ".join(str(exc).split())
        raise GraphError(f"{path} is not readable {fmt.name}: {msg[:200]}") from None
    yield st
