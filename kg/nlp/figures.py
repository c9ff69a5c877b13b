"""Figures (Target): a number with its unit, what it counts, comparator, deadline, goal or achieved.

Arabic numerals with decimals, 万/亿 and ranges (300名—500名, 2-3名) are read
as figures. Dates (2021年), durations (5年), ages (35岁), ordinals (第三期)
and numbers inside names (“五个一”) are not. Chinese numerals are parsed by
`chinese_number` and become figures only when `chinese_numerals` is on in the
config: the gold convention annotates Arabic figures only, and most Chinese
numerals in this genre sit inside slogans (三个一线, 两年行动).
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg import lexicons
from kg.nlp.component import MENTIONS, TEXT, LexiconComponent
from kg.nlp.mentions import Mention, SpanSet, add, doc_text, sentence_of, token_texts

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
_STOP_WHAT = re.compile(r"(进行|参加|参与|开展|实现|达到|的村|，|。|；|：|、|\n)")


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
        for m in self.pattern.finditer(text):
            s, e = m.start(), m.end()
            if s > 0 and (text[s - 1] in "第.0123456789" or text[s - 1].isascii() and text[s - 1].isalpha()):
                continue
            if text.startswith(_NOT_AFTER, m.end("v")) or text.startswith(_DURATION_AFTER_UNIT, e):
                continue  # 2021年, 35岁; 3个月, 9个工作日
            if quotes.covers(s):
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
            attrs["kind"] = self._kind(text, sent, s) or prior
            ident = (value, attrs["unit"], attrs["measures"])
            if ident in seen:  # a figure repeated (lead and body) is one figure
                continue
            seen.add(ident)
            label = f"{value:g}{attrs['unit']} {attrs['measures']}"
            add(doc, Mention("Target", s, e, label, "figure.arabic", attrs))
        return doc

    def _measures(self, text: str, s: int, e: int, sent: tuple[int, int]) -> str:
        """What the figure counts: the phrase after it, or the clause before it when none follows."""
        after = text[e: min(sent[1], e + 24)]  # at most 20 characters are kept, after a 2-character lead
        stop = _STOP_WHAT.search(after)
        after = after[: stop.start()] if stop else after
        after = re.sub(r"^(的|左右|以上|和)", "", after)
        if len(after) >= 2 and re.match(r"[\u4e00-\u9fff“‘《]", after):
            return after[:20]
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

    def _kind(self, text: str, sent: tuple[int, int], s: int) -> str | None:
        """A strong cue in the figure's clause (力争, 累计, 已) overrides the report's default."""
        left = max([sent[0]] + [text.rfind(p, sent[0], s) + 1 for p in "，；"])
        window = text[left: s + 12]
        for idiom in self.ignore:  # 有计划有针对性地选派: manner, not a plan
            window = window.replace(idiom, "")
        kinds = {kind for term, kind in self.strong.items() if term in window}
        return kinds.pop() if len(kinds) == 1 else None


@Language.factory("kg_figures", assigns=[MENTIONS], requires=[TEXT], default_config={"chinese_numerals": False})
def make_figure_tagger(nlp: Language, name: str, chinese_numerals: bool) -> FigureTagger:
    return FigureTagger(nlp, name, chinese_numerals=chinese_numerals)
