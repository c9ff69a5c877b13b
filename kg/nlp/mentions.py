"""What components leave on the Doc: mentions and relations by character offset.

Components work on characters rather than on token spans because Chinese names
often cross the segmenter's word boundaries; offsets are into `doc.text`
(the normalised text), and are mapped back to the original file at the end.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc


@dataclass
class Mention:
    type: str
    start: int
    end: int
    label: str
    rule: str
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.label)


@dataclass
class Link:
    type: str
    source: Mention | tuple[str, str]
    target: Mention | tuple[str, str]
    start: int  # the evidence span in doc.text (usually the sentence)
    end: int
    rule: str


for _name, _default in (("kg_text", None), ("kg_mentions", None), ("kg_links", None),
                        ("kg_report_county", None), ("kg_report_name", "")):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def mentions(doc: Doc, *types: str) -> list[Mention]:
    found = doc._.kg_mentions  # each `doc._` builds an accessor: read it once (components add thousands)
    if found is None:
        found = doc._.kg_mentions = []
    if not types:
        return found
    return [m for m in found if m.type in types]


def links(doc: Doc) -> list[Link]:
    if doc._.kg_links is None:
        doc._.kg_links = []
    return doc._.kg_links


def add(doc: Doc, mention: Mention) -> Mention:
    mentions(doc).append(mention)
    return mention


class SpanSet:
    """Character spans taken so far, with overlap tests that cost the span's length, not the number
    of spans (a list and `any(...)` made long reports quadratic)."""

    def __init__(self, length: int, spans=()):
        self.mask = bytearray(length + 1)
        self.spans: list[tuple[int, int]] = []
        for s, e in spans:
            self.add(s, e)

    def add(self, start: int, end: int) -> None:
        start, end = max(0, start), min(len(self.mask), max(start, end))
        self.mask[start:end] = b"\x01" * (end - start)
        self.spans.append((start, end))

    def append(self, span: tuple[int, int]) -> None:
        self.add(*span)

    def overlaps(self, start: int, end: int) -> bool:
        return self.mask.find(1, max(0, start), max(start, min(end, len(self.mask)))) != -1

    def covers(self, pos: int) -> bool:
        return 0 <= pos < len(self.mask) and self.mask[pos] == 1

    def __iter__(self):
        return iter(self.spans)


def doc_text(doc: Doc) -> str:
    """The Doc's text, read once: spaCy rebuilds Doc.text from every token on each access."""
    cached = doc.user_data.get("kg_text_str")
    if cached is None:
        cached = doc.user_data["kg_text_str"] = doc._.kg_text.text if doc._.kg_text is not None else doc.text
    return cached


def token_starts(doc: Doc) -> set[int]:
    """Character offsets where the segmenter starts a word (and the text's end), read once per Doc."""
    cached = doc.user_data.get("kg_token_starts")
    if cached is None:
        cached = doc.user_data["kg_token_starts"] = set(doc.to_array("IDX").tolist()) | {len(doc_text(doc))}
    return cached


def token_texts(doc: Doc) -> list[str]:
    """The words of the Doc without building a Token object for each."""
    strings = doc.vocab.strings
    return [strings[h] for h in doc.to_array("ORTH").tolist()]


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Sentence spans from the normaliser (the Text rides on the Doc)."""
    text = doc._.kg_text
    return list(text.sentences) if text is not None else [(0, len(doc_text(doc)))]


def _sentence_index(doc: Doc) -> tuple[list[int], list[tuple[int, int]], int]:
    """Sentence starts for bisect, built once per Doc (Doc.text is rebuilt from tokens on every access)."""
    cached = doc.user_data.get("kg_sentence_index")
    if cached is None:
        spans = sentence_spans(doc)
        length = len(doc_text(doc))
        cached = doc.user_data["kg_sentence_index"] = ([s for s, _ in spans], spans, length)
    return cached


def sentence_of(doc: Doc, pos: int) -> tuple[int, int]:
    starts, spans, length = _sentence_index(doc)
    i = bisect.bisect_right(starts, pos) - 1
    if 0 <= i < len(spans) and spans[i][0] <= pos < spans[i][1]:
        return spans[i]
    return (max(0, pos - 40), min(length, pos + 40))
