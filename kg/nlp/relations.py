"""Relations between mentions, each with the sentence it was read from.

- implements: the report's county stands behind every initiative the report
  names (县委, 组织部, 我县 are the county in this genre);
- targets: an initiative and a group in the same clause (the initiative of the
  group's own list item first), else in the same sentence when that sentence
  names exactly one initiative, else the initiative named last before it; a
  list of initiatives (“甲”和“乙”计划) links each item; an initiative whose name
  holds a group the report names (a document's title) acts on that group;
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
# what may stand between two items of one list of initiatives (“名校优生”和“归巢”计划; 领导包联、工作组驻村)
_LIST_GAP = re.compile(r"(?:[、和与及或“”‘’《》\s]|以及)*")
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


def _segment(text: str, clause: tuple[int, int], pos: int) -> tuple[int, int]:
    """The list item (between 、 marks) of the clause around pos."""
    left = text.rfind("、", clause[0], pos)
    right = text.find("、", pos, clause[1])
    return (left + 1 if left >= 0 else clause[0], right if right >= 0 else clause[1])


def _with_coordinated(chosen: list, cands: list, text: str) -> list:
    """The chosen initiative with those listed together with it (A、B和C制度: a group the list acts on
    is acted on by each item), found by walking over list gaps both ways."""
    if len(chosen) != 1:
        return chosen
    order = sorted(cands, key=lambda m: m.start)
    i = next(k for k, m in enumerate(order) if m is chosen[0])
    lo = hi = i
    while lo > 0 and order[lo - 1].end <= order[lo].start and _LIST_GAP.fullmatch(text, order[lo - 1].end, order[lo].start):
        lo -= 1
    while hi + 1 < len(order) and order[hi].end <= order[hi + 1].start and _LIST_GAP.fullmatch(text, order[hi].end, order[hi + 1].start):
        hi += 1
    return order[lo:hi + 1]


def _link_groups_named_inside(inits: list, groups: list, out: list, doc: Doc) -> None:
    """An initiative whose name holds a group the report names elsewhere acts on that group
    (《关于选派机关优秀干部到村任第一书记的实施意见》 → 第一书记; 农村实用人才开发规划 → 农村实用人才):
    the group tagger does not look inside a document's title, so the link is read from the name.
    Only the longest group at a place in the name; generic heads and short forms are left out."""
    labels = {g.label: g for g in groups if not g.attrs.get("generic") and not g.attrs.get("short_of")
              and len(g.label) >= 2}
    if not labels:
        return
    have = {(id(ln.source), ln.target.label) for ln in out if ln.type == "targets" and isinstance(ln.target, Mention)}
    done: set[tuple[str, str]] = set()
    for m in inits:
        name = m.label
        found = []
        for lab in labels:
            i = name.find(lab)
            if i >= 0:
                found.append((i, i + len(lab), lab))
        found = [f for f in found if not any(o != f and o[0] <= f[0] and f[1] <= o[1] for o in found)]
        for _, _, lab in found:
            if (id(m), lab) in have or (m.label, lab) in done:
                continue
            done.add((m.label, lab))
            s, e = sentence_of(doc, m.start)
            out.append(Link("targets", m, labels[lab], s, e, "targets.group_in_name"))


# an initiative a clause only takes its bearings from (结合“不忘初心”主题教育，开展…23期; 围绕“四个组团”建设，设立…):
# the figures of the clauses after it are not its own
_FRAME = re.compile(r"(?:结合|围绕|聚焦|对照|紧扣|紧盯|按照|根据|依据)[^，；：,;:]{0,6}$")


def _bundles(cands: list, text: str) -> dict[int, object]:
    """Each part of a bundle (“五个一”制度(记一本工作日志、…), “六大工程”(固本强基、…): the parts share the span of
    their list) mapped to its bundle, the count label that ends right before the list."""
    spans: dict[tuple[int, int], list] = {}
    for m in cands:
        spans.setdefault((m.start, m.end), []).append(m)
    out: dict[int, object] = {}
    for (s, _), parts in spans.items():
        if len(parts) < 2:
            continue
        heads = [b for b in cands if b.end <= s and s - b.end <= 3 and b.rule == parts[0].rule
                 and re.fullmatch(r"[(（，,：:]?\s*(?:即|包括)?[：:]?", text[b.end:s])]
        if heads:
            for m in parts:
                out[id(m)] = max(heads, key=lambda b: b.end)
    return out


def _earlier_part(doc: Doc, text: str, sent: tuple[int, int], by_sent: dict) -> list:
    """The initiatives of the part just before this one in a sentence that ； divides, where this part
    goes on a series of clauses that part began after them (…制度，对表现突出的，…；对表现较差的，…): a
    part that opens on a verb of its own (…制度；加大调研工作…) is a new matter. [] if none."""
    s = sent[0]
    if s == 0 or text[s - 1] not in "；;":
        return []
    prev = sentence_of(doc, s - 1)
    inits = by_sent.get(prev, []) if prev[1] == s and prev[0] < s else []
    if not inits:
        return []
    after = max(m.end for m in inits)
    opening = text[s:s + 2]
    clauses = [m.end() for m in _CLAUSE.finditer(text, after, prev[1] - 1)]
    return inits if len(opening) == 2 and any(text.startswith(opening, c) for c in clauses) else []


# what a document's title adds to the initiative it launches (关于实施…的意见)
_DOC_FRAME = re.compile(r"(?:关于)?(?:在?全[县市区旗])?(?:进一步)?(?:实施|推进|开展|推行|建立|加强|深化|做好)*"
                        r"的?(?:实施意见|指导意见|意见|实施方案|工作方案|方案|实施办法|办法|实施细则|细则|通知|规定)?")


def _framed(text: str, marks: list[int], sent: tuple[int, int], m) -> bool:
    clause = clause_of(marks, sent, m.start)
    return bool(_FRAME.search(text, clause[0], m.start))


def _figure_owner(text: str, marks: list[int], sent: tuple[int, int], t, cands: list):
    """The initiative a figure belongs to (ANNOTATION.md hasTarget), or None for the county:
    the nearest initiative of the figure's clause, else the one the sentence last named before it,
    leaving out an initiative the sentence only frames itself by."""
    clause = clause_of(marks, sent, t.start)
    in_clause = [m for m in cands if clause[0] <= m.start < clause[1]]
    if in_clause:
        return min(in_clause, key=lambda m: abs(m.start - t.start)), "hasTarget.initiative_in_clause"
    before = [m for m in cands if m.start < t.start and not _framed(text, marks, sent, m)]
    if before:
        owner = max(before, key=lambda m: m.end)
        # a document the sentence opens with (制定出台《…方案》，…，选派党支部书记2名) stands over the
        # measures the sentence then lists: the figures of clauses without an initiative are the document's
        first = clause_of(marks, sent, sent[0])
        docs = [m for m in before if first[0] <= m.start < first[1] and text.startswith("《", m.start)]
        if docs:
            owner = docs[0]
        owner = _bundles(cands, text).get(id(owner), owner)  # a figure after a bundle's list is the bundle's
        # a document named for the initiative it launches (《关于实施“强村领航工程”的意见》): the initiative's
        # (a document with content of its own, 《关于推进“三基建设”2018年重点工作任务的实施方案》, keeps them)
        inner = [m for m in before if m is not owner and owner.start <= m.start and m.end <= owner.end
                 and _DOC_FRAME.fullmatch(owner.label.replace(m.label, "", 1))]
        if inner:
            owner = max(inner, key=lambda m: m.end - m.start)
        return owner, "hasTarget.initiative_in_sentence"
    return None, ""


class RelationLinker:
    def __init__(self, nlp: Language, name: str):
        pass

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        marks = clause_marks(text)
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
                # none in its part of a sentence that ； divides: the initiative the sentence named last
                # before that part (建立“五个一”制度(…)，对他们…；对表现较差的，及时淘汰出后备干部队伍)
                prev = _earlier_part(doc, text, sent, by_sent)
                if prev:
                    m = max(prev, key=lambda m: m.end)
                    m = _bundles(prev, text).get(id(m), m)
                    out.append(Link("targets", m, g, sent[0], sent[1], "targets.previous_in_sentence"))
                continue
            clause = clause_of(marks, sent, g.start)
            holder = [m for m in cands if m.start <= g.start and g.end <= m.end]
            near = [m for m in cands if clause[0] <= m.start < clause[1] or m.start <= g.start < m.end]
            rule = "targets.same_clause"
            if holder:  # a group inside an initiative's name belongs to that initiative only
                near, rule = holder[:1], "targets.inside_name"
            elif near:  # else the nearest initiative of the clause, one of its own list item first
                # (在窗口单位开展“甲”、在乡镇干部中推行“乙”: the group is 乙's)
                seg = _segment(text, clause, g.start)
                near = [m for m in near if seg[0] <= m.start < seg[1]] or near
                near = [min(near, key=lambda m: min(abs(m.start - g.end), abs(g.start - m.end)))]
            elif len(cands) == 1:
                near, rule = cands, "targets.same_sentence"
            elif before := [m for m in cands if m.end <= g.start]:
                # no initiative in the group's clause: the one the sentence last named before it
                # (实施青苗计划，…，从科技带头人、大学生村官…中择优遴选)
                near, rule = [max(before, key=lambda m: m.end)], "targets.previous_in_sentence"
            if rule in ("targets.same_clause", "targets.previous_in_sentence"):
                near = _with_coordinated(near, cands, text)
            parts_of = _bundles(cands, text)
            if rule == "targets.previous_in_sentence":
                # a group in a clause after a bundle's list is the bundle's (建立“五个一”制度(…)，…；…后备干部)
                near = list({id(b): b for b in (parts_of.get(id(m), m) for m in near)}.values())
            elif rule == "targets.same_clause" and len(near) == 1 and g.end <= near[0].start:
                # a group that sets the scope of a bundle (在组工干部中开展“五个一”活动，即…) is each part's too
                near = near + [m for m in cands if parts_of.get(id(m)) is near[0]]
            for m in near:
                out.append(Link("targets", m, g, sent[0], sent[1], rule))
        _link_groups_named_inside(inits, groups, out, doc)
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
            owner, rule = _figure_owner(text, marks, sent, t, sorted(by_sent.get(sent, []), key=lambda m: m.start))
            if owner is not None:
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
