"""Figures (Target): a number with its unit, what it counts, comparator, deadline, goal or achieved.

Arabic numerals with decimals, 万/亿 and ranges (300名—500名, 2-3名) are read
as figures. Dates (2021年), durations (5年), ages (35岁), ordinals (第三期)
and numbers inside names (“五个一”) are not. Chinese numerals are parsed by
`chinese_number` and become figures only when `chinese_numerals` is on in the
config: the gold convention annotates Arabic figures only, and most Chinese
numerals in this genre sit inside slogans (三个一线, 两年行动).
"""
from __future__ import annotations

import bisect
import re

from spacy.language import Language
from spacy.tokens import Doc

from kg import lexicons
from kg.nlp.component import MENTIONS, TEXT, LexiconComponent
from kg.nlp.mentions import Mention, SpanSet, add, doc_text, mentions, sentence_of, token_texts

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_CN_NUM = "[零〇一二两三四五六七八九十百千万亿]+"


def chinese_number(s: str) -> float | None:
    """三 -> 3, 十二 -> 12, 一千 -> 1000, 三万五千 -> 35000; None if not a numeral."""
    if not s or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in s):
        return None
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit >= 10_000:
                section = (section + (digit or 0)) * unit
                total += section
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
    return float(total + section + (digit or 0))


_COMP_BEFORE = ("不少于", "不低于", "不超过", "超过", "达到", "提高到", "增加到", "增至", "达", "近", "约", "共计", "累计")
_COMP_AFTER = ("以上", "以下", "以内", "余", "多", "左右")
_DEADLINE = re.compile(r"(用\d+年(?:左右)?(?:时间)?|未来\d+年[—\-~至到]\d+年|\d+年内|全年|年内|年底前|到\d{4}年(?:底)?|\d{4}年底前|今年|三年内|两年内)")
_NOT_AFTER = ("年", "月", "日", "周年", "岁", "号", "时", "点", "届", "季度", "世纪")
_DURATION_AFTER_UNIT = ("月", "工作日", "星期", "小时", "季度", "年度", "周年")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_STOP_WHAT = re.compile(r"(进行|参加|参与|开展|实现|达到|的村|，|。|；|：|、|\n)")
_HARD_STOP = re.compile(r"[，。；：！？\n]")
# a change of value: the figure before it is the old value (由原来的500元增加到1000元), and what follows
# the figure is a verb phrase, not what it counts
_CHANGE = ("增加到", "增加至", "提高到", "提高至", "提升到", "提升至", "增至", "增长到", "增长至", "攀升至", "攀升到",
           "上升到", "上升至", "下降到", "下降至", "降至", "降低到", "减少到", "减少至", "扩大到", "扩大至")
_OLD_VALUE = re.compile(r"(?:由|从)(?:原来|原先|过去|以前)?的?(?:每[年月人户]|人均|年均)?$")
_LEAD_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:万|亿)?(?:余|多)?")
# 每个党小组联系10名党员, 每年至少组织1次: a standing rule per unit is a norm, a goal
_PER_UNIT_RULE = re.compile(r"每(?:个|名|位|年|季度|季|月|周|半年|人|村|户|镇|乡镇)[\u4e00-\u9fff]")
_AT_LEAST = re.compile(r"至少|最少")
_ISSUE = re.compile(r"\d{4}年(?:第)?$")  # 党员生活2015年12期: a periodical's issue, not a figure
_CLAUSE_MARK = re.compile("[，；]")


