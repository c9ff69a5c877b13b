"""Relations between mentions, each with the sentence it was read from.

- implements: the report's county stands behind every initiative the report
  names (县委, 组织部, 我县 are the county in this genre);
- targets: an initiative and a group in the same clause, else in the same
  sentence when that sentence names exactly one initiative;
- hasTarget: a figure belongs to the initiative named before it in its
  sentence, else to the report's county;
- locatedIn: a place to its town (when the text pairs them) or to its county.
Generic groups (干部, 人才) that no initiative targets are dropped here.
"""
from __future__ import annotations

import bisect
import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.component import LINKS, MENTIONS, REPORT_COUNTY
from kg.nlp.mentions import Link, Mention, doc_text, mentions, sentence_of

_CLAUSE = re.compile(r"[，；：,;:]")
INITIATIVES = ("Programme", "Mechanism")


def clause_marks(text: str) -> list[int]:
    """Offsets of the clause marks, found once per Doc so that a mention's clause is two bisects."""
    return [m.start() for m in _CLAUSE.finditer(text)]


def clause_of(marks: list[int], sent: tuple[int, int], pos: int) -> tuple[int, int]:
    """The clause around pos: from after the last mark before it to the next mark, inside its sentence
    (scanning the sentence instead made a long sentence quadratic)."""
    s, e = sent
    i = bisect.bisect_left(marks, pos)
    left = marks[i - 1] + 1 if i > 0 and marks[i - 1] >= s else s
    right = marks[i] if i < len(marks) and marks[i] < e else e
    return (left, right)


class RelationLinker:
    def __init__(self, nlp: Language, name: str):
        pass

    def __call__(self, doc: Doc) -> Doc:
        marks = clause_marks(doc_text(doc))
        out = doc._.kg_links if doc._.kg_links is not None else []
        county = doc._.kg_report_county
        inits = mentions(doc, *INITIATIVES)
        groups = mentions(doc, "Group")
        county_ref = ("County", county) if county else None
        for m in inits:
            if county_ref:
                s, e = sentence_of(doc, m.start)
                out.append(Link("implements", county_ref, m, s, e, "implements.report_county"))
        by_sent: dict[tuple[int, int], list] = {}
        for m in inits:
            by_sent.setdefault(sentence_of(doc, m.start), []).append(m)
        for g in groups:
            sent = sentence_of(doc, g.start)
            cands = by_sent.get(sent, [])
            if not cands:
                continue
            clause = clause_of(marks, sent, g.start)
            holder = [m for m in cands if m.start <= g.start and g.end <= m.end]
            near = [m for m in cands if clause[0] <= m.start < clause[1] or m.start <= g.start < m.end]
            rule = "targets.same_clause"
            if holder:  # a group inside an initiative's name belongs to that initiative only
                near, rule = holder[:1], "targets.inside_name"
            elif near:  # else the nearest initiative of the clause
                near = [min(near, key=lambda m: min(abs(m.start - g.end), abs(g.start - m.end)))]
            elif len(cands) == 1:
                near, rule = cands, "targets.same_sentence"
            elif before := [m for m in cands if m.end <= g.start]:
                # no initiative in the group's clause: the one the sentence last named before it
                # (实施青苗计划，…，从科技带头人、大学生村官…中择优遴选)
                near, rule = [max(before, key=lambda m: m.end)], "targets.previous_in_sentence"
            for m in near:
                out.append(Link("targets", m, g, sent[0], sent[1], rule))
        # bare generic heads (干部, 人才, 党员) are never groups of their own (ANNOTATION.md: too generic)
        doc._.kg_mentions = [m for m in mentions(doc) if not (m.type == "Group" and m.attrs.get("generic"))]
        dropped = {id(m) for m in groups if m.attrs.get("generic")}
        out[:] = [ln for ln in out if not (ln.type == "targets" and id(ln.target) in dropped)]
        # a short form of a group the report also names whole (实用人才 beside 农村实用人才) is that
        # group said again: it stays a group of its own only where an initiative acts on it
        linked = {ln.target.label for ln in out if ln.type == "targets" and isinstance(ln.target, Mention)
                  and ln.rule != "targets.previous_in_sentence"}
        gone = {id(m) for m in groups if m.attrs.get("short_of") and m.label not in linked}
        doc._.kg_mentions = [m for m in doc._.kg_mentions if id(m) not in gone]
        out[:] = [ln for ln in out if not (ln.type == "targets" and id(ln.target) in gone)]
        for t in mentions(doc, "Target"):
            sent = sentence_of(doc, t.start)
            clause = clause_of(marks, sent, t.start)
            in_clause = [m for m in by_sent.get(sent, []) if clause[0] <= m.start < clause[1]]
            before = [m for m in by_sent.get(sent, []) if m.start < t.start]
            owner = min(in_clause, key=lambda m: abs(m.start - t.start)) if in_clause else (before[-1] if before else None)
            if owner is not None:
                rule = "hasTarget.initiative_in_clause" if in_clause else "hasTarget.initiative_in_sentence"
                out.append(Link("hasTarget", owner, t, sent[0], sent[1], rule))
            elif county_ref:
                out.append(Link("hasTarget", county_ref, t, sent[0], sent[1], "hasTarget.report_county"))
        for p in mentions(doc, "Place"):
            sent = sentence_of(doc, p.start)
            town = p.attrs.get("town")
            if town:
                out.append(Link("locatedIn", p, ("Place", town), sent[0], sent[1], "locatedIn.town"))
            elif p.attrs.get("county"):
                out.append(Link("locatedIn", p, ("County", p.attrs["county"]), sent[0], sent[1], "locatedIn.county"))
        doc._.kg_links = out
        return doc


@Language.factory("kg_relations", assigns=[LINKS, MENTIONS], requires=[MENTIONS, REPORT_COUNTY])
def make_relation_linker(nlp: Language, name: str) -> RelationLinker:
    return RelationLinker(nlp, name)
