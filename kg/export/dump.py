"""The whole dataset on demand, from the store `kg build` filled: `kg export --format trig|nquads|turtle`.

The build writes graph.trig and graph.nq too; this writes the same dataset from the store (which
`kg query --allow-update` may have changed since), in one pass of Oxigraph's own writer, to a file
(atomically) or to standard output, so a dataset need not be kept on disk twice.
"""
from __future__ import annotations

import sys
from pathlib import Path

from pyoxigraph import DefaultGraph, RdfFormat, Store

from kg import store as kstore
from kg.atomic import atomic_path
from kg.rdf.terms import RDF_PREFIXES

# name -> (Oxigraph format, whether it holds the named graphs of evidence)
FORMATS = {"trig": (RdfFormat.TRIG, True), "nquads": (RdfFormat.N_QUADS, True),
           "turtle": (RdfFormat.TURTLE, False), "ntriples": (RdfFormat.N_TRIPLES, False)}


def dump(out: Path, fmt: str, to: Path | None) -> Path | None:
    """Write OUT's store as `fmt` to `to` (None: standard output). Turtle and N-Triples hold the
    default graph (the contract; as graph.ttl), TriG and N-Quads every graph. FileNotFoundError when
    OUT has no store; KeyError for an unknown format."""
    rdf_format, dataset = FORMATS[fmt]
    options = {} if dataset else {"from_graph": DefaultGraph()}
    if rdf_format in (RdfFormat.TRIG, RdfFormat.TURTLE):
        options["prefixes"] = RDF_PREFIXES
    with kstore.reading(Path(out)) as path:
        st = Store.read_only(str(path))
        if to is None:
            st.dump(sys.stdout.buffer, rdf_format, **options)
            sys.stdout.buffer.flush()
            return None
        with atomic_path(Path(to)) as tmp, open(tmp, "wb") as fh:
            st.dump(fh, rdf_format, **options)
    return Path(to)
