"""The data behind the review pages, read through the Python API (`kg.open`) from the live store.

Whole-graph answers (the overview, the entities the merge list compares) take seconds on a large
build, so they are kept per store generation: a build swaps in a new generation (a new target of
OUT/store), and the next request computes them again. A report's or an entity's page is a few
small queries and is read afresh each time. Curation state (which facts a person has accepted or
rejected) comes from the curation log, read on every page, so a correction shows at once.
"""
from __future__ import annotations

import os
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import kg
from kg import query as kquery
from kg import store as kstore
from kg.api import value
from kg.facts import ENTITY_TYPES, RELATION_TYPES
from kg.review import duplicates, highlight

MERGE_TYPES = ("Programme", "Mechanism", "Group", "Place")  # keyed by name: a merge by label means one thing
TOP = 25
# the namespaces, as every query has them (the one table of the project's prefixes)
_PREFIXES = kquery.prefixes()
CKG, ID, RDF = _PREFIXES["ckg"], _PREFIXES["kgid"], _PREFIXES["rdf"]
# what an IRI cannot hold (RFC 3987 IRIREF): a "local" holding one is no entity, and never reaches a query
_NOT_IN_IRI = frozenset('<>"{}|^`\\') | frozenset(chr(c) for c in range(0x21))


def entity_href(iri: str) -> str | None:
    """The page of an entity: its IRI's path under the id namespace, percent-encoded (so an IRI that
    holds "%" or Chinese comes back exactly), or None for other IRIs."""
    if iri and iri.startswith(ID) and not iri.startswith(ID + "report/"):
        return "/entity/" + quote(iri[len(ID):], safe="/")
    return None


def entity_iri(local: str) -> str | None:
    """The IRI of an entity page's path (decoded), or None when it cannot name an entity."""
    if (not local or local.startswith("report/") or set(local) & _NOT_IN_IRI
            or any(part in ("", ".", "..") for part in local.split("/"))):
        return None
    return ID + local


def report_href(name: str) -> str:
    return "/report/" + quote(name, safe="/")


def _local(iri: str | None, base: str = CKG) -> str:
    return iri[len(base):] if iri and iri.startswith(base) else (iri or "")


def _values(iris) -> str:
    return " ".join(f"<{i}>" for i in iris)


@dataclass
class End:
    """One end of a fact: an entity (or the report, for authoredBy)."""

    iri: str
    label: str
    type: str  # an entity type, or "Report"
    href: str | None = None


@dataclass
class Fact:
    """One statement of a report: a relation, or "this is a <type>" (`predicate` "type")."""

    subject: End
    predicate: str
    object: End
    evidence: list[dict] = field(default_factory=list)  # {start, end, rule, simplified}, by start

    @property
    def start(self) -> int:
        return min((e["start"] for e in self.evidence), default=0)

    @property
    def spans(self) -> list[list[int]]:
        return [[e["start"], e["end"]] for e in self.evidence]

    @property
    def rules(self) -> list[str]:
        return sorted({e["rule"] for e in self.evidence})

    def action(self, name: str, report: str) -> dict:
        """The curation line that accepts or rejects this fact (kg.curation's form)."""
        if self.predicate == "type":
            return {"action": name, "report": report, "type": self.object.label, "label": self.subject.label}
        out = {"action": name, "report": report, "subject": self.subject.label, "predicate": self.predicate,
               "object": self.object.label}
        if self.subject.type in ENTITY_TYPES:
            out["subject_type"] = self.subject.type
        if self.object.type in ENTITY_TYPES:
            out["object_type"] = self.object.type
        return out


@dataclass
class ReportPage:
    name: str
    text: str | None  # None: the corpus copy is missing or changed since the build
    county: End | None
    date: str | None
    url: str | None
    facts: list[Fact]
    pieces: list[highlight.Piece]
    entities: list[End]


