"""Which SERVICE and update keywords a SPARQL text uses, read by SPARQL 1.1's lexical rules.

pyoxigraph (0.5) exposes no parsed query, so the decision is made on tokens:
a linear scanner follows the grammar's terminals (IRIREF, prefixed names with
PN_LOCAL_ESC, the four string forms with ECHAR, comments ending at CR or LF,
variables, blank nodes, numbers) and looks for keywords only among bare words.
Oxigraph's parser is a PEG without word boundaries (it reads `SERVICESILENT<…>`
and `SERVICE:x`), so SERVICE counts anywhere inside a bare word or a prefix
name. Where two readers could disagree (a codepoint escape \\u000A in a comment,
U+2028 in a comment, an escape decoding to a quote, an IRI after an operand
inside parentheses, where `<` may be less-than), the text is refused: it fails
closed. This check is one of two guards; `kg.sandbox` also runs every query
where no network exists.
"""
from __future__ import annotations

import re

MAX_QUERY_CHARS = 1 << 20  # 1 Mi characters: far above any real query, and Oxigraph's memory stays small
SERVICE = "SERVICE"
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")

_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_LOCAL_ESC = set("_~.-!$&'()*+,;=/?#@%")
_HEX = set("0123456789abcdefABCDEF")

# Every pattern is a run of one character class (constant memory in `re`); loops over escapes are Python.
_WS = re.compile(r"[ \t\r\n]*")
_COMMENT = re.compile(r"[^\r\n]*")
_COMMENT_AMBIGUOUS = re.compile(r"[\x0b\x0c\x85\u2028\u2029]|\\u000[aAdD]|\\U0000000[aAdD]")
_IRI_RUN = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')
_RUNS = {"'": re.compile(r"[^'\\\r\n]*"), '"': re.compile(r'[^"\\\r\n]*'),
         "'''": re.compile(r"[^'\\]*"), '"""': re.compile(r'[^"\\]*')}
