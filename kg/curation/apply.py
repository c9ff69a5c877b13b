"""Apply corrections to one report's facts, as the rules left them: what a person said, bound to what they saw.

A correction names a report by its file name, entities by their labels, a missed fact by its
sentence's text: never a rule id or an offset, so it still applies after the rules change or the
report is edited elsewhere. Labels are compared after the project's normalisation (Traditional or
Simplified, glosses, punctuation and spaces aside); a sentence is normalised as the report was and
found in the report's normalised text, which gives back its offsets in the original.

`Curator.apply` changes a report's `ReportFacts` in place, in file-then-line order (a line applies
to what the lines before it left), and returns the `Record`s the report's evidence graph states
about what was done (kg.curation.rdf). The Curator counts, over a whole build, which corrections
took effect; `outcome` lists those that matched nothing, with the reason, for `kg build` and
`kg status`. Of several accept/reject verdicts on one fact only the last counts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from kg.curation.format import PERSON_TYPES, Correction
from kg.facts import Entity, Evidence, Relation, ReportFacts, person_key, split_person_key

ADD_RULE = "curation.add"  # the rule id of the evidence an `add` gives its fact

# what labels are compared without: quotes, brackets, the punctuation of running text and spaces
_LOOSE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】,，.。、;；:：!！?？·—\-_/]+")


def loose(label: str) -> str:
    """The form an (already normalised) label is compared in."""
    return _LOOSE.sub("", label).lower()


@lru_cache(maxsize=4096)
def label_key(text: str) -> str:
    """The comparison form of a label a person wrote: normalised as report text is (Traditional to
    Simplified, glosses dropped), then `loose`. A string the normaliser takes for a credit line
    ("记者 张三") is compared as written."""
    from kg.normalize import normalize

    norm = normalize(text).text.strip()
    return loose(norm or text)


def normalized_label(text: str) -> str:
    """The label an entity gets from a person's text (a rename's "to", an add's new entity)."""
    from kg.normalize import normalize

    return normalize(text).text.strip() or text.strip()


@dataclass
class Record:
    """What one correction did to one fact of one report, for the report's evidence graph.

    `subject`/`obj` are entity refs (type, key) or ("Report", name); `predicate` a relation type,
    or "type" for the fact that an entity exists (then `obj` is ("Class", type name)). `entity`
    holds the entities named, as they were, so a removed one still gets its IRI."""

    correction: Correction
    subject: tuple[str, str]
    predicate: str
    obj: tuple[str, str]
    former_label: str | None = None
    former_type: str | None = None
    evidence: Evidence | None = None      # an add's sentence
    entities: dict = field(default_factory=dict)


@dataclass
class Outcome:
    """What a build made of the corrections: how many took effect, which matched nothing and why,
    which a later verdict on the same fact replaced."""

    applied: list[Correction] = field(default_factory=list)
    unmatched: list[tuple[Correction, str]] = field(default_factory=list)
    superseded: list[tuple[Correction, Correction]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.applied) + len(self.unmatched) + len(self.superseded)

    def summary(self) -> str:
        """One line for `kg build`: "applied 3 corrections; 1 matches nothing: see kg status"."""
        n = len(self.applied)
        line = f"applied {n} correction{'s' if n != 1 else ''}"
        if self.superseded:
            line += f" ({len(self.superseded)} more replaced by a later verdict)"
        if self.unmatched:
            k = len(self.unmatched)
            line += f"; {k} match{'es' if k == 1 else ''} nothing: see kg status"
        return line