class FigureTagger(LexiconComponent):
    def _set_lexicons(self, lex: lexicons.Lexicons) -> None:
        units = sorted(set(lex.terms("unit")), key=len, reverse=True)
        cues = lex.records.get("figure_kind_cue", [])
        self.cues = {r["term"]: r.get("kind", "goal") for r in cues}
        self.ignore = sorted(lex.terms("figure_kind_ignore"), key=len, reverse=True)
        self.strong = {r["term"]: r.get("kind", "goal") for r in cues if r.get("strength") == "strong"}
        u = "|".join(map(re.escape, units))
        num = r"\d+(?:\.\d+)?"
        cn = f"|{_CN_NUM}" if self.chinese_numerals else ""
        self.pattern = re.compile(
            rf"(?P<v>{num}{cn})(?P<mult>万|亿)?"
            rf"(?:(?P<u1>{u})?\s*[—\-–~至到]\s*(?P<v2>{num}{cn})(?P<mult2>万|亿)?)?"
            rf"(?P<after>余|多)?(?P<unit>{u})(?P<after2>以上|以下|以内|左右)?"
        )

    @staticmethod
    def _value(s: str, mult: str | None) -> float | None:
        v = float(s) if re.fullmatch(r"[\d.]+", s) else chinese_number(s)
        if v is None:
            return None
        return v * (_CN_UNITS[mult] if mult else 1)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        seen: set[tuple] = set()
        prior = self._prior(token_texts(doc))
        quotes = SpanSet(len(text), [(m.start(), m.end()) for m in re.finditer(r"“[^”\n]{0,40}”|《[^》\n]{0,60}》", text)])
        mech_starts = sorted(m.start for m in mentions(doc, "Mechanism"))
        names = SpanSet(len(text), [(m.start, m.end) for m in mentions(doc, "Programme", "Mechanism")])
        for m in self.pattern.finditer(text):
            s, e = m.start(), m.end()
            if s > 0 and (text[s - 1] in "第.0123456789" or text[s - 1].isascii() and text[s - 1].isalpha()):
                continue
            if text.startswith(_NOT_AFTER, m.end("v")) or text.startswith(_DURATION_AFTER_UNIT, e):
                continue  # 2021年, 35岁; 3个月, 9个工作日
            if quotes.covers(s) and not self._speech(text, s):
                continue  # a number inside a quoted name (“五个一”), but not inside quoted speech
            if m.group("unit") in ("期", "期次") and _ISSUE.search(text, max(0, s - 6), s):
                continue
            unit = m.group("unit")
            mult = m.group("mult")
            if mult and unit in ("元", "人", "名") :
                unit, mult = mult + unit, None
            value = self._value(m.group("v"), mult)
            if value is None:
                continue
            attrs = {"value": value, "unit": "%" if unit == "％" else unit}
            if m.group("v2"):
                attrs["value_max"] = self._value(m.group("v2"), m.group("mult2") or mult)
            comp = m.group("after") or m.group("after2") or next(
                (c for c in _COMP_BEFORE if text.endswith(c, max(0, s - 4), s)), None)
            if comp:
                attrs["comparator"] = comp
            sent = sentence_of(doc, s)
            attrs["measures"] = self._measures(text, s, e, sent)
            if not attrs["measures"]:
                continue
            dl = _DEADLINE.search(text, sent[0], sent[1])
            if dl:
                attrs["deadline"] = dl.group(0)
            i = bisect.bisect_left(mech_starts, sent[0])
            rule = i < len(mech_starts) and mech_starts[i] < s  # the sentence states a mechanism's rule
            attrs["kind"] = self._kind(text, sent, s, e, rule, names) or prior
            ident = (value, attrs["unit"], attrs["measures"])
            if ident in seen:  # a figure repeated (lead and body) is one figure
                continue
            seen.add(ident)
            label = f"{value:g}{attrs['unit']} {attrs['measures']}"
            add(doc, Mention("Target", s, e, label, "figure.arabic", attrs))
        return doc

    @staticmethod
    def _speech(text: str, s: int) -> bool:
        """Is the quote around s speech (it holds a clause mark), not a name?"""
        lo = text.rfind("“", max(0, s - 60), s)
        hi = text.find("”", s, s + 60)
        return lo >= 0 and hi > 0 and bool(re.search(r"[，。；！？]", text[lo:hi]))

    def _measures(self, text: str, s: int, e: int, sent: tuple[int, int]) -> str:
        """What the figure counts: the phrase after it, or the clause before it when none follows."""
        if text.startswith(_CHANGE, e):  # 500元增加到现在的1000元: the old value, counted by its clause
            return self._before(text, s, sent)
        lead = _LEAD_FIGURE.match(text, e)
        if lead:  # 5批810人次职级晋升: what the next figure counts is this one's too
            nxt = self.pattern.match(text, e)
            if nxt and nxt.end() < sent[1]:
                e = nxt.end()
        after = text[e: min(sent[1], e + 24)]  # at most 20 characters are kept, after a 2-character lead
        hard = _HARD_STOP.search(text, e, sent[1])
        stretch = text[e: hard.start() if hard else sent[1]]
        de = stretch.rfind("的")
        # 17名业绩突出、敢想肯干的优秀驻村干部; 6名在基层一线经受…考验的优秀“五方面人员”: a modifier
        # phrase ending in 的 comes before what is counted
        lead_in = stretch[:de]  # no other figure in it: 50名干部、200名党员参与的活动 counts people
        listed = "、" in lead_in or lead_in.startswith(("在", "从", "经", "通过"))
        if 0 < de < 30 and listed and not re.search(r"\d", lead_in):
            tail = stretch[de + 1:]
            stop = _STOP_WHAT.search(tail)
            tail = tail[: stop.start()] if stop else tail
            if len(tail) >= 2 and re.match(r"[\u4e00-\u9fff“‘《]", tail):
                return tail[:20]
        stop = _STOP_WHAT.search(after)
        cut = after[: stop.start()] if stop else after
        cut = re.sub(r"^(的|左右|以上|和)", "", cut)
        if len(cut) >= 2 and re.match(r"[\u4e00-\u9fff“‘《]", cut):
            return cut[:20]
        if len(cut) == 1 and _HAN.match(cut) and stop and stop.group(0) not in "，。；：、\n":
            # 86个村实现驻村工作全覆盖: a one-character noun with the verb phrase that says which
            return stretch[:20]
        before = self._before(text, s, sent)
        if before:
            return before
        # 10万元以上的村达到50%: a threshold, counted by the phrase it qualifies
        rest = re.sub(r"^(的|左右|以上|和)+", "", stretch)
        return rest[:20] if len(rest) >= 2 and _HAN.match(rest) else ""

    @staticmethod
    def _before(text: str, s: int, sent: tuple[int, int]) -> str:
        lo = max(sent[0], s - 32)  # at most 20 characters are kept, before a 4-character tail
        clause_start = max(lo, max((text.rfind(p, lo, s) + 1 for p in "，；：、"), default=lo))
        before = text[clause_start:s]
        before = re.sub(r"(共|共计|累计|达到|达|近|约|有|为|了|不少于|不低于|超过|提高到|增加到)$", "", before)
        return before[-20:] if len(before) >= 2 else ""

    def _prior(self, words: list[str]) -> str:
        """Is the report a plan or a record? Cue words (as whole tokens: 要 not 重要) decide the default;
        a plan must outweigh the record clearly, so one stray 计划 does not turn a review into a plan."""
        goal = sum(1 for w in words if self.cues.get(w) == "goal")
        done = sum(1 for w in words if self.cues.get(w) == "achieved")
        return "goal" if goal > 1.5 * done + 2 else "achieved"

    def _kind(self, text: str, sent: tuple[int, int], s: int, e: int, rule: bool = False,
              names: SpanSet | None = None) -> str | None:
        """A strong cue in the figure's clause (力争, 累计, 已) overrides the report's default; where the
        clause has none, the nearest earlier clause of the sentence that has one decides (力争A实现全覆盖，
        B达到50%; 目前，全县安排X35人、Y4人)."""
        if _OLD_VALUE.search(text, max(sent[0], s - 8), s) and text.startswith(_CHANGE, e):
            return "achieved"  # 由原来的500元增加到1000元: the old value is a past figure
        marks = [sent[0]] + [c.end() for c in _CLAUSE_MARK.finditer(text, sent[0], s)]
        for n, left in enumerate(reversed(marks)):
            right = min(s + 12, sent[1]) if n == 0 else marks[len(marks) - n]
            window = text[left: right]
            for idiom in self.ignore:  # 有计划有针对性地选派: manner, not a plan
                window = window.replace(idiom, "\0" * len(idiom))
            kinds = {kind for term, kind in self.strong.items() if self._cue_in(window, term, left, names)}
            if len(kinds) == 1:
                return kinds.pop()
            if kinds:
                return None
            if n == 0 and (_AT_LEAST.search(text, left, s) or rule and _PER_UNIT_RULE.search(text, left, s)):
                return "goal"  # 每年至少组织1次; 推行…制度，每个党小组联系10名党员: a norm, not a record
        return None

    @staticmethod
    def _cue_in(window: str, term: str, offset: int, names: SpanSet | None) -> bool:
        """A cue word inside an initiative's name (实施青苗计划) or heading a noun (人才引进计划8项)
        is part of a name, not a plan."""
        if term not in window:  # the common case, without a regex per term and window
            return False
        for m in re.finditer(re.escape(term), window):
            i, j = m.start(), m.end()
            if names is not None and names.covers(offset + i):
                continue
            if not (i > 0 and _HAN.match(window[i - 1]) and j < len(window) and window[j].isdigit()):
                return True
        return False


@Language.factory("kg_figures", assigns=[MENTIONS], requires=[TEXT], default_config={"chinese_numerals": False})
def make_figure_tagger(nlp: Language, name: str, chinese_numerals: bool) -> FigureTagger:
    return FigureTagger(nlp, name, chinese_numerals=chinese_numerals)
