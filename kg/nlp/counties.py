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


def first_char_lengths(names) -> dict[str, list[int]]:
    index: dict[str, set[int]] = {}
    for name in names:
        index.setdefault(name[0], set()).add(len(name))
    return {ch: sorted(ls, reverse=True) for ch, ls in index.items()}


class CountyTagger:
    """Tags County mentions and decides the report's own county."""

    def __init__(self, nlp: Language, name: str, min_short_len: int):
        self.div = divisions.load()
        self.full = {c.name: [c] for c in self.div.counties}
        for c in self.div.counties:
            self.full.setdefault(c.name, [c])
        self.short = {k: v for k, v in self.div.by_name.items() if k not in self.full and len(k) >= min_short_len}
        self.names = {**self.short, **self.full}
        self.max_len = max(len(k) for k in self.names)
        self.lengths = first_char_lengths(self.names)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        self._region_seen: dict[str, bool] = {}
        self._in_text: dict[str, bool] = {}
        hits = _scan(text, self.names, self.max_len, self.lengths)
        starts = token_starts(doc)
        # a county name must begin a word: 范县 inside 示范县 is not a county
        hits = [h for h in hits if h[0] in starts]
        full_codes = {self.full[n][0].code for _, _, n in hits if n in self.full and len(self.full[n]) == 1}
        for start, end, name in hits:
            if name in self.full:
                cands, rule = self.full[name], "county.full_name"
            elif name.endswith(_COUNTY_END):  # the list's own contraction: 察右中旗, 达茂旗
                cands, rule = self.short[name], "county.contraction"
            else:
                cands, rule = self.short[name], "county.short_form"
                follow = text[end:end + 2]
                confirmed = any(c.code in full_codes for c in cands)
                if not (confirmed or follow.startswith(_SHORT_FOLLOW) or follow[:1] in "县旗"
                        or any(self._region_named(text, c) for c in cands)):
                    continue
            if len(cands) > 1:
                cands = [c for c in cands if c.code in full_codes] or self._by_context(text, cands)
            if len(cands) != 1:
                continue
            c = cands[0]
            # a short form glued to more Han text on the left is a different word (e.g. 城关 in 县城关)
            if rule == "county.short_form" and start > 0 and _HAN.match(text[start - 1]) and text[start - 1] not in "全我市省和、在到与及的了":
                continue
            add(doc, Mention("County", start, end, c.name, rule, {"code": c.code, "surface": name}))
        self._from_credits(doc)
        self._meta_county(doc)
        doc._.kg_report_county = doc.user_data.get("kg_meta_county") or self._report_county(doc)
        return doc

    def _from_credits(self, doc: Doc) -> None:
        """Counties named only in a credit line (作者系富平县委常委…) are still mentioned by the report."""
        credits = getattr(doc._.kg_text, "credits", []) or []
        for credit in credits:
            office = credit.office or ""
            for start, end, name in _scan(office, self.names, self.max_len, self.lengths):
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
            for _, _, name in _scan(office, self.names, self.max_len, self.lengths):
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