class Curator:
    """The corrections of one curation folder, applied report by report during a build.

    `text_of(report)` gives a report's normalised `Text` (kg.normalize.Text), or None when it cannot
    be read; only an `add` needs it (to find its sentence)."""

    def __init__(self, corrections: list[Correction], text_of: Callable[[str], object] | None = None):
        self.corrections = list(corrections)
        self.text_of = text_of
        self.hits: dict[int, int] = {}
        self.why: dict[int, str] = {}
        self.superseded: dict[int, int] = {}
        self.per_report: dict[str, list[int]] = {}
        self.global_: list[int] = []
        self.sources: set[tuple[str, str]] = set()  # (type, loose label) a corpus-wide line acts on
        last_verdict: dict[tuple, int] = {}
        for i, c in enumerate(self.corrections):
            if c.action in ("rename", "retype", "merge"):
                self.global_.append(i)
                name = c.get("from") or c.get("label") or c.get("drop")
                self.sources.add((c.get("type"), label_key(name)))
            else:
                self.per_report.setdefault(c.get("report"), []).append(i)
            if c.action in ("accept", "reject"):
                key = _verdict_key(c)
                if key in last_verdict:
                    self.superseded[last_verdict[key]] = i
                last_verdict[key] = i

    def __bool__(self) -> bool:
        return bool(self.corrections)

    def touches(self, facts: ReportFacts) -> bool:
        """Whether any correction may change this report (cheap: no evidence needed)."""
        if facts.report in self.per_report:
            return True
        if self.sources:
            return any((e.type, loose(e.label)) in self.sources for e in facts.entities)
        return False

    def apply(self, facts: ReportFacts) -> list[Record]:
        """Apply, in order, every correction that concerns this report; changes `facts` in place."""
        if not self.touches(facts):
            return []
        mine = sorted(set(self.per_report.get(facts.report, [])) | set(self.global_))
        state = _Facts(facts, self.text_of)
        records: list[Record] = []
        for i in mine:
            if i in self.superseded:
                continue
            c = self.corrections[i]
            done, why = _ACTIONS[c.action](state, c, records)
            if done:
                self.hits[i] = self.hits.get(i, 0) + done
            elif why and i not in self.why:
                self.why[i] = why
        state.finish()
        return records

    def outcome(self, reports: set[str], failed: dict[str, str] | None = None) -> Outcome:
        """The build's outcome, once every report went through `apply`: `reports` are those the build
        merged, `failed` those it could not read (name -> reason)."""
        failed = failed or {}
        out = Outcome()
        for i, c in enumerate(self.corrections):
            if i in self.superseded:
                out.superseded.append((c, self.corrections[self.superseded[i]]))
            elif self.hits.get(i):
                out.applied.append(c)
            else:
                out.unmatched.append((c, self._reason(i, c, reports, failed)))
        return out

    def _reason(self, i: int, c: Correction, reports: set[str], failed: dict[str, str]) -> str:
        report = c.get("report")
        if report is not None:
            if report in failed:
                return f"report {report} could not be read in the last build"
            if report not in reports:
                return f"report {report} is not in the corpus"
        return self.why.get(i) or _nothing(c)


def _nothing(c: Correction) -> str:
    name = c.get("from") or c.get("label") or c.get("drop")
    return f"no {c.get('type')} labelled {name!r} in the corpus"


def _verdict_key(c: Correction) -> tuple:
    if "predicate" in c.fields:
        return (c.get("report"), c.get("predicate"), label_key(c.get("subject")), label_key(c.get("object")),
                c.get("subject_type"), c.get("object_type"))
    return (c.get("report"), c.get("type"), label_key(c.get("label")))