_PREFIX = re.compile(f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?")
_LOCAL_RUN = re.compile(f"[{_CHARS}.:]*")
_LOCAL_FIRST = re.compile(f"[{_CHARS_U}:0-9%\\\\]")
_VAR = re.compile(f"[{_CHARS_U}0-9][{_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*")
_BNODE = re.compile(f"_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?")
_NUMBER = re.compile(r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+(?:[eE][+-]?[0-9]+)?")
_LANGTAG = re.compile(r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?")
_PUNCT = set("{}()[];,.*=!&|/^+-~<>?")
_CLOSERS = {"}": b"{V", ")": b"(v", "]": b"["}  # V, v: a VALUES block and its rows


class UnsafeQuery(ValueError):
    """The query calls SERVICE, changes data without --allow-update, is too long, or cannot be checked."""


def _refuse(text: str, i: int, why: str):
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    raise UnsafeQuery(f"refused: {why} at line {line}, column {col} (the query check reads SPARQL 1.1's "
                      "lexical rules and refuses what it cannot read with certainty)")


def _escape(text: str, i: int, forbidden: str, where: str) -> int:
    """Past a \\uXXXX or \\UXXXXXXXX escape at i; refused when it decodes to a character that would end
    or break the token in SPARQL 1.1's reading (escapes are decoded before parsing there, not in Oxigraph)."""
    n = 4 if text.startswith("\\u", i) else 8 if text.startswith("\\U", i) else 0
    digits = text[i + 2:i + 2 + n]
    if not n or len(digits) != n or not set(digits) <= _HEX:
        _refuse(text, i, f"an unknown escape in {where}")
    code = int(digits, 16)
    if code > 0x10FFFF or chr(code) in forbidden or code <= 0x20 and where == "an IRI":
        _refuse(text, i, f"an escape \\{text[i + 1]}{digits} in {where} decoding to a character that ends it")
    return i + 2 + n


def _iri_end(text: str, i: int) -> int | None:
    """End of the IRIREF starting at text[i] == '<', or None when it is not one (then '<' is an operator)."""
    j = i + 1
    while True:
        j = _IRI_RUN.match(text, j).end()
        if text.startswith(">", j):
            return j + 1
        if not text.startswith("\\", j):
            return None
        j = _escape(text, j, '<>"{}|^`\\', "an IRI")


def _string_end(text: str, i: int, quote: str) -> int:
    run = _RUNS[quote]
    j = i + len(quote)
    while True:
        j = run.match(text, j).end()
        if j >= len(text) or text[j] in "\r\n":
            _refuse(text, i, "an unterminated string")
        if text[j] == "\\":
            nxt = text[j + 1:j + 2]
            j = j + 2 if nxt and nxt in "tbnrf\\\"'" else _escape(text, j, "'\"\\\r\n", "a string")
        elif text.startswith(quote, j):
            return j + len(quote)
        else:  # one or two quotes inside a long string
            j += 1


def _local_end(text: str, j: int) -> int:
    """End of the PN_LOCAL starting at j (j itself when there is none), escapes and %HH included."""
    start = j
    if not _LOCAL_FIRST.match(text, j):
        return j  # a local name cannot start with '.', '-' or a combining mark: the name ends at the colon
    while True:
        j = _LOCAL_RUN.match(text, j).end()
        if text.startswith("%", j) and len(text[j + 1:j + 3]) == 2 and set(text[j + 1:j + 3]) <= _HEX:
            j += 3
        elif text.startswith("\\", j) and text[j + 1:j + 2] and text[j + 1:j + 2] in _LOCAL_ESC:
            j += 2
        else:
            break
    while j > start and text[j - 1] == "." and text[j - 2] != "\\":
        j -= 1  # a name cannot end in '.' (unless escaped): the dot ends the triple
    return j


def tokens(text: str):
    """(kind, start, end) for each token: kinds are word, pname, var, bnode, iri, string, number, lang, punct.

    Linear in the text and constant in memory; raises UnsafeQuery where the text is not made of SPARQL 1.1
    tokens or where two readings of it could differ."""
    i, n = 0, len(text)
    brackets = bytearray()  # open brackets, innermost last
    values = False  # VALUES was read and its block has not opened yet
    operand = False  # the last token ends an operand (then '<' inside parentheses may be less-than)
    while True:
        i = _WS.match(text, i).end()
        if i >= n:
            return
        c = text[i]
        if c == "#":
            j = _COMMENT.match(text, i).end()
            bad = _COMMENT_AMBIGUOUS.search(text, i, j)
            if bad:
                _refuse(text, bad.start(), f"a comment holding {bad.group()!r}, a line end to some readers")
            i = j
            continue
        if c == "<":
            j = _iri_end(text, i)
            if j is not None:
                if operand and brackets[-1:] == b"(":
                    body = text[i:j]
                    if "#" in body or "'" in body or SERVICE in body.upper():
                        _refuse(text, i, "an IRI after an operand inside parentheses, where '<' may be "
                                         "less-than, holding '#', a quote or SERVICE")
                yield "iri", i, j
                i, operand = j, True
                continue
        if c in "'\"":
            quote = text[i:i + 3] if text.startswith(c * 3, i) else c
            j = _string_end(text, i, quote)
            yield "string", i, j
            if text.startswith("@", j):
                m = _LANGTAG.match(text, j)
                if not m:
                    _refuse(text, j, "a malformed language tag")
                yield "lang", j, m.end()
                j = m.end()
            i, operand = j, True
            continue
        if c in "?$" and _VAR.match(text, i + 1):
            j = _VAR.match(text, i + 1).end()
            yield "var", i, j
            i, operand = j, True
            continue
        if text.startswith("_:", i):
            m = _BNODE.match(text, i)
            if not m:
                _refuse(text, i, "a malformed blank node label")
            yield "bnode", i, m.end()
            i, operand = m.end(), True
            continue
        m = _NUMBER.match(text, i) if c.isascii() and (c.isdigit() or c == ".") else None
        if m and m.end() > i:
            yield "number", i, m.end()
            i, operand = m.end(), True
            continue
        m = _PREFIX.match(text, i)
        if m or c == ":":
            j = m.end() if m else i
            if text.startswith(":", j):
                k = _local_end(text, j + 1)
                yield "pname", i, k
                i = k
            else:
                yield "word", i, j
                values = values or text[i:j].upper() == "VALUES"  # its block holds data, no expressions
                i = j
            operand = True
            continue
        if c in _PUNCT:
            if c == "{":
                brackets.append(ord("V" if values else "{"))
                values = False
            elif c in "([":
                brackets.append(ord("v" if c == "(" and brackets[-1:] == b"V" else c))
            elif c in _CLOSERS:
                if brackets and brackets[-1] in _CLOSERS[c]:
                    brackets.pop()
            yield "punct", i, i + 1
            i, operand = i + 1, c in ")]"
            continue
        _refuse(text, i, f"a character U+{ord(c):04X} that starts no SPARQL token")


def keywords(sparql: str) -> set[str]:
    """SERVICE (anywhere in a bare word or a prefix name) and the update keywords (as bare words) the text uses.

    Raises UnsafeQuery for text the scanner cannot read (see `tokens`)."""
    found = set()
    updates = set(UPDATE_WORDS)
    for kind, i, j in tokens(sparql):
        if kind == "word":
            word = sparql[i:j].upper()
            if SERVICE in word:
                found.add(SERVICE)
            if word in updates:
                found.add(word)
        elif kind == "pname" and SERVICE in sparql[i:sparql.index(":", i)].upper():
            found.add(SERVICE)
    return found


def check(sparql: str, allow_update: bool = False) -> bool:
    """True when the text is an update to run as one; raise UnsafeQuery for SERVICE (always: kg query
    never reaches the network), for an update not allowed, or for a text over MAX_QUERY_CHARS."""
    if len(sparql) > MAX_QUERY_CHARS:
        raise UnsafeQuery(f"refused: the query is {len(sparql):,} characters; "
                          f"kg query accepts at most {MAX_QUERY_CHARS:,} (1 Mi)")
    found = keywords(sparql)
    if SERVICE in found:
        raise UnsafeQuery("SERVICE (remote queries) is refused: kg query never reaches the network")
    updates = sorted(found & set(UPDATE_WORDS))
    if updates and not allow_update:
        raise UnsafeQuery(f"update operations ({', '.join(updates)}) are refused; pass --allow-update to run them")
    return bool(updates)


def undeclared_prefix(sparql: str, known=()) -> tuple[str, int, int] | None:
    """(prefix, line, column) of the first prefixed name whose prefix neither the text's own PREFIX lines
    nor `known` declare, else None: Oxigraph reports that as a dump of character classes, we in one line."""
    declared = set(known)
    last = ""
    try:
        for kind, i, j in tokens(sparql):
            if kind == "pname":
                prefix = sparql[i:sparql.index(":", i)]
                if last == "PREFIX":
                    declared.add(prefix)
                elif prefix not in declared:
                    return prefix, sparql.count("\n", 0, i) + 1, i - (sparql.rfind("\n", 0, i) + 1) + 1
            last = sparql[i:j].upper() if kind == "word" else ""
    except UnsafeQuery:
        return None
    return None