class Reader:
    """This module's own read-only queries on one open store (they are fixed text, not a user's: the
    checks `kg.api` runs on any query are not needed). Calling it gives rows as dicts of plain values,
    as `kg.api.Graph.query` does; `solutions` gives pyoxigraph terms, for large answers."""

    def __init__(self, store, prefixes: dict[str, str]):
        self.store = store
        self.prefixes = prefixes

    def solutions(self, sparql: str):
        return kquery.solutions(self.store.query(sparql, prefixes=self.prefixes))

    def __call__(self, sparql: str) -> list[dict]:
        names, rows = self.solutions(sparql)
        return [{n: value(t) for n, t in zip(names, row)} for row in rows]


class ReviewData:
    """Read-only access to a build for the pages; safe to share between the server's threads."""

    def __init__(self, out: Path, corpus: Path):
        self.out = Path(out)
        self.graph = kg.open(self.out, corpus)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[str, Any]] = {}
        self._making: dict[str, threading.Lock] = {}

    # ---- caching by store generation -------------------------------------------------------

    def generation(self) -> str:
        """What identifies the live store: the generation its link points at (and the link's time)."""
        link = kstore.store_path(self.out)
        try:
            return f"{os.path.realpath(link)}\0{os.lstat(link).st_mtime_ns}"
        except OSError:
            return ""

    def _cached(self, name: str, make: Callable[[], Any]) -> Any:
        """`make()`, kept until the store changes; two requests at once compute it once."""
        with self._lock:
            lock = self._making.setdefault(name, threading.Lock())
        with lock:
            gen = self.generation()
            hit = self._cache.get(name)
            if hit is not None and hit[0] == gen:
                return hit[1]
            value_ = make()
            self._cache[name] = (gen, value_)
            return value_

    @contextmanager
    def reader(self):
        """A `Reader` on one opening of the live store, for the queries of one page: opening the store
        is most of a small query's time, and a page asks several. The generation stays whole meanwhile."""
        from pyoxigraph import Store

        with kstore.reading(self.out) as path:
            yield Reader(Store.read_only(str(path)), self.graph.prefixes)

    def warm(self) -> None:
        """Compute the whole-graph answers now, and load what the first report page would (the
        normaliser's converters): the server calls this in the background at start."""
        highlight.spans("縣", [])
        self.overview()
        self.county_map()
        self.reports()
        self.merge_candidates()

    # ---- the overview ----------------------------------------------------------------------

    def overview(self) -> dict:
        return self._cached("overview", self._overview)

    def _overview(self) -> dict:
        with self.reader() as q:
            return self._overview_of(q)

    def _overview_of(self, q) -> dict:
        classes = " ".join(f"ckg:{t}" for t in ("Report", *ENTITY_TYPES))
        counts = {_local(r["class"]): r["n"] for r in q(
            f"SELECT ?class (COUNT(?s) AS ?n) WHERE {{ VALUES ?class {{ {classes} }} ?s a ?class }} GROUP BY ?class")}
        counties: dict[str, dict] = {}
        for r in q("""SELECT ?c ?label ?code (COUNT(?r) AS ?n) WHERE {
                        ?r ckg:about ?c . ?c rdfs:label ?label . OPTIONAL { ?c ckg:adminCode ?code } }
                      GROUP BY ?c ?label ?code"""):
            counties[r["c"]] = {"iri": r["c"], "label": r["label"], "code": r["code"], "href": entity_href(r["c"]),
                                "reports": r["n"], "initiatives": 0, "figures": 0}
        for r in q("""SELECT ?c (COUNT(DISTINCT ?i) AS ?n) WHERE { ?c a ckg:County ; ckg:implements ?i }
                      GROUP BY ?c"""):
            if r["c"] in counties:
                counties[r["c"]]["initiatives"] = r["n"]
        about = {r["r"] + "#graph": r["c"] for r in q("SELECT ?r ?c WHERE { ?r ckg:about ?c }")}
        figures: Counter = Counter()
        # a figure is one report's fact, stated in that report's evidence graph (`<report IRI>#graph`):
        # counted there, a tenth of the time of joining every figure to its report
        for r in q("SELECT ?g (COUNT(?f) AS ?n) WHERE { GRAPH ?g { ?f a ckg:Target } } GROUP BY ?g"):
            if r["g"] in about:
                figures[about[r["g"]]] += r["n"]
        for c, n in figures.items():
            if c in counties:
                counties[c]["figures"] = n
        # the initiatives in the most counties: counted first, then the few on top named
        ranked = q("""SELECT ?i (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ckg:County ; ckg:implements ?i }
                      GROUP BY ?i ORDER BY DESC(?n) ?i LIMIT 200""")
        named = {}
        if ranked:
            named = {r["i"]: r for r in q(f"""SELECT ?i ?label ?class WHERE {{ VALUES ?i {{ {_values(x['i'] for x in ranked)} }}
                       VALUES ?class {{ ckg:Programme ckg:Mechanism }} ?i a ?class ; rdfs:label ?label }}""")}
        initiatives = [{"iri": r["i"], "label": named[r["i"]]["label"], "type": _local(named[r["i"]]["class"]),
                        "href": entity_href(r["i"]), "counties": r["n"]}
                       for r in sorted(ranked, key=lambda r: (-r["n"], named.get(r["i"], {}).get("label", "")))
                       if r["i"] in named][:TOP]
        groups = [{"iri": r["g"], "label": r["label"], "href": entity_href(r["g"]), "by": r["n"]} for r in q(f"""
            SELECT ?g ?label (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x ckg:targets ?g . ?g a ckg:Group ; rdfs:label ?label }}
            GROUP BY ?g ?label ORDER BY DESC(?n) ?label LIMIT {TOP}""")]
        if groups:
            reports = {r["g"]: r["n"] for r in q(f"""
                SELECT ?g (COUNT(DISTINCT ?r) AS ?n) WHERE {{ VALUES ?g {{ {_values(x['iri'] for x in groups)} }}
                  ?g ckg:mentionedIn ?r }} GROUP BY ?g""")}
            for x in groups:
                x["reports"] = reports.get(x["iri"], 0)
        return {"counts": counts,
                "counties": sorted(counties.values(), key=lambda c: (-c["reports"], c["code"] or "", c["label"])),
                "initiatives": initiatives, "groups": groups}

    def county_map(self, initiative: str = ""):
        """(inline SVG or None, why not) of the county map; the map by reports is kept per generation."""
        from kg.review import pages

        if initiative:
            return pages.county_map(self.graph, initiative)
        return self._cached("map", lambda: pages.county_map(self.graph))

    def reports(self) -> list[dict]:
        return self._cached("reports", self._reports)

    def _reports(self) -> list[dict]:
        with self.reader() as q:
            return [{"name": r["f"], "href": report_href(r["f"]), "county": r["cl"], "county_href": entity_href(r["c"]),
                     "date": r["date"]}
                    for r in q("""SELECT ?f ?c ?cl ?date WHERE { ?r a ckg:Report ; ckg:fileName ?f .
                OPTIONAL { ?r ckg:about ?c . ?c rdfs:label ?cl } OPTIONAL { ?r ckg:date ?date } } ORDER BY ?f""")]

    # ---- one report ------------------------------------------------------------------------

    def report(self, name: str) -> ReportPage | None:
        """The page of a report (its file name in the corpus), or None if the build has no such report."""
        with self.reader() as q:
            return self._report(q, name)

    def _report(self, q, name: str) -> ReportPage | None:
        from pyoxigraph import Literal

        head = q(f"""SELECT ?r ?c ?cl ?date ?url WHERE {{ ?r a ckg:Report ; ckg:fileName {Literal(name)} .
            OPTIONAL {{ ?r ckg:about ?c . ?c rdfs:label ?cl }} OPTIONAL {{ ?r ckg:date ?date }}
            OPTIONAL {{ ?r ckg:sourceUrl ?url }} }} LIMIT 1""")
        if not head:
            return None
        r = head[0]["r"]
        g = r + "#graph"  # the report's evidence graph (kg's provenance: `<report IRI>#graph`)
        ends: dict[str, End] = {r: End(r, name, "Report", report_href(name))}
        named: dict[str, highlight.Named] = {}
        for row in q(f"""SELECT ?e ?class ?label ?alt WHERE {{ GRAPH <{g}> {{
                ?e a ?class ; rdfs:label ?label . OPTIONAL {{ ?e skos:altLabel ?alt }} }} }}"""):
            typ = _local(row["class"])
            if typ not in ENTITY_TYPES:
                continue
            ends.setdefault(row["e"], End(row["e"], row["label"], typ, entity_href(row["e"])))
            n = named.setdefault(row["e"], highlight.Named(row["e"], typ, row["label"], {row["label"]}))
            if row["alt"]:
                n.names.add(row["alt"])
        facts: dict[tuple, Fact] = {}
        for row in q(f"""SELECT ?s ?p ?o ?rule ?start ?end ?text WHERE {{ GRAPH <{g}> {{
                ?ev ckg:subject ?s ; ckg:predicate ?p ; ckg:object ?o ; ckg:rule ?rule ; ckg:sentence ?sn .
                ?sn ckg:text ?text ; ckg:start ?start ; ckg:end ?end }} }}"""):
            s = ends.get(row["s"])
            if s is None:
                continue
            if row["p"] == RDF + "type":
                pred, o = "type", End(row["o"], _local(row["o"]), "Type")
                if row["s"] in named:
                    named[row["s"]].sentences.add((row["start"], row["end"]))
            else:
                pred, o = _local(row["p"]), ends.get(row["o"])
                if o is None or pred not in RELATION_TYPES:
                    continue
            fact = facts.setdefault((row["s"], pred, o.iri), Fact(s, pred, o))
            fact.evidence.append({"start": row["start"], "end": row["end"], "rule": row["rule"],
                                  "simplified": row["text"]})
        for f in facts.values():
            f.evidence.sort(key=lambda e: (e["start"], e["end"], e["rule"]))
        ordered = sorted(facts.values(), key=lambda f: (f.start, f.predicate != "type", f.predicate,
                                                          f.subject.label, f.object.label))
        text = self.graph.text(name)
        pieces: list[highlight.Piece] = []
        if text is not None:
            marks = highlight.spans(text, list(named.values()))
            cuts = {x for f in ordered for e in f.evidence for x in (e["start"], e["end"])}
            pieces = highlight.pieces(text, marks, cuts)
        c = head[0]
        county = End(c["c"], c["cl"], "County", entity_href(c["c"])) if c["c"] and c["cl"] else None
        entities = sorted((e for e in ends.values() if e.type != "Report"), key=lambda e: (e.type, e.label))
        return ReportPage(name, text, county, c["date"], c["url"], ordered, pieces, entities)

    # ---- one entity ------------------------------------------------------------------------

    def entity(self, iri: str, limit: int = 1000) -> dict | None:
        """The page of an entity: type, labels, literal properties, relations both ways, and the
        sentences that mention it (at most `limit`); None if the graph has no such entity."""
        with self.reader() as q:
            return self._entity(q, iri, limit)

    def _entity(self, q, iri: str, limit: int) -> dict | None:
        if set(iri) & _NOT_IN_IRI:  # never written into a query
            return None
        head = q(f"SELECT ?class ?label WHERE {{ <{iri}> a ?class ; rdfs:label ?label }}")
        types = [_local(r["class"]) for r in head if _local(r["class"]) in ENTITY_TYPES]
        if not types:
            return None
        props = q(f"""SELECT ?p ?o WHERE {{ <{iri}> ?p ?o . FILTER(isLiteral(?o))
                      FILTER(?p != rdfs:label && ?p != skos:altLabel) }} ORDER BY ?p ?o""")
        alts = [r["alt"] for r in q(f"SELECT ?alt WHERE {{ <{iri}> skos:altLabel ?alt }} ORDER BY ?alt")]
        preds = " ".join(f"ckg:{p}" for p in RELATION_TYPES)
        rels = []
        for r in q(f"""SELECT ?s ?p ?o ?sl ?ol ?sc ?oc WHERE {{ VALUES ?p {{ {preds} }}
                {{ <{iri}> ?p ?o . BIND(<{iri}> AS ?s) }} UNION {{ ?s ?p <{iri}> . BIND(<{iri}> AS ?o) }}
                OPTIONAL {{ ?s rdfs:label ?l1 }} OPTIONAL {{ ?s ckg:fileName ?f1 }} BIND(COALESCE(?l1, ?f1) AS ?sl)
                OPTIONAL {{ ?o rdfs:label ?ol }}
                OPTIONAL {{ ?s a ?sc }} OPTIONAL {{ ?o a ?oc }} }} ORDER BY ?p ?sl ?ol"""):
            def end(x, label, cls):
                typ = _local(cls)
                href = report_href(label) if typ == "Report" and label else entity_href(x)
                return End(x, label or x, typ, href)
            rels.append((end(r["s"], r["sl"], r["sc"]), _local(r["p"]), end(r["o"], r["ol"], r["oc"])))
        rels = list({(s.iri, p, o.iri): (s, p, o) for s, p, o in rels}.values())
        mentions = q(f"""SELECT DISTINCT ?report ?start ?end ?text WHERE {{ GRAPH ?g {{
                {{ ?ev ckg:subject <{iri}> }} UNION {{ ?ev ckg:object <{iri}> }}
                ?ev ckg:sentence ?sn . ?sn ckg:text ?text ; ckg:start ?start ; ckg:end ?end ; prov:wasDerivedFrom ?r }}
              ?r ckg:fileName ?report }} ORDER BY ?report ?start LIMIT {limit + 1}""")
        reports = [r["r"] for r in q(f"SELECT ?r WHERE {{ <{iri}> ckg:mentionedIn ?r }}")]
        for m in mentions:
            m["href"] = f"{report_href(m['report'])}#s{m['start']}-{m['end']}"
        return {"iri": iri, "types": types, "label": head[0]["label"], "labels": sorted({r["label"] for r in head}),
                "alts": alts, "props": [(_local(r["p"], CKG), r["o"]) for r in props],
                "relations": rels, "mentions": mentions[:limit],
                "more": len(mentions) > limit, "reports": len(reports)}

    # ---- the merge list --------------------------------------------------------------------

    def merge_candidates(self) -> list[duplicates.Candidate]:
        return self._cached("merge", self._merge_candidates)

    def _merge_candidates(self) -> list[duplicates.Candidate]:
        from kg import divisions, lexicons

        classes = " ".join(f"ckg:{t}" for t in MERGE_TYPES)
        with self.reader() as q:
            names, rows = q.solutions(f"""
            SELECT ?e ?class ?label (COUNT(DISTINCT ?r) AS ?n) (GROUP_CONCAT(DISTINCT ?cl; separator="\\u001f") AS ?cs)
            WHERE {{ VALUES ?class {{ {classes} }} ?e a ?class ; rdfs:label ?label ; ckg:mentionedIn ?r .
                     OPTIONAL {{ ?r ckg:about ?c . ?c rdfs:label ?cl }} }} GROUP BY ?e ?class ?label""")
        ents = []
        for e, cls, label, n, cs in rows:
            counties = frozenset(x for x in (cs.value if cs is not None else "").split("\x1f") if x)
            ents.append(duplicates.Entity(e.value, _local(cls.value), label.value, int(n.value), counties))
        lex = lexicons.load()
        initiative = lex.terms("initiative_head")
        heads = {"Programme": initiative, "Mechanism": initiative, "Group": lex.terms("group_head")}
        mask = duplicates.county_masker(divisions.load().by_name)
        return duplicates.candidates(ents, heads, mask)

    def sentences(self, iris: list[str], per: int = 2) -> dict[str, list[dict]]:
        """Up to `per` sentences that state each entity (its type's evidence), with their reports:
        one small query each (a VALUES query over many entities walks every evidence graph)."""
        out: dict[str, list[dict]] = {}
        with self.reader() as q:
            for iri in iris:
                rows = q(f"""SELECT ?report ?start ?end ?text WHERE {{ GRAPH ?g {{
                        ?ev ckg:subject <{iri}> ; ckg:predicate rdf:type ; ckg:sentence ?sn .
                        ?sn ckg:text ?text ; ckg:start ?start ; ckg:end ?end ; prov:wasDerivedFrom ?r }}
                      ?r ckg:fileName ?report }} LIMIT {int(per)}""")
                for r in rows:
                    r["href"] = f"{report_href(r['report'])}#s{r['start']}-{r['end']}"
                out[iri] = rows
        return out
