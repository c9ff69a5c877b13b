"""What the map shows, read from a built graph: each county's number of reports, or whether it implements
an initiative.

A county's reports are those that mention it (`ckg:mentionedIn`, as
`kg.Graph.entities` counts them). An initiative is named by its label, in
Simplified or as a report has it (Traditional forms are the entities'
`skos:altLabel`s); every Programme or Mechanism of that name counts. A name
that matches none is an `UnknownInitiative` that lists the nearest names.
"""
from __future__ import annotations

import difflib
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_REPORTS = """
SELECT ?code (COUNT(DISTINCT ?r) AS ?reports) WHERE {
  ?c a ckg:County ; ckg:adminCode ?code .
  OPTIONAL { ?c ckg:mentionedIn ?r }
} GROUP BY ?code"""
_INITIATIVES = """
SELECT DISTINCT ?i ?label ?name WHERE {
  VALUES ?class { ckg:Programme ckg:Mechanism }
  ?i a ?class ; rdfs:label ?label .
  { ?i rdfs:label ?name } UNION { ?i skos:altLabel ?name }
}"""
_IMPLEMENTING = """
SELECT DISTINCT ?code WHERE {{
  VALUES ?i {{ {iris} }}
  ?c a ckg:County ; ckg:adminCode ?code ; ckg:implements ?i .
}}"""
_CODES = "SELECT DISTINCT ?code WHERE { ?c a ckg:County ; ckg:adminCode ?code }"


class UnknownInitiative(LookupError):
    """No Programme or Mechanism of the graph has this name; `near` holds the closest names."""

    def __init__(self, name: str, near: list[str]):
        self.name, self.near = name, near
        hint = f"; nearest: {', '.join(near)}" if near else "; the graph has no initiative of a similar name"
        super().__init__(f"no initiative named {name!r} in the graph{hint}")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _key(name: str) -> str:
    """A name as names are compared: NFKC (full-width letters and digits), Simplified, no outer spaces."""
    return _t2s().convert(unicodedata.normalize("NFKC", name).strip())


def county_values(graph, initiative: str | None = None) -> dict[str, int | bool]:
    """GB/T 2260 code -> number of reports of each county of `graph` (a `kg.Graph`, from `kg.open`), or,
    with `initiative` (a Programme's or Mechanism's name), code -> whether the county implements it.
    Raises UnknownInitiative when no initiative has that name."""
    if initiative is None:
        return {str(r["code"]): int(r["reports"]) for r in graph.query(_REPORTS)}
    iris = find_initiative(graph, initiative).iris
    found = {str(r["code"]) for r in graph.query(_IMPLEMENTING.format(iris=" ".join(f"<{i}>" for i in iris)))}
    return {str(r["code"]): str(r["code"]) in found for r in graph.query(_CODES)}


class Initiative(NamedTuple):
    label: str        # as the graph labels it (Simplified)
    iris: list[str]   # every Programme and Mechanism of that name


def find_initiative(graph, name: str) -> Initiative:
    """The Programmes and Mechanisms of `graph` named `name` (label or alternative label, compared in
    Simplified, NFKC), or UnknownInitiative with the nearest names."""
    rows = graph.query(_INITIATIVES)
    wanted = _key(name)
    hits = [r for r in rows if _key(str(r["name"])) == wanted]
    if hits:
        labels = sorted({str(r["label"]) for r in hits})
        return Initiative(labels[0], sorted({r["i"] for r in hits}))
    names = sorted({str(r["name"]) for r in rows})
    keys = {}
    for n in names:
        keys.setdefault(_key(n), n)
    # names holding the given one (积分 for 积分制管理), shortest first, then names spelt alike
    parts = sorted((k for k in keys if wanted and (wanted in k or k in wanted)), key=lambda k: (len(k), k))
    alike = difflib.get_close_matches(wanted, list(keys), n=5, cutoff=0.4)
    near = list(dict.fromkeys(parts + alike))[:5]
    raise UnknownInitiative(name, [keys[k] for k in near])
