"""Run the pipeline on one normalised report and turn what it left on the Doc into ReportFacts."""
from __future__ import annotations

from spacy.language import Language

from kg import divisions
from kg.facts import Entity, Evidence, Relation, ReportFacts
from kg.nlp.mentions import Mention, mentions, sentence_of


def run(nlp: Language, text, report: str, meta: dict | None = None):
    """The annotated Doc for a normalised `Text` (kg.normalize.Text)."""
    nlp.max_length = max(nlp.max_length, len(text.text) + 1)  # the rules are linear; spaCy's cap is for parsers
    doc = nlp.make_doc(text.text)
    doc._.kg_text = text
    doc._.kg_report_name = report
    doc.user_data["kg_meta"] = dict(meta or {})
    doc._.kg_mentions = []
    doc._.kg_links = []
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def _evidence(doc, text, source, m: Mention) -> Evidence:
    if m.attrs.get("sidecar"):
        return Evidence(source.name, f"sidecar metadata: county={m.attrs.get('surface', '')}", 0, 0, m.rule)
    credit = m.attrs.get("credit")
    if credit is not None:
        return Evidence(source.name, source.text[credit.start:credit.end].strip(), credit.start, credit.end, m.rule)
    s, e = sentence_of(doc, m.start)
    os_, oe = text.original_span(s, e)
    return Evidence(source.name, text.text[s:e].strip(), os_, oe, m.rule)


def _surface(original: str, text, start: int, end: int) -> str:
    """The name as the report writes it (Traditional, say), without pinyin glosses or dropped junk."""
    return "".join(original[text.origin[i]] for i in range(start, min(end, len(text.origin)))
                   if text.origin[i] < len(original))


def _attrs(m: Mention) -> dict:
    return {k: v for k, v in m.attrs.items() if k not in ("credit", "generic", "sidecar")}


def _key(m: Mention, report: str) -> str:
    if m.type == "Target":  # figures are facts of one report
        return f"{report}#{m.start}"
    return m.label


def to_facts(doc, text, source) -> ReportFacts:
    report = source.name
    facts = ReportFacts(report=report, meta=dict(source.meta), warnings=list(source.warnings))
    facts.meta["chars"] = len(source.text)
    county = doc._.kg_report_county
    if county:
        facts.meta.setdefault("county", county)
    ents: dict[tuple[str, str], Entity] = {}
    keys: dict[int, tuple[str, str]] = {}
    seen_ev: set = set()
    div = divisions.load()
    for m in mentions(doc):
        ref = (m.type, _key(m, report))
        keys[id(m)] = ref
        ev = _evidence(doc, text, source, m)
        ent = ents.get(ref)
        if ent is None:
            ent = ents[ref] = Entity(m.type, ref[1], m.label, [], _attrs(m), [])
            if m.type == "Official":
                ent.attrs.setdefault("county", _official_county(m, county, div))
        else:
            _merge_attrs(ent, m)
        if m.start < m.end and m.attrs.get("credit") is None:
            surf = _surface(source.text, text, m.start, m.end)
            if surf and surf not in ent.surfaces[-8:] and surf not in ent.surfaces:
                ent.surfaces.append(surf)
        if (ref, ev) not in seen_ev:  # a set, not list membership: long reports repeat facts a lot
            seen_ev.add((ref, ev))
            ent.evidence.append(ev)
    rels: dict[tuple, Relation] = {}
    for link in doc._.kg_links or []:
        src = keys.get(id(link.source), link.source) if isinstance(link.source, Mention) else tuple(link.source)
        tgt = keys.get(id(link.target), link.target) if isinstance(link.target, Mention) else tuple(link.target)
        if src not in ents or tgt not in ents:
            continue
        s, e = link.start, link.end
        os_, oe = text.original_span(s, e)
        ev = Evidence(report, text.text[s:e].strip(), os_, oe, link.rule)
        rel = rels.setdefault((link.type, src, tgt), Relation(link.type, src, tgt, []))
        if (link.type, src, tgt, ev) not in seen_ev:
            seen_ev.add((link.type, src, tgt, ev))
            rel.evidence.append(ev)
    for m in mentions(doc, "Official", "Person"):
        credit = m.attrs.get("credit")
        if credit is not None and credit.role == "author" or (credit is not None and m.type == "Person"):
            ref = keys[id(m)]
            ev = Evidence(report, source.text[credit.start:credit.end].strip(), credit.start, credit.end,
                          "authoredBy.credit")
            rels.setdefault(("authoredBy", ("Report", report), ref),
                            Relation("authoredBy", ("Report", report), ref, [ev]))
    facts.entities = list(ents.values())
    facts.relations = list(rels.values())
    for mb in getattr(text, "mojibake", []) or []:
        facts.notes.append(f"mojibake at {mb.start}-{mb.end}: {mb.text!r} -> {mb.repaired!r}")
    return facts


def _official_county(m: Mention, report_county: str | None, div) -> str | None:
    place = m.attrs.get("place") or ""
    if place:
        for c in div.lookup(place):
            return c.name
        for c in div.lookup(place[:-1]):
            return c.name
    return report_county


def _merge_attrs(ent: Entity, m: Mention) -> None:
    for k, v in _attrs(m).items():
        if isinstance(v, list):
            cur = ent.attrs.setdefault(k, [])
            cur.extend(x for x in v if x not in cur)
        else:
            ent.attrs.setdefault(k, v)
