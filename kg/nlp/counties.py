"""Counties: division names from the shipped list, short forms, and the report's own county.

Full names (盐亭县, 达尔罕茂明安联合旗) and the list's own short forms (达茂旗)
are taken wherever they occur. A bare short form (东源, 乌审) is too easily a
word of its own, so it counts only where a county word follows it (东源县委,
乌审旗) or where the full name or a county-level organ confirms it elsewhere in
the report, and only when exactly one county in the list has that short form.
"""
from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from kg import divisions
from kg.nlp.component import MENTIONS, REPORT_COUNTY, TEXT
from kg.nlp.mentions import token_starts, Mention, add, doc_text, mentions

# Organs whose county is the report's own (县委, 旗委组织部, 我县).
_ORGAN = re.compile(r"(县|旗|区|市)(委|政府|人大|政协|纪委|委组织部)")
_SELF = re.compile(r"(我县|我旗|全县|全旗|本县)")
# After a short form, these say it is the county (东源县委 is caught by the full name).
_SHORT_FOLLOW = ("籍", "县委", "旗委", "党建", "人才", "英才", "组工", "干部", "黨")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Characters that, before 县委/县长, are a word of their own (和 县委, 代 县长, 新 县委书记), and what
# follows them then.
_GLUE_CHARS = "和代新"
# Single characters (prepositions, conjunctions, 全/我, a higher region's 省/市) after which a short
# form may stand: 记者从长汀获悉, 像上杭五龙村一样, 赴福安考察.
_SHORT_AFTER = "全我市省州盟和、在到与及的了像从自赴来去向对为是于由据同至经把被让给如"
_ORGAN_NEXT = "委长政直级"
_COUNTY_END = ("旗", "县")


def _scan(text: str, names: dict[str, list], max_len: int, lengths: dict[str, list[int]] | None = None) -> list[tuple[int, int, str]]:
    """Leftmost-longest dictionary match over characters; `lengths` (first char -> name lengths,
    longest first) skips the positions where no name can start."""
    out = []
    i, n = 0, len(text)
    while i < n:
        hit = None
        cands = lengths.get(text[i]) if lengths is not None else range(max_len, 1, -1)
        if cands:
            for k in cands:
                if i + k <= n and text[i:i + k] in names:
                    hit = (i, i + k, text[i:i + k])
                    break
        if hit:
            out.append(hit)
            i = hit[1]
        else:
            i += 1
    return out


