"""Run the pipeline on one normalised report and turn what it left on the Doc into ReportFacts."""
from __future__ import annotations

from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from kg import divisions
from kg.dates import report_date
from kg.facts import Entity, Evidence, Relation, ReportFacts, person_key
from kg.nlp.mentions import Mention, mentions, sentence_of
from kg.timings import NO_TIMINGS, Timings


def make_doc(nlp: Language, text, report: str, meta: dict | None = None) -> Doc:
    """The tokenised Doc of a normalised `Text` (kg.normalize.Text), carrying what the components read."""
    nlp.max_length = max(nlp.max_length, len(text.text) + 1)  # the rules are linear; spaCy's cap is for parsers
    doc = nlp.make_doc(text.text)
    doc._.kg_text = text
    doc._.kg_report_name = report
    doc.user_data["kg_meta"] = dict(meta or {})
    doc._.kg_mentions = []
    doc._.kg_links = []
    return doc


def run(nlp: Language, text, report: str, meta: dict | None = None, timings: Timings = NO_TIMINGS) -> Doc:
    """The annotated Doc for a normalised `Text`: `nlp(doc)` runs the pipeline on it. With `timings`
    the components run one by one, each timed as its stage (`nlp.tokenizer`, `nlp.kg_counties`, …)."""
    if not timings:
        return nlp(make_doc(nlp, text, report, meta))
    with timings.stage("nlp.tokenizer"):
        doc = make_doc(nlp, text, report, meta)
    for name, proc in nlp.pipeline:
        with timings.stage(f"nlp.{name}"):
            doc = proc(doc)
    return doc


def pipe(nlp: Language, items: Iterable[tuple], batch_size: int = 8) -> Iterator[Doc]:
    """The annotated Docs of (text, report, meta) items, through `nlp.pipe`."""
    return nlp.pipe((make_doc(nlp, *item) for item in items), batch_size=batch_size)


# the credit roles that write the report: `authoredBy` holds these, not editors nor photographers
BYLINE_ROLES = frozenset({"author", "reporter", "correspondent", "special correspondent"})


class _Sentences(dict):
    """(sentence, start, end in the original) of a span of the text, worked out once: a report's
    mentions and links share their sentences."""

    def __init__(self, text):
        super().__init__()
        self.text = text

    def __missing__(self, span: tuple[int, int]) -> tuple[str, int, int]:
        s, e = span
        self[span] = found = (self.text.text[s:e].strip(), *self.text.original_span(s, e))
        return found


def _evidence(doc, sentences: _Sentences, source, m: Mention) -> Evidence:
    if m.attrs.get("sidecar"):
        return Evidence(source.name, f"sidecar metadata: county={m.attrs.get('surface', '')}", 0, 0, m.rule)
    credit = m.attrs.get("credit")
    if credit is not None:
        return Evidence(source.name, source.text[credit.start:credit.end].strip(), credit.start, credit.end, m.rule)
    return Evidence(source.name, *sentences[sentence_of(doc, m.start)], m.rule)


def _surface(original: str, text, start: int, end: int) -> str:
    """The name as the report writes it (Traditional, say), without pinyin glosses or dropped junk."""
    if start < 0:
        return "".join(original[text.origin[i]] for i in range(start, min(end, len(text.origin)))
                       if text.origin[i] < len(original))
    n = len(original)
    return "".join([original[o] for o in text.origin[start:end] if o < n])


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
    if not facts.meta.get("date"):  # a sidecar's date (or the page's own metadata) always wins
        day = report_date(text.text)
        if day:
            facts.meta["date"] = day
            facts.meta["date_read"] = "text"  # where the date came from: the report's own words
    county = doc._.kg_report_county
    if county:
        facts.meta.setdefault("county", county)
    ents: dict[tuple[str, str], Entity] = {}
    keys: dict[int, tuple[str, str]] = {}
    seen_ev: set = set()
    sentences = _Sentences(text)
    div = divisions.load()
    scope: dict[tuple[str, str], str | None] = {}  # (type, name) -> the county its node is keyed by
    for m in mentions(doc):
        if m.type in ("Official", "Person"):
            # one node per name within a report: its first mention decides the county
            home = scope.setdefault((m.type, m.label),
                                    _official_county(m, county, div) if m.type == "Official" else county)
            ref = (m.type, person_key(m.label, home, report))
        else:
            ref = (m.type, _key(m, report))
        keys[id(m)] = ref
        ev = _evidence(doc, sentences, source, m)
        ent = ents.get(ref)
        if ent is None:
            ent = ents[ref] = Entity(m.type, ref[1], m.label, [], _attrs(m), [])
            if m.type == "Official":
                ent.attrs.setdefault("county", scope[(m.type, m.label)])
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
        ev = Evidence(report, *sentences[(s, e)], link.rule)
        rel = rels.setdefault((link.type, src, tgt), Relation(link.type, src, tgt, []))
        if (link.type, src, tgt, ev) not in seen_ev:
            seen_ev.add((link.type, src, tgt, ev))
            rel.evidence.append(ev)
    for m in mentions(doc, "Official", "Person"):
        credit = m.attrs.get("credit")
        # a byline writes the report (its author, reporters, correspondents); an editor (责编) or a
        # photographer credited for a picture did not write it, and is no author
        if credit is not None and (credit.role == "author" or (
                m.type == "Person" and set(m.attrs.get("roles") or [credit.role]) & BYLINE_ROLES)):
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


# Offices above the county (省委常委, 市委组织部副部长, 自治区…): their holder's post is in no county.
_ABOVE_COUNTY = ("省", "自治区", "州委", "州政府", "中央", "国家", "国务院", "全国")
_CITY = ("市委", "市政府", "市人大", "市政协", "市纪委")


def _official_county(m: Mention, report_county: str | None, div) -> str | None:
    place = m.attrs.get("place") or ""
    if place:
        for name in (place, place[:-1]):
            found = div.lookup(name)
            if found:  # a short form several counties share: the report's own, if it is one of them
                return next((c.name for c in found if c.name == report_county), found[0].name)
    titles = m.attrs.get("titles") or []
    city_is_county = bool(report_county and report_county.endswith("市"))  # a county-level city: 市委 is its own
    if titles and all(t.startswith(_ABOVE_COUNTY) or (t.startswith(_CITY) and not city_is_county) for t in titles):
        return None
    return report_county


def _merge_attrs(ent: Entity, m: Mention) -> None:
    for k, v in _attrs(m).items():
        if isinstance(v, list):
            cur = ent.attrs.setdefault(k, [])
            cur.extend(x for x in v if x not in cur)
        else:
            ent.attrs.setdefault(k, v)
