"""Places below the county: towns, townships, streets, sumu, villages, gacha, communities.

A name ending in a place suffix is a Place when the division list confirms it
under the report's county (the town, or a village of that county), or when it
directly follows a confirmed town (上莞镇新民村), which also gives its town.
Names the list does not know and that follow no town are left out: without a
county they are too often generic (行政村, 苏木镇).
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg import divisions
from kg.nlp.component import MENTIONS, REPORT_COUNTY
from kg.nlp.mentions import Mention, SpanSet, add, doc_text

_NOT_NAME_END = ("乡村", "农村", "城村", "全村", "各村", "该村", "本村", "进村", "驻村", "到村", "在村", "村村")
_NOT_NAME = ("行政", "贫困", "后进", "软弱", "示范", "各", "全", "每", "该", "本", "在", "对", "从")
_VILLAGE = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:村|嘎查|社区)")


class PlaceTagger:
    def __init__(self, nlp: Language, name: str):
        self.div = divisions.load()

    def __call__(self, doc: Doc) -> Doc:
        county_name = doc._.kg_report_county
        if not county_name:
            return doc
        county = next((c for c in self.div.lookup(county_name) if c.name == county_name), None)
        if county is None:
            return doc
        text = doc_text(doc)
        towns = county.towns
        villages = county.villages
        town_names = sorted(towns, key=len, reverse=True)
        seen_town_at: dict[int, str] = {}
        towns_taken = SpanSet(len(text))
        for t in town_names:
            # str.find, not a regex per town: those filled re's cache and pushed the rules' patterns out
            i = text.find(t)
            while i >= 0:
                if not towns_taken.covers(i):
                    towns_taken.add(i, i + len(t))
                    seen_town_at[i] = t
                    add(doc, Mention("Place", i, i + len(t), t, "place.town_in_list",
                                     {"county": county.name, "level": "town"}))
                i = text.find(t, i + len(t))
        self._town_short_lists(doc, text, county, seen_town_at)
        ends = {m_start + len(t): t for m_start, t in seen_town_at.items()}
        town_mask = SpanSet(len(text), [(st, st + len(t)) for st, t in seen_town_at.items()])
        for m in _VILLAGE.finditer(text):
            s, e = m.start(), m.end()
            if text[max(s, e - 3):e].endswith(_NOT_NAME_END):  # 乡村振兴, 驻村: words, not villages
                continue
            if town_mask.overlaps(s, e):  # a town in the match: the village starts after it
                last = max(i for i in range(s, e) if town_mask.covers(i)) + 1
                if last >= e - 1:  # 黄村 inside 黄村镇 is none
                    continue
                s = last
            name = text[s:e]
            # trim to the longest suffix the list knows, or take what follows a town
            town = ends.get(s)
            known = None
            for k in range(len(name) - 2, -1, -1):
                if name[k:] in villages:
                    known = name[k:]
            if town is None:
                for k in range(1, len(name) - 1):
                    if s + k in ends:
                        town, name = ends[s + k], name[k:]
                        s += k
                        break
            if known and (town is None or known in towns.get(town, ())):
                name, s = known, e - len(known)
                town = town or villages[known]
            elif town is None:
                # a named village with no town: keep it only if it looks like a name (2+ chars before 村)
                # a village the list does not know, at the head of a caption or line: 梨园村新建的…
                prev = text[max(0, s - 1): s]
                if not (len(name) >= 3 and prev in ("■", "\n", "") and not name.startswith(_NOT_NAME)):
                    continue
            add(doc, Mention("Place", s, e, name, "place.village", {"county": county.name, "town": town, "level": "village"}))
        return doc


    def _town_short_lists(self, doc, text, county, seen_town_at):
        """新港、康禾和顺天3个乡镇: towns named by short forms in a list; every item must be a town of the county."""
        shorts = {t[:-1]: t for t in county.towns if t.endswith(("镇", "乡")) and len(t) >= 3}
        # a list needs a short form right before 、和及与: most reports have none, and then the county's
        # patterns need not be compiled at all (a few milliseconds each, once per county)
        if not shorts or not any(k + sep in text for k in shorts for sep in "、和及与"):
            return
        lists, items = _short_list_patterns("|".join(sorted(map(re.escape, shorts), key=len, reverse=True)))
        for m in lists.finditer(text):
            for item in items.finditer(m.group(0)):
                s = m.start() + item.start()
                if s in seen_town_at:
                    continue
                town = shorts[item.group(0)]
                seen_town_at[s] = item.group(0)
                add(doc, Mention("Place", s, s + len(item.group(0)), town, "place.town_short_form_list",
                                 {"county": county.name, "level": "town"}))


@lru_cache(maxsize=256)
def _short_list_patterns(alt: str) -> tuple[re.Pattern, re.Pattern]:
    """A list of a county's towns by short form, and one item of it: compiled once per county."""
    return re.compile(rf"(?:{alt})(?:(?:、|和|及|与)(?:{alt}))+(?=\d*个?乡?镇|等)"), re.compile(alt)


@Language.factory("kg_places", assigns=[MENTIONS], requires=[REPORT_COUNTY])
def make_place_tagger(nlp: Language, name: str) -> PlaceTagger:
    return PlaceTagger(nlp, name)
