"""Programmes and mechanisms: named initiatives and the head word that types them.

Four rules, each with its own id so a fact can say which found it:
- `initiative.quoted`: a name in “…” with the head word that follows it
  (“五个一”工作机制), or a bare quoted name after a launching verb (开展“作风体检”);
- `initiative.document`: a policy document in 《…》 (…意见, …办法, …方案);
- `initiative.unquoted`: an unquoted name ending in a strong head (积分制管理,
  容错纠错机制), its left edge at a launching verb, a function word or punctuation;
- `initiative.list`: a list sharing one head (领导包联、工作组驻村、月报告及销号制度)
  split into one initiative per item, the head added back.
All vocabulary (heads, left stops, generic names) comes from the lexicons.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg import lexicons
from kg.nlp.component import MENTIONS, LexiconComponent
from kg.nlp.figures import chinese_number
from kg.nlp.mentions import Mention, SpanSet, add, doc_text, mentions, token_starts

_QUOTE = re.compile(r"[“‘]([^“”‘’\n]{1,40})[”’]")
_BOOK = re.compile(r"《([^《》\n]{2,60})》")
_DOC_END = re.compile(r"(意见|办法|方案|措施|规定|细则|制度|通知|计划|条例|政策|决定|纲要|规划|机制|实施方案|工作方案|清单|标准|规范|指引|守则)(\([^)]{1,10}\))?$")
_QUOTE_RUN = re.compile(r"“[^“”\n]{1,40}”(?:(?:[、和及]|以及)?“[^“”\n]{1,40}”)+")
_LEVER = re.compile(r"为(抓手|切入口|突破口|切入点|主抓手|总抓手|载体|主线|牵引)")
# a count label: “五个一”, “五个优先”, “六大工程”, or unquoted 六大工程; its parts may follow
_BUNDLE = re.compile(r"(“)?((?:[一二两三四五六七八九十]{1,3}|\d{1,2})(?:个|大|项|条|种|支))([\u4e00-\u9fff]{1,4}?)(?(1)”|(?=[(（]))")
_NAME_CHAR = re.compile(r"[\u4e00-\u9fff0-9A-Za-z+＋()“”]")
_SPLIT = re.compile(r"、")
_LEAD_PLACE = re.compile(r"^(全县|全旗|全区|全市|我县|我旗|本县)")
_MAX_UNQUOTED = 20
# An unquoted name that is one common word and a two-character head (特色活动, 考核机制, 人才工程, 学习计划)
# names a kind, not an initiative; a rare word (青苗计划, 头雁工程, 容错机制) may name one. "Common": at least
# this count in the segmenter's own dictionary.
_COMMON_WORD_FREQ = 1000
# corner brackets quote as “” do (Traditional texts: 實行「輪值」)
_CORNER_QUOTES = str.maketrans("「」『』", "“”‘’")
# a building phase (学院二期工程) or a "new model" a report only describes (探索…教育培养新模式)
_NOT_A_NAME = re.compile(r"[一二三四五六七八九十\d]期(工程|项目)$|新(模式|路径|路子|途径)$")
# How far before its head a list is looked for: at most 8 items of at most 16 characters fit well
# inside, and a clause this long without a mark is prose, not a list (a report without punctuation
# made the look-back run to the text's start for every head).
_LIST_LOOKBACK = 256
# one-character stops that end a name even inside a segmenter word (构建起了…格局)
_HARD_STOPS = set("的了着把被")
# count labels whose content the text never names: 三个行动, 一项活动, 六大工程
_COUNT_LABEL = re.compile(r"^[一二两三四五六七八九十百\d]+(个|项|大|条|种|类|件|年)?")
# an unquoted name cannot start with a count (15项内部管理制度, 一次疗养活动) or a quantifier (各类人才平台)
_COUNT_START = re.compile(r"^([一二两三四五六七八九十百\d]+(次|项|个|条|名|批|类|种|期|轮|场)|每[年月周名个]|各类|各项|各级|各种|相关|有关|系列|这些|一些|基本)")


class InitiativeTagger(LexiconComponent):
    def _set_lexicons(self, lex: lexicons.Lexicons) -> None:
        heads = lex.records.get("initiative_head", [])
        self.head_type = {r["term"]: r.get("type", "Programme") for r in heads}
        self.strong = sorted((r["term"] for r in heads if r.get("unquoted")), key=len, reverse=True)
        self.all_heads = sorted(self.head_type, key=len, reverse=True)
        self.head_lengths = sorted({len(h) for h in self.head_type}, reverse=True)
        self.generic = set(lex.terms("initiative_generic"))
        self.stops = sorted(set(lex.terms("initiative_left_stop")), key=len, reverse=True)
        self.stop_set = set(self.stops)
        self.stop_lengths = sorted({len(w) for w in self.stops}, reverse=True)
        self.not_after = sorted(set(lex.terms("initiative_head_not_before")), key=len, reverse=True)
        self.facility = tuple(lex.terms("facility_suffix"))
        self.bare_verbs = sorted(set(lex.terms("initiative_bare_quote_verb")), key=len, reverse=True)
        self.bare_set = set(self.bare_verbs)
        self.group_mods = set(lex.terms("group_modifier"))
        self.bare_tuple = tuple(self.bare_verbs)  # str.endswith takes a tuple: one C call, not a loop
        self.strong_tuple = tuple(self.strong)
        self.strong_re = re.compile("|".join(map(re.escape, self.strong)))
        # building or creating a kind of unit held up as a model (美丽乡村建设, 服务型党组织建设, 模范机关创建):
        # the qualifier (or an X型) and the unit name the initiative; 基层党组织建设 (no qualifier) does not
        quals = sorted(set(lex.terms("initiative_ideal_qualifier")), key=len, reverse=True)
        units = sorted(set(lex.terms("initiative_ideal_unit")), key=len, reverse=True)
        self.ideal_re = re.compile("(?:%s|[\u4e00-\u9fff]{2}型)(?:%s)(?:建设|创建)" % (
            "|".join(map(re.escape, quals)) or "(?!)", "|".join(map(re.escape, units)) or "(?!)")) \
            if units else None
        # …建设 followed by a unit it qualifies (新农村建设重点村, 美丽乡村建设示范村) is that unit's modifier
        self.ideal_unit_after = re.compile("(?:重点|示范|试点)?(?:%s|点)" % "|".join(map(re.escape, units))) \
            if units else None
        self._first_words: dict[str, tuple[int, str, str]] = {}  # part-of-speech cuts, by span
        self._first_words_of = None  # the tagger they came from

    def _head_of(self, name: str) -> str:
        """The longest head that ends `name` ("" if none): a look-up per head length, not a scan of the heads."""
        for k in self.head_lengths:
            if k <= len(name) and name[-k:] in self.head_type:
                return name[-k:]
        return ""

    # -- helpers -------------------------------------------------------------
    def _type(self, name: str, default: str = "Programme") -> str:
        head = self._head_of(name)
        return self.head_type[head] if head else default

    def _head_after(self, text: str, pos: int) -> str:
        """The longest head (possibly after 工作/专项/建设) starting at pos."""
        for lead in ("", "工作", "专项", "主题", "建设"):
            if lead and not text.startswith(lead, pos):
                continue
            p = pos + len(lead)
            for k in self.head_lengths:  # the longest head there: a look-up per head length
                if p + k <= len(text) and text[p:p + k] in self.head_type:
                    return lead + text[p:p + k]
        return ""

    def _head_within(self, text: str, pos: int, span: int) -> str:
        """A strong head a few characters after a quote: “三基建设”联系点制度."""
        m = self.strong_re.search(text, pos, pos + span + 4)
        if not m or m.start() - pos > span or m.end() not in self._starts:
            return ""
        between = text[pos:m.start()]
        if not re.fullmatch(r"[\u4e00-\u9fff]*", between) \
                or re.search(r"[和及与等的了]|[一二两三四五六七八九十\d][个项大条]", between):
            return ""
        return text[pos:m.end()]

    def _stop_ending_at(self, text: str, i: int) -> str:
        """A left-stop word ending at i; one-character stops (在, 和) only where the segmenter made them a word."""
        for k in self.stop_lengths:
            w = text[i - k:i] if k <= i else ""
            if w in self.stop_set:
                if k == 1 and w not in _HARD_STOPS and not (i - 1 in self._starts and i in self._starts):
                    continue
                return w
        return ""

    def _clean(self, name: str) -> str:
        name = name.replace("“", "").replace("”", "").strip()
        return _LEAD_PLACE.sub("", name)

    def _ok(self, name: str, document: bool = False, bare: bool = False) -> bool:
        core = self._clean(name)
        if len(core) < (2 if bare else 3) or core in self.generic:
            return False
        if len(core) >= 5 and core[1:] in self.generic:  # 抓制度机制: a generic compound (4+) with a one-character lead
            return False
        if _NOT_A_NAME.search(core):
            return False
        count = _COUNT_LABEL.match(core)
        if count and count.group(1) and core[count.end():] in self.head_type:
            return False
        h = self._head_of(core)
        if h:  # the part before the head must say something
            mod = core[: -len(h)]
            # a document's title may end in 的意见 (关于实施…的意见); a name may not
            return len(mod) >= 2 and mod not in self.generic and (document or not mod.endswith(("的", "等")))
        return True

    def _add(self, doc, start, end, name, rule, typ=None, taken=None):
        if rule in ("initiative.unquoted", "initiative.list") and self._people.overlaps(start, end):
            return
        label = self._clean(name)
        if rule in ("initiative.unquoted", "initiative.list") and self._common_kind(label):
            return
        # a bare quote after a launching verb may be two characters (实行“轮值”, 运用“双推”)
        if not self._ok(label, document=rule == "initiative.document", bare=rule == "initiative.bare_quoted"):
            return
        if taken is not None:
            if taken.overlaps(start, end):
                return
            taken.add(start, end)
        add(doc, Mention(typ or self._type(label), start, end, label, rule))

    # -- rules ---------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        if any(q in text for q in "「」『』"):
            text = text.translate(_CORNER_QUOTES)  # same length: offsets hold
        self._starts = token_starts(doc)
        taken = SpanSet(len(text))
        places = SpanSet(len(text))  # marks s+1..e of each place: a name's left edge stops there
        for m in mentions(doc, "County", "Place"):
            places.add(m.start + 1, m.end + 1)
        # a named person inside a name makes it a clause (长孙思群组织召开…工程)
        self._people = SpanSet(len(text), ((m.start, m.end) for m in mentions(doc, "Official", "Person")
                                           if m.attrs.get("credit") is None and m.start < m.end))
        titles = SpanSet(len(text))  # 《…》 titles: a quoted name inside one is its own initiative too
        self._documents(doc, text, titles)
        self._quoted(doc, text, taken, titles)
        for s, e in titles:  # an unquoted name inside a title is part of the title only
            taken.add(s, e)
        self._ideal_builds(doc, text, taken, places)
        self._unquoted(doc, text, taken, places)
        self._one_name_per_thing(doc, text)
        return doc

    def _one_name_per_thing(self, doc, text):
        """Adjacent quoted names are one (“连心”工程“1+N”行动计划); a short form of a longer name the report
        gives is that name (结对共建活动 and 党建联盟活动 beside 党建联盟结对共建活动), so its facts join it."""
        mine = [m for m in mentions(doc, "Programme", "Mechanism") if m.rule.startswith("initiative.")]
        quoted = sorted((m for m in mine if m.rule == "initiative.quoted"), key=lambda m: m.start)
        for a, b in zip(quoted, quoted[1:]):
            if a.end == b.start and text[b.start:b.start + 1] == "“" and a.label and b.label:
                b.label, b.start, b.type = a.label + b.label, a.start, b.type
                a.label = ""
        if any(not m.label for m in mine):
            doc._.kg_mentions = [m for m in mentions(doc) if m.label or m not in mine]
            mine = [m for m in mine if m.label]
        # “五大工程” whose parts head the sections that follow (实施组织聚力工程 / 实施堡垒提升工程) is a bundle
        for q in _BUNDLE.finditer(text):
            tail = q.group(3)
            if q.group(1) is None or tail not in self.head_type or any(m.start == q.start() for m in mine):
                continue
            heads = set()
            for m in mine:
                line = text.rfind("\n", 0, m.start) + 1
                if m.start > q.end() and m.label.endswith(tail) and m.end - line <= 16 \
                        and not re.search(r"[，。；,]", text[line:m.end]):
                    heads.add(m.label)
            if len(heads) >= 2:
                mine.append(add(doc, Mention(self._type(tail), q.start(), q.end(), self._clean(q.group()),
                                             "initiative.count_with_parts")))
        labels = sorted({m.label for m in mine}, key=len, reverse=True)
        longer: dict[str, str] = {}
        for a in labels:
            head = self._head_of(a)
            mod = a[: len(a) - len(head)]
            if not head or len(mod) < 2:
                continue
            for b in labels:
                if len(b) <= len(a):
                    break
                if b.endswith(a) or (len(mod) >= 3 and b.startswith(mod) and b.endswith(head)):
                    longer[a] = b
                    break
        for m in mine:
            m.label = longer.get(m.label, m.label)

    def _documents(self, doc, text, taken):
        for m in _BOOK.finditer(text):
            inner = m.group(1).strip()
            if _DOC_END.search(inner):
                self._add(doc, m.start(), m.end(), inner, "initiative.document", "Programme", taken)

    def _quote_runs(self, doc, text, taken):
        """“A”“B”以及“C”等专题讨论: each quoted item is an initiative; 系列/各类 before the head means
        the head is the umbrella (等系列活动) and is not added to the items."""
        for run in _QUOTE_RUN.finditer(text):
            tail = text[run.end(): run.end() + 12]
            lead = re.match(r"等?(系列|各类|一系列)?", tail)
            head = self._head_after(text, run.end() + lead.end())
            if not head:
                # “A”“B”“C”(的)培养开发模式: the run and the words up to the type word are one name
                p = run.end() + text.startswith("的", run.end())
                phrase = self._head_within(text, p, 6)
                if phrase:
                    items = [q.group(1).strip() for q in _QUOTE.finditer(text, run.start(), run.end())]
                    self._add(doc, run.start(), p + len(phrase), "、".join(items) + phrase,
                              "initiative.quoted_list", taken=taken)
                continue
            umbrella = bool(lead.group(1))
            for q in _QUOTE.finditer(text, run.start(), run.end()):
                name = q.group(1).strip() + ("" if umbrella else head)
                self._add(doc, q.start(), q.end(), name, "initiative.quoted_list", taken=taken)

    def _count_with_parts(self, doc, text, taken):
        """A count label whose parts the text names is a bundle: the bundle and each part are items.

        “六大工程”(固本强基、达标创优…和党建引擎) gives 六大工程 and 固本强基工程…; “五个一”制度(记一本工作
        日志、…) and “五个一”活动，即每天记一篇读书笔记、… give the parts as written; “五个优先”，对…，评选
        拔尖人才优先、…优先 takes the list whose items end in the label's word. The parts must be as
        many as the label counts (where it counts up to ten), so a list that merely follows is no bundle.
        """
        for m in _BUNDLE.finditer(text):
            quoted = m.group(1) is not None
            count, tail = m.group(2), m.group(3)
            label = count + tail
            n = chinese_number(count[:-1]) if not count[:-1].isdigit() else float(count[:-1])
            if quoted:
                head = self._head_after(text, m.end()).removeprefix("工作")
            elif tail in self.head_type:
                head = ""
            else:
                continue
            word = head or (tail if tail in self.head_type else "")
            p = m.end() + len(self._head_after(text, m.end()) if quoted else 0)
            found = self._parts_after(text, p, tail, n)
            if not found:
                continue
            (ps, pe), items = found
            if tail == "一" or (tail and tail not in self.head_type and all(x.endswith(tail) for x in items)):
                names = items  # 记一本工作日志; 发展党员优先: each part says it whole
            elif word and all(len(x) <= 8 for x in items):
                names = [x if self._head_of(x) else x + word for x in items]
            else:
                continue
            before = text[max(0, m.start() - 4):m.start()]
            typ = self._type(label + head) if word else (
                "Mechanism" if re.search(r"(坚持|实行|建立|落实|执行|推行)$", before) else "Programme")
            add(doc, Mention(typ, m.start(), p, self._clean(label + head), "initiative.count_with_parts"))
            taken.append((m.start(), p))
            for x in names:
                name = self._clean(x)
                if len(name) >= 3:
                    add(doc, Mention(typ, ps, pe, name, "initiative.count_with_parts"))
            taken.append((ps, pe))

    def _parts_after(self, text: str, p: int, tail: str, n):
        """The list of a bundle's parts right after its label: in brackets, after 即/包括/：, or (for a
        label ending in a word the parts repeat: 五个优先) the sentence's first list whose items all end
        in that word. Returns ((start, end), items) or None."""
        spans = []
        if text[p:p + 1] in "(（":
            close = re.compile(r"[)）]").search(text, p + 1, p + 160)
            if close:
                spans.append((p + 1, close.start(), True))
        else:
            lead = re.compile(r"[，,]?(即|主要是|分别是|包括|具体是)?[：:]|[，,](即|主要是|分别是|包括|具体是)").match(text, p)
            if lead:
                end = re.compile(r"[。；;\n]").search(text, lead.end())
                spans.append((lead.end(), end.start() if end else len(text), False))
            elif tail and tail != "一" and tail not in self.head_type:
                stop = re.compile(r"[。；;\n]").search(text, p)
                stop = stop.start() if stop else len(text)
                q = p
                for c in re.finditer(r"[，,]|$", text[p:stop]):
                    spans.append((q, p + c.start(), False))
                    q = p + c.end()
                    if c.group() == "":
                        break
        for s, e, bracket in spans:
            items = self._split_items(text[s:e], bracket)
            if not items or len(items) < 2 or any(len(x) > 20 for x in items):
                continue
            if n and n <= 10 and len(items) != int(n):
                continue
            if tail and tail != "一" and tail not in self.head_type and not bracket \
                    and not all(x.endswith(tail) for x in items):
                continue
            if tail == "一" and not all("一" in x for x in items):
                continue
            return (s, e), items
        return None

    @staticmethod
    def _split_items(chunk: str, bracket: bool) -> list[str]:
        """Split a list on 、 (and ；) outside quotes; the last item may hold 和/及 (…基础保障和党建引擎)."""
        items, depth, cur = [], 0, ""
        for ch in chunk:
            depth += ch in "“‘(《"
            depth -= ch in "”’)》"
            if ch in "、；;" + ("，," if bracket else "") and depth <= 0:
                items.append(cur)
                cur = ""
            else:
                cur += ch
        items.append(cur)
        items = [re.sub(r"^(即|一是|二是|三是|四是|五是|六是|七是|八是|九是|十是)|等$", "", x.strip()) for x in items]
        items = [x for x in items if x]
        if bracket and items and re.search(r"[和及]", items[-1]) and len(items[-1]) <= 12:
            last = re.split(r"和|及", items.pop())
            items.extend(x for x in last if x)
        return items

    def _quoted(self, doc, text, taken, titles):
        outer = SpanSet(len(text), titles)  # runs and bundles inside a title are the title's words
        self._count_with_parts(doc, text, outer)
        self._quote_runs(doc, text, outer)
        for s, e in outer:
            if not titles.covers(s):
                taken.add(s, e)
        for m in _QUOTE.finditer(text):
            inner = m.group(1).strip()
            if titles.covers(m.start()):
                # 《关于实施“强村领航工程”的意见》: a quote naming an initiative by itself is one too
                if len(inner) >= 4 and self._head_of(inner):
                    self._add(doc, m.start(), m.end(), inner, "initiative.quoted", taken=taken)
                continue
            counted = self._counted_list(text, m)
            if counted:  # “县级统一领导、乡镇推进落实、…”四项责任清单: the list and its label are one name
                self._add(doc, m.start(), m.end() + len(counted), inner + counted, "initiative.quoted", taken=taken)
                continue
            # a quote with a phrase attached up to the type word is one name, the whole phrase
            # (“七化同步”示范达标党组织创建活动, not 七化同步示范): a weak head right after the quote
            # yields to a strong one further on
            head = self._head_after(text, m.end())
            phrase = self._head_within(text, m.end(), 10)
            if not head or (len(phrase) > len(head) and not head.endswith(self.strong_tuple)):
                head = phrase or head
            if head:
                self._add(doc, m.start(), m.end() + len(head), inner + head, "initiative.quoted", taken=taken)
                continue
            if text.startswith("的", m.end()):
                # “项目建到哪里、支部就设到哪里”的动态调整机制: the quote and its phrase are one name; a bare
                # type word after 的 (运用“双推”的办法) is not part of it
                phrase = self._head_within(text, m.end() + 1, 6)
                if phrase and len(phrase) - len(self.strong_re.search(phrase).group()) >= 2:
                    self._add(doc, m.start(), m.end() + 1 + len(phrase), inner + phrase, "initiative.quoted",
                              taken=taken)
                    continue
            if inner.endswith(self.strong_tuple) and len(inner) >= 4:
                self._add(doc, m.start(), m.end(), inner, "initiative.quoted", taken=taken)
                continue
            before = text[max(0, m.start() - 8): m.start()]
            after = text[m.end(): m.end() + 1]
            modifier = bool(re.match(r"[\u4e00-\u9fff]", after)) and not after.startswith(("的", "等"))
            if after == "的" and not re.match(r"的(办法|机制|模式|制度|做法)", text[m.end(): m.end() + 4]):
                modifier = True  # “白天上班、晚上上课”的强化训练模式: the quote describes what follows
            # 以“支部建在项目上”为切入口: what a report takes as its lever is an initiative
            lever = before.endswith("以") and bool(_LEVER.match(text, m.end()))
            # a list item that names its initiative and then the launching verb (…、“书记项目”实施等工作)
            lever = lever or self._launched_after(text, m.end())
            if (lever or before.endswith(self.bare_tuple) and not modifier) and len(inner) >= 2 \
                    and not inner.endswith(self.facility) and not _BUNDLE.fullmatch(m.group()):
                typ = "Mechanism" if re.match(r"的?(办法|机制|模式|制度|做法)", text[m.end(): m.end() + 4]) else "Programme"
                self._add(doc, m.start(), m.end(), inner, "initiative.bare_quoted", typ, taken)

    def _launched_after(self, text: str, p: int) -> bool:
        """A launching verb right after a quote that ends a list item or clause (“书记项目”实施、…; …“A”推进等工作)."""
        if not text.startswith(self.bare_tuple, p):  # most quotes: no verb follows (one C call)
            return False
        for v in self.bare_verbs:
            if text.startswith(v, p):
                after = text[p + len(v):p + len(v) + 1]
                return after in ("、", "等", "，", "。", "；", ",", ";") and p + len(v) in self._starts
        return False

    def _counted_list(self, text: str, m) -> str:
        """After a quoted list of N items, `N项/个/大 … <head>` counting them: the words up to the head."""
        c = re.match(r"([一二两三四五六七八九十]{1,2}|\d{1,2})(项|个|大|条|种)", text[m.end():m.end() + 4])
        if not c:
            return ""
        n = float(c.group(1)) if c.group(1).isdigit() else chinese_number(c.group(1))
        items = [x for x in re.split(r"[、，,]", m.group(1)) if x.strip()]
        if not n or len(items) != int(n) or n < 2:
            return ""
        p = m.end() + c.end()
        for k in range(min(8, len(text) - p), 0, -1):  # the longest phrase ending in a head at a word's end
            phrase = text[p:p + k]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", phrase) or p + k not in self._starts:
                continue
            if self._head_of(phrase) and not re.search(r"[的和及与等了]", phrase):
                return c.group() + phrase
        return ""

    def _unquoted(self, doc, text, taken, places):
        for m in self.strong_re.finditer(text):
            hs, he = m.start(), m.end()
            # a longer head continues right after (积分制 + 管理): let that one take it;
            # a head inside a longer word (工程 in 中国工程院) is no head
            if self.strong_re.match(text, he) or taken.overlaps(hs, he) or he not in self._starts:
                continue
            head = text[hs:he]
            lead = hs - 2 if text[hs - 2:hs] == "工作" else hs
            if text[lead - 1:lead] == "等":  # A、B等(工作)机制: every item takes the head
                self._list(doc, text, lead - 1, head, he, taken, places, force=True)
                continue
            if self._noun_follows(text, he):
                continue
            start = self._left_edge(text, hs, places)
            if start is None:
                continue
            if text[start - 1:start] in "及和与" and start > 1:  # 、月报告及销号制度: the last item holds a conjunction
                wider = self._left_edge(text, start - 1, places)
                if wider is not None and text[wider - 1:wider] == "、":
                    start = wider
            if text[start - 1:start] == "、" and text[he:he + 1] != "等":
                self._list(doc, text, hs, head, he, taken, places)
                continue
            start = self._strip_leading_verb(text, start, hs)
            name = text[start:he]
            if _COUNT_START.match(name):
                continue
            self._add(doc, start, he, name, "initiative.unquoted", taken=taken)

    def _ideal_builds(self, doc, text, taken, places):
        """美丽乡村建设, 新农村建设, 服务型党组织建设: the name starts at the qualifier, or at the topic the
        qualifier follows when a stop, a mark or a place bounds it within four characters (乡村振兴示范村建设,
        生态宜居村创建); the qualifier and unit must be at least three characters (新村建设 is a village's works)."""
        if self.ideal_re is None:
            return
        for m in self.ideal_re.finditer(text):
            s, e = m.start(), m.end()
            if e - s < 5 or s not in self._starts or e not in self._starts or self.ideal_unit_after.match(text, e):
                continue
            i = s
            while s - i < 5 and i > 0 and _NAME_CHAR.match(text[i - 1]) and text[i - 1] not in "“”" \
                    and not self._stop_ending_at(text, i) and not places.covers(i):
                i -= 1
            bounded = i == 0 or not _NAME_CHAR.match(text[i - 1]) or text[i - 1] in "“”" \
                or self._stop_ending_at(text, i) or places.covers(i)
            if not (bounded and 2 <= s - i <= 4 and i in self._starts):
                i = s
            while s - i >= 2:  # the topic is a noun: a leading verb or function word (关于, 由于, 驾驭) is not
                n, word, flag = self._first_word(text[i:s])
                if not word or flag[:1] in "vdpcrum" or flag == "ad":
                    i = i + len(word) if word and i + len(word) <= s else s
                else:
                    break
            if s - i < 2 or not self._all_nouns(text[i:s]):  # nouns only (党建助力 is a clause)
                i = s
            self._add(doc, i, e, text[i:e], "initiative.ideal_build", "Programme", taken)

    def _list(self, doc, text, end: int, head: str, he: int, taken, places, force: bool = False) -> bool:
        """`A、B、C<head>` or `A、B等<head>`: one initiative per item with the head added back.

        Items run back to the clause's start; the first loses one leading verb
        (完善严格落实责任… keeps 严格落实责任). Items of three characters or less
        are modifiers of one arrangement (组团式、造血式、互助式帮扶机制): kept whole.
        """
        lo = max(0, end - _LIST_LOOKBACK)
        clause = max(text.rfind(p, lo, end) for p in "，。；：！？\n") + 1
        if clause == 0 and lo > 0:
            return False
        parts, depth, pos = [], 0, clause
        for i in range(clause, end):  # split on 、 outside quotes and brackets
            ch = text[i]
            depth += ch in "“(《" 
            depth -= ch in "”)》"
            if ch == "、" and depth <= 0:
                parts.append((pos, i))
                pos = i + 1
        parts.append((pos, end))
        s0, e0 = parts[0]
        while (stop := self._stop_at_start(text, s0, e0)) and e0 - s0 - len(stop) >= 3:
            s0 += len(stop)
        parts[0] = (s0, e0)
        parts = [(s, e) for s, e in parts if e - s >= 2]
        if not parts or any(e - s > 16 for s, e in parts) or len(parts) > 8:
            return False
        if len(parts) == 1 and not force:
            return False
        if force and head == "活动" and all(e - s <= 4 and "“" not in text[s:e] for s, e in parts):
            # 开展周末讲座、集中培训、交流研讨等活动: kinds of activity, not named ones
            taken.append((parts[0][0], he))
            return True
        if all(e - s <= 3 for s, e in parts[:-1]) and not force:
            s, e = parts[0][0], parts[-1][1]
            self._add(doc, s, he, text[s:e] + head, "initiative.list", taken=taken)
            return True
        for s, e in parts:
            name = text[s:e]
            if name.endswith(self.strong_tuple):
                self._add(doc, s, e, name, "initiative.list", taken=None)
            else:
                if head.startswith("化") and name.endswith("化"):  # 标准化、规范化建设: the item holds the 化
                    name = name[:-1]
                self._add(doc, s, e, name + head, "initiative.list", self.head_type.get(head.removeprefix("工作")), None)
        taken.append((parts[0][0], he))
        return True

    def _noun_follows(self, text: str, he: int) -> bool:
        """活动质量, 工程资金: a noun after the head makes the head a modifier."""
        return any(text.startswith(w, he) for w in self.not_after)

    def _stop_at_start(self, text: str, s: int, e: int) -> str:
        for w in self.stops:
            if len(w) >= 2 and text.startswith(w, s) and s + len(w) < e:
                return w
        return ""

    def _strip_leading_verb(self, text: str, start: int, hs: int) -> int:
        """Drop a leading verb or adverb the stop lexicon missed (织密干部选育管用制度体系)."""
        n, word, flag = self._first_word(text[start:hs])
        if flag == "a" and word in self.group_mods:  # 年轻干部挂职锻炼计划: the adjective is the group's
            return start
        if n >= 2 and flag in ("v", "vd", "d", "p", "c", "ad", "a") and len(word) >= 2 \
                and hs - start - len(word) >= 3:
            return start + len(word)
        return start

    def _common_kind(self, label: str) -> bool:
        """特色活动, 配套机制: a common word before a two-character head (see _COMMON_WORD_FREQ)."""
        if len(label) != 4 or label[2:] not in self.head_type:
            return False
        seg = self.nlp.tokenizer.pos_tagger.tokenizer
        seg.check_initialized()
        return seg.FREQ.get(label[:2], 0) >= _COMMON_WORD_FREQ

    def _all_nouns(self, span: str) -> bool:
        """Whether jieba's part-of-speech cut of a short span holds nouns only (乡村振兴, 生态)."""
        words = list(self.nlp.tokenizer.pos_tagger.cut(span))
        return bool(words) and all(w.flag[:1] in "nj" or w.flag == "vn" for w in words)

    def _first_word(self, span: str) -> tuple[int, str, str]:
        """(words, first word, its tag) of jieba's part-of-speech cut of `span`, kept by span: the cut is
        pure Python and slow, and reports name the same things again and again."""
        tagger = self.nlp.tokenizer.pos_tagger
        if tagger is not self._first_words_of:  # the tokenizer was given other lexicons
            self._first_words, self._first_words_of = {}, tagger
        hit = self._first_words.get(span)
        if hit is None:
            if len(self._first_words) >= 65536:
                self._first_words.clear()
            words = list(tagger.cut(span))
            hit = self._first_words[span] = (len(words), words[0].word, words[0].flag) if words else (0, "", "")
        return hit

    def _left_edge(self, text: str, hs: int, places) -> int | None:
        """Walk left from the head to a stop word, punctuation or place; a quoted part is crossed whole."""
        i = hs
        crossed = None  # where a stop word right before the head was taken into the name
        while i > 0:
            if hs - i >= self.max_unquoted:
                return None  # no edge found: a clause, not a name
            ch = text[i - 1]
            if ch == "”":
                open_ = text.rfind("“", max(0, i - 25), i - 1)  # nearer than 24, or none
                if open_ < 0 or i - open_ > 24:
                    break
                i = open_
                continue
            if not _NAME_CHAR.match(ch) or ch == "“":
                break
            stop = self._stop_ending_at(text, i)
            if stop:
                # a stop right before the head belongs to the name (堡垒提升工程, 责任落实机制), unless
                # it launches things (开展活动): cross it once, and the name must say more before it
                if i == hs and crossed is None and len(stop) >= 2 and stop not in self.bare_set:
                    crossed = i - len(stop)
                    i = crossed
                    continue
                break
            if places.covers(i):  # a place name starts the name: drop it
                break
            i -= 1
        if hs - i < 2 or (crossed is not None and crossed - i < 2):
            return None
        if text[i:hs].count("(") != text[i:hs].count(")"):
            return None
        return i


@Language.factory("kg_initiatives", assigns=[MENTIONS], requires=[MENTIONS],
                  default_config={"max_unquoted": _MAX_UNQUOTED})
def make_initiative_tagger(nlp: Language, name: str, max_unquoted: int) -> InitiativeTagger:
    return InitiativeTagger(nlp, name, max_unquoted=max_unquoted)
