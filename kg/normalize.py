"""Normalise one report's decoded text into what the NLP layer reads.

Reports arrive Traditional or Simplified, with pinyin glosses after polyphonic
characters (`認(rèn)真`), mojibake left by a broken GBK round trip (`??h委`),
ASCII or full-width punctuation, spaces standing for commas, and bylines or
photo credits mixed into the body. `normalize()` turns that into one
Simplified body text the rules can match, and keeps for every character its
offset in the original, so every fact can still point at the spot in the file
the user has.

Pipeline (each step only deletes characters or replaces them one for one, or
replaces a run by a shorter text, so the offset map is carried exactly):

1. mojibake runs are found on the original and repaired only where the repair
   is proven by re-decoding; pinyin glosses are removed;
2. OpenCC t2s, line by line, falling back to per-character conversion for a
   line whose length would change;
3. credits (bylines, `(作者系…)`, photo and editor credits, reporter lists)
   and `key=value` junk lines are cut out into `Credit`s;
4. whitespace and punctuation are unified, then sentences are split; a
   sentence longer than MAX_SENTENCE (1,000 characters; real ones stay under
   400) is cut into windows of at most that length, after a clause mark or a
   space where there is one, so a report without punctuation still gives
   bounded sentences: every per-sentence step stays linear in the report and
   no evidence literal grows with it.

Knows nothing of NLP or RDF; the role words live in
`kg/data/lexicons/credits.json` so users can extend them without code.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import opencc

from kg.charsets import common_han

if TYPE_CHECKING:
    from kg.lexicons import Lexicons

__all__ = ["Credit", "Mojibake", "Text", "normalize", "MAX_SENTENCE"]

# Han ideographs (BMP blocks, compatibility block and the supplementary planes).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RE = re.compile(f"[{HAN}]")
# CJK punctuation and quotes that make a neighbouring space or ASCII mark "Chinese".
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’《》〈〉「」『』【】…—·"
_CJK_RE = re.compile(f"[{HAN}{_CJK_PUNCT}]")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_UNTONE = str.maketrans({
    **{c: "a" for c in "āáǎà"}, **{c: "e" for c in "ēéěè"}, **{c: "i" for c in "īíǐì"},
    **{c: "o" for c in "ōóǒò"}, **{c: "u" for c in "ūúǔù"}, **{c: "v" for c in "ǖǘǚǜü"},
    **{c: "n" for c in "ńňǹ"}, "ḿ": "m",
})
# One pinyin syllable (tones stripped, ü as v); glosses are per character.
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iong|iang|uang|ueng|iao|ian|uai|uan|van|ang|eng|ing|ong|ai|ei|ao|ou|an|en|er|in|ia|ie|iu|io"
    r"|ua|uo|ui|un|ue|ve|vn|a|o|e|i|u|v)"
    r"|hm|hng|ng|m|n"
)
_GLOSS = re.compile(rf"(?<=[{HAN}])\s?[(（]([a-z{_TONED}]{{1,7}})[1-5]?[)）]")
# A gloss whose "(" was eaten by mojibake: 'duì)' after a '?'.
_RESIDUE = re.compile(rf"[(（]?([a-z{_TONED}]{{1,7}})[1-5]?[)）]")

# ASCII marks that a folded full-width pair leaves behind after an orphan byte.
_STRAY = "!;:#$%&*+<=>@^_`|~\\"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_HSPACE = " \t\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
# Full-width ASCII forms fold to half-width, except the Chinese marks that stay
# (！，：；？); （） become () so names carry one kind of bracket.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
for _c in "！，：；？":
    _FOLD.pop(ord(_c))
_FOLD[0x3000] = 0x20
_HAN_SPACE_HAN = re.compile(f"[{HAN}][{_HSPACE}]+[{HAN}]")
_ASCII_TO_CJK = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_ASCII_TO_CJK_TABLE = str.maketrans(_ASCII_TO_CJK)
_ASCII_MARKS = re.compile(r"[,;:?!]+")

_SENT_END = re.compile(r"(?:…{2,}|\.{6}|[。！？；!?;]+)[”’」』)）]*")
_CLAUSE_SEP = "，；：、,;:"
# The longest sentence: a longer run without a sentence end is cut into windows this long, so
# per-sentence work and evidence literals stay bounded whatever the punctuation (real ones: < 400).
MAX_SENTENCE = 1000
_WINDOW_CUTS = _CLAUSE_SEP + " \t\u3000"
_OPENERS = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』", "(": ")", "（": "）", "【": "】", "〈": "〉"}
_CLOSERS = frozenset(_OPENERS.values())


@dataclass
class Credit:
    """Who wrote, edited or photographed the report; read out of the body."""

    role: str
    name: str | None
    office: str | None
    start: int
    end: int


@dataclass
class Mojibake:
    """A garbled run of the original; `repaired` is what replaced it in Text.text (None: dropped)."""

    start: int
    end: int
    text: str
    repaired: str | None


@dataclass
class Text:
    """The normalised body and the map back to the original (see module docstring)."""

    text: str
    origin: list[int]
    sentences: list[tuple[int, int]]
    credits: list[Credit] = field(default_factory=list)
    mojibake: list[Mojibake] = field(default_factory=list)
    # End offset (exclusive) in the original of each character: a character that
    # stands for a repaired run covers the whole run. Private; origin is the contract.
    _ends: list[int] | None = field(default=None, repr=False, compare=False)
    _orig_len: int | None = field(default=None, repr=False, compare=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original that text[start:end] was made from."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if start == end:
            if start < n:
                return (self.origin[start], self.origin[start])
            last = self._end_of(n - 1) if n else (self._orig_len or 0)
            return (last, last)
        return (self.origin[start], self._end_of(end - 1))

    def _end_of(self, i: int) -> int:
        if self._ends is not None:
            return self._ends[i]
        return self.origin[i] + 1

    def clauses(self, start: int, end: int) -> list[tuple[int, int]]:
        """Clause spans inside text[start:end], split at ，；：、 outside quotes and brackets.

        Quoted names (“强党性、转作风、促攻坚、抓落实”) and 《titles》 hold 、 that
        must not split them, so separators only count at bracket depth 0.
        """
        return _clauses(self.text, start, end)


# ---------------------------------------------------------------------------
# data and converters (loaded once per process)

def credit_lexicon(lexicons: "Lexicons | None" = None) -> dict:
    """The credit words of `lexicons` (their credits.json; the shipped lexicons when None), made ready
    for the credit finder once per Lexicons value (kept on it, not in this module)."""
    if lexicons is None:
        from kg import lexicons as _lexicons

        lexicons = _lexicons.load()
    ready = lexicons.prepared.get("credits")
    if ready is None:
        ready = lexicons.prepared["credits"] = _credit_lexicon(lexicons.credits)
    return ready


def _credit_lexicon(data: dict) -> dict:
    headers = {k: v for k, v in data["header_words"].items() if not k.startswith("_")}
    roles = {k: v for k, v in data["role_words"].items() if not k.startswith("_")}
    lex = {
        "headers": headers,
        "roles": roles,
        "roles_longest": sorted(roles, key=len, reverse=True),
        "photo": tuple(sorted(data["photo_words"], key=len, reverse=True)),
        "office": tuple(data["office_leads"]),
        "bullets": data["bullets"],
        "surnames": frozenset(data["surnames"]),
        "compound": frozenset(data["compound_surnames"]),
        "particles": data["question_particles"],
        "question": tuple(data["question_words"]),
    }
    lex["res"] = _credit_res(lex)
    return lex


@functools.lru_cache(maxsize=None)
def _cc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@functools.lru_cache(maxsize=65536)
def _t2s_char(c: str) -> str:
    r = _cc("t2s").convert(c)
    return r if len(r) == 1 else c


@functools.lru_cache(maxsize=65536)
def _s2t_char(c: str) -> str:
    r = _cc("s2t").convert(c)
    return r if len(r) == 1 else c




@functools.lru_cache(maxsize=None)
def _cjk_punct_gbk() -> frozenset[str]:
    """GB2312 row 1 (。，“”《》…): punctuation a repair may also produce."""
    out = set()
    for trail in range(0xA1, 0xFF):
        try:
            out.add(bytes((0xA1, trail)).decode("gb2312"))
        except UnicodeDecodeError:
            pass
    return frozenset(out)


def _is_syllable(s: str) -> bool:
    return _SYLLABLE.fullmatch(s.translate(_UNTONE)) is not None


# ---------------------------------------------------------------------------
# the offset-carrying buffer

def _apply(text: str, origin: list[int], ends: list[int], edits: list[tuple]) -> tuple[str, list[int], list[int]]:
    """Apply non-overlapping edits (start, end, replacement, rep_origin, rep_ends) to text.

    Slices are copied whole, so the cost is linear in the text with a small
    constant; `rep_origin`/`rep_ends` give the original spans of the
    replacement's characters (None: each maps to the start of what it replaces).
    """
    if not edits:
        return text, origin, ends
    edits.sort(key=lambda e: (e[0], e[1]))
    parts, o_parts, e_parts = [], [], []
    pos = 0
    for start, end, rep, rep_o, rep_e in edits:
        if start < pos:  # overlap: a deletion is clipped, a replacement yields to the earlier edit
            if rep or end <= pos:
                continue
            start = pos
        parts.append(text[pos:start])
        o_parts.extend(origin[pos:start])
        e_parts.extend(ends[pos:start])
        if rep:
            parts.append(rep)
            if rep_o is None:
                anchor = origin[start] if start < len(origin) else (origin[-1] + 1 if origin else 0)
                stop = ends[end - 1] if end > start else anchor
                rep_o = [anchor] * len(rep)
                rep_e = [max(stop, anchor + 1)] * len(rep)
            o_parts.extend(rep_o)
            e_parts.extend(rep_e)
        pos = end
    parts.append(text[pos:])
    o_parts.extend(origin[pos:])
    e_parts.extend(ends[pos:])
    return "".join(parts), o_parts, e_parts


# ---------------------------------------------------------------------------
# 1. mojibake and glosses (on the original)

def _is_han(c: str) -> bool:
    return bool(c) and _HAN_RE.match(c) is not None


def _is_traditional(text: str) -> bool:
    """True when OpenCC t2s changes a noticeable share of the Han characters."""
    conv = _cc("t2s").convert(text)
    if len(conv) != len(text):
        return True
    han = changed = 0
    for a, b in zip(text, conv):
        if a != b:
            changed += 1
        if "\u4e00" <= a <= "\u9fff":
            han += 1
    return han > 0 and changed / han > 0.03


def _suspicious_han(c: str, traditional: bool) -> bool:
    """A Han character that real prose of this text would hardly use."""
    if c not in common_han():
        return True
    # A Simplified-only character in a Traditional text is a mis-decoded byte pair.
    return traditional and _t2s_char(c) == c and _s2t_char(c) != c


def _is_garbage_symbol(c: str) -> bool:
    """Letters and symbols from scripts that do not belong in a Chinese report."""
    o = ord(c)
    return (
        0x0370 <= o <= 0x052F  # Greek, Cyrillic
        or 0x2500 <= o <= 0x259F  # box drawing, blocks
        or 0x3040 <= o <= 0x30FF  # kana
        or 0x3100 <= o <= 0x312F  # bopomofo
        or 0xE000 <= o <= 0xF8FF  # private use
        or 0x0080 <= o <= 0x00BF  # Latin-1 symbols
        or o == 0xFFFD
    )


def _question_context(text: str, i: int, lex: dict) -> bool:
    """True when the '?' at i closes a real question (a question word earlier in its clause)."""
    if i > 0 and _t2s_char(text[i - 1]) in lex["particles"]:
        return True
    lo = i
    while lo > 0 and i - lo < 40 and text[lo - 1] not in "，。；：！？,;:!\n":
        lo -= 1
    clause = "".join(_t2s_char(c) for c in text[lo:i])
    return any(q in clause for q in lex["question"])


def _is_seed(text: str, i: int, lex: dict) -> bool:
    """Does the '?' or U+FFFD at i start a mojibake run?

    A '?' that closes a question (a question word earlier in its clause), or
    that sits in ASCII text, is punctuation; one followed by another '?', by a
    stray ASCII byte or by a gloss missing its '(' is a lost byte.
    """
    c = text[i]
    if c == "\ufffd":
        return True
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    m = _RESIDUE.match(text, i + 1)
    if m and _is_syllable(m.group(1)) and (_is_han(prev) or prev in "?\ufffd"):
        return True  # '?duì)': a gloss whose '(' went with the mojibake
    if prev and prev.isascii() and prev.isalnum():
        return False  # English or code: leave '?' alone
    if nxt in ("?", "\ufffd"):
        return not _question_context(text, i, lex)
    if not _is_han(prev):
        return False
    if nxt and nxt.isascii() and (nxt.isalpha() or nxt in _STRAY):
        return not _question_context(text, i, lex)
    if _is_han(nxt):
        return not _question_context(text, i, lex)
    return False


def _run_end(text: str, i: int, traditional: bool) -> int:
    """Extend a mojibake run right from the seed at i; returns its end."""
    n = len(text)
    j = i
    last = i + 1  # end of the last certainly-garbled char
    while j < n:
        c = text[j]
        if c == "\n":
            break
        if c in "?\ufffd":
            j += 1
            last = j
            continue
        m = _RESIDUE.match(text, j)
        if m and _is_syllable(m.group(1)) and j > i:
            j = m.end()
            last = j
            continue
        if c.isascii() and (c.isalpha() or (c in _STRAY and text[j - 1] in "?\ufffd")):
            # single stray letters between Han ('h' in '?;鶎狱h建') or the byte after an orphan
            k = j
            while k < n and text[k].isascii() and text[k].isalpha():
                k += 1
            if k - j > 2 and c not in _STRAY:
                break  # a real word
            j = max(k, j + 1)
            last = j
            continue
        if _is_garbage_symbol(c):
            j += 1
            last = j
            continue
        if _is_han(c):
            if _suspicious_han(c, traditional):
                j += 1
                last = j
                continue
            # bridge up to two ordinary Han chars when garbage follows right after
            k = j
            while k < n and k - j < 2 and _is_han(text[k]) and not _suspicious_han(text[k], traditional):
                k += 1
            if k < n and k > j and (
                text[k] in "?\ufffd" or _is_garbage_symbol(text[k])
                or (_is_han(text[k]) and _suspicious_han(text[k], traditional))
                or (text[k].isascii() and text[k].isalpha())
            ):
                j = k
                continue
            break
        break
    return last


def _gbk_bytes(chars: str) -> list[tuple[int, int]]:
    """(byte, index of the char it came from) for chars encoded as GBK, up to the first that does not encode."""
    out = []
    for idx, ch in enumerate(chars):
        try:
            b = ch.encode("gbk")
        except UnicodeEncodeError:
            break
        out.extend((x, idx) for x in b)
    return out


def _resync(text: str, k: int, end: int) -> tuple[str, list[int], list[int], int] | None:
    """Undo a lost byte: re-read text[k:end] as GBK with text[k]'s high bit restored.

    The garbling seen in real reports is a GBK byte stream in which one byte
    pair was taken for a full-width form and folded to ASCII (A3 BF '？' -> '?'),
    shifting every later pair by one byte until an ASCII byte realigns them.
    Setting the high bit of the ASCII char back and decoding again recovers the
    characters. The repair is accepted only when the re-read realigns with the
    garbled text at a character boundary and yields only everyday characters,
    so it is derived from the bytes, never guessed.
    """
    c = text[k]
    if not ("!" <= c <= "~"):
        return None
    tail = _gbk_bytes(text[k + 1:end])
    data = [(ord(c) | 0x80, 0)] + [(b, idx + 1) for b, idx in tail]
    starts = set()
    prev = None
    for p, (_, idx) in enumerate(data):
        if idx != prev:
            starts.add(p)
            prev = idx
    starts.add(len(data))
    stop = k + 1 + (tail[-1][1] + 1 if tail else 0)  # first char not covered by the bytes
    common, punct = common_han(), _cjk_punct_gbk()
    out, o, e = [], [], []
    p = 0
    while p < len(data):
        b = data[p][0]
        if b < 0x80 or p + 1 >= len(data):
            return None
        try:
            ch = bytes((b, data[p + 1][0])).decode("gbk")
        except UnicodeDecodeError:
            return None
        if ch not in common and ch not in punct:
            return None
        out.append(ch)
        o.append(k + data[p][1])
        e.append(k + data[p + 1][1] + 1)
        p += 2
        if p in starts:
            if not any(_is_han(x) for x in out):
                return None
            return "".join(out), o, e, (k + data[p][1]) if p < len(data) else stop
    return None


_UTF8_CJK_RUN = re.compile(rb"(?:[\xe3-\xe9\xef][\x80-\xbf]{2}){4}")


def _utf8_as_gbk(text: str) -> list[tuple[int, int, str]]:
    """Stretches that are UTF-8 bytes read as GBK ('涓滄簮鍒涙柊' for '东源创新'): the classic mojibake.

    Within each run of non-ASCII characters, a stretch qualifies only if its
    GBK bytes are valid UTF-8 decoding to at least four CJK characters and the
    stretch ends on a character boundary of both readings; natural GBK text
    essentially never does, so such a repair is certain.
    """
    found = []
    for m in re.finditer(r"[^\x00-\x7f\n]{6,}", text):
        seg = m.group()
        if not _UTF8_CJK_RUN.search(seg.encode("gbk", "replace")):
            continue  # the fast common case: nothing here reads as UTF-8
        data = _gbk_bytes(seg)
        if len(data) < 12:
            continue
        raw = bytes(b for b, _ in data)
        bounds = {0}
        prev = 0
        for p, (_, idx) in enumerate(data):
            if idx != prev:
                bounds.add(p)
                prev = idx
        bounds.add(len(raw))
        p = 0
        while p < len(raw) - 11:
            if p not in bounds or not (0xE0 <= raw[p] <= 0xEF):
                p += 1
                continue
            q, good_end, chars = p, None, []
            while q + 3 <= len(raw):
                try:
                    ch = raw[q:q + 3].decode("utf-8")
                except UnicodeDecodeError:
                    break
                if not _CJK_RE.match(ch):
                    break
                chars.append(ch)
                q += 3
                if q in bounds and len(chars) >= 4:
                    good_end = (q, len(chars))
            if good_end is None:
                p += 1
                continue
            q, k = good_end
            start = m.start() + data[p][1]
            end = m.start() + (data[q][1] if q < len(data) else len(seg))
            found.append((start, end, "".join(chars[:k])))
            p = q
    return found


def _repair_and_unglos(original: str, lex: dict) -> tuple[list[tuple], list[Mojibake], list[int]]:
    """Edits for mojibake runs and pinyin glosses, the Mojibake records, and soft sentence breaks.

    Soft breaks are original offsets where a lost character was, by the bytes,
    most likely a full stop (its GBK trail byte is A3, as 。's is): the sentence
    splitter breaks there without inventing the character.
    """
    edits: list[tuple] = []
    records: list[Mojibake] = []
    soft: list[int] = []
    taken: list[tuple[int, int]] = []

    for s, e, dec in _utf8_as_gbk(original):
        edits.append((s, e, dec, None, None))
        records.append(Mojibake(s, e, original[s:e], dec))
        taken.append((s, e))
    taken.sort()

    traditional = None
    pos = 0
    n = len(original)
    while True:
        i = _next_mark(original, pos)
        if i < 0:
            break
        if _overlaps(taken, i, i + 1) or not _is_seed(original, i, lex):
            pos = i + 1
            continue
        if traditional is None:
            traditional = _is_traditional(original)
        end = _run_end(original, i, traditional)
        # merge with a run that starts right after (a single ordinary char between)
        while True:
            nxt = _next_mark(original, end, end + 2)
            if nxt < 0 or not _is_seed(original, nxt, lex):
                break
            end = _run_end(original, nxt, traditional)
        rep_chars, rep_o, rep_e = [], [], []
        j = i
        while j < end:
            ch = original[j]
            if ch in "?\ufffd":
                m = _RESIDUE.match(original, j + 1)
                if m and m.end() <= end and _is_syllable(m.group(1)):
                    j = m.end()
                    continue
                if j + 1 < end:
                    got = _resync(original, j + 1, end)
                    if got:
                        chars, o, e, j_next = got
                        if ch == "?" and j > 0 and not original[j - 1] in "?\ufffd":
                            soft.append(j)
                        rep_chars.extend(chars)
                        rep_o.extend(o)
                        rep_e.extend(e)
                        j = j_next
                        continue
            j += 1  # an unrecoverable byte: dropped
        rep = "".join(rep_chars)
        edits.append((i, end, rep, rep_o or None, rep_e or None))
        records.append(Mojibake(i, end, original[i:end], rep or None))
        bisect.insort(taken, (i, end))
        pos = end
        if pos >= n:
            break

    for m in _GLOSS.finditer(original):
        if not _is_syllable(m.group(1)):
            continue
        if _overlaps(taken, m.start(), m.end()):
            continue
        edits.append((m.start(), m.end(), "", None, None))
    records.sort(key=lambda r: r.start)
    return edits, records, soft


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Does [s, e) overlap one of the sorted, disjoint spans?"""
    k = bisect.bisect_right(spans, (s, float("inf")))
    return (k > 0 and spans[k - 1][1] > s) or (k < len(spans) and spans[k][0] < e)


def _next_mark(text: str, pos: int, limit: int | None = None) -> int:
    a = text.find("?", pos, limit if limit is not None else len(text))
    b = text.find("\ufffd", pos, limit if limit is not None else len(text))
    if a < 0:
        return b
    if b < 0:
        return a
    return min(a, b)


# ---------------------------------------------------------------------------
# 2. Traditional -> Simplified, length-preserving

def _t2s_aligned(text: str) -> str:
    """OpenCC t2s that never changes the length, so offsets stay one for one.

    Whole lines are converted at once (phrase-aware and fast); a line whose
    length changes, or whose ASCII would move, is converted char by char.
    """
    conv = _cc("t2s").convert
    whole = conv(text)
    if len(whole) == len(text) and _aligned(text, whole):
        return whole
    out = []
    for line in text.split("\n"):
        c = conv(line)
        if len(c) != len(line) or not _aligned(line, c):
            c = "".join(_t2s_char(ch) for ch in line)
        out.append(c)
    return "\n".join(out)


def _aligned(a: str, b: str) -> bool:
    """Same-length strings whose ASCII characters sit at the same places."""
    return a.encode("ascii", "replace") == b.encode("ascii", "replace")


# ---------------------------------------------------------------------------
# 3. credits

def _name_ok(w: str, need_surname: bool, lex: dict) -> bool:
    """A personal name: 2–4 Han (or a ·-joined minority name); with need_surname, a known surname first."""
    if not re.fullmatch(rf"[{HAN}]{{2,4}}|[{HAN}]{{1,8}}(?:[·•][{HAN}]{{1,8}}){{1,2}}", w):
        return False
    if w in lex["roles"] or w in lex["headers"]:
        return False
    if not need_surname or "·" in w or "•" in w:
        return True
    if w[:2] in lex["compound"]:
        return True
    return w[0] in lex["surnames"] and len(w) <= 3


_NAME_TOKEN = re.compile(r"[^\s、,，;；/／|｜]+")


def _photo_tail_start(line: str, words: tuple[str, ...]) -> int | None:
    """Where a trailing photo credit word (…李成东 / 摄) starts, with the spaces and the one slash
    before it; None if the line does not end in one. A scan from the end: the regex this replaces
    (search for \\s*[/／]?\\s*摄\\s*$) backtracked cubically through a long run of spaces."""
    r = len(line.rstrip())
    best = None
    for w in words:
        if not w or not line.endswith(w, 0, r):
            continue
        q = r - len(w)
        while q > 0 and line[q - 1].isspace():
            q -= 1
        if q > 0 and line[q - 1] in "/／":
            q -= 1
            while q > 0 and line[q - 1].isspace():
                q -= 1
        best = q if best is None else min(best, q)
    return best


def _parse_names(body: str, role: str | None, inner: bool, need_surname: bool,
                 lex: dict) -> list[tuple[str, str]] | None:
    """Parse 'ROLE name name ROLE name' into (role, name) pairs; None if anything else is there.

    `role` is the role before any role word; with `inner`, role words in the
    list change it (组稿: 本报记者 甲 特约记者 乙), otherwise they only describe
    the person (摄影: 本报记者 丙 stays a photographer).
    """
    out = []
    for w in _join_spaced_names(_NAME_TOKEN.findall(body), lex):
        if w in lex["roles"]:
            if inner or role is None:
                role = lex["roles"][w]
            continue
        for rw in lex["roles_longest"]:
            if w.startswith(rw) and _name_ok(w[len(rw):], need_surname, lex):
                if inner or role is None:
                    role = lex["roles"][rw]
                out.append((role, w[len(rw):]))
                break
        else:
            if role is None or not _name_ok(w, need_surname, lex):
                return None
            out.append((role, w))
    return out or None


def _join_spaced_names(tokens: list[str], lex: dict) -> list[str]:
    """Typesetting pads a two-character name to the width of three (`记者 张  三`) or spaces every
    character (`王 小 明`): a lone surname and the one or two characters after it are one name.
    A run of single characters is read as names of two (or one of three when the run is three)."""

    def single(w: str) -> bool:
        return len(w) == 1 and bool(re.fullmatch(rf"[{HAN}]", w)) and w not in lex["roles"] and w not in lex["headers"]

    out: list[str] = []
    i = 0
    while i < len(tokens):
        w = tokens[i]
        if len(w) == 1 and w in lex["surnames"] and i + 1 < len(tokens):
            nxt = tokens[i + 1]
            if len(nxt) == 2 and re.fullmatch(rf"[{HAN}]{{2}}", nxt) and nxt not in lex["roles"] \
                    and nxt not in lex["headers"]:
                out.append(w + nxt)
                i += 2
                continue
            n = 0
            while i + n < len(tokens) and single(tokens[i + n]):
                n += 1
            if n >= 2:
                take = 3 if n == 3 else 2
                out.append("".join(tokens[i:i + take]))
                i += take
                continue
        out.append(w)
        i += 1
    return out


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _HSPACE + "\n":
        s += 1
    while e > s and text[e - 1] in _HSPACE + "\n":
        e -= 1
    return s, e


def _credit_res(lex: dict) -> dict[str, re.Pattern]:
    heads = "|".join(sorted(map(re.escape, lex["headers"]), key=len, reverse=True))
    roles = "|".join(map(re.escape, lex["roles_longest"]))
    offices = "|".join(map(re.escape, lex["office"]))
    photo = "|".join(map(re.escape, lex["photo"]))
    b = re.escape(lex["bullets"])
    return {
        # '■组稿:本报记者 甲 乙', '文/杨宏伟', '摄影(除署名外):本报记者 杨坚'
        "header": re.compile(
            rf"^[{b}\s]*(?P<head>{heads})\s*(?:[(（][^()（）]{{0,20}}[)）])?\s*[:：/／|｜]\s*(?P<body>.+?)\s*$"
        ),
        # '通讯员 邱劲泽' on a line of its own
        "roleline": re.compile(rf"^[{b}\s]*(?P<body>(?:{roles}).*?)\s*$"),
        "office": re.compile(rf"[(（]\s*(?:{offices})\s*[:：]?\s*(?P<office>[^()（）\n]{{2,80}}?)\s*。?\s*[)）]"),
        "office_line": re.compile(rf"^\s*(?:{offices})\s*[:：]?\s*(?P<office>[^()（）\n]{{2,80}}?)\s*。?\s*$"),
        "paren": re.compile(r"[(（](?P<body>[^()（）\n]{2,60})[)）]"),
        "photo_paren": re.compile(rf"^(?P<body>.+?)\s*[/／]?\s*(?:{photo})$"),
        "junk": re.compile(
            r"^\s*[A-Za-z_][\w.\-]*\s*=\s*[^\s,;&=]*(?:\s*[,;&]\s*[A-Za-z_][\w.\-]*\s*=\s*[^\s,;&=]*)*\s*$",
            re.ASCII,
        ),
    }


_TAIL_STOP = "。！？!?”」』）)，,：:；;…"


class _CreditFinder:
    """Find credits in the Simplified text: the spans to cut and the Credit records."""

    def __init__(self, text: str, origin: list[int], ends: list[int], lex: dict):
        self.text, self.origin, self.ends = text, origin, ends
        self.lex = lex
        self.re = lex["res"]
        self.deletions: list[tuple[int, int]] = []
        self.credits: list[Credit] = []
        self._said: set[tuple] = set()  # (role, name, office) of the credits so far

    def _credit(self, role: str, name: str | None, office: str | None, s: int, e: int) -> None:
        s, e = _strip_span(self.text, s, e)
        if s >= e:
            return
        if (role, name, office) in self._said:
            return  # a repeated byline adds nothing
        self._said.add((role, name, office))
        self.credits.append(Credit(role, name, office, self.origin[s], self.ends[e - 1]))

    def _add(self, got: list[tuple[str, str]] | None, s: int, e: int) -> bool:
        if not got:
            return False
        for role, name in got:
            self._credit(role, name, None, s, e)
        return True

    def run(self) -> None:
        text = self.text
        pos = 0
        first_body = True
        lines = text.split("\n")
        for line in lines:
            ls = pos
            pos += len(line) + 1
            if not line.strip():
                continue
            whole_end = min(ls + len(line) + 1, len(text))  # the line and its newline
            if self.re["junk"].match(line):
                self.deletions.append((ls, whole_end))
                continue
            if self._line_credit(ls, line):
                self.deletions.append((ls, whole_end))
                continue
            if first_body:
                # A first line that is only a name is the byline (王梦阳 above the body).
                first_body = False
                nm = line.strip()
                if len(lines) > 1 and _name_ok(nm, True, self.lex):
                    off = ls + line.index(nm)
                    self._credit("author", nm, None, off, off + len(nm))
                    self.deletions.append((ls, whole_end))
                    continue
            self._inline_credits(ls, line)

    def _line_credit(self, ls: int, line: str) -> bool:
        """A whole line that is a credit: 'HEADER: names', 'ROLE names', '(作者系…)'."""
        end = ls + len(line)
        m = self.re["header"].match(line)
        if m:
            spec = self.lex["headers"][m.group("head")]
            if self._add(_parse_names(m.group("body"), spec["role"], spec["inner"], False, self.lex), ls, end):
                return True
        m = self.re["roleline"].match(line)
        if m and len(line.strip()) <= 60:
            if self._add(_parse_names(m.group("body"), None, True, True, self.lex), ls, end):
                return True
        bare = line.strip()
        m = self.re["office"].fullmatch(bare) or self.re["office_line"].fullmatch(bare)
        if m:
            self._credit("author", None, m.group("office").strip(), ls, end)
            return True
        m = self.re["paren"].fullmatch(bare)
        if m and self._paren_credit(m.group("body"), ls, end):
            return True
        return False

    def _paren_credit(self, body: str, s: int, e: int) -> bool:
        """'(责编:刘艳梅)', '(记者 张三 通讯员 李四)', '(李成东 摄)' as credits."""
        body = body.strip()
        m = self.re["header"].match(body)
        if m:
            spec = self.lex["headers"][m.group("head")]
            if self._add(_parse_names(m.group("body"), spec["role"], spec["inner"], False, self.lex), s, e):
                return True
        m = self.re["photo_paren"].match(body)
        if m and self._add(_parse_names(m.group("body"), "photographer", False, True, self.lex), s, e):
            return True
        return self._add(_parse_names(body, None, True, True, self.lex), s, e)

    @staticmethod
    def _signoff(line: str, m: re.Match) -> bool:
        """A bracketed name that signs off a paragraph, `…的赞扬。(王杏)`: the news story's writer.
        Only after a sentence's end and with nothing after it on the line."""
        before = line[:m.start()].rstrip()
        return bool(before) and before[-1] in "。！？!?”" and not line[m.end():].strip()

    def _photo_tail(self, line: str) -> tuple[int, list[tuple[str, str]]] | None:
        """A caption's trailing credit, '…宣传单。李成东 摄': where it starts and who."""
        start = _photo_tail_start(line, self.lex["photo"])
        if not start:
            return None
        before = line[:start]
        cut = max(before.rfind(ch) for ch in _TAIL_STOP) + 1
        toks = list(re.finditer(r"\S+", before[cut:]))
        # the longest run of names that parses: the tokens after the last one that is neither a name
        # nor a role word (each token is read on its own, so one pass from the end finds it)
        k = len(toks)
        while k > 0 and all(w in self.lex["roles"] or _parse_names(w, "photographer", False, True, self.lex)
                            for w in _NAME_TOKEN.findall(toks[k - 1].group())):
            k -= 1
        got = _parse_names(" ".join(t.group() for t in toks[k:]), "photographer", False, True, self.lex) if k < len(toks) else None
        return (cut + toks[k].start(), got) if got else None

    def _inline_credits(self, ls: int, line: str) -> None:
        """Credits inside a body line: '(作者系…)', '(责编:…)', a caption's trailing '李成东 摄'."""
        cut: list[tuple[int, int]] = []
        for m in self.re["office"].finditer(line):
            self._credit("author", None, m.group("office").strip(), ls + m.start(), ls + m.end())
            cut.append((m.start(), m.end()))
        offices = list(cut)  # sorted and disjoint; parens never overlap one another
        for m in self.re["paren"].finditer(line):
            if _overlaps(offices, m.start(), m.end()):
                continue
            if self._paren_credit(m.group("body"), ls + m.start(), ls + m.end()):
                cut.append((m.start(), m.end()))
            elif self._signoff(line, m) and self._add(
                    _parse_names(m.group("body"), "author", False, True, self.lex), ls + m.start(), ls + m.end()):
                cut.append((m.start(), m.end()))
        tail = self._photo_tail(line)
        if tail and not any(b > tail[0] for _, b in cut[-1:] + offices[-1:]):
            self._add(tail[1], ls + tail[0], ls + len(line))
            cut.append((tail[0], len(line)))
        for a, b in cut:
            while a > 0 and line[a - 1] in _HSPACE:
                a -= 1
            self.deletions.append((ls + a, ls + b))


# ---------------------------------------------------------------------------
# 4. whitespace, punctuation, sentences

def _cleanup(text: str, origin: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """Unify whitespace and punctuation; every change is a deletion or a 1:1 swap."""
    edits = []
    for m in re.finditer(f"[{_ZERO_WIDTH}]|\r(?=\n)", text):
        edits.append((m.start(), m.end(), "", None, None))
    text, origin, ends = _apply(text, origin, ends, edits)
    text = _cjk_marks(text.replace("\r", "\n").translate(_FOLD))  # first, so spaces see the final marks

    edits = []
    n = len(text)
    # A text that puts spaces between Han characters uses them as commas; then a
    # space next to a quote (“娘家” 事前) is one too. Elsewhere such a space is
    # layout (检查 《…》 落实) and goes.
    comma_style = len(_HAN_SPACE_HAN.findall(text)) >= 3
    for m in re.finditer(f"[{_HSPACE}]+", text):
        s, e = m.start(), m.end()
        left = text[s - 1] if s > 0 else "\n"
        right = text[e] if e < n else "\n"
        if left == "\n" or right == "\n":
            edits.append((s, e, "", None, None))
        elif (_is_han(left) and _is_han(right)) or (
            comma_style and (_is_han(left) or left in "”’》」』)") and (_is_han(right) or right in "“‘《「『")
        ):
            edits.append((s, e, "，", [origin[s]], [ends[s]]))  # a space used as a comma
        elif _CJK_RE.match(left) or _CJK_RE.match(right):
            edits.append((s, e, "", None, None))
        elif e - s > 1 or text[s] != " ":
            edits.append((s, e, " ", [origin[s]], [ends[s]]))
    text, origin, ends = _apply(text, origin, ends, edits)

    edits = []
    for m in re.finditer(r"\n{2,}", text):
        edits.append((m.start() + 1, m.end(), "", None, None))
    lead = len(text) - len(text.lstrip("\n"))
    if lead:
        edits.append((0, lead, "", None, None))
    trail = len(text.rstrip("\n"))
    if trail < len(text) and trail >= lead:
        edits.append((max(trail, lead), len(text), "", None, None))
    text, origin, ends = _apply(text, origin, ends, edits)

    return _cjk_marks(text), origin, ends


def _cjk_marks(text: str) -> str:
    """ASCII ,;:?! next to Chinese become ，；：？！ (1,000 and 10:30 stay).

    A mark next to another converted mark ('?!' after a Han) converts too, so a
    run of marks converts whole when a neighbour of the run is Chinese; deciding
    per run keeps this linear and normalize idempotent.
    """
    if not _ASCII_MARKS.search(text):
        return text
    parts, pos = [], 0
    for m in _ASCII_MARKS.finditer(text):
        s, e = m.start(), m.end()
        left = text[s - 1] if s > 0 else ""
        right = text[e] if e < len(text) else ""
        if (left and _CJK_RE.match(left)) or (right and _CJK_RE.match(right)):
            parts.append(text[pos:s])
            parts.append(m.group().translate(_ASCII_TO_CJK_TABLE))
            pos = e
    parts.append(text[pos:])
    return "".join(parts)


def _sentences(text: str, breaks: list[int]) -> list[tuple[int, int]]:
    """Sentence spans: a newline always ends one, as do 。！？；, …… and soft breaks; a longer span is
    cut into windows of at most MAX_SENTENCE characters (see `_windows`)."""
    cuts = sorted(set(breaks))
    spans = []
    pos = 0
    for line in text.split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        points = [m.end() + ls for m in _SENT_END.finditer(line)]
        points += cuts[bisect.bisect_right(cuts, ls):bisect.bisect_left(cuts, le)]
        start = ls
        for p in sorted(set(points)) + [le]:
            for s, e in _windows(text, start, p):
                s, e = _strip_span(text, s, e)
                if s < e:
                    spans.append((s, e))
            start = p
    return spans


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] in pieces of at most MAX_SENTENCE characters, each cut after the last clause
    mark or space of its second half, else hard at the maximum (a text without punctuation)."""
    out = []
    while end - start > MAX_SENTENCE:
        hi = start + MAX_SENTENCE
        cut = max(text.rfind(c, hi - MAX_SENTENCE // 2, hi) for c in _WINDOW_CUTS) + 1
        cut = cut if cut > start else hi
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    end = min(end, len(text))
    # Matched bracket and quote pairs protect their inside; an unmatched one is ignored.
    protected = []
    stack: list[tuple[str, int]] = []
    for i in range(start, end):
        c = text[i]
        if c in _OPENERS:
            stack.append((_OPENERS[c], i))
        elif stack and c == stack[-1][0]:
            _, j = stack.pop()
            if not stack:
                protected.append((j, i))
        elif c in _CLOSERS:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == c:
                    del stack[k:]
                    break
    out = []
    s = start
    pi = 0
    for i in range(start, end):
        while pi < len(protected) and protected[pi][1] < i:
            pi += 1
        if pi < len(protected) and protected[pi][0] <= i <= protected[pi][1]:
            continue
        c = text[i]
        if c in _CLAUSE_SEP:
            if c in ",;:" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue
            a, b = _strip_span(text, s, i)
            if a < b:
                out.append((a, b))
            s = i + 1
    a, b = _strip_span(text, s, end)
    while b > a and text[b - 1] in "。！？；!?;…":
        b -= 1
    if a < b:
        out.append((a, b))
    return out


# ---------------------------------------------------------------------------

def normalize(original: str, lexicons: "Lexicons | None" = None) -> Text:
    """Normalise a decoded report (Source.text); see the module docstring for the steps. The credit
    words are those of `lexicons` (the pipeline's: kg.nlp.pipeline.lexicons_of), else the shipped ones."""
    lex = credit_lexicon(lexicons)
    n = len(original)
    origin = list(range(n))
    ends = list(range(1, n + 1))

    edits, mojibake, soft = _repair_and_unglos(original, lex)
    text, origin, ends = _apply(original, origin, ends, edits)

    text = _t2s_aligned(text)

    finder = _CreditFinder(text, origin, ends, lex)
    finder.run()
    text, origin, ends = _apply(text, origin, ends, [(s, e, "", None, None) for s, e in finder.deletions])

    text, origin, ends = _cleanup(text, origin, ends)

    breaks = []
    for off in soft:
        i = bisect.bisect_left(origin, off)
        if 0 < i < len(text):
            breaks.append(i)
    sentences = _sentences(text, breaks)
    for mb in mojibake:  # what the run became in the final text
        a, b = bisect.bisect_left(origin, mb.start), bisect.bisect_left(origin, mb.end)
        mb.repaired = text[a:b] or None
    return Text(text, origin, sentences, finder.credits, mojibake, ends, n)
