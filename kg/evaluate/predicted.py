"""What a graph predicts, read only through the triples ANNOTATION.md names.

"How the exported graph shows it" is the contract: typed nodes with a label and
`ckg:mentionedIn` a report (by `ckg:fileName`), `ckg:title` on officials,
`ckg:value`/`ckg:unit`/`ckg:measures`/`ckg:targetKind` on figures, and the
relation triples. Only the default graph is read; evidence, provenance and
taxonomy may hold anything. Entities are per report, relations graph-wide.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import Store

from kg.evaluate.gold import ENTITY_KEYS
from kg.evaluate.text import norm

CKG = "https://w3id.org/county-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = f"PREFIX ckg: <{CKG}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
RELATIONS = ("implements", "targets", "locatedIn")


@dataclass(frozen=True)
class Node:
    iri: str
    label: str


@dataclass(frozen=True)
class PredFigure:
    iri: str
    value: float
    unit: str        # normalised
    what: str
    kind: str


@dataclass(frozen=True)
class PredPair:
    a: Node
    b: Node
    prop: str


@dataclass(frozen=True)
class PredOwned:
    owner: Node
    figure: str      # the figure's IRI
    value: float
    unit: str        # normalised


@dataclass
class Predicted:
    """Per (type, report) the entity nodes; per report officials' titles and figures; the relations."""
    entities: dict[tuple[str, str], list[Node]] = field(default_factory=lambda: defaultdict(list))
    titles: dict[str, list[str]] = field(default_factory=dict)
    figures: dict[str, list[PredFigure]] = field(default_factory=lambda: defaultdict(list))
    pairs: dict[str, list[PredPair]] = field(default_factory=dict)
    owned: list[PredOwned] = field(default_factory=list)


def _rows(st: Store, body: str):
    return st.query(PREFIXES + body)


def _val(term) -> str:
    return "" if term is None else term.value


def _number(term) -> float | None:
    try:
        return float(term.value)
    except (AttributeError, TypeError, ValueError):
        return None


def _entities(st: Store, pred: Predicted) -> None:
    classes = " ".join(f"ckg:{c}" for c in ENTITY_KEYS)
    labels: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in _rows(st, f"""SELECT ?e ?c ?f ?l WHERE {{
            VALUES ?c {{ {classes} }}
            ?e a ?c ; ckg:mentionedIn ?r ; rdfs:label ?l . ?r ckg:fileName ?f .
            FILTER(langMatches(lang(?l), "zh-Hans") || lang(?l) = "") }}"""):
        labels[(r["c"].value[len(CKG):], r["f"].value, r["e"].value)].add(r["l"].value)
    for (cls, report, iri), names in sorted(labels.items()):
        pred.entities[(cls, report)].append(Node(iri, min(names)))  # one item per node, whatever its labels
    titles: dict[str, set[str]] = defaultdict(set)
    for r in _rows(st, "SELECT ?e ?t WHERE { ?e a ckg:Official ; ckg:title ?t }"):
        titles[r["e"].value].add(r["t"].value)
    pred.titles = {iri: sorted(t) for iri, t in titles.items()}


def _figures(st: Store, pred: Predicted) -> None:
    seen: dict[tuple[str, str, float], list[set[str]]] = {}
    for r in _rows(st, """SELECT ?t ?f ?v ?u ?m ?k WHERE {
            ?t a ckg:Target ; ckg:mentionedIn ?r ; ckg:value ?v . ?r ckg:fileName ?f .
            OPTIONAL { ?t ckg:unit ?u } OPTIONAL { ?t ckg:measures ?m } OPTIONAL { ?t ckg:targetKind ?k } }"""):
        value = _number(r["v"])
        if value is None:
            continue
        parts = seen.setdefault((r["f"].value, r["t"].value, value), [set(), set(), set()])
        for s, name in zip(parts, ("u", "m", "k")):
            if r[name] is not None:
                s.add(r[name].value)
    for (report, iri, value), (units, whats, kinds) in sorted(seen.items()):
        pred.figures[report].append(PredFigure(iri, value, norm(min(units, default="")),
                                               min(whats, default=""), min(kinds, default="")))


def _labelled_pairs(st: Store, prop: str) -> list[PredPair]:
    labels: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    for r in _rows(st, f"SELECT ?a ?b ?la ?lb WHERE {{ ?a ckg:{prop} ?b . ?a rdfs:label ?la . ?b rdfs:label ?lb }}"):
        la, lb = labels.setdefault((r["a"].value, r["b"].value), (set(), set()))
        la.add(r["la"].value)
        lb.add(r["lb"].value)
    return [PredPair(Node(a, min(la)), Node(b, min(lb)), prop) for (a, b), (la, lb) in sorted(labels.items())]


def _owned(st: Store, pred: Predicted) -> None:
    seen: dict[tuple[str, str], tuple[set[str], set[float], set[str]]] = {}
    for r in _rows(st, """SELECT ?x ?t ?l ?v ?u WHERE {
            ?x ckg:hasTarget ?t . ?x rdfs:label ?l . ?t ckg:value ?v . OPTIONAL { ?t ckg:unit ?u } }"""):
        value = _number(r["v"])
        if value is None:
            continue
        ls, vs, us = seen.setdefault((r["x"].value, r["t"].value), (set(), set(), set()))
        ls.add(r["l"].value)
        vs.add(value)
        if r["u"] is not None:
            us.add(r["u"].value)
    pred.owned = [PredOwned(Node(x, min(ls)), t, min(vs), norm(min(us, default="")))
                  for (x, t), (ls, vs, us) in sorted(seen.items())]


def read(st: Store) -> Predicted:
    """Everything the scorer compares, from the store's default graph."""
    pred = Predicted()
    _entities(st, pred)
    _figures(st, pred)
    pred.pairs = {prop: _labelled_pairs(st, prop) for prop in RELATIONS}
    _owned(st, pred)
    return pred