class NameScanner:
    """`_scan`'s leftmost-longest match, skipping in C to the positions where a name can start: a
    character some name begins with (a quarter of a report's), then its first two characters (about one
    position in a hundred). The division list has thousands of names, and a look-up at every character
    of every report was the county tagger's whole cost."""

    def __init__(self, names: dict[str, list]):
        self.names = names
        self.max_len = max(len(k) for k in names)
        self.lengths = first_char_lengths(names)
        # every name has two characters or more (min_short_len >= 2); a shorter one turns the pair check off
        self.pairs = {k[:2] for k in names} if min(len(k) for k in names) >= 2 else None
        self.first = re.compile("[" + "".join(sorted(map(re.escape, self.lengths))) + "]")

    def scan(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        i, n = 0, len(text)
        names, lengths, pairs, first = self.names, self.lengths, self.pairs, self.first.search
        while i < n:
            found = first(text, i)
            if found is None:
                break
            i = found.start()
            if pairs is not None and text[i:i + 2] not in pairs:
                i += 1
                continue
            for k in lengths[text[i]]:
                if i + k <= n and text[i:i + k] in names:
                    out.append((i, i + k, text[i:i + k]))
                    i += k
                    break
            else:
                i += 1
        return out


def _own_place_follows(text: str, end: int, c) -> bool:
    """A short form directly followed by one of its county's towns or villages (上杭五龙村) is the county."""
    ahead = text[end:end + 12]
    if not ahead or not _HAN.match(ahead[0]):
        return False
    for town, villages in c.towns.items():
        if ahead.startswith(town):
            return True
        if ahead[0] in {v[0] for v in villages} and any(ahead.startswith(v) for v in villages if len(v) >= 3):
            return True
    return False


def first_char_lengths(names) -> dict[str, list[int]]:
    index: dict[str, set[int]] = {}
    for name in names:
        index.setdefault(name[0], set()).add(len(name))
    return {ch: sorted(ls, reverse=True) for ch, ls in index.items()}


class CountyTagger:
    """Tags County mentions and decides the report's own county."""

    def __init__(self, nlp: Language, name: str, min_short_len: int):
        self.div = divisions.load()
        self.full: dict[str, list] = {}  # every county of a name (朝阳区 in Beijing and in Changchun)
        for c in self.div.counties:
            self.full.setdefault(c.name, []).append(c)
        self.short = {k: v for k, v in self.div.by_name.items() if k not in self.full and len(k) >= min_short_len}
        self.names = {**self.short, **self.full}
        self.max_len = max(len(k) for k in self.names)
        self.lengths = first_char_lengths(self.names)
        self.scanner = NameScanner(self.names)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        self._region_seen: dict[str, bool] = {}
        self._in_text: dict[str, bool] = {}
        hits = self.scanner.scan(text)
        starts = token_starts(doc)
        # a county name must begin a word: 范县 inside 示范县 is not a county
        hits = [h for h in hits if h[0] in starts]
        full_codes = {self.full[n][0].code for _, _, n in hits if n in self.full and len(self.full[n]) == 1}
        weak: list[tuple[int, str]] = []  # short forms only the region's name supports
        for start, end, name in hits:
            if name in self.full and not self._plain_word(text, start, end, name):
                cands, rule = self.full[name], "county.full_name"
            elif name in self.full:
                continue
            elif name.endswith(_COUNTY_END):  # the list's own contraction: 察右中旗, 达茂旗
                cands, rule = self.short[name], "county.contraction"
            else:
                cands, rule = self.short[name], "county.short_form"
                follow = text[end:end + 2]
                confirmed = any(c.code in full_codes for c in cands)
                strong = (confirmed or follow.startswith(_SHORT_FOLLOW) or follow[:1] in "县旗"
                          or any(_own_place_follows(text, end, c) for c in cands))
                if not strong and not any(self._region_named(text, c) for c in cands):
                    continue
                if not strong:
                    weak.append((start, name))
            if len(cands) > 1:
                picked = [c for c in cands if c.code in full_codes] or self._by_context(text, cands)
                # a full name several counties share and nothing in the text decides: the list's first,
                # as before (the name is still right; the code may not be)
                cands = picked if picked or rule != "county.full_name" else cands[:1]
            if len(cands) != 1:
                continue
            c = cands[0]
            # a short form glued to more Han text on the left is a different word (e.g. 城关 in 县城关)
            if rule == "county.short_form" and start > 0 and _HAN.match(text[start - 1]) and text[start - 1] not in _SHORT_AFTER:
                continue
            add(doc, Mention("County", start, end, c.name, rule, {"code": c.code, "surface": name}))
        self._drop_towns_of_others(doc, weak)
        self._from_credits(doc)
        self._meta_county(doc)
        doc._.kg_report_county = doc.user_data.get("kg_meta_county") or self._report_county(doc)
        return doc

    def _drop_towns_of_others(self, doc: Doc, weak: list[tuple[int, str]]) -> None:
        """A short form that only its region supports and that is the name of a town of another county
        the report names (古田 beside 上杭县's 古田镇) is that town, not a county."""
        if not weak:
            return
        found = mentions(doc, "County")
        at = {m.start: m.label for m in found}
        weak_at = {st for st, _ in weak}
        towns: dict[str, set[str]] = {}  # town -> the counties (named in their own right) that hold it
        for m in found:
            if m.start in weak_at:
                continue
            for c in self.full.get(m.label, []):
                for t in c.towns:
                    towns.setdefault(t, set()).add(c.name)
        bad = {st for st, name in weak
               if any(towns.get(name + k, set()) - {at.get(st)} for k in ("镇", "乡", "街道", "苏木"))}
        keep = {m.label for m in found if m.start not in bad}  # named elsewhere in its own right: kept
        doc._.kg_mentions = [m for m in mentions(doc)
                             if not (m.type == "County" and m.start in bad and m.label not in keep)]

    def _plain_word(self, text: str, start: int, end: int, name: str) -> bool:
        """A full name that is here an ordinary word: a two-character district (城区, 郊区, 矿区, 东区)
        not led by its prefecture (晋城市城区); a one-character-plus-县 name whose first character
        ends a conjunction or title before the county's organs (李连成和县委组织部, 代县长)."""
        if len(name) != 2:
            return False
        if name.endswith("区"):
            before = text[max(0, start - 6):start]
            return not any(before.endswith((c.prefecture, re.sub(r"(市|地区|盟|自治州)$", "", c.prefecture)))
                           for c in self.full[name] if c.prefecture)
        if name[0] in _GLUE_CHARS and start > 0 and _HAN.match(text[start - 1]) \
                and text[start - 1] not in "省市州盟" and text[end:end + 1] in _ORGAN_NEXT:
            return True
        return False

    def _from_credits(self, doc: Doc) -> None:
        """Counties named only in a credit line (作者系富平县委常委…) are still mentioned by the report."""
        credits = getattr(doc._.kg_text, "credits", []) or []
        for credit in credits:
            office = credit.office or ""
            for start, end, name in self.scanner.scan(office):
                cands = self.full.get(name) or self.short.get(name, [])
                if len(cands) == 1 and (name in self.full or office[end:end + 1] in "县旗区市"):
                    c = cands[0]
                    add(doc, Mention("County", 0, 0, c.name, "county.credit_office",
                                     {"code": c.code, "surface": name, "credit": credit}))

    def _region_named(self, text: str, c) -> bool:
        """The county's prefecture or province is named too (浦江 with 金华 or 浙江): the short form is it."""
        names = [c.prefecture, c.province]
        cores = [re.sub(r"(市|地区|盟|自治州|省|自治区|壮族|回族|维吾尔)+$", "", n) for n in names if n]
        seen = self._region_seen  # one search of the text per region name, not one per mention
        for k in cores:
            if len(k) >= 2 and k not in seen:
                seen[k] = k in text
        return any(seen.get(k, False) for k in cores)

    def _meta_county(self, doc: Doc) -> None:
        """A sidecar's `county` names the report's county even where the text never does."""
        meta = getattr(doc._.kg_text, "meta", None) or doc.user_data.get("kg_meta") or {}
        name = str(meta.get("county") or "").strip()
        cands = self.names.get(name, [])
        if len(cands) == 1:
            c = cands[0]
            add(doc, Mention("County", 0, 0, c.name, "county.sidecar", {"code": c.code, "surface": name,
                                                                       "sidecar": True}))
            doc.user_data["kg_meta_county"] = c.name

    def _by_context(self, text: str, cands: list) -> list:
        """Several counties share a short form: keep those whose prefecture or province the text names."""
        seen = self._in_text  # one search of the text per name, not one per mention

        def named(k: str) -> bool:
            if k not in seen:
                seen[k] = k in text
            return seen[k]

        return [c for c in cands if named(c.prefecture[:2]) or named(c.province[:2])]

    def _report_county(self, doc: Doc) -> str | None:
        """The report's own county: a byline office, then 县委 of which county, then the most mentioned."""
        found = mentions(doc, "County")
        if not found:
            return None
        text = doc_text(doc)
        credits = getattr(doc._.kg_text, "credits", []) or []
        for credit in credits:
            office = credit.office or ""
            for m in found:
                if m.attrs.get("surface") and m.attrs["surface"] in office:
                    return m.label
            for _, _, name in self.scanner.scan(office):
                if len(self.names[name]) == 1:
                    return self.names[name][0].name
        organ = Counter()
        for m in found:
            if _ORGAN.match(text, m.end) or text[m.end:m.end + 1] in "委":
                organ[m.label] += 1
        if organ:
            return organ.most_common(1)[0][0]
        counts = Counter(m.label for m in found)
        return counts.most_common(1)[0][0]


@Language.factory("kg_counties", assigns=[MENTIONS, REPORT_COUNTY], requires=[TEXT],
                  default_config={"min_short_len": 2})
def make_county_tagger(nlp: Language, name: str, min_short_len: int) -> CountyTagger:
    return CountyTagger(nlp, name, min_short_len)
