"""Dataset assembly: the default graph every RDF export and the store share (the contract, the
taxonomy, the alignments), in a fixed order, each statement once."""
from __future__ import annotations

from itertools import chain

from pyoxigraph import Quad, RdfFormat, parse, serialize

from kg.graph import KnowledgeGraph
from kg.rdf.alignments import alignment_triples
from kg.rdf.contract import contract_lines
from kg.rdf.taxonomy import taxonomy_triples
from kg.rdf.terms import nquads



def default_nquads(g: KnowledgeGraph) -> bytes:
    """The default graph every RDF export and the store share, as N-Quads in a fixed order, each
    statement once. The contract is written as text (`kg.rdf.contract.contract_lines`); the small taxonomy
    and alignment parts are serialised by Oxigraph."""
    extra = serialize(list(chain(taxonomy_triples(g), alignment_triples(g))), format=RdfFormat.N_QUADS)
    lines = dict.fromkeys(contract_lines(g))
    lines.update(dict.fromkeys(extra.decode("utf-8").splitlines()))
    return nquads(list(lines))


def parsed_nquads(nquads: bytes):
    """Quads parsed one at a time (Rust), so a serialiser can stream them without a list."""
    return parse(nquads, format=RdfFormat.N_QUADS)


def default_quads(g: KnowledgeGraph) -> list[Quad]:
    """The default graph as pyoxigraph quads (for callers that want objects, such as the benchmark)."""
    return list(parsed_nquads(default_nquads(g)))
