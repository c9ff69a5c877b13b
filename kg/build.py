"""Orchestration: find reports, run each through read → normalize → nlp, merge, export.

Each report goes left to right on its own (`process_report` is a pure
function of the file's bytes, the pipeline version, lexicons and config);
only the merge and the exports see the whole corpus. A report that cannot be
read is skipped with one line naming it and the reason; the rest still build.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kg import read
from kg.facts import ReportFacts
from kg.graph import KnowledgeGraph, merge
from kg.normalize import normalize
from kg.nlp import extract


@dataclass
class BuildResult:
    graph: KnowledgeGraph
    facts: list[ReportFacts]
    skipped: list[str] = field(default_factory=list)   # one line per skipped report
    outputs: list[Path] = field(default_factory=list)


def process_source(nlp, source: read.Source) -> ReportFacts:
    text = normalize(source.text)
    doc = extract.run(nlp, text, source.name)
    return extract.to_facts(doc, text, source)


def process_report(nlp, path: Path, corpus: Path) -> ReportFacts:
    return process_source(nlp, read.read_report(path, corpus))


def extract_all(corpus: Path, nlp=None, on_skip: Callable[[str], None] | None = None) -> tuple[list[ReportFacts], list[str]]:
    if nlp is None:
        from kg.nlp.pipeline import build as build_nlp

        nlp = build_nlp()
    facts, skipped = [], []
    for path in read.find_reports(corpus):
        try:
            facts.append(process_report(nlp, path, corpus))
        except read.ReportError as exc:
            skipped.append(str(exc))
            if on_skip:
                on_skip(str(exc))
    return facts, skipped


def export(graph: KnowledgeGraph, out: Path) -> list[Path]:
    from kg.export import export_all

    return export_all(graph, out)


def build(corpus: Path, out: Path, nlp=None, on_skip=None) -> BuildResult:
    facts, skipped = extract_all(corpus, nlp, on_skip)
    graph = merge(facts)
    outputs = export(graph, out)
    return BuildResult(graph, facts, skipped, outputs)