class _Facts:
    """One report's facts while corrections change them: entities by ref, relations by key."""

    def __init__(self, facts: ReportFacts, text_of: Callable[[str], object] | None = None):
        self.facts = facts
        self.text_of = text_of or (lambda report: None)
        self.report = facts.report
        self.entities: dict[tuple[str, str], Entity] = {e.ref: e for e in facts.entities}
        self.relations: dict[tuple, Relation] = {}
        for r in facts.relations:
            self._put_relation(r)

    def _put_relation(self, r: Relation) -> None:
        key = (r.type, r.source, r.target)
        have = self.relations.get(key)
        if have is None:
            self.relations[key] = r
        else:
            have.evidence.extend(ev for ev in r.evidence if ev not in have.evidence)

    def finish(self) -> None:
        self.facts.entities = list(self.entities.values())
        self.facts.relations = [r for r in self.relations.values()
                                if r.source != r.target  # a merge can make a node link to itself
                                and (r.source in self.entities or r.source[0] == "Report")
                                and r.target in self.entities]

    def named(self, label: str, typ: str | None = None) -> list[Entity]:
        """Entities of this report labelled `label` (a person's text), of type `typ` if given."""
        want = label_key(label)
        return [e for e in self.entities.values() if loose(e.label) == want and (typ is None or e.type == typ)]

    def end(self, label: str, typ: str | None) -> list[tuple[str, str]]:
        """Refs a relation end named `label` may be: entities, or the report itself by its file name."""
        refs = [e.ref for e in self.named(label, typ)]
        if not refs and typ in (None, "Report") and label.strip() == self.report:
            refs = [("Report", self.report)]
        return refs

    def relations_between(self, c: Correction) -> list[Relation]:
        subjects = set(self.end(c.get("subject"), c.get("subject_type")))
        objects = set(self.end(c.get("object"), c.get("object_type")))
        return [r for r in self.relations.values()
                if r.type == c.get("predicate") and r.source in subjects and r.target in objects]

    def relabel(self, ent: Entity, typ: str, label: str) -> Entity:
        """Give `ent` a new type and/or label (and so a new ref); it joins an entity of that ref."""
        if ent.type in PERSON_TYPES:
            county, report, _ = split_person_key(ent.key)
            key = person_key(label, county, report) if (county or report) else label
        else:
            key = label
        new_ref = (typ, key)
        old_ref = ent.ref
        if new_ref == old_ref:
            ent.label = label
            return ent
        del self.entities[old_ref]
        into = self.entities.get(new_ref)
        if into is None:
            ent.type, ent.key, ent.label = typ, key, label
            into = self.entities[new_ref] = ent
        else:
            for s in ent.surfaces:
                if s not in into.surfaces:
                    into.surfaces.append(s)
            for k, v in ent.attrs.items():
                if isinstance(v, list):
                    cur = into.attrs.setdefault(k, [])
                    cur.extend(x for x in v if x not in cur)
                else:
                    into.attrs.setdefault(k, v)
            into.evidence.extend(ev for ev in ent.evidence if ev not in into.evidence)
        moved = list(self.relations.values())
        self.relations = {}
        for r in moved:
            if r.source == old_ref:
                r.source = new_ref
            if r.target == old_ref:
                r.target = new_ref
            self._put_relation(r)
        return into

    def drop_entity(self, ent: Entity) -> None:
        del self.entities[ent.ref]
        self.relations = {k: r for k, r in self.relations.items() if ent.ref not in (r.source, r.target)}


def _snapshot(state: _Facts, *refs) -> dict:
    return {ref: state.entities[ref] for ref in refs if ref in state.entities}


def _retarget(records: list[Record], old: tuple, new: tuple) -> None:
    """Earlier records of this report follow an entity a later line renamed or retyped."""
    for rec in records:
        if rec.subject == old:
            rec.subject = new
        if rec.obj == old:
            rec.obj = new


def _verdict(state: _Facts, c: Correction, records: list[Record]) -> tuple[int, str | None]:
    if "predicate" in c.fields:
        found = state.relations_between(c)
        if not found:
            return 0, (f"no {c.get('predicate')} fact {c.get('subject')} → {c.get('object')} "
                       f"in {state.report}")
        for r in found:
            records.append(Record(c, r.source, r.type, r.target, entities=_snapshot(state, r.source, r.target)))
            if c.action == "reject":
                del state.relations[(r.type, r.source, r.target)]
        return len(found), None
    ents = state.named(c.get("label"), c.get("type"))
    if not ents:
        return 0, f"no {c.get('type')} labelled {c.get('label')!r} in {state.report}"
    for e in ents:
        records.append(Record(c, e.ref, "type", ("Class", e.type), entities={e.ref: e}))
        if c.action == "reject":
            state.drop_entity(e)
    return len(ents), None


def _relabel_all(state: _Facts, c: Correction, records: list[Record], ents: list[Entity], typ: str | None,
                 label: str | None, alt: bool) -> int:
    """Give each of `ents` type `typ` and label `label` (None: keep its own); `alt` keeps the old
    label as an alternative one (a merge)."""
    for e in ents:
        old_ref, former_label, former_type = e.ref, e.label, e.type
        kept = state.relabel(e, typ or e.type, label or e.label)
        if alt and former_label != kept.label:
            alts = kept.attrs.setdefault("alt_labels", [])
            if former_label not in alts:
                alts.append(former_label)
        _retarget(records, old_ref, kept.ref)
        records.append(Record(c, kept.ref, "type", ("Class", kept.type),
                              former_label=former_label if former_label != kept.label else None,
                              former_type=former_type if former_type != kept.type else None,
                              entities={kept.ref: kept}))
    return len(ents)


