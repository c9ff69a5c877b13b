"""Groups: the populations initiatives act on, as a head noun with its modifiers.

A head from the `group_head` lexicon (干部, 党组织书记, 后备力量…) is extended
leftwards over modifiers from `group_modifier` (年轻, 科级, 90后…) and over
`X籍` origins, so `90后专业化科级后备干部` is found whole; the head alone is
kept as an attribute. Bare heads in `group_generic` (干部, 人才, 群众) are
marked generic: the relations component keeps them only where a named
initiative acts on them in the same clause.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg import lexicons
from kg.nlp.component import MENTIONS, LexiconComponent
from kg.nlp.mentions import Mention, SpanSet, add, doc_text, mentions

_ORIGIN = re.compile(r"[\u4e00-\u9fff]{2}籍$")
_AGE = re.compile(r"(\d{2}后|(?:副|正)?(?:科|处|厅|局|县处|乡科|股)级(?:以上|以下)?)$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_BOOK = re.compile(r"《[^《》\n]{1,60}》")
_QUOTED_MOD = re.compile(r"“([\u4e00-\u9fff]{2,4})”$")
_LIST_ITEM = re.compile(r"、([\u4e00-\u9fff]{1,4})$")  # 、村社干部: an enumerated item runs back to its list mark
_NOT_IN_ITEM = set("的和及与等或在为对从向把将让使由被每名个位些这那其该")
# a group word used as the modifier of a larger noun (农村党员作用发挥, 乡村领导班子建设) names no population
# (…书记学院, 领导班子换届, 村班子运行情况, 村级干部来源渠道, 乡村人才振兴)
_NOUN_AFTER = ("作用", "建设", "自身建设", "学院", "换届", "运行", "来源", "振兴")
# an alternative in brackets inside a modifier (党委(党组)书记, 村(社区)干部, 乡(街)): X(Y) is one modifier
_ALT_MOD = re.compile(r"\(([\u4e00-\u9fff]{1,4})\)$")


class GroupTagger(LexiconComponent):
    def _set_lexicons(self, lex: lexicons.Lexicons) -> None:
        self.heads = sorted(set(lex.terms("group_head")), key=len, reverse=True)
        self.mods = sorted(set(lex.terms("group_modifier")) | set(self.heads), key=len, reverse=True)
        self.mod_set = set(self.mods)
        self.mod_lengths = sorted({len(m) for m in self.mods}, reverse=True)
        self.generic = set(lex.terms("group_generic"))
        self.head_re = re.compile("|".join(map(re.escape, self.heads)))

    def _modifier_ending_at(self, text: str, i: int) -> int:
        for k in self.mod_lengths:
            if k <= i and text[i - k:i] in self.mod_set:
                return k
        quoted = _QUOTED_MOD.search(text, max(0, i - 6), i)
        if quoted and quoted.group(1) in self.mod_set:
            return len(quoted.group(0))  # “两新”党员: a known modifier in quotes is still that modifier
        alt = _ALT_MOD.search(text, max(0, i - 6), i)
        if alt:
            y = alt.group(1)
            for k in range(min(4, len(y) + 1), 0, -1):
                x = text[alt.start() - k:alt.start()] if alt.start() >= k else ""
                if len(x) == k and _HAN.fullmatch(x[0]) and all(_HAN.match(c) for c in x) and (
                        x in self.mod_set or x[0] == y[0] or k == 1):
                    return len(alt.group(0)) + k
        window = text[max(0, i - 6): i]
        for rx in (_ORIGIN, _AGE):
            hit = rx.search(window)
            if hit:
                return len(hit.group(0))
        return 0

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        blocked = SpanSet(len(text), [(m.start, m.end) for m in mentions(doc, "Official", "Person")])
        documents = {(m.start, m.end) for m in mentions(doc, "Programme", "Mechanism") if m.rule == "initiative.document"}
        for b in _BOOK.finditer(text):  # 《中国村干部》 is a title, not a group
            if (b.start(), b.end()) not in documents:  # a policy document's title names whom it acts on
                blocked.add(b.start(), b.end())
        found: list[Mention] = []
        pos = 0
        while True:
            m = self.head_re.search(text, pos)
            if not m:
                break
            hs, he = m.start(), m.end()
            # prefer the longest head that ends further right (干部 -> 干部队伍 handled by lexicon order)
            for k in range(hs + 1, he):  # 驻村工作队 + 长: a head starting inside that ends further right
                inner = self.head_re.match(text, k)
                if inner and inner.end() > he:
                    he = inner.end()
            nxt = self.head_re.match(text, he)
            while nxt and (nxt.group(0) in self.heads) and he - hs < 8:
                if text.endswith(nxt.group(0), hs, he) or nxt.group(0).endswith("村"):
                    break  # 党员党员: a head said twice is one head; 党组织|软弱涣散村: a village is its own head
                he = nxt.end()
                nxt = self.head_re.match(text, he)
            start, n = hs, 0
            while n < self.max_modifiers:
                k = self._modifier_ending_at(text, start)
                if not k:
                    break
                if text[start - k:start] == text[hs:he]:
                    break  # 党员党员: a head said twice is one head
                if text[hs:he].endswith("村") and text[start - k:start].endswith(("组织", "支部", "党委")):
                    break  # 党组织软弱涣散村: a kind of village is not qualified by the body that finds it weak
                start -= k
                n += 1
            item = _LIST_ITEM.search(text, max(0, start - 5), start)
            if (item and not (_NOT_IN_ITEM & set(item.group(1))) and not self.head_re.search(item.group(1))
                    and any(text.endswith(h, 0, item.start()) for h in self.heads)):
                start = item.start(1)  # 回乡创业人才、村社干部: in a list of groups, 村社 is this item's own modifier
                n += 1
            pos = he
            if text.startswith(_NOUN_AFTER, he):
                continue
            if blocked.overlaps(start, he):
                continue
            if text.endswith(("这个", "那个", "这", "该"), max(0, start - 2), start):
                continue  # 梨园这个软弱涣散村: one named unit, not a population
            label = text[start:he].replace("“", "").replace("”", "")
            head = text[hs:he] if n == 0 else m.group(0)
            found.append(Mention("Group", start, he, label, "group.head_modifiers" if n else "group.head",
                                 {"head": head, "generic": label in self.generic}))
        kept: list[Mention] = []
        taken = SpanSet(len(text))
        for g in sorted(found, key=lambda g: (g.start - g.end, g.start)):  # longest first
            if not taken.overlaps(g.start, g.end):
                kept.append(g)
                taken.add(g.start, g.end)
        # one group, two forms: where the report also names a longer form that ends in this one
        # (实用人才 beside 农村实用人才), the short form is that group said again, not another group
        kept.sort(key=lambda g: g.start)
        labels = list(dict.fromkeys(g.label for g in kept))  # in text order: of two longer forms as long, the first
        longer: dict[str, list[str]] = {lab: [] for lab in labels}
        for o in labels:  # each label's proper suffixes that are labels too (a pass over every pair was quadratic)
            for k in range(1, len(o)):
                if o[k:] in longer:
                    longer[o[k:]].append(o)
        for g in kept:
            if longer[g.label] and not g.attrs["generic"]:
                g.attrs["short_of"] = min(longer[g.label], key=len)  # kept only where an initiative acts on it
            add(doc, g)
        return doc


@Language.factory("kg_groups", assigns=[MENTIONS], requires=[MENTIONS], default_config={"max_modifiers": 4})
def make_group_tagger(nlp: Language, name: str, max_modifiers: int) -> GroupTagger:
    return GroupTagger(nlp, name, max_modifiers=max_modifiers)
