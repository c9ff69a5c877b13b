"""The sentences behind facts, for --details: from the evidence each report's named graph holds.

README, "Tracing a fact to its sentence": a `ckg:Evidence` record per fact names
the triple (`ckg:subject`, `ckg:predicate`, `ckg:object`) and its `ckg:sentence`,
whose `ckg:text` is the sentence as the report has it. A spurious prediction gets
the sentence its own evidence names; a missed gold item the first sentence of its
report that holds its strings (so only where the graph kept a sentence there).
A bare Turtle export holds no named graphs: then there is no sentence to give.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote

from pyoxigraph import Store

from kg.evaluate.predicted import PREFIXES
from kg.evaluate.text import norm

_PROV = "PREFIX prov: <http://www.w3.org/ns/prov#>\n"


@dataclass
class Evidence:
    """Per fact triple its (report, sentence)s; per report its sentences in text order."""
    facts: dict[tuple[str, str, str], list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    sentences: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def available(self) -> bool:
        return bool(self.sentences)

    def of_fact(self, triple: tuple[str, str, str]) -> list[tuple[str, str]]:
        return self.facts.get(triple, [])

    def find(self, report: str, needles: tuple[str, ...], quote: str = "") -> str | None:
        """The first sentence of `report` holding `quote`, or else every one of `needles` (normalised)."""
        texts = self.sentences.get(report, [])
        for wanted in ((quote,) if quote else (), needles):
            keys = [norm(w) for w in wanted if norm(w)]
            if keys:
                hit = next((s for s in texts if all(k in norm(s) for k in keys)), None)
                if hit is not None:
                    return hit
        return None


def _report_name(iri: str, name) -> str:
    return name.value if name is not None else unquote(iri.rstrip("/").rsplit("/", 1)[-1])


def read(st: Store) -> Evidence:
    """All evidence records and sentences of the store's named graphs."""
    ev = Evidence()
    rows = st.query(PREFIXES + _PROV + """SELECT ?r ?f ?start ?text WHERE {
        GRAPH ?g { ?sn a ckg:Sentence ; ckg:text ?text ; prov:wasDerivedFrom ?r . OPTIONAL { ?sn ckg:start ?start } }
        OPTIONAL { ?r ckg:fileName ?f } }""")
    found: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for r in rows:
        start = int(r["start"].value) if r["start"] is not None else 0
        found[_report_name(r["r"].value, r["f"])].add((start, r["text"].value))
    for report, items in found.items():
        ev.sentences[report] = [t for _, t in sorted(items)]
    rows = st.query(PREFIXES + _PROV + """SELECT ?s ?p ?o ?r ?f ?text WHERE {
        GRAPH ?g { ?e a ckg:Evidence ; ckg:subject ?s ; ckg:predicate ?p ; ckg:object ?o ; ckg:sentence ?sn .
                   ?sn ckg:text ?text ; prov:wasDerivedFrom ?r }
        OPTIONAL { ?r ckg:fileName ?f } }""")
    for r in rows:
        hit = (_report_name(r["r"].value, r["f"]), r["text"].value)
        bucket = ev.facts[(r["s"].value, r["p"].value, r["o"].value)]
        if hit not in bucket:
            bucket.append(hit)
    return ev