def _rename(state: _Facts, c: Correction, records: list[Record]) -> tuple[int, str | None]:
    ents = state.named(c.get("from"), c.get("type"))
    return _relabel_all(state, c, records, ents, None, normalized_label(c.get("to")), False), None


def _merge(state: _Facts, c: Correction, records: list[Record]) -> tuple[int, str | None]:
    ents = state.named(c.get("drop"), c.get("type"))
    return _relabel_all(state, c, records, ents, None, normalized_label(c.get("keep")), True), None


def _retype(state: _Facts, c: Correction, records: list[Record]) -> tuple[int, str | None]:
    ents = state.named(c.get("label"), c.get("type"))
    return _relabel_all(state, c, records, ents, c.get("to"), None, False), None


def find_sentence(text, sentence: str) -> tuple[int, int] | None:
    """Where a person's `sentence` is in a report's normalised `Text`: (start, end) in `text.text`,
    compared without spaces (a person may copy a line break or drop a space)."""
    from kg.normalize import normalize

    want = normalize(sentence).text.strip() or sentence.strip()
    at = text.text.find(want)
    if at >= 0:
        return at, at + len(want)
    squeeze = "".join(want.split())
    if not squeeze:
        return None
    idx = [i for i, ch in enumerate(text.text) if not ch.isspace()]
    flat = "".join(text.text[i] for i in idx)
    at = flat.find(squeeze)
    if at < 0:
        return None
    return idx[at], idx[at + len(squeeze) - 1] + 1


def _new_entity(state: _Facts, label: str, typ: str, ev: Evidence) -> Entity:
    name = normalized_label(label)
    county = state.facts.meta.get("county")
    if typ in PERSON_TYPES:
        key = person_key(name, county, state.report)
    else:
        key = name
    ent = state.entities.get((typ, key))
    if ent is None:
        ent = state.entities[(typ, key)] = Entity(typ, key, name, [], {}, [])
        if typ == "Official":
            ent.attrs["county"] = county
        if typ == "County":
            from kg import divisions

            found = divisions.load().lookup(name)
            if found:
                ent.attrs["code"] = found[0].code
    if ev not in ent.evidence:
        ent.evidence.append(ev)
    return ent


def _add(state: _Facts, c: Correction, records: list[Record]) -> tuple[int, str | None]:
    text = state.text_of(state.report)
    if text is None:
        return 0, f"report {state.report} could not be read to find the sentence"
    span = find_sentence(text, c.get("sentence"))
    if span is None:
        return 0, f"the sentence is not in {state.report}"
    s, e = span
    os_, oe = text.original_span(s, e)
    ev = Evidence(state.report, text.text[s:e].strip(), os_, oe, ADD_RULE)
    ends = []
    for role in ("subject", "object"):
        label, typ = c.get(role), c.get(f"{role}_type")
        refs = state.end(label, typ)
        if len(refs) > 1:
            refs = refs[:1]  # two of one label differ only in type: the first, as the report lists them
        if refs:
            ends.append(refs[0])
            continue
        if typ is None:
            return 0, f"{role} {label!r} is not an entity of {state.report}: give {role}_type to add it"
        if typ == "Target":
            return 0, f"a new figure cannot be added by its label ({role} {label!r}): reject the wrong one"
        ent = _new_entity(state, label, typ, ev)
        records.append(Record(c, ent.ref, "type", ("Class", typ), evidence=ev, entities={ent.ref: ent}))
        ends.append(ent.ref)
    src, tgt = ends
    if src == tgt:
        return 0, f"subject and object are the same entity ({c.get('subject')!r})"
    state._put_relation(Relation(c.get("predicate"), src, tgt, [ev]))
    records.append(Record(c, src, c.get("predicate"), tgt, evidence=ev, entities=_snapshot(state, src, tgt)))
    return 1, None


_ACTIONS = {"accept": _verdict, "reject": _verdict, "rename": _rename, "merge": _merge, "retype": _retype,
            "add": _add}

