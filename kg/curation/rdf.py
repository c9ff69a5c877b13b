"""What curation did, as PROV in the report's evidence graph, and the report's shard rebuilt from curated facts.

Each `Record` becomes one `ckg:Curation` node (a ckg:Evidence made by a person) in the report's
named graph, naming the fact it concerns as rule evidence does (ckg:subject, ckg:predicate,
ckg:object: for a rejected fact, the triple that was removed), with

    ckg:action "reject" ;                          # accept | reject | rename | retype | merge | add
    ckg:curationLine "review.jsonl:3" ;            # the curation file and line
    prov:wasAttributedTo <agent> ;                 # the line's "by" (absent when it has none)
    prov:generatedAtTime "2025-03-01T10:00:00+08:00"^^xsd:dateTime ;   # its "at" (plain when no dateTime)
    ckg:formerLabel "…" ; ckg:formerType ckg:Programme .   # what a rename, merge or retype replaced

The agent is the "by" itself when it is an absolute IRI (https://orcid.org/…, mailto:…), else
`kgid:agent/<by>`, a prov:Agent labelled with the "by" as written. The evidence an `add` gives its
fact (rule `curation.add`, with its sentence) is that same Curation node, so the sentence pattern
of kg.provenance finds an added fact's sentence too, and `?ev a ckg:Curation` tells it from a rule's.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

from kg.curation.apply import Record
from kg.facts import ReportFacts
from kg.mapping import ID, PROV, RDF, RDFS, XSD, ckg, node_iri, nt_ckg, nt_literal, nt_report, slug
from kg.provenance import evidence_iri, graph_iri
from kg.shards import Shard, shard_of

_XSD_DATETIME = re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_ABSOLUTE_IRI = re.compile(r"(https?|mailto|urn|did|tag):[^\s<>\"{}|\\^`]+")


def agent_iri(by: str) -> str:
    """The agent a "by" names: itself when it is an absolute IRI, else kgid:agent/<by>."""
    by = by.strip()
    return by if _ABSOLUTE_IRI.fullmatch(by) else f"{ID}agent/{slug(by)}"


def time_literal(at: str) -> str:
    """An "at" as N-Triples: xsd:dateTime when it is one (as written, or in ISO form when Python reads
    it as a date and time, e.g. with a space for the T), else a plain literal as written."""
    text = at.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is not None and _XSD_DATETIME.fullmatch(text):
        return f'{nt_literal(text)}^^<{XSD}dateTime>'
    if parsed is not None and ("T" in text or " " in text or ":" in text):
        return f'{nt_literal(parsed.isoformat())}^^<{XSD}dateTime>'
    return nt_literal(at)


def _iri_of(ref: tuple[str, str], rec: Record, facts: ReportFacts) -> str:
    if ref[0] == "Report":
        return nt_report(ref[1])
    if ref[0] == "Class":
        return f"<{ckg(ref[1]).value}>"
    return f"<{node_iri(ref, rec.entities.get(ref)).value}>"


def record_lines(rec: Record, facts: ReportFacts) -> list[str]:
    """The statements of one record in its report's named graph."""
    g = f"<{graph_iri(facts.report).value}>"
    s, o = _iri_of(rec.subject, rec, facts), _iri_of(rec.obj, rec, facts)
    p = f"<{RDF}type>" if rec.predicate == "type" else nt_ckg(rec.predicate)
    c = rec.correction
    if rec.evidence is not None:  # an add: the Curation is the evidence record of its fact
        from pyoxigraph import NamedNode

        node = f"<{evidence_iri(rec.evidence, NamedNode(s[1:-1]), NamedNode(p[1:-1]), NamedNode(o[1:-1])).value}>"
    else:
        line = json.dumps(c.fields, ensure_ascii=False, sort_keys=True)
        key = "\x1f".join((Path(c.file).name, line, facts.report, s, p, o))
        node = f"<{ID}curation/{hashlib.sha1(key.encode('utf-8')).hexdigest()[:20]}>"
    out = [
        f"{node} <{RDF}type> {nt_ckg('Curation')} {g} .",
        f"{node} {nt_ckg('action')} {nt_literal(c.action)} {g} .",
        f"{node} {nt_ckg('curationLine')} {nt_literal(f'{Path(c.file).name}:{c.line}')} {g} .",
        f"{node} {nt_ckg('subject')} {s} {g} .",
        f"{node} {nt_ckg('predicate')} {p} {g} .",
        f"{node} {nt_ckg('object')} {o} {g} .",
    ]
    if c.by:
        agent = f"<{agent_iri(c.by)}>"
        out += [f"{node} <{PROV}wasAttributedTo> {agent} {g} .",
                f"{agent} <{RDF}type> <{PROV}Agent> {g} .",
                f"{agent} <{RDFS}label> {nt_literal(c.by)} {g} ."]
    if c.at:
        out.append(f"{node} <{PROV}generatedAtTime> {time_literal(c.at)} {g} .")
    if rec.former_label:
        out.append(f"{node} {nt_ckg('formerLabel')} {nt_literal(rec.former_label, 'zh-Hans')} {g} .")
    if rec.former_type:
        out.append(f"{node} {nt_ckg('formerType')} {nt_ckg(rec.former_type)} {g} .")
    return out


def curated_shard(facts: ReportFacts, records: list[Record]) -> Shard:
    """The report's named graph from its curated facts (with their evidence), plus the records."""
    base = shard_of(facts)
    lines = list(dict.fromkeys(line for rec in records for line in record_lines(rec, facts)))
    if not lines:
        return base
    extra = ("\n".join(lines) + "\n").encode("utf-8")
    trig = serialize(parse(extra, format=RdfFormat.N_QUADS), format=RdfFormat.TRIG)
    return Shard(facts.report, base.read_nquads() + extra, base.read_trig() + trig)
